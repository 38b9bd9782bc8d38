//! Sumcheck: message format, the generic verifier loop, and the linear-time prover for a
//! product of two multilinear polynomials `sum_x f(x) g(x)`.
//!
//! A round polynomial of degree `d` is sent as its evaluations at `0, 2, 3, ..., d`; the
//! verifier completes `p(1) = claim - p(0)`, absorbs the message, draws `r` and continues
//! with `p(r)`. Rounds bind the most significant variable first (see [`crate::mle`]), so the
//! challenge of round `k` of an `n`-round sumcheck is coordinate `n - 1 - k` of the point.
//! Provers fold their tables in place; nothing is allocated per round.

use crate::field::interpolate_at;
use crate::mle::{fold_top, PAR_CHUNK, PAR_THRESHOLD};
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use rayon::prelude::*;

/// Transcript label of a round message.
pub const ROUND_LABEL: &[u8] = b"sumcheck/round";
/// Transcript label of a round challenge.
pub const CHALLENGE_LABEL: &[u8] = b"sumcheck/challenge";

/// Round messages of one sumcheck, flat and round-major: round `k` occupies
/// `evals[k * d .. (k + 1) * d]` and holds `p_k(0), p_k(2), ..., p_k(d)`.
#[derive(Clone, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct SumcheckProof<F: PrimeField> {
    /// The evaluations, `rounds * degree` of them.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub evals: Vec<F>,
}

/// The verifier's view after all rounds: the reduced claim and the point (bit order).
#[derive(Clone, Debug)]
pub struct SumcheckOutcome<F> {
    /// The value the summand must take at `point`.
    pub claim: F,
    /// The random point, `point[j]` for variable `j`.
    pub point: Vec<F>,
}

/// Run the verifier side of an `rounds`-round, degree-`degree` sumcheck on `claim`.
/// Returns `None` if the message count is wrong (the caller reports the shape error).
/// Never panics on proof data.
pub fn verify_rounds<F: PrimeField>(
    mut claim: F,
    proof: &SumcheckProof<F>,
    rounds: usize,
    degree: usize,
    transcript: &mut Transcript,
) -> Option<SumcheckOutcome<F>> {
    if degree == 0 || proof.evals.len() != rounds.checked_mul(degree)? {
        return None;
    }
    let mut point = vec![F::zero(); rounds];
    let mut full = vec![F::zero(); degree + 1];
    for (k, msg) in proof.evals.chunks_exact(degree).enumerate() {
        transcript.absorb_fields(ROUND_LABEL, msg);
        full[0] = msg[0];
        full[1] = claim - msg[0];
        full[2..].copy_from_slice(&msg[1..]);
        let r: F = transcript.challenge(CHALLENGE_LABEL);
        claim = interpolate_at(&full, r);
        point[rounds - 1 - k] = r;
    }
    Some(SumcheckOutcome { claim, point })
}

/// `(sum_{i<h} f[i] g[i], sum_{i<h} (2f[i+h]-f[i]) (2g[i+h]-g[i]))` for `h = len/2`:
/// the round polynomial of `sum f g` at 0 and 2.
fn eval2<F: PrimeField>(f: &[F], g: &[F]) -> (F, F) {
    let half = f.len() / 2;
    let (f0, f1) = f.split_at(half);
    let (g0, g1) = g.split_at(half);
    type Pair<'a, F> = (&'a [F], &'a [F]);
    let work = |((a0, a1), (b0, b1)): (Pair<'_, F>, Pair<'_, F>)| {
        let mut p0 = F::zero();
        let mut p2 = F::zero();
        for ((x0, x1), (y0, y1)) in a0.iter().zip(a1).zip(b0.iter().zip(b1)) {
            p0 += *x0 * y0;
            p2 += (x1.double() - x0) * (y1.double() - y0);
        }
        (p0, p2)
    };
    if half >= PAR_THRESHOLD {
        f0.par_chunks(PAR_CHUNK)
            .zip(f1.par_chunks(PAR_CHUNK))
            .zip(g0.par_chunks(PAR_CHUNK).zip(g1.par_chunks(PAR_CHUNK)))
            .map(work)
            .reduce(|| (F::zero(), F::zero()), |a, b| (a.0 + b.0, a.1 + b.1))
    } else {
        work(((f0, f1), (g0, g1)))
    }
}

