//! Linear forms over atoms, and the builder that gives every live template node one,
//! interning the gates that forms need (see the [parent module](super)).

use super::{Options, FORM_CAP};
use crate::template::{from_i128, Node, Op};
use ark_ff::PrimeField;
use std::collections::HashMap;

/// A wire value: template input `k` is atom `k`; later atoms are gates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) struct Atom(pub(super) u32);

impl Atom {
    pub(super) fn index(self) -> usize {
        self.0 as usize
    }
}

/// A monomial of degree one or two (a product's atoms in order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Mono {
    Wire(Atom),
    Prod(Atom, Atom),
}

impl Mono {
    fn prod(a: Atom, b: Atom) -> Mono {
        Mono::Prod(a.min(b), a.max(b))
    }

    pub(super) fn atoms(self) -> [Atom; 2] {
        match self {
            Mono::Wire(a) => [a, a],
            Mono::Prod(a, b) => [a, b],
        }
    }
}

/// `konst + sum coeff * mono`: monomials sorted and distinct, coefficients non-zero.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) struct Form<F> {
    pub(super) konst: F,
    pub(super) terms: Vec<(Mono, F)>,
}

impl<F: PrimeField> Form<F> {
    pub(super) fn constant(konst: F) -> Self {
        Form { konst, terms: Vec::new() }
    }

    pub(super) fn atom(a: Atom) -> Self {
        Form { konst: F::zero(), terms: vec![(Mono::Wire(a), F::one())] }
    }

    /// Sorts and merges `terms`, dropping zero coefficients.
    pub(super) fn normalised(konst: F, mut terms: Vec<(Mono, F)>) -> Self {
        terms.sort_unstable_by_key(|t| t.0);
        let mut out: Vec<(Mono, F)> = Vec::with_capacity(terms.len());
        for (m, c) in terms {
            match out.last_mut() {
                Some((lm, lc)) if *lm == m => *lc += c,
                _ => {
                    if out.last().is_some_and(|(_, lc)| lc.is_zero()) {
                        out.pop();
                    }
                    out.push((m, c));
                }
            }
        }
        if out.last().is_some_and(|(_, lc)| lc.is_zero()) {
            out.pop();
        }
        Form { konst, terms: out }
    }

    pub(super) fn as_const(&self) -> Option<F> {
        self.terms.is_empty().then_some(self.konst)
    }

    /// The atom this form is, when it is `1 * a`.
    fn as_atom(&self) -> Option<Atom> {
        match self.terms[..] {
            [(Mono::Wire(a), c)] if c.is_one() && self.konst.is_zero() => Some(a),
            _ => None,
        }
    }

    /// Terms of the gate computing it (the constant counts as one).
    fn len(&self) -> usize {
        self.terms.len() + usize::from(!self.konst.is_zero())
    }

    fn is_linear(&self) -> bool {
        self.terms.iter().all(|(m, _)| matches!(m, Mono::Wire(_)))
    }

    fn scaled(&self, c: F) -> Self {
        if c.is_zero() {
            return Self::constant(F::zero());
        }
        Form { konst: self.konst * c, terms: self.terms.iter().map(|&(m, k)| (m, k * c)).collect() }
    }

    /// `ca * a + cb * b`.
    fn combine(a: &Self, ca: F, b: &Self, cb: F) -> Self {
        let mut terms = Vec::with_capacity(a.terms.len() + b.terms.len());
        terms.extend(a.terms.iter().map(|&(m, k)| (m, k * ca)));
        terms.extend(b.terms.iter().map(|&(m, k)| (m, k * cb)));
        Self::normalised(a.konst * ca + b.konst * cb, terms)
    }

    /// `a * b` for linear `a` and `b`.
    fn product(a: &Self, b: &Self) -> Self {
        let mut terms = Vec::with_capacity((a.terms.len() + 1) * (b.terms.len() + 1));
        for &(m, x) in &a.terms {
            terms.push((m, x * b.konst));
        }
        for &(m, y) in &b.terms {
            terms.push((m, y * a.konst));
        }
        for &(p, x) in &a.terms {
            for &(q, y) in &b.terms {
                if let (Mono::Wire(p), Mono::Wire(q)) = (p, q) {
                    terms.push((Mono::prod(p, q), x * y));
                }
            }
        }
        Self::normalised(a.konst * b.konst, terms)
    }

    /// The distinct atoms it reads, in order.
    pub(super) fn atoms(&self) -> Vec<Atom> {
        let mut v: Vec<Atom> = self.terms.iter().flat_map(|(m, _)| m.atoms()).collect();
        v.sort_unstable();
        v.dedup();
        v
    }
}

/// Builds forms for template nodes and interns the gates they need.
pub(super) struct Builder<F: PrimeField> {
    pub(super) inputs: usize,
    /// The form of every gate atom (index `atom - inputs`).
    gates: Vec<Form<F>>,
    /// ASAP layer of every atom.
    asap: Vec<usize>,
    interned: HashMap<Form<F>, Atom>,
    /// Per template node, its form when the node is live.
    pub(super) node: Vec<Option<Form<F>>>,
    opts: Options,
}

