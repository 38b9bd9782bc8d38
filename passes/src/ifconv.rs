//! If-conversion: a single-entry, acyclic set of blocks becomes one branch-free block.
//!
//! Every block of the set gets a path predicate; branches become selects on those predicates,
//! phis become select chains, and what must not run on a path not taken is predicated: loads
//! and stores become `load.if`/`store.if`, divisors become `select(p, d, 1)`, memcpy/memset
//! lengths `select(p, n, 0)`. Predicates are built with `select` (not `and`/`or`), so a poison
//! condition on a path not taken never leaks. Edges leaving the set (and back edges to its
//! entry) become the merged block's terminator, with the successors' phis resolved by select
//! chains. The merged block keeps the entry's handle, so edges into the set are unchanged.

use crate::edit::{create_inst, phis, Builder};
use indexmap::{IndexMap, IndexSet};
use tessera_ir::entity::EntityRef;
use tessera_ir::{BinOp, Block, Function, IcmpPred, InstKind, Type, Value};

/// Why a set of blocks was not converted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A block other than the entry is entered from outside the set.
    SideEntry(Block),
    /// The set has a cycle that is not a back edge to the entry.
    Cycle,
    /// A block ends in something other than a branch (a return or a trap).
    Terminator(Block),
    /// An instruction that cannot be executed speculatively or predicated.
    Unpredicable(Block),
    /// The entry's successors are all outside the set: nothing to convert.
    Trivial,
}

/// Blocks of `set` in a topological order of the edges inside the set (back edges to the
/// entry ignored), entry first; `None` if those edges have a cycle.
fn topo_order(f: &Function, set: &IndexSet<Block>) -> Option<Vec<Block>> {
    let h = set[0];
    let mut indeg: IndexMap<Block, usize> = set.iter().map(|&b| (b, 0)).collect();
    for &a in set {
        for s in f.successors(a) {
            if s != h && set.contains(&s) {
                *indeg.get_mut(&s).expect("in set") += 1;
            }
        }
    }
    let mut ready = vec![h];
    let mut order = Vec::new();
    while let Some(a) = ready.pop() {
        order.push(a);
        // Push in reverse so the first successor is handled first.
        for s in f.successors(a).into_iter().rev() {
            if s != h && set.contains(&s) {
                let d = indeg.get_mut(&s).expect("in set");
                *d -= 1;
                if *d == 0 {
                    ready.push(s);
                }
            }
        }
    }
    (order.len() == set.len()).then_some(order)
}

/// Checks that `set` (entry first) can be converted; returns its topological order.
pub fn check(f: &Function, set: &IndexSet<Block>) -> Result<Vec<Block>, Refusal> {
    let preds = tessera_ir::verify::predecessors(f);
    for &b in set.iter().skip(1) {
        if preds[b.index()].iter().any(|p| !set.contains(p)) {
            return Err(Refusal::SideEntry(b));
        }
    }
    for &b in set {
        let t = f.terminator(b).expect("terminated block");
        if !matches!(f.insts[t].kind, InstKind::Br { .. } | InstKind::CondBr { .. } | InstKind::Switch { .. }) {
            return Err(Refusal::Terminator(b));
        }
        for &i in &f.blocks[b].insts {
            if matches!(
                f.insts[i].kind,
                InstKind::Alloca { .. } | InstKind::StackSave | InstKind::StackRestore { .. } | InstKind::Call { .. }
            ) {
                return Err(Refusal::Unpredicable(b));
            }
        }
    }
    if set.len() < 2 {
        return Err(Refusal::Trivial);
    }
    topo_order(f, set).ok_or(Refusal::Cycle)
}

/// True when every path from the entry through the set (ending at an exit edge) passes `b`.
fn on_every_path(f: &Function, set: &IndexSet<Block>, b: Block) -> bool {
    let h = set[0];
    if b == h {
        return true;
    }
    let mut seen = IndexSet::new();
    let mut stack = vec![h];
    while let Some(a) = stack.pop() {
        if !seen.insert(a) {
            continue;
        }
        for s in f.successors(a) {
            if s == h || !set.contains(&s) {
                return false; // reached an exit without passing b
            }
            if s != b {
                stack.push(s);
            }
        }
    }
    true
}

