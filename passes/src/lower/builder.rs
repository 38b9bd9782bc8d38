//! The integer-arithmetic builder: owns how an `iN` value lives in the field (a canonical
//! element of `[0, 2^N)`), how new values are range-checked (a [`RangeCheck`] strategy), and
//! the small gadgets every instruction lowering shares (bits, sign, zero test, comparisons).
//! Instruction lowerings never create advice or residuals except through it.

use crate::template::{
    Hint, HintFn, HintSource, InputKind, MemAccess, Node, Op, Origin, Residual, StateRecord, Template,
};
use std::collections::HashMap;
use std::sync::Arc;

/// How the builder constrains a value to `[0, 2^bits)`. Bit decomposition is the start; a
/// lookup argument (logUp) or limbs in a small field replace it without touching any
/// instruction lowering.
pub trait RangeCheck: Send + Sync {
    /// The strategy's name, for dumps.
    fn name(&self) -> &'static str;
    /// A new value in `[0, 2^bits)` whose witness is `f(args)`.
    fn fresh(&self, b: &mut Builder, what: &'static str, bits: u32, args: &[Node], f: HintFn) -> Node;
    /// Constrains the existing node `x` to `[0, 2^bits)`.
    fn check(&self, b: &mut Builder, x: Node, bits: u32, what: &'static str) {
        let y = self.fresh(b, what, bits, &[x], Arc::new(|v: &[u128]| v[0]));
        let d = b.sub(x, y);
        b.residual(d, format!("{what}: in range (< 2^{bits})"));
    }
}

/// Range checks by bit decomposition: `bits` advice bits, each checked boolean, recomposed.
pub struct BitDecomposition;

impl RangeCheck for BitDecomposition {
    fn name(&self) -> &'static str {
        "bits"
    }
    fn fresh(&self, b: &mut Builder, what: &'static str, bits: u32, args: &[Node], f: HintFn) -> Node {
        let mut out = Vec::with_capacity(bits as usize);
        for i in 0..bits {
            let f = f.clone();
            let bit = b.bit_advice(what, args, Arc::new(move |v: &[u128]| (f(v) >> i) & 1));
            out.push(bit);
        }
        let node = b.recompose(&out);
        b.bits.insert(node, out);
        node
    }
}

/// Poison of a value: the OR of its terms (empty: never poison).
#[derive(Clone, Default, Debug)]
pub struct Poison(pub Vec<PTerm>);

/// One reason a value may be poison.
#[derive(Clone, Copy, Debug)]
pub enum PTerm {
    /// A node that is 1 when poison.
    Bit(Node),
    /// A condition built only when some use needs it (index into the lazy table).
    Lazy(u32),
}

impl Poison {
    /// Never poison.
    pub fn none() -> Poison {
        Poison(Vec::new())
    }
    /// The union of two poison sets.
    pub fn or(&self, other: &Poison) -> Poison {
        let mut v = self.0.clone();
        v.extend(other.0.iter().copied());
        Poison(v)
    }
    /// True when the value can never be poison.
    pub fn is_none(&self) -> bool {
        self.0.is_empty()
    }
}

type LazyFn = Box<dyn FnOnce(&mut Builder) -> Node>;

enum Lazy {
    Pending(LazyFn, u32),
    Running,
    Done(Node),
}

/// An `iN` value in a template: a canonical node and its poison.
#[derive(Clone, Debug)]
pub struct IVal {
    pub node: Node,
    pub bits: u32,
    pub poison: Poison,
}

/// Builds one [`Template`].
pub struct Builder {
    pub(crate) t: Template,
    /// Value of every node on an all-zero copy (`None`: unknown or too large).
    zval: Vec<Option<i128>>,
    consed: HashMap<Op, Node>,
    /// Bit decompositions known for nodes (lowest bit first).
    pub(crate) bits: HashMap<Node, Vec<Node>>,
    lazy: Vec<Lazy>,
    cur_origin: u32,
    origin_ids: HashMap<(String, String), u32>,
    pub enabled: Node,
    pub step: Node,
    pub member: Node,
    /// Inputs reserved for live-ins, filled in order by [`Builder::live_in`].
    live_slots: Vec<u32>,
    next_live: usize,
    pub range: Arc<dyn RangeCheck>,
}

