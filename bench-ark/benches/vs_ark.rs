//! `sum_x f(x) g(x)` over 2^20 points (BENCH_ARK_LOG to change), same data, one thread and
//! all threads: tessera-gkr's prover vs ark-linear-sumcheck 0.4 (`parallel` feature).
//! Table copies (tessera: the tables it folds in place; ark: `prover_init`'s deep copy) are
//! made in the untimed setup for both.

use ark_linear_sumcheck::ml_sumcheck::{
    data_structures::ListOfProductsOfPolynomials,
    protocol::{prover::ProverState, IPForMLSumcheck},
};
use ark_linear_sumcheck::rng::{Blake2s512Rng, FeedableRNG};
use bench_ark::*;
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use std::rc::Rc;

fn log_size() -> usize {
    std::env::var("BENCH_ARK_LOG").ok().and_then(|s| s.parse().ok()).unwrap_or(20)
}

/// ark-linear-sumcheck's `prove_as_subprotocol` loop, after `prover_init`.
fn ark_rounds(mut state: ProverState<Fr4>, nv: usize) -> usize {
    let mut rng = Blake2s512Rng::setup();
    let mut verifier_msg = None;
    let mut sent = 0;
    for _ in 0..nv {
        let msg = IPForMLSumcheck::prove_round(&mut state, &verifier_msg);
        rng.feed(&msg).unwrap();
        sent += 1;
        verifier_msg = Some(IPForMLSumcheck::sample_round(&mut rng));
    }
    sent
}

fn bench(c: &mut Criterion) {
    let n = log_size();
    let f = random_table(n, 1);
    let g = random_table(n, 2);
    let mut poly = ListOfProductsOfPolynomials::new(n);
    poly.add_product(vec![Rc::new(to_mle_04(&f)), Rc::new(to_mle_04(&g))], <Fr4 as ark_ff_04::One>::one());

    let mut group = c.benchmark_group("product_sumcheck");
    group.sample_size(10).throughput(Throughput::Elements(1 << n));
    for threads in [1usize, 0] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let label = if threads == 1 { "1thread" } else { "all" };
        group.bench_function(format!("tessera/{label}/2^{n}"), |b| {
            b.iter_batched_ref(
                || (f.clone(), g.clone()),
                |(f, g)| {
                    pool.install(|| {
                        let mut t = tessera_gkr::Transcript::new(b"bench");
                        tessera_gkr::sumcheck::prove_product2(f, g, &mut t)
                    })
                },
                BatchSize::LargeInput,
            )
        });
        group.bench_function(format!("ark-linear-sumcheck/{label}/2^{n}"), |b| {
            b.iter_batched(
                || IPForMLSumcheck::prover_init(&poly),
                |state| pool.install(|| ark_rounds(state, n)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
