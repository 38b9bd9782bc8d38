//! GKR with committed inputs: commit to all copies' inputs (one MLE over `(input wire,
//! copy)` variables), prove output claims with GKR, and open the commitment at the input
//! claim GKR reduces to.
//!
//! Order (both sides): absorb the [`Statement`] (circuit digest, copy count, commitment
//! parameters), then the [`Commitment`], and only then draw the output-claim points, so that
//! neither the inputs nor the circuit (where public inputs and outputs live as constants)
//! can be chosen after the points are known. [`prove_with_commitment`] and
//! [`verify_with_commitment`] do this for one circuit; the points come from a closure run
//! once the commitment is absorbed. Flows that commit several templates first use the
//! pieces: [`CommittedInputs::commit`] per template, [`Statement::absorb`] and
//! [`Commitment::absorb`] in order, draw the challenges, then [`CommittedInputs::prove`]
//! (GKR with the caller's points, then the opening) and [`verify_committed`].

use crate::circuit::{num_copies, LayeredCircuit};
use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::gkr::{prove_reduction, verify_reduction, GkrProof};
use crate::pcs::{self, Commitment, Opening, PcsParams, PcsProverData};
use crate::statement::Statement;
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

/// A circuit's inputs, evaluated and committed: the prover's state between committing and
/// proving. Committing absorbs nothing; the caller absorbs [`Self::commitment`] after the
/// statement and before drawing any challenge.
#[derive(Clone, Debug)]
pub struct CommittedInputs<'c, F: PrimeField> {
    circuit: &'c LayeredCircuit<F>,
    log_copies: usize,
    layers: Vec<Vec<F>>,
    data: PcsProverData<F>,
}

impl<'c, F: PrimeField> CommittedInputs<'c, F> {
    /// Evaluate `circuit` on `inputs` (copy-major, a power-of-two number of copies) and commit
    /// to the input table under `params`.
    pub fn commit(
        circuit: &'c LayeredCircuit<F>,
        inputs: Vec<F>,
        params: &PcsParams,
    ) -> Result<Self, ProveError> {
        circuit.validate()?;
        params.check().map_err(ProveError::InsecureParams)?;
        let log_copies = num_copies(circuit, inputs.len())?.trailing_zeros() as usize;
        let layers = circuit.evaluate(&inputs)?;
        let (_, data) = pcs::commit(params, inputs)?;
        Ok(CommittedInputs {
            circuit,
            log_copies,
            layers,
            data,
        })
    }

    /// The commitment to absorb.
    pub fn commitment(&self) -> &Commitment {
        self.data.commitment()
    }

    /// `log2` of the number of copies.
    pub fn log_copies(&self) -> usize {
        self.log_copies
    }

    /// The values of every layer, input layer first (copy-major), e.g. to read the
    /// fingerprints a product tree is built over.
    pub fn layers(&self) -> &[Vec<F>] {
        &self.layers
    }

    /// Prove the output claims at `output_points` (drawn by the caller after the statement
    /// and every commitment were absorbed) with GKR, then open the commitment at the input
    /// claim. Returns the proof and the output claims with their values.
    pub fn prove(
        self,
        output_points: &[Vec<F>],
        transcript: &mut Transcript,
    ) -> Result<(CommittedProof<F>, Vec<Claim<F>>), ProveError> {
        let out = prove_reduction(self.circuit, self.layers, output_points, transcript)?;
        let opening = pcs::open(&self.data, &out.input_claim, transcript)?;
        Ok((
            CommittedProof {
                commitment: self.data.commitment().clone(),
                gkr: out.proof,
                opening,
            },
            out.output_claims,
        ))
    }
}

/// Prove `circuit` on `inputs` (copy-major, a power-of-two number of copies) with committed
/// inputs: absorbs [`Statement::committed`], commits and absorbs the commitment, then calls
/// `claim_points` for the output claim points (gate coordinates, then copy coordinates).
/// Returns the proof and the output claims with their values.
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
    let committed = CommittedInputs::commit(circuit, inputs, params)?;
    Statement::committed(circuit, committed.log_copies(), params).absorb(transcript);
    committed.commitment().absorb(transcript);
    let points = claim_points(transcript);
    committed.prove(&points, transcript)
}

/// Verify a [`CommittedProof`] for `2^log_copies` copies: absorbs
/// [`Statement::committed`] and the proof's commitment, then calls `claims` (mirroring the
/// prover's `claim_points`) for the output claims to check. `params` are the verifier's own
/// commitment parameters.
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
    check_commitment_shape(circuit, log_copies, params, &proof.commitment)?;
    Statement::committed(circuit, log_copies, params).absorb(transcript);
    proof.commitment.absorb(transcript);
    let claims = claims(transcript);
    verify_committed(circuit, log_copies, params, proof, &claims, transcript)
}

fn check_commitment_shape<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    params: &PcsParams,
    commitment: &Commitment,
) -> Result<(), VerifyError> {
    circuit.validate()?;
    params.check().map_err(VerifyError::InsecureParams)?;
    match (params, commitment) {
        (PcsParams::Ligero(_), Commitment::Ligero { .. })
        | (PcsParams::Raw, Commitment::Raw { .. }) => {}
        _ => {
            return Err(VerifyError::Commitment(
                "commitment mode differs from the verifier's parameters".into(),
            ))
        }
    }
    let expected = circuit.log_width(0) + log_copies;
    if commitment.num_vars() != expected {
        return Err(VerifyError::Commitment(format!(
            "commitment has {} variables, the circuit's inputs have {expected}",
            commitment.num_vars()
        )));
    }
    Ok(())
}

/// Verifier of [`CommittedInputs::prove`]: the GKR reduction of `output_claims` and the
/// opening of the proof's commitment at the input claim. The caller has absorbed the
/// statement and the commitment (with every other commitment of its flow) before drawing the
/// claims' points. Never panics on proof data.
pub fn verify_committed<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    params: &PcsParams,
    proof: &CommittedProof<F>,
    output_claims: &[Claim<F>],
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    check_commitment_shape(circuit, log_copies, params, &proof.commitment)?;
    let input_claim = verify_reduction(circuit, log_copies, output_claims, &proof.gkr, transcript)?;
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
