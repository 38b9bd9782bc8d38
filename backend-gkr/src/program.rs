//! Whole-program proofs: a set of data-parallel circuits (templates), each run on its own
//! number of copies, whose copies are glued into one execution by multiset equalities of
//! records, proven with grand products.
//!
//! The module knows nothing of programs: a [`System`] names, per template, where in the
//! output layer its records lie ([`RecordBlock`]), which output gates must be zero, and, per
//! multiset, the public records and the memory [`Segment`]s whose initial contents are
//! public and whose final contents are committed by the prover.
//!
//! # Records and fingerprints
//!
//! A multiset `s` has `2^b_s` field slots. A record `(f_1, .., f_n)` (`n < 2^b_s`) has the
//! fingerprint `fp = beta_s - sum_j eq(rho_s, j) f'_j` with `f'_0 = 1`, `f'_j = f_j`:
//! a random linear combination whose weights are the multilinear basis at a random point,
//! so that the combination over all slots of an output block is one evaluation of the
//! output layer's MLE. Trailing zero fields do not change a fingerprint.
//!
//! A template's record block at `offset` holds, for slot `r` and field `j`, the output gate
//! `offset + j + (r << b_s)` with value `u_j = a f'_j`, where `a` (`u_0`) is the record's
//! active flag (0 or 1, constrained by the template). Its product-tree leaf is
//! `1 + a (fp - 1) = 1 + (beta - 1) u_0 - sum_j eq(rho, j) u_j`, so an inactive record
//! (a padding copy, a predicated-off access, a padding slot whose gates are all zero) is
//! the neutral factor 1, and the leaf MLE at a point `(z_r, z_c)` is
//! `1 + (beta - 1) A - V_rho`, with `A` and `V_rho` the output MLE at
//! `(0.., z_r, offset bits, z_c)` and `(rho, z_r, offset bits, z_c)`: two output claims of
//! the template, merged with its other claims by GKR.
//!
//! A memory segment of `2^k` cells at `base` contributes the initial records
//! `(base + i, init_i, 0)` on the produced side and the final records `(base + i, v_i, t_i)`
//! on the consumed side, each as a product tree. The initial tree's leaves are public: the
//! verifier checks its leaf claim against the MLE of `i -> base + i` and of the initial
//! values (`O(k)` for a zero segment). The final values `v` (unless public) and timestamps
//! `t` are committed, and the final tree's leaf claim is checked against their openings.
//! Every address appears once in each.
//!
//! # Transcript order
//!
//! 1. the [`Statement`]: the caller's public data, then every circuit with its copy count,
//!    the system's layout, segments, public records and parameters;
//! 2. every commitment: each template's inputs, then each segment's columns;
//! 3. the glue challenges `beta_s`, `rho_s` per multiset;
//! 4. the product trees, one batch per leaf count (ascending);
//! 5. per template, the zero-block point, then GKR on its output claims and the opening
//!    of its inputs; then the segments' openings at their trees' leaf points.
//!
//! Challenges are drawn in the field `F` of the witness; [`Challenge`] names their type
//! apart so that extension-field challenges over a small base field can follow.

use crate::circuit::LayeredCircuit;
use crate::claim::Claim;
use crate::codec::{Reader, Writer};
use crate::committed::{verify_committed, CommittedInputs, CommittedProof};
use crate::error::{ProveError, VerifyError};
use crate::mle::{eq_table, evaluate};
use crate::pcs::{self, Commitment, Opening, PcsParams, PcsProverData};
use crate::product::{prove_products, verify_products, ProductProof};
use crate::proof::{
    dec_commitment, dec_opening, enc_commitment, enc_opening, ProofCodec, ProofKind,
};
use crate::statement::Statement;
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fmt;

/// The type of glue challenges. Today the witness field itself; named apart so that the
/// glue can move to an extension field without changing its shape.
pub type Challenge<F> = F;

/// Which side of a multiset equality a record is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Side {
    /// Produced (or initial) records.
    Produced,
    /// Consumed (or final) records.
    Consumed,
}

/// Records of one template in its output layer: `2^slot_bits` records of multiset `set`,
/// field `j` of slot `r` at output gate `offset + j + (r << set_bits[set])`. The block must
/// be aligned: `offset` is a multiple of its size `2^(set_bits + slot_bits)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RecordBlock {
    /// The multiset.
    pub set: usize,
    /// Its side.
    pub side: Side,
    /// First output gate.
    pub offset: usize,
    /// `log2` of the number of record slots per copy.
    pub slot_bits: usize,
}

