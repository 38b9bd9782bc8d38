//! Exact lowerings of the value instructions: each returns the result as a canonical
//! [`IVal`] with its poison, through the [`Builder`]'s gadgets. The reference semantics are
//! `tessera_ir::exec::ops`; hints compute witnesses with those same functions.

use super::builder::{mask, sext, Builder, IVal, PTerm, Poison};
use crate::template::Node as N;
use std::sync::Arc;
use tessera_ir::exec::ops::{self, Eval};
use tessera_ir::{BinOp, CastOp, Flags, IcmpPred, Intrinsic};

macro_rules! hint {
    (|$v:ident| $e:expr) => {
        Arc::new(move |$v: &[u128]| -> u128 { $e })
    };
}

fn val(e: Eval) -> u128 {
    match e {
        Eval::Val(x) => x as u128,
        Eval::Poison => 0,
    }
}


/// A value that is never poison.
fn plain(node: N, bits: u32) -> IVal {
    IVal { node, bits, poison: Poison::none() }
}

/// Signed overflow of a sum whose operands have signs `sa`, `sb` and whose wrapped result
/// has sign `sr`: the operands agree in sign and the result does not.
fn sum_overflow(b: &mut Builder, sa: N, sb: N, sr: N) -> N {
    let nsa = b.not(sa);
    let nsb = b.not(sb);
    let nsr = b.not(sr);
    let t1 = b.mul(sa, sb);
    let t1 = b.mul(t1, nsr);
    let t2 = b.mul(nsa, nsb);
    let t2 = b.mul(t2, sr);
    b.add(t1, t2)
}

/// Signed overflow of `a + b = r` (wrapping).
fn add_overflow(b: &mut Builder, a: N, x: N, r: N, w: u32) -> N {
    let (sa, sb, sr) = (b.sign_of(a, w), b.sign_of(x, w), b.sign_of(r, w));
    sum_overflow(b, sa, sb, sr)
}

/// Signed overflow of `a - b = r`: that of `a + (-b)`, whose sign is the opposite of `b`'s.
fn sub_overflow(b: &mut Builder, a: N, x: N, r: N, w: u32) -> N {
    let (sa, sb, sr) = (b.sign_of(a, w), b.sign_of(x, w), b.sign_of(r, w));
    let nsb = b.not(sb);
    sum_overflow(b, sa, nsb, sr)
}

/// 1 when the product `x * k` of a signed `x` differs from the signed value of the wrapped
/// `w`-bit result `r`: the signed multiplication (or left shift, `k = 2^s`) overflowed.
fn signed_wraps(b: &mut Builder, x: N, k: N, r: N, w: u32) -> N {
    let sr = b.signed(r, w);
    let p = b.mul(x, k);
    let d = b.sub(p, sr);
    b.is_nonzero(d)
}

/// `(a + b) mod 2^w` and the carry.
pub fn add_wrap(b: &mut Builder, x: N, y: N, w: u32) -> (N, N) {
    let r = b.fresh("sum", w, &[x, y], hint!(|v| (v[0] + v[1]) & mask(w) as u128));
    let c = b.bit_advice("carry", &[x, y], hint!(|v| (v[0] + v[1]) >> w));
    let s = b.add(x, y);
    let k = b.scale(1i128 << w, c);
    let t = b.sub(s, k);
    let d = b.sub(t, r);
    b.residual(d, "add: a + b = r + carry * 2^N");
    (r, c)
}

/// `(a - b) mod 2^w` and the borrow.
pub fn sub_wrap(b: &mut Builder, x: N, y: N, w: u32) -> (N, N) {
    let r = b.fresh("difference", w, &[x, y], hint!(|v| v[0].wrapping_sub(v[1]) & mask(w) as u128));
    let c = b.bit_advice("borrow", &[x, y], hint!(|v| (v[0] < v[1]) as u128));
    let s = b.sub(x, y);
    let k = b.scale(1i128 << w, c);
    let t = b.add(s, k);
    let d = b.sub(t, r);
    b.residual(d, "sub: a - b + borrow * 2^N = r");
    (r, c)
}

