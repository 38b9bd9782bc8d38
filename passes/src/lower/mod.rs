//! Lowering: every class of regions becomes a circuit [`Template`] whose residuals are all
//! zero exactly when a copy executed the region correctly (DESIGN.md, "Integers in the
//! field"), and whose records tell the glue which state it consumed and produced and which
//! memory cells it touched.
//!
//! In `block` and `region` grouping a template is one class of [`crate::canon`]; in `opcode`
//! grouping it is one instruction kind and width ([`opcode_key`]), whose operands and
//! immediates are per-copy inputs, as a register machine reads them.
//!
//! State records are `[tag, step, sp, values...]` where the values are the consuming
//! region's inputs in class order; a region produces, for the successor its terminator
//! selects, that successor's record (phis resolved, padded to the successor class's width).
//! Members of one class differ in their successors, carried values and exports, so produced
//! fields are selected by one-hot member bits.
//!
//! Poison is tracked exactly inside a region. A poison value that leaves a region leaves as 0
//! (what the interpreter records for it, and a refinement LLVM allows: poison may become any
//! value), and the successor treats it as defined. So the template's run is always a valid
//! LLVM execution; it differs from the interpreter's only where the interpreter would later
//! trap on that poison (undefined behaviour) or freeze something computed from it.

pub mod builder;
pub mod inst;
pub mod opcode;

pub use builder::{BitDecomposition, Builder, IVal, Poison, RangeCheck};
pub use opcode::{immediates, lower_opcode, lower_opcodes, opcode_key};

use crate::canon::{phi_operands, Class, Classes};
use crate::template::{
    block_tag, MemAccess, MemCell, Node, Origin, StateRecord, Template, EXIT_TAG, STATE_HEADER, TS_BITS, TS_STEP_SHIFT,
};
use builder::{mask, sext, PTerm};
use std::collections::HashMap;
use std::sync::Arc;
use tessera_ir::display::Namer;
use tessera_ir::exec::{Memory, STACK_BASE};
use tessera_ir::{Block, Function, Inst, InstKind, Program, Type, Value, ValueDef};

/// Why a region could not be lowered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// An instruction (or a form of one) the lowering cannot express yet.
    #[error("cannot lower {what} yet: {origin}")]
    Unsupported { what: String, origin: String },
}

/// A lowered template and, per instruction of the region (in block order), the nodes of its
/// operands and result (the opcode witness reads them).
#[derive(Clone)]
pub struct RegionTemplate {
    pub template: Template,
    pub insts: Vec<InstNodes>,
}

/// The nodes one instruction read and wrote.
#[derive(Clone, Debug, Default)]
pub struct InstNodes {
    pub operands: Vec<Node>,
    pub result: Option<Node>,
    /// The stack pointer before the instruction.
    pub sp: Option<Node>,
}

/// The default range-check strategy.
pub fn default_range_check() -> Arc<dyn RangeCheck> {
    Arc::new(BitDecomposition)
}

/// How immediates (GEP offsets and scales, switch cases, branch targets) enter a template.
#[derive(Copy, Clone, PartialEq, Eq)]
enum Imm {
    /// As constants (region and block templates).
    Const,
    /// As per-copy inputs (opcode templates: the instruction's immediates, read like ROM).
    Input,
}

struct Ctx<'a> {
    b: Builder,
    p: &'a Program,
    f: &'a Function,
    globals: &'a [u64],
    vals: HashMap<Value, IVal>,
    imm: Imm,
    sp: Node,
    /// Accesses that happened so far in the copy (timestamps count them).
    accesses: Node,
    ts_base: Node,
    origin: Option<Origin>,
    namer: Namer,
    insts: Vec<InstNodes>,
    /// The immediates read as inputs (opcode templates), in order.
    imm_nodes: Vec<Node>,
}

/// Global addresses as the interpreter lays them out.
pub fn global_addresses(p: &Program) -> Vec<u64> {
    let m = Memory::new(p);
    p.globals.keys().map(|g| m.global_addr(g)).collect()
}

pub(crate) fn uses_alloca(f: &Function) -> bool {
    f.layout.iter().flat_map(|&b| &f.blocks[b].insts).any(|&i| matches!(f.insts[i].kind, InstKind::Alloca { .. }))
}

