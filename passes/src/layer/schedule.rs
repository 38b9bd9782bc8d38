//! Layer assignment, relay chains, the width-lowering moves and the final layout (see the
//! [parent module](super)).

use super::form::{Atom, Builder, Form, Mono};
use super::{LayerStats, OPT_ROUNDS};
use ark_ff::PrimeField;
use std::collections::HashMap;
use tessera_gkr::{Gate, Layer, LayeredCircuit, Term};

/// What an output wire holds.
#[derive(Clone, Copy, Debug)]
pub(super) enum Slot<F> {
    Const(F),
    Atom(Atom),
}

/// Layers of the atoms reachable from the outputs, and where relay chains run.
pub(super) struct Schedule<F: PrimeField> {
    inputs: usize,
    /// The output layer.
    d: usize,
    /// Per atom: its form when it is a reachable gate.
    defs: Vec<Option<Form<F>>>,
    layer: Vec<usize>,
    /// The highest layer where the atom's value must be present: relays run from
    /// `layer + 1` to `need`.
    need: Vec<usize>,
    /// Distinct atoms each gate reads.
    args: Vec<Vec<Atom>>,
    /// Gates reading each atom.
    readers: Vec<Vec<Atom>>,
    /// Outputs that are the atom.
    slot_readers: Vec<u32>,
    num_slots: usize,
}

/// A split of a gate's terms (see [`Schedule::split`]).
struct LowPart<F> {
    low: Vec<(Mono, F)>,
    high: Vec<(Mono, F)>,
    freed: Vec<Atom>,
}

/// The padded width of a layer of `n` gates.
fn pad(n: isize) -> isize {
    n.max(1).unsigned_abs().next_power_of_two() as isize
}

/// Tentative changes to per-layer gate counts, with the padded and plain totals they change.
struct Delta<'a> {
    count: &'a [usize],
    change: HashMap<usize, isize>,
    padded: isize,
    plain: isize,
}

impl<'a> Delta<'a> {
    fn new(count: &'a [usize]) -> Self {
        Delta { count, change: HashMap::new(), padded: 0, plain: 0 }
    }

    fn add(&mut self, layer: usize, c: isize) {
        let d = self.change.entry(layer).or_insert(0);
        let before = self.count[layer] as isize + *d;
        *d += c;
        self.padded += pad(before + c) - pad(before);
        self.plain += c;
    }

    /// `(padded, plain)` when it lowers the total, padded first.
    fn gain(&self) -> Option<(isize, isize)> {
        ((self.padded, self.plain) < (0, 0)).then_some((self.padded, self.plain))
    }
}

impl<F: PrimeField> Schedule<F> {
    pub(super) fn compute(b: &Builder<F>, slots: &[Slot<F>]) -> Self {
        let n = b.num_atoms();
        let mut defs = vec![None; n];
        let mut slot_readers = vec![0u32; n];
        let mut reach = vec![false; n];
        for s in slots {
            if let Slot::Atom(a) = s {
                reach[a.index()] = true;
                slot_readers[a.index()] += 1;
            }
        }
        let mut args = vec![Vec::new(); n];
        let mut readers = vec![Vec::new(); n];
        for g in (b.inputs..n).rev() {
            if reach[g] {
                let def = b.def(Atom(g as u32)).expect("gate atom");
                args[g] = def.atoms();
                for &x in &args[g] {
                    reach[x.index()] = true;
                    readers[x.index()].push(Atom(g as u32));
                }
                defs[g] = Some(def.clone());
            }
        }
        let mut layer = vec![0usize; n];
        for g in b.inputs..n {
            if reach[g] {
                layer[g] = 1 + args[g].iter().map(|x| layer[x.index()]).max().unwrap_or(0);
            }
        }
        let mut s = Schedule {
            inputs: b.inputs,
            d: 1,
            defs,
            layer,
            need: vec![0; n],
            args,
            readers,
            slot_readers,
            num_slots: slots.len(),
        };
        for sl in slots {
            if let Slot::Atom(a) = *sl {
                s.d = s.d.max(s.layer[a.index()] + usize::from(!s.output_only(a.index())));
            }
        }
        for a in 0..n {
            s.need[a] = s.need_without(a, None);
        }
        s
    }

