//! Multilinear extensions stored as evaluation tables over the Boolean hypercube.
//!
//! Convention used throughout the crate: a table `t` of length `2^n` holds `t[i] = f(bits(i))`
//! where variable `j` is bit `j` of `i` (variable 0 is the least significant bit). Points are
//! `Vec<F>` in the same order (`point[j]` is the value of variable `j`). Folding binds the
//! *most significant* variable: `t[i] <- t[i] + r * (t[i + half] - t[i])` for `i < half`,
//! which is contiguous, in place and splits cleanly for rayon. For a data-parallel layer laid
//! out copy-major (`index = copy * width + gate`), the copy variables are the high bits, so
//! folding binds them first.

use ark_ff::Field;
use rayon::prelude::*;

/// Tables smaller than this are processed on the calling thread.
pub const PAR_THRESHOLD: usize = 1 << 12;

/// Chunk length used when splitting whole tables across rayon workers.
pub const PAR_CHUNK: usize = 1 << 10;

/// `eq(a, b) = prod_j (a_j b_j + (1 - a_j)(1 - b_j))`. Panics in debug builds if the lengths
/// differ; callers check lengths first.
pub fn eq_eval<F: Field>(a: &[F], b: &[F]) -> F {
    debug_assert_eq!(a.len(), b.len());
    a.iter()
        .zip(b)
        .map(|(x, y)| (*x * y).double() - x - y + F::one())
        .product()
}

/// The table of `scale * eq(point, i)` for all `i` in `{0,1}^n`, written into `out`
/// (which must have length `2^point.len()`).
pub fn eq_table_into<F: Field>(point: &[F], scale: F, out: &mut [F]) {
    assert_eq!(out.len(), 1usize << point.len(), "eq table size");
    out[0] = scale;
    for (j, r) in point.iter().enumerate() {
        let len = 1usize << j;
        let (lo, hi) = out[..2 * len].split_at_mut(len);
        let step = |(l, h): (&mut F, &mut F)| {
            *h = *l * r;
            *l -= *h;
        };
        if len >= PAR_THRESHOLD {
            lo.par_iter_mut()
                .zip(hi.par_iter_mut())
                .with_min_len(PAR_CHUNK)
                .for_each(step);
        } else {
            lo.iter_mut().zip(hi.iter_mut()).for_each(step);
        }
    }
}

/// A table of `n` zeros. A large one is written by every rayon worker: the first write to
/// fresh memory is a page fault, and one thread taking them all serialises them (a fifth of
/// a large proof's time before this).
pub fn zeroed<F: Field>(n: usize) -> Vec<F> {
    if n < PAR_THRESHOLD {
        return vec![F::zero(); n];
    }
    let mut v = Vec::with_capacity(n);
    v.par_extend(rayon::iter::repeat_n(F::zero(), n).with_min_len(PAR_CHUNK));
    v
}

/// `acc[i] += x[i]` for all `i`.
pub fn add_assign_table<F: Field>(acc: &mut [F], x: &[F]) {
    let step = |(a, b): (&mut F, &F)| *a += b;
    if acc.len() >= PAR_THRESHOLD {
        acc.par_iter_mut()
            .zip(x.par_iter())
            .with_min_len(PAR_CHUNK)
            .for_each(step);
    } else {
        acc.iter_mut().zip(x).for_each(step);
    }
}

/// The table of `eq(point, i)` for all `i` in `{0,1}^n`.
pub fn eq_table<F: Field>(point: &[F]) -> Vec<F> {
    let mut out = zeroed(1usize << point.len());
    eq_table_into(point, F::one(), &mut out);
    out
}

/// Add `scale * eq(point, i)` to `acc[i]` for all `i`; `acc.len()` must be `2^point.len()`.
/// Allocates one temporary table; used on template-sized tables only.
pub fn add_eq_table<F: Field>(point: &[F], scale: F, acc: &mut [F]) {
    let mut t = zeroed(acc.len());
    eq_table_into(point, scale, &mut t);
    add_assign_table(acc, &t);
}

