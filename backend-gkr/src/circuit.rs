//! `LayeredCircuit`: the template that every copy of a data-parallel computation runs.
//!
//! Layer `L0` is the input layer (just a width); gate layer `Li` (`i >= 1`) reads only from
//! `L(i-1)`. A gate is `mul` (`coeff * a * b`), `add` (`coeff * a`; a relay gate carrying a
//! value across a layer is `add 1 * a`) or `const`. Every width is a power of two: a layer
//! whose gate list is shorter is padded with `const 0` gates by [`Layer::padded`].
//! Copies differ only in their inputs; tables of all copies are stored copy-major,
//! `index = copy * width + gate`.

use crate::error::{CircuitError, ProveError};
use crate::field::{fmt_signed, write_elem};
use ark_ff::PrimeField;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One term of a gate; wire indices refer to the previous layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "", tag = "op", rename_all = "lowercase")]
pub enum Term<F: PrimeField> {
    /// `coeff * a * b`.
    Mul {
        /// Coefficient.
        #[serde(with = "crate::field::serde_fe")]
        coeff: F,
        /// Left input wire.
        a: u32,
        /// Right input wire.
        b: u32,
    },
    /// `coeff * a`.
    Add {
        /// Coefficient.
        #[serde(with = "crate::field::serde_fe")]
        coeff: F,
        /// Input wire.
        a: u32,
    },
    /// A constant.
    Const {
        /// The value.
        #[serde(with = "crate::field::serde_fe")]
        value: F,
    },
}

impl<F: PrimeField> Term<F> {
    fn eval(&self, input: &[F]) -> F {
        match *self {
            Term::Mul { coeff, a, b } => coeff * input[a as usize] * input[b as usize],
            Term::Add { coeff, a } => coeff * input[a as usize],
            Term::Const { value } => value,
        }
    }

    fn inputs(&self) -> &'static [usize] {
        match self {
            Term::Mul { .. } => &[0, 1],
            Term::Add { .. } => &[0],
            Term::Const { .. } => &[],
        }
    }

    fn wire(&self, k: usize) -> u32 {
        match (self, k) {
            (Term::Mul { a, .. } | Term::Add { a, .. }, 0) => *a,
            (Term::Mul { b, .. }, 1) => *b,
            _ => 0,
        }
    }
}

/// A gate: the sum of its terms (no term: the constant 0). The wiring predicate of a layer
/// is the sum over all terms, so a gate may mix `mul`, `add` and `const` terms; a single
/// `add 1 * a` term is a relay gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "", transparent)]
pub struct Gate<F: PrimeField> {
    /// The terms, summed.
    pub terms: Vec<Term<F>>,
}

impl<F: PrimeField> Gate<F> {
    /// A gate from terms.
    pub fn sum(terms: Vec<Term<F>>) -> Self {
        Gate { terms }
    }

    /// `coeff * a * b`.
    pub fn mul_by(coeff: F, a: u32, b: u32) -> Self {
        Gate {
            terms: vec![Term::Mul { coeff, a, b }],
        }
    }

    /// `a * b`.
    pub fn mul(a: u32, b: u32) -> Self {
        Self::mul_by(F::one(), a, b)
    }

    /// `coeff * a`.
    pub fn scale(coeff: F, a: u32) -> Self {
        Gate {
            terms: vec![Term::Add { coeff, a }],
        }
    }

    /// `a + b`.
    pub fn add(a: u32, b: u32) -> Self {
        Gate {
            terms: vec![
                Term::Add { coeff: F::one(), a },
                Term::Add {
                    coeff: F::one(),
                    a: b,
                },
            ],
        }
    }

    /// A relay gate: copies wire `a` of the previous layer (`add 1 * a`).
    pub fn relay(a: u32) -> Self {
        Self::scale(F::one(), a)
    }

    /// A constant.
    pub fn constant(value: F) -> Self {
        Gate {
            terms: vec![Term::Const { value }],
        }
    }

    /// The constant zero (no terms; used for padding).
    pub fn zero() -> Self {
        Gate { terms: Vec::new() }
    }

    fn eval(&self, input: &[F]) -> F {
        self.terms.iter().map(|t| t.eval(input)).sum()
    }
}

/// A gate layer. `gates.len()` is the layer width and must be a power of two.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct Layer<F: PrimeField> {
    /// The gates, in output-wire order.
    pub gates: Vec<Gate<F>>,
}