/// Converts `set` (entry first) into one block; the entry's handle stays. Returns the number
/// of blocks removed.
pub fn if_convert(f: &mut Function, set: &IndexSet<Block>) -> Result<usize, Refusal> {
    let order = check(f, set)?;
    let h = set[0];
    let always: IndexSet<Block> = order.iter().copied().filter(|&b| on_every_path(f, set, b)).collect();
    let mut pred: IndexMap<Block, Value> = IndexMap::new();
    // Conditions of edges already computed: (from, to) -> predicate of taking that edge.
    let mut edge: IndexMap<(Block, Block), Value> = IndexMap::new();
    let mut phi_map: IndexMap<Value, Value> = IndexMap::new();
    let tru = f.const_value(Type::I1, 1);
    let mut bld = Builder::new(f);
    let mut keep_phis = phis(bld.f, h);
    let mut out = std::mem::take(&mut keep_phis);
    for &b in &order {
        // The block's predicate: the disjunction of its incoming edges.
        let p = if always.contains(&b) {
            tru
        } else {
            let ins: Vec<Value> = edge.iter().filter(|((_, to), _)| *to == b).map(|(_, &v)| v).collect();
            let mut acc = ins[0];
            for &x in &ins[1..] {
                acc = bld.or(acc, x);
            }
            acc
        };
        pred.insert(b, p);
        let insts = bld.f.blocks[b].insts.clone();
        for i in insts {
            let kind = bld.f.insts[i].kind.clone();
            bld.loc = bld.f.insts[i].loc.clone();
            match kind {
                InstKind::Phi { .. } if b == h => {}
                InstKind::Phi { incoming } => {
                    // One incoming edge is taken when the block runs: a select chain.
                    let mut v = incoming.last().expect("phi has incoming").1;
                    for &(from, x) in incoming.iter().rev().skip(1) {
                        let c = edge[&(from, b)];
                        v = bld.select(c, x, v);
                    }
                    let r = bld.f.insts[i].result.expect("phi result");
                    phi_map.insert(r, v);
                }
                InstKind::Br { .. } | InstKind::CondBr { .. } | InstKind::Switch { .. } => {
                    for (to, c) in edge_conditions(&mut bld, &kind) {
                        let e = bld.and(p, c);
                        match edge.get(&(b, to)) {
                            Some(&old) => {
                                let merged = bld.or(old, e);
                                edge.insert((b, to), merged);
                            }
                            None => {
                                edge.insert((b, to), e);
                            }
                        }
                    }
                }
                _ if p == tru => bld.out.push(i),
                k => {
                    predicate(&mut bld, i, k, p);
                }
            }
        }
    }
    // The merged block's exits, grouped by target in order of appearance.
    let mut exits: IndexMap<Block, Vec<(Block, Value)>> = IndexMap::new();
    for (&(from, to), &c) in &edge {
        if to == h || !set.contains(&to) {
            exits.entry(to).or_default().push((from, c));
        }
    }
    let mut exit_cond: Vec<(Block, Value)> = Vec::new();
    for (&t, es) in &exits {
        let mut acc = es[0].1;
        for &(_, c) in &es[1..] {
            acc = bld.or(acc, c);
        }
        exit_cond.push((t, acc));
    }
    // Successor phis: one incoming from the merged block, a select chain over the edges.
    for (&t, es) in &exits {
        for phi in phis(bld.f, t) {
            let InstKind::Phi { incoming } = bld.f.insts[phi].kind.clone() else { continue };
            let from_set: Vec<(Block, Value)> = incoming.iter().filter(|(b, _)| set.contains(b)).copied().collect();
            if from_set.is_empty() {
                continue;
            }
            let val_of = |b: Block| from_set.iter().find(|(x, _)| *x == b).map(|(_, v)| *v);
            let mut v = val_of(es.last().expect("edge").0).expect("phi names the edge");
            for &(from, c) in es.iter().rev().skip(1) {
                let x = val_of(from).expect("phi names the edge");
                v = bld.select(c, x, v);
            }
            let mut new_in: Vec<(Block, Value)> = incoming.into_iter().filter(|(b, _)| !set.contains(b)).collect();
            new_in.push((h, v));
            bld.f.insts[phi].kind = InstKind::Phi { incoming: new_in };
        }
    }
    let term = match exit_cond.as_slice() {
        [] => InstKind::Unreachable,
        [(t, _)] => InstKind::Br { target: *t },
        [(t1, c1), (t2, _)] => InstKind::CondBr { cond: *c1, if_true: *t1, if_false: *t2 },
        many => {
            let mut idx = bld.f.const_value(Type::I32, (many.len() - 1) as u64);
            for (k, &(_, c)) in many.iter().enumerate().rev().skip(1) {
                let kv = bld.f.const_value(Type::I32, k as u64);
                idx = bld.select(c, kv, idx);
            }
            let default = many.last().expect("exits").0;
            let cases = many.iter().enumerate().take(many.len() - 1).map(|(k, &(t, _))| (k as u64, t)).collect();
            InstKind::Switch { value: idx, default, cases }
        }
    };
    bld.emit_void(term);
    out.extend(bld.out);
    let f = bld.f;
    f.blocks[h].insts = out;
    let removed = set.len() - 1;
    f.layout.retain(|b| *b == h || !set.contains(b));
    crate::edit::replace_uses(f, &phi_map);
    Ok(removed)
}