/// One template of a system.
#[derive(Clone, Debug)]
pub struct TemplateSpec<F: PrimeField> {
    /// For messages.
    pub name: String,
    /// The layered circuit.
    pub circuit: LayeredCircuit<F>,
    /// `log2` of its number of copies.
    pub log_copies: usize,
    /// Output gates `[offset, offset + 2^bits)` that must be zero in every copy (the
    /// template's constraints), aligned like a record block.
    pub zero_block: Option<(usize, usize)>,
    /// Its record blocks.
    pub blocks: Vec<RecordBlock>,
}

/// A memory segment: `2^log_size` cells at addresses `base + i`, records
/// `(address, value, timestamp)` of multiset `set` (which needs at least two field bits).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment<F> {
    /// The multiset.
    pub set: usize,
    /// Address of cell 0.
    pub base: u64,
    /// `log2` of the number of cells.
    pub log_size: usize,
    /// Initial values (public), one per cell; `None`: all zero (the stack), which costs the
    /// verifier nothing per cell.
    pub init: Option<Vec<F>>,
    /// Final values when they are public (output buffers); otherwise committed.
    pub public_final: Option<Vec<F>>,
}

/// A public record (the initial or final state), built by the verifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicRecord<F> {
    /// The multiset.
    pub set: usize,
    /// Its side.
    pub side: Side,
    /// Its fields (without the constant field `f'_0`).
    pub fields: Vec<F>,
}

/// What is proven: templates with their copy counts and record layouts, memory segments
/// and public records. Both sides build the same system.
#[derive(Clone, Debug)]
pub struct System<F: PrimeField> {
    /// Per multiset, `log2` of its number of field slots.
    pub set_bits: Vec<usize>,
    /// The templates, in proving order.
    pub templates: Vec<TemplateSpec<F>>,
    /// Memory segments (disjoint address ranges).
    pub segments: Vec<Segment<F>>,
    /// Public records.
    pub records: Vec<PublicRecord<F>>,
}

/// The prover's witness: each template's copy-major inputs and each segment's final cells.
#[derive(Clone, Debug)]
pub struct Witness<F> {
    /// Per template, `2^log_copies * input_width` inputs.
    pub inputs: Vec<Vec<F>>,
    /// Per segment, the final values and timestamps (`2^log_size` each).
    pub finals: Vec<(Vec<F>, Vec<F>)>,
}

/// A whole-program proof (see the module docs for what it establishes).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct ProgramProof<F: PrimeField> {
    /// Per template: commitment, GKR proof, opening.
    pub templates: Vec<CommittedProof<F>>,
    /// Per segment, its committed columns: final values (unless public), then timestamps.
    pub segment_commitments: Vec<Vec<Commitment>>,
    /// One batch of product trees per leaf count, ascending.
    pub products: Vec<ProductProof<F>>,
    /// Per template record block (templates in order, blocks in order): `A`, the output
    /// MLE at the block's active-flag point.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub actives: Vec<F>,
    /// Per segment (in order), its committed columns evaluated at its tree's leaf point.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub segment_evals: Vec<F>,
    /// Per segment: the openings of those evaluations.
    pub segment_openings: Vec<Vec<Opening<F>>>,
}

/// Where the prover's time went, in milliseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Timings {
    /// Evaluating every template's circuit and committing the inputs and final memory.
    pub commit_ms: f64,
    /// Fingerprints and product trees.
    pub glue_ms: f64,
    /// GKR of every template, with the opening of its inputs.
    pub gkr_ms: f64,
    /// Openings of the final memory tables.
    pub open_ms: f64,
}

fn elapsed_ms(t: std::time::Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// Which tree: a template block or a segment's final cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tree {
    Block { template: usize, block: usize },
    Init { segment: usize },
    Final { segment: usize },
}

fn bits_of<F: PrimeField>(x: usize, n: usize) -> Vec<F> {
    (0..n).map(|j| F::from(((x >> j) & 1) as u64)).collect()
}

