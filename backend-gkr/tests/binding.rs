//! Fiat-Shamir binding: three dishonest provers that exploit the transcript order this crate
//! used before proof format version 2, each replayed against that order (where it succeeds)
//! and against the current one (where it is rejected).
//!
//! The rule the old order broke: the statement (circuit digests, copy counts, public data,
//! parameters) is absorbed first, then every commitment, and only then are challenges drawn.
//! A challenge drawn before some data is absorbed lets the prover choose that data after
//! seeing the challenge. The `old_*` helpers replay the old order with today's low-level
//! pieces (`prove_reduction`, `verify_reduction`, `verify_committed`, `pcs::commit`, ...),
//! which absorb exactly what the old entry points absorbed at the points where they did.
//! (Today's openings also absorb their claim; the replays use them on both sides, which
//! does not matter to the attacks: they never touch an opening.)

mod common;

use ark_ff::{Field, UniformRand};
use common::*;
use tessera_gkr::mle::{eq_table, evaluate};
use tessera_gkr::*;

fn zero() -> Fr {
    Fr::from(0u64)
}

/// `table` with entry `index` changed so that its MLE at `claim.point` is `claim.value`
/// (the MLE is affine in each entry, with coefficient `eq(point, index)`).
fn fit(table: &[Fr], claim: &Claim<Fr>, index: usize) -> Vec<Fr> {
    let eq = eq_table(&claim.point);
    let mut out = table.to_vec();
    out[index] += (claim.value - evaluate(table, &claim.point)) * eq[index].inverse().unwrap();
    assert_eq!(evaluate(&out, &claim.point), claim.value);
    out
}

// ---- attack 1: raw mode never absorbed the input table ----

/// Old raw mode: the caller drew its output point from a transcript that held nothing
/// about the inputs, and `prove` absorbed only the circuit digest, copy count and claims.
fn old_raw_prove(circuit: &LayeredCircuit<Fr>, inputs: &[Fr], lc: usize) -> GkrProverOutput<Fr> {
    let mut t = Transcript::new(b"raw");
    let point = random_output_point(circuit, lc, &mut t);
    let layers = circuit.evaluate(inputs).unwrap();
    prove_reduction(circuit, layers, &[point], &mut t).unwrap()
}

/// Old raw-mode verifier: the same point, `verify`, then `check_input_claim` on the shipped
/// inputs.
fn old_raw_verify(
    circuit: &LayeredCircuit<Fr>,
    inputs: &[Fr],
    lc: usize,
    p: &GkrProof<Fr>,
) -> bool {
    let mut t = Transcript::new(b"raw");
    let point = random_output_point(circuit, lc, &mut t);
    match verify_reduction(circuit, lc, &[Claim::new(point, zero())], p, &mut t) {
        Ok(ic) => check_input_claim(inputs, &ic),
        Err(_) => false,
    }
}

fn new_raw_verify(
    circuit: &LayeredCircuit<Fr>,
    inputs: &[Fr],
    lc: usize,
    p: &GkrProof<Fr>,
) -> bool {
    verify(circuit, inputs, p, &mut Transcript::new(b"raw"), |t| {
        vec![Claim::new(random_output_point(circuit, lc, t), zero())]
    })
    .is_ok()
}

