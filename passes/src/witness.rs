//! Witness generation: runs the program once, records every region execution with its
//! inputs and memory accesses (timestamps and previous timestamps per byte cell), and fills
//! each template's per-copy inputs and advice. Linear in the trace: copies are evaluated in
//! parallel (rayon), each by one walk over its template's ops.

use crate::canon::Classes;
use crate::error::PassError;
use crate::layer::{layer, LayerError, Layered};
use crate::lower::{self, RangeCheck, RegionTemplate};
use crate::pass::{Grouping, Module};
use crate::template::{to_u128, HintSource, InputKind, Node, Op, Residual, Template, TS_STEP_SHIFT};
use ark_ff::PrimeField;
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use tessera_gkr::circuit::eval_layer;
use tessera_gkr::{Fr, LayeredCircuit};
use tessera_ir::exec::{self, Arg, ExecOptions, FrameView, MemEvent, Observer, Outcome};
use tessera_ir::{Block, Function, InstKind, ValueDef};

/// One memory access of the run with its timestamps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemRecord {
    pub ev: MemEvent,
    pub ts: u64,
    /// Per byte: the timestamp of the previous access to that cell (0: none). Register and
    /// ROM accesses use entry 0 for all their cells.
    pub ts_prev: [u64; 8],
    pub kind: CellKind,
}

/// What a memory record's cells are.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CellKind {
    /// `ev.len` bytes of program memory.
    #[default]
    Bytes,
    /// One register of the opcode machine, holding the whole value.
    Register,
    /// `ev.len` cells of one ROM entry of the opcode machine (read together).
    Rom,
}

/// One copy of a template: its step, member, live-in values and memory accesses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CopyTrace {
    pub step: u64,
    pub member: u32,
    /// Live-ins in template order, as field integers (two's complement immediates are
    /// already unsigned).
    pub inputs: Vec<u128>,
    /// Range into [`Trace::memory`].
    pub mem: (u32, u32),
    /// Instructions the run executed before this copy began.
    pub first_inst: u64,
}

/// The copies of every template of one run, and the run's memory accesses.
#[derive(Clone, Debug)]
pub struct Trace {
    pub templates: Vec<Template>,
    pub copies: Vec<Vec<CopyTrace>>,
    pub memory: Vec<MemRecord>,
    pub outcome: Outcome,
    /// Recorded region inputs that were poison (read as 0); see [`crate::lower`].
    pub poison_inputs: u64,
}

/// What failed while computing a witness (an internal inconsistency between the trace and
/// the template, or a hint whose arguments are out of range).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    #[error("witness for template {template}, copy {copy}: {what}")]
    Bad { template: String, copy: usize, what: String },
}

struct Recorder<'a> {
    classes: &'a Classes,
    f: &'a Function,
    has_sp: bool,
    copies: Vec<Vec<CopyTrace>>,
    memory: Vec<MemRecord>,
    last: HashMap<u64, u64>,
    step: u64,
    /// Instructions executed before the current block (opcode steps).
    inst_base: u64,
    /// Event index inside the current block execution.
    in_block: u64,
    cur: Option<(usize, usize)>,
    cur_block: Option<Block>,
    poison_inputs: u64,
    opcode: bool,
    /// Per block: for each event index, (instruction position, index within it).
    event_map: HashMap<Block, Vec<(u32, u32)>>,
}

impl Recorder<'_> {
    fn close(&mut self) {
        if let Some((c, k)) = self.cur.take() {
            let end = self.memory.len() as u32;
            self.copies[c][k].mem.1 = end;
        }
    }
}

