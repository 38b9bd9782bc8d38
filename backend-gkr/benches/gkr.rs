//! Benchmarks of the proving engine on BN254 (see BENCHMARKS.md for figures).
//!
//! * `layer/*`: one data-parallel layer sumcheck at 2^20 gate-copies (2^10 gates x 2^10
//!   copies), all `mul` gates with random wiring and coefficients, and a mixed layer.
//! * `product_sumcheck/*`: `sum_x f(x) g(x)` over 2^20 points.
//! * `commit/*`: Ligero commitment to 2^20 field elements (rate 1/4).
//! * `prove/*`: a whole 4-layer circuit in raw mode, evaluation and absorbing the input table
//!   into the transcript included.
//!
//! Each group runs on a one-thread rayon pool and on the default pool (all threads).
//! `TESSERA_BENCH_LOG` (default 20) sets log2 of the problem size.

use ark_ff::UniformRand;
use ark_std::rand::Rng;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use tessera_gkr::layer::{prove_layer, LayerClaim, Wiring};
use tessera_gkr::pcs::ligero;
use tessera_gkr::sumcheck::prove_product2;
use tessera_gkr::*;

fn log_size() -> usize {
    std::env::var("TESSERA_BENCH_LOG")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(20)
}

fn pools() -> Vec<(&'static str, rayon::ThreadPool)> {
    vec![
        (
            "1thread",
            rayon::ThreadPoolBuilder::new()
                .num_threads(1)
                .build()
                .unwrap(),
        ),
        ("all", rayon::ThreadPoolBuilder::new().build().unwrap()),
    ]
}

fn random_layer(rng: &mut impl Rng, log_in: usize, log_out: usize, mul_share: f64) -> Layer<Fr> {
    let (win, wout) = (1usize << log_in, 1usize << log_out);
    let gates = (0..wout)
        .map(|_| {
            let a = rng.gen_range(0..win) as u32;
            let b = rng.gen_range(0..win) as u32;
            if rng.gen_bool(mul_share) {
                Gate::mul_by(Fr::rand(rng), a, b)
            } else {
                Gate::scale(Fr::rand(rng), a)
            }
        })
        .collect();
    Layer { gates }
}

fn bench_layer(c: &mut Criterion) {
    let mut rng = ark_std::test_rng();
    let n = log_size();
    let (log_w, log_c) = (n / 2, n - n / 2);
    let mut group = c.benchmark_group("layer");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(1 << n));
    for (mix, share) in [("mul", 1.0), ("half_mul", 0.5)] {
        let layer = random_layer(&mut rng, log_w, log_w, share);
        let wiring = Wiring::new(&layer, 1 << log_w);
        let input: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
        let claim = LayerClaim {
            copy_point: (0..log_c).map(|_| Fr::rand(&mut rng)).collect(),
            gate_points: vec![(
                (0..log_w).map(|_| Fr::rand(&mut rng)).collect(),
                Fr::from(1u64),
            )],
            value: Fr::from(0u64), // the prover's messages do not depend on its value
        };
        for (threads, pool) in pools() {
            group.bench_function(format!("{mix}/{threads}/2^{log_w}x2^{log_c}"), |b| {
                b.iter_batched_ref(
                    || input.clone(),
                    |table| {
                        pool.install(|| {
                            let mut t = Transcript::new(b"bench");
                            prove_layer(&wiring, table, &claim, &mut t).unwrap()
                        })
                    },
                    BatchSize::LargeInput,
                )
            });
        }
    }
    group.finish();
}

fn bench_product_sumcheck(c: &mut Criterion) {
    let mut rng = ark_std::test_rng();
    let n = log_size();
    let f: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
    let g: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
    let mut group = c.benchmark_group("product_sumcheck");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(1 << n));
    for (threads, pool) in pools() {
        group.bench_function(format!("{threads}/2^{n}"), |b| {
            b.iter_batched_ref(
                || (f.clone(), g.clone()),
                |(f, g)| pool.install(|| prove_product2(f, g, &mut Transcript::new(b"bench"))),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn bench_commit(c: &mut Criterion) {
    let mut rng = ark_std::test_rng();
    let n = log_size();
    let table: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
    let mut group = c.benchmark_group("commit");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(1 << n));
    let params = LigeroParams::default();
    for (threads, pool) in pools() {
        group.bench_function(format!("ligero/{threads}/2^{n}"), |b| {
            b.iter_batched(
                || table.clone(),
                |t| pool.install(|| ligero::commit(t, &params).unwrap().0),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

fn bench_prove(c: &mut Criterion) {
    let mut rng = ark_std::test_rng();
    let n = log_size();
    let (log_w, log_c) = (n / 2, n - n / 2);
    let layers = (0..4)
        .map(|_| random_layer(&mut rng, log_w, log_w, 0.5))
        .collect();
    let circuit = LayeredCircuit::new(1 << log_w, layers);
    let inputs: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
    let point: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
    let mut group = c.benchmark_group("prove");
    group
        .sample_size(10)
        .throughput(Throughput::Elements(4 << n));
    for (threads, pool) in pools() {
        group.bench_function(format!("4_layers/{threads}/2^{log_w}x2^{log_c}"), |b| {
            b.iter(|| {
                pool.install(|| {
                    prove(&circuit, &inputs, &mut Transcript::new(b"bench"), |_| {
                        vec![point.clone()]
                    })
                    .unwrap()
                })
            })
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    bench_layer,
    bench_product_sumcheck,
    bench_commit,
    bench_prove
);
criterion_main!(benches);