fn bitlen(k: i128) -> u32 {
    128 - (k as u128).leading_zeros()
}

/// `(a * b) mod 2^w` and the high part `q` (`a * b = r + q * 2^w`).
pub fn mul_wrap(b: &mut Builder, x: N, y: N, w: u32) -> (N, N) {
    let qbits = match (b.const_of(x), b.const_of(y)) {
        (Some(k), _) | (_, Some(k)) => bitlen(k).min(w),
        _ => w,
    };
    let r = b.fresh("product", w, &[x, y], hint!(|v| (v[0] * v[1]) & mask(w) as u128));
    let q = b.fresh("product high", qbits, &[x, y], hint!(|v| (v[0] * v[1]) >> w));
    let p = b.mul(x, y);
    let k = b.scale(1i128 << w, q);
    let t = b.sub(p, k);
    let d = b.sub(t, r);
    b.residual(d, "mul: a * b = r + q * 2^N");
    (r, q)
}

/// `2^s` for a shift amount `s < 2^lbits` given by its low bits.
fn pow2(b: &mut Builder, sbits: &[N]) -> N {
    let mut acc = b.c(1);
    for (j, &bit) in sbits.iter().enumerate() {
        if j >= 7 {
            break;
        }
        let f = (1i128 << (1u32 << j)) - 1;
        let t = b.scale(f, bit);
        let one = b.c(1);
        let factor = b.add(one, t);
        acc = b.mul(acc, factor);
    }
    acc
}

/// Bits needed for shift amounts below `w`.
fn shift_bits(w: u32) -> u32 {
    32 - (w - 1).max(1).leading_zeros()
}

