//! Shared helpers for the integration tests: random circuits and inputs, and a visitor over
//! every field element of a proof (to mutate them one by one).
#![allow(dead_code)]

use ark_ff::UniformRand;
use ark_std::rand::Rng;
use tessera_gkr::{
    CommittedProof, Fr, Gate, GkrProof, Layer, LayeredCircuit, Opening, ProductProof,
    SumcheckProof, Term,
};

/// A random valid circuit: `depth` gate layers of widths `2^0..=2^max_log`.
pub fn random_circuit(rng: &mut impl Rng, depth: usize, max_log: u32) -> LayeredCircuit<Fr> {
    let input_width = 1usize << rng.gen_range(0..=max_log.min(3));
    let mut layers = Vec::new();
    let mut prev = input_width;
    for _ in 0..depth {
        let w = 1usize << rng.gen_range(0..=max_log);
        let gates = (0..w)
            .map(|_| {
                let terms = (0..rng.gen_range(1..=3))
                    .map(|_| {
                        let a = rng.gen_range(0..prev) as u32;
                        let b = rng.gen_range(0..prev) as u32;
                        match rng.gen_range(0..10) {
                            0..=3 => Term::Mul {
                                coeff: Fr::rand(rng),
                                a,
                                b,
                            },
                            4..=5 => Term::Add {
                                coeff: Fr::rand(rng),
                                a,
                            },
                            6..=7 => Term::Add {
                                coeff: Fr::from(1u64),
                                a,
                            },
                            8 => Term::Mul {
                                coeff: Fr::from(1u64),
                                a,
                                b,
                            },
                            _ => Term::Const {
                                value: Fr::rand(rng),
                            },
                        }
                    })
                    .collect();
                Gate::sum(terms)
            })
            .collect();
        layers.push(Layer { gates });
        prev = w;
    }
    let c = LayeredCircuit::new(input_width, layers);
    c.validate().expect("generator builds valid circuits");
    c
}

/// Random copy-major inputs for `2^log_copies` copies.
pub fn random_inputs(rng: &mut impl Rng, c: &LayeredCircuit<Fr>, log_copies: usize) -> Vec<Fr> {
    (0..c.input_width << log_copies)
        .map(|_| Fr::rand(rng))
        .collect()
}

/// A random point with `n` coordinates.
pub fn random_point(rng: &mut impl Rng, n: usize) -> Vec<Fr> {
    (0..n).map(|_| Fr::rand(rng)).collect()
}

fn sumcheck(s: &mut SumcheckProof<Fr>, f: &mut dyn FnMut(&mut Fr)) {
    s.evals.iter_mut().for_each(f);
}

/// Call `f` on every field element of a GKR proof, in a fixed order.
pub fn visit_gkr(p: &mut GkrProof<Fr>, f: &mut dyn FnMut(&mut Fr)) {
    for m in p.output_merge.iter_mut().chain(p.input_merge.iter_mut()) {
        sumcheck(&mut m.sumcheck, f);
        f(&mut m.value);
    }
    for l in &mut p.layers {
        sumcheck(&mut l.copy, f);
        sumcheck(&mut l.x, f);
        f(&mut l.vx);
        if let Some(y) = &mut l.y {
            sumcheck(&mut y.sumcheck, f);
            f(&mut y.vy);
        }
    }
}

/// Call `f` on every field element of a product proof.
pub fn visit_product(p: &mut ProductProof<Fr>, f: &mut dyn FnMut(&mut Fr)) {
    p.products.iter_mut().for_each(&mut *f);
    for l in &mut p.layers {
        sumcheck(&mut l.sumcheck, f);
        l.children.iter_mut().for_each(&mut *f);
    }
}

/// Call `f` on every field element of a committed proof (GKR and opening).
pub fn visit_committed(p: &mut CommittedProof<Fr>, f: &mut dyn FnMut(&mut Fr)) {
    visit_gkr(&mut p.gkr, f);
    match &mut p.opening {
        Opening::Ligero(o) => {
            for x in o
                .u_test
                .iter_mut()
                .chain(o.u_eval.iter_mut())
                .chain(o.columns.iter_mut())
            {
                f(x);
            }
        }
        Opening::Raw(t) => t.iter_mut().for_each(f),
    }
}

/// A visitor over a proof's field elements.
pub type Visit<P> = fn(&mut P, &mut dyn FnMut(&mut Fr));

/// Number of field elements `visit` reaches.
pub fn count<P>(p: &P, visit: Visit<P>) -> usize
where
    P: Clone,
{
    let mut q = p.clone();
    let mut n = 0;
    visit(&mut q, &mut |_| n += 1);
    n
}

/// A copy of `p` with its `k`-th field element (in visit order) increased by one.
pub fn mutate<P: Clone>(p: &P, visit: Visit<P>, k: usize) -> P {
    let mut q = p.clone();
    let mut i = 0;
    visit(&mut q, &mut |x| {
        if i == k {
            *x += Fr::from(1u64);
        }
        i += 1;
    });
    q
}

/// Per copy inputs `[x, y, z, w]`; outputs `x*y - z` and `z*w - x*y*w`: all zero exactly when
/// `z = x*y`.
pub fn residual_circuit() -> LayeredCircuit<Fr> {
    // inputs per copy: [x, y, z, w]; outputs: [x*y - z, z*w - x*y*w]: zero exactly when z = x*y
    LayeredCircuit::new(
        4,
        vec![
            Layer::padded(vec![
                Gate::mul(0, 1),
                Gate::relay(2),
                Gate::relay(3),
                Gate::mul(2, 3),
            ]),
            Layer::padded(vec![
                Gate::sum(vec![
                    Term::Add {
                        coeff: Fr::from(1u64),
                        a: 0,
                    },
                    Term::Add {
                        coeff: -Fr::from(1u64),
                        a: 1,
                    },
                ]),
                Gate::sum(vec![
                    Term::Add {
                        coeff: Fr::from(1u64),
                        a: 3,
                    },
                    Term::Mul {
                        coeff: -Fr::from(1u64),
                        a: 0,
                        b: 2,
                    },
                ]),
            ]),
        ],
    )
}

/// Honest inputs for [`residual_circuit`] on `2^log_copies` copies.
pub fn residual_inputs(rng: &mut impl Rng, log_copies: usize) -> Vec<Fr> {
    (0..1 << log_copies)
        .flat_map(|_| {
            let (x, y, w) = (Fr::rand(rng), Fr::rand(rng), Fr::rand(rng));
            [x, y, x * y, w]
        })
        .collect()
}

/// Per copy inputs `[a, b]`; outputs `a*b` and the "fingerprint" `7 + 3a + b^2` (gate 1), the
/// value a product tree over all copies multiplies.
pub fn fingerprint_circuit() -> LayeredCircuit<Fr> {
    LayeredCircuit::new(
        2,
        vec![Layer::padded(vec![
            Gate::mul(0, 1),
            Gate::sum(vec![
                Term::Const {
                    value: Fr::from(7u64),
                },
                Term::Add {
                    coeff: Fr::from(3u64),
                    a: 0,
                },
                Term::Mul {
                    coeff: Fr::from(1u64),
                    a: 1,
                    b: 1,
                },
            ]),
        ])],
    )
}

/// The fingerprints (output gate 1 of every copy) of [`fingerprint_circuit`] on `inputs`.
pub fn fingerprints(inputs: &[Fr]) -> Vec<Fr> {
    inputs
        .chunks(2)
        .map(|c| Fr::from(7u64) + Fr::from(3u64) * c[0] + c[1] * c[1])
        .collect()
}
