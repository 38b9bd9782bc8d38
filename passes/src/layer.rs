//! Layering: a [`Template`] becomes a [`LayeredCircuit`] whose last layer lists its outputs.
//!
//! Four steps, each over the previous one's result:
//!
//! 1. **Folding.** Constant values are propagated in `F` (const op const, `x * 0`,
//!    `scale 0`); only nodes that reach an output through non-constant nodes stay live.
//! 2. **Linear forms.** Every live node becomes a sum of monomials of degree at most two over
//!    *atoms* (template inputs and materialised gates), plus a constant. Add, sub and scale
//!    merge forms (equal monomials add up, zero coefficients vanish, so `x + 0`, `x * 1` and
//!    `x - x` fold away); a mul of two linear forms expands when the product has at most
//!    [`EXPAND_CAP`] monomials, otherwise its operands become atoms. A node becomes an atom
//!    when it is such an operand or an output; a gate holds at most [`TERM_CAP`] terms (longer
//!    forms are split into partial sums). Atoms are hash-consed by form, so equal
//!    subexpressions share one gate.
//! 3. **Scheduling.** Atoms reachable from the outputs are placed ASAP (one layer above their
//!    latest operand); outputs sit in the last layer `D`. A value read more than one layer
//!    above its own travels on one relay chain shared by all its readers. Greedy moves then
//!    run while they lower the total padded width (then the gate count): *sinking* a gate
//!    toward its readers (ALAP where it pays; a gate only outputs read may sink into the
//!    output layer, where each of its outputs computes it), and *splitting* off the terms of a
//!    gate over atoms far below it into a partial sum there, so that one relay chain replaces
//!    theirs. ASAP is the starting point, so the result is never wider than ASAP.
//! 4. **Layout.** Per layer: gates in atom order, then relays; output `j` is wire `j` of the
//!    last layer, which is padded with zero gates. The circuit is validated before it is
//!    returned.
//!
//! The invariant, tested on random templates: evaluating the circuit on a copy's inputs gives
//! [`Template::eval`] at every output.

mod form;
mod schedule;

use crate::template::{from_i128, Node, Op, Template};
use ark_ff::PrimeField;
use form::{Builder, Form};
use schedule::{Schedule, Slot};
use std::fmt;
use tessera_gkr::{CircuitError, LayeredCircuit};

/// Most monomials a multiplication of two linear forms may expand into; beyond it the larger
/// operand becomes a gate.
pub const EXPAND_CAP: usize = 4;
/// Most terms (monomials and the constant) a gate holds.
pub const TERM_CAP: usize = 64;
/// Longest form kept inline while building; beyond it an operand becomes a gate.
const FORM_CAP: usize = 4 * TERM_CAP;
/// Rounds of the schedule optimisation.
const OPT_ROUNDS: usize = 8;

/// Why a template cannot be layered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LayerError {
    /// The template has no outputs.
    #[error("template {template} has no outputs")]
    NoOutputs { template: String },
    /// An operation reads a node that is not an earlier node.
    #[error("template {template}: {node} reads {operand}, which is not an earlier node")]
    BadOperand { template: String, node: Node, operand: Node },
    /// An input operation names an input the template does not have.
    #[error("template {template}: {node} reads input {input}, but the template has {inputs} inputs")]
    BadInput { template: String, node: Node, input: u32, inputs: usize },
    /// An output is not a node of the template.
    #[error("template {template}: output {index} is {node}, but the template has {ops} nodes")]
    BadOutput { template: String, index: usize, node: Node, ops: usize },
    /// Internal: the layered circuit does not validate.
    #[error("internal error: the layered circuit of template {template} is invalid: {error}")]
    Circuit { template: String, error: CircuitError },
}

/// Counts of one gate layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LayerStats {
    /// Gates before padding.
    pub gates: usize,
    /// Padded width (a power of two).
    pub width: usize,
    pub mul_terms: usize,
    pub add_terms: usize,
    pub const_terms: usize,
    /// Gates that copy one wire of the previous layer (`add 1 * a`).
    pub relays: usize,
}