fn origin_of(p: &Program, f: &Function, n: &Namer, b: Block, i: Inst) -> Origin {
    Origin {
        func: f.display_name().to_string(),
        block: n.block(b),
        inst: n.inst(Some(p), f, i),
        loc: f.insts[i].loc.clone(),
    }
}

impl<'a> Ctx<'a> {
    fn new(
        p: &'a Program,
        f: &'a Function,
        globals: &'a [u64],
        name: String,
        live: Vec<String>,
        imm: Imm,
        range: Arc<dyn RangeCheck>,
    ) -> Ctx<'a> {
        let mut b = Builder::new(name, live, range);
        let accesses = b.c(0);
        let step = b.step;
        let s = b.scale(1i128 << TS_STEP_SHIFT, step);
        let one = b.c(1);
        let ts_base = b.add(s, one);
        // The stack pointer is STACK_BASE unless the caller makes it a live-in.
        let sp = b.c(STACK_BASE as i128);
        Ctx {
            b,
            p,
            f,
            globals,
            vals: HashMap::new(),
            imm,
            sp,
            accesses,
            ts_base,
            origin: None,
            namer: Namer::new(f),
            insts: Vec::new(),
            imm_nodes: Vec::new(),
        }
    }

    fn unsupported(&self, what: impl Into<String>) -> LowerError {
        LowerError::Unsupported {
            what: what.into(),
            origin: self.origin.as_ref().map(|o| o.to_string()).unwrap_or_default(),
        }
    }

    fn value(&mut self, v: Value) -> Result<IVal, LowerError> {
        if let Some(x) = self.vals.get(&v) {
            return Ok(x.clone());
        }
        let ty = self.f.ty(v);
        let bits = ty.bits();
        match self.f.values[v].def {
            ValueDef::Const(c) => Ok(IVal { node: self.b.c(c as i128), bits, poison: Poison::none() }),
            ValueDef::GlobalAddr(g) => {
                let a = self.globals[tessera_ir::entity::EntityRef::index(g)];
                Ok(IVal { node: self.b.c(a as i128), bits, poison: Poison::none() })
            }
            ValueDef::Poison => {
                let one = self.b.c(1);
                Ok(IVal { node: self.b.c(0), bits, poison: Poison(vec![PTerm::Bit(one)]) })
            }
            _ => Err(self
                .unsupported(format!("a use of {} before its definition", self.namer.value(Some(self.p), self.f, v)))),
        }
    }

    fn imm(&mut self, v: i128) -> Node {
        match self.imm {
            Imm::Const => self.b.c(v),
            Imm::Input => {
                let n = self.b.live_in();
                self.imm_nodes.push(n);
                n
            }
        }
    }

    /// One memory access of `n` bytes at `addr`; `happens` is 1 or the access's predicate.
    /// Returns the bytes before the access.
    fn access(&mut self, write: bool, happens: Node, addr: Node, n: usize, new: Option<&[Node]>) -> Result<Vec<Node>, LowerError> {
        use crate::template::HintSource::{MemOld, MemTsPrev};
        let k = self.b.t.memory.len() as u32;
        if k + 1 >= 1 << TS_STEP_SHIFT {
            // Timestamps of one copy must stay below the next step's.
            return Err(self.unsupported(format!("a region with more than {} memory accesses", (1u32 << TS_STEP_SHIFT) - 2)));
        }
        let active = self.b.mul(self.b.enabled, happens);
        let ts = self.b.add(self.ts_base, self.accesses);
        let mut cells = Vec::with_capacity(n);
        let mut olds = Vec::with_capacity(n);
        for i in 0..n {
            let old = self.b.advice("memory byte", MemOld { access: k, byte: i as u8 });
            let ts_prev = self.b.advice("previous timestamp", MemTsPrev { access: k, byte: i as u8 });
            let gap = self.b.sub(ts, ts_prev);
            let one = self.b.c(1);
            let gap = self.b.sub(gap, one);
            self.b.range_check(gap, TS_BITS, "memory: previous access is earlier");
            let off = self.b.c(i as i128);
            let a = self.b.add(addr, off);
            cells.push(MemCell { addr: a, old, new: new.map(|v| v[i]).unwrap_or(old), ts_prev });
            olds.push(old);
        }
        self.accesses = self.b.add(self.accesses, happens);
        let origin = self.b.origin_index();
        self.b.mem_access(MemAccess { write, active, ts, cells, origin });
        Ok(olds)
    }

    /// The bytes of a canonical `w`-bit value, `n` of them.
    fn bytes_of(&mut self, v: Node, w: u32, n: usize) -> Vec<Node> {
        if let Some(bits) = self.b.bits.get(&v).cloned() {
            return (0..n)
                .map(|i| {
                    let lo = (8 * i).min(bits.len());
                    let hi = (8 * i + 8).min(bits.len());
                    self.b.recompose(&bits[lo..hi])
                })
                .collect();
        }
        if let Some(c) = self.b.const_of(v) {
            return (0..n).map(|i| self.b.c((c >> (8 * i)) & 0xff)).collect();
        }
        let mut out = Vec::with_capacity(n);
        for i in 0..n {
            let bits = (w as i64 - 8 * i as i64).clamp(0, 8) as u32;
            let sh = 8 * i as u32;
            out.push(self.b.fresh("byte", bits, &[v], Arc::new(move |x: &[u128]| (x[0] >> sh) & 0xff)));
        }
        let terms: Vec<(i128, Node)> = out.iter().enumerate().map(|(i, &b)| (1i128 << (8 * i), b)).collect();
        let r = self.b.lin(&terms, 0);
        let d = self.b.sub(v, r);
        self.b.residual(d, "store: bytes of the value");
        out
    }

    /// The happens-bit of a fixed-size memcpy/memset whose length is `len` (a constant, or
    /// `select p, c, 0` from if-conversion), and its size.
    fn mem_len(&mut self, len: Value) -> Result<(Node, u64), LowerError> {
        if let ValueDef::Const(c) = self.f.values[len].def {
            return Ok((self.b.c(1), c));
        }
        if let ValueDef::Inst(i) = self.f.values[len].def {
            if let InstKind::Select { cond, if_true, if_false } = self.f.insts[i].kind {
                let k = |v: Value| match self.f.values[v].def {
                    ValueDef::Const(c) => Some(c),
                    _ => None,
                };
                let (len, when_true) = match (k(if_true), k(if_false)) {
                    (Some(c), Some(0)) => (c, true),
                    (Some(0), Some(c)) => (c, false),
                    _ => return Err(self.unsupported("a memcpy or memset whose length is not a constant")),
                };
                // A poison predicate makes the length poison: undefined behaviour.
                let p = self.value(cond)?;
                self.b.require_defined(&p, None, "a memcpy or memset length");
                let on = if when_true { p.node } else { self.b.not(p.node) };
                return Ok((on, len));
            }
        }
        Err(self.unsupported("a memcpy or memset whose length is not a constant"))
    }

    fn set(&mut self, i: Inst, v: IVal) {
        if let Some(r) = self.f.insts[i].result {
            if let Some(last) = self.insts.last_mut() {
                last.result = Some(v.node);
            }
            self.vals.insert(r, v);
        }
    }

    /// Lowers one non-terminator, non-phi instruction.
    fn inst(&mut self, i: Inst) -> Result<(), LowerError> {
        let f = self.f;
        let data = &f.insts[i];
        let mut operands = Vec::new();
        data.kind.for_each_operand(|v| operands.push(v));
        let mut ops = Vec::with_capacity(operands.len());
        for &v in &operands {
            ops.push(self.value(v)?);
        }
        self.insts.push(InstNodes { operands: ops.iter().map(|v| v.node).collect(), result: None, sp: Some(self.sp) });
        let rty = data.result.map(|r| self.f.ty(r));
        let rbits = rty.map(|t| t.bits()).unwrap_or(64);
        match &data.kind {
            InstKind::Binary { op, flags, .. } => {
                let v = inst::binary(&mut self.b, *op, *flags, &ops[0], &ops[1]);
                self.set(i, v);
            }
            InstKind::Icmp { pred, .. } => {
                let v = inst::icmp(&mut self.b, *pred, &ops[0], &ops[1]);
                self.set(i, v);
            }
            InstKind::Select { .. } => {
                let v = inst::select(&mut self.b, &ops[0], &ops[1], &ops[2]);
                self.set(i, v);
            }
            InstKind::Cast { op, flags, .. } => {
                let v = inst::cast(&mut self.b, *op, *flags, &ops[0], rbits);
                self.set(i, v);
            }
            InstKind::Freeze { .. } => {
                let v = inst::freeze(&mut self.b, &ops[0]);
                self.set(i, v);
            }
            InstKind::Intrinsic { op, .. } => {
                let v = inst::intrinsic(&mut self.b, *op, &ops, rbits);
                self.set(i, v);
            }
            InstKind::Gep { offset, indices, .. } => {
                let v = self.gep(&ops[0], *offset, indices, &ops[1..])?;
                self.set(i, v);
            }
            InstKind::Alloca { elem_size, align, .. } => {
                let v = self.alloca(*elem_size, *align, &ops[0])?;
                self.set(i, v);
            }
            InstKind::Load { .. } | InstKind::PredLoad { .. } => {
                let (pred, addr) = if matches!(data.kind, InstKind::PredLoad { .. }) {
                    self.b.require_defined(&ops[0], None, "a load predicate");
                    (Some(ops[0].node), &ops[1])
                } else {
                    (None, &ops[0])
                };
                self.b.require_defined(addr, pred, "a load address");
                let ty = rty.unwrap_or(Type::I8);
                let n = ty.store_size() as usize;
                let happens = pred.unwrap_or_else(|| self.b.c(1));
                let olds = self.access(false, happens, addr.node, n, None)?;
                let terms: Vec<(i128, Node)> = olds.iter().enumerate().map(|(k, &b)| (1i128 << (8 * k), b)).collect();
                let raw = self.b.lin(&terms, 0);
                let w = ty.bits();
                let mut r = raw;
                if w < 8 * n as u32 {
                    r = self.b.fresh("loaded value", w, &[raw], Arc::new(move |x: &[u128]| x[0] & mask(w) as u128));
                    let hi = self.b.fresh(
                        "loaded high bits",
                        8 * n as u32 - w,
                        &[raw],
                        Arc::new(move |x: &[u128]| x[0] >> w),
                    );
                    let k = self.b.scale(1i128 << w, hi);
                    let s = self.b.add(r, k);
                    let d = self.b.sub(raw, s);
                    self.b.residual(d, "load: value is the low bits of the bytes");
                }
                if let Some(p) = pred {
                    r = self.b.mul(p, r);
                }
                self.set(i, IVal { node: r, bits: w, poison: Poison::none() });
            }
            InstKind::Store { .. } | InstKind::PredStore { .. } => {
                let (pred, value, addr) = if matches!(data.kind, InstKind::PredStore { .. }) {
                    self.b.require_defined(&ops[0], None, "a store predicate");
                    (Some(ops[0].node), &ops[1], &ops[2])
                } else {
                    (None, &ops[0], &ops[1])
                };
                self.b.require_defined(addr, pred, "a store address");
                self.b.require_defined(value, pred, "a stored value");
                let ty = self.f.ty(operands[if pred.is_some() { 1 } else { 0 }]);
                let n = ty.store_size() as usize;
                let bytes = self.bytes_of(value.node, ty.bits(), n);
                let happens = pred.unwrap_or_else(|| self.b.c(1));
                self.access(true, happens, addr.node, n, Some(&bytes))?;
            }
            InstKind::MemCopy { len, .. } => {
                let (happens, n) = self.mem_len(*len)?;
                let (dst, src) = (ops[0].clone(), ops[1].clone());
                for (v, what) in
                    [(&dst, "a memcpy destination"), (&src, "a memcpy source"), (&ops[2], "a memcpy length")]
                {
                    self.b.require_defined(v, Some(happens), what);
                }
                let mut bytes = Vec::with_capacity(n as usize);
                for k in 0..n {
                    let off = self.b.c(k as i128);
                    let a = self.b.add(src.node, off);
                    bytes.push(self.access(false, happens, a, 1, None)?[0]);
                }
                for (k, &byte) in bytes.iter().enumerate() {
                    let off = self.b.c(k as i128);
                    let a = self.b.add(dst.node, off);
                    self.access(true, happens, a, 1, Some(&[byte]))?;
                }
            }
            InstKind::MemSet { len, .. } => {
                let (happens, n) = self.mem_len(*len)?;
                let (dst, byte) = (ops[0].clone(), ops[1].clone());
                self.b.require_defined(&dst, Some(happens), "a memset destination");
                self.b.require_defined(&byte, Some(happens), "a memset value");
                let low = if byte.bits > 8 { self.bytes_of(byte.node, byte.bits, 1)[0] } else { byte.node };
                for k in 0..n {
                    let off = self.b.c(k as i128);
                    let a = self.b.add(dst.node, off);
                    self.access(true, happens, a, 1, Some(&[low]))?;
                }
            }
            InstKind::Call { .. } => return Err(self.unsupported("a call that was not inlined")),
            InstKind::StackSave | InstKind::StackRestore { .. } => {
                return Err(self.unsupported("llvm.stacksave/llvm.stackrestore (a variable-length array)"))
            }
            InstKind::Phi { .. } => return Err(self.unsupported("a phi after the start of a region")),
            k if k.is_terminator() => return Err(self.unsupported("a terminator inside a region")),
            _ => return Err(self.unsupported("this instruction")),
        }
        Ok(())
    }

    /// `base + offset + sum sext(index) * scale` modulo `2^64`, computed over unsigned
    /// 64-bit terms (offset and scales two's complement) with a wrap count as advice.
    fn gep(&mut self, base: &IVal, offset: i64, indices: &[(Value, i64)], idx: &[IVal]) -> Result<IVal, LowerError> {
        let mut poison = base.poison.clone();
        let off = self.imm(offset as u64 as i128);
        let mut sum = self.b.add(base.node, off);
        let mut args = vec![base.node, off];
        // Upper bound on floor(sum / 2^64).
        let mut bound: i128 = 2;
        let mut widths = Vec::new();
        for ((_, scale), x) in indices.iter().zip(idx) {
            poison = poison.or(&x.poison);
            let s = self.imm(*scale as u64 as i128);
            let x64 = if x.bits < 64 {
                let sg = self.b.sign_of(x.node, x.bits);
                let k = self.b.scale((1i128 << 64) - (1i128 << x.bits), sg);
                self.b.add(x.node, k)
            } else {
                x.node
            };
            let t = self.b.mul(x64, s);
            sum = self.b.add(sum, t);
            bound = bound.saturating_add(match self.imm {
                Imm::Const => *scale as u64 as i128,
                Imm::Input => 1i128 << 64,
            });
            args.push(x.node);
            args.push(s);
            widths.push(x.bits);
        }
        let n_idx = idx.len();
        let parts = Arc::new(move |v: &[u128]| -> (u128, u64) {
            let m64 = u64::MAX as u128;
            let mut hi: u128 = 0;
            let mut lo: u128 = v[0] + v[1];
            for k in 0..n_idx {
                let w = widths[k];
                let x = sext(v[2 + 2 * k], w) as u64 as u128;
                let p = x * v[3 + 2 * k];
                hi += p >> 64;
                lo += p & m64;
            }
            hi += lo >> 64;
            (hi, (lo & m64) as u64)
        });
        let p2 = parts.clone();
        let r = self.b.fresh("address", 64, &args, Arc::new(move |v: &[u128]| p2(v).1 as u128));
        let wbits = 128 - (bound as u128).leading_zeros();
        let wq = self.b.fresh("address wrap", wbits, &args, Arc::new(move |v: &[u128]| parts(v).0));
        let k = self.b.scale(1i128 << 64, wq);
        let t = self.b.add(r, k);
        let d = self.b.sub(sum, t);
        self.b.residual(d, "gep: address = sum mod 2^64");
        Ok(IVal { node: r, bits: 64, poison })
    }

    fn alloca(&mut self, elem: u64, align: u32, count: &IVal) -> Result<IVal, LowerError> {
        self.b.require_defined(count, None, "an alloca size");
        let a = (align as u64).max(1);
        if !a.is_power_of_two() {
            return Err(self.unsupported("an alloca with an alignment that is not a power of two"));
        }
        let la = a.trailing_zeros();
        let sp = self.sp;
        let base = if la == 0 {
            sp
        } else {
            let pad = self.b.fresh(
                "alignment padding",
                la,
                &[sp],
                Arc::new(move |v: &[u128]| (a as u128 - v[0] % a as u128) % a as u128),
            );
            let base = self.b.add(sp, pad);
            let k = self.b.fresh("aligned address", 64 - la, &[base], Arc::new(move |v: &[u128]| v[0] >> la));
            let ka = self.b.scale(a as i128, k);
            let d = self.b.sub(base, ka);
            self.b.residual(d, "alloca: address is aligned");
            base
        };
        let size = self.b.scale(elem as i128, count.node);
        let size1 = match self.b.const_of(size) {
            Some(s) if s > 1 << 32 => return Err(self.unsupported("an alloca larger than 4 GiB")),
            Some(s) => self.b.c(s.max(1)),
            None => {
                let lim = self.b.lin(&[(-1, size)], 1 << 32);
                self.b.range_check(lim, 33, "alloca: size at most 4 GiB");
                let z = self.b.is_zero(size);
                self.b.add(size, z)
            }
        };
        self.sp = self.b.add(base, size1);
        Ok(IVal { node: base, bits: 64, poison: Poison::none() })
    }
}

