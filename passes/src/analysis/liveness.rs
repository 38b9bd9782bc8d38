//! Live SSA values at the entry and exit of every block (backward dataflow over bitsets).

use super::cfg::Cfg;
use std::fmt;
use tessera_ir::display::Namer;
use tessera_ir::entity::{EntityRef, SecondaryMap};
use tessera_ir::{Block, Function, InstKind, Value};

/// Which SSA values are live on entry to and exit from each layout block.
///
/// Only parameters and instruction results are tracked: constants, poison and global
/// addresses are never live. Parameters are defined before the entry block, so a used
/// parameter is live-in of the entry. Phis follow SSA semantics: the value a phi of block
/// `S` takes from predecessor `P` is live-out of `P` (not live-in of `S`), and a phi's result
/// is defined at the top of `S` (so it is not live-in of `S`). Unreachable layout blocks
/// get their own sets too. Value lists are sorted by printed number ([`Namer`]'s order:
/// parameters, then results in layout order).
#[derive(Clone, Debug)]
pub struct Liveness {
    /// 64-bit words per bitset row.
    words: usize,
    /// Dense index (printed order) to value.
    values: Vec<Value>,
    /// Value to dense index; `NONE` for values that are never live.
    index: SecondaryMap<Value, u32>,
    /// Live-in bitsets, one row of `words` per block index.
    ins: Vec<u64>,
    /// Live-out bitsets, one row of `words` per block index.
    outs: Vec<u64>,
    live_in: SecondaryMap<Block, Vec<Value>>,
    live_out: SecondaryMap<Block, Vec<Value>>,
}

const NONE: u32 = u32::MAX;

fn set(bits: &mut [u64], row: usize, k: usize) {
    bits[row + k / 64] |= 1 << (k % 64);
}

fn test(bits: &[u64], row: usize, k: usize) -> bool {
    bits[row + k / 64] >> (k % 64) & 1 == 1
}

impl Liveness {
    /// Computes liveness for `f`, iterating to a fixed point in postorder.
    pub fn compute(f: &Function, cfg: &Cfg) -> Liveness {
        let mut index = SecondaryMap::with_capacity_default(f.values.len(), NONE);
        let mut values = Vec::new();
        let defined = f
            .params
            .iter()
            .copied()
            .chain(cfg.layout().iter().flat_map(|&b| f.blocks[b].insts.iter().filter_map(|&i| f.insts[i].result)));
        for v in defined {
            if index[v] == NONE {
                index[v] = values.len() as u32;
                values.push(v);
            }
        }
        let words = values.len().div_ceil(64);
        let rows = f.blocks.len() * words;
        let bit = |v: Value| match *index.get(v) {
            NONE => None,
            k => Some(k as usize),
        };
        // Upward-exposed uses, definitions, and values flowing out along edges into phis.
        let (mut uses, mut defs, mut phi_out) = (vec![0u64; rows], vec![0u64; rows], vec![0u64; rows]);
        for &b in cfg.layout() {
            let r = b.index() * words;
            for &i in &f.blocks[b].insts {
                let data = &f.insts[i];
                if let InstKind::Phi { incoming } = &data.kind {
                    for &(p, v) in incoming {
                        if let Some(k) = bit(v) {
                            if cfg.succs(p).contains(&b) {
                                set(&mut phi_out, p.index() * words, k);
                            }
                        }
                    }
                } else {
                    data.kind.for_each_operand(|v| {
                        if let Some(k) = bit(v) {
                            if !test(&defs, r, k) {
                                set(&mut uses, r, k);
                            }
                        }
                    });
                }
                if let Some(k) = data.result.and_then(bit) {
                    set(&mut defs, r, k);
                }
            }
        }
        // Postorder (successors before predecessors where possible), then dead blocks.
        let order: Vec<Block> = cfg
            .rpo()
            .iter()
            .rev()
            .chain(cfg.layout().iter().rev().filter(|&&b| !cfg.is_reachable(b)))
            .copied()
            .collect();
        let (mut ins, mut outs) = (vec![0u64; rows], vec![0u64; rows]);
        let mut changed = true;
        while changed {
            changed = false;
            for &b in &order {
                let r = b.index() * words;
                let out = &mut outs[r..r + words];
                out.copy_from_slice(&phi_out[r..r + words]);
                for &s in cfg.succs(b) {
                    let rs = s.index() * words;
                    out.iter_mut().zip(&ins[rs..rs + words]).for_each(|(o, i)| *o |= i);
                }
                let new_in = uses[r..r + words].iter().zip(&defs[r..r + words]).zip(out.iter());
                for (slot, ((u, d), o)) in ins[r..r + words].iter_mut().zip(new_in) {
                    let x = u | (o & !d);
                    if *slot != x {
                        *slot = x;
                        changed = true;
                    }
                }
            }
        }
        let list = |bits: &[u64], b: Block| -> Vec<Value> {
            let r = b.index() * words;
            let mut out = Vec::new();
            for (w, &word) in bits[r..r + words].iter().enumerate() {
                let mut x = word;
                while x != 0 {
                    out.push(values[w * 64 + x.trailing_zeros() as usize]);
                    x &= x - 1;
                }
            }
            out
        };
        let mut live_in = SecondaryMap::with_capacity_default(f.blocks.len(), Vec::new());
        let mut live_out = SecondaryMap::with_capacity_default(f.blocks.len(), Vec::new());
        for &b in cfg.layout() {
            live_in[b] = list(&ins, b);
            live_out[b] = list(&outs, b);
        }
        Liveness { words, values, index, ins, outs, live_in, live_out }
    }