    fn len(&self) -> usize {
        self.layer.len()
    }

    fn is_gate(&self, a: usize) -> bool {
        self.defs[a].is_some()
    }

    /// Where `a` must be present for its readers other than `skip` (at most `need[a]` once
    /// computed, so the scan stops when it gets there).
    fn need_without(&self, a: usize, skip: Option<Atom>) -> usize {
        let cap = if self.need[a] > 0 { self.need[a] } else { usize::MAX };
        let mut need = if self.slot_readers[a] > 0 { self.d - 1 } else { 0 };
        for &r in &self.readers[a] {
            if need >= cap {
                break;
            }
            if Some(r) != skip {
                need = need.max(self.layer[r.index()] - 1);
            }
        }
        need
    }

    /// A gate only outputs read: it may sit in the output layer, computed by each of them.
    fn output_only(&self, g: usize) -> bool {
        self.is_gate(g) && self.readers[g].is_empty()
    }

    /// A gate computed by its outputs' wires in the output layer.
    fn merged(&self, g: usize) -> bool {
        self.output_only(g) && self.layer[g] == self.d
    }

    fn mono_layer(&self, m: Mono) -> usize {
        let [a, b] = m.atoms();
        self.layer[a.index()].max(self.layer[b.index()])
    }

    /// Gates per layer (index 0 unused), relays and outputs included.
    fn counts(&self) -> Vec<usize> {
        let mut c = vec![0usize; self.d + 1];
        c[self.d] = self.num_slots;
        for a in 0..self.len() {
            if self.is_gate(a) && !self.merged(a) {
                c[self.layer[a]] += 1;
            }
            for x in c.iter_mut().take(self.need[a] + 1).skip(self.layer[a] + 1) {
                *x += 1;
            }
        }
        c
    }

    /// Improves the schedule by moves that lower the total padded width (then the gate
    /// count) until none does.
    pub(super) fn optimise(&mut self) {
        let mut count = self.counts();
        for _ in 0..OPT_ROUNDS {
            let sunk = self.sink(&mut count);
            let split = self.split(&mut count);
            if !sunk && !split {
                break;
            }
        }
        debug_assert_eq!(count, self.counts());
    }

    /// The changes to per-layer counts when gate `g` moves from layer `to - 1` to `to`
    /// (needs as before the whole move).
    fn step(&self, g: usize, to: usize, mut change: impl FnMut(usize, isize)) {
        change(to - 1, -1);
        if !(self.output_only(g) && to == self.d) {
            change(to, 1);
        }
        if to <= self.need[g] {
            change(to, -1);
        }
        for x in &self.args[g] {
            if self.need[x.index()] + 2 <= to {
                change(to - 1, 1);
            }
        }
    }

    /// Moves gates to later layers, readers first: a gate read far above moves up to its
    /// readers when the relays it saves outweigh those its operands then need.
    fn sink(&mut self, count: &mut [usize]) -> bool {
        let mut moved = false;
        for g in (self.inputs..self.len()).rev() {
            if !self.is_gate(g) {
                continue;
            }
            let l = self.layer[g];
            let by_readers = self.readers[g].iter().map(|r| self.layer[r.index()] - 1).min();
            let top = if self.output_only(g) {
                self.d
            } else {
                let by_slots = if self.slot_readers[g] > 0 { self.d - 1 } else { usize::MAX };
                by_slots.min(by_readers.unwrap_or(usize::MAX))
            };
            let mut delta = Delta::new(count);
            let mut best: Option<(isize, isize, usize)> = None;
            for to in l + 1..=top {
                self.step(g, to, |x, c| delta.add(x, c));
                if let Some((p, q)) = delta.gain() {
                    if best.is_none_or(|(bp, bq, _)| (p, q) < (bp, bq)) {
                        best = Some((p, q, to));
                    }
                }
            }
            if let Some((_, _, to)) = best {
                for s in l + 1..=to {
                    self.step(g, s, |x, c| count[x] = count[x].checked_add_signed(c).expect("count"));
                }
                self.layer[g] = to;
                for x in self.args[g].clone() {
                    self.need[x.index()] = self.need[x.index()].max(to - 1);
                }
                moved = true;
            }
        }
        moved
    }