/// A value as it leaves the region: a poison value leaves as 0, the value the interpreter
/// records for it, so its successor reads it as the trace says (see the module docs).
fn exported(b: &mut Builder, x: &IVal) -> Node {
    inst::freeze(b, x).node
}

/// The one-hot member selectors of a class with `k` members (constrained by residuals).
fn member_selectors(b: &mut Builder, k: usize) -> Vec<Node> {
    let m = b.member;
    match k {
        1 => {
            b.residual(m, "member: the class has one member");
            vec![b.c(1)]
        }
        2 => {
            b.boolean(m, "member");
            vec![b.not(m), m]
        }
        _ => {
            let sels: Vec<Node> = (0..k)
                .map(|j| b.bit_advice("member selector", &[m], Arc::new(move |v: &[u128]| (v[0] == j as u128) as u128)))
                .collect();
            let terms: Vec<(i128, Node)> = sels.iter().map(|&s| (1, s)).collect();
            let s = b.lin(&terms, -1);
            b.residual(s, "member: exactly one selector");
            let terms: Vec<(i128, Node)> = sels.iter().enumerate().map(|(j, &s)| (j as i128, s)).collect();
            let idx = b.lin(&terms, 0);
            let d = b.sub(m, idx);
            b.residual(d, "member: selector matches the member");
            sels
        }
    }
}

