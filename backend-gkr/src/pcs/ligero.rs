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
//! Every parameter set names the [`Assumption`] its query count relies on, and
//! [`LigeroParams::check`] (run by [`commit`], [`open`] and [`verify`]) refuses a set with
//! fewer than [`SECURITY_BITS`] bits under it unless the set was built with
//! [`LigeroParams::insecure_for_tests`] (`allow_insecure`).
//! For a small field (Goldilocks) the combinations must be drawn from an extension field.
//!
//! Fiat-Shamir: [`open`] and [`verify`] absorb the root, the number of variables and the
//! claim (point and value) themselves before drawing `gamma` and the column queries, so an
//! opening is bound to the claim it proves whatever the caller absorbed before.

use super::merkle::{hash_leaf, verify_multi, Digest, MerkleTree};
use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::field::write_elem;
use crate::mle::eq_table;
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use ark_poly::{EvaluationDomain, Radix2EvaluationDomain};
use rayon::prelude::*;

/// Security level every parameter set must reach unless built with
/// [`LigeroParams::insecure_for_tests`].
pub const SECURITY_BITS: f64 = 100.0;

/// Largest supported `log2(1 / rate)` (rate 1/256).
pub const MAX_LOG_INV_RATE: usize = 8;

/// Which bound on the soundness error of one column query a query count relies on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Assumption {
    /// The proven unique-decoding bound: per-query error `1 - delta/3`, `delta = 1 - rate`.
    Proven,
    /// Proximity gaps up to the Johnson radius: per-query error `sqrt(rate)`.
    Johnson,
    /// The proximity-gap conjecture up to capacity: per-query error `rate`.
    Conjectured,
}

impl Assumption {
    fn tag(self) -> u64 {
        match self {
            Assumption::Proven => 0,
            Assumption::Johnson => 1,
            Assumption::Conjectured => 2,
        }
    }
}

/// Code rate, number of column queries, and the assumption that makes them secure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct LigeroParams {
    /// `log2(1 / rate)`; 2 means rate 1/4.
    pub log_inv_rate: usize,
    /// Number of column queries (sampled with replacement, opened once each).
    pub num_queries: usize,
    /// The bound [`Self::security_bits`] is computed under.
    pub assumption: Assumption,
    /// Accept fewer than [`SECURITY_BITS`] bits (tests and benchmarks only).
    pub allow_insecure: bool,
}

impl LigeroParams {
    /// Rate 1/4, 241 queries: 100 bits under the proven unique-decoding bound
    /// `(1 - delta/3)^t` with `delta = 3/4`. The default.
    pub const fn proven_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 241,
            assumption: Assumption::Proven,
            allow_insecure: false,
        }
    }

    /// Rate 1/4, 100 queries: 100 bits with per-query error `sqrt(rate) = 1/2` (Johnson
    /// radius).
    pub const fn johnson_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 100,
            assumption: Assumption::Johnson,
            allow_insecure: false,
        }
    }

    /// Rate 1/4, 50 queries: 100 bits under the proximity-gap conjecture up to capacity
    /// (per-query error `rate = 1/4`).
    pub const fn conjectured_100() -> Self {
        LigeroParams {
            log_inv_rate: 2,
            num_queries: 50,
            assumption: Assumption::Conjectured,
            allow_insecure: false,
        }
    }

    /// Any rate and query count, accepted below [`SECURITY_BITS`]: small, fast proofs for
    /// tests. Never use it for a proof anyone relies on.
    pub const fn insecure_for_tests(log_inv_rate: usize, num_queries: usize) -> Self {
        LigeroParams {
            log_inv_rate,
            num_queries,
            assumption: Assumption::Proven,
            allow_insecure: true,
        }
    }

    /// Bits of soundness from the queries under the proven bound `(1 - delta/3)^t`.
    pub fn proven_bits(&self) -> f64 {
        let delta = 1.0 - (0.5f64).powi(self.log_inv_rate as i32);
        -(self.num_queries as f64) * (1.0 - delta / 3.0).log2()
    }

    /// Bits of soundness from the queries under [`Self::assumption`].
    pub fn security_bits(&self) -> f64 {
        let t = self.num_queries as f64;
        let r = self.log_inv_rate as f64;
        match self.assumption {
            Assumption::Proven => self.proven_bits(),
            Assumption::Johnson => t * r / 2.0,
            Assumption::Conjectured => t * r,
        }
    }

    /// `Ok` when the parameters are usable: at least one query, a rate of at most 1/2 and
    /// at least 1/2^[`MAX_LOG_INV_RATE`], and [`SECURITY_BITS`] bits under their assumption
    /// (the last unless `allow_insecure`). The error says what is wrong.
    pub fn check(&self) -> Result<(), String> {
        if self.num_queries == 0 {
            return Err("at least one column query is required".into());
        }
        if self.log_inv_rate > MAX_LOG_INV_RATE {
            return Err(format!(
                "rate 2^-{} is below the smallest supported rate 2^-{MAX_LOG_INV_RATE}",
                self.log_inv_rate
            ));
        }
        if self.log_inv_rate == 0 && !self.allow_insecure {
            return Err("rate 1 has no code distance".into());
        }
        let bits = self.security_bits();
        if bits < SECURITY_BITS && !self.allow_insecure {
            return Err(format!(
                "{} queries at rate 2^-{} give {bits:.1} bits under the {:?} bound, below \
                 {SECURITY_BITS}; use LigeroParams::insecure_for_tests for test-only parameters",
                self.num_queries, self.log_inv_rate, self.assumption
            ));
        }
        Ok(())
    }

    /// Absorb the parameters (part of a [`crate::Statement`]).
    pub fn absorb(&self, transcript: &mut Transcript) {
        transcript.absorb_u64(b"ligero/log-inv-rate", self.log_inv_rate as u64);
        transcript.absorb_u64(b"ligero/queries", self.num_queries as u64);
        transcript.absorb_u64(b"ligero/assumption", self.assumption.tag());
        transcript.absorb_u64(b"ligero/allow-insecure", self.allow_insecure as u64);
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
    params: LigeroParams,
    num_vars: usize,
    layout: Layout,
    matrix: Vec<F>,
    codewords: Codewords<F>,
    tree: MerkleTree,
}

