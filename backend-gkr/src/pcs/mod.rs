//! Commitments to the input layer: a multilinear polynomial commitment over all copies'
//! inputs (one MLE over `(input wire, copy)` variables).
//!
//! [`PcsParams::Ligero`] (the default) is the hash-based Ligero-style scheme in [`ligero`].
//! [`PcsParams::Raw`] ships the inputs in the opening and exists for debugging only: it hides
//! nothing and its proofs are as large as the inputs. The verifier chooses the parameters;
//! a proof made with other parameters (or the other mode) is rejected.

pub mod ligero;
pub mod merkle;

use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::field::write_elem;
use crate::mle::evaluate;
use crate::transcript::Transcript;
use ark_ff::PrimeField;
pub use ligero::{LigeroOpening, LigeroParams};
pub use merkle::Digest;

/// Which commitment scheme, with its parameters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum PcsParams {
    /// Ligero-style RS + Merkle commitment.
    Ligero(LigeroParams),
    /// Debugging only: the opening contains the whole input table.
    Raw,
}

impl Default for PcsParams {
    fn default() -> Self {
        PcsParams::Ligero(LigeroParams::default())
    }
}

/// A commitment to a table of `2^num_vars` field elements.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Commitment {
    /// Merkle root over the Ligero codeword columns.
    Ligero {
        /// The root.
        #[serde(with = "crate::field::serde_digest")]
        root: Digest,
        /// Number of variables of the committed MLE.
        num_vars: u32,
    },
    /// blake3 digest of the raw table.
    Raw {
        /// The digest.
        #[serde(with = "crate::field::serde_digest")]
        digest: Digest,
        /// Number of variables of the committed MLE.
        num_vars: u32,
    },
}

impl Commitment {
    /// Number of variables of the committed MLE.
    pub fn num_vars(&self) -> usize {
        match self {
            Commitment::Ligero { num_vars, .. } | Commitment::Raw { num_vars, .. } => {
                *num_vars as usize
            }
        }
    }

    /// Absorb the commitment into a transcript (both sides, before drawing anything that
    /// depends on the committed values).
    pub fn absorb(&self, transcript: &mut Transcript) {
        match self {
            Commitment::Ligero { root, num_vars } => {
                transcript.absorb_bytes(b"pcs/ligero-root", root);
                transcript.absorb_u64(b"pcs/num-vars", *num_vars as u64);
            }
            Commitment::Raw { digest, num_vars } => {
                transcript.absorb_bytes(b"pcs/raw-digest", digest);
                transcript.absorb_u64(b"pcs/num-vars", *num_vars as u64);
            }
        }
    }
}

/// An opening at one point.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub enum Opening<F: PrimeField> {
    /// Ligero opening.
    Ligero(LigeroOpening<F>),
    /// The whole table (debugging only).
    Raw(#[serde(with = "crate::field::serde_fe_vec")] Vec<F>),
}

/// The prover's state between committing and opening.
#[derive(Clone, Debug)]
pub enum PcsProverData<F> {
    /// Ligero state (matrix, codeword columns, Merkle tree).
    Ligero(ligero::LigeroProverData<F>, LigeroParams),
    /// The raw table.
    Raw(Vec<F>),
}

fn raw_digest<F: PrimeField>(table: &[F]) -> Digest {
    let mut buf = Vec::with_capacity(table.len() * 32);
    for x in table {
        write_elem(&mut buf, x);
    }
    merkle::hash_leaf(&buf)
}

/// Commit to `table` (length a power of two).
pub fn commit<F: PrimeField>(
    params: &PcsParams,
    table: Vec<F>,
) -> Result<(Commitment, PcsProverData<F>), ProveError> {
    let num_vars = crate::mle::log2_exact(table.len())
        .ok_or_else(|| ProveError::Commitment("table size is not a power of two".into()))?
        as u32;
    match params {
        PcsParams::Ligero(p) => {
            let (root, data) = ligero::commit(table, p)?;
            Ok((
                Commitment::Ligero { root, num_vars },
                PcsProverData::Ligero(data, *p),
            ))
        }
        PcsParams::Raw => {
            let digest = raw_digest(&table);
            Ok((
                Commitment::Raw { digest, num_vars },
                PcsProverData::Raw(table),
            ))
        }
    }
}

/// Open at `point`.
pub fn open<F: PrimeField>(
    data: &PcsProverData<F>,
    point: &[F],
    transcript: &mut Transcript,
) -> Opening<F> {
    match data {
        PcsProverData::Ligero(d, p) => Opening::Ligero(ligero::open(d, p, point, transcript)),
        PcsProverData::Raw(t) => Opening::Raw(t.clone()),
    }
}

/// Verify `opening` of `commitment` against `claim` under the verifier's `params`.
pub fn verify<F: PrimeField>(
    params: &PcsParams,
    commitment: &Commitment,
    claim: &Claim<F>,
    opening: &Opening<F>,
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    match (params, commitment, opening) {
        (PcsParams::Ligero(p), Commitment::Ligero { root, num_vars }, Opening::Ligero(o)) => {
            ligero::verify(p, root, *num_vars as usize, claim, o, transcript)
        }
        (PcsParams::Raw, Commitment::Raw { digest, num_vars }, Opening::Raw(table)) => {
            let n = *num_vars as usize;
            if n >= usize::BITS as usize || table.len() != 1usize << n || claim.point.len() != n {
                return Err(VerifyError::Commitment(
                    "raw opening has the wrong size".into(),
                ));
            }
            if raw_digest(table) != *digest {
                return Err(VerifyError::Commitment(
                    "raw opening does not match its digest".into(),
                ));
            }
            if evaluate(table, &claim.point) != claim.value {
                return Err(VerifyError::InputOpening);
            }
            Ok(())
        }
        _ => Err(VerifyError::Commitment(
            "commitment/opening mode differs from the verifier's parameters".into(),
        )),
    }
}