const NO_ORIGIN: u32 = u32::MAX;

impl Builder {
    /// A builder for a template with `live_ins` live-in inputs.
    pub fn new(name: String, live_in_names: Vec<String>, range: Arc<dyn RangeCheck>) -> Builder {
        let mut inputs = vec![InputKind::Enabled, InputKind::Step, InputKind::Member];
        let live_slots = (0..live_in_names.len()).map(|k| (3 + k) as u32).collect();
        inputs.extend(live_in_names.into_iter().map(InputKind::LiveIn));
        let t = Template {
            name,
            ops: Vec::new(),
            op_origin: Vec::new(),
            origins: Vec::new(),
            inputs,
            hints: Vec::new(),
            residuals: Vec::new(),
            consumed: StateRecord { active: Node(0), fields: Vec::new() },
            produced: StateRecord { active: Node(0), fields: Vec::new() },
            memory: Vec::new(),
            members: 1,
            instructions: 0,
        };
        let mut b = Builder {
            t,
            zval: Vec::new(),
            consed: HashMap::new(),
            bits: HashMap::new(),
            lazy: Vec::new(),
            cur_origin: NO_ORIGIN,
            origin_ids: HashMap::new(),
            enabled: Node(0),
            step: Node(0),
            member: Node(0),
            live_slots,
            next_live: 0,
            range,
        };
        b.enabled = b.push(Op::Input(0), Some(0));
        b.step = b.push(Op::Input(1), Some(0));
        b.member = b.push(Op::Input(2), Some(0));
        // Records count `enabled` times: any other value than 0 or 1 would let a padding
        // copy inject a factor into the glue's products.
        b.boolean(b.enabled, "enabled");
        b
    }

    /// The next live-in input, as a node.
    pub fn live_in(&mut self) -> Node {
        let k = self.live_slots[self.next_live];
        self.next_live += 1;
        self.push(Op::Input(k), Some(0))
    }

    /// Sets the origin of the ops created from now on.
    pub fn set_origin(&mut self, o: Option<Origin>) {
        self.cur_origin = match o {
            None => NO_ORIGIN,
            Some(o) => {
                let key = (o.block.clone(), o.inst.clone());
                if let Some(&id) = self.origin_ids.get(&key) {
                    id
                } else {
                    let id = self.t.origins.len() as u32;
                    self.t.origins.push(o);
                    self.origin_ids.insert(key, id);
                    id
                }
            }
        };
    }

    fn push(&mut self, op: Op, z: Option<i128>) -> Node {
        let n = Node(self.t.ops.len() as u32);
        self.t.ops.push(op);
        self.t.op_origin.push(self.cur_origin);
        self.zval.push(z);
        n
    }

    fn cons(&mut self, op: Op, z: Option<i128>) -> Node {
        if let Some(&n) = self.consed.get(&op) {
            return n;
        }
        let n = self.push(op, z);
        self.consed.insert(op, n);
        n
    }

    /// The constant value of `n`, if it is a constant.
    pub fn const_of(&self, n: Node) -> Option<i128> {
        match self.t.ops[n.0 as usize] {
            Op::Const(c) => Some(c),
            _ => None,
        }
    }

    /// A constant.
    pub fn c(&mut self, v: i128) -> Node {
        self.cons(Op::Const(v), Some(v))
    }

    fn z(&self, n: Node) -> Option<i128> {
        self.zval[n.0 as usize]
    }

    /// `a + b`.
    pub fn add(&mut self, a: Node, b: Node) -> Node {
        match (self.const_of(a), self.const_of(b)) {
            (Some(0), _) => return b,
            (_, Some(0)) => return a,
            (Some(x), Some(y)) if x.checked_add(y).is_some() => return self.c(x + y),
            _ => {}
        }
        let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        let z = self.z(a).zip(self.z(b)).and_then(|(x, y)| x.checked_add(y));
        self.cons(Op::Add(a, b), z)
    }

    /// `a - b`.
    pub fn sub(&mut self, a: Node, b: Node) -> Node {
        match (self.const_of(a), self.const_of(b)) {
            (_, Some(0)) => return a,
            (Some(x), Some(y)) if x.checked_sub(y).is_some() => return self.c(x - y),
            _ => {}
        }
        if a == b {
            return self.c(0);
        }
        let z = self.z(a).zip(self.z(b)).and_then(|(x, y)| x.checked_sub(y));
        self.cons(Op::Sub(a, b), z)
    }