impl Observer for Recorder<'_> {
    fn enter_block(&mut self, frame: &FrameView<'_>, block: Block, _from: Option<Block>) {
        if frame.depth != 0 {
            return;
        }
        self.close();
        if let Some(b) = self.cur_block {
            self.inst_base += self.f.blocks[b].insts.len() as u64;
        }
        self.cur_block = Some(block);
        self.in_block = 0;
        if let Some(&(c, m)) = self.classes.of_block.get(&block) {
            let class = &self.classes.classes[c];
            let member = &class.members[m];
            let mut inputs = Vec::with_capacity(class.input_width() + 1);
            if self.has_sp {
                inputs.push(frame.stack_top as u128);
            }
            for &v in member.inputs.iter().chain(&member.carried) {
                let x = frame.value(v);
                if x.is_none() && matches!(self.f.values[v].def, ValueDef::Param(_) | ValueDef::Inst(_)) {
                    self.poison_inputs += 1;
                }
                inputs.push(x.unwrap_or(0) as u128);
            }
            inputs.resize(class.input_width() + self.has_sp as usize, 0);
            let start = self.memory.len() as u32;
            self.copies[c].push(CopyTrace {
                step: self.step,
                member: m as u32,
                inputs,
                mem: (start, start),
                first_inst: self.inst_base,
            });
            self.cur = Some((c, self.copies[c].len() - 1));
        }
        self.step += 1;
    }

    fn mem(&mut self, ev: &MemEvent) {
        let ts = if self.opcode {
            let b = self.cur_block.expect("an access happens inside a block");
            let (pos, j) =
                self.event_map.get(&b).and_then(|m| m.get(self.in_block as usize)).copied().unwrap_or((0, 0));
            ((self.inst_base + pos as u64) << TS_STEP_SHIFT) + 1 + j as u64
        } else {
            ((self.step - 1) << TS_STEP_SHIFT) + 1 + self.in_block
        };
        self.in_block += 1;
        let mut ts_prev = [0u64; 8];
        for (k, slot) in ts_prev.iter_mut().enumerate().take(ev.len as usize) {
            let a = ev.addr.wrapping_add(k as u64);
            *slot = self.last.insert(a, ts).unwrap_or(0);
        }
        self.memory.push(MemRecord { ev: *ev, ts, ts_prev, kind: CellKind::Bytes });
    }
}

/// Static map from a block's memory events to its instructions (block pipeline: every load
/// and store makes one event, a fixed-size memcpy `2n`, a memset `n`).
fn event_map(f: &Function) -> HashMap<Block, Vec<(u32, u32)>> {
    let mut out = HashMap::new();
    for &b in &f.layout {
        let mut v = Vec::new();
        for (pos, &i) in f.blocks[b].insts.iter().enumerate() {
            let n = match &f.insts[i].kind {
                InstKind::Load { .. }
                | InstKind::Store { .. }
                | InstKind::PredLoad { .. }
                | InstKind::PredStore { .. } => 1,
                InstKind::MemCopy { len, .. } => match f.values[*len].def {
                    ValueDef::Const(c) => 2 * c,
                    _ => 0,
                },
                InstKind::MemSet { len, .. } => match f.values[*len].def {
                    ValueDef::Const(c) => c,
                    _ => 0,
                },
                _ => 0,
            };
            for j in 0..n {
                v.push((pos as u32, j as u32));
            }
        }
        out.insert(b, v);
    }
    out
}

/// Lowers the module's classes (or opcodes) and records the copies of one run.
/// `m` must have been through `grouping`'s pipeline.
pub fn trace(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    opts: &ExecOptions,
    range: &Arc<dyn RangeCheck>,
) -> Result<Trace, PassError> {
    let f = &m.program.funcs[m.entry];
    let classes = Classes::compute(&m.program, f);
    let regions = lower::lower_classes(&m.program, f, &classes, range)?;
    let has_sp =
        f.layout.iter().flat_map(|&b| &f.blocks[b].insts).any(|&i| matches!(f.insts[i].kind, InstKind::Alloca { .. }));
    let opcode = grouping == Grouping::Opcode;
    let mut rec = Recorder {
        classes: &classes,
        f,
        has_sp,
        copies: vec![Vec::new(); classes.classes.len()],
        memory: Vec::new(),
        last: HashMap::new(),
        step: 0,
        inst_base: 0,
        in_block: 0,
        cur: None,
        cur_block: None,
        poison_inputs: 0,
        opcode,
        event_map: if opcode { event_map(f) } else { HashMap::new() },
    };
    let outcome = exec::run_observed(&m.program, m.entry, args, opts, &mut rec)?;
    rec.close();
    let (copies, memory, poison_inputs) = (rec.copies, rec.memory, rec.poison_inputs);
    if !opcode {
        let templates = regions.into_iter().map(|r| r.template).collect();
        return Ok(Trace { templates, copies, memory, outcome, poison_inputs });
    }
    opcode_trace(m, args, &classes, &regions, copies, memory, outcome, poison_inputs, range)
}