    /// Splits off low parts of gates: when a gate at layer `l` reads atoms from layer `k + 1`
    /// or below that nothing else needs as high, the terms over them become a gate at layer
    /// `k + 1` and one relay chain replaces theirs.
    fn split(&mut self, count: &mut [usize]) -> bool {
        let mut moved = false;
        for g in self.inputs..self.len() {
            let Some(def) = &self.defs[g] else { continue };
            let l = self.layer[g];
            let mut levels: Vec<usize> = def.terms.iter().map(|&(m, _)| self.mono_layer(m)).collect();
            levels.sort_unstable();
            levels.dedup();
            let mut best: Option<(isize, isize, usize)> = None;
            for &k in levels.iter().take_while(|&&k| k + 1 < l) {
                let delta = self.split_delta(g, k, count);
                if let Some((p, q)) = delta.gain() {
                    if best.is_none_or(|(bp, bq, _)| (p, q) < (bp, bq)) {
                        best = Some((p, q, k));
                    }
                }
            }
            if let Some((_, _, k)) = best {
                for (x, c) in self.split_delta(g, k, count).change {
                    count[x] = count[x].checked_add_signed(c).expect("count");
                }
                self.apply_split(g, k);
                moved = true;
            }
        }
        moved
    }

    /// Gate `g`'s terms over atoms of layer `k` and below, the others, and the atoms only the
    /// low ones read.
    fn low_part(&self, g: usize, k: usize) -> LowPart<F> {
        let def = self.defs[g].as_ref().expect("gate");
        let (low, high): (Vec<_>, Vec<_>) = def.terms.iter().partition(|&&(m, _)| self.mono_layer(m) <= k);
        let kept: Vec<Atom> = high.iter().flat_map(|(m, _)| m.atoms()).collect();
        let mut freed: Vec<Atom> = low.iter().flat_map(|(m, _)| m.atoms()).filter(|a| !kept.contains(a)).collect();
        freed.sort_unstable();
        freed.dedup();
        LowPart { low, high, freed }
    }

