//! Proof sizes and end-to-end times with committed inputs, for BENCHMARKS.md.
//!
//! `cargo run --release -p tessera-gkr --example proof_size [log_total]` (default 20): a
//! 4-layer circuit of width 2^(n/2) (half `mul` gates), 2^(n - n/2) copies, one random
//! output claim, for each commitment preset.

use ark_ff::UniformRand;
use ark_std::rand::Rng;
use std::time::Instant;
use tessera_gkr::*;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    let (log_w, log_c) = (n / 2, n - n / 2);
    let w = 1usize << log_w;
    let mut rng = ark_std::test_rng();
    let layers = (0..4)
        .map(|_| {
            Layer::padded(
                (0..w)
                    .map(|_| {
                        let (a, b) = (rng.gen_range(0..w) as u32, rng.gen_range(0..w) as u32);
                        if rng.gen_bool(0.5) {
                            Gate::mul_by(Fr::rand(&mut rng), a, b)
                        } else {
                            Gate::sum(vec![
                                Term::Add {
                                    coeff: Fr::rand(&mut rng),
                                    a,
                                },
                                Term::Add {
                                    coeff: Fr::rand(&mut rng),
                                    a: b,
                                },
                            ])
                        }
                    })
                    .collect(),
            )
        })
        .collect();
    let circuit = LayeredCircuit::new(w, layers);
    let inputs: Vec<Fr> = (0..1usize << n).map(|_| Fr::rand(&mut rng)).collect();
    println!("circuit: 4 layers x 2^{log_w} gates, 2^{log_c} copies, 2^{n} committed inputs");
    println!("| commitment | proof bytes | GKR part | opening part | prove | verify |");
    println!("|---|---|---|---|---|---|");
    let presets = [
        (
            "Ligero proven-100 (t=241)",
            PcsParams::Ligero(LigeroParams::proven_100()),
        ),
        (
            "Ligero Johnson-100 (t=100)",
            PcsParams::Ligero(LigeroParams::johnson_100()),
        ),
        (
            "Ligero conjectured-100 (t=50)",
            PcsParams::Ligero(LigeroParams::conjectured_100()),
        ),
        ("raw (debug)", PcsParams::Raw),
    ];
    for (name, params) in presets {
        let t0 = Instant::now();
        let (proof, claims) = prove_with_commitment(
            &circuit,
            inputs.clone(),
            &params,
            &mut Transcript::new(b"size"),
            |t| vec![random_output_point(&circuit, log_c, t)],
        )
        .unwrap();
        let prove_s = t0.elapsed().as_secs_f64();
        let bytes = proof.to_bytes();
        let gkr = proof.gkr.to_bytes().len() - 7;
        let t1 = Instant::now();
        let decoded = CommittedProof::<Fr>::from_bytes(&bytes).unwrap();
        verify_with_commitment(
            &circuit,
            log_c,
            &params,
            &decoded,
            &mut Transcript::new(b"size"),
            |t| {
                vec![Claim::new(
                    random_output_point(&circuit, log_c, t),
                    claims[0].value,
                )]
            },
        )
        .unwrap();
        let verify_s = t1.elapsed().as_secs_f64();
        println!(
            "| {name} | {} | {} | {} | {:.2} s | {:.1} ms |",
            bytes.len(),
            gkr,
            bytes.len() - 7 - gkr - 37,
            prove_s,
            verify_s * 1e3
        );
    }
}