impl<F: PrimeField> Builder<F> {
    pub(super) fn new(inputs: usize, opts: Options) -> Self {
        Builder { inputs, gates: Vec::new(), asap: vec![0; inputs], interned: HashMap::new(), node: Vec::new(), opts }
    }

    pub(super) fn num_atoms(&self) -> usize {
        self.asap.len()
    }

    /// The form of gate atom `a`.
    pub(super) fn def(&self, a: Atom) -> Option<&Form<F>> {
        a.index().checked_sub(self.inputs).map(|g| &self.gates[g])
    }

    pub(super) fn form(&self, n: Node) -> &Form<F> {
        self.node[n.0 as usize].as_ref().expect("operands of live nodes are live")
    }

    fn mono_layer(&self, m: Mono) -> usize {
        let [a, b] = m.atoms();
        self.asap[a.index()].max(self.asap[b.index()])
    }

    /// The form of a live, non-constant node from its operands' forms.
    pub(super) fn node_form(&mut self, op: Op) -> Form<F> {
        match op {
            Op::Input(k) => Form::atom(Atom(k)),
            Op::Const(c) => Form::constant(from_i128(c)),
            Op::Add(a, b) => self.sum(a, b, F::one()),
            Op::Sub(a, b) => self.sum(a, b, -F::one()),
            Op::Scale(c, a) => self.form(a).scaled(from_i128(c)),
            Op::Mul(a, b) => self.mul(a, b),
        }
    }

    /// `a + cb * b`, making the longer operand an atom while the result is too long.
    fn sum(&mut self, a: Node, b: Node, cb: F) -> Form<F> {
        let combine = |s: &Self| Form::combine(s.form(a), F::one(), s.form(b), cb);
        let mut f = combine(self);
        while f.len() > FORM_CAP {
            let big = if self.form(a).len() >= self.form(b).len() { a } else { b };
            self.pin(big);
            f = combine(self);
        }
        f
    }

    /// `a * b`: a scaled form when one side is constant, otherwise the expanded product of
    /// linear forms, making operands atoms as needed.
    fn mul(&mut self, a: Node, b: Node) -> Form<F> {
        if let Some(c) = self.form(a).as_const() {
            return self.form(b).scaled(c);
        }
        if let Some(c) = self.form(b).as_const() {
            return self.form(a).scaled(c);
        }
        for n in [a, b] {
            if !self.form(n).is_linear() {
                self.pin(n);
            }
        }
        while self.form(a).terms.len() * self.form(b).terms.len() > self.opts.expand_cap
            || self.form(a).len() * self.form(b).len() > self.opts.term_cap
        {
            let big = if self.form(a).len() >= self.form(b).len() { a } else { b };
            self.pin(big);
        }
        Form::product(self.form(a), self.form(b))
    }

    /// Makes node `n` an atom (its form becomes `1 * atom`).
    fn pin(&mut self, n: Node) {
        let f = self.form(n).clone();
        if f.as_const().is_none() {
            let a = self.materialise(f);
            self.node[n.0 as usize] = Some(Form::atom(a));
        }
    }

    /// The atom computing the non-constant form `f`: an existing one when `f` is `1 * a` or
    /// was interned before, otherwise a new gate; a form over the term cap is first split
    /// into partial sums of monomials of close layers.
    pub(super) fn materialise(&mut self, f: Form<F>) -> Atom {
        if let Some(a) = f.as_atom() {
            return a;
        }
        let f = if f.len() > self.opts.term_cap { self.split(f) } else { f };
        if let Some(a) = f.as_atom() {
            return a;
        }
        if let Some(&a) = self.interned.get(&f) {
            return a;
        }
        let a = Atom(self.num_atoms() as u32);
        let layer = 1 + f.terms.iter().map(|&(m, _)| self.mono_layer(m)).max().unwrap_or(0);
        self.asap.push(layer);
        self.gates.push(f.clone());
        self.interned.insert(f, a);
        a
    }

    /// `f` as the constant plus a sum of at most `term_cap - 1` parts, each a gate (or a
    /// single term).
    fn split(&mut self, f: Form<F>) -> Form<F> {
        let chunk = self.opts.term_cap;
        let mut terms = f.terms;
        while terms.len() + usize::from(!f.konst.is_zero()) > self.opts.term_cap {
            terms.sort_by_key(|&(m, _)| (self.mono_layer(m), m));
            let mut parts = Vec::with_capacity(terms.len() / chunk + 1);
            for c in terms.chunks(chunk) {
                if let [t] = c {
                    parts.push(*t);
                } else {
                    let a = self.materialise(Form { konst: F::zero(), terms: c.to_vec() });
                    parts.push((Mono::Wire(a), F::one()));
                }
            }
            terms = Form::normalised(F::zero(), parts).terms;
        }
        Form::normalised(f.konst, terms)
    }
}