/// A binary operation.
pub fn binary(b: &mut Builder, op: BinOp, flags: Flags, x: &IVal, y: &IVal) -> IVal {
    let w = x.bits;
    let inherited = x.poison.or(&y.poison);
    let (a, c) = (x.node, y.node);
    let with = |own: Poison| inherited.or(&own);
    match op {
        BinOp::Add | BinOp::Sub => {
            // nuw: the carry (borrow) is set; nsw: the signed result overflows.
            let add = op == BinOp::Add;
            let (r, carry) = if add { add_wrap(b, a, c, w) } else { sub_wrap(b, a, c, w) };
            let mut own = Poison::none();
            if flags.contains(Flags::NUW) {
                own = own.or(&Poison(vec![PTerm::Bit(carry)]));
            }
            if flags.contains(Flags::NSW) {
                // `x + 1`, `x - 1` (and `x + -1`, `x - -1`) overflow from exactly one operand
                // value, so the result tells: no sign bits needed.
                let special = match b.const_of(c) {
                    Some(1) if w > 1 => Some(if add { 1i128 << (w - 1) } else { (1i128 << (w - 1)) - 1 }),
                    Some(k) if k == mask(w) && w > 1 => Some(if add { (1i128 << (w - 1)) - 1 } else { 1i128 << (w - 1) }),
                    _ => None,
                };
                own = own.or(&match special {
                    Some(v) => b.lazy_poison(move |b| {
                        let k = b.c(v);
                        let d = b.sub(r, k);
                        b.is_zero(d)
                    }),
                    None => {
                        let ov = if add { add_overflow } else { sub_overflow };
                        b.lazy_poison(move |b| ov(b, a, c, r, w))
                    }
                });
            }
            IVal { node: r, bits: w, poison: with(own) }
        }
        BinOp::Mul => {
            let (r, q) = mul_wrap(b, a, c, w);
            let mut own = Poison::none();
            if flags.contains(Flags::NUW) {
                own = own.or(&b.lazy_poison(move |b| b.is_nonzero(q)));
            }
            if flags.contains(Flags::NSW) {
                own = own.or(&b.lazy_poison(move |b| {
                    let (sa, sc) = (b.signed(a, w), b.signed(c, w));
                    signed_wraps(b, sa, sc, r, w)
                }));
            }
            IVal { node: r, bits: w, poison: with(own) }
        }
        BinOp::UDiv | BinOp::URem => {
            b.require_defined(y, None, "divisor");
            let q = b.fresh("quotient", w, &[a, c], hint!(|v| v[0].checked_div(v[1]).unwrap_or(0)));
            let r = b.fresh("remainder", w, &[a, c], hint!(|v| v[0].checked_rem(v[1]).unwrap_or(0)));
            let qb = b.mul(q, c);
            let s = b.add(qb, r);
            let d = b.sub(a, s);
            b.residual(d, "udiv: a = q * b + r");
            let gap = b.lin(&[(1, c), (-1, r)], -1);
            b.range_check(gap, w, "udiv: r < b (and b != 0)");
            let mut own = Poison::none();
            if op == BinOp::UDiv && flags.contains(Flags::EXACT) {
                own = b.lazy_poison(move |b| b.is_nonzero(r));
            }
            let node = if op == BinOp::UDiv { q } else { r };
            IVal { node, bits: w, poison: x.poison.or(&own) }
        }
        BinOp::SDiv | BinOp::SRem => {
            b.require_defined(y, None, "divisor");
            // The interpreter divides a poison dividend as 0 (no overflow trap): so do we.
            let a = freeze(b, x).node;
            let sdiv = |v: &[u128], w: u32| -> (i128, i128) {
                let (sa, sb) = (sext(v[0], w), sext(v[1], w));
                if sb == 0 || (sb == -1 && sa == -(1i128 << (w - 1))) {
                    (0, 0)
                } else {
                    (sa / sb, sa % sb)
                }
            };
            let q = b.fresh("quotient", w, &[a, c], hint!(|v| (sdiv(v, w).0 as u128) & mask(w) as u128));
            let r = b.fresh("remainder", w, &[a, c], hint!(|v| (sdiv(v, w).1 as u128) & mask(w) as u128));
            let sa = b.signed(a, w);
            let sb = b.signed(c, w);
            let sq = b.signed(q, w);
            let sr = b.signed(r, w);
            let qb = b.mul(sq, sb);
            let s = b.add(qb, sr);
            let d = b.sub(sa, s);
            b.residual(d, "sdiv: a = q * b + r (signed)");
            // |r| < |b|: |x| = x * (1 - 2 * sign).
            let ga = b.sign_of(a, w);
            let gb = b.sign_of(c, w);
            let gr = b.sign_of(r, w);
            let fb = b.lin(&[(-2, gb)], 1);
            let fr = b.lin(&[(-2, gr)], 1);
            let absb = b.mul(sb, fb);
            let absr = b.mul(sr, fr);
            let gap = b.sub(absb, absr);
            let one = b.c(1);
            let gap = b.sub(gap, one);
            b.range_check(gap, w, "sdiv: |r| < |b| (and b != 0)");
            // r takes a's sign (or is zero).
            let nga = b.not(ga);
            let t = b.mul(nga, gr);
            b.residual(t, "sdiv: r >= 0 when a >= 0");
            let ngr = b.not(gr);
            let t = b.mul(ga, ngr);
            let t = b.mul(t, r);
            b.residual(t, "sdiv: r <= 0 when a < 0");
            let mut own = Poison::none();
            if op == BinOp::SDiv && flags.contains(Flags::EXACT) {
                own = b.lazy_poison(move |b| b.is_nonzero(r));
            }
            let node = if op == BinOp::SDiv { q } else { r };
            IVal { node, bits: w, poison: x.poison.or(&own) }
        }
        BinOp::And | BinOp::Or | BinOp::Xor => {
            let mut own = Poison::none();
            let node = bitwise(b, op, a, c, w);
            if op == BinOp::Or && flags.contains(Flags::DISJOINT) {
                own = b.lazy_poison(move |b| {
                    let common = bitwise(b, BinOp::And, a, c, w);
                    b.is_nonzero(common)
                });
            }
            IVal { node, bits: w, poison: with(own) }
        }
        BinOp::Shl | BinOp::LShr | BinOp::AShr => shift(b, op, flags, x, y),
    }
}

