//! Scalar types: integers `i1..i256` and 64-bit pointers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The type of an SSA value. Aggregates never survive the frontend (it splits them into
/// scalars), and pointers are 64-bit addresses (x86-64 data layout).
#[derive(Copy, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Type {
    /// An integer of 1 to 256 bits. Widths over 64 run in the interpreter; the circuit
    /// stages refuse them (see [`Type::is_wide`]).
    Int(u16),
    /// A pointer: a 64-bit byte address.
    Ptr,
}

impl Type {
    /// `i1`.
    pub const I1: Type = Type::Int(1);
    /// `i8`.
    pub const I8: Type = Type::Int(8);
    /// `i32`.
    pub const I32: Type = Type::Int(32);
    /// `i64`.
    pub const I64: Type = Type::Int(64);

    /// Width in bits (64 for pointers).
    pub fn bits(self) -> u32 {
        match self {
            Type::Int(b) => b as u32,
            Type::Ptr => 64,
        }
    }

    /// Bytes this type occupies in memory (LLVM's store size: bits rounded up to bytes).
    pub fn store_size(self) -> u64 {
        (self.bits() as u64).div_ceil(8)
    }

    /// The mask of the value's bits (all 64 bits for a wide integer: its low limb).
    pub fn mask(self) -> u64 {
        mask(self.bits())
    }

    /// True for integers of a width tessera supports (1..=256).
    pub fn is_valid(self) -> bool {
        match self {
            Type::Int(b) => (1..=MAX_INT_BITS).contains(&b),
            Type::Ptr => true,
        }
    }

    /// True for integers wider than 64 bits: values the interpreter holds in four limbs
    /// ([`crate::exec::wide`]) and the circuit stages do not lower yet.
    pub fn is_wide(self) -> bool {
        self.bits() > 64
    }
}

/// The widest integer type tessera accepts.
pub const MAX_INT_BITS: u16 = 256;

impl Type {
}

/// The mask of the low `bits` bits (`bits` in 1..=64).
#[inline]
pub fn mask(bits: u32) -> u64 {
    if bits >= 64 {
        u64::MAX
    } else {
        (1u64 << bits) - 1
    }
}

/// Sign-extends the low `bits` bits of `v` to 64 bits.
#[inline]
pub fn sext(v: u64, bits: u32) -> i64 {
    if bits >= 64 {
        v as i64
    } else {
        let s = 64 - bits;
        ((v << s) as i64) >> s
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Int(b) => write!(f, "i{b}"),
            Type::Ptr => f.write_str("ptr"),
        }
    }
}

impl fmt::Debug for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}
