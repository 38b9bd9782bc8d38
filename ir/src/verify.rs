//! The IR verifier: structural rules, types, phi/predecessor agreement and SSA dominance.
//! Every problem is reported with the function, block and instruction it concerns.

use crate::display::Namer;
use crate::entity::{EntityRef, SecondaryMap};
use crate::inst::{CastOp, InstKind};
use crate::program::{Function, Program, ValueDef};
use crate::types::Type;
use crate::{Block, Func, Inst, Value};
use std::fmt;

/// One verifier finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierError {
    /// `@function`, `@function bb3` or `@function bb3: <instruction>`.
    pub location: String,
    pub message: String,
}

impl fmt::Display for VerifierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

/// All findings of one verifier run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierErrors(pub Vec<VerifierError>);

impl fmt::Display for VerifierErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for VerifierErrors {}

/// Checks the whole program; `Ok` when no rule is broken.
pub fn verify_program(p: &Program) -> Result<(), VerifierErrors> {
    let mut errs = Vec::new();
    for (fid, f) in p.funcs.iter() {
        verify_function_into(p, fid, f, &mut errs);
    }
    for g in p.globals.values() {
        if g.init.len() as u64 != g.size {
            errs.push(VerifierError {
                location: format!("@{}", g.name),
                message: format!("initialiser has {} bytes, global has {}", g.init.len(), g.size),
            });
        }
        for r in &g.relocs {
            if !p.globals.contains(r.target) || r.offset + 8 > g.size {
                errs.push(VerifierError {
                    location: format!("@{}", g.name),
                    message: format!("bad relocation at offset {}", r.offset),
                });
            }
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        Err(VerifierErrors(errs))
    }
}

struct Ctx<'a> {
    p: &'a Program,
    f: &'a Function,
    n: Namer,
    errs: &'a mut Vec<VerifierError>,
}

impl Ctx<'_> {
    fn err_block(&mut self, b: Block, message: String) {
        let location = format!("@{} {}", self.f.name, self.n.block(b));
        self.errs.push(VerifierError { location, message });
    }
    fn err_inst(&mut self, b: Block, i: Inst, message: String) {
        let location =
            format!("@{} {}: {}", self.f.name, self.n.block(b), self.n.inst(Some(self.p), self.f, i));
        self.errs.push(VerifierError { location, message });
    }
}

fn verify_function_into(p: &Program, _fid: Func, f: &Function, errs: &mut Vec<VerifierError>) {
    let n = Namer::new(f);
    let mut cx = Ctx { p, f, n, errs };
    if f.layout.is_empty() {
        cx.errs.push(VerifierError { location: format!("@{}", f.name), message: "no blocks".into() });
        return;
    }
    if f.param_noundef.len() != f.params.len() {
        let message = format!("{} noundef flags for {} parameters", f.param_noundef.len(), f.params.len());
        cx.errs.push(VerifierError { location: format!("@{}", f.name), message });
    }
    if f.ret_noundef && f.ret.is_none() {
        cx.errs.push(VerifierError { location: format!("@{}", f.name), message: "a void return marked noundef".into() });
    }
    // Every layout block exists once; every instruction sits in exactly one block.
    let mut in_layout = SecondaryMap::with_capacity_default(f.blocks.len(), false);
    let mut inst_block: SecondaryMap<Inst, Option<Block>> = SecondaryMap::with_capacity_default(f.insts.len(), None);
    for &b in &f.layout {
        if !f.blocks.contains(b) {
            cx.errs.push(VerifierError { location: format!("@{}", f.name), message: format!("layout names missing {b}") });
            return;
        }
        if in_layout[b] {
            cx.err_block(b, "block appears twice in the layout".into());
        }
        in_layout[b] = true;
        for &i in &f.blocks[b].insts {
            if !f.insts.contains(i) {
                cx.err_block(b, format!("names missing instruction {i}"));
                return;
            }
            if inst_block[i].is_some() {
                cx.err_inst(b, i, "instruction is in two blocks".into());
            }
            inst_block[i] = Some(b);
        }
    }
    // Values: definitions agree with instruction results, types are supported.
    for (v, d) in f.values.iter() {
        if !d.ty.is_valid() {
            cx.errs.push(VerifierError { location: format!("@{}", f.name), message: format!("value {v} has bad type {}", d.ty) });
        }
        match &d.def {
            ValueDef::Inst(i) if f.insts.get(*i).and_then(|x| x.result) != Some(v) => {
                cx.errs.push(VerifierError { location: format!("@{}", f.name), message: format!("value {v} claims to be the result of {i}, which disagrees") });
            }
            ValueDef::GlobalAddr(g) if !p.globals.contains(*g) => {
                cx.errs.push(VerifierError { location: format!("@{}", f.name), message: format!("value {v} names missing global {g}") });
            }
            ValueDef::Param(k) if f.params.get(*k as usize) != Some(&v) => {
                cx.errs.push(VerifierError { location: format!("@{}", f.name), message: format!("value {v} claims to be parameter {k}") });
            }
            _ => {}
        }
    }
    let preds = predecessors(f);
    for &b in &f.layout {
        let insts = &f.blocks[b].insts;
        if insts.is_empty() {
            cx.err_block(b, "empty block (needs a terminator)".into());
            continue;
        }
        let mut seen_non_phi = false;
        for (k, &i) in insts.iter().enumerate() {
            let kind = &f.insts[i].kind;
            let last = k + 1 == insts.len();
            if kind.is_terminator() != last {
                let m = if last { "block does not end in a terminator" } else { "terminator before the end of the block" };
                cx.err_inst(b, i, m.into());
            }
            if matches!(kind, InstKind::Phi { .. }) {
                if seen_non_phi {
                    cx.err_inst(b, i, "phi after a non-phi instruction".into());
                }
            } else {
                seen_non_phi = true;
            }
            check_inst(&mut cx, b, i, &preds[b.index()], &in_layout);
        }
    }
    if cx.errs.is_empty() {
        check_dominance(&mut cx, &preds, &inst_block);
    }
}

