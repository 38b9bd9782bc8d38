//! Exact LLVM integer semantics for any width from 1 to 256 bits, on four little-endian
//! 64-bit limbs. The interpreter uses these for every value wider than 64 bits (clang's
//! `i72`/`i96`/`i128`/`i160` bitfield containers, `unsigned __int128`); [`super::ops`] stays
//! the fast path for the rest. The arithmetic is done exactly in arbitrary precision
//! (`num-bigint`) and reduced to the width, so overflow flags are decided on the exact
//! result, as LLVM defines them. The test module checks these against [`super::ops`] at every
//! width both can hold.

use super::ops::OpTrap;
use crate::inst::{BinOp, CastOp, Flags, IcmpPred, Intrinsic};
use num_bigint::{BigInt, BigUint, Sign};
use num_traits::{One, Signed, Zero};

/// A value of up to 256 bits: little-endian limbs, bits above the width zero.
pub type Limbs = [u64; 4];

/// A computed wide value or poison.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum WEval {
    Val(Limbs),
    Poison,
}

/// `l` with the bits at and above `bits` cleared.
pub fn mask_limbs(mut l: Limbs, bits: u32) -> Limbs {
    for (k, limb) in l.iter_mut().enumerate() {
        let lo = 64 * k as u32;
        if bits <= lo {
            *limb = 0;
        } else if bits < lo + 64 {
            *limb &= (1u64 << (bits - lo)) - 1;
        }
    }
    l
}

/// The limbs of a narrow value.
pub fn narrow(v: u64) -> Limbs {
    [v, 0, 0, 0]
}

/// The unsigned value of `l`.
pub fn to_big(l: Limbs) -> BigUint {
    let mut bytes = [0u8; 32];
    for (k, limb) in l.iter().enumerate() {
        bytes[8 * k..8 * k + 8].copy_from_slice(&limb.to_le_bytes());
    }
    BigUint::from_bytes_le(&bytes)
}

/// `x mod 2^bits` as limbs.
pub fn from_big(x: &BigUint, bits: u32) -> Limbs {
    let mut l = [0u64; 4];
    for (k, d) in x.iter_u64_digits().take(4).enumerate() {
        l[k] = d;
    }
    mask_limbs(l, bits)
}

/// The two's-complement value of the low `bits` bits of `l`.
pub fn signed(l: Limbs, bits: u32) -> BigInt {
    let u = BigInt::from(to_big(l));
    if bit(l, bits - 1) {
        u - (BigInt::one() << bits)
    } else {
        u
    }
}

/// `x mod 2^bits` (two's complement) as limbs.
pub fn from_signed(x: &BigInt, bits: u32) -> Limbs {
    let m = BigInt::one() << bits;
    let mut r = x % &m;
    if r.sign() == Sign::Minus {
        r += &m;
    }
    from_big(&r.to_biguint().expect("reduced to [0, 2^bits)"), bits)
}

/// Bit `i` of `l`.
pub fn bit(l: Limbs, i: u32) -> bool {
    i < 256 && (l[(i / 64) as usize] >> (i % 64)) & 1 == 1
}

/// Little-endian bytes of the low `len` bytes of `l` (`len` at most 32).
pub fn to_bytes(l: Limbs, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(32);
    for limb in l {
        out.extend_from_slice(&limb.to_le_bytes());
    }
    out.truncate(len);
    out
}

/// The limbs of little-endian `bytes` (at most 32).
pub fn from_bytes(bytes: &[u8]) -> Limbs {
    let mut l = [0u64; 4];
    for (i, &b) in bytes.iter().enumerate().take(32) {
        l[i / 8] |= (b as u64) << (8 * (i % 8));
    }
    l
}

/// A decimal integer (optionally negative, as LLVM prints constants) reduced mod `2^bits`.
pub fn parse_decimal(text: &str, bits: u32) -> Option<Limbs> {
    let x: BigInt = text.trim().parse().ok()?;
    Some(from_signed(&x, bits))
}