/// Opcode grouping: every executed instruction is one copy of its opcode's template (a
/// phi: of its edge's pc); operand and result values come from evaluating the block's
/// template on the block's copy. Each copy's records are its ROM fetch, its register reads,
/// its memory accesses and its register write, with timestamps replayed in time order (a
/// phi reads in its predecessor's terminator step; see [`lower::opcode`]).
#[allow(clippy::too_many_arguments)]
fn opcode_trace(
    m: &Module,
    args: &[Arg],
    classes: &Classes,
    regions: &[RegionTemplate],
    block_copies: Vec<Vec<CopyTrace>>,
    memory: Vec<MemRecord>,
    outcome: Outcome,
    poison_inputs: u64,
    range: &Arc<dyn RangeCheck>,
) -> Result<Trace, PassError> {
    use crate::lower::opcode::{Machine, Src, PHI_READ_SLOT, REG_BASE, ROM_BASE, WRITE_SLOT};
    use tessera_gkr::Fr;
    let f = &m.program.funcs[m.entry];
    let machine = Machine::new(&m.program, f, classes);
    let templates: Vec<Template> = machine
        .key_pc
        .iter()
        .map(|&pc| lower::lower_opcode(&m.program, f, &machine, pc, range))
        .collect::<Result<_, _>>()?;
    let maps = event_map(f);
    let has_sp =
        f.layout.iter().flat_map(|&b| &f.blocks[b].insts).any(|&i| matches!(f.insts[i].kind, InstKind::Alloca { .. }));
    // block copies in run order, each with its predecessor
    let mut order: Vec<(u64, usize, usize)> = Vec::new();
    for (c, cs) in block_copies.iter().enumerate() {
        order.extend(cs.iter().enumerate().map(|(k, ct)| (ct.first_inst, c, k)));
    }
    order.sort_unstable();
    let block_of = |c: usize, k: usize| classes.classes[c].members[block_copies[c][k].member as usize].block;
    let preds: Vec<Option<Block>> =
        (0..order.len()).map(|n| n.checked_sub(1).map(|p| block_of(order[p].1, order[p].2))).collect();
    // One instruction copy: (template, copy, events); events carry ts, no ts_prev yet.
    type Pending = (usize, CopyTrace, Vec<MemRecord>);
    let ev = |write: bool, addr: u64, len: u8, value: u64, ts: u64, kind: CellKind| MemRecord {
        ev: MemEvent { write, addr, len, value, old: value },
        ts,
        ts_prev: [0; 8],
        kind,
    };
    let per: Vec<Vec<Pending>> = order
        .par_iter()
        .zip(&preds)
        .map_init(Walk::default, |wk, (&(_, c, k), pred)| -> Result<Vec<Pending>, String> {
            let ct = &block_copies[c][k];
            let rt = &regions[c];
            let consts = rt.template.constants::<Fr>();
            let mem = &memory[ct.mem.0 as usize..ct.mem.1 as usize];
            // Lenient: only the values are read; ts advice differs in opcode numbering.
            if walk_into(&rt.template, &consts, ct, mem, true, wk).is_err() {
                wk.values.clear();
            }
            let vals = &wk.values;
            let val = |n: Option<Node>| n.and_then(|n| vals.get(n.0 as usize)).and_then(to_u128).unwrap_or(0) as u64;
            let block = classes.classes[c].members[ct.member as usize].block;
            let insts = &f.blocks[block].insts;
            let emap = &maps[&block];
            let mut out = Vec::with_capacity(insts.len());
            let mut phi_index = 0usize;
            for (pos, &i) in insts.iter().enumerate() {
                let is_phi = matches!(f.insts[i].kind, InstKind::Phi { .. });
                let pc = if is_phi {
                    let pcs = pred.and_then(|p| machine.phi_pc.get(&(p, block)));
                    let pc = pcs.and_then(|v| v.get(phi_index)).copied();
                    phi_index += 1;
                    pc.ok_or_else(|| format!("a phi of block {block:?} entered from no known edge"))?
                } else {
                    machine.inst_pc[&i]
                };
                let x = machine.fetch(pc).ok_or("a pc without a ROM entry")?;
                let nodes = &rt.insts[pos];
                let step = ct.first_inst + pos as u64;
                let mut inputs: Vec<u128> = Vec::new();
                if has_sp {
                    // a phi's is the block's (no allocation comes before a phi)
                    let sp = rt.insts[pos..].iter().find_map(|n| n.sp);
                    inputs.push(val(sp) as u128);
                }
                inputs.push(pc as u128);
                let operand_vals: Vec<u64> = if is_phi {
                    vec![val(nodes.result)]
                } else {
                    nodes.operands.iter().map(|&n| val(Some(n))).collect()
                };
                inputs.extend(operand_vals.iter().map(|&v| v as u128));
                for o in &x.operands {
                    match *o {
                        Src::Reg(r) => inputs.extend([0, r as u128]),
                        Src::Const(v) => inputs.extend([1, v as u128]),
                    }
                }
                inputs.extend(x.result.map(|r| r as u128));
                inputs.extend(x.imms.iter().map(|&v| v as u128));
                inputs.extend(x.next_pc.map(|v| v as u128));
                let mut events = Vec::new();
                let base = step << TS_STEP_SHIFT;
                let rom = ROM_BASE + pc * machine.entry_cells as u64;
                events.push(ev(false, rom, x.cells().len() as u8, 0, base + 1, CellKind::Rom));
                for (k, (o, &v)) in x.operands.iter().zip(&operand_vals).enumerate() {
                    if let Src::Reg(r) = *o {
                        let ts = if is_phi {
                            let q = x.imms[0];
                            ((step - q - 1) << TS_STEP_SHIFT) + PHI_READ_SLOT + q
                        } else {
                            base + 2 + k as u64
                        };
                        events.push(ev(false, REG_BASE + r as u64, 1, v, ts, CellKind::Register));
                    }
                }
                let first = emap.iter().position(|&(p, _)| p == pos as u32);
                let count = emap.iter().filter(|&&(p, _)| p == pos as u32).count();
                if let Some(s0) = first {
                    let lo = (ct.mem.0 as usize + s0).min(ct.mem.1 as usize);
                    let hi = (ct.mem.0 as usize + s0 + count).min(ct.mem.1 as usize);
                    for (j, r) in memory[lo..hi].iter().enumerate() {
                        let mut r = *r;
                        r.ts = base + 2 + x.operands.len() as u64 + j as u64;
                        events.push(r);
                    }
                }
                if let Some(r) = x.result {
                    let v = if is_phi { operand_vals[0] } else { val(nodes.result) };
                    events.push(ev(true, REG_BASE + r as u64, 1, v, base + WRITE_SLOT, CellKind::Register));
                }
                let t = x.key;
                out.push((t, CopyTrace { step, member: 0, inputs, mem: (0, 0), first_inst: step }, events));
            }
            Ok(out)
        })
        .collect::<Result<_, String>>()
        .map_err(PassError::Witness)?;
    // replay in time order: previous timestamps, and a write's old register value
    let mut all: Vec<Pending> = per.into_iter().flatten().collect();
    let mut refs: Vec<(u64, usize, usize)> = Vec::new();
    for (n, (_, _, evs)) in all.iter().enumerate() {
        refs.extend(evs.iter().enumerate().map(|(j, e)| (e.ts, n, j)));
    }
    refs.sort_unstable();
    let mut regs: HashMap<u64, u64> = f
        .params
        .iter()
        .zip(crate::glue::param_values(m, args))
        .map(|(&p, v)| (REG_BASE + tessera_ir::entity::EntityRef::index(p) as u64, v))
        .collect();
    let mut last: HashMap<u64, u64> = HashMap::new();
    for (_, n, j) in refs {
        let e = &mut all[n].2[j];
        match e.kind {
            CellKind::Bytes => {
                for k in 0..e.ev.len as usize {
                    e.ts_prev[k] = last.insert(e.ev.addr + k as u64, e.ts).unwrap_or(0);
                }
            }
            CellKind::Register | CellKind::Rom => {
                e.ts_prev[0] = last.insert(e.ev.addr, e.ts).unwrap_or(0);
                if e.kind == CellKind::Register && e.ev.write {
                    e.ev.old = regs.insert(e.ev.addr, e.ev.value).unwrap_or(0);
                }
            }
        }
    }
    // copies in run order, each with its records in its template's access order
    all.sort_by_key(|x| x.1.step);
    let mut copies: Vec<Vec<CopyTrace>> = vec![Vec::new(); templates.len()];
    let mut records = Vec::new();
    for (t, mut ct, evs) in all {
        let lo = records.len() as u32;
        records.extend(evs);
        ct.mem = (lo, records.len() as u32);
        copies[t].push(ct);
    }
    Ok(Trace { templates, copies, memory: records, outcome, poison_inputs })
}

