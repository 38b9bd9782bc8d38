//! Soundness-facing tests: every proof component mutated is rejected, wrong claims are
//! rejected, a dishonest prover fails, and malformed bytes are errors (never panics).

mod common;

use ark_ff::UniformRand;
use ark_std::rand::{Rng, RngCore};
use common::*;
use tessera_gkr::*;

/// A small circuit whose proof has every optional part: several output claims (merge),
/// mul gates in L1 (input merge), a layer without mul gates (no phase Y).
type Case = (
    LayeredCircuit<Fr>,
    usize,
    Vec<Fr>,
    Vec<Claim<Fr>>,
    GkrProof<Fr>,
);

fn small_case() -> Case {
    let mut rng = ark_std::test_rng();
    let circuit = LayeredCircuit::new(
        4,
        vec![
            Layer::padded(vec![
                Gate::mul(0, 1),
                Gate::add(2, 3),
                Gate::mul_by(Fr::from(5u64), 1, 3),
                Gate::relay(0),
            ]),
            Layer::padded(vec![
                Gate::add(0, 1),
                Gate::scale(Fr::from(3u64), 2),
                Gate::constant(Fr::from(9u64)),
                Gate::relay(3),
            ]),
            Layer::padded(vec![Gate::mul(0, 1), Gate::mul(2, 3)]),
        ],
    );
    let log_copies = 2;
    let inputs = random_inputs(&mut rng, &circuit, log_copies);
    let n = circuit.log_width(3) + log_copies;
    let points = vec![random_point(&mut rng, n), random_point(&mut rng, n)];
    let out = prove(&circuit, &inputs, &mut Transcript::new(b"reject"), |_| {
        points
    })
    .unwrap();
    (circuit, log_copies, inputs, out.output_claims, out.proof)
}

/// Raw-mode verification of `p` for `claims` on `inputs`.
fn raw_verify(
    c: &LayeredCircuit<Fr>,
    inputs: &[Fr],
    claims: &[Claim<Fr>],
    p: &GkrProof<Fr>,
    domain: &[u8],
) -> Result<Claim<Fr>, VerifyError> {
    verify(c, inputs, p, &mut Transcript::new(domain), |_| {
        claims.to_vec()
    })
}

fn gkr_accepts(
    c: &LayeredCircuit<Fr>,
    _lc: usize,
    inputs: &[Fr],
    claims: &[Claim<Fr>],
    p: &GkrProof<Fr>,
) -> bool {
    raw_verify(c, inputs, claims, p, b"reject").is_ok()
}

#[test]
fn every_field_element_of_a_gkr_proof_is_checked() {
    let (c, lc, inputs, claims, proof) = small_case();
    assert!(proof.output_merge.is_some() && proof.input_merge.is_some());
    assert!(proof.layers.iter().any(|l| l.y.is_none()));
    assert!(gkr_accepts(&c, lc, &inputs, &claims, &proof));
    let n = count(&proof, visit_gkr);
    assert!(n > 50);
    for k in 0..n {
        let bad = mutate(&proof, visit_gkr, k);
        assert!(
            !gkr_accepts(&c, lc, &inputs, &claims, &bad),
            "element {k} of {n} not checked"
        );
    }
}