#[test]
fn raw_inputs_cannot_be_fitted_to_the_input_claim() {
    // Statement: the shipped table satisfies every residual of `residual_circuit`
    // (`z = x*y` in every copy). The prover's table is wrong in copy 5. Attack on the old
    // order: prove an honest table (all challenges, hence the final input claim `(r, v)`, are
    // independent of the table the verifier is later given), then ship the wrong table with
    // one entry of another copy (copy 0's `w`, which no residual of a correct copy depends
    // on) solved so that its MLE at `r` is `v`. The verifier's `check_input_claim` passes.
    let mut rng = ark_std::test_rng();
    let circuit = residual_circuit();
    let lc = 3;
    let honest = residual_inputs(&mut rng, lc);
    let mut wrong = honest.clone();
    wrong[5 * 4 + 2] += Fr::from(1u64);

    let out = old_raw_prove(&circuit, &honest, lc);
    let forged = fit(&wrong, &out.input_claim, 3);
    let residuals = circuit.evaluate(&forged).unwrap().pop().unwrap();
    assert_ne!(
        residuals[5 * 2],
        zero(),
        "the statement is false for the shipped table"
    );
    assert!(residuals[..2].iter().all(|r| *r == zero()));
    assert!(
        old_raw_verify(&circuit, &forged, lc, &out.proof),
        "the attack succeeds against the old order"
    );
    // now: the whole table is absorbed before the point is drawn
    assert!(!new_raw_verify(&circuit, &forged, lc, &out.proof));

    // the same strategy against today's prover: the input claim is bound to the honest
    // table, so fitting the wrong table to it changes every challenge of the verifier
    let out = prove(&circuit, &honest, &mut Transcript::new(b"raw"), |t| {
        vec![random_output_point(&circuit, lc, t)]
    })
    .unwrap();
    assert!(new_raw_verify(&circuit, &honest, lc, &out.proof));
    let forged = fit(&wrong, &out.input_claim, 3);
    assert!(!new_raw_verify(&circuit, &forged, lc, &out.proof));
}

// ---- attack 2: the claim point was drawn before the circuit digest was absorbed ----

/// Per copy inputs `[x, y]`, one output `x*y - k`: the public value `k` (say, the claimed
/// result) lives in the circuit as a constant.
fn constant_circuit(k: Fr) -> LayeredCircuit<Fr> {
    LayeredCircuit::new(
        2,
        vec![Layer::padded(vec![Gate::sum(vec![
            Term::Mul {
                coeff: Fr::from(1u64),
                a: 0,
                b: 1,
            },
            Term::Const { value: -k },
        ])])],
    )
}

/// Old `prove_with_commitment`: commit, absorb the commitment, draw the point, and only then
/// (inside `prove_evaluated`) absorb the circuit digest. The point does not depend on `k`,
/// so the prover picks `k = sum_s eq(p, s) x_s y_s`, which makes the output MLE vanish at
/// `p` whatever the inputs are.
fn old_prove_fitting_the_constant(
    inputs: &[Fr],
    lc: usize,
    params: &PcsParams,
) -> (LayeredCircuit<Fr>, CommittedProof<Fr>) {
    let mut t = Transcript::new(b"constant");
    let (commitment, data) = pcs::commit(params, inputs.to_vec()).unwrap();
    commitment.absorb(&mut t);
    // the output width does not depend on k
    let point = random_output_point(&constant_circuit(zero()), lc, &mut t);
    let products: Vec<Fr> = inputs.chunks(2).map(|c| c[0] * c[1]).collect();
    let circuit = constant_circuit(evaluate(&products, &point));
    let out = prove_reduction(
        &circuit,
        circuit.evaluate(inputs).unwrap(),
        &[point],
        &mut t,
    )
    .unwrap();
    assert_eq!(out.output_claims[0].value, zero());
    let opening = pcs::open(&data, &out.input_claim, &mut t).unwrap();
    let proof = CommittedProof {
        commitment,
        gkr: out.proof,
        opening,
    };
    (circuit, proof)
}

/// Old `verify_with_commitment`: absorb the commitment, draw the point, verify.
fn old_verify_committed_zero(
    circuit: &LayeredCircuit<Fr>,
    lc: usize,
    params: &PcsParams,
    proof: &CommittedProof<Fr>,
) -> Result<(), VerifyError> {
    let mut t = Transcript::new(b"constant");
    proof.commitment.absorb(&mut t);
    let point = random_output_point(circuit, lc, &mut t);
    verify_committed(
        circuit,
        lc,
        params,
        proof,
        &[Claim::new(point, zero())],
        &mut t,
    )
}

fn new_verify_committed_zero(
    circuit: &LayeredCircuit<Fr>,
    lc: usize,
    params: &PcsParams,
    proof: &CommittedProof<Fr>,
) -> Result<(), VerifyError> {
    verify_with_commitment(
        circuit,
        lc,
        params,
        proof,
        &mut Transcript::new(b"constant"),
        |t| vec![Claim::new(random_output_point(circuit, lc, t), zero())],
    )
}

