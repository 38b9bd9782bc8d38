//! The control-flow graph of one function: successors, predecessors and reverse postorder.

use petgraph::graph::{DiGraph, NodeIndex};
use std::fmt;
use tessera_ir::display::Namer;
use tessera_ir::entity::SecondaryMap;
use tessera_ir::{Block, Function};

/// The control-flow graph of a function's layout blocks.
///
/// Nodes are the layout blocks (node `i` is [`Cfg::layout`]`[i]`), edges follow terminators. Blocks
/// not in the layout are dead and absent; an edge to such a block (or to a handle out of
/// range) is dropped, since the verifier rejects it anyway. Orders are deterministic:
/// successors in terminator order, predecessors in layout order, both without duplicates.
/// Recompute after any transform that changes blocks or terminators.
#[derive(Clone, Debug)]
pub struct Cfg {
    graph: DiGraph<Block, ()>,
    node: SecondaryMap<Block, Option<NodeIndex>>,
    layout: Vec<Block>,
    succs: SecondaryMap<Block, Vec<Block>>,
    preds: SecondaryMap<Block, Vec<Block>>,
    rpo: Vec<Block>,
    rpo_index: SecondaryMap<Block, u32>,
}

const UNREACHABLE: u32 = u32::MAX;

impl Cfg {
    /// Builds the CFG of `f`. Panics when `f` has no blocks (the verifier rejects that).
    pub fn compute(f: &Function) -> Cfg {
        assert!(!f.layout.is_empty(), "Cfg::compute: @{} has no blocks", f.name);
        let n = f.blocks.len();
        let mut graph = DiGraph::with_capacity(f.layout.len(), f.layout.len() * 2);
        let mut node = SecondaryMap::with_capacity_default(n, None);
        let mut layout = Vec::with_capacity(f.layout.len());
        for &b in &f.layout {
            if f.blocks.contains(b) && node[b].is_none() {
                node[b] = Some(graph.add_node(b));
                layout.push(b);
            }
        }
        let mut succs: SecondaryMap<Block, Vec<Block>> = SecondaryMap::with_capacity_default(n, Vec::new());
        let mut preds: SecondaryMap<Block, Vec<Block>> = SecondaryMap::with_capacity_default(n, Vec::new());
        for &b in &layout {
            let from = node[b].expect("layout blocks are nodes");
            for s in f.successors(b) {
                if let Some(to) = *node.get(s) {
                    graph.add_edge(from, to, ());
                    succs[b].push(s);
                    preds[s].push(b);
                }
            }
        }
        let mut cfg = Cfg {
            graph,
            node,
            layout,
            succs,
            preds,
            rpo: Vec::new(),
            rpo_index: SecondaryMap::with_capacity_default(n, UNREACHABLE),
        };
        cfg.compute_rpo();
        cfg
    }

    /// Depth-first search from the entry, successors in terminator order.
    fn compute_rpo(&mut self) {
        let entry = self.entry();
        let mut visited: SecondaryMap<Block, bool> = SecondaryMap::with_default(false);
        let mut post = Vec::with_capacity(self.layout.len());
        let mut stack = vec![(entry, 0usize)];
        visited[entry] = true;
        while let Some(&mut (b, ref mut k)) = stack.last_mut() {
            if let Some(&s) = self.succs[b].get(*k) {
                *k += 1;
                if !visited[s] {
                    visited[s] = true;
                    stack.push((s, 0));
                }
            } else {
                post.push(b);
                stack.pop();
            }
        }
        post.reverse();
        for (i, &b) in post.iter().enumerate() {
            self.rpo_index[b] = i as u32;
        }
        self.rpo = post;
    }

    /// The entry block (`layout[0]`).
    pub fn entry(&self) -> Block {
        self.layout[0]
    }

    /// The blocks of the graph, in layout order (duplicates and missing handles dropped).
    pub fn layout(&self) -> &[Block] {
        &self.layout
    }

    /// Successors of `b` in terminator order, without duplicates.
    pub fn succs(&self, b: Block) -> &[Block] {
        self.succs.get(b)
    }

    /// Predecessors of `b` in layout order, without duplicates (unreachable ones included).
    pub fn preds(&self, b: Block) -> &[Block] {
        self.preds.get(b)
    }

    /// The blocks reachable from the entry, in reverse postorder (entry first).
    pub fn rpo(&self) -> &[Block] {
        &self.rpo
    }

    /// The position of `b` in [`Cfg::rpo`], or `None` when it is unreachable.
    pub fn rpo_index(&self, b: Block) -> Option<usize> {
        match *self.rpo_index.get(b) {
            UNREACHABLE => None,
            i => Some(i as usize),
        }
    }

    /// True when `b` is reachable from the entry.
    pub fn is_reachable(&self, b: Block) -> bool {
        self.rpo_index(b).is_some()
    }

    /// The underlying petgraph graph (node weights are blocks).
    pub fn graph(&self) -> &DiGraph<Block, ()> {
        &self.graph
    }

    /// The graph node of a layout block.
    pub fn node(&self, b: Block) -> Option<NodeIndex> {
        *self.node.get(b)
    }

    /// Prints one line per layout block: `bb2: preds [bb0, bb5] succs [bb3, bb4]`, with
    /// ` unreachable` appended for blocks the entry cannot reach.
    pub fn display<'a>(&'a self, f: &'a Function) -> impl fmt::Display + 'a {
        CfgDisplay { cfg: self, f }
    }
}

struct CfgDisplay<'a> {
    cfg: &'a Cfg,
    f: &'a Function,
}