/// Bind the most significant variable of `table` to `r` in place; afterwards the first half
/// holds the folded table. `table.len()` must be even.
pub fn fold_top<F: Field>(table: &mut [F], r: F) {
    let half = table.len() / 2;
    let (lo, hi) = table.split_at_mut(half);
    let step = |(l, h): (&mut F, &F)| *l += r * (*h - *l);
    if half >= PAR_THRESHOLD {
        lo.par_iter_mut()
            .zip(hi.par_iter())
            .with_min_len(PAR_CHUNK)
            .for_each(step);
    } else {
        lo.iter_mut().zip(hi.iter()).for_each(step);
    }
}

/// Evaluate the multilinear extension of `table` at `point` (`point.len() == log2(len)`),
/// consuming `table` as scratch space (it is folded in place).
pub fn evaluate_in_place<F: Field>(table: &mut [F], point: &[F]) -> F {
    assert_eq!(table.len(), 1usize << point.len(), "MLE evaluation size");
    let mut len = table.len();
    for r in point.iter().rev() {
        fold_top(&mut table[..len], *r);
        len /= 2;
    }
    table[0]
}

/// Evaluate the multilinear extension of `table` at `point` without modifying it.
pub fn evaluate<F: Field>(table: &[F], point: &[F]) -> F {
    assert_eq!(table.len(), 1usize << point.len(), "MLE evaluation size");
    if point.is_empty() {
        return table[0];
    }
    // First fold reads from `table` and writes a half-size scratch table.
    let half = table.len() / 2;
    let r = point[point.len() - 1];
    let (lo, hi) = table.split_at(half);
    let mut scratch: Vec<F> = if half >= PAR_THRESHOLD {
        lo.par_iter()
            .zip(hi.par_iter())
            .map(|(l, h)| *l + r * (*h - *l))
            .collect()
    } else {
        lo.iter()
            .zip(hi.iter())
            .map(|(l, h)| *l + r * (*h - *l))
            .collect()
    };
    evaluate_in_place(&mut scratch, &point[..point.len() - 1])
}

/// `log2(n)` for a power of two `n`; `None` otherwise.
pub fn log2_exact(n: usize) -> Option<usize> {
    if n.is_power_of_two() {
        Some(n.trailing_zeros() as usize)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::field::Fr;
    use ark_ff::UniformRand;

    fn brute(table: &[Fr], point: &[Fr]) -> Fr {
        (0..table.len())
            .map(|i| {
                let bits: Vec<Fr> = (0..point.len())
                    .map(|j| Fr::from(((i >> j) & 1) as u64))
                    .collect();
                table[i] * eq_eval(point, &bits)
            })
            .sum()
    }

    #[test]
    fn eq_table_and_evaluation_agree_with_brute_force() {
        let mut rng = ark_std::test_rng();
        for n in 0..6 {
            let point: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
            let table: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
            let eq = eq_table(&point);
            for (i, e) in eq.iter().enumerate() {
                let bits: Vec<Fr> = (0..n).map(|j| Fr::from(((i >> j) & 1) as u64)).collect();
                assert_eq!(*e, eq_eval(&point, &bits));
            }
            let direct: Fr = table.iter().zip(&eq).map(|(a, b)| *a * b).sum();
            assert_eq!(direct, brute(&table, &point));
            assert_eq!(evaluate(&table, &point), direct);
        }
    }

    #[test]
    fn folding_binds_the_top_variable() {
        let mut rng = ark_std::test_rng();
        let table: Vec<Fr> = (0..16).map(|_| Fr::rand(&mut rng)).collect();
        let point: Vec<Fr> = (0..4).map(|_| Fr::rand(&mut rng)).collect();
        let mut t = table.clone();
        fold_top(&mut t, point[3]);
        assert_eq!(evaluate(&t[..8], &point[..3]), evaluate(&table, &point));
    }

    #[test]
    fn large_tables_take_the_parallel_path() {
        let mut rng = ark_std::test_rng();
        let n = 14;
        let point: Vec<Fr> = (0..n).map(|_| Fr::rand(&mut rng)).collect();
        let table: Vec<Fr> = (0..1 << n).map(|_| Fr::rand(&mut rng)).collect();
        let eq = eq_table(&point);
        let direct: Fr = table.iter().zip(&eq).map(|(a, b)| *a * b).sum();
        assert_eq!(evaluate(&table, &point), direct);
    }
}
