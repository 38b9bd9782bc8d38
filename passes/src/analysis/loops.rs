//! Natural loops of one function and their nesting forest.
//!
//! A back edge is `t -> h` where `h` dominates `t`; the loop of header `h` is the union of the
//! natural loops of every back edge into `h`: `h` plus every block that reaches a latch
//! without passing through `h`. Natural loops with different headers are disjoint or nested.
//!
//! Irreducible control flow (a cycle entered at more than one block, so that no block of it
//! dominates the rest) has no back edge and is **not** a natural loop: it is not reported,
//! and passes must treat such cycles conservatively (e.g. never as a region's loop). An
//! irreducible cycle inside a natural loop simply belongs to that loop's blocks. Unreachable
//! blocks are never part of a loop.

use super::cfg::{write_blocks, Cfg};
use super::dom::DomTree;
use std::fmt;
use tessera_ir::display::Namer;
use tessera_ir::entity::{EntityRef, SecondaryMap};
use tessera_ir::{Block, Function};

tessera_ir::entity!(
    /// A natural loop of a [`Loops`] analysis; prints as `loop3`.
    LoopId,
    "loop"
);

/// One natural loop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loop {
    /// The block every iteration enters through; it dominates the whole loop.
    pub header: Block,
    /// The loop's blocks (inner loops' blocks included), in reverse postorder, header first.
    pub blocks: Vec<Block>,
    /// Sources of the back edges into the header, in reverse postorder.
    pub latches: Vec<Block>,
    /// Edges from a block of the loop to a block outside it, ordered by source (reverse
    /// postorder) then by the source's terminator order.
    pub exits: Vec<(Block, Block)>,
    /// The innermost loop strictly containing this one.
    pub parent: Option<LoopId>,
    /// The loops whose parent is this one, in [`LoopId`] order.
    pub children: Vec<LoopId>,
    /// Nesting depth: 1 for an outermost loop.
    pub depth: u32,
}

/// The natural loops of a function. [`LoopId`]s number the loops by depth (outer loops
/// first), then by the reverse-postorder position of their header, so a parent always has
/// a smaller id than its children.
#[derive(Clone, Debug, Default)]
pub struct Loops {
    loops: Vec<Loop>,
    innermost: SecondaryMap<Block, Option<LoopId>>,
}

impl Loops {
    /// Finds the natural loops of `f`.
    pub fn compute(f: &Function, cfg: &Cfg, dom: &DomTree) -> Loops {
        let n = f.blocks.len();
        let rpo_key = |b: &Block| cfg.rpo_index(*b).unwrap_or(usize::MAX);
        // Loops in header RPO order: outer headers dominate inner ones, so parents come first.
        let mut found: Vec<Loop> = Vec::new();
        let mut mark: SecondaryMap<Block, u32> = SecondaryMap::with_capacity_default(n, u32::MAX);
        let mut innermost: SecondaryMap<Block, Option<usize>> = SecondaryMap::with_capacity_default(n, None);
        let mut work = Vec::new();
        for &h in cfg.rpo() {
            let mut latches: Vec<Block> =
                cfg.preds(h).iter().copied().filter(|&p| cfg.is_reachable(p) && dom.dominates(h, p)).collect();
            if latches.is_empty() {
                continue;
            }
            latches.sort_by_key(rpo_key);
            let stamp = found.len() as u32;
            mark[h] = stamp;
            let mut blocks = vec![h];
            work.clear();
            for &l in &latches {
                if mark[l] != stamp {
                    mark[l] = stamp;
                    blocks.push(l);
                    work.push(l);
                }
            }
            while let Some(x) = work.pop() {
                for &p in cfg.preds(x) {
                    if cfg.is_reachable(p) && mark[p] != stamp {
                        mark[p] = stamp;
                        blocks.push(p);
                        work.push(p);
                    }
                }
            }
            blocks.sort_by_key(rpo_key);
            let exits = blocks
                .iter()
                .flat_map(|&b| cfg.succs(b).iter().filter(|&&s| mark[s] != stamp).map(move |&s| (b, s)))
                .collect();
            // Loops containing `h` were found earlier and the last one to claim it is the
            // innermost: they form a chain, inner headers later in RPO.
            let parent = innermost[h].map(LoopId::new);
            let depth = parent.map_or(1, |p| found[p.index()].depth + 1);
            for &b in &blocks {
                innermost[b] = Some(found.len());
            }
            found.push(Loop { header: h, blocks, latches, exits, parent, children: Vec::new(), depth });
        }
        // Renumber by (depth, header RPO): `found` is in header RPO order and the sort is stable.
        let mut sorted: Vec<(usize, Loop)> = found.into_iter().enumerate().collect();
        sorted.sort_by_key(|(_, l)| l.depth);
        let mut new_id = vec![LoopId(0); sorted.len()];
        for (k, &(old, _)) in sorted.iter().enumerate() {
            new_id[old] = LoopId::new(k);
        }
        let mut loops: Vec<Loop> = sorted.into_iter().map(|(_, l)| l).collect();
        for k in 0..loops.len() {
            if let Some(p) = loops[k].parent {
                let p = new_id[p.index()];
                loops[k].parent = Some(p);
                loops[p.index()].children.push(LoopId::new(k));
            }
        }
        let mut inner = SecondaryMap::with_capacity_default(n, None);
        for &b in cfg.rpo() {
            inner[b] = innermost[b].map(|i| new_id[i]);
        }
        Loops { loops, innermost: inner }
    }

