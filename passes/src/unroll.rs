//! Unrolling of single-block loops by `k`: the block is cloned `k - 1` times in a chain and the
//! chain is if-converted, so one region runs `k` iterations, each predicated on the loop not
//! having exited before it. Trip counts need not be multiples of `k`.

use crate::edit::{create_inst, phis};
use crate::ifconv::if_convert;
use indexmap::{IndexMap, IndexSet};
use tessera_ir::entity::EntityRef;
use tessera_ir::{Block, Function, InstKind, Value};

/// How the unroll factor is chosen.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum UnrollPolicy {
    /// Unroll every single-block loop by this factor (1: no unrolling).
    Fixed(u32),
    /// With the program at hand (the region pipeline), the factor among 1, 2, 4 and 8 that
    /// the cost model predicts cheapest per iteration ([`cost_factor`]); without it, small
    /// loops are unrolled so that a region holds about [`AUTO_TARGET`] instructions.
    Auto,
}

/// The region size `Auto` aims for.
pub const AUTO_TARGET: usize = 64;

impl UnrollPolicy {
    /// The factor for a loop block of `size` instructions.
    pub fn factor(self, size: usize) -> u32 {
        match self {
            UnrollPolicy::Fixed(k) => k.max(1),
            UnrollPolicy::Auto => {
                let k = AUTO_TARGET / size.max(1);
                (k.clamp(1, 8) as u32).next_power_of_two().min(8)
            }
        }
    }
}

/// Unrolls every single-block loop of `f` according to `policy`; returns how many were
/// unrolled.
pub fn unroll_loops(f: &mut Function, policy: UnrollPolicy) -> usize {
    unroll_loops_costed(None, f, policy)
}

/// [`unroll_loops`]; with the program (`Some(p)`), `Auto` asks the cost model for each loop's
/// factor ([`cost_factor`]).
pub fn unroll_loops_costed(p: Option<&tessera_ir::Program>, f: &mut Function, policy: UnrollPolicy) -> usize {
    let loops: Vec<Block> = f.layout.iter().copied().filter(|&b| f.successors(b).contains(&b)).collect();
    let mut n = 0;
    for h in loops {
        let k = match (p, policy) {
            (Some(p), UnrollPolicy::Auto) => cost_factor(p, f, h),
            _ => policy.factor(f.blocks[h].insts.len()),
        };
        if k > 1 && unroll(f, h, k) {
            n += 1;
        }
    }
    n
}

/// Largest unrolled region the cost model considers, in instructions (pricing a larger one
/// means layering it, which costs compile time in the prover and the verifier alike).
const MAX_UNROLLED: usize = 128;

/// The unroll factor for single-block loop `h` among 1, 2, 4 and 8 with the least predicted
/// prove cost per iteration: the unrolled region's template, lowered and layered for real
/// and priced by [`crate::regions::template_cost_padded`], divided by the factor (a long loop is
/// assumed: the last region's predicated iterations past the exit are not counted). Static,
/// so the verifier makes the same choice. `TESSERA_COST_LOG` prints each choice.
pub fn cost_factor(p: &tessera_ir::Program, f: &Function, h: Block) -> u32 {
    let size = f.blocks[h].insts.len();
    let range = crate::lower::default_range_check();
    // The region's template at factor k, or None when the loop cannot be unrolled.
    let lowered = |k: u32| -> Option<crate::template::Template> {
        let mut g = f.clone();
        if k > 1 && !unroll(&mut g, h, k) {
            return None;
        }
        let classes = crate::canon::Classes::compute(p, &g);
        let &(c, _) = classes.of_block.get(&h)?;
        Some(crate::lower::lower_one_class(p, &g, &classes, c, &range).ok()?.template)
    };
    let mut best = (1u32, f64::INFINITY);
    let mut log = Vec::new();
    for k in [1u32, 2, 4, 8] {
        if k > 1 && size * k as usize > MAX_UNROLLED {
            break;
        }
        let Some(t) = lowered(k) else { break };
        // Layering is the expensive part: the unpadded committed inputs bound the price
        // from below, and once a factor prices above the best so far, larger ones are not
        // tried (the price per iteration rises from there on every loop measured).
        if crate::regions::MS_PER_COMMITTED * t.num_inputs() as f64 / k as f64 >= best.1 {
            log.push(format!("x{k} dearer"));
            break;
        }
        let Some(c) = crate::regions::template_cost_padded(&t).map(|c| c / k as f64) else { break };
        log.push(format!("x{k} {c:.4} ms"));
        if c >= best.1 {
            break;
        }
        best = (k, c);
    }
    if std::env::var_os("TESSERA_COST_LOG").is_some() {
        eprintln!(
            "cost model: {} loop bb{} ({size} instructions), per iteration: {}: unrolled x{}",
            f.display_name(),
            h.index(),
            log.join(", "),
            best.0
        );
    }
    best.0
}