/// The gate-coordinate point `(low, bits of offset >> low.len())` over `out_log` gate
/// variables, followed by `copy`.
fn block_point<F: PrimeField>(low: &[F], offset: usize, out_log: usize, copy: &[F]) -> Vec<F> {
    let mut p = low.to_vec();
    p.extend(bits_of::<F>(offset >> low.len(), out_log - low.len()));
    p.extend_from_slice(copy);
    p
}

/// `beta - sum_j eq(rho, j) f'_j` with `f'_0 = 1` (`eqr` is the table of `eq(rho, .)`).
fn fingerprint<F: PrimeField>(beta: &F, eqr: &[F], fields: &[F]) -> F {
    let mut acc = *beta - eqr[0];
    for (f, w) in fields.iter().zip(&eqr[1..]) {
        acc -= *f * w;
    }
    acc
}

struct Glue<F> {
    beta: Vec<Challenge<F>>,
    rho: Vec<Vec<Challenge<F>>>,
    eqr: Vec<Vec<F>>,
}

impl<F: PrimeField> Glue<F> {
    fn draw(set_bits: &[usize], t: &mut Transcript) -> Self {
        let mut beta = Vec::new();
        let mut rho = Vec::new();
        for &b in set_bits {
            beta.push(t.challenge(b"program/beta"));
            rho.push(t.challenges(b"program/rho", b));
        }
        let eqr = rho.iter().map(|r| eq_table(r)).collect();
        Glue { beta, rho, eqr }
    }
}

impl<F: PrimeField> System<F> {
    fn trees(&self) -> Vec<(Tree, usize)> {
        let mut v = Vec::new();
        for (t, ts) in self.templates.iter().enumerate() {
            for (b, bl) in ts.blocks.iter().enumerate() {
                v.push((
                    Tree::Block {
                        template: t,
                        block: b,
                    },
                    bl.slot_bits + ts.log_copies,
                ));
            }
        }
        for (s, seg) in self.segments.iter().enumerate() {
            v.push((Tree::Init { segment: s }, seg.log_size));
            v.push((Tree::Final { segment: s }, seg.log_size));
        }
        v
    }

    /// Trees grouped by leaf count (ascending), each group in tree order.
    fn batches(&self) -> BTreeMap<usize, Vec<usize>> {
        let mut m: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for (i, (_, n)) in self.trees().iter().enumerate() {
            m.entry(*n).or_default().push(i);
        }
        m
    }

    fn columns(seg: &Segment<F>) -> usize {
        if seg.public_final.is_some() {
            1
        } else {
            2
        }
    }

    /// Checks the layout: blocks inside and aligned in the output layer, segments sized and
    /// disjoint, records short enough for their multiset.
    pub fn check(&self) -> Result<(), String> {
        for (s, &b) in self.set_bits.iter().enumerate() {
            if b > 16 {
                return Err(format!("multiset {s} has {b} field bits"));
            }
        }
        let set_ok = |s: usize, what: &str| {
            if s < self.set_bits.len() {
                Ok(())
            } else {
                Err(format!("{what} names multiset {s}, which does not exist"))
            }
        };
        for t in &self.templates {
            t.circuit
                .validate()
                .map_err(|e| format!("template {}: {e}", t.name))?;
            if t.log_copies > 40 {
                return Err(format!("template {}: 2^{} copies", t.name, t.log_copies));
            }
            let width = t.circuit.output_width();
            let aligned = |offset: usize, bits: usize| {
                bits < usize::BITS as usize
                    && offset % (1usize << bits) == 0
                    && offset.checked_add(1 << bits).is_some_and(|e| e <= width)
            };
            if let Some((o, q)) = t.zero_block {
                if !aligned(o, q) {
                    return Err(format!(
                        "template {}: zero block at {o} of 2^{q} gates",
                        t.name
                    ));
                }
            }
            for b in &t.blocks {
                set_ok(b.set, "a record block")?;
                if !aligned(b.offset, b.slot_bits + self.set_bits[b.set]) {
                    return Err(format!(
                        "template {}: record block at {} is not aligned",
                        t.name, b.offset
                    ));
                }
            }
        }
        let mut ranges = Vec::new();
        for seg in &self.segments {
            set_ok(seg.set, "a segment")?;
            if self.set_bits[seg.set] < 2 || seg.log_size > 40 {
                return Err(
                    "a segment needs a multiset of at least 4 fields and at most 2^40 cells".into(),
                );
            }
            let n = 1usize << seg.log_size;
            if seg.init.as_ref().is_some_and(|v| v.len() != n)
                || seg.public_final.as_ref().is_some_and(|v| v.len() != n)
            {
                return Err(format!(
                    "segment at {:#x}: tables must have {n} cells",
                    seg.base
                ));
            }
            let end = seg
                .base
                .checked_add(n as u64)
                .ok_or("segment past the address space")?;
            ranges.push((seg.base, end));
        }
        ranges.sort();
        if ranges.windows(2).any(|w| w[1].0 < w[0].1) {
            return Err("memory segments overlap".into());
        }
        for r in &self.records {
            set_ok(r.set, "a public record")?;
            if r.fields.len() >= 1 << self.set_bits[r.set] {
                return Err(format!("a public record has {} fields", r.fields.len()));
            }
        }
        Ok(())
    }