    /// Number of loops.
    pub fn len(&self) -> usize {
        self.loops.len()
    }

    /// True when the function has no natural loop.
    pub fn is_empty(&self) -> bool {
        self.loops.is_empty()
    }

    /// All loops in [`LoopId`] order: outer loops before inner ones, then by header RPO.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (LoopId, &Loop)> + DoubleEndedIterator {
        self.loops.iter().enumerate().map(|(i, l)| (LoopId::new(i), l))
    }

    /// The loop named `id`.
    pub fn get(&self, id: LoopId) -> &Loop {
        &self.loops[id.index()]
    }

    /// The innermost loop containing `b`, if any.
    pub fn innermost(&self, b: Block) -> Option<LoopId> {
        *self.innermost.get(b)
    }

    /// True when `b` belongs to loop `id` (directly or through an inner loop). O(depth).
    pub fn contains(&self, id: LoopId, b: Block) -> bool {
        let mut cur = self.innermost(b);
        while let Some(l) = cur {
            if l == id {
                return true;
            }
            cur = self.get(l).parent;
        }
        false
    }

    /// True when `b` is the header of a loop.
    pub fn is_header(&self, b: Block) -> bool {
        self.innermost(b).is_some_and(|l| self.get(l).header == b)
    }

    /// Number of loops containing `b` (0 outside every loop).
    pub fn depth(&self, b: Block) -> u32 {
        self.innermost(b).map_or(0, |l| self.get(l).depth)
    }

    /// Prints one line per loop: `loop0 header bb1 depth 1 blocks [bb1, bb2, bb3] latches
    /// [bb3] exits [bb3->bb4] parent - children [loop1]`.
    pub fn display<'a>(&'a self, f: &'a Function) -> impl fmt::Display + 'a {
        LoopsDisplay { loops: self, f }
    }
}

impl std::ops::Index<LoopId> for Loops {
    type Output = Loop;
    fn index(&self, id: LoopId) -> &Loop {
        self.get(id)
    }
}

struct LoopsDisplay<'a> {
    loops: &'a Loops,
    f: &'a Function,
}

