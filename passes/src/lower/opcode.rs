//! Opcode grouping: one template per instruction kind and width, whose operands and
//! immediates are per-copy inputs, as a register machine reads them.

use super::{global_addresses, member_selectors, origin_of, Ctx, Imm, LowerError, RangeCheck};
use super::builder::IVal;
use super::Poison;
use crate::canon::Classes;
use crate::template::{block_tag, Node, StateRecord, Template};
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
        InstKind::Load { .. } => format!("load.{rty}"),
        InstKind::PredLoad { .. } => format!("load.if.{rty}"),
        InstKind::Store { value, .. } => format!("store.{}", ty(*value)),
        InstKind::PredStore { value, .. } => format!("store.if.{}", ty(*value)),
        InstKind::Gep { indices, .. } => {
            let w: Vec<String> = indices.iter().map(|(v, _)| ty(*v)).collect();
            format!("gep.{}", w.join("."))
        }
        InstKind::Call { .. } => "call".into(),
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
        InstKind::Br { .. } => "br".into(),
        InstKind::CondBr { .. } => "condbr".into(),
        InstKind::Switch { value, cases, .. } => format!("switch.{}.{}", ty(*value), cases.len()),
        InstKind::Ret { value } => format!("ret{}", value.map(|v| format!(".{}", ty(v))).unwrap_or_default()),
        InstKind::Unreachable => "unreachable".into(),
        InstKind::Trap { .. } => "trap".into(),
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

/// The opcode templates of every reachable instruction of `f`, keyed by [`opcode_key`], in
/// layout order.
pub fn lower_opcodes(
    p: &Program,
    f: &Function,
    classes: &Classes,
    range: &Arc<dyn RangeCheck>,
) -> Result<(indexmap::IndexMap<String, usize>, Vec<Template>), LowerError> {
    let mut keys = indexmap::IndexMap::new();
    let mut templates = Vec::new();
    for &b in &f.layout {
        if !classes.of_block.contains_key(&b) {
            continue;
        }
        for &i in &f.blocks[b].insts {
            let k = opcode_key(f, i);
            if !keys.contains_key(&k) {
                keys.insert(k, templates.len());
                templates.push(lower_opcode(p, f, b, i, range)?);
            }
        }
    }
    Ok((keys, templates))
}

/// An opcode template: instruction `i` with its operands, then its immediates, as inputs.
/// Records are register-machine style: the consumed record holds the operands read, the
/// produced one the result written (tag, step and sp as in state records).
pub fn lower_opcode(
    p: &Program,
    f: &Function,
    b: Block,
    i: Inst,
    range: &Arc<dyn RangeCheck>,
) -> Result<Template, LowerError> {
    let globals = global_addresses(p);
    let d = &f.insts[i];
    let mut operands = Vec::new();
    d.kind.for_each_operand(|v| operands.push(v));
    if let InstKind::Phi { incoming } = &d.kind {
        operands = incoming.iter().take(1).map(|(_, v)| *v).collect();
    }
    let imms = immediates(f, i);
    let has_sp = matches!(d.kind, InstKind::Alloca { .. });
    let mut names: Vec<String> = Vec::new();
    if has_sp {
        names.push("sp".into());
    }
    names.extend((0..operands.len()).map(|k| format!("operand{k}")));
    names.extend((0..imms.len()).map(|k| format!("immediate{k}")));
    let key = opcode_key(f, i);
    let mut cx = Ctx::new(p, f, &globals, key, names, Imm::Input, range.clone());
    let namer = Namer::new(f);
    cx.origin = Some(origin_of(p, f, &namer, b, i));
    cx.b.set_origin(cx.origin.clone());
    cx.sp = if has_sp { cx.b.live_in() } else { cx.b.c(STACK_BASE as i128) };
    let sp_in = cx.sp;
    let mut read = vec![];
    for &v in &operands {
        let node = cx.b.live_in();
        read.push(node);
        cx.vals.insert(v, IVal { node, bits: f.ty(v).bits(), poison: Poison::none() });
    }
    member_selectors(&mut cx.b, 1);
    let one = cx.b.c(1);
    let step1 = cx.b.add(cx.b.step, one);
    let tag = cx.b.c(0);
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
            let x = cx.value(*value)?;
            let vals: Vec<Node> = cases.iter().map(|_| cx.imm(0)).collect();
            let tags: Vec<Node> = cases.iter().map(|_| cx.imm(0)).collect();
            let dflt = cx.imm(0);
            // The first matching case wins (case values are distinct in valid IR).
            let mut acc = dflt;
            for (v, t) in vals.iter().zip(&tags).rev() {
                let dd = cx.b.sub(x.node, *v);
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
            let e = cx.b.enabled;
            cx.b.residual(e, "a trap: no copy may run it");
            vec![]
        }
        _ => {
            cx.inst(i)?;
            d.result.and_then(|r| cx.vals.get(&r)).map(|v| vec![v.node]).unwrap_or_default()
        }
    };
    let enabled = cx.b.enabled;
    let mut consumed = vec![tag, cx.b.step, sp_in];
    consumed.extend(&read);
    // Immediates come from the program, like the opcode: the glue checks them against it.
    consumed.extend(cx.imm_nodes.iter().copied());
    let mut produced = vec![tag, step1, cx.sp];
    produced.extend(written);
    Ok(cx.b.finish(
        StateRecord { active: enabled, fields: consumed },
        StateRecord { active: enabled, fields: produced },
        1,
        1,
    ))
}
