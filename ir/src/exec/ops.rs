//! Exact LLVM integer semantics as pure functions on `u64` bit patterns of a given width.
//!
//! Every function takes operands already masked to their width and returns a masked result.
//! `Eval::Poison` is LLVM's poison (from `nsw`/`nuw`/`exact`/`disjoint`/`nneg` violations,
//! over-wide shifts, poison-flagged intrinsics); `Err` is immediate undefined behaviour that
//! the interpreter reports as a trap (division by zero, signed division overflow). These are
//! the reference the circuit lowering is tested against.

use crate::inst::{BinOp, CastOp, Flags, IcmpPred, Intrinsic};
use crate::types::{mask, sext};

/// A computed value or poison.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum Eval {
    Val(u64),
    Poison,
}

/// Immediate undefined behaviour in an operation.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub enum OpTrap {
    DivisionByZero,
    SignedDivisionOverflow,
}

fn min_signed(bits: u32) -> u64 {
    1u64 << (bits - 1)
}

fn val_or_poison(v: u64, poison: bool) -> Eval {
    if poison {
        Eval::Poison
    } else {
        Eval::Val(v)
    }
}

/// `a op b` at width `bits`.
pub fn binary(op: BinOp, flags: Flags, a: u64, b: u64, bits: u32) -> Result<Eval, OpTrap> {
    let m = mask(bits);
    let (sa, sb) = (sext(a, bits) as i128, sext(b, bits) as i128);
    let smin = -(1i128 << (bits - 1));
    let smax = (1i128 << (bits - 1)) - 1;
    let in_signed = |x: i128| x >= smin && x <= smax;
    use BinOp::*;
    Ok(match op {
        Add => {
            let r = a.wrapping_add(b) & m;
            let p = (flags.contains(Flags::NUW) && (a as u128 + b as u128) > m as u128)
                || (flags.contains(Flags::NSW) && !in_signed(sa + sb));
            val_or_poison(r, p)
        }
        Sub => {
            let r = a.wrapping_sub(b) & m;
            let p = (flags.contains(Flags::NUW) && a < b) || (flags.contains(Flags::NSW) && !in_signed(sa - sb));
            val_or_poison(r, p)
        }
        Mul => {
            let r = a.wrapping_mul(b) & m;
            let p = (flags.contains(Flags::NUW) && (a as u128) * (b as u128) > m as u128)
                || (flags.contains(Flags::NSW) && !in_signed(sa * sb));
            val_or_poison(r, p)
        }
        UDiv | URem => {
            if b == 0 {
                return Err(OpTrap::DivisionByZero);
            }
            let (q, r) = (a / b, a % b);
            if op == UDiv {
                val_or_poison(q, flags.contains(Flags::EXACT) && r != 0)
            } else {
                Eval::Val(r)
            }
        }
        SDiv | SRem => {
            if b == 0 {
                return Err(OpTrap::DivisionByZero);
            }
            if a == min_signed(bits) && b == m {
                return Err(OpTrap::SignedDivisionOverflow);
            }
            let (q, r) = (sa / sb, sa % sb);
            if op == SDiv {
                val_or_poison(q as u64 & m, flags.contains(Flags::EXACT) && r != 0)
            } else {
                Eval::Val(r as u64 & m)
            }
        }
        And => Eval::Val(a & b),
        Or => val_or_poison(a | b, flags.contains(Flags::DISJOINT) && a & b != 0),
        Xor => Eval::Val(a ^ b),
        Shl => {
            if b >= bits as u64 {
                return Ok(Eval::Poison);
            }
            let r = (a << b) & m;
            let p = (flags.contains(Flags::NUW) && (r >> b) != a)
                || (flags.contains(Flags::NSW) && (sext(r, bits) >> b) != sext(a, bits));
            val_or_poison(r, p)
        }
        LShr => {
            if b >= bits as u64 {
                return Ok(Eval::Poison);
            }
            let r = a >> b;
            val_or_poison(r, flags.contains(Flags::EXACT) && (r << b) != a)
        }
        AShr => {
            if b >= bits as u64 {
                return Ok(Eval::Poison);
            }
            let r = (sext(a, bits) >> b) as u64 & m;
            val_or_poison(r, flags.contains(Flags::EXACT) && (a & mask_low(b as u32)) != 0)
        }
    })
}

fn mask_low(n: u32) -> u64 {
    if n == 0 {
        0
    } else {
        mask(n)
    }
}

