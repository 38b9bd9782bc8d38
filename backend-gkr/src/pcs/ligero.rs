//! Ligero-style multilinear polynomial commitment (as in Brakedown's PCS, with a
//! Reed-Solomon code).
//!
//! The `2^n` evaluations are laid out as a `2^nr x 2^nc` matrix `M`, row-major, so that
//! `f(z) = eq(z_hi, .)^T M eq(z_lo, .)` with `z_lo = z[..nc]` (columns, low bits) and
//! `z_hi = z[nc..]` (rows). Each row is Reed-Solomon encoded at rate `2^-log_inv_rate`
//! (coefficients -> evaluations on a radix-2 subgroup, ark-poly FFT), and the commitment is
//! the Merkle root over the codeword *columns* (one leaf per column).
//!
//! Opening at `z`: the verifier draws `gamma` (one challenge per row); the prover sends
//! `u_test = gamma^T M` and `u_eval = eq(z_hi)^T M`; the verifier draws column queries, the
//! prover opens those columns with a Merkle multi-path, and the verifier checks that for
//! every queried column `j`, `Enc(u_test)[j] = <gamma, col_j>` and
//! `Enc(u_eval)[j] = <eq(z_hi), col_j>`, and that `<u_eval, eq(z_lo)> = f(z)`.
//!
//! Security (code distance `delta = 1 - rate`): with `t` column queries the soundness error
//! is at most `(1 - delta/3)^t` plus field terms of order `2^nc / |F|` (Ligero/Brakedown
//! analysis in the unique-decoding regime, proven). At rate 1/4, `t = 241` gives 100 bits:
//! the default, [`LigeroParams::proven_100`]. [`LigeroParams::johnson_100`] (`t = 100`)
//! assumes per-query error `sqrt(rate)` (proximity gaps up to the Johnson radius, proven for
//! RS codes by BCIKS20, plus list-decoding extraction), and [`LigeroParams::conjectured_100`]
//! (`t = 50`) assumes the proximity-gap conjecture up to capacity (per-query error `rate`).
//! For a small field (Goldilocks) the combinations must be drawn from an extension field.

use super::merkle::{hash_leaf, verify_multi, Digest, MerkleTree};
use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::field::write_elem;
use crate::mle::eq_table;
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

/// Code rate and number of column queries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LigeroParams {
    /// `log2(1 / rate)`; 2 means rate 1/4.
    pub log_inv_rate: usize,
    /// Number of column queries (sampled with replacement, opened once each).
    pub num_queries: usize,
}

impl LigeroParams {
    /// Rate 1/4, 241 queries: 100 bits under the proven unique-decoding bound
    /// `(1 - delta/3)^t` with `delta = 3/4`. The default.
    pub const fn proven_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 241,
        }
    }

    /// Rate 1/4, 100 queries: 100 bits with per-query error `sqrt(rate) = 1/2` (Johnson
    /// radius).
    pub const fn johnson_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 100,
        }
    }

    /// Rate 1/4, 50 queries: 100 bits under the proximity-gap conjecture up to capacity
    /// (per-query error `rate = 1/4`).
    pub const fn conjectured_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 50,
        }
    }

    /// Bits of soundness from the queries under the proven bound `(1 - delta/3)^t`.
    pub fn proven_bits(&self) -> f64 {
        let delta = 1.0 - (0.5f64).powi(self.log_inv_rate as i32);
        -(self.num_queries as f64) * (1.0 - delta / 3.0).log2()
    }
}

impl Default for LigeroParams {
    fn default() -> Self {
        Self::proven_100()
    }
}

/// Matrix shape for `n` variables: `2^log_rows` rows of `2^log_cols` entries, codewords of
/// `2^log_code` symbols.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// log2 of the number of rows.
    pub log_rows: usize,
    /// log2 of the row length.
    pub log_cols: usize,
    /// log2 of the codeword length.
    pub log_code: usize,
}

impl Layout {
    /// The shape minimising the opening size `2 * cols + min(queries, code) * rows` field
    /// elements (ties: fewer columns). Deterministic in `(n, params)`.
    pub fn new(n: usize, params: &LigeroParams) -> Self {
        let cost = |nc: usize| {
            let code = 1usize << (nc + params.log_inv_rate);
            2 * (1usize << nc) + params.num_queries.min(code) * (1usize << (n - nc))
        };
        let nc = (0..=n).min_by_key(|&nc| cost(nc)).unwrap_or(0);
        Layout {
            log_rows: n - nc,
            log_cols: nc,
            log_code: nc + params.log_inv_rate,
        }
    }

    fn rows(&self) -> usize {
        1 << self.log_rows
    }

    fn cols(&self) -> usize {
        1 << self.log_cols
    }

    fn code(&self) -> usize {
        1 << self.log_code
    }
}