    /// `a * b`.
    pub fn mul(&mut self, a: Node, b: Node) -> Node {
        match (self.const_of(a), self.const_of(b)) {
            (Some(x), _) => return self.scale(x, b),
            (_, Some(y)) => return self.scale(y, a),
            _ => {}
        }
        let (a, b) = if a.0 <= b.0 { (a, b) } else { (b, a) };
        let z = self.z(a).zip(self.z(b)).and_then(|(x, y)| x.checked_mul(y));
        self.cons(Op::Mul(a, b), z)
    }

    /// `k * a`.
    pub fn scale(&mut self, k: i128, a: Node) -> Node {
        if k == 0 {
            return self.c(0);
        }
        if k == 1 {
            return a;
        }
        if let Some(x) = self.const_of(a) {
            if let Some(v) = x.checked_mul(k) {
                return self.c(v);
            }
        }
        let z = self.z(a).and_then(|x| x.checked_mul(k));
        self.cons(Op::Scale(k, a), z)
    }

    /// `sum k_i * a_i + c`.
    pub fn lin(&mut self, terms: &[(i128, Node)], c: i128) -> Node {
        let mut acc = self.c(c);
        for &(k, a) in terms {
            let t = self.scale(k, a);
            acc = self.add(acc, t);
        }
        acc
    }

    /// `1 - a` (and `1 - (1 - x)` is `x`).
    pub fn not(&mut self, a: Node) -> Node {
        let one = self.c(1);
        if let Op::Sub(o, x) = self.t.ops[a.0 as usize] {
            if o == one {
                return x;
            }
        }
        self.sub(one, a)
    }

    /// `a OR b` for bits: `a + b - a*b`.
    pub fn or_bit(&mut self, a: Node, b: Node) -> Node {
        if self.const_of(a) == Some(0) {
            return b;
        }
        if self.const_of(b) == Some(0) {
            return a;
        }
        let s = self.add(a, b);
        let p = self.mul(a, b);
        self.sub(s, p)
    }

    /// `a XOR b` for bits: `a + b - 2ab`.
    pub fn xor_bit(&mut self, a: Node, b: Node) -> Node {
        let s = self.add(a, b);
        let p = self.mul(a, b);
        let p2 = self.scale(2, p);
        self.sub(s, p2)
    }

    /// `sum xs`.
    pub fn sum(&mut self, xs: &[Node]) -> Node {
        let terms: Vec<(i128, Node)> = xs.iter().map(|&n| (1, n)).collect();
        self.lin(&terms, 0)
    }

    /// 1 when some bit of `bits` is set.
    pub fn any_set(&mut self, bits: &[Node]) -> Node {
        let s = self.sum(bits);
        self.is_nonzero(s)
    }

    /// 1 when some bit of `bits` differs from `t`.
    pub fn any_differs(&mut self, bits: &[Node], t: Node) -> Node {
        let xs: Vec<Node> = bits.iter().map(|&n| self.xor_bit(n, t)).collect();
        self.any_set(&xs)
    }

    /// `c ? t : f` for any nodes (`c` a bit): `f + c*(t - f)`.
    pub fn mux(&mut self, c: Node, t: Node, f: Node) -> Node {
        if t == f {
            return t;
        }
        let d = self.sub(t, f);
        let m = self.mul(c, d);
        self.add(f, m)
    }

    /// Records that `r` must be zero. Residuals that would not vanish on an all-zero (padding)
    /// copy are multiplied by `enabled`.
    pub fn residual(&mut self, r: Node, what: impl Into<String>) {
        if self.const_of(r) == Some(0) {
            return;
        }
        let node = if self.z(r) == Some(0) { r } else { self.mul(self.enabled, r) };
        self.t.residuals.push(Residual { node, what: what.into(), origin: self.origin_index() });
    }

    /// The origin ops get now, as an index into the template's origins.
    pub fn origin_index(&self) -> Option<u32> {
        (self.cur_origin != NO_ORIGIN).then_some(self.cur_origin)
    }