impl<F: PrimeField> Layer<F> {
    /// A layer from `gates`, padded with `const 0` to the next power of two (at least 1).
    pub fn padded(mut gates: Vec<Gate<F>>) -> Self {
        let w = gates.len().max(1).next_power_of_two();
        gates.resize(w, Gate::zero());
        Layer { gates }
    }

    /// Number of gates (the layer width).
    pub fn width(&self) -> usize {
        self.gates.len()
    }

    /// Whether the layer has a `mul` term (otherwise its sumcheck has no second phase).
    pub fn has_mul(&self) -> bool {
        self.gates
            .iter()
            .flat_map(|g| &g.terms)
            .any(|t| matches!(t, Term::Mul { .. }))
    }
}

/// A layered arithmetic circuit: the template of one copy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound = "")]
pub struct LayeredCircuit<F: PrimeField> {
    /// Width of the input layer `L0` (a power of two).
    pub input_width: usize,
    /// Gate layers `L1..=Ld`; the last one is the output layer.
    pub layers: Vec<Layer<F>>,
}

impl<F: PrimeField> LayeredCircuit<F> {
    /// A circuit; the input width is rounded up to a power of two. Call [`Self::validate`].
    pub fn new(input_width: usize, layers: Vec<Layer<F>>) -> Self {
        LayeredCircuit {
            input_width: input_width.max(1).next_power_of_two(),
            layers,
        }
    }

    /// Number of gate layers.
    pub fn depth(&self) -> usize {
        self.layers.len()
    }

    /// Width of layer `i` (0 is the input layer). Panics if `i > depth()`.
    pub fn width(&self, i: usize) -> usize {
        if i == 0 {
            self.input_width
        } else {
            self.layers[i - 1].width()
        }
    }

    /// `log2` of the width of layer `i`.
    pub fn log_width(&self, i: usize) -> usize {
        self.width(i).trailing_zeros() as usize
    }

    /// Width of the output layer.
    pub fn output_width(&self) -> usize {
        self.width(self.depth())
    }

    /// Total number of gates over all gate layers (padding included).
    pub fn num_gates(&self) -> usize {
        self.layers.iter().map(Layer::width).sum()
    }

