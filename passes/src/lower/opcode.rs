//! Opcode grouping: one template per instruction kind and width, whose operands and
//! immediates are per-copy inputs, as a register machine reads them.

use super::builder::IVal;
use super::Poison;
use super::{global_addresses, member_selectors, origin_of, Ctx, Imm, LowerError, RangeCheck};
use crate::canon::Classes;
use crate::template::{block_tag, Node, StateRecord, Template, EXIT_TAG, TS_STEP_SHIFT};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_ir::display::Namer;
use tessera_ir::exec::STACK_BASE;
use tessera_ir::{Block, Function, Inst, InstKind, Program, Value, ValueDef};

/// The opcode class of an instruction in `opcode` grouping: its kind with flags, predicate
/// and the widths it works at, e.g. `add.nsw.i32`, `icmp.slt.i64`, `zext.i8.i32`,
/// `gep.2`, `load.i32`, `switch.i32.3`. Two instructions with one key share one template;
/// their differing immediates are per-copy inputs.
pub fn opcode_key(f: &Function, i: Inst) -> String {
    let d = &f.insts[i];
    let ty = |v: Value| f.ty(v).to_string();
    let rty = d.result.map(|r| f.ty(r).to_string()).unwrap_or_default();
    let fl = |flags: tessera_ir::Flags| flags.text().split_whitespace().map(|s| format!(".{s}")).collect::<String>();
    match &d.kind {
        InstKind::Binary { op, flags, lhs, .. } => format!("{}{}.{}", op.name(), fl(*flags), ty(*lhs)),
        InstKind::Icmp { pred, lhs, .. } => format!("icmp.{}.{}", pred.name(), ty(*lhs)),
        InstKind::Select { if_true, .. } => format!("select.{}", ty(*if_true)),
        InstKind::Cast { op, flags, arg } => format!("{}{}.{}.{rty}", op.name(), fl(*flags), ty(*arg)),
        InstKind::Freeze { arg } => format!("freeze.{}", ty(*arg)),
        InstKind::Phi { .. } => format!("phi.{rty}"),
        InstKind::Alloca { elem_size, align, .. } => format!("alloca.{elem_size}.{align}"),
        InstKind::StackSave => "stacksave".into(),
        InstKind::StackRestore { .. } => "stackrestore".into(),
        InstKind::Load { .. } => format!("load.{rty}"),
        InstKind::PredLoad { .. } => format!("load.if.{rty}"),
        InstKind::Store { value, .. } => format!("store.{}", ty(*value)),
        InstKind::PredStore { value, .. } => format!("store.if.{}", ty(*value)),
        InstKind::Gep { indices, .. } => {
            let w: Vec<String> = indices.iter().map(|(v, _)| ty(*v)).collect();
            format!("gep.{}", w.join("."))
        }
        InstKind::Call { .. } | InstKind::CallIndirect { .. } => "call".into(),
        InstKind::Intrinsic { op, args } => {
            let mut k = format!("{}.{}", op.name(), ty(args[0]));
            if matches!(op, tessera_ir::Intrinsic::Abs | tessera_ir::Intrinsic::Ctlz | tessera_ir::Intrinsic::Cttz) {
                if let ValueDef::Const(c) = f.values[args[1]].def {
                    k.push_str(if c & 1 == 1 { ".poison" } else { "" });
                }
            }
            if d.result.is_some() && rty != ty(args[0]) {
                k.push_str(&format!(".{rty}"));
            }
            k
        }
        InstKind::MemCopy { len, .. } => format!("memcpy.{}", const_len(f, *len)),
        InstKind::MemSet { len, .. } => format!("memset.{}", const_len(f, *len)),
        InstKind::Output { .. } => "output".into(),
        InstKind::Br { .. } => "br".into(),
        InstKind::CondBr { .. } => "condbr".into(),
        InstKind::Switch { value, cases, .. } => format!("switch.{}.{}", ty(*value), cases.len()),
        InstKind::Ret { value } => format!("ret{}", value.map(|v| format!(".{}", ty(v))).unwrap_or_default()),
        InstKind::Unreachable => "unreachable".into(),
        InstKind::Trap { .. } => "trap".into(),
        InstKind::Exit { .. } => "exit".into(),
    }
}