/// `sum_k sel_k * fields_k`, field by field (missing fields are zero).
fn select_fields(b: &mut Builder, sels: &[Node], options: &[Vec<Node>]) -> Vec<Node> {
    let n = options.iter().map(Vec::len).max().unwrap_or(0);
    let zero = b.c(0);
    (0..n)
        .map(|i| {
            let col: Vec<Node> = options.iter().map(|o| o.get(i).copied().unwrap_or(zero)).collect();
            if col.iter().all(|&x| x == col[0]) {
                return col[0];
            }
            let mut acc = b.c(0);
            for (&s, &x) in sels.iter().zip(&col) {
                let t = b.mul(s, x);
                acc = b.add(acc, t);
            }
            acc
        })
        .collect()
}

/// The names of a class's live-in inputs: the stack pointer (when the function allocates),
/// phis, used outside values, carried slots.
fn live_names(f: &Function, class: &Class, has_sp: bool) -> Vec<String> {
    let m0 = &class.members[0];
    let nphi = crate::edit::phis(f, m0.block).len();
    let mut out = Vec::new();
    if has_sp {
        out.push("sp".to_string());
    }
    for k in 0..m0.inputs.len() {
        out.push(if k < nphi { format!("%{k}") } else { format!("%in{}", k - nphi) });
    }
    for k in 0..class.carry_width() {
        out.push(format!("carried{k}"));
    }
    out
}

