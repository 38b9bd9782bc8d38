//! Grand products proven by GKR over binary multiplication trees (the glue primitive).
//!
//! For `2^n` leaves `P_n`, layer `j` of the tree has `2^j` nodes and
//! `P_j[i] = P_{j+1}[i] * P_{j+1}[i + 2^j]` (children split by the top variable), so
//! `P_j(z) = sum_x eq(z, x) P_{j+1}(x, 0) P_{j+1}(x, 1)`: a degree-3 sumcheck per layer.
//! After it, the two child values at the sumcheck point `r` are joined by a random line
//! (`P_{j+1}(r, tau) = l + tau (r - l)`), giving one claim per layer and finally one claim on
//! the leaves' MLE at a random point, which the caller chains into the output claim of the
//! circuit that produced the leaves.
//!
//! Several trees with the same number of leaves are proven together: one sumcheck per layer
//! on a random combination, and all leaf claims share one point. Pad trees with `1`s to a
//! common power-of-two size.
//!
//! The leaf point is only useful if it is drawn after the leaves are fixed: otherwise fake
//! leaves with the wanted product can be proven and the circuit's inputs fitted afterwards
//! so that its output MLE matches the leaf claim. So [`prove_products`] and
//! [`verify_products`] take what fixes the leaves, the [`Statement`] (circuits, public
//! data) and the [`Commitment`]s to the inputs of the circuits that produce them (empty
//! when the leaves are public), and absorb both before their first challenge. In a flow that
//! has absorbed them already this repeats them, which costs nothing in soundness.

use crate::claim::Claim;
use crate::error::{ProveError, VerifyError};
use crate::mle::{eq_eval, eq_table, fold_top, PAR_CHUNK, PAR_THRESHOLD};
use crate::pcs::Commitment;
use crate::statement::Statement;
use crate::sumcheck::{verify_rounds, SumcheckProof, CHALLENGE_LABEL, ROUND_LABEL};
use crate::transcript::Transcript;
use ark_ff::PrimeField;
use rayon::prelude::*;

/// One tree layer's messages: the batched sumcheck and each tree's two child values.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct ProductLayerProof<F: PrimeField> {
    /// Degree 3, `j` rounds for tree layer `j`.
    pub sumcheck: SumcheckProof<F>,
    /// `[l_0, r_0, l_1, r_1, ...]`: per tree, the children's MLE at `(r, 0)` and `(r, 1)`.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub children: Vec<F>,
}

/// A batched product-tree proof.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(bound = "")]
pub struct ProductProof<F: PrimeField> {
    /// The claimed product of each tree.
    #[serde(with = "crate::field::serde_fe_vec")]
    pub products: Vec<F>,
    /// Layer proofs for tree layers `0..n` (layer 0 has no sumcheck: its messages are the
    /// two children of the root).
    pub layers: Vec<ProductLayerProof<F>>,
}

/// What a product proof establishes: the products, and one claim per tree on its leaves'
/// MLE, all at `point` (`n` coordinates, bit order).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProductClaims<F> {
    /// Product of each tree's leaves.
    pub products: Vec<F>,
    /// The common leaf point.
    pub point: Vec<F>,
    /// Leaf MLE value of each tree at `point`.
    pub leaf_values: Vec<F>,
}

impl<F: PrimeField> ProductClaims<F> {
    /// Tree `t`'s leaf claim.
    pub fn leaf_claim(&self, t: usize) -> Option<Claim<F>> {
        Some(Claim::new(self.point.clone(), *self.leaf_values.get(t)?))
    }
}

/// What the leaves depend on, absorbed before the first challenge of a product proof.
fn absorb_binding(t: &mut Transcript, statement: &Statement, commitments: &[Commitment]) {
    statement.absorb(t);
    t.absorb_u64(b"product/commitments", commitments.len() as u64);
    for c in commitments {
        c.absorb(t);
    }
}

fn absorb_header<F: PrimeField>(t: &mut Transcript, trees: usize, n: usize, products: &[F]) {
    t.absorb_u64(b"product/trees", trees as u64);
    t.absorb_u64(b"product/log-leaves", n as u64);
    t.absorb_fields(b"product/products", products);
}