/// The constant as the IR dump writes integers: signed decimal.
pub fn text(l: Limbs, bits: u32) -> String {
    signed(l, bits).to_string()
}

fn val_or_poison(v: Limbs, poison: bool) -> WEval {
    if poison {
        WEval::Poison
    } else {
        WEval::Val(v)
    }
}

fn in_signed(x: &BigInt, bits: u32) -> bool {
    let half = BigInt::one() << (bits - 1);
    x >= &-half.clone() && x < &half
}

/// Arithmetic shift right (rounds toward negative infinity).
fn ashr_big(x: &BigInt, s: u32) -> BigInt {
    if x.is_negative() {
        -((-x - 1u32) >> s) - 1u32
    } else {
        x >> s
    }
}

/// A shift amount, or `None` when it is at least the width (poison in LLVM).
fn shift_amount(b: Limbs, bits: u32) -> Option<u32> {
    (b[1] == 0 && b[2] == 0 && b[3] == 0 && b[0] < bits as u64).then_some(b[0] as u32)
}

/// `a op b` at width `bits` (1..=256).
pub fn binary(op: BinOp, flags: Flags, a: Limbs, b: Limbs, bits: u32) -> Result<WEval, OpTrap> {
    let (ua, ub) = (to_big(a), to_big(b));
    let (sa, sb) = (signed(a, bits), signed(b, bits));
    let limit = BigUint::one() << bits;
    use BinOp::*;
    Ok(match op {
        Add => {
            let exact = &ua + &ub;
            let p = (flags.contains(Flags::NUW) && exact >= limit)
                || (flags.contains(Flags::NSW) && !in_signed(&(&sa + &sb), bits));
            val_or_poison(from_big(&exact, bits), p)
        }
        Sub => {
            let exact = BigInt::from(ua.clone()) - BigInt::from(ub.clone());
            let p = (flags.contains(Flags::NUW) && ua < ub) || (flags.contains(Flags::NSW) && !in_signed(&(&sa - &sb), bits));
            val_or_poison(from_signed(&exact, bits), p)
        }
        Mul => {
            let exact = &ua * &ub;
            let p = (flags.contains(Flags::NUW) && exact >= limit)
                || (flags.contains(Flags::NSW) && !in_signed(&(&sa * &sb), bits));
            val_or_poison(from_big(&exact, bits), p)
        }
        UDiv | URem => {
            if ub.is_zero() {
                return Err(OpTrap::DivisionByZero);
            }
            let (q, r) = (&ua / &ub, &ua % &ub);
            if op == UDiv {
                val_or_poison(from_big(&q, bits), flags.contains(Flags::EXACT) && !r.is_zero())
            } else {
                WEval::Val(from_big(&r, bits))
            }
        }
        SDiv | SRem => {
            if ub.is_zero() {
                return Err(OpTrap::DivisionByZero);
            }
            if sb == BigInt::from(-1) && sa == -(BigInt::one() << (bits - 1)) {
                return Err(OpTrap::SignedDivisionOverflow);
            }
            // num-bigint's `/` and `%` truncate toward zero, as LLVM's sdiv/srem do.
            let (q, r) = (&sa / &sb, &sa % &sb);
            if op == SDiv {
                val_or_poison(from_signed(&q, bits), flags.contains(Flags::EXACT) && !r.is_zero())
            } else {
                WEval::Val(from_signed(&r, bits))
            }
        }
        And => WEval::Val([a[0] & b[0], a[1] & b[1], a[2] & b[2], a[3] & b[3]]),
        Or => {
            let r = [a[0] | b[0], a[1] | b[1], a[2] | b[2], a[3] | b[3]];
            let common = (0..4).any(|k| a[k] & b[k] != 0);
            val_or_poison(r, flags.contains(Flags::DISJOINT) && common)
        }
        Xor => WEval::Val([a[0] ^ b[0], a[1] ^ b[1], a[2] ^ b[2], a[3] ^ b[3]]),
        Shl => {
            let Some(s) = shift_amount(b, bits) else { return Ok(WEval::Poison) };
            let r = from_big(&(&ua << s), bits);
            let p = (flags.contains(Flags::NUW) && (to_big(r) >> s) != ua)
                || (flags.contains(Flags::NSW) && ashr_big(&signed(r, bits), s) != sa);
            val_or_poison(r, p)
        }
        LShr => {
            let Some(s) = shift_amount(b, bits) else { return Ok(WEval::Poison) };
            let r = &ua >> s;
            val_or_poison(from_big(&r, bits), flags.contains(Flags::EXACT) && (&r << s) != ua)
        }
        AShr => {
            let Some(s) = shift_amount(b, bits) else { return Ok(WEval::Poison) };
            let r = from_signed(&ashr_big(&sa, s), bits);
            let low = mask_limbs(a, s);
            val_or_poison(r, flags.contains(Flags::EXACT) && low != [0; 4])
        }
    })
}