/// Makes values of `h` used outside it flow through phis of its single exit block (LCSSA).
/// Returns false when `h` has several exit targets and such uses exist.
fn close_loop(f: &mut Function, h: Block) -> bool {
    let defined: IndexSet<Value> = f.blocks[h].insts.iter().filter_map(|&i| f.insts[i].result).collect();
    let exits: Vec<Block> = f.successors(h).into_iter().filter(|&s| s != h).collect();
    let preds = tessera_ir::verify::predecessors(f);
    let mut outside_uses: IndexSet<Value> = IndexSet::new();
    for &b in &f.layout {
        if b == h {
            continue;
        }
        for &i in &f.blocks[b].insts {
            match &f.insts[i].kind {
                InstKind::Phi { incoming } if exits.contains(&b) => {
                    // A phi operand flowing from h is already closed.
                    for (from, v) in incoming {
                        if *from != h && defined.contains(v) {
                            outside_uses.insert(*v);
                        }
                    }
                }
                k => k.for_each_operand(|v| {
                    if defined.contains(&v) {
                        outside_uses.insert(v);
                    }
                }),
            }
        }
    }
    if outside_uses.is_empty() {
        return true;
    }
    let [t] = exits.as_slice() else { return false };
    if preds[t.index()].as_slice() != [h] {
        return false;
    }
    let t = *t;
    let mut map = IndexMap::new();
    let mut new_phis = Vec::new();
    for v in outside_uses {
        let ty = f.ty(v);
        let (i, r) = create_inst(f, InstKind::Phi { incoming: vec![(h, v)] }, Some(ty), None);
        new_phis.push(i);
        map.insert(v, r.expect("phi result"));
    }
    // Rewrite uses outside h, then add the phis (whose own operand must stay `v`).
    let layout = f.layout.clone();
    for b in layout {
        if b == h {
            continue;
        }
        for k in 0..f.blocks[b].insts.len() {
            let i = f.blocks[b].insts[k];
            let from_h_phi = b == t && matches!(f.insts[i].kind, InstKind::Phi { .. });
            if from_h_phi {
                continue;
            }
            f.insts[i].kind.map_operands(|v| map.get(&v).copied().unwrap_or(v));
        }
    }
    for (n, i) in new_phis.into_iter().enumerate() {
        f.blocks[t].insts.insert(n, i);
    }
    true
}

/// Unrolls self-loop block `h` by `k`. Returns false (changing nothing) when it cannot.
pub fn unroll(f: &mut Function, h: Block, k: u32) -> bool {
    let snapshot = f.clone();
    if !close_loop(f, h) {
        *f = snapshot;
        return false;
    }
    let body: Vec<_> = f.blocks[h].insts.clone();
    let h_phis = phis(f, h);
    // Incoming value of each h-phi along the back edge.
    let back: Vec<Value> = h_phis
        .iter()
        .map(|&i| match &f.insts[i].kind {
            InstKind::Phi { incoming } => incoming.iter().find(|(b, _)| *b == h).map(|(_, v)| *v).expect("self edge"),
            _ => unreachable!(),
        })
        .collect();
    let exits: Vec<Block> = f.successors(h).into_iter().filter(|&s| s != h).collect();
    let mut copies = vec![h];
    let mut maps: Vec<IndexMap<Value, Value>> = vec![IndexMap::new()];
    for j in 1..k as usize {
        let nb = f.blocks.push(Default::default());
        let prev = copies[j - 1];
        let mut vm: IndexMap<Value, Value> = IndexMap::new();
        // Results first.
        let mut clones = Vec::new();
        for &i in &body {
            let ty = f.insts[i].result.map(|r| f.ty(r));
            let (ni, nr) = create_inst(f, InstKind::Unreachable, ty, f.insts[i].loc.clone());
            if let (Some(r), Some(nr)) = (f.insts[i].result, nr) {
                vm.insert(r, nr);
            }
            clones.push((i, ni));
        }
        let prev_map = &maps[j - 1];
        let through_prev = |v: Value| prev_map.get(&v).copied().unwrap_or(v);
        for (n, &(i, ni)) in clones.iter().enumerate() {
            let kind = if n < h_phis.len() {
                InstKind::Phi { incoming: vec![(prev, through_prev(back[n]))] }
            } else {
                let mut kind = f.insts[i].kind.clone();
                kind.map_operands(|v| vm.get(&v).copied().unwrap_or(v));
                kind
            };
            f.insts[ni].kind = kind;
            f.blocks[nb].insts.push(ni);
        }
        copies.push(nb);
        maps.push(vm);
    }
    // Chain the copies: copy j's back edge goes to copy j+1, the last one's to h.
    for (j, &c) in copies.iter().enumerate() {
        let next = copies.get(j + 1).copied().unwrap_or(h);
        let t = f.terminator(c).expect("terminator");
        f.insts[t].kind.map_blocks(|b| if b == h { next } else { b });
    }
    let last = *copies.last().expect("copies");
    let last_map = maps.last().expect("maps").clone();
    for (n, &i) in h_phis.iter().enumerate() {
        if let InstKind::Phi { incoming } = &mut f.insts[i].kind {
            for (b, v) in incoming.iter_mut() {
                if *b == h {
                    *b = last;
                    *v = last_map.get(&back[n]).copied().unwrap_or(back[n]);
                }
            }
        }
    }
    // Exit phis get one entry per copy.
    for &t in &exits {
        for phi in phis(f, t) {
            if let InstKind::Phi { incoming } = &mut f.insts[phi].kind {
                if let Some(&(_, v)) = incoming.iter().find(|(b, _)| *b == h) {
                    for (j, &c) in copies.iter().enumerate().skip(1) {
                        incoming.push((c, maps[j].get(&v).copied().unwrap_or(v)));
                    }
                }
            }
        }
    }
    let pos = f.layout.iter().position(|&b| b == h).expect("h in layout");
    f.layout.splice(pos + 1..pos + 1, copies[1..].iter().copied());
    let set: IndexSet<Block> = copies.iter().copied().collect();
    if if_convert(f, &set).is_err() {
        *f = snapshot;
        return false;
    }
    true
}