/// Predecessors of every block (indexed by block index), from layout blocks' terminators.
pub fn predecessors(f: &Function) -> Vec<Vec<Block>> {
    let mut preds = vec![Vec::new(); f.blocks.len()];
    for &b in &f.layout {
        for s in f.successors(b) {
            if let Some(ps) = preds.get_mut(s.index()) {
                ps.push(b);
            }
        }
    }
    preds
}

fn check_inst(cx: &mut Ctx, b: Block, i: Inst, preds: &[Block], in_layout: &SecondaryMap<Block, bool>) {
    let f = cx.f;
    let data = &f.insts[i];
    let mut bad = Vec::new();
    data.kind.for_each_operand(|v| {
        if !f.values.contains(v) {
            bad.push(format!("operand {v} does not exist"));
        }
    });
    for s in data.kind.successors() {
        if !f.blocks.contains(s) || !*in_layout.get(s) {
            bad.push(format!("branches to {s}, which is not in the function"));
        }
    }
    if !bad.is_empty() {
        for m in bad {
            cx.err_inst(b, i, m);
        }
        return;
    }
    let ty = |v: Value| f.values[v].ty;
    let rty = data.result.map(|r| f.values[r].ty);
    let is_int = |t: Type| matches!(t, Type::Int(_));
    let mut e = |m: String| bad.push(m);
    use InstKind::*;
    match &data.kind {
        Binary { lhs, rhs, .. }
            if (ty(*lhs) != ty(*rhs) || !is_int(ty(*lhs)) || rty != Some(ty(*lhs))) => {
                e("binary operands and result must be one integer type".into());
            }
        Icmp { lhs, rhs, .. }
            if (ty(*lhs) != ty(*rhs) || rty != Some(Type::I1)) => {
                e("icmp operands must share a type and the result be i1".into());
            }
        Select { cond, if_true, if_false }
            if (ty(*cond) != Type::I1 || ty(*if_true) != ty(*if_false) || rty != Some(ty(*if_true))) => {
                e("select needs an i1 condition and arms of the result type".into());
            }
        Cast { op, arg, .. } => {
            let (a, r) = (ty(*arg), rty.unwrap_or(Type::I1));
            let ok = match op {
                CastOp::Zext | CastOp::Sext => is_int(a) && is_int(r) && r.bits() > a.bits(),
                CastOp::Trunc => is_int(a) && is_int(r) && r.bits() < a.bits(),
                CastOp::PtrToInt => a == Type::Ptr && is_int(r),
                CastOp::IntToPtr => is_int(a) && r == Type::Ptr,
            } && rty.is_some();
            if !ok {
                e(format!("{} from {a} to {r} is not a valid conversion", op.name()));
            }
        }
        Freeze { arg } if rty != Some(ty(*arg)) => e("freeze must keep its operand's type".into()),
        Phi { incoming } => {
            let mut from: Vec<Block> = incoming.iter().map(|x| x.0).collect();
            from.sort();
            from.dedup();
            let mut p: Vec<Block> = preds.to_vec();
            p.sort();
            p.dedup();
            if from != p || from.len() != incoming.len() {
                e("phi incoming blocks differ from the block's predecessors".into());
            }
            if incoming.iter().any(|(_, v)| Some(ty(*v)) != rty) {
                e("phi operand type differs from the result".into());
            }
        }
        Alloca { count, .. } if !is_int(ty(*count)) || rty != Some(Type::Ptr) => {
            e("alloca needs an integer count and a ptr result".into())
        }
        StackSave if rty != Some(Type::Ptr) => e("stacksave needs a ptr result".into()),
        StackRestore { mark } if ty(*mark) != Type::Ptr || rty.is_some() => {
            e("stackrestore needs a ptr mark and no result".into())
        }
        Load { addr, .. } if ty(*addr) != Type::Ptr || rty.is_none() => e("load needs a ptr address and a result".into()),
        Store { addr, .. } if ty(*addr) != Type::Ptr || rty.is_some() => e("store needs a ptr address and no result".into()),
        PredLoad { pred, addr, .. } if ty(*pred) != Type::I1 || ty(*addr) != Type::Ptr || rty.is_none() => {
            e("load.if needs an i1 predicate, a ptr address and a result".into())
        }
        PredStore { pred, addr, .. } if ty(*pred) != Type::I1 || ty(*addr) != Type::Ptr || rty.is_some() => {
            e("store.if needs an i1 predicate, a ptr address and no result".into())
        }
        Gep { base, indices, .. }
            if (ty(*base) != Type::Ptr || rty != Some(Type::Ptr) || indices.iter().any(|(v, _)| !is_int(ty(*v)))) => {
                e("gep needs a ptr base, integer indices and a ptr result".into());
            }
        Call { callee, args } => match cx.p.funcs.get(*callee) {
            None => e(format!("calls missing function {callee}")),
            Some(c) => {
                if c.params.len() != args.len() || c.params.iter().zip(args).any(|(p, a)| c.ty(*p) != ty(*a)) {
                    e(format!("arguments do not match @{}'s parameters", c.name));
                }
                if c.ret != rty {
                    e(format!("result type does not match @{}'s return type", c.name));
                }
            }
        },
        CallIndirect { target, callees, args } => {
            if ty(*target) != Type::Ptr {
                e("an indirect call's target must be a ptr".into());
            }
            for (_, callee) in callees {
                match cx.p.funcs.get(*callee) {
                    None => e(format!("indirect call names missing function {callee}")),
                    Some(c) => {
                        if c.params.len() != args.len() || c.params.iter().zip(args).any(|(p, a)| c.ty(*p) != ty(*a)) || c.ret != rty {
                            e(format!("indirect call's type does not match target @{}", c.name));
                        }
                    }
                }
            }
        }
        Intrinsic { op, args }
            if (args.len() != op.arity() || rty.is_none()) => {
                e(format!("{} takes {} operands and gives a result", op.name(), op.arity()));
            }
        MemCopy { dst, src, len, .. } if ty(*dst) != Type::Ptr || ty(*src) != Type::Ptr || !is_int(ty(*len)) => {
            e("memcpy needs ptr, ptr, integer".into())
        }
        MemSet { dst, len, .. } if ty(*dst) != Type::Ptr || !is_int(ty(*len)) => e("memset needs ptr, byte, integer".into()),
        CondBr { cond, .. } if ty(*cond) != Type::I1 => e("branch condition must be i1".into()),
        Switch { value, .. } if !is_int(ty(*value)) => e("switch on a non-integer".into()),
        Ret { value }
            if value.map(ty) != f.ret => {
                e("return value does not match the function's return type".into());
            }
        _ => {}
    }
    for m in bad {
        cx.err_inst(b, i, m);
    }
}