fn batch_weights<F: PrimeField>(t: &mut Transcript, trees: usize) -> Vec<F> {
    let lambda: F = t.challenge(b"product/lambda");
    let mut w = Vec::with_capacity(trees);
    let mut acc = F::one();
    for _ in 0..trees {
        w.push(acc);
        acc *= lambda;
    }
    w
}

/// Prove one tree whose leaves are fixed by `statement` and `commitments` (see
/// [`prove_products`]); returns the proof, the product, and the leaf claim.
pub fn prove_product<F: PrimeField>(
    leaves: Vec<F>,
    statement: &Statement,
    commitments: &[Commitment],
    transcript: &mut Transcript,
) -> Result<(ProductProof<F>, F, Claim<F>), ProveError> {
    let (proof, claims) = prove_products(vec![leaves], statement, commitments, transcript)?;
    let claim = Claim::new(claims.point, claims.leaf_values[0]);
    Ok((proof, claims.products[0], claim))
}

/// Prove several trees of equal power-of-two size together. The leaves must be fixed by
/// `statement` (public data, circuits) and `commitments` (the committed inputs of the
/// circuits whose outputs they are; empty for public leaves): both are absorbed before the
/// first challenge, so the leaf point cannot be known before the inputs are committed.
pub fn prove_products<F: PrimeField>(
    leaves: Vec<Vec<F>>,
    statement: &Statement,
    commitments: &[Commitment],
    transcript: &mut Transcript,
) -> Result<(ProductProof<F>, ProductClaims<F>), ProveError> {
    let trees = leaves.len();
    let size = leaves.first().map_or(0, Vec::len);
    if trees == 0 || size == 0 || !size.is_power_of_two() || leaves.iter().any(|l| l.len() != size)
    {
        return Err(ProveError::ProductLeaves(format!(
            "{trees} trees; every tree needs the same power-of-two number of leaves"
        )));
    }
    let n = size.trailing_zeros() as usize;
    // tables[t][j] = layer j of tree t (2^j nodes), j = 0..=n
    let mut tables: Vec<Vec<Vec<F>>> = leaves
        .into_iter()
        .map(|l| {
            let mut layers = vec![l];
            for j in (0..n).rev() {
                let prev = layers.last().expect("non-empty");
                let (a, b) = prev.split_at(1 << j);
                let next: Vec<F> = if a.len() >= PAR_THRESHOLD {
                    a.par_iter()
                        .zip(b.par_iter())
                        .map(|(x, y)| *x * y)
                        .collect()
                } else {
                    a.iter().zip(b).map(|(x, y)| *x * y).collect()
                };
                layers.push(next);
            }
            layers.reverse();
            layers
        })
        .collect();
    let products: Vec<F> = tables.iter().map(|t| t[0][0]).collect();
    absorb_binding(transcript, statement, commitments);
    absorb_header(transcript, trees, n, &products);
    let mut layer_proofs = Vec::with_capacity(n);
    if n == 0 {
        let claims = ProductClaims {
            point: Vec::new(),
            leaf_values: products.clone(),
            products: products.clone(),
        };
        return Ok((
            ProductProof {
                products,
                layers: layer_proofs,
            },
            claims,
        ));
    }
    // root: children of each tree's root
    let children: Vec<F> = tables.iter().flat_map(|t| [t[1][0], t[1][1]]).collect();
    transcript.absorb_fields(b"product/children", &children);
    let tau: F = transcript.challenge(b"product/tau");
    let mut values: Vec<F> = children
        .chunks(2)
        .map(|c| c[0] + tau * (c[1] - c[0]))
        .collect();
    let mut z = vec![tau];
    layer_proofs.push(ProductLayerProof {
        sumcheck: SumcheckProof::default(),
        children,
    });

    for j in 1..n {
        let lambda = batch_weights::<F>(transcript, trees);
        let mut next: Vec<Vec<F>> = tables
            .iter_mut()
            .map(|t| std::mem::take(&mut t[j + 1]))
            .collect();
        let mut eq = eq_table(&z);
        let half0 = 1usize << j;
        let mut evals = Vec::with_capacity(3 * j);
        let mut r_point = vec![F::zero(); j];
        let mut claim: F = values.iter().zip(&lambda).map(|(v, l)| *v * l).sum();
        let mut len = half0;
        for round in 0..j {
            let msg = tree_round(&eq[..len], &next, half0, &lambda);
            transcript.absorb_fields(ROUND_LABEL, &msg);
            evals.extend_from_slice(&msg);
            let r: F = transcript.challenge(CHALLENGE_LABEL);
            r_point[j - 1 - round] = r;
            claim = crate::field::interpolate_at(&[msg[0], claim - msg[0], msg[1], msg[2]], r);
            fold_top(&mut eq[..len], r);
            for tab in next.iter_mut() {
                let (l, rr) = tab.split_at_mut(half0);
                fold_top(&mut l[..len], r);
                fold_top(&mut rr[..len], r);
            }
            len /= 2;
        }
        let children: Vec<F> = next.iter().flat_map(|t| [t[0], t[half0]]).collect();
        transcript.absorb_fields(b"product/children", &children);
        let tau: F = transcript.challenge(b"product/tau");
        values = children
            .chunks(2)
            .map(|c| c[0] + tau * (c[1] - c[0]))
            .collect();
        r_point.push(tau);
        z = r_point;
        layer_proofs.push(ProductLayerProof {
            sumcheck: SumcheckProof { evals },
            children,
        });
    }
    let claims = ProductClaims {
        products: products.clone(),
        point: z,
        leaf_values: values,
    };
    Ok((
        ProductProof {
            products,
            layers: layer_proofs,
        },
        claims,
    ))
}