    /// The statement: `base` (the caller's public data), then every circuit with its copy
    /// count, the layout, the segments, the public records, and `params`.
    pub fn statement(&self, base: &Statement, params: &PcsParams) -> Statement {
        let mut s = base.clone();
        let u = |x: usize| F::from(x as u64);
        let mut layout: Vec<F> = self.set_bits.iter().map(|&b| u(b)).collect();
        for t in &self.templates {
            s.circuit(&t.circuit, t.log_copies);
            layout.push(u(t.blocks.len()));
            let (o, q) = t.zero_block.map_or((usize::MAX, 0), |z| z);
            layout.extend([F::from(o as u64), u(q)]);
            for b in &t.blocks {
                layout.extend([u(b.set), u(b.side as usize), u(b.offset), u(b.slot_bits)]);
            }
        }
        s.public_fields(b"program/layout", &layout);
        for seg in &self.segments {
            let head = [
                u(seg.set),
                F::from(seg.base),
                u(seg.log_size),
                u(seg.init.is_some() as usize),
                u(seg.public_final.is_some() as usize),
            ];
            s.public_fields(b"program/segment", &head);
            if let Some(v) = &seg.init {
                s.public_fields(b"program/segment-init", v);
            }
            if let Some(v) = &seg.public_final {
                s.public_fields(b"program/segment-final", v);
            }
        }
        for r in &self.records {
            let mut v = vec![u(r.set), u(r.side as usize)];
            v.extend_from_slice(&r.fields);
            s.public_fields(b"program/record", &v);
        }
        s.pcs(params);
        s
    }

    /// Product of the public records' fingerprints, per multiset and side:
    /// `(produced, consumed)`.
    fn public_products(&self, g: &Glue<F>) -> Vec<(F, F)> {
        let mut out = vec![(F::one(), F::one()); self.set_bits.len()];
        for r in &self.records {
            let fp = fingerprint(&g.beta[r.set], &g.eqr[r.set], &r.fields);
            match r.side {
                Side::Produced => out[r.set].0 *= fp,
                Side::Consumed => out[r.set].1 *= fp,
            }
        }
        out
    }
}

