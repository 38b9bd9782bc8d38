//! The sumcheck of one data-parallel layer (prover hot path and verifier check).
//!
//! Claim on layer `i`: `sum_j w_j V_i(rc, z_j)` at one copy point `rc` and gate points `z_j`.
//! With `omega = sum_j w_j eq(z_j, .)` over the layer's gates and the wiring factorised as
//! `eq(copy, copy') * wiring(template)`, it equals
//!
//! ```text
//!   Cst + sum_s eq(rc, s) * [ sum_mul omega(g) c_g V(s, a_g) V(s, b_g) + sum_add omega(g) c_g V(s, a_g) ]
//! ```
//!
//! where `V = V_{i-1}` and `Cst = sum_const omega(g) value_g` (since `sum_s eq(rc, s) = 1`).
//!
//! * Phase C binds the copy variables `s` (degree 3). The prover walks pairs of copy blocks;
//!   per pair it needs, for every gate, the product at `t = 0` and the quadratic coefficient;
//!   `q(1)` comes from the claim because `eq(rc, s)` factors per variable (the current
//!   variable's factor is applied in closed form). The input table is folded in place, block
//!   by block, fused with the next round's evaluation. After phase C only template-sized
//!   tables remain: `V(rs, .)`, and `omega` scaled by `eq(rc, rs)`.
//! * Phase X and Y are Libra's two phases over the template (degree 2 each): phase X proves
//!   `sum_x V(x) h_x(x)` with `h_x(x) = sum_y M(x, y) V(y) + A(x)`, the prover sends
//!   `vx = V(rs, rx)`; phase Y proves `sum_y vx M(rx, y) V(y)` and sends `vy = V(rs, ry)`.
//!   A layer without `mul` gates has no phase Y.
//!
//! The verifier recomputes `Cst`, `A(rx)` and `M(rx, ry)` in time linear in the template.

use crate::circuit::{Layer, Term};
use crate::error::ProveError;
use crate::mle::{eq_eval, eq_table, PAR_CHUNK, PAR_THRESHOLD};
use crate::sumcheck::{prove_product2, verify_rounds, SumcheckProof, CHALLENGE_LABEL, ROUND_LABEL};
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use rayon::prelude::*;

/// Struct-of-arrays wiring of one layer, built once per proof or verification.
#[derive(Clone, Debug)]
pub struct Wiring<F> {
    mul_out: Vec<u32>,
    mul_in: Vec<(u32, u32)>,
    mul_coeff: Vec<F>,
    add_out: Vec<u32>,
    add_in: Vec<u32>,
    add_coeff: Vec<F>,
    const_out: Vec<u32>,
    const_val: Vec<F>,
    /// log2 of the input (previous layer) width.
    pub in_log: usize,
    /// log2 of this layer's width.
    pub out_log: usize,
    /// Both widths are powers of two and every wire read exists.
    valid: bool,
}

impl<F: PrimeField> Wiring<F> {
    /// Split a layer's gates by kind. `in_width` is the previous layer's width. A layer that
    /// would fail [`crate::LayeredCircuit::validate`] gives a wiring that [`prove_layer`] and
    /// [`verify_layer`] refuse with a shape error.
    pub fn new(layer: &Layer<F>, in_width: usize) -> Self {
        let mut w = Wiring {
            mul_out: Vec::new(),
            mul_in: Vec::new(),
            mul_coeff: Vec::new(),
            add_out: Vec::new(),
            add_in: Vec::new(),
            add_coeff: Vec::new(),
            const_out: Vec::new(),
            const_val: Vec::new(),
            in_log: in_width.trailing_zeros() as usize,
            out_log: layer.width().trailing_zeros() as usize,
            valid: in_width.is_power_of_two()
                && in_width <= 1 << 31
                && layer.width().is_power_of_two()
                && layer.width() <= 1 << 31,
        };
        let fits = |x: u32| (x as usize) < in_width;
        for (g, gate) in layer.gates.iter().enumerate() {
            let g = g as u32;
            for term in &gate.terms {
                match *term {
                    Term::Mul { coeff, a, b } if !coeff.is_zero() => {
                        w.valid &= fits(a) && fits(b);
                        w.mul_out.push(g);
                        w.mul_in.push((a, b));
                        w.mul_coeff.push(coeff);
                    }
                    Term::Add { coeff, a } if !coeff.is_zero() => {
                        w.valid &= fits(a);
                        w.add_out.push(g);
                        w.add_in.push(a);
                        w.add_coeff.push(coeff);
                    }
                    Term::Const { value } if !value.is_zero() => {
                        w.const_out.push(g);
                        w.const_val.push(value);
                    }
                    _ => {}
                }
            }
        }
        w
    }