/// The opening of a Ligero commitment at one point.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct LigeroOpening<F: PrimeField> {
    /// `gamma^T M`.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub u_test: Vec<F>,
    /// `eq(z_hi)^T M`.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub u_eval: Vec<F>,
    /// The queried columns (sorted distinct indices), each `rows` entries, concatenated.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub columns: Vec<F>,
    /// Merkle multi-path of the queried columns.
    #[serde(with = "crate::field::serde_digest_vec")]
    pub merkle: Vec<Digest>,
}

/// What the prover keeps after committing.
#[derive(Clone, Debug)]
pub struct LigeroProverData<F> {
    layout: Layout,
    matrix: Vec<F>,
    columns: Vec<F>,
    tree: MerkleTree,
}

fn domain<F: PrimeField>(layout: &Layout) -> Option<Radix2EvaluationDomain<F>> {
    let d = Radix2EvaluationDomain::<F>::new(layout.code())?;
    (d.size() == layout.code()).then_some(d)
}

fn encode<F: PrimeField>(row: &[F], d: &Radix2EvaluationDomain<F>) -> Vec<F> {
    let mut v = Vec::with_capacity(d.size());
    v.extend_from_slice(row);
    v.resize(d.size(), F::zero());
    d.fft_in_place(&mut v);
    v
}

fn hash_column<F: PrimeField>(col: &[F], buf: &mut Vec<u8>) -> Digest {
    buf.clear();
    for x in col {
        write_elem(buf, x);
    }
    hash_leaf(buf)
}

fn hash_columns<F: PrimeField>(cols: &[F], rows: usize) -> Vec<Digest> {
    cols.par_chunks(rows)
        .map_init(
            || Vec::with_capacity(rows * 32),
            |buf, c| hash_column(c, buf),
        )
        .collect()
}

/// Commit to the table `evals` (length `2^n`).
pub fn commit<F: PrimeField>(
    evals: Vec<F>,
    params: &LigeroParams,
) -> Result<(Digest, LigeroProverData<F>), ProveError> {
    let n = crate::mle::log2_exact(evals.len())
        .ok_or_else(|| ProveError::Commitment("table size is not a power of two".into()))?;
    if params.num_queries == 0 {
        return Err(ProveError::Commitment(
            "at least one column query is required".into(),
        ));
    }
    let layout = Layout::new(n, params);
    let d = domain::<F>(&layout).ok_or_else(|| {
        ProveError::Commitment("codeword longer than the field's FFT domain".into())
    })?;
    let (rows, cols, code) = (layout.rows(), layout.cols(), layout.code());
    let mut encoded = vec![F::zero(); rows * code];
    encoded
        .par_chunks_mut(code)
        .zip(evals.par_chunks(cols))
        .for_each(|(out, row)| out.copy_from_slice(&encode(row, &d)));
    // transpose to column-major, a block of columns per task
    const BLOCK: usize = 16;
    let mut columns = vec![F::zero(); rows * code];
    columns
        .par_chunks_mut(rows * BLOCK)
        .enumerate()
        .for_each(|(bi, out)| {
            let j0 = bi * BLOCK;
            let nc = out.len() / rows;
            for r in 0..rows {
                let src = &encoded[r * code + j0..r * code + j0 + nc];
                for (jj, x) in src.iter().enumerate() {
                    out[jj * rows + r] = *x;
                }
            }
        });
    drop(encoded);
    let tree = MerkleTree::new(hash_columns(&columns, rows));
    let root = tree.root();
    Ok((
        root,
        LigeroProverData {
            layout,
            matrix: evals,
            columns,
            tree,
        },
    ))
}

fn query_indices(t: &mut Transcript, params: &LigeroParams, layout: &Layout) -> Vec<usize> {
    let mut idx = t.challenge_indices(b"ligero/queries", params.num_queries, layout.code());
    idx.sort_unstable();
    idx.dedup();
    idx
}

/// Combine rows: `out[k] = sum_r w[r] M[r][k]`.
fn combine_rows<F: PrimeField>(matrix: &[F], cols: usize, w: &[F]) -> Vec<F> {
    let mut out = vec![F::zero(); cols];
    const BLOCK: usize = 256;
    out.par_chunks_mut(BLOCK).enumerate().for_each(|(bi, o)| {
        let k0 = bi * BLOCK;
        for (r, wr) in w.iter().enumerate() {
            let row = &matrix[r * cols + k0..r * cols + k0 + o.len()];
            for (acc, x) in o.iter_mut().zip(row) {
                *acc += *wr * x;
            }
        }
    });
    out
}