/// Prove `system` on `witness` with commitment parameters `params`; `base` holds the
/// caller's public data (program hash, arguments, claimed results).
pub fn prove_program<F: PrimeField>(
    system: &System<F>,
    witness: Witness<F>,
    base: &Statement,
    params: &PcsParams,
    transcript: &mut Transcript,
    timings: &mut Timings,
) -> Result<ProgramProof<F>, ProveError> {
    system.check().map_err(ProveError::Program)?;
    let t0 = std::time::Instant::now();
    if witness.inputs.len() != system.templates.len()
        || witness.finals.len() != system.segments.len()
    {
        return Err(ProveError::Program(
            "the witness does not match the system's shape".into(),
        ));
    }
    // 1-2. commit
    let committed: Vec<CommittedInputs<'_, F>> = system
        .templates
        .iter()
        .zip(witness.inputs)
        .map(|(t, inputs)| {
            let c = CommittedInputs::commit(&t.circuit, inputs, params)?;
            if c.log_copies() != t.log_copies {
                return Err(ProveError::Program(format!(
                    "template {}: wrong number of copies",
                    t.name
                )));
            }
            Ok(c)
        })
        .collect::<Result<_, ProveError>>()?;
    let mut seg_data: Vec<Vec<(PcsProverData<F>, Vec<F>)>> = Vec::new();
    for (seg, (values, ts)) in system.segments.iter().zip(&witness.finals) {
        let n = 1usize << seg.log_size;
        if values.len() != n || ts.len() != n {
            return Err(ProveError::Program(format!(
                "segment at {:#x}: final tables of the wrong size",
                seg.base
            )));
        }
        let mut cols = Vec::new();
        if seg.public_final.is_none() {
            cols.push(values.clone());
        }
        cols.push(ts.clone());
        let mut d = Vec::new();
        for c in cols {
            let (_, data) = pcs::commit(params, c.clone())?;
            d.push((data, c));
        }
        seg_data.push(d);
    }
    let statement = system.statement(base, params);
    statement.absorb(transcript);
    let mut commitments: Vec<Commitment> =
        committed.iter().map(|c| c.commitment().clone()).collect();
    for d in &seg_data {
        commitments.extend(d.iter().map(|(p, _)| p.commitment().clone()));
    }
    for c in &commitments {
        c.absorb(transcript);
    }
    timings.commit_ms = elapsed_ms(t0);
    let t0 = std::time::Instant::now();
    // 3. challenges
    let g = Glue::<F>::draw(&system.set_bits, transcript);
    // 4. product trees
    let trees = system.trees();
    let mut leaf_points: Vec<Vec<F>> = vec![Vec::new(); trees.len()];
    let mut leaf_values: Vec<F> = vec![F::zero(); trees.len()];
    let mut products = Vec::new();
    for (&n, ids) in &system.batches() {
        let leaves: Vec<Vec<F>> = ids
            .par_iter()
            .map(|&i| match trees[i].0 {
                Tree::Block { template, block } => {
                    block_leaves(system, &committed[template], template, block, &g)
                }
                Tree::Init { segment } => {
                    let seg = &system.segments[segment];
                    let (beta, eqr) = (&g.beta[seg.set], &g.eqr[seg.set]);
                    (0..1usize << n)
                        .into_par_iter()
                        .map(|i| {
                            let v = seg.init.as_ref().map_or(F::zero(), |v| v[i]);
                            fingerprint(beta, eqr, &[F::from(seg.base + i as u64), v, F::zero()])
                        })
                        .collect()
                }
                Tree::Final { segment } => {
                    let seg = &system.segments[segment];
                    let (values, ts) = &witness.finals[segment];
                    let vals = seg.public_final.as_ref().unwrap_or(values);
                    let (beta, eqr) = (&g.beta[seg.set], &g.eqr[seg.set]);
                    (0..1usize << n)
                        .map(|i| {
                            fingerprint(beta, eqr, &[F::from(seg.base + i as u64), vals[i], ts[i]])
                        })
                        .collect()
                }
            })
            .collect();
        let (proof, claims) = prove_products(leaves, &statement, &commitments, transcript)?;
        for (k, &i) in ids.iter().enumerate() {
            leaf_points[i] = claims.point.clone();
            leaf_values[i] = claims.leaf_values[k];
        }
        products.push(proof);
    }
    timings.glue_ms = elapsed_ms(t0);
    let t0 = std::time::Instant::now();
    // 5. template claims
    let mut actives = Vec::new();
    let mut proofs = Vec::new();
    let mut tree_index = 0;
    for (t, c) in system.templates.iter().zip(committed) {
        let points = template_points(system, t, &leaf_points[tree_index..], &g, transcript);
        let out = c.layers().last().expect("a circuit has an output layer");
        for (k, _) in t.blocks.iter().enumerate() {
            // the A point of block k follows the zero point, if any
            let p = &points[t.zero_block.is_some() as usize + 2 * k];
            actives.push(evaluate(out, p));
        }
        tree_index += t.blocks.len();
        let (proof, _) = c.prove(&points, transcript)?;
        proofs.push(proof);
    }
    timings.gkr_ms = elapsed_ms(t0);
    let t0 = std::time::Instant::now();
    let mut segment_evals = Vec::new();
    let mut segment_openings = Vec::new();
    for d in &seg_data {
        let z = &leaf_points[tree_index + 1];
        tree_index += 2;
        let mut evals = Vec::new();
        let mut openings = Vec::new();
        for (data, col) in d {
            let v = evaluate(col, z);
            openings.push(pcs::open(data, &Claim::new(z.clone(), v), transcript)?);
            evals.push(v);
        }
        segment_evals.extend(evals);
        segment_openings.push(openings);
    }
    timings.open_ms = elapsed_ms(t0);
    let segment_commitments = seg_data
        .iter()
        .map(|d| d.iter().map(|(p, _)| p.commitment().clone()).collect())
        .collect();
    Ok(ProgramProof {
        templates: proofs,
        segment_commitments,
        products,
        actives,
        segment_evals,
        segment_openings,
    })
}

