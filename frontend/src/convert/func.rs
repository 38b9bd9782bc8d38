//! One function: signature, blocks (converted in reverse postorder so every operand but a
//! phi's is defined first), operands (constants, globals, materialised constant
//! expressions), phis (filled in once every block exists), terminators, and the context
//! that unsupported-construct errors report.

use super::call::{call_kind, CallKind};
use super::types::{classify, shape, Shape, TyClass, TyIssue};
use super::ModuleCx;
use crate::error::{FrontendError, Unsupported};
use crate::ll::{Bb, IntPredicate, Opcode, Ty, TypeKind, Val, ValueKind};
use std::collections::{HashMap, HashSet};
use tessera_ir::{Block, Function, Inst, InstKind, SrcLoc, Type, Value};

pub(crate) type Result<T> = std::result::Result<T, FrontendError>;

/// An LLVM value after aggregate splitting: one scalar, or one entry per field.
#[derive(Clone, Debug)]
pub(crate) enum Lv {
    S(Value),
    Agg(Vec<Lv>),
}

impl Lv {
    /// The scalars in field order.
    pub(crate) fn leaves(&self, out: &mut Vec<Value>) {
        match self {
            Lv::S(v) => out.push(*v),
            Lv::Agg(fs) => fs.iter().for_each(|f| f.leaves(out)),
        }
    }
}

/// A phi whose incoming values are added once all blocks are converted.
struct PendingPhi<'m> {
    phi: Val<'m>,
    llblock: Bb<'m>,
    block: Block,
    /// One tessera phi per scalar leaf of the LLVM phi's type.
    leaves: Vec<Inst>,
    loc: Option<SrcLoc>,
}

/// The state of converting one function.
pub(crate) struct FnCx<'a, 'm> {
    pub(super) m: &'a mut ModuleCx<'m>,
    llf: Val<'m>,
    /// The name errors use (demangled for Rust).
    fname: String,
    pub(super) f: Function,
    pub(super) values: HashMap<usize, Lv>,
    blocks: HashMap<usize, Block>,
    /// Where new instructions go: the end of `cur`, or just before its terminator.
    cur: Block,
    before_term: bool,
    ctx_block: Option<Bb<'m>>,
    ctx_inst: Option<Val<'m>>,
    loc: Option<SrcLoc>,
    phis: Vec<PendingPhi<'m>>,
    /// For a function that returned an aggregate: the slot parameter and the leaves' layout.
    ret_slot: Option<(Value, Vec<(u64, Type)>)>,
    /// For a variadic function: the parameter holding the address of the extra arguments.
    pub(super) va_area: Option<Value>,
}

