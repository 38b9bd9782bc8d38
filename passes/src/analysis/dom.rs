//! The dominator tree of one function, from petgraph's Cooper–Harvey–Kennedy `simple_fast`.

use super::cfg::{write_blocks, Cfg};
use petgraph::algo::dominators::simple_fast;
use std::fmt;
use tessera_ir::display::Namer;
use tessera_ir::entity::SecondaryMap;
use tessera_ir::{Block, Function};

/// Immediate dominators of the reachable blocks, with the tree's children and pre/post
/// numbers so that [`DomTree::dominates`] is O(1).
///
/// Unreachable blocks are outside the tree: they have no immediate dominator, and each
/// dominates and is dominated by itself only.
#[derive(Clone, Debug)]
pub struct DomTree {
    idom: SecondaryMap<Block, Option<Block>>,
    children: SecondaryMap<Block, Vec<Block>>,
    /// Preorder number in the tree (`u32::MAX` when unreachable).
    pre: SecondaryMap<Block, u32>,
    /// Postorder number in the tree (`u32::MAX` when unreachable).
    post: SecondaryMap<Block, u32>,
    depth: SecondaryMap<Block, u32>,
}

const OUTSIDE: u32 = u32::MAX;

impl DomTree {
    /// Computes the dominator tree of `f` from its CFG.
    pub fn compute(f: &Function, cfg: &Cfg) -> DomTree {
        let n = f.blocks.len();
        let g = cfg.graph();
        let entry = cfg.entry();
        let root = cfg.node(entry).expect("the entry is a CFG node");
        let doms = simple_fast(g, root);
        let mut idom = SecondaryMap::with_capacity_default(n, None);
        let mut children: SecondaryMap<Block, Vec<Block>> = SecondaryMap::with_capacity_default(n, Vec::new());
        // Children are pushed in RPO order, so the tree and its dumps are deterministic.
        for &b in cfg.rpo() {
            let node = cfg.node(b).expect("reachable blocks are CFG nodes");
            if let Some(d) = doms.immediate_dominator(node) {
                let d = g[d];
                idom[b] = Some(d);
                children[d].push(b);
            }
        }
        let mut pre = SecondaryMap::with_capacity_default(n, OUTSIDE);
        let mut post = SecondaryMap::with_capacity_default(n, OUTSIDE);
        let mut depth = SecondaryMap::with_capacity_default(n, 0);
        let (mut next_pre, mut next_post) = (0u32, 0u32);
        let mut stack = vec![(entry, 0usize)];
        pre[entry] = next_pre;
        next_pre += 1;
        while let Some((b, k)) = stack.last_mut() {
            let b = *b;
            if let Some(&c) = children[b].get(*k) {
                *k += 1;
                pre[c] = next_pre;
                next_pre += 1;
                depth[c] = depth[b] + 1;
                stack.push((c, 0));
            } else {
                post[b] = next_post;
                next_post += 1;
                stack.pop();
            }
        }
        DomTree { idom, children, pre, post, depth }
    }

    /// The immediate dominator of `b`; `None` for the entry and for unreachable blocks.
    pub fn idom(&self, b: Block) -> Option<Block> {
        *self.idom.get(b)
    }

    /// The blocks `b` immediately dominates, in reverse postorder of the CFG.
    pub fn children(&self, b: Block) -> &[Block] {
        self.children.get(b)
    }

    /// Depth in the tree: 0 for the entry (and for unreachable blocks).
    pub fn depth(&self, b: Block) -> u32 {
        *self.depth.get(b)
    }

    /// True when `b` is in the tree (reachable from the entry).
    pub fn is_reachable(&self, b: Block) -> bool {
        *self.pre.get(b) != OUTSIDE
    }

    /// True when every path from the entry to `b` passes through `a`. Reflexive: a block
    /// dominates itself (even an unreachable one).
    pub fn dominates(&self, a: Block, b: Block) -> bool {
        if a == b {
            return true;
        }
        let (pa, pb) = (*self.pre.get(a), *self.pre.get(b));
        pa != OUTSIDE && pb != OUTSIDE && pa < pb && *self.post.get(b) < *self.post.get(a)
    }

    /// True when `a` dominates `b` and `a != b`.
    pub fn strictly_dominates(&self, a: Block, b: Block) -> bool {
        a != b && self.dominates(a, b)
    }

    /// The deepest block dominating both `a` and `b`; `None` when either is unreachable.
    pub fn common_dominator(&self, mut a: Block, mut b: Block) -> Option<Block> {
        if !self.is_reachable(a) || !self.is_reachable(b) {
            return None;
        }
        while self.depth(a) > self.depth(b) {
            a = self.idom(a)?;
        }
        while self.depth(b) > self.depth(a) {
            b = self.idom(b)?;
        }
        while a != b {
            a = self.idom(a)?;
            b = self.idom(b)?;
        }
        Some(a)
    }

