//! Region formation: which sets of blocks become one branch-free region. Innermost loop
//! bodies are if-converted whole; small diamonds and triangles elsewhere are if-converted when
//! that removes region instances; chains are fused after each step.

use crate::analysis::{Cfg, DomTree, Loops};
use crate::ifconv::if_convert;
use crate::merge::merge_chains;
use indexmap::{IndexMap, IndexSet};
use rayon::prelude::*;
use tessera_ir::entity::EntityRef;
use tessera_ir::{Block, Function, Program};

/// [`if_convert_loops_costed`] without the cost model: every innermost loop body that can be
/// if-converted is.
pub fn if_convert_loops(f: &mut Function) -> usize {
    if_convert_loops_costed(None, f)
}

/// The most instructions a loop body may have to be if-converted whole.
pub const MAX_LOOP_BODY: usize = 4096;
/// The most instructions one arm of a diamond may have to be if-converted.
pub const MAX_DIAMOND_ARM: usize = 64;

fn size(f: &Function, blocks: &[Block]) -> usize {
    blocks.iter().map(|&b| f.blocks[b].insts.len()).sum()
}

/// Prove cost of one copy of a template, in milliseconds: committed inputs times
/// [`MS_PER_COMMITTED`] plus layered gates times [`MS_PER_GATE`]. The constants were fitted
/// once by least squares on `tessera bench --suite quick` (release build, two cores; see
/// BENCHMARKS.md, "Cost model"); only their ratio (one committed element costs about as much
/// as 34 gates) matters for the choices below.
pub const MS_PER_COMMITTED: f64 = 3.5e-3;
/// See [`MS_PER_COMMITTED`].
pub const MS_PER_GATE: f64 = 1.0e-4;

/// [`MS_PER_COMMITTED`] and [`MS_PER_GATE`] applied to a template (its real lowering and
/// layering), or `None` if it cannot be layered.
pub fn template_cost(t: &crate::template::Template) -> Option<f64> {
    let l = crate::layer::layer::<tessera_gkr::Fr>(t).ok()?;
    Some(MS_PER_COMMITTED * t.num_inputs() as f64 + MS_PER_GATE * l.stats.gates() as f64)
}

/// [`template_cost`] with the inputs counted at the input layer's padded width (a power of
/// two), which is what the commitment holds per copy. The unroll factor choice uses it:
/// unrolling by two that pushes the inputs past a power of two doubles the committed width
/// (measured on testdata/rotate_regs.c: x1 16.9 s, x2 18.6 s, x4 22.4 s, x8 31 s for 20 000
/// iterations, where the unpadded count predicted x2 cheapest).
pub fn template_cost_padded(t: &crate::template::Template) -> Option<f64> {
    let l = crate::layer::layer::<tessera_gkr::Fr>(t).ok()?;
    Some(MS_PER_COMMITTED * l.stats.input_width as f64 + MS_PER_GATE * l.stats.gates() as f64)
}

/// The static choice for one loop: the predicted prove cost per iteration of the loop's
/// blocks as separate templates (each block weighted by the chance that an iteration runs
/// it, every branch taken with equal probability) and of the if-converted body (which
/// evaluates every block), from the real lowering of both. Static, so the verifier makes
/// the same choice. `None` when either side cannot be lowered. When the merged body's
/// committed inputs alone cost more than the blocks apart, its second number is that lower
/// bound (the choice is the same, and the merged body is not layered).
pub fn loop_costs(p: &Program, f: &Function, set: &IndexSet<Block>) -> Option<(f64, f64)> {
    loop_costs_cached(p, f, set, &mut ApartCosts::default())
}

/// The costs of a function's block classes priced so far, valid while the function is
/// unchanged: the loops and hammocks of one function share their blocks (a `switch` loop's
/// arms are also the hammocks inside it), and each class is lowered and layered once.
#[derive(Default)]
pub struct ApartCosts {
    classes: Option<crate::canon::Classes>,
    cost: IndexMap<usize, Option<f64>>,
}

impl ApartCosts {
    /// Forget every price (the function changed).
    pub fn clear(&mut self) {
        *self = ApartCosts::default();
    }

    /// The prices kept for `f` (by content) by the last pass on this thread, or none.
    fn resume(p: Option<&Program>, f: &Function) -> Self {
        let Some(p) = p else { return ApartCosts::default() };
        let key = content_key(p, f);
        LAST_PRICED.with(|c| match c.borrow_mut().take() {
            Some((k, a)) if k == key => a,
            _ => ApartCosts::default(),
        })
    }