/// The node values and inputs of one copy (reused from copy to copy).
#[derive(Default)]
pub struct Walk<F> {
    pub values: Vec<F>,
    pub inputs: Vec<F>,
}

/// Evaluates `t` on one copy, computing its advice. With `lenient`, a hint whose arguments
/// are out of range gives 0 instead of an error (used to read values only).
pub fn walk<F: PrimeField>(t: &Template, ct: &CopyTrace, mem: &[MemRecord], lenient: bool) -> Result<Walk<F>, String> {
    let mut w = Walk { values: Vec::new(), inputs: Vec::new() };
    walk_into(t, &t.constants(), ct, mem, lenient, &mut w)?;
    Ok(w)
}

/// [`walk`] into reused buffers, with the template's constants ([`Template::constants`]).
pub fn walk_into<F: PrimeField>(
    t: &Template,
    consts: &[F],
    ct: &CopyTrace,
    mem: &[MemRecord],
    lenient: bool,
    w: &mut Walk<F>,
) -> Result<(), String> {
    let Walk { values, inputs } = w;
    inputs.clear();
    inputs.resize(t.num_inputs(), F::zero());
    inputs[0] = F::one();
    inputs[1] = F::from(ct.step);
    inputs[2] = F::from(ct.member as u64);
    for (k, &x) in ct.inputs.iter().enumerate() {
        if 3 + k < inputs.len() && matches!(t.inputs[3 + k], InputKind::LiveIn(_)) {
            inputs[3 + k] = F::from(x);
        }
    }
    values.clear();
    values.reserve(t.ops.len());
    let mut event_of: Vec<Option<usize>> = vec![None; t.memory.len()];
    let mut assigned = vec![false; t.memory.len()];
    let mut cursor = 0usize;
    let mut args: Vec<u128> = Vec::new();
    for (op, c) in t.ops.iter().zip(consts) {
        let Op::Input(k) = *op else {
            let x = op.apply(values, c, |_| F::zero());
            values.push(x);
            continue;
        };
        let x = match &t.inputs[k as usize] {
            InputKind::Advice(h) => {
                let hint = &t.hints[*h as usize];
                let v = match &hint.src {
                    HintSource::Compute { args: a, f } => {
                        args.clear();
                        let mut ok = true;
                        for n in a {
                            match to_u128(&values[n.0 as usize]) {
                                Some(x) => args.push(x),
                                None => {
                                    ok = false;
                                    args.push(0)
                                }
                            }
                        }
                        if !ok && !lenient {
                            return Err(format!("hint `{}` has an argument that is not a small integer", hint.what));
                        }
                        F::from(f(&args))
                    }
                    HintSource::Inverse(n) => values[n.0 as usize].inverse().unwrap_or(F::zero()),
                    HintSource::MemOld { access, .. }
                    | HintSource::MemTsPrev { access, .. }
                    | HintSource::MemWord { access } => {
                        let a = *access as usize;
                        if !assigned[a] {
                            assigned[a] = true;
                            let acc = &t.memory[a];
                            if values[acc.active.0 as usize].is_one() {
                                if cursor >= mem.len() {
                                    if !lenient {
                                        return Err(format!("memory access mem{a} has no event in the trace"));
                                    }
                                } else {
                                    let ev = &mem[cursor].ev;
                                    if !lenient && (ev.write != acc.write || ev.len as usize != acc.cells.len()) {
                                        return Err(format!(
                                            "memory access mem{a} does not match the trace's event {ev:?}"
                                        ));
                                    }
                                    event_of[a] = Some(cursor);
                                    cursor += 1;
                                }
                            }
                        }
                        match event_of[a] {
                            None => F::zero(),
                            Some(e) => {
                                let r = &mem[e];
                                match hint.src {
                                    HintSource::MemOld { byte, .. } => F::from((r.ev.old >> (8 * byte as u32)) & 0xff),
                                    HintSource::MemWord { .. } => F::from(r.ev.old),
                                    HintSource::MemTsPrev { byte, .. } => F::from(r.ts_prev[byte as usize]),
                                    HintSource::Compute { .. } | HintSource::Inverse(_) => F::zero(),
                                }
                            }
                        }
                    }
                };
                inputs[k as usize] = v;
                v
            }
            _ => inputs[k as usize],
        };
        values.push(x);
    }
    if !lenient && cursor != mem.len() {
        return Err(format!("the template made {cursor} memory accesses, the trace {}", mem.len()));
    }
    Ok(())
}