    fn split_delta<'c>(&self, g: usize, k: usize, count: &'c [usize]) -> Delta<'c> {
        let mut delta = Delta::new(count);
        let LowPart { low, high, freed } = self.low_part(g, k);
        if low.len() < 2 || high.is_empty() {
            return delta;
        }
        let l = self.layer[g];
        // the new gate at k + 1, relayed up to l - 1
        for x in k + 1..l {
            delta.add(x, 1);
        }
        for a in freed {
            let now = self.need[a.index()];
            let then = self.need_without(a.index(), Some(Atom(g as u32))).max(k);
            for x in then + 1..=now {
                delta.add(x, -1);
            }
        }
        delta
    }

    fn apply_split(&mut self, g: usize, k: usize) {
        let LowPart { low, high, freed } = self.low_part(g, k);
        let (h, ga) = (Atom(self.len() as u32), Atom(g as u32));
        let konst = self.defs[g].as_ref().expect("gate").konst;
        let low = Form::normalised(F::zero(), low);
        let mut high = high;
        high.push((Mono::Wire(h), F::one()));
        let high = Form::normalised(konst, high);
        self.readers.push(vec![ga]);
        self.args.push(low.atoms());
        self.args[g] = high.atoms();
        self.layer.push(k + 1);
        self.need.push(self.layer[g] - 1);
        self.slot_readers.push(0);
        for a in low.atoms() {
            self.readers[a.index()].push(h);
        }
        self.defs.push(Some(low));
        self.defs[g] = Some(high);
        for &a in &freed {
            self.readers[a.index()].retain(|&r| r != ga);
            self.need[a.index()] = self.need_without(a.index(), None);
        }
    }

    /// The circuit and per-layer statistics.
    pub(super) fn lay_out(&self, slots: &[Slot<F>]) -> (LayeredCircuit<F>, Vec<LayerStats>) {
        let n = self.len();
        let d = self.d;
        let mut width = vec![0u32; d + 1];
        width[d] = slots.len() as u32;
        let mut pos = vec![u32::MAX; n];
        for (a, p) in pos.iter_mut().enumerate().take(self.inputs) {
            *p = a as u32;
        }
        for a in self.inputs..n {
            if self.is_gate(a) && !self.merged(a) {
                debug_assert!(self.layer[a] < d);
                pos[a] = width[self.layer[a]];
                width[self.layer[a]] += 1;
            }
        }
        let mut relay = vec![Vec::new(); n];
        for (a, r) in relay.iter_mut().enumerate() {
            debug_assert!(self.need[a] < d);
            *r = (self.layer[a] + 1..=self.need[a])
                .map(|x| {
                    width[x] += 1;
                    width[x] - 1
                })
                .collect();
        }
        let wire = |a: Atom, x: usize| -> u32 {
            let (a, l) = (a.index(), self.layer[a.index()]);
            if x == l {
                pos[a]
            } else {
                relay[a][x - l - 1]
            }
        };
        let emit = |a: Atom, x: usize| -> Gate<F> {
            let f = self.defs[a.index()].as_ref().expect("gate");
            let mut terms: Vec<Term<F>> = f
                .terms
                .iter()
                .map(|&(m, coeff)| match m {
                    Mono::Wire(a) => Term::Add { coeff, a: wire(a, x) },
                    Mono::Prod(a, c) => Term::Mul { coeff, a: wire(a, x), b: wire(c, x) },
                })
                .collect();
            if !f.konst.is_zero() {
                terms.push(Term::Const { value: f.konst });
            }
            Gate::sum(terms)
        };
        let mut rows: Vec<Vec<Gate<F>>> = width.iter().map(|&w| vec![Gate::zero(); w as usize]).collect();
        for a in self.inputs..n {
            if self.is_gate(a) && !self.merged(a) {
                let l = self.layer[a];
                rows[l][pos[a] as usize] = emit(Atom(a as u32), l - 1);
            }
        }
        for (a, r) in relay.iter().enumerate() {
            for (k, &p) in r.iter().enumerate() {
                let x = self.layer[a] + 1 + k;
                rows[x][p as usize] = Gate::relay(wire(Atom(a as u32), x - 1));
            }
        }
        for (j, s) in slots.iter().enumerate() {
            rows[d][j] = match *s {
                Slot::Const(c) if c.is_zero() => Gate::zero(),
                Slot::Const(c) => Gate::constant(c),
                Slot::Atom(a) if self.merged(a.index()) => emit(a, d - 1),
                Slot::Atom(a) => Gate::relay(wire(a, d - 1)),
            };
        }
        let mut stats = Vec::with_capacity(d);
        let layers = rows
            .into_iter()
            .skip(1)
            .map(|row| {
                let mut st = LayerStats { gates: row.len(), ..LayerStats::default() };
                for g in &row {
                    if let [Term::Add { coeff, .. }] = g.terms[..] {
                        st.relays += usize::from(coeff.is_one());
                    }
                    for t in &g.terms {
                        match t {
                            Term::Mul { .. } => st.mul_terms += 1,
                            Term::Add { .. } => st.add_terms += 1,
                            Term::Const { .. } => st.const_terms += 1,
                        }
                    }
                }
                let layer = Layer::padded(row);
                st.width = layer.width();
                stats.push(st);
                layer
            })
            .collect();
        (LayeredCircuit::new(self.inputs, layers), stats)
    }
}
