//! tessera's frontend: source files in, [`tessera_ir::Program`] out.
//!
//! This crate owns everything between a `.c`, `.rs`, `.ll` or `.bc` file and a verified
//! program: running clang-19 or rustc (with flags that keep vectors and loop unrolling out of
//! the IR), rewriting the newer LLVM text rustc prints into LLVM 19 syntax, parsing and
//! verifying with LLVM 19 through inkwell, running the [`NORMALISING_PASSES`], and converting
//! the functions reachable from the entry (and the globals they use) into tessera's IR.
//!
//! Invariants of what [`load_program`] returns:
//!
//! - the entry function is the program's first function, and only functions reachable from
//!   it through direct calls are present; the call graph has no cycle;
//! - every value is an integer of 1..=64 bits or a pointer: aggregates (`{i32, i1}` of the
//!   `*.with.overflow` intrinsics, `insertvalue`/`extractvalue`, phis and selects of
//!   structs) are split into one scalar per field; everything else a scalar cannot hold is
//!   an [`FrontendError::Unsupported`] naming the construct, function, block, instruction and
//!   source position;
//! - GEPs are flattened to byte offsets with the module's data layout (x86-64);
//! - calls that never return (Rust panics, `llvm.trap`, external `noreturn` functions) end
//!   their block with `trap`, and the rest of the LLVM block is dropped;
//! - the program passed `tessera_ir::verify::verify_program`; a failure there is
//!   [`FrontendError::Internal`].
//!
//! No input makes this crate panic: malformed IR is LLVM's parse or verifier error, and
//! anything unexpected in a verified module is an error, not an `unwrap`.

mod convert;
mod driver;
pub mod error;
mod ll;
mod llvm;

pub use driver::rewrite_newer_llvm;
pub use error::{FrontendError, Unsupported};

use std::path::Path;
use tessera_ir::{Func, Program};

/// The LLVM passes run on every module after parsing, in order (new pass manager syntax).
/// clang and rustc have already optimised at the requested level; these only bring every
/// input, hand-written IR included, to the form the converter expects.
pub const NORMALISING_PASSES: &[&str] = &[
    // Promotes allocas to SSA values and splits aggregates held in allocas: the job of
    // `mem2reg` and more, needed for hand-written and -O0 IR (a no-op after clang -O1).
    "sroa",
    // Folds `llvm.objectsize` and `llvm.is.constant`, which tessera does not model.
    "lower-constant-intrinsics",
    // Splits vector operations left in the IR into scalar ones; vector loads and stores too
    // (the process-wide `-scalarize-load-store` option, set once in `llvm.rs`).
    "scalarizer",
    // Folds what the scalarizer and sroa leave trivially simplifiable.
    "instsimplify",
    // Removes unreachable blocks and merges trivial ones; keeps `switch` as it is (no lookup
    // tables, whose loads would hide the control flow).
    "simplifycfg",
    // Drops instructions left without uses.
    "dce",
];

/// How to get LLVM IR out of source files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontendOptions {
    /// Optimisation level for clang and rustc: `O0`, `O1` (default), `O2`, `O3`, `Os`, `Oz`.
    pub opt_level: String,
    /// The C compiler (default `clang-19`; it must emit LLVM 19 IR).
    pub clang: String,
    /// The Rust compiler (default `rustc`).
    pub rustc: String,
}

impl Default for FrontendOptions {
    fn default() -> Self {
        FrontendOptions { opt_level: "O1".into(), clang: "clang-19".into(), rustc: "rustc".into() }
    }
}

impl FrontendOptions {
    /// The optimisation level, checked (`O1` or `1` both give `O1`).
    pub(crate) fn level(&self) -> Result<&'static str, FrontendError> {
        let l = self.opt_level.trim_start_matches(['-', 'O']);
        Ok(match l {
            "0" => "O0",
            "1" => "O1",
            "2" => "O2",
            "3" => "O3",
            "s" => "Os",
            "z" => "Oz",
            _ => {
                return Err(FrontendError::InvalidOption(format!(
                    "optimisation level '{}' (expected O0, O1, O2, O3, Os or Oz)",
                    self.opt_level
                )))
            }
        })
    }
}

/// Compiles `path` (`.c`, `.rs`, `.ll` or `.bc`) and converts the functions reachable from
/// `entry` (a C name, a Rust `#[no_mangle]` name, a demangled path such as
/// `mycrate::collatz`, or its last segment when that is unique). Returns the program and
/// the entry, which is always the program's first function.
pub fn load_program(path: &Path, entry: &str, opts: &FrontendOptions) -> Result<(Program, Func), FrontendError> {
    let src = driver::load_ir(path, opts)?;
    llvm::with_module(path, &src, |m| convert::convert_module(m, entry))
}

/// The normalised module (after [`NORMALISING_PASSES`]) as LLVM 19 text: what
/// [`load_program`] converts, runnable by `lli-19`.
pub fn llvm_ir_text(path: &Path, opts: &FrontendOptions) -> Result<String, FrontendError> {
    let src = driver::load_ir(path, opts)?;
    llvm::with_module(path, &src, |m| Ok(m.print_to_string().to_string()))
}