#[test]
fn a_circuit_constant_cannot_be_fitted_to_the_claim_point() {
    // Statement: every copy's committed `x*y` equals the public `k` (all outputs of
    // `constant_circuit(k)` are zero). With random inputs it is false for every `k`.
    let mut rng = ark_std::test_rng();
    let lc = 3;
    let params = PcsParams::default();
    let inputs: Vec<Fr> = (0..2 << lc).map(|_| Fr::rand(&mut rng)).collect();

    let (circuit, proof) = old_prove_fitting_the_constant(&inputs, lc, &params);
    let outputs = circuit.evaluate(&inputs).unwrap().pop().unwrap();
    assert!(
        outputs.iter().any(|o| *o != zero()),
        "the statement is false"
    );
    assert_eq!(
        old_verify_committed_zero(&circuit, lc, &params, &proof),
        Ok(()),
        "the attack succeeds against the old order"
    );
    // now: the statement (with the circuit digest) is absorbed before the commitment and the
    // point, so the point depends on k and k cannot be chosen from it
    assert!(new_verify_committed_zero(&circuit, lc, &params, &proof).is_err());
    // an honest proof for this k under today's order claims a non-zero output
    let (honest, claims) = prove_with_commitment(
        &circuit,
        inputs.clone(),
        &params,
        &mut Transcript::new(b"constant"),
        |t| vec![random_output_point(&circuit, lc, t)],
    )
    .unwrap();
    assert_ne!(claims[0].value, zero());
    assert_eq!(
        new_verify_committed_zero(&circuit, lc, &params, &honest),
        Err(VerifyError::LayerFinal { layer: 1 })
    );
}

// ---- attack 3: a product tree's leaf point was drawn before the inputs were committed ----

/// Old glue order: prove the product tree over fake leaves (with the wanted product) on a
/// transcript that holds nothing the leaves depend on, read its leaf point `r`, fit copy
/// 0's input `a` so that the circuit's fingerprint MLE at `r` equals the fake leaf value,
/// and only then commit and prove the circuit with the chained claim.
fn old_prove_fake_leaves(
    fake_leaves: Vec<Fr>,
    inputs: &[Fr],
    params: &PcsParams,
) -> (ProductProof<Fr>, CommittedProof<Fr>, Vec<Fr>) {
    let circuit = fingerprint_circuit();
    let mut t = Transcript::new(b"glue");
    // bound to nothing but the tree's own messages, as before
    let (pproof, pc) = prove_products(vec![fake_leaves], &Statement::new(), &[], &mut t).unwrap();
    let leaf = pc.leaf_claim(0).unwrap();
    // fingerprint of copy s is 7 + 3 a_s + b_s^2: affine in a_s, so fitting the fingerprint
    // table's entry 0 is fitting a_0
    let fp = fit(&fingerprints(inputs), &leaf, 0);
    let mut forged = inputs.to_vec();
    forged[0] += (fp[0] - fingerprints(inputs)[0]) * Fr::from(3u64).inverse().unwrap();
    assert_eq!(fingerprints(&forged), fp);
    let committed = CommittedInputs::commit(&circuit, forged.clone(), params).unwrap();
    committed.commitment().absorb(&mut t);
    let point = Claim::gate_point(1, circuit.log_width(1), &leaf.point);
    let (proof, claims) = committed.prove(&[point], &mut t).unwrap();
    assert_eq!(claims[0].value, leaf.value);
    (pproof, proof, forged)
}

/// Old glue verifier: `verify_product` first, then the committed proof with the leaf claim.
fn old_verify_glue(
    product: Fr,
    lc: usize,
    params: &PcsParams,
    pproof: &ProductProof<Fr>,
    proof: &CommittedProof<Fr>,
) -> Result<(), VerifyError> {
    let circuit = fingerprint_circuit();
    let mut t = Transcript::new(b"glue");
    let pc = verify_products(&Statement::new(), &[], 1, lc, pproof, &mut t)?;
    assert_eq!(pc.products[0], product, "wrong product");
    proof.commitment.absorb(&mut t);
    let claim = Claim::new(
        Claim::gate_point(1, circuit.log_width(1), &pc.point),
        pc.leaf_values[0],
    );
    verify_committed(&circuit, lc, params, proof, &[claim], &mut t)
}