/// Walks copy `k` (strictly) with its memory records.
#[allow(clippy::too_many_arguments)]
fn walk_copy<F: PrimeField>(
    t: &Template,
    consts: &[F],
    k: usize,
    ct: &CopyTrace,
    memory: &[MemRecord],
    lenient: bool,
    wk: &mut Walk<F>,
) -> Result<(), WitnessError> {
    let mem = &memory[ct.mem.0 as usize..ct.mem.1 as usize];
    walk_into(t, consts, ct, mem, lenient, wk).map_err(|what| WitnessError::Bad {
        template: t.name.clone(),
        copy: k,
        what,
    })
}

/// The witness table of one template: copy-major inputs of every copy, padded with zero
/// copies (`enabled = 0`) to a power of two.
pub fn witness_table<F: PrimeField>(
    t: &Template,
    copies: &[CopyTrace],
    memory: &[MemRecord],
) -> Result<Vec<F>, WitnessError> {
    witness_table_with(t, copies, memory, false)
}

/// [`witness_table`]; with `lenient`, advice that cannot be computed (a dishonest trace's
/// negative gap, a missing memory event) is filled with a value anyway, as a malicious
/// prover would, instead of failing.
pub fn witness_table_with<F: PrimeField>(
    t: &Template,
    copies: &[CopyTrace],
    memory: &[MemRecord],
    lenient: bool,
) -> Result<Vec<F>, WitnessError> {
    let w = t.num_inputs();
    let n = padded_copies(copies.len());
    let mut table = vec![F::zero(); n * w];
    let consts = t.constants::<F>();
    table.par_chunks_mut(w).zip(copies.par_iter()).enumerate().try_for_each_init(
        Walk::default,
        |wk, (k, (row, ct))| -> Result<(), WitnessError> {
            walk_copy(t, &consts, k, ct, memory, lenient, wk)?;
            row.copy_from_slice(&wk.inputs);
            Ok(())
        },
    )?;
    Ok(table)
}