    /// A new advice input filled by `src`.
    pub fn advice(&mut self, what: &'static str, src: HintSource) -> Node {
        let input = self.t.inputs.len() as u32;
        let h = self.t.hints.len() as u32;
        self.t.inputs.push(InputKind::Advice(h));
        self.t.hints.push(Hint { what, src, input });
        self.push(Op::Input(input), Some(0))
    }

    /// Advice computed by `f` from the integer values of `args`.
    pub fn compute(&mut self, what: &'static str, args: &[Node], f: HintFn) -> Node {
        self.advice(what, HintSource::Compute { args: args.to_vec(), f })
    }

    /// A boolean advice value computed by `f`; checked to be a bit.
    pub fn bit_advice(&mut self, what: &'static str, args: &[Node], f: HintFn) -> Node {
        let b = self.compute(what, args, f);
        self.boolean(b, what);
        b
    }

    /// Checks that `b` is 0 or 1.
    pub fn boolean(&mut self, b: Node, what: &str) {
        let nb = self.not(b);
        let r = self.mul(b, nb);
        self.residual(r, format!("{what}: is a bit"));
    }

    /// `sum bits[i] * 2^i`.
    pub fn recompose(&mut self, bits: &[Node]) -> Node {
        let terms: Vec<(i128, Node)> = bits.iter().enumerate().map(|(i, &b)| (1i128 << i, b)).collect();
        self.lin(&terms, 0)
    }

    /// A fresh value in `[0, 2^bits)` with witness `f(args)`, through the range-check strategy.
    pub fn fresh(&mut self, what: &'static str, bits: u32, args: &[Node], f: HintFn) -> Node {
        if bits == 0 {
            return self.c(0);
        }
        let rc = self.range.clone();
        rc.fresh(self, what, bits, args, f)
    }

    /// Constrains `x` to `[0, 2^bits)`.
    pub fn range_check(&mut self, x: Node, bits: u32, what: &'static str) {
        if let Some(c) = self.const_of(x) {
            if c >= 0 && (bits >= 127 || c < (1i128 << bits)) {
                return;
            }
        }
        let rc = self.range.clone();
        rc.check(self, x, bits, what)
    }

    /// The bits of a canonical `w`-bit value (decomposed once, then cached).
    pub fn bits_of(&mut self, x: Node, w: u32) -> Vec<Node> {
        if let Some(c) = self.const_of(x) {
            return (0..w).map(|i| self.c((c >> i) & 1)).collect();
        }
        if w == 1 {
            return vec![x];
        }
        if let Some(b) = self.bits.get(&x) {
            let mut b = b.clone();
            b.resize(w as usize, Node(u32::MAX));
            if b.iter().all(|n| n.0 != u32::MAX) {
                return b;
            }
            let zero = self.c(0);
            return b.into_iter().map(|n| if n.0 == u32::MAX { zero } else { n }).collect();
        }
        let mut out = Vec::with_capacity(w as usize);
        for i in 0..w {
            out.push(self.bit_advice("bit", &[x], Arc::new(move |v: &[u128]| (v[0] >> i) & 1)));
        }
        let r = self.recompose(&out);
        let d = self.sub(x, r);
        self.residual(d, "bit decomposition");
        self.bits.insert(x, out.clone());
        out
    }

    /// The sign bit of a canonical `w`-bit value.
    pub fn sign_of(&mut self, x: Node, w: u32) -> Node {
        self.bits_of(x, w)[w as usize - 1]
    }

    /// `x` read as a signed `w`-bit integer: `x - 2^w * sign`.
    pub fn signed(&mut self, x: Node, w: u32) -> Node {
        let s = self.sign_of(x, w);
        let k = self.scale(1i128 << w, s);
        self.sub(x, k)
    }

    /// 1 when `x == 0`, else 0 (inverse trick: `z = 1 - x * inv`, `x * z = 0`).
    pub fn is_zero(&mut self, x: Node) -> Node {
        if let Some(c) = self.const_of(x) {
            return self.c((c == 0) as i128);
        }
        let inv = self.advice("inverse", HintSource::Inverse(x));
        let p = self.mul(x, inv);
        let z = self.not(p);
        let r = self.mul(x, z);
        self.residual(r, "zero test");
        z
    }

