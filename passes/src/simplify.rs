//! Cleans the CFG without changing behaviour: branches on constants become jumps, unreachable
//! blocks go, phis whose incoming values all agree are replaced by that value, and
//! instructions whose results are unused and that cannot trap or write are removed.

use crate::edit::{phis, remove_unreachable};
use indexmap::IndexMap;
use tessera_ir::{Function, InstKind};

/// Runs the clean-ups to a fixed point.
pub fn simplify(f: &mut Function) {
    loop {
        let mut changed = fold_branches(f);
        changed |= remove_unreachable(f);
        changed |= fold_trivial_phis(f);
        changed |= remove_dead(f);
        if !changed {
            return;
        }
    }
}

fn fold_branches(f: &mut Function) -> bool {
    let mut changed = false;
    for &b in &f.layout.clone() {
        let Some(t) = f.terminator(b) else { continue };
        let new = match &f.insts[t].kind {
            InstKind::CondBr { cond, if_true, if_false } => match f.as_const(*cond) {
                _ if if_true == if_false => Some(*if_true),
                Some(c) => Some(if c & 1 == 1 { *if_true } else { *if_false }),
                None => None,
            },
            InstKind::Switch { value, default, cases } => match f.as_const(*value) {
                Some(c) => Some(cases.iter().find(|(k, _)| *k == c).map(|(_, b)| *b).unwrap_or(*default)),
                None if cases.iter().all(|(_, x)| x == default) => Some(*default),
                None => None,
            },
            _ => None,
        };
        if let Some(target) = new {
            f.insts[t].kind = InstKind::Br { target };
            changed = true;
        }
    }
    if changed {
        crate::edit::prune_phis(f);
    }
    changed
}

fn fold_trivial_phis(f: &mut Function) -> bool {
    let mut map = IndexMap::new();
    for &b in &f.layout.clone() {
        let mut dead = Vec::new();
        for i in phis(f, b) {
            let InstKind::Phi { incoming } = &f.insts[i].kind else { continue };
            let r = f.insts[i].result.expect("phi result");
            let mut vals = incoming.iter().map(|(_, v)| *v).filter(|&v| v != r);
            let Some(first) = vals.next() else { continue };
            if vals.all(|v| v == first) {
                map.insert(r, first);
                dead.push(i);
            }
        }
        f.blocks[b].insts.retain(|i| !dead.contains(i));
    }
    let changed = !map.is_empty();
    crate::edit::replace_uses(f, &map);
    changed
}

/// True for instructions that only compute their result: no memory access, no trap.
fn is_pure(kind: &InstKind) -> bool {
    use tessera_ir::BinOp::*;
    match kind {
        InstKind::Binary { op, .. } => !matches!(op, UDiv | SDiv | URem | SRem),
        InstKind::Icmp { .. }
        | InstKind::Select { .. }
        | InstKind::Cast { .. }
        | InstKind::Freeze { .. }
        | InstKind::Phi { .. }
        | InstKind::Gep { .. }
        | InstKind::Intrinsic { .. } => true,
        _ => false,
    }
}

/// Removes pure instructions whose results nobody uses, to a fixed point.
fn remove_dead(f: &mut Function) -> bool {
    use tessera_ir::entity::EntityRef;
    let mut any = false;
    loop {
        let mut used = vec![false; f.values.len()];
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                f.insts[i].kind.for_each_operand(|v| used[v.index()] = true);
            }
        }
        let mut changed = false;
        for &b in &f.layout.clone() {
            let before = f.blocks[b].insts.len();
            let insts = std::mem::take(&mut f.blocks[b].insts);
            let kept: Vec<_> = insts
                .into_iter()
                .filter(|&i| {
                    let d = &f.insts[i];
                    !(is_pure(&d.kind) && d.result.is_some_and(|r| !used[r.index()]))
                })
                .collect();
            changed |= kept.len() != before;
            f.blocks[b].insts = kept;
        }
        if !changed {
            return any;
        }
        any = true;
    }
}
