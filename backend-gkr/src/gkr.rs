//! Data-parallel GKR over a [`LayeredCircuit`] with `2^c` copies.
//!
//! The reduction ([`prove_reduction`] / [`verify_reduction`]): for the copy-major table
//! `V_d` of the output layer over `(gate, copy)` variables, each given claim
//! `V_d(p_k) = v_k` holds, where `V_d` is the circuit evaluated on the input table `V_0`.
//! The prover and verifier:
//!
//! 1. absorb the circuit digest, `c`, and every claim point and value;
//! 2. merge several output claims into one ([`crate::claim`]);
//! 3. run one layer sumcheck per gate layer, top down ([`crate::layer`]); two claims on a
//!    layer are combined by a random `mu` and share one copy point;
//! 4. merge the (at most two) claims left on `V_0` into one [`Claim`] on the input MLE,
//!    which the caller checks against the inputs (a commitment opening, or raw inputs).
//!
//! The reduction absorbs neither the statement nor the inputs: its caller must have absorbed
//! both (the [`Statement`], then the input commitment) before drawing the output-claim
//! points, or the inputs could be fitted to the input claim afterwards. [`prove`] and
//! [`verify`] are raw mode (inputs shipped): they absorb [`Statement::raw`], which holds the
//! whole input table, before the caller draws its points.

use crate::circuit::{num_copies, LayeredCircuit};
use crate::claim::{prove_merge, verify_merge, Claim, MergeFailure, MergeProof};
use crate::error::{MergeStage, ProveError, VerifyError};
use crate::layer::{
    next_claim, prove_layer, verify_layer, LayerClaim, LayerFailure, LayerProof, Wiring,
};
use crate::mle::{evaluate, zeroed};
use crate::statement::Statement;
use crate::transcript::Transcript;
use ark_ff::PrimeField;

/// A GKR proof for one circuit and a power-of-two number of copies.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct GkrProof<F: PrimeField> {
    /// Merge of the output claims; present exactly when there is more than one.
    pub output_merge: Option<MergeProof<F>>,
    /// One proof per gate layer, output layer first (`layers[0]` proves `Ld`).
    pub layers: Vec<LayerProof<F>>,
    /// Merge of the two input-layer claims; present exactly when `L1` has `mul` gates.
    pub input_merge: Option<MergeProof<F>>,
}

/// What the prover returns besides the proof.
#[derive(Clone, Debug)]
pub struct GkrProverOutput<F: PrimeField> {
    /// The proof.
    pub proof: GkrProof<F>,
    /// The output claims it proves (the given points with the values the prover computed).
    pub output_claims: Vec<Claim<F>>,
    /// The claim on the input MLE (over `(input wire, copy)` variables) left to check.
    pub input_claim: Claim<F>,
}

fn absorb_claims<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    claims: &[Claim<F>],
    transcript: &mut Transcript,
) {
    transcript.absorb_bytes(b"gkr/circuit", &circuit.digest());
    transcript.absorb_u64(b"gkr/log-copies", log_copies as u64);
    transcript.absorb_u64(b"gkr/num-claims", claims.len() as u64);
    for c in claims {
        transcript.absorb_fields(b"gkr/claim-point", &c.point);
        transcript.absorb_field(b"gkr/claim-value", &c.value);
    }
}

fn layer_claim<F: PrimeField>(c: Claim<F>, log_width: usize) -> LayerClaim<F> {
    let mut gate = c.point;
    let copy = gate.split_off(log_width);
    LayerClaim {
        copy_point: copy,
        gate_points: vec![(gate, F::one())],
        value: c.value,
    }
}

fn join<F: PrimeField>(gate: &[F], copy: &[F]) -> Vec<F> {
    let mut p = gate.to_vec();
    p.extend_from_slice(copy);
    p
}

/// Raw mode: absorb [`Statement::raw`] (the circuit, the copy count and the whole input
/// table `inputs`, copy-major, `2^c` copies), then call `claim_points` to draw the output
/// claim points (each with `log2(output width) + c` coordinates: gate bits, then copy bits),
/// evaluate the circuit and prove the claims. The verifier, who is given `inputs`, runs
/// [`verify`].
pub fn prove<F, P>(
    circuit: &LayeredCircuit<F>,
    inputs: &[F],
    transcript: &mut Transcript,
    claim_points: P,
) -> Result<GkrProverOutput<F>, ProveError>
where
    F: PrimeField,
    P: FnOnce(&mut Transcript) -> Vec<Vec<F>>,
{
    let layers = circuit.evaluate(inputs)?;
    let log_copies = num_copies(circuit, inputs.len())?.trailing_zeros() as usize;
    Statement::raw(circuit, log_copies, inputs).absorb(transcript);
    let points = claim_points(transcript);
    prove_reduction(circuit, layers, &points, transcript)
}