fn domain<F: PrimeField>(layout: &Layout) -> Option<Radix2EvaluationDomain<F>> {
    let d = Radix2EvaluationDomain::<F>::new(layout.code())?;
    (d.size() == layout.code()).then_some(d)
}

/// Reed-Solomon encode `row` into `out` (the codeword's length): the row's evaluations
/// over the domain, zero-padded coefficients.
fn encode_into<F: PrimeField>(row: &[F], d: &Radix2EvaluationDomain<F>, out: &mut Vec<F>) {
    out[..row.len()].copy_from_slice(row);
    out[row.len()..].fill(F::zero());
    d.fft_in_place(out);
}

fn encode<F: PrimeField>(row: &[F], d: &Radix2EvaluationDomain<F>) -> Vec<F> {
    let mut v = vec![F::zero(); d.size()];
    encode_into(row, d, &mut v);
    v
}

fn hash_column<'a, F: PrimeField>(col: impl Iterator<Item = &'a F>, buf: &mut Vec<u8>) -> Digest {
    buf.clear();
    for x in col {
        write_elem(buf, x);
    }
    hash_leaf(buf)
}

/// The codeword matrix, column by column in blocks of rows: block `b` holds rows
/// `[b * B, (b + 1) * B)` column-major (`B` = [`Codewords::block_rows`]), so that each block
/// is encoded and transposed by one task into memory of its own, and a column is `rows / B`
/// runs of `B` entries.
#[derive(Clone, Debug)]
struct Codewords<F> {
    block_rows: usize,
    blocks: Vec<Vec<F>>,
}

/// Rows encoded and transposed together: their columns are contiguous runs of this many
/// entries (256 bytes over BN254).
const BLOCK_ROWS: usize = 8;

impl<F: PrimeField> Codewords<F> {
    /// Encode every row of the row-major `evals` (`cols` per row) over `d`.
    fn encode(evals: &[F], cols: usize, d: &Radix2EvaluationDomain<F>) -> Self {
        let rows = evals.len() / cols;
        let code = d.size();
        let block_rows = BLOCK_ROWS.min(rows);
        let blocks = evals
            .par_chunks(block_rows * cols)
            .map_init(
                || vec![F::zero(); code],
                |scratch, rows_in| {
                    let mut out = vec![F::zero(); block_rows * code];
                    for (r, row) in rows_in.chunks_exact(cols).enumerate() {
                        encode_into(row, d, scratch);
                        for (j, x) in scratch.iter().enumerate() {
                            out[j * block_rows + r] = *x;
                        }
                    }
                    out
                },
            )
            .collect();
        Codewords { block_rows, blocks }
    }