    /// Whether phase Y runs (the layer has a `mul` gate with a non-zero coefficient).
    pub fn has_mul(&self) -> bool {
        !self.mul_out.is_empty()
    }

    /// `sum_const omega(g) value_g`.
    fn constant_part(&self, omega: &[F]) -> F {
        self.const_out
            .iter()
            .zip(&self.const_val)
            .map(|(g, v)| omega[*g as usize] * v)
            .sum()
    }

    /// `(sum_add omega c eq_x[a], sum_mul omega c eq_x[a] eq_y[b])`.
    fn wiring_at(&self, omega: &[F], eq_x: &[F], eq_y: Option<&[F]>) -> (F, F) {
        let add = self
            .add_out
            .iter()
            .zip(&self.add_in)
            .zip(&self.add_coeff)
            .map(|((g, a), c)| omega[*g as usize] * c * eq_x[*a as usize])
            .sum();
        let mul = match eq_y {
            None => F::zero(),
            Some(eq_y) => self
                .mul_out
                .iter()
                .zip(&self.mul_in)
                .zip(&self.mul_coeff)
                .map(|((g, (a, b)), c)| {
                    omega[*g as usize] * c * eq_x[*a as usize] * eq_y[*b as usize]
                })
                .sum(),
        };
        (add, mul)
    }
}

/// Messages of phase Y.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct PhaseY<F: PrimeField> {
    /// Degree-2 sumcheck over the `y` variables.
    pub sumcheck: SumcheckProof<F>,
    /// `V(rs, ry)`.
    #[serde(with = "crate::field::serde_fe")]
    pub vy: F,
}

/// Messages of one layer's sumcheck.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct LayerProof<F: PrimeField> {
    /// Phase C: degree 3 over the copy variables (3 evaluations per round).
    pub copy: SumcheckProof<F>,
    /// Phase X: degree 2 over the left-input variables.
    pub x: SumcheckProof<F>,
    /// `V(rs, rx)`.
    #[serde(with = "crate::field::serde_fe")]
    pub vx: F,
    /// Phase Y, present exactly when the layer has `mul` gates.
    pub y: Option<PhaseY<F>>,
}

/// A claim on a layer in the factorised form the layer sumcheck consumes.
#[derive(Clone, Debug)]
pub struct LayerClaim<F> {
    /// The copy point `rc` (one coordinate per copy variable, bit order).
    pub copy_point: Vec<F>,
    /// Gate points `z_j` with weights `w_j`.
    pub gate_points: Vec<(Vec<F>, F)>,
    /// `sum_j w_j V(rc, z_j)`.
    pub value: F,
}

impl<F: PrimeField> LayerClaim<F> {
    fn omega(&self, out_log: usize) -> Vec<F> {
        let mut omega = vec![F::zero(); 1 << out_log];
        let mut tmp = vec![F::zero(); 1 << out_log];
        for (z, w) in &self.gate_points {
            crate::mle::eq_table_into(z, *w, &mut tmp);
            omega.iter_mut().zip(&tmp).for_each(|(o, t)| *o += t);
        }
        omega
    }
}

/// What a layer hands down: the new copy point and one or two gate claims on `V_{i-1}`.
#[derive(Clone, Debug)]
pub struct LayerOutcome<F> {
    /// `rs`.
    pub copy_point: Vec<F>,
    /// `(rx, vx)` and, when the layer has `mul` gates, `(ry, vy)`.
    pub claims: Vec<(Vec<F>, F)>,
}