    /// Values live on entry to `b`, sorted by printed number.
    pub fn live_in(&self, b: Block) -> &[Value] {
        self.live_in.get(b)
    }

    /// Values live on exit from `b` (phi operands for its successors included), sorted by
    /// printed number.
    pub fn live_out(&self, b: Block) -> &[Value] {
        self.live_out.get(b)
    }

    /// True when `v` is live on entry to `b`. O(1).
    pub fn is_live_in(&self, b: Block, v: Value) -> bool {
        self.test_bit(&self.ins, b, v)
    }

    /// True when `v` is live on exit from `b`. O(1).
    pub fn is_live_out(&self, b: Block, v: Value) -> bool {
        self.test_bit(&self.outs, b, v)
    }

    fn test_bit(&self, bits: &[u64], b: Block, v: Value) -> bool {
        match *self.index.get(v) {
            NONE => false,
            k => {
                let r = b.index() * self.words;
                r + self.words <= bits.len() && test(bits, r, k as usize)
            }
        }
    }

    /// Number of values that can be live (parameters and instruction results).
    pub fn tracked_values(&self) -> usize {
        self.values.len()
    }

    /// Prints one line per layout block: `bb2: in [%0, %3] out [%3, %7]`.
    pub fn display<'a>(&'a self, f: &'a Function) -> impl fmt::Display + 'a {
        LivenessDisplay { live: self, f }
    }
}

struct LivenessDisplay<'a> {
    live: &'a Liveness,
    f: &'a Function,
}