fn const_len(f: &Function, len: Value) -> String {
    match f.values[len].def {
        ValueDef::Const(c) => c.to_string(),
        _ => "var".into(),
    }
}

/// The immediates an opcode template reads for instruction `i`, in the order its lowering
/// takes them (GEP offset and scales; branch targets' tags; switch cases and targets).
pub fn immediates(f: &Function, i: Inst) -> Vec<i128> {
    match &f.insts[i].kind {
        InstKind::Gep { offset, indices, .. } => {
            let mut v = vec![*offset as u64 as i128];
            v.extend(indices.iter().map(|(_, s)| *s as u64 as i128));
            v
        }
        InstKind::Br { target } => vec![block_tag(*target)],
        InstKind::CondBr { if_true, if_false, .. } => vec![block_tag(*if_true), block_tag(*if_false)],
        InstKind::Switch { default, cases, .. } => {
            let mut v: Vec<i128> = cases.iter().map(|(c, _)| *c as i128).collect();
            v.extend(cases.iter().map(|(_, b)| block_tag(*b)));
            v.push(block_tag(*default));
            v
        }
        _ => Vec::new(),
    }
}

/// Where the opcode machine's program ROM starts (one entry of [`Machine::entry_cells`]
/// cells per pc).
pub const ROM_BASE: u64 = 0x2000_0000_0000;
/// Where the opcode machine's registers start: one cell per SSA value, holding the value.
pub const REG_BASE: u64 = 0x3000_0000_0000;
/// Timestamp slot at which a block's phis read their operands: in the step of the
/// predecessor's terminator, after all its accesses, so that every phi of a block reads the
/// values from before any of them writes (phis are parallel copies).
pub const PHI_READ_SLOT: u64 = 0x8000;
/// Timestamp slot of an instruction's result write, after every other access of its copy.
pub const WRITE_SLOT: u64 = 0x7fff;

/// Where an operand comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Src {
    /// Register `r` (the value with index `r`).
    Reg(u32),
    /// A constant (an integer, a global's address; poison reads as 0).
    Const(u64),
}

/// One pc of the machine: an instruction, or a phi on one incoming edge.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetch {
    pub inst: Inst,
    pub block: Block,
    pub key: usize,
    pub operands: Vec<Src>,
    pub result: Option<u32>,
    /// Immediates in lowering order; branch targets are pcs; a phi's is its index.
    pub imms: Vec<u64>,
    /// The pc after this one (not for terminators).
    pub next_pc: Option<u64>,
}

impl Fetch {
    /// The ROM cells of this pc: `key + 1`, per operand `(is constant, register or value)`,
    /// the result register, the immediates, the next pc.
    pub fn cells(&self) -> Vec<u64> {
        let mut v = vec![self.key as u64 + 1];
        for o in &self.operands {
            match *o {
                Src::Reg(r) => v.extend([0, r as u64]),
                Src::Const(c) => v.extend([1, c]),
            }
        }
        v.extend(self.result.map(|r| r as u64));
        v.extend(&self.imms);
        v.extend(self.next_pc);
        v
    }
}

/// The register machine opcode grouping proves: every instruction of the entry function
/// (phis once per incoming edge) has a pc and a ROM entry naming its opcode, operand
/// registers or constants, result register and immediates; values pass through registers,
/// one read per operand and one write per result.
#[derive(Clone, Debug)]
pub struct Machine {
    pub keys: indexmap::IndexMap<String, usize>,
    /// A representative pc of each key (the template is lowered from it).
    pub key_pc: Vec<u64>,
    pub entry_pc: u64,
    /// Per pc (index `pc - 1`).
    pub fetches: Vec<Fetch>,
    pub inst_pc: HashMap<Inst, u64>,
    /// The pc of a phi on an edge `(from, to)`, per phi of `to` in order.
    pub phi_pc: HashMap<(Block, Block), Vec<u64>>,
    /// Cells per ROM entry (the widest entry).
    pub entry_cells: usize,
    /// Registers: one per value of the function.
    pub registers: usize,
}