    /// 1 when `x != 0`.
    pub fn is_nonzero(&mut self, x: Node) -> Node {
        let z = self.is_zero(x);
        self.not(z)
    }

    /// `a < b` for canonical unsigned `w`-bit values.
    pub fn lt_u(&mut self, a: Node, b: Node, w: u32) -> Node {
        if let (Some(x), Some(y)) = (self.const_of(a), self.const_of(b)) {
            return self.c((x < y) as i128);
        }
        let lt = self.bit_advice("less than", &[a, b], Arc::new(|v: &[u128]| (v[0] < v[1]) as u128));
        let d = self.sub(a, b);
        let k = self.scale(1i128 << w, lt);
        let x = self.add(d, k);
        self.range_check(x, w, "comparison");
        lt
    }

    /// `a < b` for canonical `w`-bit values read as signed.
    pub fn lt_s(&mut self, a: Node, b: Node, w: u32) -> Node {
        let sa = self.signed(a, w);
        let sb = self.signed(b, w);
        let lt = self.bit_advice(
            "signed less than",
            &[a, b],
            Arc::new(move |v: &[u128]| (sext(v[0], w) < sext(v[1], w)) as u128),
        );
        let d = self.sub(sa, sb);
        let k = self.scale(1i128 << w, lt);
        let x = self.add(d, k);
        self.range_check(x, w, "signed comparison");
        lt
    }

    /// Registers a poison condition built only when a use needs it.
    pub fn lazy_poison(&mut self, f: impl FnOnce(&mut Builder) -> Node + 'static) -> Poison {
        let id = self.lazy.len() as u32;
        self.lazy.push(Lazy::Pending(Box::new(f), self.cur_origin));
        Poison(vec![PTerm::Lazy(id)])
    }

    /// The poison bit of `p` (`None` when it can never be poison).
    pub fn poison_bit(&mut self, p: &Poison) -> Option<Node> {
        let mut acc: Option<Node> = None;
        for t in &p.0 {
            let n = match *t {
                PTerm::Bit(n) => n,
                PTerm::Lazy(id) => self.force(id),
            };
            acc = Some(match acc {
                None => n,
                Some(a) => self.or_bit(a, n),
            });
        }
        acc.filter(|&n| self.const_of(n) != Some(0))
    }

    fn force(&mut self, id: u32) -> Node {
        match std::mem::replace(&mut self.lazy[id as usize], Lazy::Running) {
            Lazy::Done(n) => {
                self.lazy[id as usize] = Lazy::Done(n);
                n
            }
            Lazy::Pending(f, origin) => {
                let saved = self.cur_origin;
                self.cur_origin = origin;
                let n = f(self);
                self.cur_origin = saved;
                self.lazy[id as usize] = Lazy::Done(n);
                n
            }
            Lazy::Running => panic!("internal error: cyclic poison condition"),
        }
    }

    /// Requires `v` not to be poison where `cond` (a bit; `None`: always) holds: LLVM makes
    /// such a use undefined behaviour and the interpreter reports it.
    pub fn require_defined(&mut self, v: &IVal, cond: Option<Node>, what: &str) {
        if let Some(p) = self.poison_bit(&v.poison) {
            let r = match cond {
                Some(c) => self.mul(c, p),
                None => p,
            };
            self.residual(r, format!("{what} is not poison"));
        }
    }

    /// Adds a memory access record.
    pub fn mem_access(&mut self, a: MemAccess) {
        self.t.memory.push(a);
    }

    /// The finished template.
    pub fn finish(
        mut self,
        consumed: StateRecord,
        produced: StateRecord,
        members: usize,
        instructions: usize,
    ) -> Template {
        self.t.consumed = consumed;
        self.t.produced = produced;
        self.t.members = members;
        self.t.instructions = instructions;
        self.t
    }
}

/// `v` (a `w`-bit pattern) as a signed integer.
pub fn sext(v: u128, w: u32) -> i128 {
    let v = v as i128;
    if w < 128 && (v >> (w - 1)) & 1 == 1 {
        v - (1i128 << w)
    } else {
        v
    }
}

/// `2^w - 1` as an `i128`.
pub fn mask(w: u32) -> i128 {
    (1i128 << w) - 1
}