/// `a op b` bit by bit (a constant operand costs no decomposition).
fn bitwise(b: &mut Builder, op: BinOp, a: N, c: N, w: u32) -> N {
    let (a, c) = if b.const_of(a).is_some() { (c, a) } else { (a, c) };
    let ab = b.bits_of(a, w);
    let mut out = Vec::with_capacity(w as usize);
    if let Some(k) = b.const_of(c) {
        for (i, &bit) in ab.iter().enumerate() {
            let set = (k >> i) & 1 == 1;
            out.push(match (op, set) {
                (BinOp::And, true) | (BinOp::Or, false) | (BinOp::Xor, false) => bit,
                (BinOp::And, false) => b.c(0),
                (BinOp::Or, true) => b.c(1),
                _ => b.not(bit),
            });
        }
    } else {
        let cb = b.bits_of(c, w);
        for (&x, &y) in ab.iter().zip(&cb) {
            let p = b.mul(x, y);
            out.push(match op {
                BinOp::And => p,
                BinOp::Or => {
                    let s = b.add(x, y);
                    b.sub(s, p)
                }
                _ => b.xor_bit(x, y),
            });
        }
    }
    let r = b.recompose(&out);
    if b.const_of(r).is_none() {
        b.bits.entry(r).or_insert(out);
    }
    r
}

fn from_bits(b: &mut Builder, bits: Vec<N>) -> N {
    let r = b.recompose(&bits);
    if b.const_of(r).is_none() {
        b.bits.entry(r).or_insert(bits);
    }
    r
}

fn shift(b: &mut Builder, op: BinOp, flags: Flags, x: &IVal, y: &IVal) -> IVal {
    let w = x.bits;
    let (a, s) = (x.node, y.node);
    let inherited = x.poison.or(&y.poison);
    if let Some(k) = b.const_of(s) {
        if k >= w as i128 {
            let one = b.c(1);
            return IVal { node: b.c(0), bits: w, poison: Poison(vec![PTerm::Bit(one)]) };
        }
        let k = k as usize;
        let ab = b.bits_of(a, w);
        let zero = b.c(0);
        let wu = w as usize;
        let bits: Vec<N> = (0..wu)
            .map(|i| match op {
                BinOp::Shl => {
                    if i >= k {
                        ab[i - k]
                    } else {
                        zero
                    }
                }
                BinOp::LShr => {
                    if i + k < wu {
                        ab[i + k]
                    } else {
                        zero
                    }
                }
                _ => {
                    if i + k < wu {
                        ab[i + k]
                    } else {
                        ab[wu - 1]
                    }
                }
            })
            .collect();
        let r = from_bits(b, bits);
        let mut own = Poison::none();
        match op {
            BinOp::Shl => {
                if flags.contains(Flags::NUW) && k > 0 {
                    let out: Vec<N> = ab[wu - k..].to_vec();
                    own = own.or(&b.lazy_poison(move |b| b.any_set(&out)));
                }
                if flags.contains(Flags::NSW) && k > 0 {
                    // The top k + 1 bits of a must all equal its sign.
                    let top = ab[wu - 1];
                    let out: Vec<N> = ab[wu - 1 - k..wu - 1].to_vec();
                    own = own.or(&b.lazy_poison(move |b| b.any_differs(&out, top)));
                }
            }
            _ => {
                if flags.contains(Flags::EXACT) && k > 0 {
                    let out: Vec<N> = ab[..k].to_vec();
                    own = own.or(&b.lazy_poison(move |b| b.any_set(&out)));
                }
            }
        }
        return IVal { node: r, bits: w, poison: inherited.or(&own) };
    }
    // Variable amount: s = low + 2^L * high with low < 2^L; poison when s >= w.
    let l = shift_bits(w);
    let sbits_all = b.bits_of(s, w);
    let sbits: Vec<N> = sbits_all[..(l.min(w)) as usize].to_vec();
    let high: Vec<N> = sbits_all[(l.min(w)) as usize..].to_vec();
    let low = b.recompose(&sbits);
    let pw = pow2(b, &sbits);
    let big = 1u32 << l; // 2^L >= w
    let mut own = Poison::none();
    {
        let high = high.clone();
        own = own.or(&b.lazy_poison(move |b| {
            let hp = b.any_set(&high);
            if big == w {
                hp
            } else {
                let wn = b.c(w as i128);
                let lt = b.lt_u(low, wn, l);
                let ge = b.not(lt);
                b.or_bit(hp, ge)
            }
        }));
    }
    let amount = move |v: &[u128]| -> u32 { (v[1] & ((1u128 << l) - 1)) as u32 };
    let node = match op {
        BinOp::Shl => {
            // a * 2^s = r + q * 2^w, q < 2^(2^L - 1).
            let qbits = big - 1;
            let r = b.fresh("shifted", w, &[a, s], hint!(|v| (v[0] << amount(v)) & mask(w) as u128));
            let q = b.fresh("shifted out", qbits, &[a, s], hint!(|v| (v[0] << amount(v)) >> w));
            let p = b.mul(a, pw);
            let k = b.scale(1i128 << w, q);
            let t = b.sub(p, k);
            let d = b.sub(t, r);
            b.residual(d, "shl: a * 2^s = r + q * 2^N");
            if flags.contains(Flags::NUW) {
                own = own.or(&b.lazy_poison(move |b| b.is_nonzero(q)));
            }
            if flags.contains(Flags::NSW) {
                own = own.or(&b.lazy_poison(move |b| {
                    let sa = b.signed(a, w);
                    signed_wraps(b, sa, pw, r, w)
                }));
            }
            r
        }
        _ => {
            // a = r * 2^s + low_part, low_part < 2^s (signed a for ashr).
            let arith = op == BinOp::AShr;
            let r = b.fresh(
                "shifted",
                w,
                &[a, s],
                hint!(|v| {
                    let k = amount(v);
                    if arith {
                        ((sext(v[0], w) >> k.min(127)) as u128) & mask(w) as u128
                    } else {
                        v[0] >> k.min(127)
                    }
                }),
            );
            let rest = b.fresh("shifted out", w.max(big), &[a, s], hint!(|v| v[0] & ((1u128 << amount(v)) - 1)));
            let (lhs, rr) = if arith {
                let sa = b.signed(a, w);
                let sr = b.signed(r, w);
                (sa, sr)
            } else {
                (a, r)
            };
            let p = b.mul(rr, pw);
            let t = b.add(p, rest);
            let d = b.sub(lhs, t);
            b.residual(d, "shr: a = r * 2^s + rest");
            let gap = b.sub(pw, rest);
            let one = b.c(1);
            let gap = b.sub(gap, one);
            b.range_check(gap, w.max(big), "shr: rest < 2^s");
            if flags.contains(Flags::EXACT) {
                own = own.or(&b.lazy_poison(move |b| b.is_nonzero(rest)));
            }
            r
        }
    };
    IVal { node, bits: w, poison: inherited.or(&own) }
}