/// The result of checking one template on every copy.
#[derive(Clone, Debug)]
pub struct TemplateCheck {
    pub copies: usize,
    /// The first failing residual: copy index and the residual.
    pub failure: Option<(usize, Residual)>,
    /// A copy whose witness could not be computed.
    pub witness_error: Option<WitnessError>,
    /// A copy on which the layered circuit's outputs differ from the template's: copy index
    /// and output index.
    pub layered_mismatch: Option<(usize, usize)>,
}

impl TemplateCheck {
    /// True when every copy passed.
    pub fn ok(&self) -> bool {
        self.failure.is_none() && self.witness_error.is_none() && self.layered_mismatch.is_none()
    }
}

enum CopyFault {
    Residual(Residual),
    Layered(usize),
}

/// The first output where the layered circuit (validated by the caller) disagrees with the
/// template's node values `vals` on `row`.
fn layered_disagrees<F: PrimeField>(outs: &[Node], vals: &[F], lc: &LayeredCircuit<F>, row: &[F]) -> Option<usize> {
    let mut cur = row.to_vec();
    cur.resize(lc.input_width, F::zero());
    for (k, l) in lc.layers.iter().enumerate() {
        // The circuit was validated, so a shape error cannot happen; were it to, it counts as
        // a mismatch at the first output.
        match eval_layer(l, lc.width(k), &cur) {
            Ok(next) => cur = next,
            Err(_) => return Some(0),
        }
    }
    outs.iter().enumerate().find(|(j, n)| cur[*j] != vals[n.0 as usize]).map(|(j, _)| j)
}