impl fmt::Display for LivenessDisplay<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Namer::new(self.f);
        let list = |vs: &[Value]| vs.iter().map(|&v| n.value(None, self.f, v)).collect::<Vec<_>>().join(", ");
        for &b in &self.f.layout {
            let (i, o) = (list(self.live.live_in(b)), list(self.live.live_out(b)));
            writeln!(out, "{}: in [{i}] out [{o}]", n.block(b))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_ir::{BinOp, Flags, Global, IcmpPred, Type};

    fn bin(f: &mut Function, b: Block, op: BinOp, lhs: Value, rhs: Value) -> Value {
        let kind = InstKind::Binary { op, flags: Flags::default(), lhs, rhs };
        f.push_inst(b, kind, Some(Type::I32), None).1.unwrap()
    }

    fn br(f: &mut Function, b: Block, target: Block) {
        f.push_inst(b, InstKind::Br { target }, None, None);
    }

    fn live(f: &Function) -> Liveness {
        Liveness::compute(f, &Cfg::compute(f))
    }

    #[test]
    fn loop_with_phi() {
        // bb0: %1 = add %0, 1; br bb1
        // bb1: %2 = phi [bb0: 0], [bb2: %4]; %3 = icmp slt %2, %0; br %3, bb2, bb3
        // bb2: %4 = add %2, %1; br bb1
        // bb3: ret %2
        let mut f = Function::new("count", &[Type::I32], Some(Type::I32));
        let b: Vec<Block> = (0..4).map(|_| f.add_block()).collect();
        let (n, zero, one) = (f.params[0], f.const_value(Type::I32, 0), f.const_value(Type::I32, 1));
        let step = bin(&mut f, b[0], BinOp::Add, n, one);
        br(&mut f, b[0], b[1]);
        let phi_kind = InstKind::Phi { incoming: vec![(b[0], zero), (b[2], zero)] };
        let (phi, i) = f.push_inst(b[1], phi_kind, Some(Type::I32), None);
        let i = i.unwrap();
        let cmp = InstKind::Icmp { pred: IcmpPred::Slt, lhs: i, rhs: n };
        let c = f.push_inst(b[1], cmp, Some(Type::I1), None).1.unwrap();
        f.push_inst(b[1], InstKind::CondBr { cond: c, if_true: b[2], if_false: b[3] }, None, None);
        let next = bin(&mut f, b[2], BinOp::Add, i, step);
        br(&mut f, b[2], b[1]);
        f.push_inst(b[3], InstKind::Ret { value: Some(i) }, None, None);
        f.insts[phi].kind = InstKind::Phi { incoming: vec![(b[0], zero), (b[2], next)] };

        let l = live(&f);
        // The latch's phi operand is live-out of the latch, not live-in of the header.
        assert!(l.live_out(b[2]).contains(&next) && !l.live_in(b[1]).contains(&next));
        // The phi result is defined at the top of the header.
        assert!(!l.is_live_in(b[1], i) && l.is_live_in(b[2], i) && l.is_live_out(b[1], i));
        // A value defined before the loop and used inside it lives around the whole loop.
        assert_eq!(l.live_in(b[1]), &[n, step]);
        assert_eq!(l.live_in(b[2]), &[n, step, i]);
        assert_eq!(l.live_out(b[2]), &[n, step, next]);
        assert_eq!(l.live_in(b[0]), &[n]);
        assert_eq!(l.live_in(b[3]), &[i]);
        assert!(l.live_out(b[3]).is_empty());
        assert!(!l.is_live_in(b[1], one) && !l.is_live_out(b[0], zero));
        assert_eq!(l.tracked_values(), 5);
        assert_eq!(
            l.display(&f).to_string(),
            "bb0: in [%0] out [%0, %1]\nbb1: in [%0, %1] out [%0, %1, %2]\n\
             bb2: in [%0, %1, %2] out [%0, %1, %4]\nbb3: in [%2] out []\n"
        );
    }

    #[test]
    fn diamond_sorted_by_printed_number_and_dead_block() {
        // Instructions are created out of layout order so arena order != printed order.
        let mut f = Function::new("d", &[Type::I1, Type::I32, Type::I32], Some(Type::I32));
        let b: Vec<Block> = (0..5).map(|_| f.add_block()).collect();
        let [c, x, y] = [f.params[0], f.params[1], f.params[2]];
        let (one, two) = (f.const_value(Type::I32, 1), f.const_value(Type::I32, 2));
        let (poison, g) = (f.poison(Type::I32), f.global_addr(Global(0)));
        let sub = bin(&mut f, b[2], BinOp::Sub, y, x); // %5
        br(&mut f, b[2], b[3]);
        let mul = bin(&mut f, b[1], BinOp::Mul, y, two); // %4
        br(&mut f, b[1], b[3]);
        let add = bin(&mut f, b[0], BinOp::Add, x, one); // %3
        f.push_inst(b[0], InstKind::CondBr { cond: c, if_true: b[1], if_false: b[2] }, None, None);
        let phi = InstKind::Phi { incoming: vec![(b[1], mul), (b[2], sub)] };
        let m = f.push_inst(b[3], phi, Some(Type::I32), None).1.unwrap(); // %6
        let sum = bin(&mut f, b[3], BinOp::Add, m, add); // %7
        f.push_inst(b[3], InstKind::Ret { value: Some(sum) }, None, None);
        // bb4 is dead: it still gets sets; poison and @g0 are never live.
        let dead = bin(&mut f, b[4], BinOp::Add, add, poison); // %8
        f.push_inst(b[4], InstKind::Store { value: dead, addr: g, align: 4 }, None, None);
        f.push_inst(b[4], InstKind::Ret { value: None }, None, None);

        let l = live(&f);
        assert_eq!(l.live_out(b[2]), &[add, sub]);
        assert_eq!(l.live_out(b[1]), &[add, mul]);
        assert_eq!(l.live_in(b[2]), &[x, y, add]);
        assert_eq!(l.live_in(b[3]), &[add]);
        assert_eq!(l.live_in(b[4]), &[add]);
        assert_eq!(
            l.display(&f).to_string(),
            "bb0: in [%0, %1, %2] out [%1, %2, %3]\nbb1: in [%2, %3] out [%3, %4]\n\
             bb2: in [%1, %2, %3] out [%3, %5]\nbb3: in [%3] out []\nbb4: in [%3] out []\n"
        );
    }

    #[test]
    fn many_values_span_several_words() {
        // 150 values defined in bb0, all used in the loop body bb2: live around the loop.
        let mut f = Function::new("wide", &[Type::I1], None);
        let b: Vec<Block> = (0..4).map(|_| f.add_block()).collect();
        let one = f.const_value(Type::I32, 1);
        let vs: Vec<Value> = (0..150).map(|_| bin(&mut f, b[0], BinOp::Add, one, one)).collect();
        br(&mut f, b[0], b[1]);
        let c = f.params[0];
        f.push_inst(b[1], InstKind::CondBr { cond: c, if_true: b[2], if_false: b[3] }, None, None);
        for w in vs.windows(2) {
            bin(&mut f, b[2], BinOp::Xor, w[0], w[1]);
        }
        br(&mut f, b[2], b[1]);
        f.push_inst(b[3], InstKind::Ret { value: None }, None, None);

        let l = live(&f);
        let mut expect = vec![c];
        expect.extend(&vs);
        assert_eq!(l.live_in(b[1]), &expect[..]);
        assert_eq!(l.live_out(b[2]), &expect[..]);
        assert_eq!(l.live_out(b[0]), &expect[..]);
        assert_eq!(l.live_in(b[2]), &expect[..]);
        assert!(l.live_out(b[1]).len() == 151 && l.tracked_values() == 1 + 150 + 149);
        assert!(l.live_in(b[3]).is_empty());
    }
}