/// The GKR reduction of output claims at `output_points` to one claim on the input MLE, for
/// a circuit already evaluated with [`LayeredCircuit::evaluate`] (the tables are consumed:
/// folded in place). Absorbs the circuit digest, the copy count and the claims, but not the
/// inputs: the caller has absorbed the statement and committed to (or absorbed) the inputs
/// before drawing the points.
pub fn prove_reduction<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    mut layers: Vec<Vec<F>>,
    output_points: &[Vec<F>],
    transcript: &mut Transcript,
) -> Result<GkrProverOutput<F>, ProveError> {
    circuit.validate()?;
    let d = circuit.depth();
    if layers.len() != d + 1 {
        return Err(ProveError::InputSize {
            found: layers.len(),
            width: d + 1,
        });
    }
    let copies = num_copies(circuit, layers[0].len())?;
    let c = copies.trailing_zeros() as usize;
    for (i, t) in layers.iter().enumerate() {
        if t.len() != circuit.width(i) << c {
            return Err(ProveError::InputSize {
                found: t.len(),
                width: circuit.width(i),
            });
        }
    }
    if output_points.is_empty() {
        return Err(ProveError::NoClaims);
    }
    let out_log = circuit.log_width(d);
    for (index, p) in output_points.iter().enumerate() {
        if p.len() != out_log + c {
            return Err(ProveError::ClaimPoint {
                index,
                found: p.len(),
                expected: out_log + c,
            });
        }
    }
    let output_claims: Vec<Claim<F>> = output_points
        .iter()
        .map(|p| Claim::new(p.clone(), evaluate(&layers[d], p)))
        .collect();
    absorb_claims(circuit, c, &output_claims, transcript);

    let mut top = std::mem::take(&mut layers[d]);
    let (output_merge, merged) = if output_claims.len() > 1 {
        let mut scratch = zeroed(top.len());
        prove_merge(&mut top, &mut scratch, &output_claims, transcript)?
    } else {
        (None, output_claims[0].clone())
    };
    drop(top);
    let mut claim = layer_claim(merged, out_log);

    let mut layer_proofs = Vec::with_capacity(d);
    let mut input_copy = None;
    let mut last = None;
    for i in (1..=d).rev() {
        let w = Wiring::new(&circuit.layers[i - 1], circuit.width(i - 1));
        let mut input = std::mem::take(&mut layers[i - 1]);
        if i == 1 && w.has_mul() {
            input_copy = Some(input.clone());
        }
        let (proof, outcome) = prove_layer(&w, &mut input, &claim, transcript)?;
        layer_proofs.push(proof);
        if i > 1 {
            claim = next_claim(outcome, transcript);
        } else {
            last = Some(outcome);
        }
    }
    let outcome = last.ok_or(ProveError::Circuit(crate::error::CircuitError::NoLayers))?;
    let input_claims: Vec<Claim<F>> = outcome
        .claims
        .iter()
        .map(|(x, v)| Claim::new(join(x, &outcome.copy_point), *v))
        .collect();
    let (input_merge, input_claim) = match input_copy {
        Some(mut v0) if input_claims.len() > 1 => {
            let mut scratch = zeroed(v0.len());
            prove_merge(&mut v0, &mut scratch, &input_claims, transcript)?
        }
        _ => (None, input_claims[0].clone()),
    };
    Ok(GkrProverOutput {
        proof: GkrProof {
            output_merge,
            layers: layer_proofs,
            input_merge,
        },
        output_claims,
        input_claim,
    })
}

fn merge_error(stage: MergeStage, e: MergeFailure) -> VerifyError {
    match e {
        MergeFailure::Final => VerifyError::ClaimMerge { stage },
        MergeFailure::Shape { expected, found } => VerifyError::Shape {
            what: match stage {
                MergeStage::Output => "output claim merge",
                MergeStage::Input => "input claim merge",
            },
            expected,
            found,
        },
    }
}

