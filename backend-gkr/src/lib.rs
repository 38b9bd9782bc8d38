//! tessera-gkr owns the proving engine: data-parallel GKR over a [`LayeredCircuit`] run on
//! `2^c` copies, grand-product trees for the glue, a hash-based commitment to the input
//! layer, the Fiat-Shamir transcript, and the versioned proof formats. It knows nothing of
//! the frontend: circuits can be written by hand.
//!
//! Invariants its types keep:
//! * A valid [`LayeredCircuit`] (checked by [`LayeredCircuit::validate`]) has at least one
//!   gate layer, power-of-two widths, and every gate reads an existing wire of the previous
//!   layer.
//! * Tables over all copies are copy-major (`copy * width + gate`); an MLE's variable `j` is
//!   bit `j` of the index, so a point over a layer lists gate coordinates, then copy
//!   coordinates ([`Claim::gate_point`]). Sumchecks bind the top variable first, so copy
//!   variables are bound before template ones.
//! * The prover and verifier absorb the same data in the same order; a [`Transcript`] is the
//!   only source of challenges, and nothing is absorbed after a challenge that depends on it
//!   (see "Transcript order" below).
//! * Verifiers never panic on proof data: shapes are checked against the circuit, decoders
//!   bound every length by the remaining bytes, and every failure is a [`VerifyError`]
//!   naming the check. Public helpers return a [`ProveError`] or [`VerifyError`] on bad
//!   shapes; the arithmetic kernels in [`mle`] and [`sumcheck`] state their preconditions.
//! * Commitment parameters below [`pcs::ligero::SECURITY_BITS`] are refused on both sides
//!   unless built with [`PcsParams::insecure_for_tests`]; the default is
//!   [`LigeroParams::proven_100`].
//!
//! Generic over `F: PrimeField`; the default field is the BN254 scalar field ([`Fr`]).
//!
//! # Transcript order
//!
//! Fiat-Shamir is sound only if every challenge is drawn after everything it must not be
//! chosen against. Every flow, on both sides:
//!
//! 1. absorbs the [`Statement`] ([`Statement::absorb`]): every circuit's digest and copy
//!    count, the public data (program hash, public inputs and outputs; in raw mode the
//!    whole input tables), and the commitment parameters;
//! 2. absorbs every [`Commitment`] ([`Commitment::absorb`]): each template's inputs and,
//!    for a whole program, the final memory set, in a fixed order;
//! 3. only then draws challenges: glue challenges (`alpha`, `beta`), product trees
//!    ([`prove_products`], whose leaf point becomes an output claim), output-claim points;
//! 4. proves each circuit with the points it was given ([`CommittedInputs::prove`] /
//!    [`verify_committed`], or [`prove_reduction`] / [`verify_reduction`]);
//! 5. opens each commitment at its input claim ([`pcs::open`] / [`pcs::verify`] absorb the
//!    commitment and the claim themselves before drawing their queries).
//!
//! A whole-program prover: build one [`Statement`] with every template and the public data,
//! [`CommittedInputs::commit`] every template and [`pcs::commit`] the final memory, absorb
//! the statement then each commitment, draw `alpha`/`beta`, prove the product trees (passing
//! the statement and commitments, which they absorb again), chain their leaf claims into
//! output claims ([`Claim::gate_point`]), then [`CommittedInputs::prove`] each template.
//!
//! Entry points:
//! * [`prove`] and [`verify`]: raw mode (inputs shipped, for debugging): absorb
//!   [`Statement::raw`], which holds the whole input table, then draw the output-claim
//!   points from a closure, run GKR and check the input claim against the inputs.
//! * [`prove_with_commitment`] / [`verify_with_commitment`]: one circuit on inputs committed
//!   with [`pcs`] (Ligero by default): [`Statement::committed`], the commitment, then the
//!   points from a closure, GKR, and the opening at the input claim.
//! * [`CommittedInputs`], [`verify_committed`], [`prove_reduction`], [`verify_reduction`]:
//!   the pieces for flows that commit several templates before drawing any challenge.
//! * [`prove_product`] / [`prove_products`] and [`verify_product`] / [`verify_products`]:
//!   grand products whose leaf claims chain into a circuit's output claims
//!   ([`Claim::gate_point`]); they absorb the statement and commitments that fix the leaves.
//! * [`ProofCodec`]: versioned binary and JSON encodings of every proof type.

#![warn(missing_docs)]

pub mod circuit;
pub mod claim;
pub mod codec;
pub mod committed;
pub mod error;
pub mod field;
pub mod gkr;
pub mod layer;
pub mod mle;
pub mod pcs;
pub mod product;
pub mod program;
pub mod proof;
pub mod statement;
pub mod sumcheck;
pub mod transcript;

pub use circuit::{Gate, Layer, LayeredCircuit, Term};
pub use claim::{Claim, MergeProof};
pub use committed::{
    prove_with_commitment, random_output_point, verify_committed, verify_with_commitment,
    CommittedInputs, CommittedProof,
};
pub use error::{CircuitError, MergeStage, ProveError, VerifyError};
pub use field::Fr;
pub use gkr::{
    check_input_claim, prove, prove_reduction, verify, verify_reduction, GkrProof, GkrProverOutput,
};
pub use layer::{LayerProof, PhaseY};
pub use pcs::{Assumption, Commitment, LigeroParams, Opening, PcsParams};
pub use product::{
    prove_product, prove_products, verify_product, verify_products, ProductClaims,
    ProductLayerProof, ProductProof,
};
pub use program::{prove_program, verify_program, ProgramProof, System};
pub use proof::{ProofCodec, ProofKind, MAGIC, VERSION};
pub use statement::Statement;
pub use sumcheck::SumcheckProof;
pub use transcript::Transcript;