/// Fold `f` and `g` (length `m >= 4`) at `r` and return the next round's `(p(0), p(2))`,
/// in one pass: the folded entries `i` and `i + m/4` are exactly the next round's pair.
fn fold_eval2<F: PrimeField>(f: &mut [F], g: &mut [F], r: F) -> (F, F) {
    let m = f.len();
    let q = m / 4;
    let (f01, f23) = f.split_at_mut(m / 2);
    let (f0, f1) = f01.split_at_mut(q);
    let (f2, f3) = f23.split_at(q);
    let (g01, g23) = g.split_at_mut(m / 2);
    let (g0, g1) = g01.split_at_mut(q);
    let (g2, g3) = g23.split_at(q);
    type Quad<'a, F> = ((&'a mut [F], &'a mut [F]), (&'a [F], &'a [F]));
    let work = |((fa, fb), (ga, gb)): (Quad<'_, F>, Quad<'_, F>)| {
        let (f0, f1) = fa;
        let (f2, f3) = fb;
        let (g0, g1) = ga;
        let (g2, g3) = gb;
        let mut p0 = F::zero();
        let mut p2 = F::zero();
        let fs = f0.iter_mut().zip(f1.iter_mut()).zip(f2.iter().zip(f3));
        let gs = g0.iter_mut().zip(g1.iter_mut()).zip(g2.iter().zip(g3));
        for (((a0, a1), (a2, a3)), ((b0, b1), (b2, b3))) in fs.zip(gs) {
            *a0 += r * (*a2 - *a0);
            *a1 += r * (*a3 - *a1);
            *b0 += r * (*b2 - *b0);
            *b1 += r * (*b3 - *b1);
            p0 += *a0 * *b0;
            p2 += (a1.double() - *a0) * (b1.double() - *b0);
        }
        (p0, p2)
    };
    if q >= PAR_THRESHOLD {
        f0.par_chunks_mut(PAR_CHUNK)
            .zip(f1.par_chunks_mut(PAR_CHUNK))
            .zip(f2.par_chunks(PAR_CHUNK).zip(f3.par_chunks(PAR_CHUNK)))
            .zip(
                g0.par_chunks_mut(PAR_CHUNK)
                    .zip(g1.par_chunks_mut(PAR_CHUNK))
                    .zip(g2.par_chunks(PAR_CHUNK).zip(g3.par_chunks(PAR_CHUNK))),
            )
            .map(work)
            .reduce(|| (F::zero(), F::zero()), |a, b| (a.0 + b.0, a.1 + b.1))
    } else {
        work((((f0, f1), (f2, f3)), ((g0, g1), (g2, g3))))
    }
}

/// Prover of `sum_x f(x) g(x)` over `n = log2(f.len())` variables, degree 2 per round.
/// Folds `f` and `g` in place (their first entries end up holding `f(r)` and `g(r)`).
/// Returns the proof, the point `r` (bit order), `f(r)` and `g(r)`.
pub fn prove_product2<F: PrimeField>(
    f: &mut [F],
    g: &mut [F],
    transcript: &mut Transcript,
) -> (SumcheckProof<F>, Vec<F>, F, F) {
    assert_eq!(f.len(), g.len(), "product sumcheck tables must match");
    assert!(
        f.len().is_power_of_two(),
        "product sumcheck table size must be a power of two"
    );
    let n = f.len().trailing_zeros() as usize;
    let mut evals = Vec::with_capacity(2 * n);
    let mut point = vec![F::zero(); n];
    if n == 0 {
        return (SumcheckProof { evals }, point, f[0], g[0]);
    }
    let (mut p0, mut p2) = eval2(f, g);
    let mut len = f.len();
    for round in 0..n {
        evals.push(p0);
        evals.push(p2);
        transcript.absorb_fields(ROUND_LABEL, &[p0, p2]);
        let r: F = transcript.challenge(CHALLENGE_LABEL);
        point[n - 1 - round] = r;
        if len >= 4 {
            (p0, p2) = fold_eval2(&mut f[..len], &mut g[..len], r);
        } else {
            fold_top(&mut f[..len], r);
            fold_top(&mut g[..len], r);
        }
        len /= 2;
    }
    (SumcheckProof { evals }, point, f[0], g[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;
    use crate::mle::evaluate;
    use ark_ff::UniformRand;

    #[test]
    fn product_sumcheck_matches_brute_force_and_verifies() {
        let mut rng = ark_std::test_rng();
        for n in [0usize, 1, 2, 3, 5, 13] {
            let f: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
            let g: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
            let sum: Fr = f.iter().zip(&g).map(|(a, b)| *a * b).sum();
            let (mut ft, mut gt) = (f.clone(), g.clone());
            let mut tp = Transcript::new(b"t");
            let (proof, point, fr, gr) = prove_product2(&mut ft, &mut gt, &mut tp);
            // round 0 messages are the brute-force partial sums
            if n > 0 {
                let h = 1 << (n - 1);
                let p0: Fr = (0..h).map(|i| f[i] * g[i]).sum();
                assert_eq!(proof.evals[0], p0);
            }
            assert_eq!(fr, evaluate(&f, &point));
            assert_eq!(gr, evaluate(&g, &point));
            let mut tv = Transcript::new(b"t");
            let out = verify_rounds(sum, &proof, n, 2, &mut tv).unwrap();
            assert_eq!(out.point, point);
            assert_eq!(out.claim, fr * gr);
            // a wrong sum is caught by the final check
            let mut tv = Transcript::new(b"t");
            let out = verify_rounds(sum + Fr::from(1u64), &proof, n, 2, &mut tv).unwrap();
            assert_ne!(out.claim, fr * gr);
        }
    }

    #[test]
    fn wrong_message_count_is_a_shape_error() {
        let proof = SumcheckProof {
            evals: vec![Fr::from(1u64); 3],
        };
        let mut t = Transcript::new(b"t");
        assert!(verify_rounds(Fr::from(0u64), &proof, 2, 2, &mut t).is_none());
    }
}