/// Open the commitment at `point` (the caller has absorbed the commitment and the claim).
pub fn open<F: PrimeField>(
    data: &LigeroProverData<F>,
    params: &LigeroParams,
    point: &[F],
    transcript: &mut Transcript,
) -> LigeroOpening<F> {
    let l = data.layout;
    assert_eq!(
        point.len(),
        l.log_rows + l.log_cols,
        "opening point dimension"
    );
    let gamma: Vec<F> = transcript.challenges(b"ligero/gamma", l.rows());
    let eq_hi = eq_table(&point[l.log_cols..]);
    let u_test = combine_rows(&data.matrix, l.cols(), &gamma);
    let u_eval = combine_rows(&data.matrix, l.cols(), &eq_hi);
    transcript.absorb_fields(b"ligero/u-test", &u_test);
    transcript.absorb_fields(b"ligero/u-eval", &u_eval);
    let idx = query_indices(transcript, params, &l);
    let rows = l.rows();
    let mut columns = Vec::with_capacity(idx.len() * rows);
    for &j in &idx {
        columns.extend_from_slice(&data.columns[j * rows..(j + 1) * rows]);
    }
    let merkle = data.tree.open(&idx);
    LigeroOpening {
        u_test,
        u_eval,
        columns,
        merkle,
    }
}

/// Verify an opening of the commitment `root` (over `num_vars` variables) against `claim`.
/// Never panics on proof data.
pub fn verify<F: PrimeField>(
    params: &LigeroParams,
    root: &Digest,
    num_vars: usize,
    claim: &Claim<F>,
    opening: &LigeroOpening<F>,
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    if claim.point.len() != num_vars || num_vars > 48 || params.num_queries == 0 {
        return Err(VerifyError::Commitment(format!(
            "opening point has {} coordinates, commitment has {num_vars} variables",
            claim.point.len()
        )));
    }
    let l = Layout::new(num_vars, params);
    let d = domain::<F>(&l).ok_or_else(|| {
        VerifyError::Commitment("codeword longer than the field's FFT domain".into())
    })?;
    let (rows, cols) = (l.rows(), l.cols());
    let shape = |what, expected, found| VerifyError::Shape {
        what,
        expected,
        found,
    };
    if opening.u_test.len() != cols {
        return Err(shape("ligero u_test", cols, opening.u_test.len()));
    }
    if opening.u_eval.len() != cols {
        return Err(shape("ligero u_eval", cols, opening.u_eval.len()));
    }
    let gamma: Vec<F> = transcript.challenges(b"ligero/gamma", rows);
    let eq_hi = eq_table(&claim.point[l.log_cols..]);
    transcript.absorb_fields(b"ligero/u-test", &opening.u_test);
    transcript.absorb_fields(b"ligero/u-eval", &opening.u_eval);
    let idx = query_indices(transcript, params, &l);
    if opening.columns.len() != idx.len() * rows {
        return Err(shape(
            "ligero columns",
            idx.len() * rows,
            opening.columns.len(),
        ));
    }
    let eq_lo = eq_table(&claim.point[..l.log_cols]);
    let value: F = opening.u_eval.iter().zip(&eq_lo).map(|(a, b)| *a * b).sum();
    if value != claim.value {
        return Err(VerifyError::InputOpening);
    }
    let enc_test = encode(&opening.u_test, &d);
    let enc_eval = encode(&opening.u_eval, &d);
    for (&j, col) in idx.iter().zip(opening.columns.chunks_exact(rows)) {
        let t: F = col.iter().zip(&gamma).map(|(a, b)| *a * b).sum();
        if t != enc_test[j] {
            return Err(VerifyError::ColumnCheck {
                column: j,
                row: "proximity",
            });
        }
        let e: F = col.iter().zip(&eq_hi).map(|(a, b)| *a * b).sum();
        if e != enc_eval[j] {
            return Err(VerifyError::ColumnCheck {
                column: j,
                row: "evaluation",
            });
        }
    }
    let leaves = hash_columns(&opening.columns, rows);
    if !verify_multi(root, l.code(), &idx, &leaves, &opening.merkle) {
        return Err(VerifyError::MerklePath);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;
    use crate::mle::evaluate;
    use ark_ff::UniformRand;

    #[test]
    fn open_and_verify_small_tables() {
        let mut rng = ark_std::test_rng();
        for n in [0usize, 1, 3, 8] {
            for params in [
                LigeroParams::proven_100(),
                LigeroParams {
                    log_inv_rate: 1,
                    num_queries: 3,
                },
            ] {
                let table: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
                let (root, data) = commit(table.clone(), &params).unwrap();
                let point: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
                let claim = Claim::new(point.clone(), evaluate(&table, &point));
                let mut tp = Transcript::new(b"pcs");
                let opening = open(&data, &params, &point, &mut tp);
                let mut tv = Transcript::new(b"pcs");
                verify(&params, &root, n, &claim, &opening, &mut tv).unwrap();
                let mut bad = claim.clone();
                bad.value += Fr::from(1u64);
                let mut tv = Transcript::new(b"pcs");
                assert_eq!(
                    verify(&params, &root, n, &bad, &opening, &mut tv),
                    Err(VerifyError::InputOpening)
                );
            }
        }
        assert!((LigeroParams::proven_100().proven_bits() - 100.0).abs() < 0.5);
    }
}