    /// Keep these prices of `f` (as it is now) for the next pass on this thread.
    fn keep(self, p: Option<&Program>, f: &Function) {
        if let Some(p) = p {
            let key = content_key(p, f);
            LAST_PRICED.with(|c| *c.borrow_mut() = Some((key, self)));
        }
    }
}

thread_local! {
    /// The last function priced on this thread, by content, with its prices: the loop and
    /// the hammock passes run one after the other, and the hammocks inside a loop kept apart
    /// are made of blocks the loop's pricing lowered already (on `vm.c` half of the cost
    /// model's compile time).
    static LAST_PRICED: std::cell::RefCell<Option<([u8; 32], ApartCosts)>> = const { std::cell::RefCell::new(None) };
}

/// What a class's price depends on: the function's text and the program's globals.
fn content_key(p: &Program, f: &Function) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for (_, g) in p.globals.iter() {
        h.update(format!("{g:?}").as_bytes());
    }
    h.update(format!("{f}").as_bytes());
    *h.finalize().as_bytes()
}

/// [`loop_costs`], pricing the blocks apart through `cache` (which must have been filled
/// on this same function, or be empty).
pub fn loop_costs_cached(
    p: &Program,
    f: &Function,
    set: &IndexSet<Block>,
    cache: &mut ApartCosts,
) -> Option<(f64, f64)> {
    let order = crate::ifconv::check(f, set).ok()?;
    let h = set[0];
    let mut prob: IndexMap<Block, f64> = order.iter().map(|&b| (b, 0.0)).collect();
    prob.insert(h, 1.0);
    for &a in &order {
        let succs = f.successors(a);
        let pa = prob[&a];
        for s in &succs {
            if *s != h {
                if let Some(x) = prob.get_mut(s) {
                    *x += pa / succs.len() as f64;
                }
            }
        }
    }
    let range = crate::lower::default_range_check();
    let classes = cache.classes.get_or_insert_with(|| crate::canon::Classes::compute(p, f));
    let mut todo: Vec<usize> = Vec::new();
    for b in prob.keys() {
        let &(c, _) = classes.of_block.get(b)?;
        if !cache.cost.contains_key(&c) && !todo.contains(&c) {
            todo.push(c);
        }
    }
    // only the classes priced are lowered, not the whole function; each on its own worker
    let priced: Vec<Option<f64>> = todo
        .par_iter()
        .map(|&c| template_cost(&crate::lower::lower_one_class(p, f, classes, c, &range).ok()?.template))
        .collect();
    cache.cost.extend(todo.into_iter().zip(priced));
    let mut separate = 0.0;
    for (b, &w) in &prob {
        separate += w * cache.cost[&classes.of_block[b].0]?;
    }
    let mut g = f.clone();
    if_convert(&mut g, set).ok()?;
    merge_chains(&mut g);
    // Layering the merged body (every arm of a large switch) is most of the model's compile
    // time; its committed inputs alone are a lower bound on its cost, and when that bound is
    // already dearer than the blocks apart, the choice is made without layering.
    let classes = crate::canon::Classes::compute(p, &g);
    let &(c, _) = classes.of_block.get(&h)?;
    let t = crate::lower::lower_one_class(p, &g, &classes, c, &range).ok()?;
    let committed = MS_PER_COMMITTED * t.template.num_inputs() as f64;
    if committed > separate {
        return Some((separate, committed));
    }
    let merged = template_cost(&t.template)?;
    Some((separate, merged))
}

/// Whether the cost model predicts `set` dearer if-converted than apart. With
/// `TESSERA_COST_LOG` set in the environment, each prediction is printed on stderr.
fn costs_more_merged(p: &Program, f: &Function, set: &IndexSet<Block>, cache: &mut ApartCosts) -> bool {
    let c = loop_costs_cached(p, f, set, cache);
    if std::env::var_os("TESSERA_COST_LOG").is_some() {
        let h = set[0].index();
        match c {
            Some((a, m)) => eprintln!(
                "cost model: {} at bb{h} ({} blocks): apart {a:.3} ms, merged {m:.3} ms per iteration: {}",
                f.display_name(),
                set.len(),
                if m > a { "kept apart" } else { "if-converted" }
            ),
            None => eprintln!("cost model: {} at bb{h}: no prediction (if-converted)", f.display_name()),
        }
    }
    matches!(c, Some((separate, merged)) if merged > separate)
}

