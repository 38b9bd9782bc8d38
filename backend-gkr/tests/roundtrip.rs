//! Prove/verify round trips: random circuits and copy counts, external output claims,
//! committed inputs (Ligero and raw), a product tree chained into a circuit's outputs, and
//! the multi-template order (statement, every commitment, challenges, proofs, openings).

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
        let out = prove(&circuit, &inputs, &mut tp, |_| points.clone()).unwrap();
        // the claimed values are the output MLE at the points
        let layers = circuit.evaluate(&inputs).unwrap();
        for c in &out.output_claims {
            assert_eq!(c.value, evaluate(&layers[depth], &c.point), "case {case}");
        }
        assert!(check_input_claim(&inputs, &out.input_claim), "case {case}");
        let mut tv = Transcript::new(b"roundtrip");
        let input_claim = verify(&circuit, &inputs, &out.proof, &mut tv, |_| {
            out.output_claims.clone()
        })
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
    let out = prove(&circuit, &inputs, &mut Transcript::new(b"enc"), |_| points).unwrap();
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
    let circuit = fingerprint_circuit();
    let inputs = random_inputs(&mut rng, &circuit, log_copies);
    let layers = circuit.evaluate(&inputs).unwrap();
    let fingerprints: Vec<Fr> = layers[1].chunks(2).map(|c| c[1]).collect();
    let expected: Fr = fingerprints.iter().product();

    // raw mode: the inputs are public, so the statement fixes the leaves; the product tree
    // absorbs it before drawing the leaf point
    let statement = Statement::raw(&circuit, log_copies, &inputs);
    let mut tp = Transcript::new(b"glue");
    let (pproof, product, leaf) = prove_product(fingerprints, &statement, &[], &mut tp).unwrap();
    assert_eq!(product, expected);
    let point = Claim::gate_point(1, circuit.log_width(1), &leaf.point);
    let out = prove_reduction(&circuit, layers, &[point], &mut tp).unwrap();
    assert_eq!(out.output_claims[0].value, leaf.value);

    let mut tv = Transcript::new(b"glue");
    let (vproduct, vleaf) = verify_product(&statement, &[], log_copies, &pproof, &mut tv).unwrap();
    assert_eq!(vproduct, expected);
    let claim = Claim::new(
        Claim::gate_point(1, circuit.log_width(1), &vleaf.point),
        vleaf.value,
    );
    let input_claim =
        verify_reduction(&circuit, log_copies, &[claim], &out.proof, &mut tv).unwrap();
    assert!(check_input_claim(&inputs, &input_claim));
}

