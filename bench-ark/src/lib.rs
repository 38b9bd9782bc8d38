//! Glue for the side-by-side benchmark: the same random BN254 tables as ark 0.5 elements
//! (tessera-gkr) and as ark 0.4 multilinear extensions (ark-linear-sumcheck), converted
//! through canonical bytes.

use ark_serialize::CanonicalSerialize;
use ark_serialize_04::CanonicalDeserialize as _;
use ark_std::UniformRand;

/// BN254 scalar field, ark 0.5.
pub type Fr5 = ark_bn254::Fr;
/// BN254 scalar field, ark 0.4.
pub type Fr4 = ark_bn254_04::Fr;

/// Convert one element through its canonical little-endian bytes.
pub fn to_04(x: &Fr5) -> Fr4 {
    let mut buf = Vec::with_capacity(32);
    x.serialize_compressed(&mut buf).expect("serialise to a Vec");
    Fr4::deserialize_compressed(&buf[..]).expect("same field, same encoding")
}

/// `2^n` random elements (deterministic seed).
pub fn random_table(n: usize, seed: u64) -> Vec<Fr5> {
    use ark_std::rand::SeedableRng;
    let mut rng = ark_std::rand::rngs::StdRng::seed_from_u64(seed);
    (0..1usize << n).map(|_| Fr5::rand(&mut rng)).collect()
}

/// The ark 0.4 multilinear extension of a table (same variable order: bit `j` is variable `j`).
pub fn to_mle_04(t: &[Fr5]) -> ark_poly_04::DenseMultilinearExtension<Fr4> {
    let n = t.len().trailing_zeros() as usize;
    ark_poly_04::DenseMultilinearExtension::from_evaluations_vec(n, t.iter().map(to_04).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ark_linear_sumcheck::ml_sumcheck::{data_structures::ListOfProductsOfPolynomials, MLSumcheck};
    use std::rc::Rc;

    #[test]
    fn both_provers_agree_on_the_sum() {
        let (f, g) = (random_table(6, 1), random_table(6, 2));
        let sum5: Fr5 = f.iter().zip(&g).map(|(a, b)| *a * b).sum();
        let mut poly = ListOfProductsOfPolynomials::new(6);
        poly.add_product(vec![Rc::new(to_mle_04(&f)), Rc::new(to_mle_04(&g))], <Fr4 as ark_ff_04::One>::one());
        let proof = MLSumcheck::prove(&poly).unwrap();
        assert_eq!(MLSumcheck::extract_sum(&proof), to_04(&sum5));
        let (mut ft, mut gt) = (f.clone(), g.clone());
        let mut t = tessera_gkr::Transcript::new(b"x");
        let (p, _, _, _) = tessera_gkr::sumcheck::prove_product2(&mut ft, &mut gt, &mut t);
        let h = 1 << 5;
        let p0: Fr5 = (0..h).map(|i| f[i] * g[i]).sum();
        assert_eq!(p.evals[0], p0);
    }
}