/// Lowers every class of the entry function of `p` (block and region grouping).
pub fn lower_classes(
    p: &Program,
    f: &Function,
    classes: &Classes,
    range: &Arc<dyn RangeCheck>,
) -> Result<Vec<RegionTemplate>, LowerError> {
    let globals = global_addresses(p);
    let has_sp = uses_alloca(f);
    classes.classes.iter().map(|c| lower_class(p, f, classes, c, &globals, has_sp, range)).collect()
}

/// Lowers class `c` of `classes` alone, as [`lower_classes`] lowers each (the cost model
/// prices a few blocks of a function without lowering the rest).
pub fn lower_one_class(
    p: &Program,
    f: &Function,
    classes: &Classes,
    c: usize,
    range: &Arc<dyn RangeCheck>,
) -> Result<RegionTemplate, LowerError> {
    lower_class(p, f, classes, &classes.classes[c], &global_addresses(p), uses_alloca(f), range)
}

fn lower_class(
    p: &Program,
    f: &Function,
    classes: &Classes,
    class: &Class,
    globals: &[u64],
    has_sp: bool,
    range: &Arc<dyn RangeCheck>,
) -> Result<RegionTemplate, LowerError> {
    let m0 = &class.members[0];
    let mut cx = Ctx::new(p, f, globals, class.name.clone(), live_names(f, class, has_sp), Imm::Const, range.clone());
    cx.sp = if has_sp { cx.b.live_in() } else { cx.b.c(STACK_BASE as i128) };
    let sp_in = cx.sp;
    let mut inputs = Vec::new();
    for &v in &m0.inputs {
        let node = cx.b.live_in();
        inputs.push(node);
        cx.vals.insert(v, IVal { node, bits: f.ty(v).bits(), poison: Poison::none() });
    }
    let carried: Vec<Node> = (0..class.carry_width()).map(|_| cx.b.live_in()).collect();
    let sels = member_selectors(&mut cx.b, class.members.len());
    let insts = &f.blocks[m0.block].insts;
    let term = *insts.last().expect("a region ends in a terminator");
    for &i in insts {
        if matches!(f.insts[i].kind, InstKind::Phi { .. }) {
            let r = f.insts[i].result.expect("a phi has a result");
            let n = cx.vals[&r].node;
            cx.insts.push(InstNodes { operands: vec![n], result: Some(n), sp: None });
            continue;
        }
        if i == term {
            continue;
        }
        cx.origin = Some(origin_of(p, f, &cx.namer, m0.block, i));
        cx.b.set_origin(cx.origin.clone());
        cx.inst(i)?;
    }
    cx.origin = Some(origin_of(p, f, &cx.namer, m0.block, term));
    cx.b.set_origin(cx.origin.clone());
    let mut term_ops = Vec::new();
    f.insts[term].kind.for_each_operand(|v| term_ops.push(v));
    let mut nodes = Vec::with_capacity(term_ops.len());
    for v in term_ops {
        nodes.push(cx.value(v)?.node);
    }
    cx.insts.push(InstNodes { operands: nodes, result: None, sp: Some(cx.sp) });
    // Per member: each value it can export, as a node of this template.
    let node_of = |cx: &mut Ctx, m: usize, v: Value| -> Result<Node, LowerError> {
        let mem = &class.members[m];
        if let Some(k) = mem.inputs.iter().position(|&x| x == v) {
            return Ok(inputs[k]);
        }
        if let Some(k) = mem.carried.iter().position(|&x| x == v) {
            return Ok(carried[k]);
        }
        if let ValueDef::Inst(i) = f.values[v].def {
            let mi = &f.blocks[mem.block].insts;
            if let Some(k) = mi.iter().position(|&x| x == i) {
                let i0 = insts[k];
                let r0 = f.insts[i0].result.expect("same shape");
                return Ok(match cx.vals.get(&r0).cloned() {
                    Some(x) => exported(&mut cx.b, &x),
                    None => cx.b.c(0),
                });
            }
        }
        let x = cx.value(v)?;
        Ok(exported(&mut cx.b, &x))
    };
    let step1 = {
        let one = cx.b.c(1);
        cx.b.add(cx.b.step, one)
    };
    // The record for successor index `k` of member `m`.
    let succ_record = |cx: &mut Ctx, m: usize, k: usize| -> Result<Vec<Node>, LowerError> {
        let mem = &class.members[m];
        let s = f.successors(mem.block)[k];
        let (sc, sm) = classes.of_block[&s];
        let scl = &classes.classes[sc];
        let smem = &scl.members[sm];
        let nphi = crate::edit::phis(f, s).len();
        let mut fields = vec![cx.b.c(block_tag(s)), step1, cx.sp];
        for v in phi_operands(f, mem.block, s) {
            fields.push(node_of(cx, m, v)?);
        }
        for &v in smem.inputs[nphi..].iter().chain(&smem.carried) {
            fields.push(node_of(cx, m, v)?);
        }
        let zero = cx.b.c(0);
        fields.resize(STATE_HEADER + scl.input_width(), zero);
        Ok(fields)
    };
    let tk = f.insts[term].kind.clone();
    if matches!(tk, InstKind::Exit { .. }) {
        let namer = Namer::new(f);
        let o = origin_of(p, f, &namer, class.members[0].block, term);
        return Err(LowerError::Unsupported {
            what: "exit() (proving needs the entry to return)".into(),
            origin: o.to_string(),
        });
    }
    let produced_fields: Vec<Node> = match &tk {
        InstKind::Ret { value } => {
            let mut fields = vec![cx.b.c(EXIT_TAG), step1, cx.b.c(STACK_BASE as i128)];
            if let Some(v) = value {
                let x = cx.value(*v)?;
                if f.ret_noundef {
                    cx.b.require_defined(&x, None, "a noundef return value");
                }
                // Without noundef a poison return leaves as 0, like any value leaving a region.
                fields.push(exported(&mut cx.b, &x));
            }
            fields
        }
        InstKind::Unreachable | InstKind::Trap { .. } => {
            let e = cx.b.enabled;
            cx.b.residual(e, "the region ends in a trap: no copy may run it");
            Vec::new()
        }
        _ => {
            let nsucc = f.successors(m0.block).len();
            let succ_sels: Vec<Node> = match &tk {
                InstKind::Br { .. } => vec![cx.b.c(1)],
                InstKind::CondBr { cond, .. } => {
                    let c = cx.value(*cond)?;
                    cx.b.require_defined(&c, None, "a branch condition");
                    if nsucc == 1 {
                        vec![cx.b.c(1)]
                    } else {
                        vec![c.node, cx.b.not(c.node)]
                    }
                }
                InstKind::Switch { value, default, cases } => {
                    let x = cx.value(*value)?;
                    cx.b.require_defined(&x, None, "a switch condition");
                    let succs = f.successors(m0.block);
                    let mut sels = vec![cx.b.c(0); succs.len()];
                    let mut any = cx.b.c(0);
                    for (cv, target) in cases {
                        if target == default {
                            continue;
                        }
                        let k = cx.b.c(*cv as i128);
                        let d = cx.b.sub(x.node, k);
                        let eq = cx.b.is_zero(d);
                        let j = succs.iter().position(|b| b == target).expect("a successor");
                        sels[j] = cx.b.add(sels[j], eq);
                        any = cx.b.add(any, eq);
                    }
                    let j = succs.iter().position(|b| b == default).expect("default is a successor");
                    sels[j] = cx.b.not(any);
                    sels
                }
                _ => return Err(cx.unsupported("this terminator")),
            };
            let mut per_succ = Vec::with_capacity(nsucc);
            for k in 0..nsucc {
                let mut per_member = Vec::with_capacity(class.members.len());
                for m in 0..class.members.len() {
                    per_member.push(succ_record(&mut cx, m, k)?);
                }
                per_succ.push(select_fields(&mut cx.b, &sels, &per_member));
            }
            select_fields(&mut cx.b, &succ_sels, &per_succ)
        }
    };
    let tag_terms: Vec<(i128, Node)> = class.members.iter().zip(&sels).map(|(m, &s)| (block_tag(m.block), s)).collect();
    let tag = cx.b.lin(&tag_terms, 0);
    let mut consumed = vec![tag, cx.b.step, sp_in];
    consumed.extend(&inputs);
    consumed.extend(&carried);
    let enabled = cx.b.enabled;
    let produced_active = if produced_fields.is_empty() { cx.b.c(0) } else { enabled };
    let insts_nodes = std::mem::take(&mut cx.insts);
    let ninst = class.form.instructions;
    let t = cx.b.finish(
        StateRecord { active: enabled, fields: consumed },
        StateRecord { active: produced_active, fields: produced_fields },
        class.members.len(),
        ninst,
    );
    Ok(RegionTemplate { template: t, insts: insts_nodes })
}

/// The templates of a module after `grouping`'s pipeline: one per class, or one per opcode.
pub fn lower_module(
    m: &crate::Module,
    grouping: crate::Grouping,
    range: &Arc<dyn RangeCheck>,
) -> Result<Vec<Template>, LowerError> {
    let f = &m.program.funcs[m.entry];
    let classes = Classes::compute(&m.program, f);
    match grouping {
        crate::Grouping::Opcode => Ok(opcode::lower_opcodes(&m.program, f, &classes, range)?.1),
        _ => Ok(lower_classes(&m.program, f, &classes, range)?.into_iter().map(|r| r.template).collect()),
    }
}
