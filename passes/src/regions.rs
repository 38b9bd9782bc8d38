//! Region formation: which sets of blocks become one branch-free region. Innermost loop
//! bodies are if-converted whole; small diamonds and triangles elsewhere are if-converted when
//! that removes region instances; chains are fused after each step.

use crate::analysis::{Cfg, DomTree, Loops};
use crate::ifconv::if_convert;
use crate::merge::merge_chains;
use indexmap::IndexSet;
use tessera_ir::entity::EntityRef;
use tessera_ir::{Block, Function};

/// The most instructions a loop body may have to be if-converted whole.
pub const MAX_LOOP_BODY: usize = 4096;
/// The most instructions one arm of a diamond may have to be if-converted.
pub const MAX_DIAMOND_ARM: usize = 64;

fn size(f: &Function, blocks: &[Block]) -> usize {
    blocks.iter().map(|&b| f.blocks[b].insts.len()).sum()
}

/// If-converts the bodies of innermost loops; returns how many loops were converted.
pub fn if_convert_loops(f: &mut Function) -> usize {
    let mut tried: IndexSet<Block> = IndexSet::new();
    let mut converted = 0;
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
        let Some((h, blocks)) = candidate else { return converted };
        tried.insert(h);
        let mut set: IndexSet<Block> = IndexSet::new();
        set.insert(h);
        set.extend(blocks);
        if if_convert(f, &set).is_ok() {
            converted += 1;
            merge_chains(f);
        }
    }
}

/// If-converts diamonds (`h -> a | b -> m`) and triangles (`h -> a -> m`, `h -> m`) whose arms
/// are small, single-entry and single-exit; returns how many were converted.
pub fn if_convert_diamonds(f: &mut Function) -> usize {
    let mut converted = 0;
    // Hammocks if-conversion refused (e.g. an arm with an alloca), by their blocks.
    let mut refused: Vec<IndexSet<Block>> = Vec::new();
    loop {
        let preds = tessera_ir::verify::predecessors(f);
        let found = f.layout.iter().filter_map(|&h| hammock(f, &preds, h)).find(|s| !refused.contains(s));
        let Some(set) = found else { return converted };
        if if_convert(f, &set).is_err() {
            refused.push(set);
            continue;
        }
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
        (preds[a.index()].as_slice() == [h] && s.len() == 1 && s[0] != a && s[0] != h && f.blocks[a].insts.len() <= MAX_DIAMOND_ARM)
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