/// Raw mode, verifier of [`prove`]: absorb [`Statement::raw`] for the given `inputs`, call
/// `claims` to obtain the output claims (drawing their points as the prover did), verify
/// the reduction and check the input claim against `inputs`. Returns the input claim it
/// checked. Never panics on proof data.
pub fn verify<F, C>(
    circuit: &LayeredCircuit<F>,
    inputs: &[F],
    proof: &GkrProof<F>,
    transcript: &mut Transcript,
    claims: C,
) -> Result<Claim<F>, VerifyError>
where
    F: PrimeField,
    C: FnOnce(&mut Transcript) -> Vec<Claim<F>>,
{
    circuit.validate()?;
    let copies = num_copies(circuit, inputs.len()).map_err(|_| VerifyError::Shape {
        what: "raw input table (a power-of-two number of copies times the input width)",
        expected: circuit.input_width,
        found: inputs.len(),
    })?;
    let log_copies = copies.trailing_zeros() as usize;
    Statement::raw(circuit, log_copies, inputs).absorb(transcript);
    let claims = claims(transcript);
    let input_claim = verify_reduction(circuit, log_copies, &claims, proof, transcript)?;
    if !check_input_claim(inputs, &input_claim) {
        return Err(VerifyError::RawInputs);
    }
    Ok(input_claim)
}

/// Verify a GKR reduction of `output_claims` for `2^log_copies` copies of `circuit`. On
/// success returns the claim on the input MLE (over `(input wire, copy)` variables) that the
/// caller must check against the inputs. Like [`prove_reduction`] it absorbs neither the
/// statement nor the inputs. Never panics on proof data.
pub fn verify_reduction<F: PrimeField>(
    circuit: &LayeredCircuit<F>,
    log_copies: usize,
    output_claims: &[Claim<F>],
    proof: &GkrProof<F>,
    transcript: &mut Transcript,
) -> Result<Claim<F>, VerifyError> {
    circuit.validate()?;
    let d = circuit.depth();
    let c = log_copies;
    if c > 40 {
        return Err(VerifyError::OutputClaim(format!(
            "2^{c} copies is beyond any table"
        )));
    }
    if output_claims.is_empty() {
        return Err(VerifyError::OutputClaim("no output claim".into()));
    }
    let out_log = circuit.log_width(d);
    for (k, cl) in output_claims.iter().enumerate() {
        if cl.point.len() != out_log + c {
            return Err(VerifyError::OutputClaim(format!(
                "claim {k} has {} coordinates, expected {}",
                cl.point.len(),
                out_log + c
            )));
        }
    }
    if proof.layers.len() != d {
        return Err(VerifyError::Shape {
            what: "layer proofs",
            expected: d,
            found: proof.layers.len(),
        });
    }
    absorb_claims(circuit, c, output_claims, transcript);
    let merged = verify_merge(
        out_log + c,
        output_claims,
        proof.output_merge.as_ref(),
        transcript,
    )
    .map_err(|e| merge_error(MergeStage::Output, e))?;
    let mut claim = layer_claim(merged, out_log);
    let mut last = None;
    for (k, i) in (1..=d).rev().enumerate() {
        let w = Wiring::new(&circuit.layers[i - 1], circuit.width(i - 1));
        let outcome =
            verify_layer(&w, &claim, &proof.layers[k], transcript).map_err(|e| match e {
                LayerFailure::Final => VerifyError::LayerFinal { layer: i },
                LayerFailure::Shape(what, expected, found) => VerifyError::Shape {
                    what,
                    expected,
                    found,
                },
            })?;
        if i > 1 {
            claim = next_claim(outcome, transcript);
        } else {
            last = Some(outcome);
        }
    }
    let outcome = last.ok_or(VerifyError::Circuit(crate::error::CircuitError::NoLayers))?;
    let input_claims: Vec<Claim<F>> = outcome
        .claims
        .iter()
        .map(|(x, v)| Claim::new(join(x, &outcome.copy_point), *v))
        .collect();
    let in_vars = circuit.log_width(0) + c;
    verify_merge(
        in_vars,
        &input_claims,
        proof.input_merge.as_ref(),
        transcript,
    )
    .map_err(|e| merge_error(MergeStage::Input, e))
}

/// Check an input claim against the raw copy-major input table (debugging / raw mode).
pub fn check_input_claim<F: PrimeField>(inputs: &[F], claim: &Claim<F>) -> bool {
    inputs.len() == 1usize << claim.point.len().min(63)
        && evaluate(inputs, &claim.point) == claim.value
}