/// Evaluates `t` on every copy's witness (and one padding copy) and finds the first non-zero
/// residual; with `layered`, also evaluates the layered circuit on every copy and compares
/// every output.
pub fn check_template<F: PrimeField>(
    t: &Template,
    layered: Option<&LayeredCircuit<F>>,
    copies: &[CopyTrace],
    memory: &[MemRecord],
) -> TemplateCheck {
    let consts = t.constants::<F>();
    let outs = t.outputs();
    if let Some(lc) = layered {
        if let Err(e) = lc.validate() {
            let what = format!("its layered circuit is invalid: {e}");
            return TemplateCheck {
                copies: copies.len(),
                failure: None,
                witness_error: Some(WitnessError::Bad { template: t.name.clone(), copy: 0, what }),
                layered_mismatch: None,
            };
        }
    }
    // `vals` are the node values the walk computed: the template evaluated on the witness.
    let fault = |k: usize, row: &[F], vals: &[F]| -> Option<(usize, CopyFault)> {
        if let Some(r) = t.first_failing(vals) {
            return Some((k, CopyFault::Residual(r.clone())));
        }
        layered.and_then(|lc| layered_disagrees(&outs, vals, lc, row)).map(|j| (k, CopyFault::Layered(j)))
    };
    let res = copies
        .par_iter()
        .enumerate()
        .map_init(Walk::default, |wk, (k, ct)| {
            walk_copy(t, &consts, k, ct, memory, false, wk)?;
            Ok(fault(k, &wk.inputs, &wk.values))
        })
        .find_first(|r: &Result<Option<(usize, CopyFault)>, WitnessError>| !matches!(r, Ok(None)));
    let mut out = TemplateCheck { copies: copies.len(), failure: None, witness_error: None, layered_mismatch: None };
    let found = match res {
        Some(Ok(f)) => f,
        Some(Err(e)) => {
            out.witness_error = Some(e);
            None
        }
        // A padding copy must pass too.
        None => {
            let zeros = vec![F::zero(); t.num_inputs()];
            fault(copies.len(), &zeros, &t.eval(&zeros))
        }
    };
    match found {
        Some((k, CopyFault::Residual(r))) => out.failure = Some((k, r)),
        Some((k, CopyFault::Layered(j))) => out.layered_mismatch = Some((k, j)),
        None => {}
    }
    out
}