/// Immediate dominators of the blocks reachable from the entry (Cooper, Harvey, Kennedy).
/// Unreachable blocks map to `None`.
pub fn immediate_dominators(f: &Function) -> SecondaryMap<Block, Option<Block>> {
    let entry = f.entry();
    // Reverse postorder over reachable blocks.
    let mut order = Vec::new();
    let mut visited = SecondaryMap::with_capacity_default(f.blocks.len(), false);
    let mut stack = vec![(entry, 0usize)];
    visited[entry] = true;
    while let Some((b, k)) = stack.pop() {
        let succ = f.successors(b);
        if k < succ.len() {
            stack.push((b, k + 1));
            let s = succ[k];
            if !visited[s] {
                visited[s] = true;
                stack.push((s, 0));
            }
        } else {
            order.push(b);
        }
    }
    order.reverse();
    let mut rpo = SecondaryMap::with_capacity_default(f.blocks.len(), usize::MAX);
    for (k, &b) in order.iter().enumerate() {
        rpo[b] = k;
    }
    let preds = predecessors(f);
    let mut idom: SecondaryMap<Block, Option<Block>> = SecondaryMap::with_capacity_default(f.blocks.len(), None);
    idom[entry] = Some(entry);
    let mut changed = true;
    while changed {
        changed = false;
        for &b in order.iter().skip(1) {
            let mut new: Option<Block> = None;
            for &p in &preds[b.index()] {
                if idom[p].is_none() {
                    continue;
                }
                new = Some(match new {
                    None => p,
                    Some(mut a) => {
                        let mut c = p;
                        while a != c {
                            while rpo[a] > rpo[c] {
                                a = idom[a].unwrap_or(entry);
                            }
                            while rpo[c] > rpo[a] {
                                c = idom[c].unwrap_or(entry);
                            }
                        }
                        a
                    }
                });
            }
            if new.is_some() && idom[b] != new {
                idom[b] = new;
                changed = true;
            }
        }
    }
    idom[entry] = None;
    let mut out = SecondaryMap::with_capacity_default(f.blocks.len(), None);
    for &b in &order {
        out[b] = idom[b];
    }
    out
}