/// Per-pair gate sums: `s0 = P(0)`, `s1 = P(1)` (only when `full`), `s2` = coefficient of
/// `t^2` of `P(t) = sum_mul wm V_t(a) V_t(b) + sum_add wa V_t(a)` with
/// `V_t = lo + t (hi - lo)`.
#[inline]
fn pair_sums<F: PrimeField>(
    mul_in: &[(u32, u32)],
    wm: &[F],
    add_in: &[u32],
    wa: &[F],
    lo: &[F],
    hi: &[F],
    full: bool,
) -> [F; 3] {
    let (mut s0, mut s1, mut s2) = (F::zero(), F::zero(), F::zero());
    if full {
        for ((a, b), c) in mul_in.iter().zip(wm) {
            let (a0, b0) = (lo[*a as usize], lo[*b as usize]);
            let (a1, b1) = (hi[*a as usize], hi[*b as usize]);
            s0 += *c * (a0 * b0);
            s1 += *c * (a1 * b1);
            s2 += *c * ((a1 - a0) * (b1 - b0));
        }
        for (a, c) in add_in.iter().zip(wa) {
            s0 += *c * lo[*a as usize];
            s1 += *c * hi[*a as usize];
        }
    } else {
        for ((a, b), c) in mul_in.iter().zip(wm) {
            let (a0, b0) = (lo[*a as usize], lo[*b as usize]);
            let (a1, b1) = (hi[*a as usize], hi[*b as usize]);
            s0 += *c * (a0 * b0);
            s2 += *c * ((a1 - a0) * (b1 - b0));
        }
        for (a, c) in add_in.iter().zip(wa) {
            s0 += *c * lo[*a as usize];
        }
    }
    [s0, s1, s2]
}

fn add3<F: PrimeField>(a: [F; 3], b: [F; 3]) -> [F; 3] {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2]]
}

/// `sum_b e[b] * pair_sums(block b, block b + m/2)` over the `m` blocks of `table`.
fn round_sums<F: PrimeField>(
    w: &Wiring<F>,
    wm: &[F],
    wa: &[F],
    table: &[F],
    e: &[F],
    full: bool,
) -> [F; 3] {
    let blk = 1usize << w.in_log;
    let half = table.len() / 2;
    let (lo, hi) = table.split_at(half);
    let work = |((l, h), e): ((&[F], &[F]), &F)| {
        let s = pair_sums(&w.mul_in, wm, &w.add_in, wa, l, h, full);
        [*e * s[0], *e * s[1], *e * s[2]]
    };
    let zero = [F::zero(); 3];
    if table.len() >= PAR_THRESHOLD && e.len() > 1 {
        lo.par_chunks(blk)
            .zip(hi.par_chunks(blk))
            .zip(e.par_iter())
            .map(work)
            .reduce(|| zero, add3)
    } else {
        lo.chunks(blk)
            .zip(hi.chunks(blk))
            .zip(e.iter())
            .map(work)
            .fold(zero, add3)
    }
}

/// Fold `table` (m blocks) at `r` into its first m/2 blocks and return the next round's sums
/// over the folded pairs `(b, b + m/4)`, in one pass over memory.
fn fold_round_sums<F: PrimeField>(
    w: &Wiring<F>,
    wm: &[F],
    wa: &[F],
    table: &mut [F],
    r: F,
    e: &[F],
    full: bool,
) -> [F; 3] {
    let blk = 1usize << w.in_log;
    let m = table.len();
    let q = m / 4;
    let (t01, t23) = table.split_at_mut(2 * q);
    let (t0, t1) = t01.split_at_mut(q);
    let (t2, t3) = t23.split_at(q);
    let fold = |dst: &mut [F], src: &[F]| {
        for (d, s) in dst.iter_mut().zip(src) {
            *d += r * (*s - *d);
        }
    };
    type Item<'a, F> = (((&'a mut [F], &'a mut [F]), (&'a [F], &'a [F])), &'a F);
    let work = |(((b0, b1), (b2, b3)), e): Item<'_, F>| {
        fold(b0, b2);
        fold(b1, b3);
        let s = pair_sums(&w.mul_in, wm, &w.add_in, wa, b0, b1, full);
        [*e * s[0], *e * s[1], *e * s[2]]
    };
    let zero = [F::zero(); 3];
    if m >= PAR_THRESHOLD && e.len() > 1 {
        t0.par_chunks_mut(blk)
            .zip(t1.par_chunks_mut(blk))
            .zip(t2.par_chunks(blk).zip(t3.par_chunks(blk)))
            .zip(e.par_iter())
            .map(work)
            .reduce(|| zero, add3)
    } else {
        t0.chunks_mut(blk)
            .zip(t1.chunks_mut(blk))
            .zip(t2.chunks(blk).zip(t3.chunks(blk)))
            .zip(e.iter())
            .map(work)
            .fold(zero, add3)
    }
}