/// Today's glue verifier in the same call order: the product tree now takes (and absorbs)
/// the statement and the commitment that fix its leaves, then `verify_with_commitment`.
fn new_verify_glue(
    product: Fr,
    lc: usize,
    params: &PcsParams,
    pproof: &ProductProof<Fr>,
    proof: &CommittedProof<Fr>,
) -> Result<(), VerifyError> {
    let circuit = fingerprint_circuit();
    let statement = Statement::committed(&circuit, lc, params);
    let mut t = Transcript::new(b"glue");
    let commitments = [proof.commitment.clone()];
    let pc = verify_products(&statement, &commitments, 1, lc, pproof, &mut t)?;
    if pc.products[0] != product {
        return Err(VerifyError::ProductRoot { tree: 0 });
    }
    verify_with_commitment(&circuit, lc, params, proof, &mut t, |_| {
        vec![Claim::new(
            Claim::gate_point(1, circuit.log_width(1), &pc.point),
            pc.leaf_values[0],
        )]
    })
}

/// Today's honest glue prover for [`new_verify_glue`]: commit first, then the product tree
/// (bound to the statement and commitment), then the circuit.
fn new_prove_glue(
    inputs: &[Fr],
    lc: usize,
    params: &PcsParams,
    leaves: Vec<Fr>,
) -> (ProductProof<Fr>, CommittedProof<Fr>) {
    let circuit = fingerprint_circuit();
    let statement = Statement::committed(&circuit, lc, params);
    let committed = CommittedInputs::commit(&circuit, inputs.to_vec(), params).unwrap();
    let commitments = [committed.commitment().clone()];
    let mut t = Transcript::new(b"glue");
    let (pproof, pc) = prove_products(vec![leaves], &statement, &commitments, &mut t).unwrap();
    statement.absorb(&mut t);
    commitments[0].absorb(&mut t);
    let point = Claim::gate_point(1, circuit.log_width(1), &pc.point);
    let (proof, _) = committed.prove(&[point], &mut t).unwrap();
    (pproof, proof)
}

#[test]
fn product_leaves_cannot_be_faked_by_fitting_an_input() {
    // Statement: the fingerprints of the committed inputs multiply to `target` (the other
    // side of a multiset equality). The prover's inputs have another product; it proves the
    // tree over someone else's fingerprints (product `target`) and fits one input.
    let mut rng = ark_std::test_rng();
    let lc = 4;
    let params = PcsParams::default();
    let circuit = fingerprint_circuit();
    let other = random_inputs(&mut rng, &circuit, lc);
    let target: Fr = fingerprints(&other).iter().product();
    let inputs = random_inputs(&mut rng, &circuit, lc);

    let (pproof, proof, forged) = old_prove_fake_leaves(fingerprints(&other), &inputs, &params);
    assert_ne!(
        fingerprints(&forged).iter().product::<Fr>(),
        target,
        "the statement is false"
    );
    assert_eq!(
        old_verify_glue(target, lc, &params, &pproof, &proof),
        Ok(()),
        "the attack succeeds against the old order"
    );
    // now: the leaf point depends on the commitment, which the fitted input changes
    assert!(new_verify_glue(target, lc, &params, &pproof, &proof).is_err());

    // the honest flow in today's order is accepted, and its product is the real one
    let (hp, hc) = new_prove_glue(&other, lc, &params, fingerprints(&other));
    new_verify_glue(target, lc, &params, &hp, &hc).unwrap();

    // the same strategy against today's order: the prover must commit before the tree, so
    // the leaf point is bound to the unfitted inputs; fitting afterwards changes the
    // commitment, and the tree no longer verifies against it
    let statement = Statement::committed(&circuit, lc, &params);
    let first = CommittedInputs::commit(&circuit, inputs.clone(), &params).unwrap();
    let mut t = Transcript::new(b"glue");
    let (pproof, pc) = prove_products(
        vec![fingerprints(&other)],
        &statement,
        &[first.commitment().clone()],
        &mut t,
    )
    .unwrap();
    let leaf = pc.leaf_claim(0).unwrap();
    let fp = fit(&fingerprints(&inputs), &leaf, 0);
    let mut forged = inputs.clone();
    forged[0] += (fp[0] - fingerprints(&inputs)[0]) * Fr::from(3u64).inverse().unwrap();
    let refit = CommittedInputs::commit(&circuit, forged, &params).unwrap();
    statement.absorb(&mut t);
    refit.commitment().absorb(&mut t);
    let point = Claim::gate_point(1, circuit.log_width(1), &leaf.point);
    let (proof, _) = refit.prove(&[point], &mut t).unwrap();
    assert!(new_verify_glue(target, lc, &params, &pproof, &proof).is_err());
}

