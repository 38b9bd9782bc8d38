//! GKR with committed inputs: commit to all copies' inputs (one MLE over `(input wire,
//! copy)` variables), absorb the commitment, let the caller draw its output-claim points from
//! the transcript, run GKR, and open the commitment at the input claim GKR reduces to.
//!
//! The claim points are produced by a closure that runs *after* the commitment is absorbed,
//! so they cannot be chosen before the inputs are fixed (a residual check "all outputs are
//! zero" at a random point is only sound in that order). The lower-level pieces
//! ([`crate::pcs::commit`], [`crate::prove_evaluated`], [`crate::pcs::open`]) are public for
//! flows that commit several templates before drawing any challenge.

use crate::circuit::{num_copies, LayeredCircuit};
use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::gkr::{prove_evaluated, verify, GkrProof};
use crate::pcs::{self, Commitment, Opening, PcsParams};
use crate::transcript::Transcript;
use ark_ff::PrimeField;

/// A proof of a data-parallel circuit on committed inputs.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct CommittedProof<F: PrimeField> {
    /// Commitment to the copy-major input table.
    pub commitment: Commitment,
    /// The GKR proof.
    pub gkr: GkrProof<F>,
    /// Opening of the commitment at the GKR input claim.
    pub opening: Opening<F>,
}

/// Prove `circuit` on `inputs` (copy-major, a power-of-two number of copies) with committed
/// inputs. `claim_points` is called once the commitment is absorbed and returns the output
/// claim points (gate coordinates, then copy coordinates). Returns the proof and the output
/// claims with their values.
pub fn prove_with_commitment<F, P>(
    circuit: &LayeredCircuit<F>,
    inputs: Vec<F>,
    params: &PcsParams,
    transcript: &mut Transcript,
    claim_points: P,
) -> Result<(CommittedProof<F>, Vec<Claim<F>>), ProveError>
where
    F: PrimeField,
    P: FnOnce(&mut Transcript) -> Vec<Vec<F>>,
{
    circuit.validate()?;
    num_copies(circuit, inputs.len())?;
    let layers = circuit.evaluate(&inputs)?;
    let (commitment, data) = pcs::commit(params, inputs)?;
    commitment.absorb(transcript);
    let points = claim_points(transcript);
    let out = prove_evaluated(circuit, layers, &points, transcript)?;
    let opening = pcs::open(&data, &out.input_claim.point, transcript);
    Ok((
        CommittedProof {
            commitment,
            gkr: out.proof,
            opening,
        },
        out.output_claims,
    ))
}

/// Verify a [`CommittedProof`] for `2^log_copies` copies. `claims` is called once the
/// commitment is absorbed (mirroring the prover's `claim_points`) and returns the output
/// claims to check. `params` are the verifier's own commitment parameters.
pub fn verify_with_commitment<F, C>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    params: &PcsParams,
    proof: &CommittedProof<F>,
    transcript: &mut Transcript,
    claims: C,
) -> Result<(), VerifyError>
where
    F: PrimeField,
    C: FnOnce(&mut Transcript) -> Vec<Claim<F>>,
{
    circuit.validate()?;
    let expected = circuit.log_width(0) + log_copies;
    if proof.commitment.num_vars() != expected {
        return Err(VerifyError::Commitment(format!(
            "commitment has {} variables, the circuit's inputs have {expected}",
            proof.commitment.num_vars()
        )));
    }
    proof.commitment.absorb(transcript);
    let claims = claims(transcript);
    let input_claim = verify(circuit, log_copies, &claims, &proof.gkr, transcript)?;
    pcs::verify(
        params,
        &proof.commitment,
        &input_claim,
        &proof.opening,
        transcript,
    )
}

/// Output claim points for the common "every output is zero" check: one random point over
/// all output variables, drawn from the transcript. Use it on both sides, with value zero on
/// the verifier's side.
pub fn random_output_point<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    transcript: &mut Transcript,
) -> Vec<F> {
    transcript.challenges(
        b"gkr/output-point",
        circuit.log_width(circuit.depth()) + log_copies,
    )
}