/// Statistics of a layered template.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct LayeredStats {
    pub template: String,
    /// Operations of the template.
    pub template_ops: usize,
    /// Gate layers.
    pub depth: usize,
    /// Inputs per copy (template inputs) and the input layer's width.
    pub inputs: usize,
    pub input_width: usize,
    /// Outputs per copy ([`Template::outputs`]) and the output layer's width.
    pub outputs: usize,
    pub output_width: usize,
    /// Gate layers `L1..=Ld`.
    pub layers: Vec<LayerStats>,
}

impl LayeredStats {
    /// Gates over all gate layers, padding excluded.
    pub fn gates(&self) -> usize {
        self.layers.iter().map(|l| l.gates).sum()
    }

    /// Padded widths summed over all gate layers (what the prover pays per copy).
    pub fn width(&self) -> usize {
        self.layers.iter().map(|l| l.width).sum()
    }

    /// Relay gates over all gate layers.
    pub fn relays(&self) -> usize {
        self.layers.iter().map(|l| l.relays).sum()
    }
}

impl fmt::Display for LayeredStats {
    /// A header line, then one line per gate layer.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "layered {}: {} ops -> depth {}, inputs {} (width {}), outputs {} (width {}), {} gates, padded width {}",
            self.template,
            self.template_ops,
            self.depth,
            self.inputs,
            self.input_width,
            self.outputs,
            self.output_width,
            self.gates(),
            self.width()
        )?;
        for (k, l) in self.layers.iter().enumerate() {
            writeln!(
                f,
                "  L{}: {} gates, width {}: {} mul, {} add, {} const, {} relays",
                k + 1,
                l.gates,
                l.width,
                l.mul_terms,
                l.add_terms,
                l.const_terms,
                l.relays
            )?;
        }
        Ok(())
    }
}

/// A template's layered circuit with its statistics. Output wire `j` of the last layer is
/// `Template::outputs()[j]`; input wire `k` is template input `k`.
#[derive(Clone, Debug)]
pub struct Layered<F: PrimeField> {
    /// The circuit (its `Display` lists every gate).
    pub circuit: LayeredCircuit<F>,
    pub stats: LayeredStats,
}

impl<F: PrimeField> fmt::Display for Layered<F> {
    /// The statistics dump (see [`LayeredStats`]); `circuit` prints the gates.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.stats.fmt(f)
    }
}

/// Layers a template (see the module docs).
pub fn layer<F: PrimeField>(t: &Template) -> Result<Layered<F>, LayerError> {
    layer_with(t, Options::DEFAULT)
}

/// Knobs of the lowering; [`Options::DEFAULT`] is what [`layer`] uses (tests compare others).
#[derive(Clone, Copy, Debug)]
struct Options {
    expand_cap: usize,
    term_cap: usize,
    optimise: bool,
}

impl Options {
    const DEFAULT: Options = Options { expand_cap: EXPAND_CAP, term_cap: TERM_CAP, optimise: true };
}

/// Layers a template with its outputs placed as `slots` says: output wire `j` is node
/// `slots[j]`, or the constant 0 for `None` (the glue's record blocks need fixed, aligned
/// positions). At least one slot must name a node.
pub fn layer_outputs<F: PrimeField>(t: &Template, slots: &[Option<Node>]) -> Result<Layered<F>, LayerError> {
    check(t)?;
    if let Some((index, node)) =
        slots.iter().enumerate().find_map(|(i, n)| n.filter(|n| n.0 as usize >= t.ops.len()).map(|n| (i, n)))
    {
        return Err(LayerError::BadOutput { template: t.name.clone(), index, node, ops: t.ops.len() });
    }
    if slots.iter().all(Option::is_none) {
        return Err(LayerError::NoOutputs { template: t.name.clone() });
    }
    layer_slots(t, slots, Options::DEFAULT)
}

fn layer_with<F: PrimeField>(t: &Template, opts: Options) -> Result<Layered<F>, LayerError> {
    let outs: Vec<Option<Node>> = check(t)?.into_iter().map(Some).collect();
    layer_slots(t, &outs, opts)
}