#[test]
fn wrong_output_claims_are_rejected() {
    let (c, lc, inputs, claims, proof) = small_case();
    for k in 0..claims.len() {
        let mut bad = claims.clone();
        bad[k].value += Fr::from(1u64);
        let err = raw_verify(&c, &inputs, &bad, &proof, b"reject").unwrap_err();
        assert!(
            matches!(
                err,
                VerifyError::ClaimMerge {
                    stage: MergeStage::Output
                }
            ),
            "{err}"
        );
        let mut bad = claims.clone();
        bad[k].point[0] += Fr::from(1u64);
        assert!(!gkr_accepts(&c, lc, &inputs, &bad, &proof));
    }
    // a single wrong claim (no merge) fails at the output layer's sumcheck
    let single = vec![claims[0].point.clone()];
    let out = prove(&c, &inputs, &mut Transcript::new(b"reject"), |_| single).unwrap();
    let mut bad = out.output_claims.clone();
    bad[0].value += Fr::from(1u64);
    let err = raw_verify(&c, &inputs, &bad, &out.proof, b"reject").unwrap_err();
    assert_eq!(err, VerifyError::LayerFinal { layer: 3 });
    // wrong dimension, no claims, wrong copy count
    let mut bad = claims.clone();
    bad[0].point.pop();
    assert!(matches!(
        raw_verify(&c, &inputs, &bad, &proof, b"reject"),
        Err(VerifyError::OutputClaim(_))
    ));
    assert!(raw_verify(&c, &inputs, &[], &proof, b"reject").is_err());
    let mut twice = inputs.clone();
    twice.extend_from_slice(&inputs);
    assert!(raw_verify(&c, &twice, &claims, &proof, b"reject").is_err());
    assert!(matches!(
        raw_verify(&c, &inputs[1..], &claims, &proof, b"reject"),
        Err(VerifyError::Shape { .. })
    ));
    let mut t = Transcript::new(b"reject");
    Statement::raw(&c, lc, &inputs).absorb(&mut t);
    assert!(verify_reduction(&c, lc + 1, &claims, &proof, &mut t).is_err());
    // other inputs (even ones that agree with the input claim) change every challenge
    let mut other = inputs.clone();
    other[0] += Fr::from(1u64);
    assert!(raw_verify(&c, &other, &claims, &proof, b"reject").is_err());
    // a different transcript domain changes every challenge
    assert!(raw_verify(&c, &inputs, &claims, &proof, b"other").is_err());
}

#[test]
fn dishonest_provers_fail() {
    let mut rng = ark_std::test_rng();
    let circuit = residual_circuit();
    let log_copies = 3;
    let mut inputs = residual_inputs(&mut rng, log_copies);
    // one copy's witness is wrong: z != x*y in copy 5
    inputs[5 * 4 + 2] += Fr::from(1u64);
    let zero_claim = |t: &mut Transcript| {
        vec![Claim::new(
            random_output_point(&circuit, log_copies, t),
            Fr::from(0u64),
        )]
    };
    let points = |t: &mut Transcript| vec![random_output_point(&circuit, log_copies, t)];
    let params = PcsParams::Ligero(LigeroParams::conjectured_100());

    // 1. honest proof of the wrong witness: the claimed residual is not zero
    let (proof, claims) = prove_with_commitment(
        &circuit,
        inputs.clone(),
        &params,
        &mut Transcript::new(b"d"),
        points,
    )
    .unwrap();
    assert_ne!(claims[0].value, Fr::from(0u64));
    let err = verify_with_commitment(
        &circuit,
        log_copies,
        &params,
        &proof,
        &mut Transcript::new(b"d"),
        zero_claim,
    );
    assert_eq!(err, Err(VerifyError::LayerFinal { layer: 2 }));

    // 2. a prover that replaces the output layer by zeros
    let mut layers = circuit.evaluate(&inputs).unwrap();
    layers[2].iter_mut().for_each(|v| *v = Fr::from(0u64));
    assert_forged_layers_rejected(&circuit, log_copies, layers, &inputs, b"d2");

    // 3. a prover that fixes the residual inside layer 1 for copy 5 (L1 inconsistent with L0)
    let mut layers = circuit.evaluate(&inputs).unwrap();
    layers[1][5 * 4 + 1] = layers[1][5 * 4]; // relay(z) := x*y
    layers[1][5 * 4 + 3] = layers[1][5 * 4] * layers[1][5 * 4 + 2]; // z*w := x*y*w
    layers[2] = tessera_gkr::circuit::eval_layer(&circuit.layers[1], 4, &layers[1]).unwrap();
    assert!(layers[2].iter().all(|v| *v == Fr::from(0u64)));
    assert_forged_layers_rejected(&circuit, log_copies, layers, &inputs, b"d3");
}

/// Proves forged layer values claiming every output is zero (raw mode, in the protocol's
/// order: statement with the inputs, then the point); the verifier (told the outputs are
/// zero) must reject.
fn assert_forged_layers_rejected(
    circuit: &LayeredCircuit<Fr>,
    log_copies: usize,
    layers: Vec<Vec<Fr>>,
    inputs: &[Fr],
    domain: &[u8],
) {
    let mut tp = Transcript::new(domain);
    Statement::raw(circuit, log_copies, inputs).absorb(&mut tp);
    let point = random_output_point(circuit, log_copies, &mut tp);
    let out = prove_reduction(circuit, layers, &[point], &mut tp).unwrap();
    assert_eq!(out.output_claims[0].value, Fr::from(0u64));
    let mut tv = Transcript::new(domain);
    let res = verify(circuit, inputs, &out.proof, &mut tv, |t| {
        vec![Claim::new(
            random_output_point(circuit, log_copies, t),
            Fr::from(0u64),
        )]
    });
    assert!(res.is_err());
}