/// If-converts the bodies of innermost loops; returns how many loops were converted.
/// With the program (`Some(p)`), a loop is converted only when the cost model
/// ([`loop_costs`]) predicts the merged body cheaper per iteration than its blocks apart.
pub fn if_convert_loops_costed(p: Option<&Program>, f: &mut Function) -> usize {
    let mut tried: IndexSet<Block> = IndexSet::new();
    let mut converted = 0;
    let mut cache = ApartCosts::resume(p, f);
    loop {
        let cfg = Cfg::compute(f);
        let dom = DomTree::compute(f, &cfg);
        let loops = Loops::compute(f, &cfg, &dom);
        let candidate = loops.iter().find_map(|(_, l)| {
            let ok = l.children.is_empty()
                && l.blocks.len() > 1
                && !tried.contains(&l.header)
                && size(f, &l.blocks) <= MAX_LOOP_BODY;
            ok.then(|| (l.header, l.blocks.clone()))
        });
        let Some((h, blocks)) = candidate else {
            cache.keep(p, f);
            return converted;
        };
        tried.insert(h);
        let mut set: IndexSet<Block> = IndexSet::new();
        set.insert(h);
        set.extend(blocks);
        if let Some(p) = p {
            if costs_more_merged(p, f, &set, &mut cache) {
                continue;
            }
        }
        if if_convert(f, &set).is_ok() {
            cache.clear();
            converted += 1;
            merge_chains(f);
        }
    }
}

/// If-converts diamonds (`h -> a | b -> m`) and triangles (`h -> a -> m`, `h -> m`) whose arms
/// are small, single-entry and single-exit; returns how many were converted.
pub fn if_convert_diamonds(f: &mut Function) -> usize {
    if_convert_diamonds_costed(None, f)
}

/// [`if_convert_diamonds`]; with the program (`Some(p)`), a hammock inside a loop is
/// converted only when the cost model predicts it no dearer merged per iteration
/// ([`loop_costs`] applies to any single-entry acyclic set). Outside loops a hammock runs
/// at most once per call, where one template fewer (its commitment, GKR and opening) is
/// worth more than the arm not taken, so it is always converted.
pub fn if_convert_diamonds_costed(p: Option<&Program>, f: &mut Function) -> usize {
    let mut converted = 0;
    // Hammocks if-conversion refused (e.g. an arm with an alloca), by their blocks.
    let mut refused: Vec<IndexSet<Block>> = Vec::new();
    let mut cache = ApartCosts::resume(p, f);
    loop {
        let preds = tessera_ir::verify::predecessors(f);
        let found = f.layout.iter().filter_map(|&h| hammock(f, &preds, h)).find(|s| !refused.contains(s));
        let Some(set) = found else {
            cache.keep(p, f);
            return converted;
        };
        let in_loop = || {
            let cfg = Cfg::compute(f);
            let dom = DomTree::compute(f, &cfg);
            Loops::compute(f, &cfg, &dom).iter().any(|(_, l)| l.blocks.contains(&set[0]) || l.header == set[0])
        };
        if p.is_some_and(|p| in_loop() && costs_more_merged(p, f, &set, &mut cache)) {
            refused.push(set);
            continue;
        }
        if if_convert(f, &set).is_err() {
            cache.clear();
            refused.push(set);
            continue;
        }
        cache.clear();
        converted += 1;
        merge_chains(f);
    }
}

/// The hammock headed by `h`, if it has one worth converting.
fn hammock(f: &Function, preds: &[Vec<Block>], h: Block) -> Option<IndexSet<Block>> {
    let succ = f.successors(h);
    if succ.len() < 2 || succ.contains(&h) {
        return None;
    }
    // An arm: entered only from h, small, with one successor.
    let arm_target = |a: Block| -> Option<Block> {
        let s = f.successors(a);
        (preds[a.index()].as_slice() == [h]
            && s.len() == 1
            && s[0] != a
            && s[0] != h
            && f.blocks[a].insts.len() <= MAX_DIAMOND_ARM)
            .then(|| s[0])
    };
    let targets: Vec<(Block, Option<Block>)> = succ.iter().map(|&s| (s, arm_target(s))).collect();
    let non_arms: Vec<Block> = targets.iter().filter(|(_, t)| t.is_none()).map(|(s, _)| *s).collect();
    // The merge block: the one successor that is not an arm, or the arms' common target.
    let m = match non_arms.as_slice() {
        [] => targets[0].1?,
        [x] => *x,
        _ => return None,
    };
    let arms: Vec<Block> = targets.iter().filter(|(_, t)| *t == Some(m)).map(|(s, _)| *s).collect();
    if arms.is_empty() || arms.len() + non_arms.len() != succ.len() {
        return None;
    }
    let mut set = IndexSet::new();
    set.insert(h);
    set.extend(arms);
    Some(set)
}