impl Machine {
    /// The machine of `f` (reachable blocks: those of `classes`).
    pub fn new(p: &Program, f: &Function, classes: &Classes) -> Machine {
        let globals = global_addresses(p);
        let blocks: Vec<Block> = f.layout.iter().copied().filter(|b| classes.of_block.contains_key(b)).collect();
        let is_phi = |i: Inst| matches!(f.insts[i].kind, InstKind::Phi { .. });
        // pcs: each block's non-phi instructions, then per edge into a block with phis its
        // phis for that edge
        let mut next = 1u64;
        let mut inst_pc = HashMap::new();
        for &b in &blocks {
            for &i in &f.blocks[b].insts {
                if !is_phi(i) {
                    inst_pc.insert(i, next);
                    next += 1;
                }
            }
        }
        let mut phi_pc: HashMap<(Block, Block), Vec<u64>> = HashMap::new();
        for &b in &blocks {
            for s in f.successors(b) {
                let phis = f.blocks[s].insts.iter().filter(|&&i| is_phi(i)).count();
                if phis > 0 && !phi_pc.contains_key(&(b, s)) {
                    phi_pc.insert((b, s), (0..phis as u64).map(|k| next + k).collect());
                    next += phis as u64;
                }
            }
        }
        let first_pc = |s: Block| -> u64 {
            f.blocks[s].insts.iter().find(|&&i| !is_phi(i)).and_then(|i| inst_pc.get(i)).copied().unwrap_or(0)
        };
        let target =
            |from: Block, to: Block| -> u64 { phi_pc.get(&(from, to)).map(|v| v[0]).unwrap_or_else(|| first_pc(to)) };
        let src = |v: Value| -> Src {
            match f.values[v].def {
                ValueDef::Const(c) => Src::Const(c),
                ValueDef::WideConst(_) => unreachable!("run_pipeline refuses integers wider than 64 bits"),
                ValueDef::GlobalAddr(g) => Src::Const(globals[tessera_ir::entity::EntityRef::index(g)]),
                ValueDef::Poison => Src::Const(0),
                ValueDef::Param(_) | ValueDef::Inst(_) => Src::Reg(tessera_ir::entity::EntityRef::index(v) as u32),
            }
        };
        let mut keys = indexmap::IndexMap::new();
        let mut key_pc = Vec::new();
        let mut fetches: Vec<Option<Fetch>> = vec![None; (next - 1) as usize];
        let mut key_of = |k: String, pc: u64| -> usize {
            let n = keys.len();
            let id = *keys.entry(k).or_insert(n);
            if id == key_pc.len() {
                key_pc.push(pc);
            }
            id
        };
        for &b in &blocks {
            let insts = &f.blocks[b].insts;
            for (pos, &i) in insts.iter().enumerate() {
                if is_phi(i) {
                    continue;
                }
                let pc = inst_pc[&i];
                let d = &f.insts[i];
                let mut operands = Vec::new();
                d.kind.for_each_operand(|v| operands.push(src(v)));
                let mut imms: Vec<u64> = immediates(f, i).into_iter().map(|x| x as u64).collect();
                match &d.kind {
                    InstKind::Br { target: t } => imms = vec![target(b, *t)],
                    InstKind::CondBr { if_true, if_false, .. } => {
                        imms = vec![target(b, *if_true), target(b, *if_false)]
                    }
                    InstKind::Switch { default, cases, .. } => {
                        imms = cases.iter().map(|(c, _)| *c).collect();
                        imms.extend(cases.iter().map(|(_, s)| target(b, *s)));
                        imms.push(target(b, *default));
                    }
                    _ => {}
                }
                let terminator = pos + 1 == insts.len();
                let next_pc = (!terminator)
                    .then(|| insts[pos + 1..].iter().find(|&&j| !is_phi(j)).map(|j| inst_pc[j]).unwrap_or(0));
                let key = key_of(opcode_key(f, i), pc);
                let result = d.result.map(|r| tessera_ir::entity::EntityRef::index(r) as u32);
                fetches[(pc - 1) as usize] = Some(Fetch { inst: i, block: b, key, operands, result, imms, next_pc });
            }
        }
        let mut edges: Vec<(&(Block, Block), &Vec<u64>)> = phi_pc.iter().collect();
        edges.sort_by_key(|(_, pcs)| pcs[0]);
        for (&(from, to), pcs) in edges {
            let phis: Vec<Inst> = f.blocks[to].insts.iter().copied().filter(|&i| is_phi(i)).collect();
            for (q, (&i, &pc)) in phis.iter().zip(pcs).enumerate() {
                let InstKind::Phi { incoming } = &f.insts[i].kind else { continue };
                let v = incoming.iter().find(|(blk, _)| *blk == from).map(|(_, v)| *v);
                let operands = vec![v.map(src).unwrap_or(Src::Const(0))];
                let next_pc = pcs.get(q + 1).copied().unwrap_or_else(|| first_pc(to));
                let key = key_of(opcode_key(f, i), pc);
                let result = f.insts[i].result.map(|r| tessera_ir::entity::EntityRef::index(r) as u32);
                fetches[(pc - 1) as usize] = Some(Fetch {
                    inst: i,
                    block: to,
                    key,
                    operands,
                    result,
                    imms: vec![q as u64],
                    next_pc: Some(next_pc),
                });
            }
        }
        let fetches: Vec<Fetch> = fetches.into_iter().flatten().collect();
        let entry_cells = fetches.iter().map(|x| x.cells().len()).max().unwrap_or(1);
        let entry_pc = first_pc(f.entry());
        Machine { keys, key_pc, entry_pc, fetches, inst_pc, phi_pc, entry_cells, registers: f.values.len() }
    }