/// The leaves of one record block's tree: `1 + (beta - 1) u_0 - sum_j eq(rho, j) u_j` per
/// slot and copy, slot-minor.
fn block_leaves<F: PrimeField>(
    system: &System<F>,
    c: &CommittedInputs<'_, F>,
    template: usize,
    block: usize,
    g: &Glue<F>,
) -> Vec<F> {
    let t = &system.templates[template];
    let b = &t.blocks[block];
    let fb = system.set_bits[b.set];
    let out = c.layers().last().expect("a circuit has an output layer");
    let width = t.circuit.output_width();
    let (beta, eqr) = (&g.beta[b.set], &g.eqr[b.set]);
    let slots = 1usize << b.slot_bits;
    let mut leaves = vec![F::zero(); slots << t.log_copies];
    leaves
        .par_chunks_mut(slots)
        .enumerate()
        .for_each(|(copy, row)| {
            for (r, leaf) in row.iter_mut().enumerate() {
                let at = copy * width + b.offset + (r << fb);
                let u = &out[at..at + (1 << fb)];
                let mut acc = F::one() + (*beta - F::one()) * u[0];
                for (x, w) in u.iter().zip(eqr) {
                    acc -= *x * w;
                }
                *leaf = acc;
            }
        });
    leaves
}

/// The output-claim points of template `t`: the zero block's (drawn here), then per block
/// the `A` and `V_rho` points at its tree's leaf point (`leaf_points[k]` for block `k`).
fn template_points<F: PrimeField>(
    system: &System<F>,
    t: &TemplateSpec<F>,
    leaf_points: &[Vec<F>],
    g: &Glue<F>,
    transcript: &mut Transcript,
) -> Vec<Vec<F>> {
    let out_log = t.circuit.log_width(t.circuit.depth());
    let mut points = Vec::new();
    if let Some((o, q)) = t.zero_block {
        let low: Vec<F> = transcript.challenges(b"program/zero-point", q);
        let copy: Vec<F> = transcript.challenges(b"program/zero-copy-point", t.log_copies);
        points.push(block_point(&low, o, out_log, &copy));
    }
    for (b, z) in t.blocks.iter().zip(leaf_points) {
        let fb = system.set_bits[b.set];
        let (zr, zc) = z.split_at(b.slot_bits);
        let mut a = vec![F::zero(); fb];
        a.extend_from_slice(zr);
        let mut v = g.rho[b.set].clone();
        v.extend_from_slice(zr);
        points.push(block_point(&a, b.offset, out_log, zc));
        points.push(block_point(&v, b.offset, out_log, zc));
    }
    points
}

