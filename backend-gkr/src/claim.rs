//! Claims on multilinear polynomials, and the sumcheck that merges several claims on one
//! polynomial into a single claim by random linear combination.
//!
//! Merging `V(p_k) = v_k` for `k < K`: the verifier draws `rho`, sets `w_k = rho^k`, and the
//! prover runs the product sumcheck on `sum_x W(x) V(x) = sum_k w_k v_k` with
//! `W = sum_k w_k eq(p_k, .)`. At the end the prover sends `V(r)`; the verifier checks
//! `final = W(r) * V(r)` with `W(r)` computed in `O(K n)`. One claim passes through
//! untouched (no messages).

use crate::error::ProveError;
use crate::mle::{add_assign_table, eq_eval, eq_table_into, zeroed};
use crate::sumcheck::{prove_product2, verify_rounds, SumcheckProof};
use crate::transcript::Transcript;
use ark_ff::PrimeField;

/// `V(point) = value` for a multilinear `V`; `point[j]` is variable `j` (see [`crate::mle`]).
///
/// For a layer of a data-parallel circuit laid out copy-major, the point has
/// `log2(width)` gate coordinates first, then `log_copies` copy coordinates.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct Claim<F: PrimeField> {
    /// The evaluation point.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub point: Vec<F>,
    /// The claimed value.
    #[serde(with = "crate::field::serde_fe")]
    pub value: F,
}

impl<F: PrimeField> Claim<F> {
    /// A claim from its parts.
    pub fn new(point: Vec<F>, value: F) -> Self {
        Claim { point, value }
    }

    /// The point of a layer-MLE claim about one gate in every copy: gate coordinates are the
    /// bits of `gate` (as field elements), copy coordinates are `copy_point`. This is how a
    /// product tree over "output `gate` of each copy" chains into a template's output claim.
    pub fn gate_point(gate: usize, log_width: usize, copy_point: &[F]) -> Vec<F> {
        let mut p: Vec<F> = (0..log_width)
            .map(|j| F::from(((gate >> j) & 1) as u64))
            .collect();
        p.extend_from_slice(copy_point);
        p
    }
}

/// Messages of one claim merge: the sumcheck rounds and the final `V(r)`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct MergeProof<F: PrimeField> {
    /// Degree-2 sumcheck over all variables of `V`.
    pub sumcheck: SumcheckProof<F>,
    /// The prover's `V(r)` at the sumcheck point.
    #[serde(with = "crate::field::serde_fe")]
    pub value: F,
}

const MERGE_LABEL: &[u8] = b"claims/merge-rho";

fn weights<F: PrimeField>(k: usize, transcript: &mut Transcript) -> Vec<F> {
    let rho: F = transcript.challenge(MERGE_LABEL);
    let mut w = Vec::with_capacity(k);
    let mut acc = F::one();
    for _ in 0..k {
        w.push(acc);
        acc *= rho;
    }
    w
}

/// Prover: merge `claims` (all on the MLE of `table`, claim values already absorbed by the
/// caller) into one claim. `table` is consumed (folded in place). `scratch` must have the
/// same length; it receives the combined eq weights. No claim, a table whose length is not
/// a power of two, a scratch of another length or a claim point of the wrong dimension is a
/// shape error.
pub fn prove_merge<F: PrimeField>(
    table: &mut [F],
    scratch: &mut [F],
    claims: &[Claim<F>],
    transcript: &mut Transcript,
) -> Result<(Option<MergeProof<F>>, Claim<F>), ProveError> {
    if claims.is_empty() {
        return Err(ProveError::NoClaims);
    }
    let n = crate::mle::log2_exact(table.len()).ok_or(ProveError::Shape {
        what: "merged table (a power of two)",
        expected: table.len().max(1).next_power_of_two(),
        found: table.len(),
    })?;
    if let Some((index, c)) = claims.iter().enumerate().find(|(_, c)| c.point.len() != n) {
        return Err(ProveError::ClaimPoint {
            index,
            found: c.point.len(),
            expected: n,
        });
    }
    if claims.len() == 1 {
        return Ok((None, claims[0].clone()));
    }
    if scratch.len() != table.len() {
        return Err(ProveError::Shape {
            what: "merge scratch table",
            expected: table.len(),
            found: scratch.len(),
        });
    }
    let w = weights::<F>(claims.len(), transcript);
    // the first claim's table is written in place, the others added to it
    let mut tmp = zeroed(table.len());
    for (k, (c, wk)) in claims.iter().zip(&w).enumerate() {
        if k == 0 {
            eq_table_into(&c.point, *wk, scratch);
        } else {
            eq_table_into(&c.point, *wk, &mut tmp);
            add_assign_table(scratch, &tmp);
        }
    }
    drop(tmp);
    let (sumcheck, point, _w_r, v_r) = prove_product2(scratch, table, transcript);
    transcript.absorb_field(b"claims/merge-value", &v_r);
    Ok((
        Some(MergeProof {
            sumcheck,
            value: v_r,
        }),
        Claim { point, value: v_r },
    ))
}