/// Gate-parallel variant of [`round_sums`] for few, wide copy pairs: each pair's gate list is
/// split across workers.
fn round_sums_by_gates<F: PrimeField>(
    w: &Wiring<F>,
    wm: &[F],
    wa: &[F],
    table: &[F],
    e: &[F],
    full: bool,
) -> [F; 3] {
    let blk = 1usize << w.in_log;
    let half = table.len() / 2;
    let (lo, hi) = table.split_at(half);
    let zero = [F::zero(); 3];
    let mut acc = zero;
    for ((l, h), e) in lo.chunks(blk).zip(hi.chunks(blk)).zip(e) {
        let muls = (0..w.mul_in.len())
            .into_par_iter()
            .step_by(PAR_CHUNK)
            .map(|start| {
                let end = (start + PAR_CHUNK).min(w.mul_in.len());
                pair_sums(&w.mul_in[start..end], &wm[start..end], &[], &[], l, h, full)
            });
        let adds = (0..w.add_in.len())
            .into_par_iter()
            .step_by(PAR_CHUNK)
            .map(|start| {
                let end = (start + PAR_CHUNK).min(w.add_in.len());
                pair_sums(&[], &[], &w.add_in[start..end], &wa[start..end], l, h, full)
            });
        let s = muls.chain(adds).reduce(|| zero, add3);
        acc = add3(acc, [*e * s[0], *e * s[1], *e * s[2]]);
    }
    acc
}

/// Fold the top variable of a table of `m` blocks (plain, used for the last copy round).
fn fold_blocks<F: PrimeField>(table: &mut [F], r: F) {
    crate::mle::fold_top(table, r)
}