/// `icmp pred a, b` as a bit.
pub fn icmp(b: &mut Builder, pred: IcmpPred, x: &IVal, y: &IVal) -> IVal {
    let w = x.bits;
    let (a, c) = (x.node, y.node);
    use IcmpPred::*;
    let node = match pred {
        Eq | Ne => {
            let d = b.sub(a, c);
            let z = b.is_zero(d);
            if pred == Eq {
                z
            } else {
                b.not(z)
            }
        }
        Ult => b.lt_u(a, c, w),
        Ugt => b.lt_u(c, a, w),
        Uge => {
            let t = b.lt_u(a, c, w);
            b.not(t)
        }
        Ule => {
            let t = b.lt_u(c, a, w);
            b.not(t)
        }
        Slt => b.lt_s(a, c, w),
        Sgt => b.lt_s(c, a, w),
        Sge => {
            let t = b.lt_s(a, c, w);
            b.not(t)
        }
        Sle => {
            let t = b.lt_s(c, a, w);
            b.not(t)
        }
    };
    IVal { node, bits: 1, poison: x.poison.or(&y.poison) }
}

/// `cond ? t : f`, poison as LLVM: a poison condition, or the chosen arm's poison.
pub fn select(b: &mut Builder, c: &IVal, t: &IVal, f: &IVal) -> IVal {
    let node = b.mux(c.node, t.node, f.node);
    let poison = if t.poison.is_none() && f.poison.is_none() {
        c.poison.clone()
    } else {
        let (cn, tp, fp) = (c.node, t.poison.clone(), f.poison.clone());
        c.poison.or(&b.lazy_poison(move |b| {
            let zero = b.c(0);
            let pt = b.poison_bit(&tp).unwrap_or(zero);
            let pf = b.poison_bit(&fp).unwrap_or(zero);
            b.mux(cn, pt, pf)
        }))
    };
    IVal { node, bits: t.bits, poison }
}