/// `icmp pred a, b` at width `bits`.
pub fn icmp(pred: IcmpPred, a: u64, b: u64, bits: u32) -> bool {
    let (sa, sb) = (sext(a, bits), sext(b, bits));
    use IcmpPred::*;
    match pred {
        Eq => a == b,
        Ne => a != b,
        Ugt => a > b,
        Uge => a >= b,
        Ult => a < b,
        Ule => a <= b,
        Sgt => sa > sb,
        Sge => sa >= sb,
        Slt => sa < sb,
        Sle => sa <= sb,
    }
}

/// A conversion from `from_bits` to `to_bits`.
pub fn cast(op: CastOp, flags: Flags, a: u64, from_bits: u32, to_bits: u32) -> Eval {
    let m = mask(to_bits);
    match op {
        CastOp::Zext => val_or_poison(a, flags.contains(Flags::NNEG) && (a >> (from_bits - 1)) & 1 == 1),
        CastOp::Sext => Eval::Val(sext(a, from_bits) as u64 & m),
        CastOp::Trunc => {
            let r = a & m;
            let p = (flags.contains(Flags::NUW) && r != a)
                || (flags.contains(Flags::NSW) && sext(r, to_bits) != sext(a, from_bits));
            val_or_poison(r, p)
        }
        CastOp::PtrToInt | CastOp::IntToPtr => Eval::Val(a & m),
    }
}