fn committed_case() -> (
    LayeredCircuit<Fr>,
    usize,
    PcsParams,
    CommittedProof<Fr>,
    Vec<Claim<Fr>>,
) {
    let mut rng = ark_std::test_rng();
    let circuit = random_circuit(&mut rng, 2, 2);
    let lc = 2;
    let inputs = random_inputs(&mut rng, &circuit, lc);
    let params = PcsParams::insecure_for_tests(2, 6);
    let (proof, claims) =
        prove_with_commitment(&circuit, inputs, &params, &mut Transcript::new(b"c"), |t| {
            vec![t.challenges(b"pt", circuit.log_width(2) + lc)]
        })
        .unwrap();
    (circuit, lc, params, proof, claims)
}

fn committed_accepts(
    c: &LayeredCircuit<Fr>,
    lc: usize,
    params: &PcsParams,
    p: &CommittedProof<Fr>,
    claims: &[Claim<Fr>],
) -> Result<(), VerifyError> {
    let n = c.log_width(c.depth()) + lc;
    verify_with_commitment(c, lc, params, p, &mut Transcript::new(b"c"), |t| {
        // draw the point as the prover did; the claim itself is the prover's (the test checks
        // rejection, and a changed commitment changes the point)
        let _pt: Vec<Fr> = t.challenges(b"pt", n);
        claims.to_vec()
    })
}

#[test]
fn every_part_of_a_committed_proof_is_checked() {
    let (c, lc, params, proof, claims) = committed_case();
    committed_accepts(&c, lc, &params, &proof, &claims).unwrap();
    let n = count(&proof, visit_committed);
    for k in 0..n {
        let bad = mutate(&proof, visit_committed, k);
        assert!(
            committed_accepts(&c, lc, &params, &bad, &claims).is_err(),
            "element {k} of {n}"
        );
    }
    // the commitment root and every Merkle digest
    let Commitment::Ligero { root, num_vars } = proof.commitment.clone() else {
        panic!()
    };
    for byte in 0..32 {
        let mut bad = proof.clone();
        let mut r = root;
        r[byte] ^= 1;
        bad.commitment = Commitment::Ligero { root: r, num_vars };
        assert!(committed_accepts(&c, lc, &params, &bad, &claims).is_err());
    }
    let Opening::Ligero(o) = &proof.opening else {
        panic!()
    };
    assert!(!o.merkle.is_empty());
    for d in 0..o.merkle.len() {
        let mut bad = proof.clone();
        let Opening::Ligero(bo) = &mut bad.opening else {
            panic!()
        };
        bo.merkle[d][3] ^= 0x40;
        assert_eq!(
            committed_accepts(&c, lc, &params, &bad, &claims),
            Err(VerifyError::MerklePath)
        );
    }
    let mut bad = proof.clone();
    bad.commitment = Commitment::Ligero {
        root,
        num_vars: num_vars + 1,
    };
    assert!(matches!(
        committed_accepts(&c, lc, &params, &bad, &claims),
        Err(VerifyError::Commitment(_))
    ));
    // claimed output value
    let mut bad_claims = claims.clone();
    bad_claims[0].value += Fr::from(1u64);
    assert!(committed_accepts(&c, lc, &params, &proof, &bad_claims).is_err());
}

#[test]
fn every_field_element_of_a_product_proof_is_checked() {
    let mut rng = ark_std::test_rng();
    let leaves: Vec<Vec<Fr>> = (0..2)
        .map(|_| (0..16).map(|_| Fr::rand(&mut rng)).collect())
        .collect();
    // public leaves: the statement fixes them
    let mut st = Statement::new();
    for l in &leaves {
        st.public_fields(b"leaves", l);
    }
    let st = &st;
    let (proof, claims) = prove_products(leaves, st, &[], &mut Transcript::new(b"p")).unwrap();
    let accepts = |p: &ProductProof<Fr>| match verify_products(
        st,
        &[],
        2,
        4,
        p,
        &mut Transcript::new(b"p"),
    ) {
        Ok(c) => c == claims,
        Err(_) => false,
    };
    assert!(accepts(&proof));
    let n = count(&proof, visit_product);
    for k in 0..n {
        assert!(
            !accepts(&mutate(&proof, visit_product, k)),
            "element {k} of {n}"
        );
    }
    assert!(verify_products(st, &[], 2, 3, &proof, &mut Transcript::new(b"p")).is_err());
    assert!(verify_products(st, &[], 1, 4, &proof, &mut Transcript::new(b"p")).is_err());
    // a wrong root product is named
    let mut bad = proof.clone();
    bad.products[1] += Fr::from(1u64);
    assert_eq!(
        verify_products(st, &[], 2, 4, &bad, &mut Transcript::new(b"p")),
        Err(VerifyError::ProductRoot { tree: 1 })
    );
    // another statement, or a commitment the prover did not bind, changes the challenges
    let other = Statement::new();
    assert!(!accepts_with(&other, &[], &proof, &claims));
    let c = Commitment::Raw {
        digest: [7; 32],
        num_vars: 4,
    };
    assert!(!accepts_with(st, &[c], &proof, &claims));
}