/// A conversion to `to` bits.
pub fn cast(b: &mut Builder, op: CastOp, flags: Flags, x: &IVal, to: u32) -> IVal {
    let from = x.bits;
    let a = x.node;
    let p = x.poison.clone();
    let widen = |node: N| IVal { node, bits: to, poison: p.clone() };
    match op {
        CastOp::Zext => {
            let mut v = widen(a);
            if flags.contains(Flags::NNEG) {
                v.poison = v.poison.or(&b.lazy_poison(move |b| b.sign_of(a, from)));
            }
            v
        }
        CastOp::Sext => {
            let s = b.sign_of(a, from);
            let k = b.scale((1i128 << to) - (1i128 << from), s);
            let r = b.add(a, k);
            widen(r)
        }
        CastOp::Trunc | CastOp::PtrToInt | CastOp::IntToPtr if to < from => {
            let bits = b.bits_of(a, from);
            let r = from_bits(b, bits[..to as usize].to_vec());
            let mut v = IVal { node: r, bits: to, poison: p.clone() };
            if op == CastOp::Trunc && flags.contains(Flags::NUW) {
                let hi: Vec<N> = bits[to as usize..].to_vec();
                v.poison = v.poison.or(&b.lazy_poison(move |b| b.any_set(&hi)));
            }
            if op == CastOp::Trunc && flags.contains(Flags::NSW) {
                // The dropped bits must all equal the result's sign.
                let top: Vec<N> = bits[to as usize - 1..].to_vec();
                v.poison = v.poison.or(&b.lazy_poison(move |b| b.any_differs(&top[1..], top[0])));
            }
            v
        }
        _ => widen(a),
    }
}

/// `freeze`: a poison value becomes 0 (the interpreter's choice).
pub fn freeze(b: &mut Builder, x: &IVal) -> IVal {
    match b.poison_bit(&x.poison) {
        None => plain(x.node, x.bits),
        Some(p) => {
            let np = b.not(p);
            let node = b.mul(x.node, np);
            plain(node, x.bits)
        }
    }
}

