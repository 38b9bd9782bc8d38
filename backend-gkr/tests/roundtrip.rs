//! Prove/verify round trips: random circuits and copy counts, external output claims,
//! committed inputs (Ligero and raw), and a product tree chained into a circuit's outputs.

mod common;

use ark_ff::UniformRand;
use ark_std::rand::Rng;
use common::*;
use tessera_gkr::mle::evaluate;
use tessera_gkr::*;

#[test]
fn random_circuits_with_random_copy_counts_prove_and_verify() {
    let mut rng = ark_std::test_rng();
    for case in 0..40 {
        let depth = rng.gen_range(1..=4);
        let circuit = random_circuit(&mut rng, depth, 3);
        let log_copies = rng.gen_range(0..=4);
        let inputs = random_inputs(&mut rng, &circuit, log_copies);
        let n_out = circuit.log_width(depth) + log_copies;
        let points: Vec<Vec<Fr>> = (0..rng.gen_range(1..=3))
            .map(|_| random_point(&mut rng, n_out))
            .collect();
        let mut tp = Transcript::new(b"roundtrip");
        let out = prove(&circuit, &inputs, &points, &mut tp).unwrap();
        // the claimed values are the output MLE at the points
        let layers = circuit.evaluate(&inputs).unwrap();
        for c in &out.output_claims {
            assert_eq!(c.value, evaluate(&layers[depth], &c.point), "case {case}");
        }
        assert!(check_input_claim(&inputs, &out.input_claim), "case {case}");
        let mut tv = Transcript::new(b"roundtrip");
        let input_claim = verify(
            &circuit,
            log_copies,
            &out.output_claims,
            &out.proof,
            &mut tv,
        )
        .unwrap_or_else(|e| panic!("case {case}: {e}\n{circuit}"));
        assert_eq!(input_claim, out.input_claim);
        // both transcripts end in the same state
        assert_eq!(tp.challenge::<Fr>(b"end"), tv.challenge::<Fr>(b"end"));
    }
}

#[test]
fn binary_and_json_encodings_round_trip() {
    let mut rng = ark_std::test_rng();
    let circuit = random_circuit(&mut rng, 3, 2);
    let inputs = random_inputs(&mut rng, &circuit, 2);
    let n = circuit.log_width(3) + 2;
    let points = vec![random_point(&mut rng, n), random_point(&mut rng, n)];
    let out = prove(&circuit, &inputs, &points, &mut Transcript::new(b"enc")).unwrap();
    let bytes = out.proof.to_bytes();
    assert_eq!(&bytes[..4], MAGIC);
    assert_eq!(GkrProof::<Fr>::from_bytes(&bytes).unwrap(), out.proof);
    let json = out.proof.to_json();
    assert!(json.contains("\"format\": \"tessera-gkr\""));
    assert_eq!(GkrProof::<Fr>::from_json(&json).unwrap(), out.proof);
    // the wrong kind is refused
    assert!(ProductProof::<Fr>::from_bytes(&bytes).is_err());
}

#[test]
fn committed_inputs_round_trip_with_ligero_and_raw() {
    let mut rng = ark_std::test_rng();
    let circuit = residual_circuit();
    for params in [
        PcsParams::default(),
        PcsParams::Ligero(LigeroParams::conjectured_100()),
        PcsParams::Raw,
    ] {
        for log_copies in [0usize, 3, 5] {
            let inputs = residual_inputs(&mut rng, log_copies);
            let mut tp = Transcript::new(b"committed");
            let (proof, claims) = prove_with_commitment(&circuit, inputs, &params, &mut tp, |t| {
                vec![random_output_point(&circuit, log_copies, t)]
            })
            .unwrap();
            assert_eq!(claims[0].value, Fr::from(0u64));
            let bytes = proof.to_bytes();
            let decoded = CommittedProof::<Fr>::from_bytes(&bytes).unwrap();
            assert_eq!(decoded, proof);
            let mut tv = Transcript::new(b"committed");
            verify_with_commitment(&circuit, log_copies, &params, &decoded, &mut tv, |t| {
                vec![Claim::new(
                    random_output_point(&circuit, log_copies, t),
                    Fr::from(0u64),
                )]
            })
            .unwrap();
            // the verifier's parameters decide: another mode is refused
            let other = if params == PcsParams::Raw {
                PcsParams::default()
            } else {
                PcsParams::Raw
            };
            let mut tv = Transcript::new(b"committed");
            let res =
                verify_with_commitment(&circuit, log_copies, &other, &decoded, &mut tv, |t| {
                    vec![Claim::new(
                        random_output_point(&circuit, log_copies, t),
                        Fr::from(0u64),
                    )]
                });
            assert!(matches!(res, Err(VerifyError::Commitment(_))), "{res:?}");
        }
    }
}

#[test]
fn product_tree_leaf_claim_chains_into_the_circuit_output_claim() {
    // The circuit's output gate 1 in every copy is a "fingerprint"; the product of all
    // fingerprints is proven with a product tree, whose leaf claim becomes the GKR output
    // claim at (gate 1, copy point).
    let mut rng = ark_std::test_rng();
    let log_copies = 4;
    let circuit = LayeredCircuit::new(
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
    );
    let inputs = random_inputs(&mut rng, &circuit, log_copies);
    let layers = circuit.evaluate(&inputs).unwrap();
    let fingerprints: Vec<Fr> = layers[1].chunks(2).map(|c| c[1]).collect();
    let expected: Fr = fingerprints.iter().product();

    let mut tp = Transcript::new(b"glue");
    let (pproof, product, leaf) = prove_product(fingerprints, &mut tp).unwrap();
    assert_eq!(product, expected);
    let point = Claim::gate_point(1, circuit.log_width(1), &leaf.point);
    let out = prove_evaluated(&circuit, layers, &[point], &mut tp).unwrap();
    assert_eq!(out.output_claims[0].value, leaf.value);

    let mut tv = Transcript::new(b"glue");
    let (vproduct, vleaf) = verify_product(log_copies, &pproof, &mut tv).unwrap();
    assert_eq!(vproduct, expected);
    let claim = Claim::new(
        Claim::gate_point(1, circuit.log_width(1), &vleaf.point),
        vleaf.value,
    );
    let input_claim = verify(&circuit, log_copies, &[claim], &out.proof, &mut tv).unwrap();
    assert!(check_input_claim(&inputs, &input_claim));
}

#[test]
fn wide_single_copy_and_many_narrow_copies() {
    // exercises the gate-parallel path (few wide copy pairs) and the copy-parallel path
    let mut rng = ark_std::test_rng();
    for (log_w, log_copies) in [(12usize, 1usize), (2, 12)] {
        let w = 1usize << log_w;
        let gates = (0..w)
            .map(|i| Gate::mul_by(Fr::rand(&mut rng), i as u32, ((i * 7 + 3) % w) as u32))
            .collect();
        let circuit = LayeredCircuit::new(w, vec![Layer { gates }]);
        let inputs = random_inputs(&mut rng, &circuit, log_copies);
        let point = random_point(&mut rng, log_w + log_copies);
        let out = prove(&circuit, &inputs, &[point], &mut Transcript::new(b"w")).unwrap();
        let ic = verify(
            &circuit,
            log_copies,
            &out.output_claims,
            &out.proof,
            &mut Transcript::new(b"w"),
        )
        .unwrap();
        assert!(check_input_claim(&inputs, &ic));
    }
}