#[test]
fn several_templates_commit_first_then_draw_challenges_then_prove_and_open() {
    // The whole-program order: one statement with every template and the public data; commit
    // every template's inputs (and the final memory set, here a plain table); absorb the
    // statement, then every commitment; only then draw the glue challenges and the claim
    // points; prove each template with the points it is given; open each commitment.
    let mut rng = ark_std::test_rng();
    let residual = residual_circuit();
    let fingerprint = common::fingerprint_circuit();
    let (lr, lf) = (3usize, 4usize);
    let params = PcsParams::default();
    let r_inputs = residual_inputs(&mut rng, lr);
    let f_inputs = random_inputs(&mut rng, &fingerprint, lf);
    let memory: Vec<Fr> = (0..8).map(|_| Fr::rand(&mut rng)).collect();
    let mut statement = Statement::new();
    statement
        .circuit(&residual, lr)
        .circuit(&fingerprint, lf)
        .public_bytes(b"program", b"canonical module bytes")
        .public_fields(b"return-value", &[Fr::from(42u64)])
        .pcs(&params);

    // prover
    let mut tp = Transcript::new(b"program");
    let r_com = CommittedInputs::commit(&residual, r_inputs, &params).unwrap();
    let f_com = CommittedInputs::commit(&fingerprint, f_inputs.clone(), &params).unwrap();
    let (m_com, m_data) = pcs::commit(&params, memory.clone()).unwrap();
    let commitments = vec![
        r_com.commitment().clone(),
        f_com.commitment().clone(),
        m_com,
    ];
    statement.absorb(&mut tp);
    commitments.iter().for_each(|c| c.absorb(&mut tp));
    let alpha: Fr = tp.challenge(b"glue/alpha");
    let fingerprints: Vec<Fr> = f_com.layers()[1].chunks(2).map(|c| c[1] + alpha).collect();
    let (pproof, pclaims) = prove_products(
        vec![fingerprints.clone()],
        &statement,
        &commitments,
        &mut tp,
    )
    .unwrap();
    // leaf claim on (fingerprint + alpha): the template's output claim is the leaf value
    // minus alpha (sum of eq weights is one)
    let f_point = Claim::gate_point(1, fingerprint.log_width(1), &pclaims.point);
    let r_point = random_output_point(&residual, lr, &mut tp);
    let (r_proof, r_claims) = r_com.prove(&[r_point], &mut tp).unwrap();
    let (f_proof, f_claims) = f_com.prove(&[f_point], &mut tp).unwrap();
    assert_eq!(r_claims[0].value, Fr::from(0u64));
    assert_eq!(f_claims[0].value + alpha, pclaims.leaf_values[0]);
    let m_point: Vec<Fr> = tp.challenges(b"memory/point", 3);
    let m_claim = Claim::new(m_point.clone(), evaluate(&memory, &m_point));
    let m_opening = pcs::open(&m_data, &m_claim, &mut tp).unwrap();

    // verifier: the same order, commitments from the proofs
    let mut tv = Transcript::new(b"program");
    statement.absorb(&mut tv);
    let commitments = vec![
        r_proof.commitment.clone(),
        f_proof.commitment.clone(),
        commitments[2].clone(),
    ];
    commitments.iter().for_each(|c| c.absorb(&mut tv));
    let alpha_v: Fr = tv.challenge(b"glue/alpha");
    assert_eq!(alpha_v, alpha);
    let pc = verify_products(&statement, &commitments, 1, lf, &pproof, &mut tv).unwrap();
    assert_eq!(pc.products[0], fingerprints.iter().product::<Fr>());
    let r_point = random_output_point(&residual, lr, &mut tv);
    verify_committed(
        &residual,
        lr,
        &params,
        &r_proof,
        &[Claim::new(r_point, Fr::from(0u64))],
        &mut tv,
    )
    .unwrap();
    let f_claim = Claim::new(
        Claim::gate_point(1, fingerprint.log_width(1), &pc.point),
        pc.leaf_values[0] - alpha_v,
    );
    verify_committed(&fingerprint, lf, &params, &f_proof, &[f_claim], &mut tv).unwrap();
    let m_point_v: Vec<Fr> = tv.challenges(b"memory/point", 3);
    assert_eq!(m_point_v, m_point);
    pcs::verify(&params, &commitments[2], &m_claim, &m_opening, &mut tv).unwrap();
    assert_eq!(tp.challenge::<Fr>(b"end"), tv.challenge::<Fr>(b"end"));

    // another public item in the statement changes every challenge
    let mut other = statement.clone();
    other.public_bytes(b"arg", b"1");
    let mut tv = Transcript::new(b"program");
    other.absorb(&mut tv);
    commitments.iter().for_each(|c| c.absorb(&mut tv));
    let _alpha: Fr = tv.challenge(b"glue/alpha");
    assert!(
        verify_products(&other, &commitments, 1, lf, &pproof, &mut tv).map_or(true, |c| c != pc)
    );
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
        let out = prove(&circuit, &inputs, &mut Transcript::new(b"w"), |_| {
            vec![point]
        })
        .unwrap();
        let ic = verify(
            &circuit,
            &inputs,
            &out.proof,
            &mut Transcript::new(b"w"),
            |_| out.output_claims.clone(),
        )
        .unwrap();
        assert!(check_input_claim(&inputs, &ic));
    }
}