/// Verifier of [`prove_merge`]. `num_vars` is the number of variables of `V`; every claim
/// point must have that many coordinates (checked by the caller). Returns the merged claim,
/// or how the merge failed (wrong number of messages, or the final check).
pub fn verify_merge<F: PrimeField>(
    num_vars: usize,
    claims: &[Claim<F>],
    proof: Option<&MergeProof<F>>,
    transcript: &mut Transcript,
) -> Result<Claim<F>, MergeFailure> {
    if claims.is_empty() {
        return Err(MergeFailure::Shape {
            expected: 1,
            found: 0,
        });
    }
    if claims.len() == 1 {
        return match proof {
            None => Ok(claims[0].clone()),
            Some(_) => Err(MergeFailure::Shape {
                expected: 0,
                found: 1,
            }),
        };
    }
    let proof = proof.ok_or(MergeFailure::Shape {
        expected: 1,
        found: 0,
    })?;
    let w = weights::<F>(claims.len(), transcript);
    let claim: F = claims.iter().zip(&w).map(|(c, wk)| c.value * wk).sum();
    let out = verify_rounds(claim, &proof.sumcheck, num_vars, 2, transcript).ok_or(
        MergeFailure::Shape {
            expected: 2 * num_vars,
            found: proof.sumcheck.evals.len(),
        },
    )?;
    transcript.absorb_field(b"claims/merge-value", &proof.value);
    let w_r: F = claims
        .iter()
        .zip(&w)
        .map(|(c, wk)| *wk * eq_eval(&c.point, &out.point))
        .sum();
    if w_r * proof.value != out.claim {
        return Err(MergeFailure::Final);
    }
    Ok(Claim {
        point: out.point,
        value: proof.value,
    })
}

/// How a claim merge failed (mapped to a [`crate::VerifyError`] by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeFailure {
    /// Wrong number of messages.
    Shape {
        /// Expected count.
        expected: usize,
        /// Count in the proof.
        found: usize,
    },
    /// The final check failed.
    Final,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;
    use crate::mle::evaluate;
    use ark_ff::UniformRand;

    #[test]
    fn merged_claim_is_true_and_verifies() {
        let mut rng = ark_std::test_rng();
        let n = 6;
        let table: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
        let claims: Vec<Claim<Fr>> = (0..3)
            .map(|_| {
                let p: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
                Claim::new(p.clone(), evaluate(&table, &p))
            })
            .collect();
        let mut t = table.clone();
        let mut s = vec![Fr::from(0u64); t.len()];
        let mut tp = Transcript::new(b"m");
        let (proof, merged) = prove_merge(&mut t, &mut s, &claims, &mut tp).unwrap();
        assert_eq!(merged.value, evaluate(&table, &merged.point));
        let mut tv = Transcript::new(b"m");
        let got = verify_merge(n, &claims, proof.as_ref(), &mut tv).unwrap();
        assert_eq!(got, merged);
        // a false claim is caught
        let mut bad = claims.clone();
        bad[1].value += Fr::from(1u64);
        let mut tv = Transcript::new(b"m");
        assert_eq!(
            verify_merge(n, &bad, proof.as_ref(), &mut tv),
            Err(MergeFailure::Final)
        );
        // bad shapes are errors, not panics
        let mut tp = Transcript::new(b"m");
        assert_eq!(
            prove_merge(&mut t, &mut s, &[], &mut tp).unwrap_err(),
            ProveError::NoClaims
        );
        let mut short = claims.clone();
        short[2].point.pop();
        assert!(matches!(
            prove_merge(&mut t, &mut s, &short, &mut tp),
            Err(ProveError::ClaimPoint { index: 2, .. })
        ));
        let mut small = vec![Fr::from(0u64); 4];
        assert!(matches!(
            prove_merge(&mut t, &mut small, &claims, &mut tp),
            Err(ProveError::Shape { .. })
        ));
    }
}