/// Verify a [`ProgramProof`] of `system` under the verifier's `params`, with the caller's
/// public data `base`. Never panics on proof data; every error names the failing check.
pub fn verify_program<F: PrimeField>(
    system: &System<F>,
    proof: &ProgramProof<F>,
    base: &Statement,
    params: &PcsParams,
    transcript: &mut Transcript,
) -> Result<(), VerifyError> {
    let shape = |what, expected, found| VerifyError::Shape {
        what,
        expected,
        found,
    };
    system.check().map_err(VerifyError::Glue)?;
    params.check().map_err(VerifyError::InsecureParams)?;
    let nt = system.templates.len();
    let ns = system.segments.len();
    if proof.templates.len() != nt {
        return Err(shape("template proofs", nt, proof.templates.len()));
    }
    for (name, len) in [
        ("segment commitments", proof.segment_commitments.len()),
        ("segment openings", proof.segment_openings.len()),
    ] {
        if len != ns {
            return Err(shape(name, ns, len));
        }
    }
    for (s, seg) in system.segments.iter().enumerate() {
        let cols = System::columns(seg);
        for (name, len) in [
            ("segment columns", proof.segment_commitments[s].len()),
            ("segment column openings", proof.segment_openings[s].len()),
        ] {
            if len != cols {
                return Err(shape(name, cols, len));
            }
        }
        for c in &proof.segment_commitments[s] {
            if c.num_vars() != seg.log_size {
                return Err(VerifyError::Commitment(format!(
                    "segment at {:#x}: a column commits {} variables, expected {}",
                    seg.base,
                    c.num_vars(),
                    seg.log_size
                )));
            }
        }
    }
    let columns: usize = system.segments.iter().map(System::columns).sum();
    if proof.segment_evals.len() != columns {
        return Err(shape(
            "segment column evaluations",
            columns,
            proof.segment_evals.len(),
        ));
    }
    let blocks: usize = system.templates.iter().map(|t| t.blocks.len()).sum();
    if proof.actives.len() != blocks {
        return Err(shape(
            "record block activity claims",
            blocks,
            proof.actives.len(),
        ));
    }
    let batches = system.batches();
    if proof.products.len() != batches.len() {
        return Err(shape(
            "product batches",
            batches.len(),
            proof.products.len(),
        ));
    }
    let statement = system.statement(base, params);
    statement.absorb(transcript);
    let mut commitments: Vec<Commitment> = proof
        .templates
        .iter()
        .map(|p| p.commitment.clone())
        .collect();
    for cs in &proof.segment_commitments {
        commitments.extend(cs.iter().cloned());
    }
    for c in &commitments {
        c.absorb(transcript);
    }
    let g = Glue::<F>::draw(&system.set_bits, transcript);
    let trees = system.trees();
    let mut leaf_points: Vec<Vec<F>> = vec![Vec::new(); trees.len()];
    let mut leaf_values: Vec<F> = vec![F::zero(); trees.len()];
    let mut sides = system.public_products(&g);
    for ((&n, ids), p) in batches.iter().zip(&proof.products) {
        let claims = verify_products(&statement, &commitments, ids.len(), n, p, transcript)?;
        for (k, &i) in ids.iter().enumerate() {
            leaf_points[i] = claims.point.clone();
            leaf_values[i] = claims.leaf_values[k];
            let (set, side) = match trees[i].0 {
                Tree::Block { template, block } => {
                    let b = &system.templates[template].blocks[block];
                    (b.set, b.side)
                }
                Tree::Init { segment } => (system.segments[segment].set, Side::Produced),
                Tree::Final { segment } => (system.segments[segment].set, Side::Consumed),
            };
            match side {
                Side::Produced => sides[set].0 *= claims.products[k],
                Side::Consumed => sides[set].1 *= claims.products[k],
            }
        }
    }
    for (s, (p, c)) in sides.iter().enumerate() {
        if p != c {
            return Err(VerifyError::Glue(format!(
                "multiset {s}: the produced and consumed records differ (grand products do not match)"
            )));
        }
    }
    let mut tree_index = 0;
    let mut active_index = 0;
    for (t, tp) in system.templates.iter().zip(&proof.templates) {
        let points = template_points(system, t, &leaf_points[tree_index..], &g, transcript);
        let mut claims = Vec::with_capacity(points.len());
        let mut it = points.into_iter();
        if t.zero_block.is_some() {
            claims.push(Claim::new(it.next().expect("zero point"), F::zero()));
        }
        for b in &t.blocks {
            let a = proof.actives[active_index];
            let leaf = leaf_values[tree_index];
            active_index += 1;
            tree_index += 1;
            let v_rho = F::one() + (g.beta[b.set] - F::one()) * a - leaf;
            claims.push(Claim::new(it.next().expect("A point"), a));
            claims.push(Claim::new(it.next().expect("V point"), v_rho));
        }
        verify_committed(&t.circuit, t.log_copies, params, tp, &claims, transcript).map_err(
            |e| VerifyError::InTemplate {
                template: t.name.clone(),
                error: Box::new(e),
            },
        )?;
    }
    let mut eval_index = 0;
    for (s, seg) in system.segments.iter().enumerate() {
        let (zi, init_leaf) = (&leaf_points[tree_index], leaf_values[tree_index]);
        let z = &leaf_points[tree_index + 1];
        let leaf = leaf_values[tree_index + 1];
        tree_index += 2;
        let evals = &proof.segment_evals[eval_index..eval_index + System::columns(seg)];
        eval_index += evals.len();
        let (value, ts) = match &seg.public_final {
            Some(v) => (evaluate(v, z), evals[0]),
            None => (evals[0], evals[1]),
        };
        let (beta, eqr) = (&g.beta[seg.set], &g.eqr[seg.set]);
        let init = seg.init.as_ref().map_or(F::zero(), |v| evaluate(v, zi));
        if fingerprint(beta, eqr, &[address_mle(seg.base, zi), init, F::zero()]) != init_leaf {
            return Err(VerifyError::Glue(format!(
                "segment at {:#x}: the initial cells do not match their product tree",
                seg.base
            )));
        }
        let addr = address_mle(seg.base, z);
        if fingerprint(&g.beta[seg.set], &g.eqr[seg.set], &[addr, value, ts]) != leaf {
            return Err(VerifyError::Glue(format!(
                "segment at {:#x}: the final cells do not match their product tree",
                seg.base
            )));
        }
        for ((c, v), o) in proof.segment_commitments[s]
            .iter()
            .zip(evals)
            .zip(&proof.segment_openings[s])
        {
            pcs::verify(params, c, &Claim::new(z.clone(), *v), o, transcript)?;
        }
    }
    Ok(())
}