fn layer_slots<F: PrimeField>(t: &Template, slots: &[Option<Node>], opts: Options) -> Result<Layered<F>, LayerError> {
    debug_assert!(opts.term_cap >= 3 && opts.expand_cap >= 1);
    let outs: Vec<Node> = slots.iter().flatten().copied().collect();
    let konst = fold::<F>(t);
    let live = liveness(t, &konst, &outs);
    // the last node reading each form, so that forms are dropped once read
    let mut last = vec![0usize; t.ops.len()];
    for (i, op) in t.ops.iter().enumerate() {
        if live[i] && konst[i].is_none() {
            for o in operands(op).into_iter().flatten() {
                last[o.0 as usize] = i;
            }
        }
    }
    for n in &outs {
        last[n.0 as usize] = usize::MAX;
    }
    let mut b = Builder::new(t.num_inputs(), opts);
    for (i, op) in t.ops.iter().enumerate() {
        if !live[i] {
            b.node.push(None);
            continue;
        }
        let f = match konst[i] {
            Some(c) => Form::constant(c),
            None => b.node_form(*op),
        };
        b.node.push(Some(f));
        if konst[i].is_none() {
            for o in operands(op).into_iter().flatten() {
                if last[o.0 as usize] == i {
                    b.node[o.0 as usize] = None;
                }
            }
        }
    }
    let slots: Vec<Slot<F>> = slots
        .iter()
        .map(|n| {
            let Some(n) = *n else { return Slot::Const(F::zero()) };
            let f = b.form(n).clone();
            match f.as_const() {
                Some(c) => Slot::Const(c),
                None => Slot::Atom(b.materialise(f)),
            }
        })
        .collect();
    let mut s = Schedule::compute(&b, &slots);
    if opts.optimise {
        s.optimise();
    }
    let (circuit, layers) = s.lay_out(&slots);
    circuit.validate().map_err(|error| LayerError::Circuit { template: t.name.clone(), error })?;
    let stats = LayeredStats {
        template: t.name.clone(),
        template_ops: t.ops.len(),
        depth: circuit.depth(),
        inputs: t.num_inputs(),
        input_width: circuit.input_width,
        outputs: slots.len(),
        output_width: circuit.output_width(),
        layers,
    };
    Ok(Layered { circuit, stats })
}

/// The template's outputs, after checking that every operand and output names a node.
fn check(t: &Template) -> Result<Vec<Node>, LayerError> {
    let name = || t.name.clone();
    for (i, op) in t.ops.iter().enumerate() {
        let node = Node(i as u32);
        if let Op::Input(k) = *op {
            if k as usize >= t.num_inputs() {
                return Err(LayerError::BadInput { template: name(), node, input: k, inputs: t.num_inputs() });
            }
        }
        if let Some(operand) = operands(op).into_iter().flatten().find(|o| o.0 as usize >= i) {
            return Err(LayerError::BadOperand { template: name(), node, operand });
        }
    }
    let outs = t.outputs();
    if outs.is_empty() {
        return Err(LayerError::NoOutputs { template: name() });
    }
    if let Some((index, &node)) = outs.iter().enumerate().find(|(_, n)| n.0 as usize >= t.ops.len()) {
        return Err(LayerError::BadOutput { template: name(), index, node, ops: t.ops.len() });
    }
    Ok(outs)
}

/// The nodes an operation reads.
fn operands(op: &Op) -> [Option<Node>; 2] {
    match *op {
        Op::Input(_) | Op::Const(_) => [None, None],
        Op::Add(a, b) | Op::Sub(a, b) | Op::Mul(a, b) => [Some(a), Some(b)],
        Op::Scale(_, a) => [Some(a), None],
    }
}

/// Per node, its value when it is a constant.
fn fold<F: PrimeField>(t: &Template) -> Vec<Option<F>> {
    let mut k: Vec<Option<F>> = Vec::with_capacity(t.ops.len());
    for op in &t.ops {
        let get = |n: Node| k[n.0 as usize];
        let zero = |n: Node| get(n).is_some_and(|v: F| v.is_zero());
        let v = match *op {
            Op::Input(_) => None,
            Op::Const(c) => Some(from_i128(c)),
            Op::Add(a, b) => get(a).zip(get(b)).map(|(x, y)| x + y),
            Op::Sub(a, b) => get(a).zip(get(b)).map(|(x, y)| x - y),
            Op::Mul(a, b) if zero(a) || zero(b) => Some(F::zero()),
            Op::Mul(a, b) => get(a).zip(get(b)).map(|(x, y)| x * y),
            Op::Scale(0, _) => Some(F::zero()),
            Op::Scale(c, a) => get(a).map(|x| from_i128::<F>(c) * x),
        };
        k.push(v);
    }
    k
}