/// Prove one layer. `input` is the copy-major table of the previous layer for all copies;
/// it is consumed (folded in place). Returns the proof and what is handed down. An input
/// table that is not `2^in_log` entries per copy of the claim's copy point, or a gate point
/// of the wrong dimension, is a shape error.
pub fn prove_layer<F: PrimeField>(
    w: &Wiring<F>,
    input: &mut [F],
    claim: &LayerClaim<F>,
    transcript: &mut Transcript,
) -> Result<(LayerProof<F>, LayerOutcome<F>), ProveError> {
    if !w.valid {
        return Err(ProveError::Shape {
            what: "layer wiring (power-of-two widths, wires in range)",
            expected: 1,
            found: 0,
        });
    }
    let blk = 1usize << w.in_log;
    let c = claim.copy_point.len();
    let expected = (c < usize::BITS as usize)
        .then(|| blk.checked_shl(c as u32))
        .flatten()
        .filter(|n| n >> c == blk);
    if expected != Some(input.len()) {
        return Err(ProveError::Shape {
            what: "layer input table",
            expected: expected.unwrap_or(usize::MAX),
            found: input.len(),
        });
    }
    if let Some((z, _)) = claim.gate_points.iter().find(|(z, _)| z.len() != w.out_log) {
        return Err(ProveError::Shape {
            what: "layer gate point coordinates",
            expected: w.out_log,
            found: z.len(),
        });
    }
    let omega = claim.omega(w.out_log);
    let cst = w.constant_part(&omega);
    let wm: Vec<F> = w
        .mul_out
        .iter()
        .zip(&w.mul_coeff)
        .map(|(g, k)| omega[*g as usize] * k)
        .collect();
    let wa: Vec<F> = w
        .add_out
        .iter()
        .zip(&w.add_coeff)
        .map(|(g, k)| omega[*g as usize] * k)
        .collect();

    // ---- phase C: copy variables, top one first ----
    let rc = &claim.copy_point;
    let mut claim_c = claim.value - cst;
    let mut eq_acc = F::one();
    let mut rs = vec![F::zero(); c];
    let mut copy_evals = Vec::with_capacity(3 * c);
    // e[b] = eq(rc[0..k-1], b) for the k copy variables still free (k = c initially)
    let mut e = if c > 0 {
        eq_table(&rc[..c - 1])
    } else {
        Vec::new()
    };
    let mut len = input.len();
    let mut pending: Option<F> = None;
    for round in 0..c {
        let k = c - round; // free copy variables
        let alpha = rc[k - 1];
        let inv = if alpha.is_zero() || eq_acc.is_zero() {
            None
        } else {
            Some((alpha * eq_acc).inverse().expect("non-zero"))
        };
        let full = inv.is_none();
        let ebuf = &e[..1 << (k - 1)];
        // Few wide pairs: fold, then split each pair's gates across workers.
        let few = ebuf.len() < 2 * rayon::current_num_threads()
            && w.mul_in.len() + w.add_in.len() >= 2 * PAR_CHUNK
            && rayon::current_num_threads() > 1;
        let sums = match (pending, few) {
            (None, false) => round_sums(w, &wm, &wa, &input[..len], ebuf, full),
            (None, true) => round_sums_by_gates(w, &wm, &wa, &input[..len], ebuf, full),
            (Some(r), false) => {
                let s = fold_round_sums(w, &wm, &wa, &mut input[..len], r, ebuf, full);
                len /= 2;
                s
            }
            (Some(r), true) => {
                fold_blocks(&mut input[..len], r);
                len /= 2;
                round_sums_by_gates(w, &wm, &wa, &input[..len], ebuf, full)
            }
        };
        let (q0, q2) = (sums[0], sums[2]);
        // claim = eq_acc * ((1 - alpha) q(0) + alpha q(1))
        let q1 = match inv {
            Some(inv) => (claim_c - eq_acc * (F::one() - alpha) * q0) * inv,
            None => sums[1],
        };
        // q(t) = q0 + lin t + q2 t^2 and eq(alpha, t) = (1 - alpha) + slope t, evaluated
        // without closures over field values (rustc 1.95.0 miscompiles that pattern, see
        // BENCHMARKS.md).
        let lin = q1 - q0 - q2;
        let eq0 = F::one() - alpha;
        let slope = alpha.double() - F::one();
        let eq2 = eq0 + slope.double();
        let eq3 = eq2 + slope;
        let q2v = q0 + lin.double() + q2.double().double();
        let q3v = q2v + lin + q2 * F::from(5u64);
        let msg = [eq_acc * eq0 * q0, eq_acc * eq2 * q2v, eq_acc * eq3 * q3v];
        transcript.absorb_fields(ROUND_LABEL, &msg);
        copy_evals.extend_from_slice(&msg);
        let r: F = transcript.challenge(CHALLENGE_LABEL);
        rs[k - 1] = r;
        eq_acc *= eq0 + slope * r;
        claim_c = eq_acc * (q0 + r * (lin + r * q2));
        // e over k-2 variables: sum out variable k-2 (the top of e's remaining variables)
        if k >= 2 {
            let h = 1usize << (k - 2);
            let (lo, hi) = e[..2 * h].split_at_mut(h);
            lo.iter_mut().zip(hi.iter()).for_each(|(l, h)| *l += h);
        }
        pending = Some(r);
    }
    if let Some(r) = pending {
        fold_blocks(&mut input[..len], r);
    }
    let eqf = eq_acc;

    // ---- phase X ----
    let v: Vec<F> = input[..blk].to_vec();
    let mut hx = vec![F::zero(); blk];
    for ((a, b), m) in w.mul_in.iter().zip(&wm) {
        hx[*a as usize] += *m * v[*b as usize];
    }
    for (a, m) in w.add_in.iter().zip(&wa) {
        hx[*a as usize] += m;
    }
    hx.iter_mut().for_each(|h| *h *= eqf);
    let (x_proof, rx, vx, _) = prove_product2(&mut input[..blk], &mut hx, transcript);
    transcript.absorb_field(b"gkr/vx", &vx);
    let mut claims = vec![(rx.clone(), vx)];

    // ---- phase Y ----
    let y = if w.has_mul() {
        let eq_x = eq_table(&rx);
        let mut hy = hx; // reuse the buffer
        hy.iter_mut().for_each(|h| *h = F::zero());
        let s = eqf * vx;
        for ((a, b), m) in w.mul_in.iter().zip(&wm) {
            hy[*b as usize] += *m * eq_x[*a as usize] * s;
        }
        let mut vt = v;
        let (y_proof, ry, vy, _) = prove_product2(&mut vt, &mut hy, transcript);
        transcript.absorb_field(b"gkr/vy", &vy);
        claims.push((ry, vy));
        Some(PhaseY {
            sumcheck: y_proof,
            vy,
        })
    } else {
        None
    };
    Ok((
        LayerProof {
            copy: SumcheckProof { evals: copy_evals },
            x: x_proof,
            vx,
            y,
        },
        LayerOutcome {
            copy_point: rs,
            claims,
        },
    ))
}