impl fmt::Display for LoopsDisplay<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Namer::new(self.f);
        for (id, l) in self.loops.iter() {
            write!(out, "{id} header {} depth {} blocks ", n.block(l.header), l.depth)?;
            write_blocks(out, &n, &l.blocks)?;
            out.write_str(" latches ")?;
            write_blocks(out, &n, &l.latches)?;
            out.write_str(" exits [")?;
            for (i, &(a, b)) in l.exits.iter().enumerate() {
                let sep = if i > 0 { ", " } else { "" };
                write!(out, "{sep}{}->{}", n.block(a), n.block(b))?;
            }
            match l.parent {
                Some(p) => write!(out, "] parent {p} children [")?,
                None => out.write_str("] parent - children [")?,
            }
            for (i, c) in l.children.iter().enumerate() {
                write!(out, "{}{c}", if i > 0 { ", " } else { "" })?;
            }
            writeln!(out, "]")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::cfg::tests::{random_succs, reachable_avoiding, shape};
    use super::*;

    fn loops_of(succs: &[&[usize]]) -> (Function, Vec<Block>, Loops) {
        let (f, b) = shape(succs);
        let cfg = Cfg::compute(&f);
        let dom = DomTree::compute(&f, &cfg);
        let loops = Loops::compute(&f, &cfg, &dom);
        (f, b, loops)
    }

    #[test]
    fn diamond_has_no_loops() {
        let (_, b, loops) = loops_of(&[&[1, 2], &[3], &[3], &[]]);
        assert!(loops.is_empty());
        assert!(b.iter().all(|&x| loops.innermost(x).is_none() && !loops.is_header(x)));
    }

    #[test]
    fn simple_loop() {
        // bb4 is dead and jumps into the body: it must not join the loop.
        let (f, b, loops) = loops_of(&[&[1], &[2, 3], &[1], &[], &[2]]);
        assert_eq!(loops.len(), 1);
        let l = loops.get(LoopId(0));
        assert_eq!(l.header, b[1]);
        assert_eq!(l.blocks, vec![b[1], b[2]]);
        assert_eq!(l.latches, vec![b[2]]);
        assert_eq!(l.exits, vec![(b[1], b[3])]);
        assert_eq!((l.parent, l.depth), (None, 1));
        assert_eq!(loops.innermost(b[2]), Some(LoopId(0)));
        assert_eq!(loops.innermost(b[4]), None);
        assert!(loops.is_header(b[1]) && !loops.is_header(b[2]));
        assert_eq!(
            loops.display(&f).to_string(),
            "loop0 header bb1 depth 1 blocks [bb1, bb2] latches [bb2] exits [bb1->bb3] parent - children []\n"
        );
    }

    #[test]
    fn nested_loops() {
        // Outer loop bb1..bb6 holds a self-loop bb2 and a loop bb4/bb5; bb7 is a later
        // top-level self-loop, so ids order by depth before header RPO.
        let (f, b, loops) = loops_of(&[&[1], &[7, 2], &[2, 3], &[4], &[5], &[4, 6], &[1], &[7, 8], &[]]);
        assert_eq!(loops.len(), 4);
        let [outer, tail, self_loop, inner] = [0, 1, 2, 3].map(LoopId);
        assert_eq!(loops[outer].blocks, b[1..7].to_vec());
        assert_eq!(loops[outer].children, vec![self_loop, inner]);
        assert_eq!(loops[inner].parent, Some(outer));
        assert_eq!(loops[inner].depth, 2);
        assert_eq!(loops[inner].blocks, vec![b[4], b[5]]);
        assert_eq!(loops[self_loop].latches, vec![b[2]]);
        assert_eq!(loops[tail].header, b[7]);
        assert_eq!(loops.innermost(b[5]), Some(inner));
        assert_eq!(loops.innermost(b[3]), Some(outer));
        assert_eq!(loops.innermost(b[8]), None);
        assert!(loops.contains(outer, b[5]) && loops.contains(inner, b[5]));
        assert!(!loops.contains(inner, b[3]) && !loops.contains(tail, b[1]));
        assert_eq!((loops.depth(b[5]), loops.depth(b[6]), loops.depth(b[0])), (2, 1, 0));
        assert_eq!(
            loops.display(&f).to_string(),
            "loop0 header bb1 depth 1 blocks [bb1, bb2, bb3, bb4, bb5, bb6] latches [bb6] \
             exits [bb1->bb7] parent - children [loop2, loop3]\n\
             loop1 header bb7 depth 1 blocks [bb7] latches [bb7] exits [bb7->bb8] parent - children []\n\
             loop2 header bb2 depth 2 blocks [bb2] latches [bb2] exits [bb2->bb3] parent loop0 children []\n\
             loop3 header bb4 depth 2 blocks [bb4, bb5] latches [bb5] exits [bb5->bb6] parent loop0 children []\n"
        );
    }

    #[test]
    fn two_latches_one_loop() {
        let (_, b, loops) = loops_of(&[&[1], &[2, 3], &[1, 4], &[1, 4], &[]]);
        assert_eq!(loops.len(), 1);
        let l = &loops[LoopId(0)];
        assert_eq!(l.header, b[1]);
        // RPO is bb0, bb1, bb3, bb2, bb4.
        assert_eq!(l.blocks, vec![b[1], b[3], b[2]]);
        assert_eq!(l.latches, vec![b[3], b[2]]);
        assert_eq!(l.exits, vec![(b[3], b[4]), (b[2], b[4])]);
    }

    #[test]
    fn early_exits() {
        // while-loop bb1 whose body bb2 may break to bb5; latch bb3 may also leave.
        let (_, b, loops) = loops_of(&[&[1], &[2, 4], &[3, 5], &[1, 4], &[5], &[]]);
        assert_eq!(loops.len(), 1);
        let l = &loops[LoopId(0)];
        assert_eq!(l.blocks, vec![b[1], b[2], b[3]]);
        assert_eq!(l.latches, vec![b[3]]);
        assert_eq!(l.exits, vec![(b[1], b[4]), (b[2], b[5]), (b[3], b[4])]);
    }

    #[test]
    fn irreducible_cycle_is_not_a_loop() {
        // bb1 <-> bb2, entered from bb0 at both blocks.
        let (f, b, loops) = loops_of(&[&[1, 2], &[2, 3], &[1], &[]]);
        assert!(loops.is_empty());
        assert!(b.iter().all(|&x| loops.innermost(x).is_none()));
        assert_eq!(loops.display(&f).to_string(), "");
        // Inside a natural loop, the irreducible bb2 <-> bb3 cycle just belongs to bb1's loop.
        let (_, b, loops) = loops_of(&[&[1], &[2, 3], &[3, 4], &[2, 4], &[1, 5], &[]]);
        assert_eq!(loops.len(), 1);
        assert_eq!(loops[LoopId(0)].blocks, vec![b[1], b[2], b[3], b[4]]);
        assert_eq!(loops[LoopId(0)].latches, vec![b[4]]);
    }

    #[test]
    fn dead_cycle_is_not_a_loop() {
        let (_, b, loops) = loops_of(&[&[1], &[], &[2]]);
        assert!(loops.is_empty());
        assert!(!loops.is_header(b[2]));
    }

    #[test]
    fn random_cfgs_match_brute_force() {
        for seed in 0..400 {
            let succs = random_succs(seed);
            let shape_ref: Vec<&[usize]> = succs.iter().map(Vec::as_slice).collect();
            let (f, b) = shape(&shape_ref);
            let cfg = Cfg::compute(&f);
            let dom = DomTree::compute(&f, &cfg);
            let loops = Loops::compute(&f, &cfg, &dom);
            // Brute force: x is in h's loop when it reaches a latch of h without passing h.
            let mut expect: Vec<(Block, Vec<Block>)> = Vec::new();
            for &h in cfg.rpo() {
                let latches: Vec<Block> =
                    cfg.preds(h).iter().copied().filter(|&p| cfg.is_reachable(p) && dom.dominates(h, p)).collect();
                if latches.is_empty() {
                    continue;
                }
                let body = cfg
                    .rpo()
                    .iter()
                    .copied()
                    .filter(|&x| x == h || latches.iter().any(|l| reachable_avoiding(&cfg, x, h)[l.index()]));
                expect.push((h, body.collect()));
            }
            assert_eq!(loops.len(), expect.len(), "seed {seed}");
            let outer_count = |x: Block| expect.iter().filter(|(_, body)| body.contains(&x)).count() as u32;
            let mut prev_key = (0, 0);
            for (id, l) in loops.iter() {
                let (_, body) = expect.iter().find(|(h, _)| *h == l.header).expect("header found");
                assert_eq!(&l.blocks, body, "seed {seed}: blocks of {id}");
                assert_eq!(l.depth, outer_count(l.header), "seed {seed}: depth of {id}");
                let key = (l.depth, cfg.rpo_index(l.header).unwrap());
                assert!(key > prev_key || id == LoopId(0), "seed {seed}: order at {id}");
                prev_key = key;
                let exits: Vec<(Block, Block)> = body
                    .iter()
                    .flat_map(|&x| cfg.succs(x).iter().filter(|s| !body.contains(s)).map(move |&s| (x, s)))
                    .collect();
                assert_eq!(l.exits, exits, "seed {seed}: exits of {id}");
                if let Some(p) = l.parent {
                    assert!(l.blocks.iter().all(|&x| loops.contains(p, x)) && loops[p].depth + 1 == l.depth);
                    assert!(loops[p].children.contains(&id));
                }
            }
            for &x in &b {
                let want = loops.iter().filter(|(_, l)| l.blocks.contains(&x)).max_by_key(|(_, l)| l.depth);
                assert_eq!(loops.innermost(x), want.map(|(id, _)| id), "seed {seed}: innermost of {x}");
                assert_eq!(loops.depth(x), outer_count(x), "seed {seed}: depth of {x}");
            }
        }
    }
}