/// Nodes whose value reaches an output through non-constant nodes.
fn liveness<F: PrimeField>(t: &Template, konst: &[Option<F>], outs: &[Node]) -> Vec<bool> {
    let mut live = vec![false; t.ops.len()];
    for n in outs {
        live[n.0 as usize] = true;
    }
    for i in (0..t.ops.len()).rev() {
        if !live[i] || konst[i].is_some() {
            continue;
        }
        for o in operands(&t.ops[i]).into_iter().flatten() {
            live[o.0 as usize] = true;
        }
    }
    live
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::{InputKind, MemAccess, MemCell, Residual, StateRecord};
    use ark_ff::Zero;
    use tessera_gkr::{Fr, Gate};

    /// splitmix64.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }

        fn fr(&mut self) -> Fr {
            match self.below(8) {
                0 => Fr::from(0u64),
                1 => Fr::from(1u64),
                2 => -Fr::from(1u64),
                _ => {
                    let bytes: Vec<u8> = (0..4).flat_map(|_| self.next().to_le_bytes()).collect();
                    Fr::from_le_bytes_mod_order(&bytes)
                }
            }
        }

        fn konst(&mut self) -> i128 {
            match self.below(7) {
                0 => 0,
                1 => 1,
                2 => -1,
                3 => self.below(11) as i128 - 5,
                4 => self.next() as i64 as i128,
                5 => i128::MIN + self.below(3) as i128,
                _ => (((self.next() as u128) << 64) | self.next() as u128) as i128,
            }
        }
    }

    fn record(active: u32, fields: &[u32]) -> StateRecord {
        StateRecord { active: Node(active), fields: fields.iter().map(|&n| Node(n)).collect() }
    }

    /// A template over `inputs` live-ins whose residuals are `outs`; both records are active
    /// by `outs[0]` and have no fields.
    fn template(inputs: usize, ops: Vec<Op>, outs: &[u32]) -> Template {
        Template {
            name: "t".into(),
            op_origin: vec![u32::MAX; ops.len()],
            ops,
            origins: Vec::new(),
            inputs: (0..inputs).map(|k| InputKind::LiveIn(format!("%{k}"))).collect(),
            hints: Vec::new(),
            residuals: outs.iter().map(|&n| Residual { node: Node(n), what: "r".into(), origin: None }).collect(),
            consumed: record(outs[0], &[]),
            produced: record(outs[0], &[]),
            memory: Vec::new(),
            members: 1,
            instructions: 0,
        }
    }

    /// Layers `t` with `opts` and checks every output (and that padding outputs are zero)
    /// on random inputs, with junk on the padding input wires.
    fn check_with(t: &Template, opts: Options, rng: &mut Rng) -> Layered<Fr> {
        let l = layer_with::<Fr>(t, opts).unwrap_or_else(|e| panic!("{e}\n{t}"));
        let outs = t.outputs();
        for _ in 0..3 {
            let inputs: Vec<Fr> = (0..t.num_inputs()).map(|_| rng.fr()).collect();
            let mut wires = inputs.clone();
            wires.extend((t.num_inputs()..l.circuit.input_width).map(|_| rng.fr()));
            let want = t.eval(&inputs);
            let got = l.circuit.evaluate_copy(&wires).unwrap();
            let last = got.last().unwrap();
            assert_eq!(last.len(), outs.len().next_power_of_two());
            for (j, n) in outs.iter().enumerate() {
                assert_eq!(last[j], want[n.0 as usize], "output {j} ({n})\n{t}\n{l}{}", l.circuit);
            }
            assert!(last[outs.len()..].iter().all(|v| v.is_zero()));
        }
        assert_eq!(l.stats.depth, l.circuit.depth());
        assert_eq!(l.stats.width(), l.circuit.num_gates());
        l
    }

    fn check(t: &Template) -> Layered<Fr> {
        check_with(t, Options::DEFAULT, &mut Rng(7))
    }

    use Op::{Add, Const, Input, Mul, Scale, Sub};
    const fn n(i: u32) -> Node {
        Node(i)
    }

    #[test]
    fn every_op() {
        // n0..n2 inputs x, y, z
        let ops = vec![
            Input(0),
            Input(1),
            Input(2),
            Add(n(0), n(1)), // n3 = x + y
            Sub(n(3), n(2)), // n4 = x + y - z
            Mul(n(4), n(2)), // n5 = (x + y - z) z
            Scale(-3, n(5)), // n6
            Const(11),       // n7
            Mul(n(6), n(7)), // n8 = -33 (x + y - z) z
            Mul(n(8), n(0)), // n9
            Sub(n(9), n(7)), // n10
        ];
        let l = check(&template(3, ops, &[10, 8, 5, 4, 3]));
        assert_eq!(l.stats.inputs, 3);
        assert_eq!(l.stats.input_width, 4);
        assert_eq!(l.stats.outputs, 7);
        assert_eq!(l.stats.output_width, 8);
    }

    #[test]
    fn outputs_that_are_inputs_or_constants() {
        let ops = vec![Input(0), Input(1), Const(5), Const(0), Mul(n(0), n(1)), Mul(n(4), n(4)), Sub(n(2), n(2))];
        let mut t = template(2, ops, &[5, 0, 2, 3, 1, 0, 6]);
        t.consumed = record(2, &[0, 1, 4]);
        t.produced = record(3, &[2, 5]);
        t.memory = vec![MemAccess {
            write: true,
            active: n(0),
            ts: n(2),
            cells: vec![MemCell { addr: n(1), old: n(3), new: n(4), ts_prev: n(5) }],
            origin: None,
        }];
        let l = check(&t);
        let out = &l.circuit.layers[l.circuit.depth() - 1].gates;
        assert_eq!(out[2], Gate::constant(Fr::from(5u64)));
        assert_eq!(out[3], Gate::zero());
        assert_eq!(out[6], Gate::zero(), "5 - 5 folds to zero");
        assert_eq!(l.stats.depth, 2, "(x y)^2 needs two layers\n{}", l.circuit);
    }

    #[test]
    fn deep_chain_shares_relays() {
        // x^(2^12), then outputs y twice, y + 1 and y x^(2^11)
        let mut ops = vec![Input(0), Input(1)];
        for i in 0..12 {
            let p = if i == 0 { 0 } else { ops.len() as u32 - 1 };
            ops.push(Mul(n(p), n(p)));
        }
        let top = ops.len() as u32 - 1;
        ops.push(Scale(1, n(1))); // n14 = y
        ops.push(Const(1));
        ops.push(Add(n(1), n(15))); // n16 = y + 1
        ops.push(Mul(n(1), n(top - 1))); // n17 = y x^(2^11)
        let l = check(&template(2, ops, &[top, 1, 14, 16, 17]));
        assert_eq!(l.stats.depth, 12);
        // one chain for y up to L11, shared by all its readers, and the two outputs that
        // are y in the output layer
        assert_eq!(l.stats.relays(), 11 + 2, "{l}{}", l.circuit);
        assert!(l.stats.layers[..11].iter().all(|s| s.gates == 2), "{l}");
    }

    #[test]
    fn linear_combination_of_products_is_one_gate() {
        // a*b - c + 3*d*e + 5
        let ops = vec![
            Input(0),
            Input(1),
            Input(2),
            Input(3),
            Input(4),
            Mul(n(0), n(1)),
            Sub(n(5), n(2)),
            Mul(n(3), n(4)),
            Scale(3, n(7)),
            Add(n(6), n(8)),
            Const(5),
            Add(n(9), n(10)),
        ];
        let l = check(&template(5, ops, &[11]));
        assert_eq!(l.stats.depth, 1, "{l}{}", l.circuit);
        assert_eq!(l.stats.layers[0].gates, 3);
        assert_eq!(l.stats.layers[0].mul_terms, 6);
        assert_eq!(l.stats.layers[0].const_terms, 3);
        // a product of linear forms expands too: (x - y) * z + (1 - x) * y
        let ops = vec![Input(0), Input(1), Input(2), Sub(n(0), n(1)), Mul(n(3), n(2)), Const(1), Sub(n(5), n(0))];
        let mut ops = ops;
        ops.extend([Mul(n(6), n(1)), Add(n(4), n(7))]);
        let l = check(&template(3, ops, &[8]));
        assert_eq!(l.stats.depth, 1, "{l}{}", l.circuit);
    }

    #[test]
    fn wide_linear_combinations_are_split() {
        let k = 150;
        let mut ops: Vec<Op> = (0..k).map(Input).collect();
        let mut acc = 0u32;
        for i in 1..k {
            ops.push(Scale(i as i128 + 1, n(i)));
            ops.push(Add(n(acc), n(ops.len() as u32 - 1)));
            acc = ops.len() as u32 - 1;
        }
        ops.push(Mul(n(acc), n(acc)));
        let sq = ops.len() as u32 - 1;
        let l = check(&template(k as usize, ops, &[acc, sq]));
        assert!(l.stats.layers.iter().all(|s| s.add_terms + s.mul_terms + s.const_terms <= TERM_CAP * s.gates));
        assert!(l.circuit.layers.iter().flat_map(|g| &g.gates).all(|g| g.terms.len() <= TERM_CAP));
        assert!(l.stats.depth <= 4, "{l}");
        assert!(l.stats.width() <= 16, "{l}");
        for cap in [3, 4, 7] {
            check_with(
                &template(k as usize, template_ops(k), &[0]),
                Options { term_cap: cap, ..Options::DEFAULT },
                &mut Rng(1),
            );
        }
    }

    /// `sum_i (i + 1) x_i`, squared, for the small-cap runs.
    fn template_ops(k: u32) -> Vec<Op> {
        let mut ops: Vec<Op> = (0..k).map(Input).collect();
        let mut acc = 0u32;
        for i in 1..k {
            ops.push(Scale(i as i128 + 1, n(i)));
            ops.push(Add(n(acc), n(ops.len() as u32 - 1)));
            acc = ops.len() as u32 - 1;
        }
        ops.push(Mul(n(acc), n(acc)));
        ops
    }

    #[test]
    fn shared_subexpressions_are_one_gate() {
        // s = x y computed twice; outputs s z, s w, s + 1, (x y) z again
        let ops = vec![
            Input(0),
            Input(1),
            Input(2),
            Input(3),
            Mul(n(0), n(1)),
            Mul(n(1), n(0)),
            Mul(n(4), n(2)),
            Mul(n(5), n(3)),
            Const(1),
            Add(n(5), n(8)),
            Mul(n(5), n(2)),
        ];
        let l = check(&template(4, ops, &[6, 7, 9, 10]));
        assert_eq!(l.stats.depth, 2);
        // L1: x y, relays of z and w
        assert_eq!(l.stats.layers[0].gates, 3, "{l}{}", l.circuit);
        assert_eq!(l.stats.layers[0].mul_terms, 1);
    }

    #[test]
    fn folding_and_dead_nodes() {
        let ops = vec![
            Input(0),
            Input(1),
            Const(2),
            Const(3),
            Mul(n(2), n(3)), // n4 = 6
            Mul(n(0), n(1)), // n5, dead after * 0
            Const(0),
            Mul(n(5), n(6)), // n7 = 0
            Scale(1, n(0)),  // n8 = x
            Add(n(8), n(7)), // n9 = x
            Mul(n(9), n(4)), // n10 = 6 x
            Sub(n(1), n(1)), // n11 = 0
            Add(n(10), n(11)),
            Mul(n(0), n(0)),   // n13 dead
            Mul(n(13), n(1)),  // n14 dead
            Sub(n(12), n(8)),  // n15 = 5 x
            Mul(n(15), n(5)),  // n16 = 5 x x y (two layers)
            Mul(n(11), n(16)), // n17 = 0
        ];
        let t = template(2, ops, &[15, 12, 17]);
        let l = check(&t);
        assert_eq!(l.stats.depth, 1, "{l}{}", l.circuit);
        assert_eq!(l.stats.gates(), l.stats.outputs, "only output gates\n{l}");
        let out = &l.circuit.layers[0].gates;
        assert_eq!(out[0], Gate::scale(Fr::from(5u64), 0));
        assert_eq!(out[2], Gate::zero());
    }

    #[test]
    fn outputs_sink_into_the_output_layer() {
        // a deep output, and y, z, y z: y z is computed in the output layer from the relays
        // y and z need anyway
        let mut ops = vec![Input(0), Input(1), Input(2)];
        for i in 0..6 {
            let p = if i == 0 { 0 } else { ops.len() as u32 - 1 };
            ops.push(Mul(n(p), n(p)));
        }
        let top = ops.len() as u32 - 1;
        ops.push(Mul(n(1), n(2)));
        let yz = ops.len() as u32 - 1;
        let t = template(3, ops, &[top, 1, 2, yz]);
        let mut rng = Rng(3);
        let asap = check_with(&t, Options { optimise: false, ..Options::DEFAULT }, &mut rng);
        let sunk = check_with(&t, Options::DEFAULT, &mut rng);
        assert!(sunk.stats.gates() < asap.stats.gates(), "{asap}{sunk}");
        assert_eq!(sunk.stats.layers[0].gates, 3, "{sunk}{}", sunk.circuit);
    }

    #[test]
    fn malformed_templates_are_errors() {
        let t = template(1, vec![Input(0), Add(n(0), n(2)), Const(1)], &[1]);
        assert!(matches!(layer::<Fr>(&t), Err(LayerError::BadOperand { .. })));
        let t = template(1, vec![Input(1)], &[0]);
        assert!(matches!(layer::<Fr>(&t), Err(LayerError::BadInput { input: 1, .. })));
        let t = template(1, vec![Input(0)], &[3]);
        let e = layer::<Fr>(&t).unwrap_err();
        assert!(matches!(e, LayerError::BadOutput { index: 0, .. }), "{e}");
        assert!(e.to_string().contains("output 0 is n3"), "{e}");
        // no inputs at all: only constants
        let l = check(&template(0, vec![Const(4), Const(-4), Add(n(0), n(1))], &[0, 1, 2]));
        assert_eq!(l.stats.depth, 1);
        assert_eq!(l.stats.input_width, 1);
    }

    #[test]
    fn dump_and_stats() {
        let ops = vec![Input(0), Input(1), Mul(n(0), n(1)), Mul(n(2), n(0)), Add(n(3), n(1))];
        let l = check(&template(2, ops, &[4, 2]));
        let text = l.to_string();
        assert_eq!(
            text,
            "layered t: 5 ops -> depth 2, inputs 2 (width 2), outputs 4 (width 4), 7 gates, padded width 8\n  \
             L1: 3 gates, width 4: 1 mul, 2 add, 0 const, 2 relays\n  \
             L2: 4 gates, width 4: 3 mul, 4 add, 0 const, 1 relays\n",
            "{}",
            l.circuit
        );
        let json = serde_json::to_value(&l.stats).unwrap();
        assert_eq!(json["depth"], 2);
        assert_eq!(json["layers"][1]["mul_terms"], 3);
    }

    /// A random DAG of `1..=max_ops` operations over `1..=max_inputs` inputs, operands drawn
    /// half from the last few nodes (long chains) and half from all of them (long edges);
    /// outputs drawn the same way.
    fn random_template(rng: &mut Rng, max_inputs: usize, max_ops: usize, max_residuals: usize) -> Template {
        let inputs = 1 + rng.below(max_inputs);
        let extra = 1 + rng.below(max_ops);
        let mut ops: Vec<Op> = (0..inputs as u32).map(Input).collect();
        let muls = 3 + rng.below(4);
        for _ in 0..extra {
            let len = ops.len();
            let pick = |rng: &mut Rng| {
                let i = if rng.below(2) == 0 { len - 1 - rng.below(len.min(6)) } else { rng.below(len) };
                Node(i as u32)
            };
            let (a, b) = (pick(rng), pick(rng));
            let op = match rng.below(10 + muls) {
                0 => Const(rng.konst()),
                1 => Input(rng.below(inputs) as u32),
                2..=4 => Add(a, b),
                5 | 6 => Sub(a, b),
                7..=9 => Scale(rng.konst(), a),
                _ => Mul(a, b),
            };
            ops.push(op);
        }
        let len = ops.len();
        let mut out = |rng: &mut Rng| {
            if rng.below(2) == 0 {
                len - 1 - rng.below(len.min(10))
            } else {
                rng.below(len)
            }
        };
        let residuals: Vec<u32> = (0..1 + rng.below(max_residuals)).map(|_| out(rng) as u32).collect();
        let mut t = template(inputs, ops, &residuals);
        let fields = |rng: &mut Rng, out: &mut dyn FnMut(&mut Rng) -> usize| -> Vec<u32> {
            (0..rng.below(5)).map(|_| out(rng) as u32).collect()
        };
        let (a, f) = (out(rng) as u32, fields(rng, &mut out));
        t.consumed = record(a, &f);
        let (a, f) = (out(rng) as u32, fields(rng, &mut out));
        t.produced = record(a, &f);
        t
    }

    #[test]
    fn random_templates_evaluate_like_the_template() {
        let variants = [
            ("default", Options::DEFAULT),
            ("asap", Options { optimise: false, ..Options::DEFAULT }),
            ("no expansion", Options { expand_cap: 1, optimise: false, ..Options::DEFAULT }),
            ("cap 3", Options { term_cap: 3, expand_cap: 2, ..Options::DEFAULT }),
        ];
        let mut rng = Rng(2024);
        let mut totals = vec![(0usize, 0usize, 0usize, 0usize); variants.len()];
        let (mut ops, mut live, mut outputs) = (0, 0, 0);
        for _ in 0..300 {
            let t = random_template(&mut rng, 10, 200, 8);
            ops += t.ops.len();
            outputs += t.outputs().len();
            let konst = fold::<Fr>(&t);
            let alive = liveness(&t, &konst, &t.outputs());
            live +=
                (0..t.ops.len()).filter(|&i| alive[i] && konst[i].is_none() && !matches!(t.ops[i], Input(_))).count();
            let mut widths = Vec::new();
            for (k, (_, opts)) in variants.iter().enumerate() {
                let l = check_with(&t, *opts, &mut rng);
                totals[k].0 += l.stats.gates();
                totals[k].1 += l.stats.width();
                totals[k].2 += l.stats.depth;
                totals[k].3 += l.stats.relays();
                widths.push(l.stats.width());
            }
            assert!(widths[0] <= widths[1], "the moves never widen ASAP\n{t}");
        }
        eprintln!("300 templates: {ops} ops, {live} live non-constant operations, {outputs} outputs");
        for ((name, _), (gates, width, depth, relays)) in variants.iter().zip(&totals) {
            eprintln!("{name}: {ops} ops -> {gates} gates ({relays} relays), padded width {width}, depth {depth}");
        }
    }

    #[test]
    fn large_random_templates() {
        let mut rng = Rng(99);
        for _ in 0..4 {
            let t = random_template(&mut rng, 40, 6000, 400);
            let start = std::time::Instant::now();
            let l = check(&t);
            eprintln!("{} ops: {:?}\n{}", t.ops.len(), start.elapsed(), l.stats.to_string().lines().next().unwrap());
        }
    }

    #[test]
    fn range_checked_add_is_one_layer() {
        // inputs: enabled, step, a, b, c, carry, bits of c; residuals of a 32-bit add
        let bits = 32u32;
        let mut ops: Vec<Op> = (0..6 + bits).map(Input).collect();
        let push = |ops: &mut Vec<Op>, op: Op| {
            ops.push(op);
            ops.len() as u32 - 1
        };
        let sum = push(&mut ops, Add(n(2), n(3)));
        let diff = push(&mut ops, Sub(n(sum), n(4)));
        let wrap = push(&mut ops, Scale(1 << 32, n(5)));
        let r = push(&mut ops, Sub(n(diff), n(wrap)));
        let mut residuals = vec![push(&mut ops, Mul(n(0), n(r)))];
        let one = push(&mut ops, Const(1));
        let cm1 = push(&mut ops, Sub(n(5), n(one)));
        residuals.push(push(&mut ops, Mul(n(5), n(cm1))));
        let mut acc = push(&mut ops, Const(0));
        for i in 0..bits {
            let b = 6 + i;
            let bm1 = push(&mut ops, Sub(n(b), n(one)));
            residuals.push(push(&mut ops, Mul(n(b), n(bm1))));
            let w = push(&mut ops, Scale(1 << i, n(b)));
            acc = push(&mut ops, Add(n(acc), n(w)));
        }
        residuals.push(push(&mut ops, Sub(n(acc), n(4))));
        let tag = push(&mut ops, Const(3));
        let next = push(&mut ops, Add(n(1), n(one)));
        let mut t = template(6 + bits as usize, ops, &residuals);
        t.consumed = record(0, &[tag, 1, one, 2, 3]);
        t.produced = record(0, &[tag, next, one, 4]);
        let l = check(&t);
        assert_eq!(l.stats.depth, 1, "{l}");
        assert_eq!(l.stats.width(), l.stats.output_width, "{l}");
        assert_eq!(l.stats.layers[0].mul_terms, 4 + 1 + bits as usize, "{l}");
    }
}
