//! The crate's error types: circuit validation, prover misuse, and verification failures.
//!
//! Verification failures name the check that failed. Because sumcheck messages carry
//! `p(0), p(2), ..., p(d)` and the verifier derives `p(1)` from the running claim, a wrong
//! round message cannot be caught in its own round: it surfaces at the final check of its
//! sumcheck, which is what the error names (`LayerFinal { layer }`, `ProductLayer { .. }`,
//! `ClaimMerge { .. }`).

use thiserror::Error;

/// A structural problem in a [`LayeredCircuit`](crate::LayeredCircuit).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CircuitError {
    /// The circuit has no gate layer.
    #[error("circuit has no gate layers")]
    NoLayers,
    /// A layer (0 = input layer) has a width that is zero or not a power of two.
    #[error("layer L{layer} has width {width}, which is not a power of two")]
    WidthNotPowerOfTwo {
        /// Layer index (0 is the input layer).
        layer: usize,
        /// The offending width.
        width: usize,
    },
    /// A gate reads a wire of the previous layer that does not exist.
    #[error("L{layer} g{gate} reads L{}.g{input}, but that layer has width {width}", layer - 1)]
    InputOutOfRange {
        /// Layer of the gate.
        layer: usize,
        /// Index of the gate in its layer.
        gate: usize,
        /// The wire it reads.
        input: u64,
        /// Width of the previous layer.
        width: usize,
    },
    /// A width or wire index does not fit the 32-bit gate encoding.
    #[error("layer L{layer} is too wide for 32-bit wire indices")]
    TooWide {
        /// Layer index.
        layer: usize,
    },
}

/// Misuse of the prover API (wrong table sizes, bad claim points, insecure parameters).
/// Never caused by randomness.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProveError {
    /// The circuit failed validation.
    #[error("invalid circuit: {0}")]
    Circuit(#[from] CircuitError),
    /// The witness table has the wrong size.
    #[error("input table has {found} elements; expected a power-of-two number of copies times input width {width}")]
    InputSize {
        /// Number of elements supplied.
        found: usize,
        /// Input layer width of the circuit.
        width: usize,
    },
    /// A claim point has the wrong number of coordinates.
    #[error("claim point {index} has {found} coordinates; expected {expected}")]
    ClaimPoint {
        /// Which claim.
        index: usize,
        /// Coordinates supplied.
        found: usize,
        /// Coordinates expected (log copies + log output width).
        expected: usize,
    },
    /// No output claim was given.
    #[error("at least one output claim point is required")]
    NoClaims,
    /// Product trees in one batch must have the same power-of-two number of leaves.
    #[error("product leaves: {0}")]
    ProductLeaves(String),
    /// The polynomial commitment could not be built.
    #[error("commitment: {0}")]
    Commitment(String),
    /// An argument of a public helper has the wrong shape.
    #[error("shape: {what}: expected {expected}, found {found}")]
    Shape {
        /// Which argument.
        what: &'static str,
        /// Expected length (or bound).
        expected: usize,
        /// Length supplied.
        found: usize,
    },
    /// The commitment parameters are unusable or below the security level (see
    /// [`crate::LigeroParams::check`]).
    #[error("commitment parameters: {0}")]
    InsecureParams(String),
    /// A whole-program system or witness is inconsistent (see [`crate::program`]).
    #[error("program: {0}")]
    Program(String),
}

/// Which sumcheck that merges several claims on one multilinear polynomial failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum MergeStage {
    /// Merging the caller's claims on the output layer.
    Output,
    /// Merging the two claims GKR leaves on the input layer.
    Input,
}

impl std::fmt::Display for MergeStage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            MergeStage::Output => "output",
            MergeStage::Input => "input",
        })
    }
}

/// Why a proof was rejected. Every variant names the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    /// The bytes or JSON do not parse as a proof of this version.
    #[error("malformed proof: {0}")]
    Malformed(String),
    /// The proof parsed but its shape does not match the circuit and copy count.
    #[error("proof shape: {what}: expected {expected}, found {found}")]
    Shape {
        /// Which component.
        what: &'static str,
        /// Expected length.
        expected: usize,
        /// Length in the proof.
        found: usize,
    },
    /// The circuit given to the verifier is invalid.
    #[error("invalid circuit: {0}")]
    Circuit(#[from] CircuitError),
    /// The output claims are unusable (no claim, or a point of the wrong dimension).
    #[error("output claims: {0}")]
    OutputClaim(String),
    /// The final check of the sumcheck merging several claims into one failed.
    #[error("{stage} claim merge: final sumcheck check failed")]
    ClaimMerge {
        /// Output or input layer.
        stage: MergeStage,
    },
    /// The final check of a GKR layer's sumcheck failed (layer numbering as in the circuit
    /// dump: L1 is the first gate layer).
    #[error("GKR layer L{layer}: final sumcheck check failed")]
    LayerFinal {
        /// Gate layer whose sumcheck failed.
        layer: usize,
    },
    /// A product tree's root (two children) does not multiply to the claimed product.
    #[error("product tree {tree}: children do not multiply to the claimed product")]
    ProductRoot {
        /// Index of the tree in the batch.
        tree: usize,
    },
    /// The final check of a product tree layer's sumcheck failed (layer j has 2^j nodes).
    #[error("product trees: final sumcheck check of layer {layer} failed")]
    ProductLayer {
        /// Tree layer whose sumcheck failed.
        layer: usize,
    },
    /// The commitment does not match what the verifier expects (mode, size, parameters).
    #[error("commitment: {0}")]
    Commitment(String),
    /// A Merkle authentication path does not lead to the committed root.
    #[error("Merkle multi-path does not match the committed root")]
    MerklePath,
    /// An opened column is inconsistent with the encoding of a combined row.
    #[error("input opening: column {column} is inconsistent with the {row} row")]
    ColumnCheck {
        /// Column index in the codeword.
        column: usize,
        /// "proximity" or "evaluation".
        row: &'static str,
    },
    /// The opened evaluation differs from the input claim GKR reduced to.
    #[error("input opening: opened value differs from the GKR input claim")]
    InputOpening,
    /// Raw mode: the shipped inputs' MLE differs from the input claim GKR reduced to.
    #[error("raw inputs: their MLE at the input claim point differs from the GKR input claim")]
    RawInputs,
    /// The verifier's own commitment parameters are unusable or below the security level.
    #[error("commitment parameters: {0}")]
    InsecureParams(String),
    /// A whole-program glue check failed: the records of a multiset do not balance, or a
    /// final memory table does not match its product tree (see [`crate::program`]).
    #[error("glue: {0}")]
    Glue(String),
    /// A check of one template's proof failed (the inner error names it).
    #[error("template {template}: {error}")]
    InTemplate {
        /// The template's name.
        template: String,
        /// The failing check.
        error: Box<VerifyError>,
    },
}