fn check_dominance(cx: &mut Ctx, preds: &[Vec<Block>], inst_block: &SecondaryMap<Inst, Option<Block>>) {
    let f = cx.f;
    let idom = immediate_dominators(f);
    let entry = f.entry();
    let reachable = |b: Block| b == entry || idom[b].is_some();
    let dominates = |a: Block, mut b: Block| loop {
        if a == b {
            return true;
        }
        match idom[b] {
            Some(d) => b = d,
            None => return false,
        }
    };
    let mut pos = SecondaryMap::with_capacity_default(f.insts.len(), 0usize);
    for &b in &f.layout {
        for (k, &i) in f.blocks[b].insts.iter().enumerate() {
            pos[i] = k;
        }
    }
    let _ = preds;
    for &b in &f.layout {
        if !reachable(b) {
            continue;
        }
        for &i in &f.blocks[b].insts {
            let mut problems = Vec::new();
            let check = |v: Value, use_block: Block, use_pos: Option<usize>, problems: &mut Vec<String>| {
                if let ValueDef::Inst(d) = f.values[v].def {
                    let Some(db) = inst_block[d] else {
                        problems.push(format!("uses a value whose instruction {d} is in no block"));
                        return;
                    };
                    let ok = if db == use_block {
                        use_pos.is_none_or(|p| pos[d] < p)
                    } else {
                        dominates(db, use_block)
                    };
                    if !ok {
                        problems.push("uses a value whose definition does not dominate it".into());
                    }
                }
            };
            match &f.insts[i].kind {
                InstKind::Phi { incoming } => {
                    for (pb, v) in incoming {
                        if reachable(*pb) {
                            check(*v, *pb, None, &mut problems);
                        }
                    }
                }
                kind => kind.for_each_operand(|v| check(v, b, Some(pos[i]), &mut problems)),
            }
            for m in problems {
                cx.err_inst(b, i, m);
            }
        }
    }
}