/// `icmp pred a, b` at width `bits`.
pub fn icmp(pred: IcmpPred, a: Limbs, b: Limbs, bits: u32) -> bool {
    use IcmpPred::*;
    let u = || to_big(a).cmp(&to_big(b));
    let s = || signed(a, bits).cmp(&signed(b, bits));
    match pred {
        Eq => a == b,
        Ne => a != b,
        Ugt => u().is_gt(),
        Uge => u().is_ge(),
        Ult => u().is_lt(),
        Ule => u().is_le(),
        Sgt => s().is_gt(),
        Sge => s().is_ge(),
        Slt => s().is_lt(),
        Sle => s().is_le(),
    }
}

/// A conversion from `from_bits` to `to_bits`.
pub fn cast(op: CastOp, flags: Flags, a: Limbs, from_bits: u32, to_bits: u32) -> WEval {
    match op {
        CastOp::Zext => val_or_poison(a, flags.contains(Flags::NNEG) && bit(a, from_bits - 1)),
        CastOp::Sext => WEval::Val(from_signed(&signed(a, from_bits), to_bits)),
        CastOp::Trunc => {
            let r = mask_limbs(a, to_bits);
            let p = (flags.contains(Flags::NUW) && r != a)
                || (flags.contains(Flags::NSW) && signed(r, to_bits) != signed(a, from_bits));
            val_or_poison(r, p)
        }
        CastOp::PtrToInt | CastOp::IntToPtr => WEval::Val(mask_limbs(a, to_bits)),
    }
}