// ---- parameters and shapes ----

#[test]
fn insecure_parameters_are_refused_unless_asked_for() {
    let mut rng = ark_std::test_rng();
    let circuit = residual_circuit();
    let lc = 2;
    let inputs = residual_inputs(&mut rng, lc);
    let weak = PcsParams::Ligero(LigeroParams {
        num_queries: 6,
        ..LigeroParams::proven_100()
    });
    let point = |t: &mut Transcript| vec![random_output_point(&circuit, lc, t)];
    let res = prove_with_commitment(
        &circuit,
        inputs.clone(),
        &weak,
        &mut Transcript::new(b"p"),
        point,
    );
    assert!(matches!(res, Err(ProveError::InsecureParams(_))), "{res:?}");
    // asked for explicitly: accepted on both sides
    let test = PcsParams::insecure_for_tests(2, 6);
    let (proof, _) = prove_with_commitment(
        &circuit,
        inputs.clone(),
        &test,
        &mut Transcript::new(b"p"),
        point,
    )
    .unwrap();
    let zero_claim =
        |t: &mut Transcript| vec![Claim::new(random_output_point(&circuit, lc, t), zero())];
    verify_with_commitment(
        &circuit,
        lc,
        &test,
        &proof,
        &mut Transcript::new(b"p"),
        zero_claim,
    )
    .unwrap();
    // a verifier never accepts weak parameters of its own by accident
    assert!(matches!(
        verify_with_commitment(
            &circuit,
            lc,
            &weak,
            &proof,
            &mut Transcript::new(b"p"),
            zero_claim
        ),
        Err(VerifyError::InsecureParams(_))
    ));
    assert_eq!(
        PcsParams::default(),
        PcsParams::Ligero(LigeroParams::proven_100())
    );
    PcsParams::default().check().unwrap();
}

#[test]
fn public_helpers_return_shape_errors() {
    let circuit = residual_circuit();
    let table: Vec<Fr> = (0..16u64).map(Fr::from).collect();
    let (_, data) = pcs::commit(&PcsParams::default(), table.clone()).unwrap();
    let claim = Claim::new(vec![zero(); 3], zero());
    assert!(matches!(
        pcs::open(&data, &claim, &mut Transcript::new(b"s")),
        Err(ProveError::Shape { .. })
    ));
    let (_, raw) = pcs::commit(&PcsParams::Raw, table.clone()).unwrap();
    assert!(matches!(
        pcs::open(&raw, &claim, &mut Transcript::new(b"s")),
        Err(ProveError::Shape { .. })
    ));
    assert!(pcs::commit(&PcsParams::default(), table[..3].to_vec()).is_err());
    assert!(tessera_gkr::circuit::eval_layer(&circuit.layers[0], 4, &table[..3]).is_err());
    assert!(tessera_gkr::circuit::eval_layer(&circuit.layers[0], 2, &table).is_err());
    assert!(tessera_gkr::circuit::eval_layer(&circuit.layers[0], 0, &table).is_err());
    assert!(prove(
        &circuit,
        &table[..3],
        &mut Transcript::new(b"s"),
        |_| vec![]
    )
    .is_err());
    assert!(matches!(
        prove(&circuit, &table, &mut Transcript::new(b"s"), |_| vec![
            vec![zero()]
        ]),
        Err(ProveError::ClaimPoint { .. })
    ));
    assert!(CommittedInputs::commit(&circuit, table[..3].to_vec(), &PcsParams::default()).is_err());
    assert!(prove_products(
        vec![vec![zero(); 3]],
        &Statement::new(),
        &[],
        &mut Transcript::new(b"s")
    )
    .is_err());
}