    /// The ROM: entry `pc` at cells `pc * entry_cells ..`, zero elsewhere.
    pub fn rom(&self) -> Vec<u64> {
        let e = self.entry_cells;
        let mut rom = vec![0u64; (self.fetches.len() + 1) * e];
        for (k, x) in self.fetches.iter().enumerate() {
            let c = x.cells();
            rom[(k + 1) * e..(k + 1) * e + c.len()].copy_from_slice(&c);
        }
        rom
    }

    pub fn fetch(&self, pc: u64) -> Option<&Fetch> {
        self.fetches.get((pc as usize).checked_sub(1)?)
    }
}

/// The opcode templates of every reachable instruction of `f`, keyed by [`opcode_key`], in
/// the machine's key order.
pub fn lower_opcodes(
    p: &Program,
    f: &Function,
    classes: &Classes,
    range: &Arc<dyn RangeCheck>,
) -> Result<(indexmap::IndexMap<String, usize>, Vec<Template>), LowerError> {
    let m = Machine::new(p, f, classes);
    let templates = m.key_pc.iter().map(|&pc| lower_opcode(p, f, &m, pc, range)).collect::<Result<_, _>>()?;
    Ok((m.keys.clone(), templates))
}

/// An opcode template, lowered from the instruction at `pc`: inputs `[sp?, pc, operand
/// values, per operand (is constant, register or value), result register?, immediates,
/// next pc?]`. It fetches its ROM entry at `pc` (one access, every cell sharing one previous
/// timestamp), reads each register operand, runs the instruction, and writes its result
/// register; its state records are `[pc, step, sp]` in and `[next pc, step + 1, sp]` out
/// (`[exit, step + 1, STACK_BASE, value]` for `ret`).
pub fn lower_opcode(
    p: &Program,
    f: &Function,
    m: &Machine,
    pc: u64,
    range: &Arc<dyn RangeCheck>,
) -> Result<Template, LowerError> {
    use crate::template::HintSource::{MemTsPrev, MemWord};
    use crate::template::{MemAccess, MemCell, TS_BITS};
    let globals = global_addresses(p);
    let x = m.fetch(pc).expect("a representative pc exists");
    let (b, i) = (x.block, x.inst);
    let d = &f.insts[i];
    let phi = matches!(d.kind, InstKind::Phi { .. });
    let operand_values: Vec<Value> = match &d.kind {
        InstKind::Phi { incoming } => incoming.iter().take(1).map(|(_, v)| *v).collect(),
        _ => {
            let mut v = Vec::new();
            d.kind.for_each_operand(|o| v.push(o));
            v
        }
    };
    let n = operand_values.len();
    // the stack pointer is machine state: every instruction carries it when the function
    // allocates
    let has_sp = super::uses_alloca(f);
    let mut names: Vec<String> = Vec::new();
    if has_sp {
        names.push("sp".into());
    }
    names.push("pc".into());
    names.extend((0..n).map(|k| format!("operand{k}")));
    for k in 0..n {
        names.push(format!("operand{k}.const"));
        names.push(format!("operand{k}.source"));
    }
    if x.result.is_some() {
        names.push("result.reg".into());
    }
    names.extend((0..x.imms.len()).map(|k| format!("immediate{k}")));
    if x.next_pc.is_some() {
        names.push("next_pc".into());
    }
    let key = opcode_key(f, i);
    let mut cx = Ctx::new(p, f, &globals, key, names, Imm::Input, range.clone());
    let namer = Namer::new(f);
    cx.origin = Some(origin_of(p, f, &namer, b, i));
    cx.b.set_origin(cx.origin.clone());
    cx.sp = if has_sp { cx.b.live_in() } else { cx.b.c(STACK_BASE as i128) };
    let sp_in = cx.sp;
    let pc_node = cx.b.live_in();
    let mut read = vec![];
    for &v in &operand_values {
        let node = cx.b.live_in();
        read.push(node);
        cx.vals.insert(v, IVal { node, bits: f.ty(v).bits(), poison: Poison::none() });
    }
    let sel: Vec<(Node, Node)> = (0..n).map(|_| (cx.b.live_in(), cx.b.live_in())).collect();
    let res_reg = x.result.map(|_| cx.b.live_in());
    member_selectors(&mut cx.b, 1);
    let enabled = cx.b.enabled;
    let one = cx.b.c(1);
    let step = cx.b.step;
    let slot = |cx: &mut Ctx<'_>, k: u64| {
        let s = cx.b.scale(1i128 << TS_STEP_SHIFT, step);
        let c = cx.b.c(k as i128);
        cx.b.add(s, c)
    };
    let gap_check = |cx: &mut Ctx<'_>, ts: Node, ts_prev: Node| {
        let g = cx.b.sub(ts, ts_prev);
        let one = cx.b.c(1);
        let g = cx.b.sub(g, one);
        cx.b.range_check(g, TS_BITS, "machine: previous access is earlier");
    };
    // access 0: the fetch, its cells filled once the immediates exist
    let origin = cx.b.origin_index();
    let fetch_ts = slot(&mut cx, 1);
    cx.b.t.memory.push(MemAccess { write: false, active: enabled, ts: fetch_ts, cells: Vec::new(), origin });
    let fetch_prev = cx.b.advice("previous fetch timestamp", MemTsPrev { access: 0, byte: 0 });
    gap_check(&mut cx, fetch_ts, fetch_prev);
    // operand reads (constants: checked against the ROM, no read)
    let reg_base = cx.b.c(REG_BASE as i128);
    for (k, (&val, &(is_const, source))) in read.iter().zip(&sel).enumerate() {
        let diff = cx.b.sub(val, source);
        let r = cx.b.mul(is_const, diff);
        cx.b.residual(r, "machine: a constant operand is the ROM's");
        let not_const = cx.b.sub(one, is_const);
        let active = cx.b.mul(enabled, not_const);
        // a phi's read is placed once its index (an immediate) exists
        let ts = if phi { fetch_ts } else { slot(&mut cx, 2 + k as u64) };
        let a = cx.b.t.memory.len() as u32;
        let ts_prev = cx.b.advice("previous register timestamp", MemTsPrev { access: a, byte: 0 });
        let addr = cx.b.add(reg_base, source);
        cx.b.t.memory.push(MemAccess {
            write: false,
            active,
            ts,
            cells: vec![MemCell { addr, old: val, new: val, ts_prev }],
            origin,
        });
    }
    // real memory accesses follow the reads
    cx.ts_base = slot(&mut cx, 2 + n as u64);
    let written: Vec<Node> = match &d.kind {
        InstKind::Phi { .. } => read.clone(),
        InstKind::Br { .. } => vec![cx.imm(0)],
        InstKind::CondBr { cond, .. } => {
            let c = cx.value(*cond)?;
            let t = cx.imm(0);
            let e = cx.imm(0);
            vec![cx.b.mux(c.node, t, e)]
        }
        InstKind::Switch { value, cases, .. } => {
            let xv = cx.value(*value)?;
            let vals: Vec<Node> = cases.iter().map(|_| cx.imm(0)).collect();
            let tags: Vec<Node> = cases.iter().map(|_| cx.imm(0)).collect();
            let dflt = cx.imm(0);
            // The first matching case wins (case values are distinct in valid IR).
            let mut acc = dflt;
            for (v, t) in vals.iter().zip(&tags).rev() {
                let dd = cx.b.sub(xv.node, *v);
                let eq = cx.b.is_zero(dd);
                acc = cx.b.mux(eq, *t, acc);
            }
            vec![acc]
        }
        InstKind::Ret { value } => match value {
            Some(v) => vec![cx.value(*v)?.node],
            None => vec![],
        },
        InstKind::Unreachable | InstKind::Trap { .. } => {
            cx.b.residual(enabled, "a trap: no copy may run it");
            vec![]
        }
        InstKind::Exit { .. } => {
            return Err(cx.unsupported("exit() (proving needs the entry to return)"))
        }
        _ => {
            cx.inst(i)?;
            d.result.and_then(|r| cx.vals.get(&r)).map(|v| vec![v.node]).unwrap_or_default()
        }
    };
    if phi {
        // the phi's index is its immediate: its read happens in the predecessor's terminator
        // step, after every access of that step
        let q = cx.imm(0);
        let s1 = cx.b.sub(step, q);
        let s1 = cx.b.sub(s1, one);
        let s = cx.b.scale(1i128 << TS_STEP_SHIFT, s1);
        let c = cx.b.c(PHI_READ_SLOT as i128);
        let t = cx.b.add(s, c);
        let ts = cx.b.add(t, q);
        cx.b.t.memory[1].ts = ts;
    }
    let next_pc = x.next_pc.map(|_| cx.b.live_in());
    for k in 1..=n {
        let (ts, prev) = (cx.b.t.memory[k].ts, cx.b.t.memory[k].cells[0].ts_prev);
        gap_check(&mut cx, ts, prev);
    }
    // the result write
    if let (Some(reg), Some(&value)) = (res_reg, written.first()) {
        {
            let a = cx.b.t.memory.len() as u32;
            let ts = slot(&mut cx, WRITE_SLOT);
            let old = cx.b.advice("register before the write", MemWord { access: a });
            let ts_prev = cx.b.advice("previous register timestamp", MemTsPrev { access: a, byte: 0 });
            gap_check(&mut cx, ts, ts_prev);
            let addr = cx.b.add(reg_base, reg);
            cx.b.t.memory.push(MemAccess {
                write: true,
                active: enabled,
                ts,
                cells: vec![MemCell { addr, old, new: value, ts_prev }],
                origin,
            });
        }
    }
    // the fetch's cells: ROM_BASE + pc * E + j
    let mut values = vec![cx.b.c(x.key as i128 + 1)];
    for &(c, s) in &sel {
        values.extend([c, s]);
    }
    values.extend(res_reg);
    values.extend(cx.imm_nodes.iter().copied());
    values.extend(next_pc);
    let rb = cx.b.c(ROM_BASE as i128);
    let scaled = cx.b.scale(m.entry_cells as i128, pc_node);
    let base = cx.b.add(rb, scaled);
    let cells: Vec<MemCell> = values
        .iter()
        .enumerate()
        .map(|(j, &v)| {
            let off = cx.b.c(j as i128);
            let addr = cx.b.add(base, off);
            MemCell { addr, old: v, new: v, ts_prev: fetch_prev }
        })
        .collect();
    cx.b.t.memory[0].cells = cells;
    let consumed = vec![pc_node, step, sp_in];
    let step1 = cx.b.add(step, one);
    let produced = match &d.kind {
        InstKind::Ret { .. } => {
            let mut v = vec![cx.b.c(EXIT_TAG), step1, cx.b.c(STACK_BASE as i128)];
            v.extend(written.first().copied());
            v
        }
        InstKind::Br { .. } | InstKind::CondBr { .. } | InstKind::Switch { .. } => vec![written[0], step1, cx.sp],
        InstKind::Unreachable | InstKind::Trap { .. } => vec![cx.b.c(EXIT_TAG), step1, cx.sp],
        _ => vec![next_pc.unwrap_or(pc_node), step1, cx.sp],
    };
    Ok(cx.b.finish(
        StateRecord { active: enabled, fields: consumed },
        StateRecord { active: enabled, fields: produced },
        1,
        1,
    ))
}
