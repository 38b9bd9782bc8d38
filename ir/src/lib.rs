//! tessera's program IR and its interpreter.
//!
//! This crate owns [`Program`]: globals and functions, each function's blocks, instructions
//! and SSA values in typed arenas named by `u32` handles ([`Func`], [`Global`], [`Block`],
//! [`Inst`], [`Value`]). Invariants the rest of the compiler relies on, checked by
//! [`verify::verify_program`]:
//!
//! - every value is a scalar: an integer `i1..i256` or a 64-bit pointer; aggregates are split
//!   by the frontend (an aggregate return value goes through a caller's stack slot);
//! - every block in a function's layout ends in exactly one terminator, phis come first and
//!   name exactly the block's predecessors; the first layout block is the entry;
//! - SSA: every use is dominated by its definition;
//! - constants are interned per function and masked to their type's width.
//!
//! [`exec`] runs a program with exact LLVM integer semantics for the x86-64 data layout
//! (byte-addressed little-endian memory, 64-bit pointers) and reports traps and undefined
//! behaviour as errors with their location; observers see every executed block and memory
//! access, which is how later stages record traces.

pub mod display;
pub mod entity;
pub mod exec;
pub mod inst;
pub mod program;
pub mod types;
pub mod verify;

entity!(
    /// A function of a [`Program`]; prints as `fn3`.
    Func,
    "fn"
);
entity!(
    /// A global of a [`Program`]; prints as `g3`.
    Global,
    "g"
);
entity!(
    /// A basic block of a [`program::Function`]; prints as `bb3`.
    Block,
    "bb"
);
entity!(
    /// An instruction of a [`program::Function`]; prints as `inst3`.
    Inst,
    "inst"
);
entity!(
    /// An SSA value of a [`program::Function`]; prints as `v3` (dumps renumber to `%N`).
    Value,
    "v"
);

pub use inst::{BinOp, CastOp, Flags, IcmpPred, InstKind, Intrinsic};
pub use program::{BlockData, Function, GlobalData, InstData, Program, Reloc, SrcLoc, ValueData, ValueDef};
pub use types::Type;

/// Where function addresses live: no memory is there, so a function pointer compares and
/// stores like any pointer, and an access through one faults.
pub const FUNC_BASE: u64 = 0x0800_0000_0000;

/// The address of the `k`-th address-taken function of a module (in module order).
pub fn func_addr(k: usize) -> u64 {
    FUNC_BASE + 16 * k as u64
}
