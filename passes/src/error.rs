//! Errors of the passes crate: user errors (unsupported program shapes, failed runs) apart from
//! internal ones (a pass broke the IR).

use tessera_ir::exec::RunError;
use tessera_ir::verify::VerifierErrors;

/// What can go wrong in a pass or pipeline.
#[derive(Debug, thiserror::Error)]
pub enum PassError {
    /// Recursive calls cannot be inlined.
    #[error("recursion is not supported yet: {}", cycle.join(" -> "))]
    Recursion { cycle: Vec<String> },
    /// A construct the interpreter runs but the circuit stages do not handle yet.
    #[error("{what} cannot be lowered to circuits yet, in function '{func}', block {block}, instruction `{inst}`{}", loc.as_ref().map(|l| format!(" at {l}")).unwrap_or_default())]
    Unsupported { what: String, func: String, block: String, inst: String, loc: Option<tessera_ir::SrcLoc> },
    /// `--after` named no pass of the pipeline.
    #[error("no pass named '{name}' in the {pipeline} pipeline (passes: {})", available.join(", "))]
    UnknownPass { name: String, pipeline: &'static str, available: Vec<&'static str> },
    /// Running the program (to group its trace) failed.
    #[error("{0}")]
    Run(#[from] RunError),
    /// A region the lowering cannot express.
    #[error("{0}")]
    Lower(#[from] crate::lower::LowerError),
    /// Layering a template failed (an internal error).
    #[error("{0}")]
    Layer(#[from] crate::layer::LayerError),
    /// Proving or verifying failed (the message names the check).
    #[error("{0}")]
    Prove(String),
    /// The opcode machine's trace is inconsistent with its layout (an internal error).
    #[error("opcode trace: {0}")]
    Witness(String),
    /// Internal: a pass left IR that does not verify.
    #[error("internal error: the IR after pass '{pass}' does not verify:\n{errors}")]
    Verify { pass: &'static str, errors: VerifierErrors },
}