/// An intrinsic on operands of width `bits`, giving a result of width `res_bits`; `args`
/// holds the operands (immediate `i1` flags included, as in LLVM).
pub fn intrinsic(op: Intrinsic, args: &[Limbs], bits: u32, res_bits: u32) -> WEval {
    let a = args.first().copied().unwrap_or([0; 4]);
    let b = args.get(1).copied().unwrap_or([0; 4]);
    let flag = b[0] & 1 == 1;
    let (ua, ub) = (to_big(a), to_big(b));
    let (sa, sb) = (signed(a, bits), signed(b, bits));
    let half = BigInt::one() << (bits - 1);
    let (smin, smax) = (-half.clone(), &half - 1u32);
    let limit = BigUint::one() << bits;
    let count = |n: u32| WEval::Val(narrow(n as u64));
    let truth = |t: bool| WEval::Val(narrow(t as u64));
    use Intrinsic::*;
    match op {
        UMin => WEval::Val(if ua <= ub { a } else { b }),
        UMax => WEval::Val(if ua >= ub { a } else { b }),
        SMin => WEval::Val(if sa <= sb { a } else { b }),
        SMax => WEval::Val(if sa >= sb { a } else { b }),
        Abs => {
            if sa == smin {
                return if flag { WEval::Poison } else { WEval::Val(a) };
            }
            WEval::Val(from_signed(&sa.abs(), bits))
        }
        Ctpop => count(a.iter().map(|l| l.count_ones()).sum()),
        Ctlz | Cttz => {
            if a == [0; 4] {
                return if flag { WEval::Poison } else { count(bits) };
            }
            let set: Vec<u32> = (0..bits).filter(|&i| bit(a, i)).collect();
            if op == Ctlz {
                count(bits - 1 - set[set.len() - 1])
            } else {
                count(set[0])
            }
        }
        Bswap => {
            let n = (bits / 8) as usize;
            let mut bytes = to_bytes(a, n);
            bytes.reverse();
            WEval::Val(from_bytes(&bytes))
        }
        Bitreverse => {
            let mut r = [0u64; 4];
            for i in (0..bits).filter(|&i| bit(a, i)) {
                let j = bits - 1 - i;
                r[(j / 64) as usize] |= 1 << (j % 64);
            }
            WEval::Val(r)
        }
        Fshl | Fshr => {
            let c = args.get(2).map(|&c| to_big(c) % BigUint::from(bits)).unwrap_or_default();
            let c = c.iter_u64_digits().next().unwrap_or(0) as u32;
            let concat = (&ua << bits) | &ub;
            if op == Fshl {
                WEval::Val(from_big(&((concat << c) >> bits), bits))
            } else {
                WEval::Val(from_big(&(concat >> c), bits))
            }
        }
        UAddOverflow => truth(&ua + &ub >= limit),
        SAddOverflow => truth(!in_signed(&(&sa + &sb), bits)),
        USubOverflow => truth(ua < ub),
        SSubOverflow => truth(!in_signed(&(&sa - &sb), bits)),
        UMulOverflow => truth(&ua * &ub >= limit),
        SMulOverflow => truth(!in_signed(&(&sa * &sb), bits)),
        UAddSat => {
            let s = &ua + &ub;
            WEval::Val(if s >= limit { mask_limbs([u64::MAX; 4], bits) } else { from_big(&s, bits) })
        }
        USubSat => WEval::Val(if ua <= ub { [0; 4] } else { from_big(&(&ua - &ub), bits) }),
        SAddSat | SSubSat => {
            let s = if op == SAddSat { &sa + &sb } else { &sa - &sb };
            let s = if s < smin { smin } else if s > smax { smax } else { s };
            WEval::Val(from_signed(&s, bits))
        }
        UCmp | SCmp => {
            let ord = if op == UCmp { ua.cmp(&ub) } else { sa.cmp(&sb) };
            WEval::Val(match ord {
                std::cmp::Ordering::Less => from_signed(&BigInt::from(-1), res_bits),
                std::cmp::Ordering::Equal => [0; 4],
                std::cmp::Ordering::Greater => narrow(1),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::ops::{self, Eval};
    use super::*;

    fn lift(e: Eval) -> WEval {
        match e {
            Eval::Val(v) => WEval::Val(narrow(v)),
            Eval::Poison => WEval::Poison,
        }
    }

    /// A small deterministic generator (xorshift), biased toward edge values.
    struct Gen(u64);
    impl Gen {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn value(&mut self, bits: u32) -> u64 {
            let m = crate::types::mask(bits);
            let v = match self.next() % 6 {
                0 => 0,
                1 => m,
                2 => 1u64 << (bits - 1),
                3 => (1u64 << (bits - 1)).wrapping_sub(1) & m,
                4 => self.next() % (bits as u64 + 2),
                _ => self.next(),
            };
            v & m
        }
    }

    const ALL_BIN: [BinOp; 13] = [
        BinOp::Add,
        BinOp::Sub,
        BinOp::Mul,
        BinOp::UDiv,
        BinOp::SDiv,
        BinOp::URem,
        BinOp::SRem,
        BinOp::And,
        BinOp::Or,
        BinOp::Xor,
        BinOp::Shl,
        BinOp::LShr,
        BinOp::AShr,
    ];

    /// At every width up to 64 the wide semantics agree with the narrow ones, flags included.
    #[test]
    fn agrees_with_narrow_ops() {
        let mut g = Gen(0x9e37_79b9_7f4a_7c15);
        let flag_sets = [Flags(0), Flags::NUW, Flags::NSW, Flags::EXACT, Flags::DISJOINT, Flags::NUW.union(Flags::NSW)];
        for bits in [1u32, 2, 7, 8, 13, 16, 31, 32, 33, 63, 64] {
            for _ in 0..300 {
                let (a, b) = (g.value(bits), g.value(bits));
                for op in ALL_BIN {
                    for fl in flag_sets {
                        let n = ops::binary(op, fl, a, b, bits).map(lift);
                        let w = binary(op, fl, narrow(a), narrow(b), bits);
                        assert_eq!(n, w, "{op:?} {fl:?} {a:#x} {b:#x} at {bits} bits");
                    }
                }
                for pred in [IcmpPred::Eq, IcmpPred::Ult, IcmpPred::Ule, IcmpPred::Sgt, IcmpPred::Slt, IcmpPred::Sge] {
                    assert_eq!(ops::icmp(pred, a, b, bits), icmp(pred, narrow(a), narrow(b), bits));
                }
                let c = g.value(bits);
                for op in [
                    Intrinsic::UMin,
                    Intrinsic::SMax,
                    Intrinsic::Abs,
                    Intrinsic::Ctpop,
                    Intrinsic::Ctlz,
                    Intrinsic::Cttz,
                    Intrinsic::Bitreverse,
                    Intrinsic::Fshl,
                    Intrinsic::Fshr,
                    Intrinsic::UAddOverflow,
                    Intrinsic::SMulOverflow,
                    Intrinsic::UMulOverflow,
                    Intrinsic::SSubSat,
                    Intrinsic::UAddSat,
                    Intrinsic::USubSat,
                    Intrinsic::SCmp,
                    Intrinsic::UCmp,
                ] {
                    let args: Vec<u64> = match op.arity() {
                        1 => vec![a],
                        3 => vec![a, b, c],
                        _ if matches!(op, Intrinsic::Abs | Intrinsic::Ctlz | Intrinsic::Cttz) => vec![a, b & 1],
                        _ => vec![a, b],
                    };
                    let wargs: Vec<Limbs> = args.iter().map(|&x| narrow(x)).collect();
                    let rb = if op.name().contains("overflow") { 1 } else { bits };
                    assert_eq!(lift(ops::intrinsic(op, &args, bits, rb)), intrinsic(op, &wargs, bits, rb), "{op:?} {args:x?} at {bits}");
                }
                if bits % 8 == 0 {
                    let args = [a];
                    assert_eq!(lift(ops::intrinsic(Intrinsic::Bswap, &args, bits, bits)), intrinsic(Intrinsic::Bswap, &[narrow(a)], bits, bits));
                }
                for to in [1u32, 8, 32, 64] {
                    let (lo, hi) = if to < bits { (to, bits) } else { (bits, to) };
                    for fl in [Flags(0), Flags::NUW, Flags::NSW, Flags::NNEG] {
                        if lo < hi {
                            let x = a & crate::types::mask(lo);
                            assert_eq!(lift(ops::cast(CastOp::Zext, fl, x, lo, hi)), cast(CastOp::Zext, fl, narrow(x), lo, hi));
                            assert_eq!(lift(ops::cast(CastOp::Sext, fl, x, lo, hi)), cast(CastOp::Sext, fl, narrow(x), lo, hi));
                            let y = a & crate::types::mask(hi);
                            assert_eq!(lift(ops::cast(CastOp::Trunc, fl, y, hi, lo)), cast(CastOp::Trunc, fl, narrow(y), hi, lo));
                        }
                    }
                }
            }
        }
    }

    fn l(x: u128) -> Limbs {
        [x as u64, (x >> 64) as u64, 0, 0]
    }

    /// At 128 bits the results agree with Rust's `u128`/`i128` arithmetic.
    #[test]
    fn agrees_with_u128() {
        let mut g = Gen(12345);
        for _ in 0..2000 {
            let a = ((g.value(64) as u128) << 64) | g.value(64) as u128;
            let b = match g.next() % 3 {
                0 => g.value(64) as u128,
                1 => g.next() as u128 % 130,
                _ => ((g.value(64) as u128) << 64) | g.value(64) as u128,
            };
            let w = |op| binary(op, Flags(0), l(a), l(b), 128);
            assert_eq!(w(BinOp::Add), Ok(WEval::Val(l(a.wrapping_add(b)))));
            assert_eq!(w(BinOp::Sub), Ok(WEval::Val(l(a.wrapping_sub(b)))));
            assert_eq!(w(BinOp::Mul), Ok(WEval::Val(l(a.wrapping_mul(b)))));
            if b != 0 {
                assert_eq!(w(BinOp::UDiv), Ok(WEval::Val(l(a / b))));
                assert_eq!(w(BinOp::URem), Ok(WEval::Val(l(a % b))));
                if !(a == 1 << 127 && b == u128::MAX) {
                    assert_eq!(w(BinOp::SDiv), Ok(WEval::Val(l((a as i128).wrapping_div(b as i128) as u128))));
                    assert_eq!(w(BinOp::SRem), Ok(WEval::Val(l((a as i128).wrapping_rem(b as i128) as u128))));
                }
            }
            if b < 128 {
                assert_eq!(w(BinOp::Shl), Ok(WEval::Val(l(a << b))));
                assert_eq!(w(BinOp::LShr), Ok(WEval::Val(l(a >> b))));
                assert_eq!(w(BinOp::AShr), Ok(WEval::Val(l(((a as i128) >> b) as u128))));
            } else {
                assert_eq!(w(BinOp::Shl), Ok(WEval::Poison));
            }
            let nsw = binary(BinOp::Add, Flags::NSW, l(a), l(b), 128);
            assert_eq!(nsw == Ok(WEval::Poison), (a as i128).checked_add(b as i128).is_none());
            let nuw = binary(BinOp::Mul, Flags::NUW, l(a), l(b), 128);
            assert_eq!(nuw == Ok(WEval::Poison), a.checked_mul(b).is_none());
            assert_eq!(icmp(IcmpPred::Slt, l(a), l(b), 128), (a as i128) < (b as i128));
            assert_eq!(icmp(IcmpPred::Ugt, l(a), l(b), 128), a > b);
            assert_eq!(intrinsic(Intrinsic::Ctlz, &[l(a), l(0)], 128, 128), WEval::Val(narrow(a.leading_zeros() as u64)));
            assert_eq!(intrinsic(Intrinsic::Bswap, &[l(a)], 128, 128), WEval::Val(l(a.swap_bytes())));
            assert_eq!(cast(CastOp::Sext, Flags(0), narrow(a as u64), 64, 128), WEval::Val(l(a as u64 as i64 as i128 as u128)));
            assert_eq!(cast(CastOp::Trunc, Flags(0), l(a), 128, 72), WEval::Val(l(a & ((1 << 72) - 1))));
        }
        assert_eq!(text(l(u128::MAX), 128), "-1");
        assert_eq!(binary(BinOp::SDiv, Flags(0), l(1 << 127), l(u128::MAX), 128), Err(OpTrap::SignedDivisionOverflow));
        assert_eq!(binary(BinOp::Mul, Flags(0), [u64::MAX; 4], [u64::MAX; 4], 256), Ok(WEval::Val(narrow(1))));
    }
}