    /// Every structural problem, in layer order (empty when the circuit is valid).
    pub fn problems(&self) -> Vec<CircuitError> {
        let mut out = Vec::new();
        if self.layers.is_empty() {
            out.push(CircuitError::NoLayers);
        }
        for i in 0..=self.layers.len() {
            let w = self.width(i);
            if w == 0 || !w.is_power_of_two() {
                out.push(CircuitError::WidthNotPowerOfTwo { layer: i, width: w });
            }
            if w > (1usize << 31) {
                out.push(CircuitError::TooWide { layer: i });
            }
        }
        for (k, layer) in self.layers.iter().enumerate() {
            let prev = self.width(k);
            for (g, gate) in layer.gates.iter().enumerate() {
                for term in &gate.terms {
                    for &slot in term.inputs() {
                        let x = term.wire(slot);
                        if x as usize >= prev {
                            out.push(CircuitError::InputOutOfRange {
                                layer: k + 1,
                                gate: g,
                                input: x as u64,
                                width: prev,
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// `Ok` if the circuit is well formed; otherwise its first problem (see [`Self::problems`]).
    pub fn validate(&self) -> Result<(), CircuitError> {
        match self.problems().into_iter().next() {
            None => Ok(()),
            Some(e) => Err(e),
        }
    }

    /// Evaluate one copy: the values of every layer, input layer first.
    /// `input.len()` must equal the input width.
    pub fn evaluate_copy(&self, input: &[F]) -> Result<Vec<Vec<F>>, ProveError> {
        self.evaluate(input)
    }

    /// Evaluate all copies. `inputs` is copy-major (`copy * input_width + wire`) and holds a
    /// power-of-two number of copies. Returns one copy-major table per layer, `L0` first.
    pub fn evaluate(&self, inputs: &[F]) -> Result<Vec<Vec<F>>, ProveError> {
        self.validate()?;
        num_copies(self, inputs.len())?;
        let mut out = Vec::with_capacity(self.depth() + 1);
        out.push(inputs.to_vec());
        for (k, layer) in self.layers.iter().enumerate() {
            let next = eval_layer_unchecked(layer, self.width(k), &out[k]);
            out.push(next);
        }
        Ok(out)
    }

    /// Lay out per-copy inputs copy-major: each copy's inputs are padded with zeros to the
    /// input width; the number of copies must be a power of two (padding copies carry
    /// meaning, such as `enabled = 0`, so adding them is the caller's job).
    pub fn flatten_inputs(&self, copies: &[Vec<F>]) -> Result<Vec<F>, ProveError> {
        let w = self.input_width;
        if copies.is_empty()
            || !copies.len().is_power_of_two()
            || copies.iter().any(|c| c.len() > w)
        {
            let found = copies.iter().map(Vec::len).max().unwrap_or(0) * copies.len();
            return Err(ProveError::InputSize { found, width: w });
        }
        let mut out = Vec::with_capacity(copies.len() * w);
        for c in copies {
            out.extend_from_slice(c);
            out.resize(out.len() + w - c.len(), F::zero());
        }
        Ok(out)
    }

    /// A 32-byte digest of the circuit's canonical encoding (absorbed into transcripts).
    pub fn digest(&self) -> [u8; 32] {
        let mut h = blake3::Hasher::new();
        h.update(b"tessera-gkr/circuit/v2");
        h.update(&(self.input_width as u64).to_le_bytes());
        h.update(&(self.layers.len() as u64).to_le_bytes());
        let mut buf = Vec::new();
        for layer in &self.layers {
            buf.clear();
            buf.extend_from_slice(&(layer.width() as u64).to_le_bytes());
            for g in &layer.gates {
                buf.extend_from_slice(&(g.terms.len() as u32).to_le_bytes());
                for t in &g.terms {
                    match t {
                        Term::Mul { coeff, a, b } => {
                            buf.push(0);
                            buf.extend_from_slice(&a.to_le_bytes());
                            buf.extend_from_slice(&b.to_le_bytes());
                            write_elem(&mut buf, coeff);
                        }
                        Term::Add { coeff, a } => {
                            buf.push(1);
                            buf.extend_from_slice(&a.to_le_bytes());
                            write_elem(&mut buf, coeff);
                        }
                        Term::Const { value } => {
                            buf.push(2);
                            write_elem(&mut buf, value);
                        }
                    }
                }
            }
            h.update(&buf);
        }
        *h.finalize().as_bytes()
    }
}

/// Number of copies in a copy-major input table of `len` elements, checked to be a power of
/// two multiple of the input width.
pub fn num_copies<F: PrimeField>(c: &LayeredCircuit<F>, len: usize) -> Result<usize, ProveError> {
    let w = c.input_width;
    if len == 0 || len % w != 0 || !(len / w).is_power_of_two() {
        return Err(ProveError::InputSize {
            found: len,
            width: w,
        });
    }
    Ok(len / w)
}

/// Evaluate one gate layer for all copies (copy-major tables of `in_width` entries per copy).
/// A zero `in_width`, a table that is not whole copies, or a gate reading a wire beyond
/// `in_width` is a shape error.
pub fn eval_layer<F: PrimeField>(
    layer: &Layer<F>,
    in_width: usize,
    input: &[F],
) -> Result<Vec<F>, ProveError> {
    if in_width == 0 || input.len() % in_width != 0 {
        return Err(ProveError::InputSize {
            found: input.len(),
            width: in_width,
        });
    }
    let widest = layer
        .gates
        .iter()
        .flat_map(|g| &g.terms)
        .flat_map(|t| t.inputs().iter().map(move |&s| t.wire(s) as usize))
        .max();
    if let Some(x) = widest.filter(|&x| x >= in_width) {
        return Err(ProveError::Shape {
            what: "layer input wire",
            expected: in_width,
            found: x + 1,
        });
    }
    Ok(eval_layer_unchecked(layer, in_width, input))
}

/// [`eval_layer`] for a layer and table already checked (a validated circuit).
fn eval_layer_unchecked<F: PrimeField>(layer: &Layer<F>, in_width: usize, input: &[F]) -> Vec<F> {
    let w = layer.width();
    let copies = input.len() / in_width;
    let mut out = crate::mle::zeroed(copies * w);
    let run = |(o, i): (&mut [F], &[F])| {
        for (slot, g) in o.iter_mut().zip(&layer.gates) {
            *slot = g.eval(i);
        }
    };
    if out.len() >= crate::mle::PAR_THRESHOLD && copies > 1 {
        out.par_chunks_mut(w)
            .zip(input.par_chunks(in_width))
            .for_each(run);
    } else {
        out.chunks_mut(w).zip(input.chunks(in_width)).for_each(run);
    }
    out
}

struct Signed<'a, F: PrimeField>(&'a F);

impl<F: PrimeField> fmt::Display for Signed<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_signed(self.0, f)
    }
}

impl<F: PrimeField> fmt::Display for LayeredCircuit<F> {
    /// One line per gate, e.g. `L2 g5 = mul 3 * L1.g0 * L1.g4 + add -1 * L1.g2`; a gate
    /// with no terms prints as `0`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "L0: {} inputs", self.input_width)?;
        for (k, layer) in self.layers.iter().enumerate() {
            let (i, p) = (k + 1, k);
            for (g, gate) in layer.gates.iter().enumerate() {
                write!(f, "L{i} g{g} =")?;
                if gate.terms.is_empty() {
                    write!(f, " 0")?;
                }
                for (n, term) in gate.terms.iter().enumerate() {
                    if n > 0 {
                        write!(f, " +")?;
                    }
                    match term {
                        Term::Mul { coeff, a, b } => {
                            write!(f, " mul {} * L{p}.g{a} * L{p}.g{b}", Signed(coeff))?
                        }
                        Term::Add { coeff, a } => write!(f, " add {} * L{p}.g{a}", Signed(coeff))?,
                        Term::Const { value } => write!(f, " const {}", Signed(value))?,
                    }
                }
                writeln!(f)?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;

    fn sample() -> LayeredCircuit<Fr> {
        LayeredCircuit::new(
            4,
            vec![
                Layer::padded(vec![
                    Gate::mul_by(Fr::from(3u64), 0, 1),
                    Gate::scale(-Fr::from(1u64), 2),
                    Gate::relay(3),
                ]),
                Layer::padded(vec![
                    Gate::mul(0, 1),
                    Gate::sum(vec![
                        Term::Const {
                            value: Fr::from(5u64),
                        },
                        Term::Add {
                            coeff: Fr::from(1u64),
                            a: 0,
                        },
                        Term::Add {
                            coeff: Fr::from(1u64),
                            a: 2,
                        },
                    ]),
                ]),
            ],
        )
    }

    #[test]
    fn display_and_evaluation() {
        let c = sample();
        c.validate().unwrap();
        let text = c.to_string();
        assert!(text.contains("L1 g0 = mul 3 * L0.g0 * L0.g1"), "{text}");
        assert!(text.contains("L1 g1 = add -1 * L0.g2"), "{text}");
        assert!(text.contains("L1 g3 = 0"), "{text}");
        assert!(
            text.contains("L2 g1 = const 5 + add 1 * L1.g0 + add 1 * L1.g2"),
            "{text}"
        );
        let inputs: Vec<Fr> = [1u64, 2, 3, 4, 5, 6, 7, 8].map(Fr::from).to_vec();
        let layers = c.evaluate(&inputs).unwrap();
        // copy 0: L1 = [6, -3, 4, 0], L2 = [-18, 5 + 6 + 4]
        assert_eq!(layers[2][0], -Fr::from(18u64));
        assert_eq!(layers[2][1], Fr::from(15u64));
        // copy 1: L1 = [90, -7, 8, 0], L2 = [-630, 5 + 90 + 8]
        assert_eq!(layers[2][2], -Fr::from(630u64));
        assert_eq!(layers[2][3], Fr::from(103u64));
        let json = serde_json::to_string(&c).unwrap();
        let back: LayeredCircuit<Fr> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert_eq!(back.digest(), c.digest());
    }

    #[test]
    fn validation_reports_every_problem() {
        let mut c = sample();
        c.layers[1].gates[0] = Gate::mul(0, 9);
        c.layers[0].gates.pop();
        let p = c.problems();
        assert!(p.contains(&CircuitError::WidthNotPowerOfTwo { layer: 1, width: 3 }));
        assert!(p.contains(&CircuitError::InputOutOfRange {
            layer: 2,
            gate: 0,
            input: 9,
            width: 3
        }));
        assert!(c.validate().is_err());
        assert!(c.evaluate(&[Fr::from(0u64); 3]).is_err());
        let flat = sample()
            .flatten_inputs(&[vec![Fr::from(1u64)], vec![Fr::from(2u64); 4]])
            .unwrap();
        assert_eq!(flat.len(), 8);
        assert_eq!(flat[1], Fr::from(0u64));
        assert!(sample().flatten_inputs(&[vec![], vec![], vec![]]).is_err());
        assert!(sample().flatten_inputs(&[vec![Fr::from(0u64); 5]]).is_err());
        let empty = LayeredCircuit::<Fr>::new(2, vec![]);
        assert_eq!(empty.validate(), Err(CircuitError::NoLayers));
    }
}
