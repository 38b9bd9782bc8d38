//! Commitments to the input layer: a multilinear polynomial commitment over all copies'
//! inputs (one MLE over `(input wire, copy)` variables).
//!
//! [`PcsParams::Ligero`] (the default) is the hash-based Ligero-style scheme in [`ligero`].
//! [`PcsParams::Raw`] ships the inputs in the opening and exists for debugging only: it hides
//! nothing and its proofs are as large as the inputs. The verifier chooses the parameters;
//! a proof made with other parameters (or the other mode) is rejected, and Ligero parameters
//! below [`ligero::SECURITY_BITS`] are refused on both sides unless built with
//! [`PcsParams::insecure_for_tests`].
//!
//! Order: [`commit`] absorbs nothing; the caller absorbs the [`crate::Statement`] (which
//! holds these parameters), then every [`Commitment`], then draws its challenges. [`open`]
//! and [`verify`] absorb the commitment and the claim (point and value) themselves before
//! drawing any query.

pub mod ligero;
pub mod merkle;

use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::field::write_elem;
use crate::mle::evaluate;
use crate::transcript::Transcript;
use ark_ff::PrimeField;
pub use ligero::{Assumption, LigeroOpening, LigeroParams};
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

impl PcsParams {
    /// Ligero at any rate and query count, accepted below the security level (tests only;
    /// see [`LigeroParams::insecure_for_tests`]).
    pub const fn insecure_for_tests(log_inv_rate: usize, num_queries: usize) -> Self {
        PcsParams::Ligero(LigeroParams::insecure_for_tests(log_inv_rate, num_queries))
    }

    /// `Ok` when the parameters may be used ([`LigeroParams::check`]; raw mode is always
    /// usable: it ships the table).
    pub fn check(&self) -> Result<(), String> {
        match self {
            PcsParams::Ligero(p) => p.check(),
            PcsParams::Raw => Ok(()),
        }
    }

    /// Absorb the parameters (part of a [`crate::Statement`]).
    pub fn absorb(&self, transcript: &mut Transcript) {
        match self {
            PcsParams::Ligero(p) => {
                transcript.absorb_u64(b"statement/pcs", 1);
                p.absorb(transcript);
            }
            PcsParams::Raw => transcript.absorb_u64(b"statement/pcs", 2),
        }
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

    /// Absorb the commitment into a transcript (both sides, after the
    /// [`crate::Statement`] and before drawing anything that depends on the committed
    /// values).
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
pub struct PcsProverData<F> {
    commitment: Commitment,
    inner: ProverInner<F>,
}

#[derive(Clone, Debug)]
enum ProverInner<F> {
    /// Ligero state (parameters, matrix, codeword columns, Merkle tree).
    Ligero(ligero::LigeroProverData<F>),
    /// The raw table.
    Raw(Vec<F>),
}

impl<F> PcsProverData<F> {
    /// The commitment this state opens.
    pub fn commitment(&self) -> &Commitment {
        &self.commitment
    }
}

fn raw_digest<F: PrimeField>(table: &[F]) -> Digest {
    let mut buf = Vec::with_capacity(table.len() * 32);
    for x in table {
        write_elem(&mut buf, x);
    }
    merkle::hash_leaf(&buf)
}

/// Commit to `table` (length a power of two). Absorbs nothing: the caller absorbs the
/// returned [`Commitment`] (after the statement, before any challenge that depends on the
/// table). Refuses parameters below the security level ([`PcsParams::check`]).
pub fn commit<F: PrimeField>(
    params: &PcsParams,
    table: Vec<F>,
) -> Result<(Commitment, PcsProverData<F>), ProveError> {
    let num_vars = crate::mle::log2_exact(table.len())
        .ok_or_else(|| ProveError::Commitment("table size is not a power of two".into()))?
        as u32;
    params.check().map_err(ProveError::InsecureParams)?;
    let (commitment, inner) = match params {
        PcsParams::Ligero(p) => {
            let (root, data) = ligero::commit(table, p)?;
            (
                Commitment::Ligero { root, num_vars },
                ProverInner::Ligero(data),
            )
        }
        PcsParams::Raw => {
            let digest = raw_digest(&table);
            (
                Commitment::Raw { digest, num_vars },
                ProverInner::Raw(table),
            )
        }
    };
    Ok((commitment.clone(), PcsProverData { commitment, inner }))
}

fn absorb_raw_claim<F: PrimeField>(t: &mut Transcript, digest: &Digest, n: u32, claim: &Claim<F>) {
    t.absorb_bytes(b"pcs/raw-open-digest", digest);
    t.absorb_u64(b"pcs/raw-open-num-vars", n as u64);
    t.absorb_fields(b"pcs/raw-open-point", &claim.point);
    t.absorb_field(b"pcs/raw-open-value", &claim.value);
}

/// Open the committed table against `claim` (its MLE at `claim.point` is `claim.value`).
/// Absorbs the commitment and the claim before drawing any challenge. A point of the wrong
/// dimension is a shape error.
pub fn open<F: PrimeField>(
    data: &PcsProverData<F>,
    claim: &Claim<F>,
    transcript: &mut Transcript,
) -> Result<Opening<F>, ProveError> {
    match &data.inner {
        ProverInner::Ligero(d) => Ok(Opening::Ligero(ligero::open(d, claim, transcript)?)),
        ProverInner::Raw(t) => {
            let n = data.commitment.num_vars();
            if claim.point.len() != n {
                return Err(ProveError::Shape {
                    what: "opening point coordinates",
                    expected: n,
                    found: claim.point.len(),
                });
            }
            if let Commitment::Raw { digest, num_vars } = &data.commitment {
                absorb_raw_claim(transcript, digest, *num_vars, claim);
            }
            Ok(Opening::Raw(t.clone()))
        }
    }
}

/// Verify `opening` of `commitment` against `claim` under the verifier's `params` (refused
/// when below the security level). Absorbs the commitment and the claim before drawing any
/// challenge. Never panics on proof data.
pub fn verify<F: PrimeField>(
    params: &PcsParams,
    commitment: &Commitment,
    claim: &Claim<F>,
    opening: &Opening<F>,
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    params.check().map_err(VerifyError::InsecureParams)?;
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
            absorb_raw_claim(transcript, digest, *num_vars, claim);
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