/// A length-prefixed list (each item at least `min_bytes` long), decoded item by item; the
/// length is bounded by the bytes left, and nothing is allocated ahead of the items.
fn dec_list<'r, T>(
    r: &mut Reader<'r>,
    min_bytes: usize,
    what: &str,
    item: impl Fn(&mut Reader<'r>) -> Result<T, VerifyError>,
) -> Result<Vec<T>, VerifyError> {
    let n = r.count(min_bytes, what)?;
    let mut out = Vec::new();
    for _ in 0..n {
        out.push(item(r)?);
    }
    Ok(out)
}

/// The MLE of `i -> base + i` at `z`.
fn address_mle<F: PrimeField>(base: u64, z: &[F]) -> F {
    let mut addr = F::from(base);
    let mut pow = F::one();
    for zj in z {
        addr += pow * zj;
        pow.double_in_place();
    }
    addr
}

impl<F: PrimeField> ProofCodec for ProgramProof<F> {
    const KIND: ProofKind = ProofKind::Program;

    fn encode(&self, w: &mut Writer) {
        w.len(self.templates.len());
        for t in &self.templates {
            t.encode(w);
        }
        w.len(self.segment_commitments.len());
        for cs in &self.segment_commitments {
            w.len(cs.len());
            for c in cs {
                enc_commitment(w, c);
            }
        }
        w.len(self.products.len());
        for p in &self.products {
            p.encode(w);
        }
        w.fields(&self.actives);
        w.fields(&self.segment_evals);
        w.len(self.segment_openings.len());
        for os in &self.segment_openings {
            w.len(os.len());
            for o in os {
                enc_opening(w, o);
            }
        }
    }

    fn decode(r: &mut Reader<'_>) -> Result<Self, VerifyError> {
        let templates = dec_list(r, 8, "template proofs", CommittedProof::decode)?;
        let segment_commitments = dec_list(r, 8, "segments", |r| {
            dec_list(r, 37, "segment columns", dec_commitment)
        })?;
        let products = dec_list(r, 8, "product batches", ProductProof::decode)?;
        let actives = r.fields("activity claims")?;
        let segment_evals = r.fields("segment evaluations")?;
        let segment_openings = dec_list(r, 8, "segment openings", |r| {
            dec_list(r, 1, "segment column openings", dec_opening)
        })?;
        Ok(ProgramProof {
            templates,
            segment_commitments,
            products,
            actives,
            segment_evals,
            segment_openings,
        })
    }
}

impl<F: PrimeField> fmt::Display for ProgramProof<F> {
    /// A summary: per template its GKR layers, per batch its trees, and the size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "program proof: {} template(s), {} segment(s), {} product batch(es), {} bytes",
            self.templates.len(),
            self.segment_commitments.len(),
            self.products.len(),
            self.to_bytes().len()
        )?;
        for (i, t) in self.templates.iter().enumerate() {
            writeln!(
                f,
                "  template {i}: {} GKR layer(s), inputs over {} variables",
                t.gkr.layers.len(),
                t.commitment.num_vars()
            )?;
        }
        for (i, p) in self.products.iter().enumerate() {
            writeln!(
                f,
                "  batch {i}: {} tree(s) of 2^{} leaves",
                p.products.len(),
                p.layers.len()
            )?;
        }
        Ok(())
    }
}