    /// The entries of column `j`, row by row.
    fn column(&self, j: usize) -> impl Iterator<Item = &F> {
        let b = self.block_rows;
        self.blocks
            .iter()
            .flat_map(move |blk| &blk[j * b..(j + 1) * b])
    }

    /// One Merkle leaf per column.
    fn hash_columns(&self, code: usize) -> Vec<Digest> {
        let rows = self.block_rows * self.blocks.len();
        (0..code)
            .into_par_iter()
            .map_init(
                || Vec::with_capacity(rows * 32),
                |buf, j| hash_column(self.column(j), buf),
            )
            .collect()
    }
}

/// One Merkle leaf per column of `cols` (columns of `rows` entries, concatenated).
fn hash_columns<F: PrimeField>(cols: &[F], rows: usize) -> Vec<Digest> {
    cols.par_chunks(rows)
        .map_init(
            || Vec::with_capacity(rows * 32),
            |buf, c| hash_column(c.iter(), buf),
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
    params.check().map_err(ProveError::InsecureParams)?;
    if n > MAX_VARS {
        return Err(ProveError::Shape {
            what: "committed table variables",
            expected: MAX_VARS,
            found: n,
        });
    }
    let layout = Layout::new(n, params);
    let d = domain::<F>(&layout).ok_or_else(|| {
        ProveError::Commitment("codeword longer than the field's FFT domain".into())
    })?;
    let codewords = Codewords::encode(&evals, layout.cols(), &d);
    let tree = MerkleTree::new(codewords.hash_columns(layout.code()))?;
    let root = tree.root();
    Ok((
        root,
        LigeroProverData {
            params: *params,
            num_vars: n,
            layout,
            matrix: evals,
            codewords,
            tree,
        },
    ))
}

/// Largest number of variables a commitment may have.
pub const MAX_VARS: usize = 48;

fn query_indices(t: &mut Transcript, params: &LigeroParams, layout: &Layout) -> Vec<usize> {
    // the code length is a power of two, never zero
    let mut idx = t
        .challenge_indices(b"ligero/queries", params.num_queries, layout.code())
        .unwrap_or_default();
    idx.sort_unstable();
    idx.dedup();
    idx
}

/// What both sides absorb before the opening's first challenge: the commitment and the
/// claim it is opened against.
fn absorb_claim<F: PrimeField>(
    t: &mut Transcript,
    root: &Digest,
    num_vars: usize,
    claim: &Claim<F>,
) {
    t.absorb_bytes(b"ligero/open-root", root);
    t.absorb_u64(b"ligero/open-num-vars", num_vars as u64);
    t.absorb_fields(b"ligero/open-point", &claim.point);
    t.absorb_field(b"ligero/open-value", &claim.value);
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

/// Open the commitment against `claim` (the committed table's MLE at `claim.point` is
/// `claim.value`; a wrong value gives an opening the verifier rejects). Absorbs the root,
/// the number of variables and the claim before drawing any challenge.
pub fn open<F: PrimeField>(
    data: &LigeroProverData<F>,
    claim: &Claim<F>,
    transcript: &mut Transcript,
) -> Result<LigeroOpening<F>, ProveError> {
    let l = data.layout;
    let params = &data.params;
    params.check().map_err(ProveError::InsecureParams)?;
    if claim.point.len() != data.num_vars {
        return Err(ProveError::Shape {
            what: "opening point coordinates",
            expected: data.num_vars,
            found: claim.point.len(),
        });
    }
    absorb_claim(transcript, &data.tree.root(), data.num_vars, claim);
    let gamma: Vec<F> = transcript.challenges(b"ligero/gamma", l.rows());
    let eq_hi = eq_table(&claim.point[l.log_cols..]);
    let u_test = combine_rows(&data.matrix, l.cols(), &gamma);
    let u_eval = combine_rows(&data.matrix, l.cols(), &eq_hi);
    transcript.absorb_fields(b"ligero/u-test", &u_test);
    transcript.absorb_fields(b"ligero/u-eval", &u_eval);
    let idx = query_indices(transcript, params, &l);
    let rows = l.rows();
    let mut columns = Vec::with_capacity(idx.len() * rows);
    for &j in &idx {
        columns.extend(data.codewords.column(j));
    }
    let merkle = data.tree.open(&idx)?;
    Ok(LigeroOpening {
        u_test,
        u_eval,
        columns,
        merkle,
    })
}

/// Verify an opening of the commitment `root` (over `num_vars` variables) against `claim`
/// under the verifier's `params` (refused when below [`SECURITY_BITS`], see
/// [`LigeroParams::check`]). Absorbs the root, the number of variables and the claim before
/// drawing any challenge. Never panics on proof data.
pub fn verify<F: PrimeField>(
    params: &LigeroParams,
    root: &Digest,
    num_vars: usize,
    claim: &Claim<F>,
    opening: &LigeroOpening<F>,
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    params.check().map_err(VerifyError::InsecureParams)?;
    if claim.point.len() != num_vars || num_vars > MAX_VARS {
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
    absorb_claim(transcript, root, num_vars, claim);
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
                LigeroParams::insecure_for_tests(1, 3),
            ] {
                let table: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
                let (root, data) = commit(table.clone(), &params).unwrap();
                let point: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
                let claim = Claim::new(point.clone(), evaluate(&table, &point));
                let mut tp = Transcript::new(b"pcs");
                let opening = open(&data, &claim, &mut tp).unwrap();
                let mut tv = Transcript::new(b"pcs");
                verify(&params, &root, n, &claim, &opening, &mut tv).unwrap();
                // the claim is absorbed before the queries: a wrong value changes them too
                let mut bad = claim.clone();
                bad.value += Fr::from(1u64);
                let mut tv = Transcript::new(b"pcs");
                assert!(verify(&params, &root, n, &bad, &opening, &mut tv).is_err());
                // an opening made for a wrong value fails the evaluation check
                let mut tp = Transcript::new(b"pcs");
                let lie = open(&data, &bad, &mut tp).unwrap();
                let mut tv = Transcript::new(b"pcs");
                assert_eq!(
                    verify(&params, &root, n, &bad, &lie, &mut tv),
                    Err(VerifyError::InputOpening)
                );
                // a point of the wrong dimension is a shape error, not a panic
                let short = Claim::new(point[..n.saturating_sub(1)].to_vec(), claim.value);
                if n > 0 {
                    assert!(matches!(
                        open(&data, &short, &mut Transcript::new(b"pcs")),
                        Err(ProveError::Shape { .. })
                    ));
                }
            }
        }
        assert!((LigeroParams::proven_100().proven_bits() - 100.0).abs() < 0.5);
    }

    #[test]
    fn parameters_below_the_security_level_are_refused_unless_asked_for() {
        for p in [
            LigeroParams::proven_100(),
            LigeroParams::johnson_100(),
            LigeroParams::conjectured_100(),
        ] {
            assert!(p.security_bits() >= SECURITY_BITS, "{p:?}");
            p.check().unwrap();
        }
        let weak = [
            LigeroParams {
                num_queries: 240,
                ..LigeroParams::proven_100()
            },
            LigeroParams {
                num_queries: 99,
                ..LigeroParams::johnson_100()
            },
            LigeroParams {
                log_inv_rate: 1,
                ..LigeroParams::conjectured_100()
            },
            LigeroParams {
                log_inv_rate: 0,
                num_queries: 10_000,
                ..LigeroParams::conjectured_100()
            },
        ];
        let table: Vec<Fr> = (0..16u64).map(Fr::from).collect();
        for p in weak {
            assert!(p.check().is_err(), "{p:?}");
            assert!(matches!(
                commit(table.clone(), &p),
                Err(ProveError::InsecureParams(_))
            ));
            let ok = LigeroParams {
                allow_insecure: true,
                ..p
            };
            ok.check().unwrap();
        }
        // structural limits hold even for test parameters
        assert!(LigeroParams::insecure_for_tests(2, 0).check().is_err());
        assert!(LigeroParams::insecure_for_tests(MAX_LOG_INV_RATE + 1, 3)
            .check()
            .is_err());
        // the verifier refuses weak parameters of its own before looking at the proof
        let test = LigeroParams::insecure_for_tests(2, 6);
        let (root, data) = commit(table.clone(), &test).unwrap();
        let claim = Claim::new(vec![Fr::from(3u64); 4], Fr::from(0u64));
        let opening = open(&data, &claim, &mut Transcript::new(b"p")).unwrap();
        let weak = LigeroParams {
            allow_insecure: false,
            ..test
        };
        assert!(matches!(
            verify(
                &weak,
                &root,
                4,
                &claim,
                &opening,
                &mut Transcript::new(b"p")
            ),
            Err(VerifyError::InsecureParams(_))
        ));
    }
}