fn accepts_with(
    st: &Statement,
    commitments: &[Commitment],
    p: &ProductProof<Fr>,
    claims: &ProductClaims<Fr>,
) -> bool {
    verify_products(st, commitments, 2, 4, p, &mut Transcript::new(b"p"))
        .is_ok_and(|c| c == *claims)
}

#[test]
fn malformed_bytes_are_errors_never_panics() {
    let (c, lc, params, proof, claims) = committed_case();
    let bytes = proof.to_bytes();
    // every truncation
    for len in 0..bytes.len() {
        assert!(
            CommittedProof::<Fr>::from_bytes(&bytes[..len]).is_err(),
            "truncation to {len}"
        );
    }
    // trailing garbage
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(CommittedProof::<Fr>::from_bytes(&longer).is_err());
    // every single-bit flip in a byte: a parse error or a rejected proof, never acceptance
    for i in 0..bytes.len() {
        let mut b = bytes.clone();
        b[i] ^= 1 << (i % 8);
        if let Ok(p) = CommittedProof::<Fr>::from_bytes(&b) {
            assert!(
                committed_accepts(&c, lc, &params, &p, &claims).is_err(),
                "flip at byte {i}"
            );
        }
    }
    // random bytes, with and without a valid header
    let mut rng = ark_std::test_rng();
    for _ in 0..2000 {
        let len = rng.gen_range(0..400);
        let mut b = vec![0u8; len];
        rng.fill_bytes(&mut b);
        if rng.gen_bool(0.5) && len >= 7 {
            b[..4].copy_from_slice(MAGIC);
            b[4..6].copy_from_slice(&VERSION.to_le_bytes());
            b[6] = rng.gen_range(1..=3);
        }
        let _ = CommittedProof::<Fr>::from_bytes(&b);
        let _ = GkrProof::<Fr>::from_bytes(&b);
        let _ = ProductProof::<Fr>::from_bytes(&b);
    }
    // a huge declared length is refused before allocating
    let mut b = Vec::new();
    b.extend_from_slice(MAGIC);
    b.extend_from_slice(&VERSION.to_le_bytes());
    b.push(ProofKind::Product as u8);
    b.extend_from_slice(&u32::MAX.to_le_bytes());
    assert!(matches!(
        ProductProof::<Fr>::from_bytes(&b),
        Err(VerifyError::Malformed(_))
    ));
    // a non-canonical field element (all ones is above the modulus)
    let (_, _, _, _, gproof) = small_case();
    let mut gb = gproof.to_bytes();
    let at = gb.len() - 32; // the input merge's final value
    gb[at..].iter_mut().for_each(|x| *x = 0xff);
    assert!(matches!(
        GkrProof::<Fr>::from_bytes(&gb),
        Err(VerifyError::Malformed(_))
    ));
    // JSON garbage and shape errors
    assert!(GkrProof::<Fr>::from_json("{").is_err());
    assert!(GkrProof::<Fr>::from_json(&proof.to_json()).is_err());
    let mut short = gproof.clone();
    short.layers.pop();
    let (gc, _, ginputs, gclaims, _) = small_case();
    assert!(matches!(
        raw_verify(&gc, &ginputs, &gclaims, &short, b"reject"),
        Err(VerifyError::Shape { .. })
    ));
    let mut short = gproof.clone();
    short.layers[0].copy.evals.pop();
    assert!(matches!(
        raw_verify(&gc, &ginputs, &gclaims, &short, b"reject"),
        Err(VerifyError::Shape { .. })
    ));
}