/// Why a layer was rejected (mapped to a `VerifyError` by the caller).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerFailure {
    /// A component has the wrong length.
    Shape(&'static str, usize, usize),
    /// The final check failed.
    Final,
}

/// Verify one layer's sumcheck against `claim`; returns what is handed down.
pub fn verify_layer<F: PrimeField>(
    w: &Wiring<F>,
    claim: &LayerClaim<F>,
    proof: &LayerProof<F>,
    transcript: &mut Transcript,
) -> Result<LayerOutcome<F>, LayerFailure> {
    if !w.valid {
        return Err(LayerFailure::Shape("layer wiring", 1, 0));
    }
    let c = claim.copy_point.len();
    if let Some((z, _)) = claim.gate_points.iter().find(|(z, _)| z.len() != w.out_log) {
        return Err(LayerFailure::Shape(
            "layer gate point coordinates",
            w.out_log,
            z.len(),
        ));
    }
    let h = w.in_log;
    let omega = claim.omega(w.out_log);
    let cst = w.constant_part(&omega);
    let pc = verify_rounds(claim.value - cst, &proof.copy, c, 3, transcript).ok_or(
        LayerFailure::Shape("copy-phase messages", 3 * c, proof.copy.evals.len()),
    )?;
    let eqf = eq_eval(&claim.copy_point, &pc.point);
    let px = verify_rounds(pc.claim, &proof.x, h, 2, transcript).ok_or(LayerFailure::Shape(
        "x-phase messages",
        2 * h,
        proof.x.evals.len(),
    ))?;
    transcript.absorb_field(b"gkr/vx", &proof.vx);
    let eq_x = eq_table(&px.point);
    let mut claims = vec![(px.point.clone(), proof.vx)];
    match (&proof.y, w.has_mul()) {
        (None, false) => {
            let (add, _) = w.wiring_at(&omega, &eq_x, None);
            if px.claim != proof.vx * eqf * add {
                return Err(LayerFailure::Final);
            }
        }
        (Some(y), true) => {
            let (add, _) = w.wiring_at(&omega, &eq_x, None);
            let start = px.claim - proof.vx * eqf * add;
            let py = verify_rounds(start, &y.sumcheck, h, 2, transcript).ok_or(
                LayerFailure::Shape("y-phase messages", 2 * h, y.sumcheck.evals.len()),
            )?;
            transcript.absorb_field(b"gkr/vy", &y.vy);
            let eq_y = eq_table(&py.point);
            let (_, mul) = w.wiring_at(&omega, &eq_x, Some(&eq_y));
            if py.claim != proof.vx * eqf * mul * y.vy {
                return Err(LayerFailure::Final);
            }
            claims.push((py.point, y.vy));
        }
        (None, true) => return Err(LayerFailure::Shape("y phase", 1, 0)),
        (Some(_), false) => return Err(LayerFailure::Shape("y phase", 0, 1)),
    }
    Ok(LayerOutcome {
        copy_point: pc.point,
        claims,
    })
}