/// The condition of each edge of a terminator (duplicates kept; the caller merges them).
fn edge_conditions(bld: &mut Builder, kind: &InstKind) -> Vec<(Block, Value)> {
    match kind {
        InstKind::Br { target } => vec![(*target, bld.bool_const(true))],
        InstKind::CondBr { cond, if_true, if_false } => {
            if if_true == if_false {
                return vec![(*if_true, bld.bool_const(true))];
            }
            let n = bld.not(*cond);
            vec![(*if_true, *cond), (*if_false, n)]
        }
        InstKind::Switch { value, default, cases } => {
            let ty = bld.f.ty(*value);
            let mut out = Vec::new();
            let mut any = bld.bool_const(false);
            for &(c, t) in cases {
                let k = bld.f.const_value(ty, c);
                let eq = bld.emit(InstKind::Icmp { pred: IcmpPred::Eq, lhs: *value, rhs: k }, Type::I1);
                any = bld.or(any, eq);
                out.push((t, eq));
            }
            let none = bld.not(any);
            out.push((*default, none));
            out
        }
        _ => Vec::new(),
    }
}

/// Emits instruction `i` (of kind `k`) so that it has no effect and cannot trap when `p` is
/// false.
fn predicate(bld: &mut Builder, i: tessera_ir::Inst, k: InstKind, p: Value) {
    let f = &mut *bld.f;
    let new_kind = match k {
        InstKind::Load { addr, align } => Some(InstKind::PredLoad { pred: p, addr, align }),
        InstKind::Store { value, addr, align } => Some(InstKind::PredStore { pred: p, value, addr, align }),
        // Already predicated (a region being converted again, e.g. by unrolling): both hold.
        InstKind::PredLoad { pred, addr, align } => {
            let both = bld.and(p, pred);
            Some(InstKind::PredLoad { pred: both, addr, align })
        }
        InstKind::PredStore { pred, value, addr, align } => {
            let both = bld.and(p, pred);
            Some(InstKind::PredStore { pred: both, value, addr, align })
        }
        InstKind::Binary { op: op @ (BinOp::UDiv | BinOp::SDiv | BinOp::URem | BinOp::SRem), flags, lhs, rhs } => {
            let ty = f.ty(rhs);
            let one = f.const_value(ty, 1);
            let (sel, d) = create_inst(f, InstKind::Select { cond: p, if_true: rhs, if_false: one }, Some(ty), bld.loc.clone());
            bld.out.push(sel);
            Some(InstKind::Binary { op, flags, lhs, rhs: d.expect("select result") })
        }
        InstKind::MemCopy { dst, src, len, overlap } => {
            let n = guarded_len(bld, p, len);
            Some(InstKind::MemCopy { dst, src, len: n, overlap })
        }
        InstKind::MemSet { dst, byte, len } => {
            let n = guarded_len(bld, p, len);
            Some(InstKind::MemSet { dst, byte, len: n })
        }
        _ => None,
    };
    if let Some(k) = new_kind {
        bld.f.insts[i].kind = k;
    }
    bld.out.push(i);
}

fn guarded_len(bld: &mut Builder, p: Value, len: Value) -> Value {
    let ty = bld.f.ty(len);
    let zero = bld.f.const_value(ty, 0);
    bld.select(p, len, zero)
}