/// An intrinsic on operands of width `bits`, giving a result of width `res_bits`.
/// `args` holds the operands (immediate `i1` flags included, as in LLVM).
pub fn intrinsic(op: Intrinsic, args: &[u64], bits: u32, res_bits: u32) -> Eval {
    let m = mask(bits);
    let a = args.first().copied().unwrap_or(0);
    let b = args.get(1).copied().unwrap_or(0);
    let (sa, sb) = (sext(a, bits) as i128, sext(b, bits) as i128);
    let smin = -(1i128 << (bits - 1));
    let smax = (1i128 << (bits - 1)) - 1;
    let clamp = |x: i128| x.clamp(smin, smax) as u64 & m;
    let out_of_signed = |x: i128| x < smin || x > smax;
    use Intrinsic::*;
    Eval::Val(match op {
        UMin => a.min(b),
        UMax => a.max(b),
        SMin => {
            if sa <= sb {
                a
            } else {
                b
            }
        }
        SMax => {
            if sa >= sb {
                a
            } else {
                b
            }
        }
        Abs => {
            if a == min_signed(bits) {
                return if b & 1 == 1 { Eval::Poison } else { Eval::Val(a) };
            }
            sa.unsigned_abs() as u64 & m
        }
        Ctpop => a.count_ones() as u64,
        Ctlz | Cttz => {
            if a == 0 {
                return if b & 1 == 1 { Eval::Poison } else { Eval::Val(bits as u64) };
            }
            if op == Ctlz {
                (a.leading_zeros() - (64 - bits)) as u64
            } else {
                a.trailing_zeros() as u64
            }
        }
        Bswap => {
            let bytes = bits / 8;
            let mut r = 0u64;
            for k in 0..bytes {
                r |= ((a >> (8 * k)) & 0xff) << (8 * (bytes - 1 - k));
            }
            r
        }
        Bitreverse => a.reverse_bits() >> (64 - bits),
        Fshl | Fshr => {
            let c = args.get(2).copied().unwrap_or(0) % bits as u64;
            let wide = ((a as u128) << bits) | b as u128;
            if op == Fshl {
                ((wide << c) >> bits) as u64 & m
            } else {
                (wide >> c) as u64 & m
            }
        }
        UAddOverflow => ((a as u128 + b as u128) > m as u128) as u64,
        SAddOverflow => out_of_signed(sa + sb) as u64,
        USubOverflow => (a < b) as u64,
        SSubOverflow => out_of_signed(sa - sb) as u64,
        UMulOverflow => ((a as u128) * (b as u128) > m as u128) as u64,
        SMulOverflow => out_of_signed(sa * sb) as u64,
        UAddSat => (a as u128 + b as u128).min(m as u128) as u64,
        USubSat => a.saturating_sub(b),
        SAddSat => clamp(sa + sb),
        SSubSat => clamp(sa - sb),
        UCmp | SCmp => {
            let ord = if op == UCmp { a.cmp(&b) } else { sa.cmp(&sb) };
            match ord {
                std::cmp::Ordering::Less => mask(res_bits),
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_and_flags() {
        assert_eq!(binary(BinOp::Add, Flags(0), 200, 100, 8), Ok(Eval::Val(44)));
        assert_eq!(binary(BinOp::Add, Flags::NUW, 200, 100, 8), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Add, Flags::NSW, 100, 100, 8), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Add, Flags::NSW, 0xff, 0xff, 8), Ok(Eval::Val(0xfe)));
        assert_eq!(binary(BinOp::Sub, Flags::NUW, 1, 2, 32), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Mul, Flags::NSW, 1 << 62, 2, 64), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Mul, Flags(0), u64::MAX, u64::MAX, 64), Ok(Eval::Val(1)));
    }

    #[test]
    fn division() {
        let m8 = 0xffu64;
        // -7 / 2 = -3, -7 % 2 = -1 (truncating)
        assert_eq!(binary(BinOp::SDiv, Flags(0), 0xf9, 2, 8), Ok(Eval::Val(0xfd)));
        assert_eq!(binary(BinOp::SRem, Flags(0), 0xf9, 2, 8), Ok(Eval::Val(m8)));
        assert_eq!(binary(BinOp::UDiv, Flags(0), 7, 0, 8), Err(OpTrap::DivisionByZero));
        assert_eq!(binary(BinOp::SDiv, Flags(0), 0x80, m8, 8), Err(OpTrap::SignedDivisionOverflow));
        assert_eq!(binary(BinOp::UDiv, Flags::EXACT, 7, 2, 8), Ok(Eval::Poison));
    }

    #[test]
    fn shifts() {
        assert_eq!(binary(BinOp::Shl, Flags(0), 1, 32, 32), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::AShr, Flags(0), 0x80, 3, 8), Ok(Eval::Val(0xf0)));
        assert_eq!(binary(BinOp::LShr, Flags(0), 0x80, 3, 8), Ok(Eval::Val(0x10)));
        assert_eq!(binary(BinOp::Shl, Flags::NUW, 0x81, 1, 8), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Shl, Flags::NSW, 0x40, 1, 8), Ok(Eval::Poison));
        assert_eq!(binary(BinOp::Shl, Flags::NSW, 0xc0, 1, 8), Ok(Eval::Val(0x80)));
    }

    #[test]
    fn casts_and_compares() {
        assert_eq!(cast(CastOp::Sext, Flags(0), 0x80, 8, 32), Eval::Val(0xffff_ff80));
        assert_eq!(cast(CastOp::Trunc, Flags::NUW, 0x100, 32, 8), Eval::Poison);
        assert_eq!(cast(CastOp::Zext, Flags::NNEG, 0x80, 8, 32), Eval::Poison);
        assert!(icmp(IcmpPred::Slt, 0xff, 0, 8));
        assert!(!icmp(IcmpPred::Ult, 0xff, 0, 8));
    }

    #[test]
    fn intrinsics() {
        assert_eq!(intrinsic(Intrinsic::Fshl, &[0x12, 0x34, 4], 8, 8), Eval::Val(0x23));
        assert_eq!(intrinsic(Intrinsic::Fshr, &[0x12, 0x34, 4], 8, 8), Eval::Val(0x23));
        assert_eq!(intrinsic(Intrinsic::Fshl, &[0x80000001, 0x80000001, 1], 32, 32), Eval::Val(3));
        assert_eq!(intrinsic(Intrinsic::Bswap, &[0x11223344], 32, 32), Eval::Val(0x44332211));
        assert_eq!(intrinsic(Intrinsic::Bitreverse, &[0b0000_0110], 8, 8), Eval::Val(0b0110_0000));
        assert_eq!(intrinsic(Intrinsic::Bitreverse, &[1], 1, 1), Eval::Val(1));
        assert_eq!(intrinsic(Intrinsic::Bitreverse, &[1], 64, 64), Eval::Val(1 << 63));
        assert_eq!(intrinsic(Intrinsic::Ctlz, &[1, 0], 32, 32), Eval::Val(31));
        assert_eq!(intrinsic(Intrinsic::Ctlz, &[0, 1], 32, 32), Eval::Poison);
        assert_eq!(intrinsic(Intrinsic::Cttz, &[0, 0], 16, 16), Eval::Val(16));
        assert_eq!(intrinsic(Intrinsic::Abs, &[0x80, 1], 8, 8), Eval::Poison);
        assert_eq!(intrinsic(Intrinsic::Abs, &[0xff, 1], 8, 8), Eval::Val(1));
        assert_eq!(intrinsic(Intrinsic::SMulOverflow, &[0x40, 2], 8, 1), Eval::Val(1));
        assert_eq!(intrinsic(Intrinsic::SAddSat, &[0x7f, 1], 8, 8), Eval::Val(0x7f));
        assert_eq!(intrinsic(Intrinsic::SCmp, &[0xff, 0], 8, 8), Eval::Val(0xff));
        assert_eq!(intrinsic(Intrinsic::SMin, &[0xff, 1], 8, 8), Eval::Val(0xff));
    }
}