    /// Prints one line per layout block: `bb2: idom bb1 children [bb3, bb4]` (`idom -` for
    /// the entry), or `bb5: unreachable`.
    pub fn display<'a>(&'a self, f: &'a Function) -> impl fmt::Display + 'a {
        DomDisplay { dom: self, f }
    }
}

struct DomDisplay<'a> {
    dom: &'a DomTree,
    f: &'a Function,
}

impl fmt::Display for DomDisplay<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Namer::new(self.f);
        for &b in &self.f.layout {
            if !self.dom.is_reachable(b) {
                writeln!(out, "{}: unreachable", n.block(b))?;
                continue;
            }
            let idom = self.dom.idom(b).map_or_else(|| "-".to_string(), |d| n.block(d));
            write!(out, "{}: idom {idom} children ", n.block(b))?;
            write_blocks(out, &n, self.dom.children(b))?;
            writeln!(out)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::cfg::tests::{random_succs, reachable_avoiding, shape};
    use super::*;
    use tessera_ir::entity::EntityRef;

    #[test]
    fn diamond() {
        let (f, b) = shape(&[&[1, 2], &[3], &[3], &[]]);
        let cfg = Cfg::compute(&f);
        let dom = DomTree::compute(&f, &cfg);
        assert_eq!(dom.idom(b[0]), None);
        assert_eq!(dom.idom(b[1]), Some(b[0]));
        assert_eq!(dom.idom(b[2]), Some(b[0]));
        assert_eq!(dom.idom(b[3]), Some(b[0]));
        assert_eq!(dom.children(b[0]), &[b[2], b[1], b[3]]);
        assert!(dom.dominates(b[0], b[3]) && dom.dominates(b[3], b[3]));
        assert!(!dom.dominates(b[1], b[3]) && !dom.dominates(b[3], b[0]));
        assert!(!dom.strictly_dominates(b[1], b[1]));
        assert_eq!(dom.common_dominator(b[1], b[2]), Some(b[0]));
        assert_eq!(
            dom.display(&f).to_string(),
            "bb0: idom - children [bb2, bb1, bb3]\nbb1: idom bb0 children []\n\
             bb2: idom bb0 children []\nbb3: idom bb0 children []\n"
        );
    }

    #[test]
    fn chain_with_loop_and_dead_block() {
        // bb0 -> bb1 -> bb2 -> {bb1, bb3}; bb4 is dead and jumps into bb2.
        let (f, b) = shape(&[&[1], &[2], &[1, 3], &[], &[2]]);
        let cfg = Cfg::compute(&f);
        let dom = DomTree::compute(&f, &cfg);
        assert_eq!(dom.idom(b[2]), Some(b[1]));
        assert_eq!(dom.idom(b[3]), Some(b[2]));
        assert_eq!(dom.depth(b[3]), 3);
        assert!(dom.dominates(b[1], b[3]) && dom.dominates(b[0], b[2]));
        assert!(!dom.dominates(b[3], b[1]));
        assert_eq!(dom.common_dominator(b[3], b[2]), Some(b[2]));
        // The dead block is outside the tree: it dominates only itself.
        assert_eq!(dom.idom(b[4]), None);
        assert!(!dom.is_reachable(b[4]));
        assert!(dom.dominates(b[4], b[4]));
        assert!(!dom.dominates(b[0], b[4]) && !dom.dominates(b[4], b[2]));
        assert_eq!(dom.common_dominator(b[4], b[2]), None);
        assert!(dom.display(&f).to_string().ends_with("bb3: idom bb2 children []\nbb4: unreachable\n"));
    }

    #[test]
    fn irreducible() {
        // bb0 -> {bb1, bb2}, bb1 <-> bb2: neither cycle block dominates the other.
        let (f, b) = shape(&[&[1, 2], &[2, 3], &[1], &[]]);
        let cfg = Cfg::compute(&f);
        let dom = DomTree::compute(&f, &cfg);
        assert_eq!(dom.idom(b[1]), Some(b[0]));
        assert_eq!(dom.idom(b[2]), Some(b[0]));
        assert_eq!(dom.idom(b[3]), Some(b[1]));
    }

    #[test]
    fn random_cfgs_match_verifier_and_brute_force() {
        for seed in 0..400 {
            let succs = random_succs(seed);
            let shape_ref: Vec<&[usize]> = succs.iter().map(Vec::as_slice).collect();
            let (f, b) = shape(&shape_ref);
            let cfg = Cfg::compute(&f);
            let dom = DomTree::compute(&f, &cfg);
            let reference = tessera_ir::verify::immediate_dominators(&f);
            for &a in &b {
                assert_eq!(dom.idom(a), reference[a], "seed {seed}: idom of {a}");
                // `a` dominates `x` when `x` is reachable but not once `a` is removed.
                let without_a = reachable_avoiding(&cfg, cfg.entry(), a);
                for &x in &b {
                    let expect = a == x || (cfg.is_reachable(x) && !without_a[x.index()]);
                    assert_eq!(dom.dominates(a, x), expect, "seed {seed}: {a} dom {x}");
                }
            }
        }
    }
}