/// Gate weights for the next layer: `(rx, 1)` and `(ry, mu)` with `mu` from the transcript,
/// and the combined value. With a single claim no challenge is drawn.
pub fn next_claim<F: PrimeField>(
    out: LayerOutcome<F>,
    transcript: &mut Transcript,
) -> LayerClaim<F> {
    if out.claims.len() == 1 {
        let (z, v) = out.claims.into_iter().next().expect("one claim");
        return LayerClaim {
            copy_point: out.copy_point,
            gate_points: vec![(z, F::one())],
            value: v,
        };
    }
    let mu: F = transcript.challenge(b"gkr/mu");
    let mut value = F::zero();
    let mut weight = F::one();
    let mut gate_points = Vec::with_capacity(out.claims.len());
    for (z, v) in out.claims {
        value += weight * v;
        gate_points.push((z, weight));
        weight *= mu;
    }
    LayerClaim {
        copy_point: out.copy_point,
        gate_points,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::circuit::eval_layer;
    use crate::field::Fr;
    use crate::mle::evaluate;
    use ark_ff::UniformRand;
    use ark_std::rand::Rng;

    fn random_layer(rng: &mut impl Rng, in_w: usize, out_w: usize) -> Layer<Fr> {
        let gates = (0..out_w)
            .map(|_| {
                let terms = (0..rng.gen_range(0..3))
                    .map(|_| match rng.gen_range(0..4) {
                        0 | 1 => Term::Mul {
                            coeff: Fr::rand(rng),
                            a: rng.gen_range(0..in_w) as u32,
                            b: rng.gen_range(0..in_w) as u32,
                        },
                        2 => Term::Add {
                            coeff: Fr::rand(rng),
                            a: rng.gen_range(0..in_w) as u32,
                        },
                        _ => Term::Const {
                            value: Fr::rand(rng),
                        },
                    })
                    .collect();
                crate::circuit::Gate::sum(terms)
            })
            .collect();
        Layer { gates }
    }

    #[test]
    fn layer_sumcheck_round_trips_including_zero_coordinates() {
        let mut rng = ark_std::test_rng();
        for (in_log, out_log, c) in [(2, 2, 3), (0, 1, 2), (3, 0, 0), (1, 3, 1), (4, 4, 5)] {
            let (in_w, out_w) = (1 << in_log, 1 << out_log);
            let layer = random_layer(&mut rng, in_w, out_w);
            let w = Wiring::new(&layer, in_w);
            let input: Vec<Fr> = (0..in_w << c).map(|_| Fr::rand(&mut rng)).collect();
            let out = eval_layer(&layer, in_w, &input).unwrap();
            for zero_coord in [false, true] {
                let mut rc: Vec<Fr> = (0..c).map(|_| Fr::rand(&mut rng)).collect();
                if zero_coord && c > 0 {
                    rc[c - 1] = Fr::from(0u64); // forces the full (no-division) path
                }
                let z: Vec<Fr> = (0..out_log).map(|_| Fr::rand(&mut rng)).collect();
                let mut p = z.clone();
                p.extend_from_slice(&rc);
                let claim = LayerClaim {
                    copy_point: rc.clone(),
                    gate_points: vec![(z, Fr::from(1u64))],
                    value: evaluate(&out, &p),
                };
                let mut tp = Transcript::new(b"l");
                let mut table = input.clone();
                let (proof, outcome) = prove_layer(&w, &mut table, &claim, &mut tp).unwrap();
                // brute force: the first copy-round message at 0 is
                // sum over copies s with top bit 0 of eq(rc, s) * (omega . (V_out(s) - const))
                if c > 0 {
                    let omega = claim.omega(out_log);
                    let cst = w.constant_part(&omega);
                    let eq = crate::mle::eq_table(&rc);
                    let p0: Fr = (0..1usize << (c - 1))
                        .map(|s| {
                            let row = &out[s * out_w..(s + 1) * out_w];
                            let dot: Fr = row.iter().zip(&omega).map(|(v, o)| *v * o).sum();
                            eq[s] * (dot - cst)
                        })
                        .sum();
                    assert_eq!(proof.copy.evals[0], p0);
                }
                for (x, v) in &outcome.claims {
                    let mut q = x.clone();
                    q.extend_from_slice(&outcome.copy_point);
                    assert_eq!(*v, evaluate(&input, &q));
                }
                let mut tv = Transcript::new(b"l");
                let got = verify_layer(&w, &claim, &proof, &mut tv).unwrap();
                assert_eq!(got.copy_point, outcome.copy_point);
                let mut bad = claim.clone();
                bad.value += Fr::from(1u64);
                let mut tv = Transcript::new(b"l");
                assert_eq!(
                    verify_layer(&w, &bad, &proof, &mut tv).unwrap_err(),
                    LayerFailure::Final
                );
                // a table of the wrong size is a shape error, not a panic
                let mut short = input[..input.len() - 1].to_vec();
                assert!(matches!(
                    prove_layer(&w, &mut short, &claim, &mut Transcript::new(b"l")),
                    Err(ProveError::Shape { .. })
                ));
            }
        }
    }
}