/// Committed field elements of a trace: every copy's live-ins and advice, padding included.
pub fn committed_elements(tr: &Trace) -> u64 {
    tr.templates.iter().zip(&tr.copies).map(|(t, c)| (padded_copies(c.len()) * t.num_inputs()) as u64).sum()
}

/// Below this many copies a template is proven as one power-of-two batch.
const MIN_SPLIT_COPIES: usize = 1024;
/// Most batches one template's copies are split into.
const MAX_CHUNKS: usize = 4;

/// How `n` copies of one template are proven: batches of power-of-two copy counts, largest
/// first, each its own data-parallel circuit instance. One batch of `n.next_power_of_two()`
/// copies wastes up to half its work on padding (18 880 copies padded to 32 768); the
/// remainder is split off while the padding of what is left exceeds an eighth of it, it has
/// more than [`MIN_SPLIT_COPIES`] copies and fewer than [`MAX_CHUNKS`] batches were taken
/// (18 880 = 16 384 + 2 048 + 512, of which 64 padding). Deterministic in `n`, so the
/// verifier derives the same batches from the claimed copy count.
pub fn copy_chunks(n: usize) -> Vec<usize> {
    let mut out = Vec::new();
    let mut rest = n.max(1);
    loop {
        let hi = rest.next_power_of_two();
        if hi - rest <= rest / 8 || rest <= MIN_SPLIT_COPIES || out.len() + 1 == MAX_CHUNKS {
            out.push(hi);
            // two equal batches are one of twice the size (1555 = 1024 + 531 of 1024)
            while out.len() > 1 && out[out.len() - 1] == out[out.len() - 2] {
                out.pop();
                *out.last_mut().expect("two batches") *= 2;
            }
            return out;
        }
        let lo = hi / 2;
        out.push(lo);
        rest -= lo;
    }
}

/// The copies `n` copies are proven as, padding included: the sum of [`copy_chunks`].
pub fn padded_copies(n: usize) -> usize {
    copy_chunks(n).iter().sum()
}

/// Checks every template of a trace over the default field, in the template evaluator and
/// in its layered circuit.
pub fn check_trace(tr: &Trace) -> Result<Vec<(TemplateCheck, Layered<Fr>)>, LayerError> {
    tr.templates
        .iter()
        .zip(&tr.copies)
        .map(|(t, c)| {
            let l = layer::<Fr>(t)?;
            Ok((check_template::<Fr>(t, Some(&l.circuit), c, &tr.memory), l))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{copy_chunks, padded_copies, MAX_CHUNKS, MIN_SPLIT_COPIES};

    #[test]
    fn copies_split_into_few_power_of_two_batches() {
        assert_eq!(copy_chunks(0), vec![1]);
        assert_eq!(copy_chunks(1), vec![1]);
        assert_eq!(copy_chunks(1000), vec![1024]);
        assert_eq!(copy_chunks(4096), vec![4096]);
        assert_eq!(copy_chunks(18_880), vec![16_384, 2048, 512]);
        assert_eq!(copy_chunks(2949), vec![2048, 1024]);
        for n in (1..70_000).step_by(37).chain([1 << 20, (1 << 20) + 1, 3 << 19]) {
            let c = copy_chunks(n);
            assert!(c.iter().all(|k| k.is_power_of_two()), "{n}: {c:?}");
            assert!(c.windows(2).all(|w| w[0] > w[1]), "{n}: largest first, {c:?}");
            assert!(c.len() <= MAX_CHUNKS, "{n}: {c:?}");
            let p = padded_copies(n);
            assert!(p >= n && p <= n.next_power_of_two(), "{n}: {c:?}");
            // the padding is at most an eighth, or what is left is small, or the batches ran out
            assert!((p - n) * 8 <= n || p - n < MIN_SPLIT_COPIES || c.len() == MAX_CHUNKS, "{n}: {c:?} pads {}", p - n);
        }
    }
}