/// Converts the LLVM function `llf`.
pub(crate) fn convert_function<'m>(
    m: &mut ModuleCx<'m>,
    llf: Val<'m>,
    symbol: &str,
    demangled: Option<String>,
) -> Result<Function> {
    let fname = demangled.clone().unwrap_or_else(|| symbol.to_string());
    let mut cx = FnCx {
        m,
        llf,
        fname,
        f: Function::default(),
        values: HashMap::new(),
        blocks: HashMap::new(),
        cur: Block(0),
        before_term: false,
        ctx_block: None,
        ctx_inst: None,
        loc: None,
        phis: Vec::new(),
        ret_slot: None,
        va_area: None,
    };
    let fty = llf.global_value_type().ok_or_else(|| internal("function without a type"))?;
    let llblocks = llf.blocks();
    let rpo = reverse_postorder(&llblocks);
    let (mut params, ret) = match signature(&cx, fty) {
        Ok(sig) => sig,
        // An instruction using the offending type makes the clearer message.
        Err(e) => return Err(cx.first_type_issue(&rpo).unwrap_or(e)),
    };
    let fixed = params.len();
    if fty.is_vararg() {
        params.push(Type::Ptr);
    }
    let slot_layout = cx.ret_layout(fty)?;
    if slot_layout.is_some() {
        params.push(Type::Ptr);
    }
    cx.f = Function::new(symbol, &params, ret);
    if fty.is_vararg() {
        cx.f.variadic = true;
        cx.va_area = Some(cx.f.params[fixed]);
    }
    if let Some(layout) = slot_layout {
        cx.f.ret_slot = true;
        cx.ret_slot = Some((*cx.f.params.last().expect("the slot parameter"), layout));
    }
    cx.f.demangled = demangled;
    // Where poison is undefined behaviour at the function's boundary (see `tessera_ir::exec`).
    cx.f.ret_noundef = ret.is_some() && llf.ret_has_attr("noundef");
    cx.f.param_noundef = (0..params.len() as u32).map(|i| llf.param_has_attr(i, "noundef")).collect();
    for (p, &v) in llf.params().into_iter().zip(cx.f.params.clone().iter()) {
        cx.values.insert(p.key(), Lv::S(v));
    }

    let reachable: HashSet<Bb<'m>> = rpo.iter().copied().collect();
    for b in &llblocks {
        if reachable.contains(b) {
            let nb = cx.f.add_block();
            cx.blocks.insert(b.key(), nb);
        }
    }
    cx.copy_byval_params(&llblocks)?;
    for b in rpo {
        cx.convert_block(b)?;
    }
    cx.fill_phis()?;
    Ok(cx.f)
}

/// Parameter and return types of function type `fty`.
fn signature(cx: &FnCx<'_, '_>, fty: Ty<'_>) -> Result<(Vec<Type>, Option<Type>)> {
    let mut params = Vec::new();
    for p in fty.param_types() {
        params.push(match classify(p) {
            TyClass::Scalar(t) => t,
            TyClass::Aggregate => return Err(cx.unsupported("aggregate parameter".into())),
            TyClass::Bad(i) => return Err(cx.unsupported(i.construct("parameter"))),
            TyClass::Void => return Err(internal("void parameter")),
        });
    }
    let ret = match fty.return_type().map(classify) {
        // An aggregate is returned through a slot (see `FnCx::ret_layout`).
        Some(TyClass::Void) | Some(TyClass::Aggregate) => None,
        Some(TyClass::Scalar(t)) => Some(t),
        Some(TyClass::Bad(i)) => return Err(cx.unsupported(i.construct("return value"))),
        None => return Err(internal("function type without a return type")),
    };
    Ok((params, ret))
}

