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
//! * The prover and verifier absorb the same data in the same order (circuit digest, copy
//!   count, claims, commitments, every prover message); a [`Transcript`] is the only
//!   source of challenges.
//! * Verifiers never panic on proof data: shapes are checked against the circuit, decoders
//!   bound every length by the remaining bytes, and every failure is a [`VerifyError`]
//!   naming the check.
//!
//! Generic over `F: PrimeField`; the default field is the BN254 scalar field ([`Fr`]).
//!
//! Entry points:
//! * [`prove`] / [`prove_evaluated`] and [`verify`]: GKR for output claims at arbitrary
//!   points of the output layer's MLE; the verifier returns the [`Claim`] left on the input
//!   MLE, which the caller checks ([`check_input_claim`] for raw inputs).
//! * [`prove_with_commitment`] / [`verify_with_commitment`]: inputs committed with
//!   [`pcs`] (Ligero by default) before the output-claim points are drawn; the input claim
//!   is checked against the opening. [`pcs::commit`], [`Commitment::absorb`] and
//!   [`pcs::open`] are public for flows that commit several templates first.
//! * [`prove_product`] / [`prove_products`] and [`verify_product`] / [`verify_products`]:
//!   grand products whose leaf claims chain into a circuit's output claims
//!   ([`Claim::gate_point`]).
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
pub mod proof;
pub mod sumcheck;
pub mod transcript;

pub use circuit::{Gate, Layer, LayeredCircuit, Term};
pub use claim::{Claim, MergeProof};
pub use committed::{
    prove_with_commitment, random_output_point, verify_with_commitment, CommittedProof,
};
pub use error::{CircuitError, MergeStage, ProveError, VerifyError};
pub use field::Fr;
pub use gkr::{check_input_claim, prove, prove_evaluated, verify, GkrProof, GkrProverOutput};
pub use layer::{LayerProof, PhaseY};
pub use pcs::{Commitment, LigeroParams, Opening, PcsParams};
pub use product::{
    prove_product, prove_products, verify_product, verify_products, ProductClaims,
    ProductLayerProof, ProductProof,
};
pub use proof::{ProofCodec, ProofKind, MAGIC, VERSION};
pub use sumcheck::SumcheckProof;
pub use transcript::Transcript;