/// One round of the batched tree sumcheck on tables of current length `eq.len()`:
/// returns `p(0), p(2), p(3)` of `sum_x eq(x) sum_t lambda_t L_t(x) R_t(x)`.
fn tree_round<F: PrimeField>(eq: &[F], tabs: &[Vec<F>], half0: usize, lambda: &[F]) -> [F; 3] {
    let h = eq.len() / 2;
    let pair = |i: usize| -> [F; 3] {
        let (e0, e1) = (eq[i], eq[i + h]);
        let de = e1 - e0;
        let e2 = e1 + de;
        let e3 = e2 + de;
        let (mut s0, mut s2, mut s3) = (F::zero(), F::zero(), F::zero());
        for (tab, lam) in tabs.iter().zip(lambda) {
            let (l0, l1) = (tab[i], tab[i + h]);
            let (r0, r1) = (tab[half0 + i], tab[half0 + i + h]);
            let (dl, dr) = (l1 - l0, r1 - r0);
            let (l2, r2) = (l1 + dl, r1 + dr);
            let (l3, r3) = (l2 + dl, r2 + dr);
            s0 += *lam * (l0 * r0);
            s2 += *lam * (l2 * r2);
            s3 += *lam * (l3 * r3);
        }
        [e0 * s0, e2 * s2, e3 * s3]
    };
    let add = |a: [F; 3], b: [F; 3]| [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
    if h >= PAR_THRESHOLD {
        (0..h)
            .into_par_iter()
            .with_min_len(PAR_CHUNK)
            .map(pair)
            .reduce(|| [F::zero(); 3], add)
    } else {
        (0..h).map(pair).fold([F::zero(); 3], add)
    }
}

/// Verify a single-tree proof over `2^log_leaves` leaves fixed by `statement` and
/// `commitments`; returns the product and the leaf claim. The caller checks the product
/// against what it expects.
pub fn verify_product<F: PrimeField>(
    statement: &Statement,
    commitments: &[Commitment],
    log_leaves: usize,
    proof: &ProductProof<F>,
    transcript: &mut Transcript,
) -> Result<(F, Claim<F>), VerifyError> {
    let c = verify_products(statement, commitments, 1, log_leaves, proof, transcript)?;
    Ok((c.products[0], Claim::new(c.point, c.leaf_values[0])))
}

/// Verify a batched proof of `trees` trees of `2^log_leaves` leaves each, fixed by
/// `statement` and `commitments` (absorbed first, as by [`prove_products`]). Never panics on
/// proof data.
pub fn verify_products<F: PrimeField>(
    statement: &Statement,
    commitments: &[Commitment],
    trees: usize,
    log_leaves: usize,
    proof: &ProductProof<F>,
    transcript: &mut Transcript,
) -> Result<ProductClaims<F>, VerifyError> {
    let n = log_leaves;
    let shape = |what, expected, found| VerifyError::Shape {
        what,
        expected,
        found,
    };
    if proof.products.len() != trees {
        return Err(shape("products", trees, proof.products.len()));
    }
    if proof.layers.len() != n {
        return Err(shape("product layers", n, proof.layers.len()));
    }
    absorb_binding(transcript, statement, commitments);
    absorb_header(transcript, trees, n, &proof.products);
    if n == 0 {
        let p = proof.products.clone();
        return Ok(ProductClaims {
            point: Vec::new(),
            leaf_values: p.clone(),
            products: p,
        });
    }
    let root = &proof.layers[0];
    if root.children.len() != 2 * trees || !root.sumcheck.evals.is_empty() {
        return Err(shape("root children", 2 * trees, root.children.len()));
    }
    for (t, (ch, p)) in root
        .children
        .chunks_exact(2)
        .zip(&proof.products)
        .enumerate()
    {
        if ch[0] * ch[1] != *p {
            return Err(VerifyError::ProductRoot { tree: t });
        }
    }
    transcript.absorb_fields(b"product/children", &root.children);
    let tau: F = transcript.challenge(b"product/tau");
    let mut values: Vec<F> = root
        .children
        .chunks_exact(2)
        .map(|c| c[0] + tau * (c[1] - c[0]))
        .collect();
    let mut z = vec![tau];
    for (j, lp) in proof.layers.iter().enumerate().skip(1) {
        let lambda = batch_weights::<F>(transcript, trees);
        let claim: F = values.iter().zip(&lambda).map(|(v, l)| *v * l).sum();
        let out = verify_rounds(claim, &lp.sumcheck, j, 3, transcript).ok_or(shape(
            "product layer sumcheck",
            3 * j,
            lp.sumcheck.evals.len(),
        ))?;
        if lp.children.len() != 2 * trees {
            return Err(shape(
                "product layer children",
                2 * trees,
                lp.children.len(),
            ));
        }
        let combined: F = lp
            .children
            .chunks_exact(2)
            .zip(&lambda)
            .map(|(c, l)| *l * c[0] * c[1])
            .sum();
        if out.claim != eq_eval(&z, &out.point) * combined {
            return Err(VerifyError::ProductLayer { layer: j });
        }
        transcript.absorb_fields(b"product/children", &lp.children);
        let tau: F = transcript.challenge(b"product/tau");
        values = lp
            .children
            .chunks_exact(2)
            .map(|c| c[0] + tau * (c[1] - c[0]))
            .collect();
        z = out.point;
        z.push(tau);
    }
    Ok(ProductClaims {
        products: proof.products.clone(),
        point: z,
        leaf_values: values,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;
    use crate::mle::evaluate;
    use ark_ff::UniformRand;

    #[test]
    fn product_claims_match_direct_products_and_leaf_mle() {
        let mut rng = ark_std::test_rng();
        for (trees, n) in [(1, 0), (1, 1), (1, 4), (3, 3), (2, 6)] {
            let leaves: Vec<Vec<Fr>> = (0..trees)
                .map(|_| (0..1 << n).map(|_| Fr::rand(&mut rng)).collect())
                .collect();
            let mut st = Statement::new();
            for l in &leaves {
                st.public_fields(b"leaves", l);
            }
            let mut tp = Transcript::new(b"p");
            let (proof, claims) = prove_products(leaves.clone(), &st, &[], &mut tp).unwrap();
            for (t, l) in leaves.iter().enumerate() {
                assert_eq!(claims.products[t], l.iter().product::<Fr>());
                assert_eq!(claims.leaf_values[t], evaluate(l, &claims.point));
            }
            let mut tv = Transcript::new(b"p");
            assert_eq!(
                verify_products(&st, &[], trees, n, &proof, &mut tv).unwrap(),
                claims
            );
            // the binding is absorbed: another statement gives other challenges
            if n > 0 {
                let mut tv = Transcript::new(b"p");
                assert!(
                    verify_products(&Statement::new(), &[], trees, n, &proof, &mut tv)
                        .map_or(true, |c| c != claims)
                );
            }
        }
    }
}