/// The blocks reachable from the entry, in reverse postorder. A block that traps part-way
/// (a call that never returns) has no successors: what follows the trap is dead.
fn reverse_postorder<'m>(blocks: &[Bb<'m>]) -> Vec<Bb<'m>> {
    let Some(&entry) = blocks.first() else { return Vec::new() };
    let succs = |b: Bb<'m>| -> Vec<Bb<'m>> {
        let insts = b.instructions();
        if insts.iter().any(|&i| super::is_call(i) && matches!(call_kind(i), CallKind::Trap(_) | CallKind::Exit)) {
            return Vec::new();
        }
        insts.last().map(|t| t.successors()).unwrap_or_default()
    };
    let mut seen = HashSet::from([entry]);
    let mut post = Vec::new();
    let mut stack = vec![(entry, succs(entry), 0usize)];
    while let Some((b, ss, k)) = stack.last_mut() {
        if let Some(&s) = ss.get(*k) {
            *k += 1;
            if seen.insert(s) {
                let next = succs(s);
                stack.push((s, next, 0));
            }
        } else {
            post.push(*b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

pub(crate) fn internal(msg: &str) -> FrontendError {
    FrontendError::Internal(msg.to_string())
}

impl<'m> FnCx<'_, 'm> {
    /// A `byval` parameter points to a copy of the caller's object that only the callee
    /// sees: the callee may write to it without the caller noticing. The entry block starts
    /// by making that copy (a stack allocation filled from the pointer the caller passed),
    /// and the function uses the copy in place of the parameter.
    fn copy_byval_params(&mut self, llblocks: &[Bb<'m>]) -> Result<()> {
        let Some(&entry) = llblocks.first() else { return Ok(()) };
        let params = self.llf.params();
        for (i, p) in params.into_iter().enumerate() {
            let Some(t) = self.llf.param_byval_type(i as u32) else { continue };
            let size = self.m.m.alloc_size(t).ok_or_else(|| self.unsupported(format!("byval parameter of unsized type {}", t.print())))?;
            let align = self.llf.param_align(i as u32).unwrap_or(8).clamp(1, 1 << 16) as u32;
            let Some(Lv::S(arg)) = self.values.get(&p.key()).cloned() else { return Err(internal("byval parameter without a value")) };
            self.cur = self.block(entry)?;
            self.before_term = false;
            self.loc = None;
            let one = self.f.const_value(Type::I64, 1);
            let (_, copy) = self.emit(InstKind::Alloca { elem_size: size, count: one, align }, Some(Type::Ptr));
            let copy = copy.ok_or_else(|| internal("alloca without a result"))?;
            let len = self.f.const_value(Type::I64, size);
            self.emit(InstKind::MemCopy { dst: copy, src: arg, len, overlap: false }, None);
            self.values.insert(p.key(), Lv::S(copy));
        }
        Ok(())
    }

    fn convert_block(&mut self, b: Bb<'m>) -> Result<()> {
        self.cur = self.block(b)?;
        self.before_term = false;
        self.ctx_block = Some(b);
        for inst in b.instructions() {
            self.ctx_inst = Some(inst);
            self.loc = inst.debug_loc().map(|(file, line, col)| SrcLoc { file, line, col });
            let op = inst.opcode().ok_or_else(|| internal("instruction without an opcode"))?;
            use Opcode::*;
            match op {
                LLVMPHI => self.phi(inst, b)?,
                LLVMCall => {
                    if self.call(inst)? {
                        return Ok(());
                    }
                }
                LLVMBr | LLVMSwitch | LLVMRet | LLVMUnreachable => {
                    // A function returning an aggregate stores it through its slot.
                    let agg_ret = op == LLVMRet && self.ret_slot.is_some();
                    self.check_types(inst, super::types::opcode_name(op), agg_ret)?;
                    return self.terminator(inst, op);
                }
                _ => {
                    if let Some(lv) = self.convert_op(inst)? {
                        self.values.insert(inst.key(), lv);
                    }
                }
            }
        }
        Err(internal("block without a terminator"))
    }

    /// An error at the first instruction (arithmetic first, then any, each in reverse
    /// postorder) with a result or operand type tessera cannot hold: floats, vectors, wide
    /// integers. Used when a signature is unsupported, to point at the code itself.
    fn first_type_issue(&mut self, rpo: &[Bb<'m>]) -> Option<FrontendError> {
        use Opcode::*;
        let mut other: Option<FrontendError> = None;
        for &b in rpo {
            self.ctx_block = Some(b);
            for inst in b.instructions() {
                self.ctx_inst = Some(inst);
                let op = inst.opcode();
                let what = op.map(super::types::opcode_name).unwrap_or("instruction");
                let mut tys = vec![inst.ty()];
                tys.extend((0..inst.num_operands()).filter_map(|i| inst.operand(i)).map(|o| o.ty()));
                let issue = tys.into_iter().find_map(|t| {
                    let i = match classify(t) {
                        TyClass::Bad(i) => Some(i),
                        TyClass::Aggregate => shape(t).err(),
                        _ => None,
                    };
                    i.filter(|i| !matches!(i, TyIssue::Other(_)))
                });
                let Some(i) = issue else { continue };
                let arith = matches!(
                    op,
                    Some(
                        LLVMFAdd | LLVMFSub | LLVMFMul | LLVMFDiv | LLVMFRem | LLVMFNeg | LLVMAdd | LLVMSub | LLVMMul
                            | LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem | LLVMShl | LLVMLShr | LLVMAShr | LLVMAnd
                            | LLVMOr | LLVMXor
                    )
                );
                if arith {
                    return Some(self.unsupported(i.construct(what)));
                }
                if other.is_none() {
                    other = Some(self.unsupported(i.construct(what)));
                }
            }
        }
        other
    }

    /// The tessera block of LLVM block `b` (which must be reachable).
    pub(super) fn block(&self, b: Bb<'m>) -> Result<Block> {
        self.blocks.get(&b.key()).copied().ok_or_else(|| internal("branch to a block that was not converted"))
    }

    // ---- emission ----

    /// Emits an instruction at the cursor.
    pub(super) fn emit(&mut self, kind: InstKind, ty: Option<Type>) -> (Inst, Option<Value>) {
        let (inst, v) = self.f.push_inst(self.cur, kind, ty, self.loc.clone());
        if self.before_term {
            let insts = &mut self.f.blocks[self.cur].insts;
            if insts.len() >= 2 {
                let last = insts.len() - 1;
                insts.swap(last - 1, last);
            }
        }
        (inst, v)
    }

    /// Emits an instruction with a result of type `ty`.
    pub(super) fn value(&mut self, kind: InstKind, ty: Type) -> Result<Value> {
        self.emit(kind, Some(ty)).1.ok_or_else(|| internal("instruction without a result"))
    }

    /// For a function type returning an aggregate: its leaves' offsets and types.
    pub(super) fn ret_layout(&self, fty: Ty<'m>) -> Result<Option<Vec<(u64, Type)>>> {
        match fty.return_type() {
            Some(t) if matches!(classify(t), TyClass::Aggregate) => super::types::leaf_layout(self.m.m, t)
                .map(Some)
                .map_err(|i| self.unsupported(i.construct("return value"))),
            _ => Ok(None),
        }
    }

    /// A stack slot of `size` bytes allocated once, at the top of the entry block.
    pub(super) fn entry_slot(&mut self, size: u64, align: u32) -> Value {
        let one = self.f.const_value(Type::I64, 1);
        let entry = self.f.entry();
        let (inst, v) = self.f.push_inst(entry, InstKind::Alloca { elem_size: size, count: one, align }, Some(Type::Ptr), None);
        let insts = &mut self.f.blocks[entry].insts;
        insts.pop();
        insts.insert(0, inst);
        v.expect("an alloca has a result")
    }

    // ---- errors ----

    /// An unsupported-construct error at the current function, block and instruction.
    pub(super) fn unsupported(&self, construct: String) -> FrontendError {
        let location = self.ctx_inst.and_then(|i| i.debug_loc()).map(|(file, line, col)| SrcLoc { file, line, col }.to_string());
        Unsupported {
            construct,
            function: self.fname.clone(),
            block: self.ctx_block.map(|b| self.block_label(b)),
            instruction: self.ctx_inst.map(inst_text),
            location,
        }
        .into()
    }

    /// The block's LLVM name, or its `%N` number for an unnamed block.
    fn block_label(&self, b: Bb<'m>) -> String {
        let name = b.name();
        if !name.is_empty() {
            return name;
        }
        // LLVM numbers unnamed arguments, blocks and non-void instructions in order.
        let mut n = self.llf.params().iter().filter(|p| p.name().is_empty()).count();
        for bb in self.llf.blocks() {
            if bb.name().is_empty() {
                if bb == b {
                    return format!("%{n}");
                }
                n += 1;
            }
            n += bb
                .instructions()
                .iter()
                .filter(|i| i.name().is_empty() && i.ty().kind() != TypeKind::LLVMVoidTypeKind)
                .count();
        }
        "?".into()
    }

    /// Rejects a value whose result or operand types tessera cannot hold; `what` names the
    /// operation in the message. Aggregates are allowed only where `allow_agg`.
    pub(super) fn check_types(&self, v: Val<'m>, what: &str, allow_agg: bool) -> Result<()> {
        let mut tys = vec![v.ty()];
        tys.extend((0..v.num_operands()).filter_map(|i| v.operand(i)).map(|o| o.ty()));
        for t in tys {
            if matches!(t.kind(), TypeKind::LLVMLabelTypeKind | TypeKind::LLVMMetadataTypeKind) {
                continue;
            }
            match classify(t) {
                TyClass::Void | TyClass::Scalar(_) => {}
                TyClass::Aggregate => {
                    if let Err(i) = shape(t) {
                        return Err(self.unsupported(i.construct(what)));
                    }
                    if !allow_agg {
                        return Err(self.unsupported(format!("aggregate value ({what})")));
                    }
                }
                TyClass::Bad(i) => return Err(self.unsupported(i.construct(what))),
            }
        }
        Ok(())
    }

    /// The tessera type of a scalar LLVM type.
    pub(super) fn scalar_ty(&self, t: Ty<'m>, what: &str) -> Result<Type> {
        match classify(t) {
            TyClass::Scalar(s) => Ok(s),
            TyClass::Aggregate => Err(self.unsupported(format!("aggregate value ({what})"))),
            TyClass::Bad(i) => Err(self.unsupported(i.construct(what))),
            TyClass::Void => Err(internal("void where a value was expected")),
        }
    }

    // ---- operands ----

    /// The converted value of operand `v`: a defined value, a constant, a global's address,
    /// or a constant expression materialised at the cursor.
    pub(super) fn operand(&mut self, v: Val<'m>) -> Result<Lv> {
        if let Some(lv) = self.values.get(&v.key()) {
            return Ok(lv.clone());
        }
        match v.kind() {
            ValueKind::LLVMConstantIntValueKind => {
                let t = self.scalar_ty(v.ty(), "constant")?;
                let limbs = v.const_wide().ok_or_else(|| internal("unreadable integer constant"))?;
                Ok(Lv::S(self.f.const_wide(t, limbs)))
            }
            ValueKind::LLVMConstantPointerNullValueKind => {
                let t = self.scalar_ty(v.ty(), "constant")?;
                Ok(Lv::S(self.f.const_value(t, 0)))
            }
            ValueKind::LLVMUndefValueValueKind | ValueKind::LLVMPoisonValueKind => {
                let s = shape(v.ty()).map_err(|i| self.unsupported(i.construct("undef/poison constant")))?;
                Ok(self.poison_of(&s))
            }
            ValueKind::LLVMConstantAggregateZeroValueKind
            | ValueKind::LLVMConstantStructValueKind
            | ValueKind::LLVMConstantArrayValueKind
            | ValueKind::LLVMConstantDataArrayValueKind => {
                let s = shape(v.ty()).map_err(|i| self.unsupported(i.construct("aggregate constant")))?;
                let Shape::Agg(fields) = s else { return Err(internal("aggregate constant with a scalar type")) };
                let mut out = Vec::with_capacity(fields.len());
                for i in 0..fields.len() {
                    let e = v.aggregate_element(i as u32).ok_or_else(|| internal("aggregate constant too short"))?;
                    out.push(self.operand(e)?);
                }
                Ok(Lv::Agg(out))
            }
            ValueKind::LLVMGlobalVariableValueKind => {
                let g = self.m.global(v).map_err(|c| self.unsupported(c))?;
                Ok(Lv::S(self.f.global_addr(g)))
            }
            ValueKind::LLVMGlobalAliasValueKind => {
                let a = v.aliasee().ok_or_else(|| internal("alias without an aliasee"))?;
                self.operand(a)
            }
            ValueKind::LLVMFunctionValueKind => match self.m.fn_addrs.get(&v.key()) {
                Some(&addr) => Ok(Lv::S(self.f.const_value(Type::Ptr, addr))),
                None => Err(internal("a function used as a value is not address-taken")),
            },
            ValueKind::LLVMConstantExprValueKind => {
                self.convert_op(v)?.ok_or_else(|| internal("constant expression without a value"))
            }
            ValueKind::LLVMInstructionValueKind | ValueKind::LLVMArgumentValueKind => {
                Err(internal(&format!("use of '{}' before its definition", inst_text(v))))
            }
            k => Err(self.unsupported(super::globals::kind_noun(k).to_string())),
        }
    }

    /// Operand `v` as a single scalar.
    pub(super) fn scalar(&mut self, v: Option<Val<'m>>) -> Result<Value> {
        let v = v.ok_or_else(|| internal("missing operand"))?;
        match self.operand(v)? {
            Lv::S(x) => Ok(x),
            Lv::Agg(_) => Err(self.unsupported("aggregate value used as a scalar".into())),
        }
    }

    fn poison_of(&mut self, s: &Shape) -> Lv {
        match s {
            Shape::Scalar(t) => Lv::S(self.f.poison(*t)),
            Shape::Agg(fs) => Lv::Agg(fs.iter().map(|f| self.poison_of(f)).collect()),
        }
    }

    // ---- phis ----

    fn phi(&mut self, inst: Val<'m>, b: Bb<'m>) -> Result<()> {
        let s = shape(inst.ty()).map_err(|i| self.unsupported(i.construct("phi")))?;
        let mut leaves = Vec::new();
        let lv = self.make_phis(&s, &mut leaves);
        self.values.insert(inst.key(), lv);
        self.phis.push(PendingPhi { phi: inst, llblock: b, block: self.cur, leaves, loc: self.loc.clone() });
        Ok(())
    }

    fn make_phis(&mut self, s: &Shape, leaves: &mut Vec<Inst>) -> Lv {
        match s {
            Shape::Scalar(t) => {
                let (inst, v) = self.emit(InstKind::Phi { incoming: Vec::new() }, Some(*t));
                leaves.push(inst);
                v.map(Lv::S).unwrap_or(Lv::Agg(Vec::new()))
            }
            Shape::Agg(fs) => Lv::Agg(fs.iter().map(|f| self.make_phis(f, leaves)).collect()),
        }
    }

    /// Adds every phi's incoming values. Constant expressions among them are materialised
    /// at the end of the predecessor, before its terminator. Incoming edges from blocks that
    /// were not converted (dead, or cut off by a trap) are dropped, as are repeats.
    fn fill_phis(&mut self) -> Result<()> {
        let pending = std::mem::take(&mut self.phis);
        for p in pending {
            self.ctx_inst = Some(p.phi);
            self.ctx_block = Some(p.llblock);
            self.loc = p.loc.clone();
            let mut seen: Vec<Block> = Vec::new();
            for (v, pred) in p.phi.incoming() {
                let Some(&pb) = self.blocks.get(&pred.key()) else { continue };
                if seen.contains(&pb) || !self.f.successors(pb).contains(&p.block) {
                    continue;
                }
                seen.push(pb);
                self.cur = pb;
                self.before_term = true;
                let lv = self.operand(v)?;
                self.before_term = false;
                let mut vals = Vec::new();
                lv.leaves(&mut vals);
                if vals.len() != p.leaves.len() {
                    return Err(internal("phi operand shape differs from the phi's"));
                }
                for (&inst, &val) in p.leaves.iter().zip(&vals) {
                    if let InstKind::Phi { incoming } = &mut self.f.insts[inst].kind {
                        incoming.push((pb, val));
                    }
                }
            }
        }
        Ok(())
    }

    // ---- terminators ----

    fn terminator(&mut self, inst: Val<'m>, op: Opcode) -> Result<()> {
        let succs = inst.successors();
        let kind = match op {
            Opcode::LLVMBr => match inst.branch_condition() {
                Some(c) => {
                    let cond = self.scalar(Some(c))?;
                    let (Some(&t), Some(&e)) = (succs.first(), succs.get(1)) else {
                        return Err(internal("conditional branch without two targets"));
                    };
                    InstKind::CondBr { cond, if_true: self.block(t)?, if_false: self.block(e)? }
                }
                None => {
                    let t = succs.first().ok_or_else(|| internal("branch without a target"))?;
                    InstKind::Br { target: self.block(*t)? }
                }
            },
            Opcode::LLVMSwitch => {
                let value = self.scalar(inst.operand(0))?;
                let default = self.block(*succs.first().ok_or_else(|| internal("switch without a default"))?)?;
                let mut cases = Vec::new();
                for (k, s) in succs.iter().enumerate().skip(1) {
                    let cv = inst.operand(2 * k as u32).ok_or_else(|| internal("switch case without a value"))?;
                    let c = cv.const_int().ok_or_else(|| self.unsupported("switch case wider than 64 bits".into()))?;
                    cases.push((c & self.f.ty(value).mask(), self.block(*s)?));
                }
                InstKind::Switch { value, default, cases }
            }
            Opcode::LLVMRet => match inst.operand(0) {
                Some(v) if self.ret_slot.is_some() => {
                    let (slot, layout) = self.ret_slot.clone().expect("checked");
                    let lv = self.operand(v)?;
                    let mut leaves = Vec::new();
                    lv.leaves(&mut leaves);
                    if leaves.len() != layout.len() {
                        return Err(internal("returned aggregate does not match its type"));
                    }
                    for (leaf, (off, ty)) in leaves.into_iter().zip(layout) {
                        let addr = self.value(InstKind::Gep { base: slot, offset: off as i64, indices: vec![] }, Type::Ptr)?;
                        // Memory holds no poison: an undefined field (padding, an unset member)
                        // is stored as some value, which the caller may ignore as LLVM allows.
                        let value = self.value(InstKind::Freeze { arg: leaf }, ty)?;
                        self.emit(InstKind::Store { value, addr, align: 1 }, None);
                    }
                    InstKind::Ret { value: None }
                }
                Some(v) => {
                    let value = self.scalar(Some(v))?;
                    InstKind::Ret { value: Some(value) }
                }
                None => InstKind::Ret { value: None },
            },
            _ => InstKind::Unreachable,
        };
        self.emit(kind, None);
        Ok(())
    }

    /// Ends the current block with a trap (the rest of the LLVM block is dead).
    pub(super) fn trap(&mut self, reason: String) {
        self.emit(InstKind::Trap { reason }, None);
    }
}

/// An instruction as LLVM prints it, without metadata attachments (`, !dbg !12`).
pub(crate) fn inst_text(v: Val<'_>) -> String {
    let mut s = v.print().trim().to_string();
    while let Some(i) = s.rfind(", !") {
        let tail = &s[i + 3..];
        let mut parts = tail.splitn(2, ' ');
        let key = parts.next().unwrap_or("");
        let val = parts.next().unwrap_or("");
        let is_attachment = !key.is_empty()
            && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
            && val.starts_with('!')
            && !val.contains(' ');
        if !is_attachment {
            break;
        }
        s.truncate(i);
    }
    s
}

/// tessera's predicate for an LLVM integer predicate.
pub(crate) fn icmp_pred(p: IntPredicate) -> tessera_ir::IcmpPred {
    use tessera_ir::IcmpPred as P;
    use IntPredicate::*;
    match p {
        LLVMIntEQ => P::Eq,
        LLVMIntNE => P::Ne,
        LLVMIntUGT => P::Ugt,
        LLVMIntUGE => P::Uge,
        LLVMIntULT => P::Ult,
        LLVMIntULE => P::Ule,
        LLVMIntSGT => P::Sgt,
        LLVMIntSGE => P::Sge,
        LLVMIntSLT => P::Slt,
        LLVMIntSLE => P::Sle,
    }
}