/// An integer intrinsic; `args` are its operands, `rw` the result width.
pub fn intrinsic(b: &mut Builder, op: Intrinsic, args: &[IVal], rw: u32) -> IVal {
    use Intrinsic::*;
    let w = args[0].bits;
    let mut poison = Poison::none();
    for v in args {
        poison = poison.or(&v.poison);
    }
    let a = args[0].node;
    let c = args.get(1).map(|v| v.node);
    let out = |node: N, poison: Poison| IVal { node, bits: rw, poison };
    match op {
        UMin | UMax | SMin | SMax => {
            let c = c.expect("binary intrinsic");
            let lt = if matches!(op, UMin | UMax) { b.lt_u(a, c, w) } else { b.lt_s(a, c, w) };
            let node = if matches!(op, UMin | SMin) { b.mux(lt, a, c) } else { b.mux(lt, c, a) };
            out(node, poison)
        }
        Abs => {
            let s = b.sign_of(a, w);
            let neg = b.lin(&[(-2, a)], 1i128 << w);
            let t = b.mul(s, neg);
            let node = b.add(a, t);
            let flag = args[1].clone();
            let p = poison.or(&b.lazy_poison(move |b| {
                let min = b.c(1i128 << (w - 1));
                let d = b.sub(a, min);
                let z = b.is_zero(d);
                b.mul(z, flag.node)
            }));
            out(node, p)
        }
        Ctpop => {
            let bits = b.bits_of(a, w);
            let node = b.sum(&bits);
            out(node, poison)
        }
        Ctlz | Cttz => {
            let bits = b.bits_of(a, w);
            let order: Vec<N> = if op == Ctlz { bits.iter().rev().copied().collect() } else { bits.clone() };
            let mut run = b.c(1);
            let mut count = b.c(0);
            for &bit in &order {
                let nb = b.not(bit);
                run = b.mul(run, nb);
                count = b.add(count, run);
            }
            let all_zero = run;
            let flag = args[1].node;
            let p = poison.or(&b.lazy_poison(move |b| b.mul(all_zero, flag)));
            out(count, p)
        }
        Bswap => {
            let bits = b.bits_of(a, w);
            let bytes = (w / 8) as usize;
            let mut nb = Vec::with_capacity(w as usize);
            for k in 0..bytes {
                let src = bytes - 1 - k;
                nb.extend_from_slice(&bits[src * 8..src * 8 + 8]);
            }
            out(from_bits(b, nb), poison)
        }
        Bitreverse => {
            let bits = b.bits_of(a, w);
            let nb: Vec<N> = bits.iter().rev().copied().collect();
            out(from_bits(b, nb), poison)
        }
        Fshl | Fshr => {
            let c = c.expect("funnel shift operand");
            let s = &args[2];
            if let Some(k) = b.const_of(s.node) {
                let k = (k as u128 % w as u128) as usize;
                let ab = b.bits_of(a, w);
                let cb = b.bits_of(c, w);
                // The 2w-bit value hi:lo with hi = a; fshl takes bits [w - k, 2w - k), fshr [k, k + w).
                let wide: Vec<N> = cb.iter().chain(ab.iter()).copied().collect();
                let start = if op == Fshl { w as usize - k } else { k };
                let nb = wide[start..start + w as usize].to_vec();
                return out(from_bits(b, nb), poison);
            }
            // Variable amount: m = s mod w, T = (a * 2^w + c) * 2^m = hi * 2^2w + mid * 2^w + lo.
            let sn = s.node;
            let m = b.fresh("amount mod N", w, &[sn], hint!(|v| v[0] % w as u128));
            let k = b.fresh("amount div N", w, &[sn], hint!(|v| v[0] / w as u128));
            let kn = b.scale(w as i128, k);
            let t = b.add(kn, m);
            let d = b.sub(sn, t);
            b.residual(d, "funnel shift: s = k * N + m");
            let wn = b.c(w as i128);
            let gap = b.lin(&[(1, wn), (-1, m)], -1);
            b.range_check(gap, w, "funnel shift: m < N");
            let l = shift_bits(w);
            let mbits = b.bits_of(m, w);
            let pw = pow2(b, &mbits[..l.min(w) as usize]);
            let wide = b.lin(&[(1i128 << w, a), (1, c)], 0);
            if op == Fshl {
                // (a * 2^w + c) * 2^m = hi * 2^2w + mid * 2^w + lo; the result is mid.
                let parts = move |v: &[u128]| -> (u128, u128, u128) {
                    let m = (v[2] % w as u128) as u32;
                    let mw = mask(w) as u128;
                    let lo = (v[1] << m) & mw;
                    let mid = if m == 0 { v[0] } else { ((v[0] << m) | (v[1] >> (w - m))) & mw };
                    let hi = if m == 0 { 0 } else { v[0] >> (w - m) };
                    (hi, mid, lo)
                };
                let hi = b.fresh("funnel high", w, &[a, c, sn], hint!(|v| parts(v).0));
                let mid = b.fresh("funnel middle", w, &[a, c, sn], hint!(|v| parts(v).1));
                let lo = b.fresh("funnel low", w, &[a, c, sn], hint!(|v| parts(v).2));
                let tt = b.mul(wide, pw);
                let hi2 = b.scale(1i128 << w, hi);
                let rec = b.lin(&[(1i128 << w, hi2), (1i128 << w, mid), (1, lo)], 0);
                let d = b.sub(tt, rec);
                b.residual(d, "funnel shift: (a:b) * 2^m = hi:mid:lo");
                return out(mid, poison);
            }
            let r = b.fresh(
                "funnel result",
                w,
                &[a, c, sn],
                hint!(|v| val(ops::intrinsic(Fshr, &[v[0] as u64, v[1] as u64, v[2] as u64], w, w))),
            );
            // (a:c) = top * 2^(w + m) + r * 2^m + rest with rest < 2^m, top < 2^(w - m).
            let top = b.fresh(
                "funnel top",
                w,
                &[a, c, sn],
                hint!(|v| {
                    let m = (v[2] % w as u128) as u32;
                    if m == 0 {
                        v[0]
                    } else {
                        v[0] >> m
                    }
                }),
            );
            let rest = b.fresh(
                "funnel rest",
                w,
                &[a, c, sn],
                hint!(|v| {
                    let m = (v[2] % w as u128) as u32;
                    v[1] & ((1u128 << m) - 1)
                }),
            );
            // top * 2^(w + m) = top * 2^w * pw.
            let tw = b.scale(1i128 << w, top);
            let t1 = b.mul(tw, pw);
            let t2 = b.mul(r, pw);
            let sum = b.add(t1, t2);
            let sum = b.add(sum, rest);
            let d = b.sub(wide, sum);
            b.residual(d, "funnel shift right: (a:b) = top:r:rest");
            let gap = b.sub(pw, rest);
            let one = b.c(1);
            let gap = b.sub(gap, one);
            b.range_check(gap, w, "funnel shift right: rest < 2^m");
            out(r, poison)
        }
        UAddOverflow | USubOverflow => {
            let c = c.expect("binary");
            let (_, bit) = if op == UAddOverflow { add_wrap(b, a, c, w) } else { sub_wrap(b, a, c, w) };
            out(bit, poison)
        }
        SAddOverflow | SSubOverflow => {
            let c = c.expect("binary");
            let node = if op == SAddOverflow {
                let (r, _) = add_wrap(b, a, c, w);
                add_overflow(b, a, c, r, w)
            } else {
                let (r, _) = sub_wrap(b, a, c, w);
                sub_overflow(b, a, c, r, w)
            };
            out(node, poison)
        }
        UMulOverflow => {
            let c = c.expect("binary");
            let (_, q) = mul_wrap(b, a, c, w);
            let node = b.is_nonzero(q);
            out(node, poison)
        }
        SMulOverflow => {
            let c = c.expect("binary");
            let (r, _) = mul_wrap(b, a, c, w);
            let (sa, sc) = (b.signed(a, w), b.signed(c, w));
            let node = signed_wraps(b, sa, sc, r, w);
            out(node, poison)
        }
        UAddSat => {
            let c = c.expect("binary");
            let (r, carry) = add_wrap(b, a, c, w);
            let max = b.c(mask(w));
            let node = b.mux(carry, max, r);
            out(node, poison)
        }
        USubSat => {
            let c = c.expect("binary");
            let (r, borrow) = sub_wrap(b, a, c, w);
            let zero = b.c(0);
            let node = b.mux(borrow, zero, r);
            out(node, poison)
        }
        SAddSat | SSubSat => {
            let c = c.expect("binary");
            let (r, ov) = if op == SAddSat {
                let (r, _) = add_wrap(b, a, c, w);
                (r, add_overflow(b, a, c, r, w))
            } else {
                let (r, _) = sub_wrap(b, a, c, w);
                (r, sub_overflow(b, a, c, r, w))
            };
            // On overflow the result saturates toward a's sign.
            let sa = b.sign_of(a, w);
            let min = b.c(1i128 << (w - 1));
            let max = b.c((1i128 << (w - 1)) - 1);
            let sat = b.mux(sa, min, max);
            let node = b.mux(ov, sat, r);
            out(node, poison)
        }
        UCmp | SCmp => {
            let c = c.expect("binary");
            let (lt, gt) =
                if op == UCmp { (b.lt_u(a, c, w), b.lt_u(c, a, w)) } else { (b.lt_s(a, c, w), b.lt_s(c, a, w)) };
            let node = b.lin(&[(1, gt), (mask(rw), lt)], 0);
            out(node, poison)
        }
    }
}