impl fmt::Display for CfgDisplay<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Namer::new(self.f);
        for &b in self.cfg.layout() {
            write!(out, "{}: preds ", n.block(b))?;
            write_blocks(out, &n, self.cfg.preds(b))?;
            out.write_str(" succs ")?;
            write_blocks(out, &n, self.cfg.succs(b))?;
            if !self.cfg.is_reachable(b) {
                out.write_str(" unreachable")?;
            }
            writeln!(out)?;
        }
        Ok(())
    }
}

/// Writes `[bb1, bb2]` using the printed block names.
pub(crate) fn write_blocks(out: &mut impl fmt::Write, n: &Namer, bs: &[Block]) -> fmt::Result {
    out.write_char('[')?;
    for (i, &b) in bs.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        out.write_str(&n.block(b))?;
    }
    out.write_char(']')
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use tessera_ir::entity::EntityRef;
    use tessera_ir::{InstKind, Type};

    /// A function with blocks `0..succs.len()`; block `i` branches to `succs[i]` (ret, br,
    /// condbr on `%0: i1`, or switch on `%1: i32`). Returns the function and its blocks.
    pub(crate) fn shape(succs: &[&[usize]]) -> (Function, Vec<Block>) {
        let mut f = Function::new("shape", &[Type::I1, Type::I32], None);
        let bs: Vec<Block> = succs.iter().map(|_| f.add_block()).collect();
        let (c, sw) = (f.params[0], f.params[1]);
        for (i, ss) in succs.iter().enumerate() {
            let kind = match ss {
                [] => InstKind::Ret { value: None },
                [t] => InstKind::Br { target: bs[*t] },
                [t, e] => InstKind::CondBr { cond: c, if_true: bs[*t], if_false: bs[*e] },
                [d, cases @ ..] => InstKind::Switch {
                    value: sw,
                    default: bs[*d],
                    cases: cases.iter().enumerate().map(|(k, &t)| (k as u64, bs[t])).collect(),
                },
            };
            f.push_inst(bs[i], kind, None, None);
        }
        (f, bs)
    }

    /// A random CFG shape (1 to 24 blocks, 0 to 3 successors each) from a seed.
    pub(crate) fn random_succs(seed: u64) -> Vec<Vec<usize>> {
        let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(1);
        let mut next = move |m: usize| {
            state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (state >> 33) as usize % m
        };
        let n = 1 + next(24);
        (0..n).map(|_| (0..next(4)).map(|_| next(n)).collect()).collect()
    }

    /// Blocks reachable from `from` without entering `avoid`, by block index (blocks numbered
    /// `0..n` in layout order, as [`shape`] makes them).
    pub(crate) fn reachable_avoiding(cfg: &Cfg, from: Block, avoid: Block) -> Vec<bool> {
        let mut seen = vec![false; cfg.layout().len()];
        let mut work = vec![from];
        while let Some(b) = work.pop() {
            if b == avoid || std::mem::replace(&mut seen[b.index()], true) {
                continue;
            }
            work.extend_from_slice(cfg.succs(b));
        }
        seen
    }

    #[test]
    fn diamond() {
        let (f, b) = shape(&[&[1, 2], &[3], &[3], &[]]);
        let cfg = Cfg::compute(&f);
        assert_eq!(cfg.entry(), b[0]);
        assert_eq!(cfg.succs(b[0]), &[b[1], b[2]]);
        assert_eq!(cfg.preds(b[3]), &[b[1], b[2]]);
        assert_eq!(cfg.rpo(), &[b[0], b[2], b[1], b[3]]);
        assert_eq!(cfg.graph().edge_count(), 4);
        assert_eq!(cfg.graph()[cfg.node(b[2]).unwrap()], b[2]);
        assert_eq!(
            cfg.display(&f).to_string(),
            "bb0: preds [] succs [bb1, bb2]\nbb1: preds [bb0] succs [bb3]\n\
             bb2: preds [bb0] succs [bb3]\nbb3: preds [bb1, bb2] succs []\n"
        );
    }

    #[test]
    fn duplicate_targets_and_switch() {
        // bb0 switches to bb1 (default), bb2, bb1, bb2: each successor once, in order.
        let (f, b) = shape(&[&[1, 2, 1, 2], &[1, 3], &[3], &[]]);
        let cfg = Cfg::compute(&f);
        assert_eq!(cfg.succs(b[0]), &[b[1], b[2]]);
        assert_eq!(cfg.preds(b[1]), &[b[0], b[1]]);
        assert_eq!(cfg.preds(b[3]), &[b[1], b[2]]);
        assert_eq!(cfg.rpo(), &[b[0], b[2], b[1], b[3]]);
    }

    #[test]
    fn unreachable_blocks() {
        // bb2 is dead and branches into live code; bb3 branches only to itself.
        let (f, b) = shape(&[&[1], &[], &[1], &[3]]);
        let cfg = Cfg::compute(&f);
        assert_eq!(cfg.rpo(), &[b[0], b[1]]);
        assert!(!cfg.is_reachable(b[2]) && !cfg.is_reachable(b[3]));
        assert_eq!(cfg.rpo_index(b[1]), Some(1));
        assert_eq!(cfg.rpo_index(b[2]), None);
        assert_eq!(cfg.preds(b[1]), &[b[0], b[2]]);
        assert_eq!(
            cfg.display(&f).to_string(),
            "bb0: preds [] succs [bb1]\nbb1: preds [bb0, bb2] succs []\n\
             bb2: preds [] succs [bb1] unreachable\nbb3: preds [bb3] succs [bb3] unreachable\n"
        );
    }
}
