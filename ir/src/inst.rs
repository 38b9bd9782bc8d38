//! Instructions: the operations of a block, terminators included.

use crate::{Block, Func, Value};
use serde::{Deserialize, Serialize};

/// Two-operand integer arithmetic and bitwise operations.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    And,
    Or,
    Xor,
    Shl,
    LShr,
    AShr,
}

impl BinOp {
    /// The LLVM spelling.
    pub fn name(self) -> &'static str {
        use BinOp::*;
        match self {
            Add => "add",
            Sub => "sub",
            Mul => "mul",
            UDiv => "udiv",
            SDiv => "sdiv",
            URem => "urem",
            SRem => "srem",
            And => "and",
            Or => "or",
            Xor => "xor",
            Shl => "shl",
            LShr => "lshr",
            AShr => "ashr",
        }
    }
}

/// Poison-generating flags of LLVM (`nuw`, `nsw`, `exact`, `disjoint`, `nneg`), as bits.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Default, Serialize, Deserialize)]
pub struct Flags(pub u8);

impl Flags {
    /// No unsigned wrap.
    pub const NUW: Flags = Flags(1);
    /// No signed wrap.
    pub const NSW: Flags = Flags(2);
    /// `udiv`/`sdiv`/`lshr`/`ashr` exact.
    pub const EXACT: Flags = Flags(4);
    /// `or disjoint`: no common set bits.
    pub const DISJOINT: Flags = Flags(8);
    /// `zext nneg`: operand non-negative.
    pub const NNEG: Flags = Flags(16);

    /// True when every bit of `other` is set here.
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }
    /// The union of two flag sets.
    pub fn union(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
    /// The flags as LLVM writes them, each followed by a space.
    pub fn text(self) -> String {
        let mut s = String::new();
        for (f, n) in [
            (Flags::NUW, "nuw "),
            (Flags::NSW, "nsw "),
            (Flags::EXACT, "exact "),
            (Flags::DISJOINT, "disjoint "),
            (Flags::NNEG, "nneg "),
        ] {
            if self.contains(f) {
                s.push_str(n);
            }
        }
        s
    }
}

/// The ten `icmp` predicates.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum IcmpPred {
    Eq,
    Ne,
    Ugt,
    Uge,
    Ult,
    Ule,
    Sgt,
    Sge,
    Slt,
    Sle,
}

impl IcmpPred {
    /// The LLVM spelling.
    pub fn name(self) -> &'static str {
        use IcmpPred::*;
        match self {
            Eq => "eq",
            Ne => "ne",
            Ugt => "ugt",
            Uge => "uge",
            Ult => "ult",
            Ule => "ule",
            Sgt => "sgt",
            Sge => "sge",
            Slt => "slt",
            Sle => "sle",
        }
    }
}

/// Conversions between scalar types; the result type is the result value's type.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum CastOp {
    Zext,
    Sext,
    Trunc,
    PtrToInt,
    IntToPtr,
}

impl CastOp {
    /// The LLVM spelling.
    pub fn name(self) -> &'static str {
        match self {
            CastOp::Zext => "zext",
            CastOp::Sext => "sext",
            CastOp::Trunc => "trunc",
            CastOp::PtrToInt => "ptrtoint",
            CastOp::IntToPtr => "inttoptr",
        }
    }
}

/// Integer intrinsics with value semantics. Immediate flags of LLVM's intrinsics
/// (`is_int_min_poison` of `abs`, `is_zero_poison` of `ctlz`/`cttz`) stay as an `i1` constant
/// second operand, as in LLVM.
#[derive(Copy, Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum Intrinsic {
    UMin,
    UMax,
    SMin,
    SMax,
    Abs,
    Ctpop,
    Ctlz,
    Cttz,
    Bswap,
    /// `llvm.bitreverse`: the bits in reverse order.
    Bitreverse,
    Fshl,
    Fshr,
    /// The overflow bit of `llvm.uadd.with.overflow` (the sum itself is a plain `add`).
    UAddOverflow,
    SAddOverflow,
    USubOverflow,
    SSubOverflow,
    UMulOverflow,
    SMulOverflow,
    UAddSat,
    SAddSat,
    USubSat,
    SSubSat,
    /// `llvm.ucmp`: -1, 0 or 1 in the result's type, comparing unsigned.
    UCmp,
    /// `llvm.scmp`: -1, 0 or 1 in the result's type, comparing signed.
    SCmp,
}

impl Intrinsic {
    /// Our spelling in dumps.
    pub fn name(self) -> &'static str {
        use Intrinsic::*;
        match self {
            UMin => "umin",
            UMax => "umax",
            SMin => "smin",
            SMax => "smax",
            Abs => "abs",
            Ctpop => "ctpop",
            Ctlz => "ctlz",
            Cttz => "cttz",
            Bswap => "bswap",
            Bitreverse => "bitreverse",
            Fshl => "fshl",
            Fshr => "fshr",
            UAddOverflow => "uadd.overflow",
            SAddOverflow => "sadd.overflow",
            USubOverflow => "usub.overflow",
            SSubOverflow => "ssub.overflow",
            UMulOverflow => "umul.overflow",
            SMulOverflow => "smul.overflow",
            UAddSat => "uadd.sat",
            SAddSat => "sadd.sat",
            USubSat => "usub.sat",
            SSubSat => "ssub.sat",
            UCmp => "ucmp",
            SCmp => "scmp",
        }
    }

    /// Number of value operands.
    pub fn arity(self) -> usize {
        use Intrinsic::*;
        match self {
            Ctpop | Bswap | Bitreverse => 1,
            Fshl | Fshr => 3,
            _ => 2,
        }
    }
}

/// What an instruction does. Terminators are the last instruction of every block and only
/// there.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum InstKind {
    /// `lhs op rhs` with LLVM's poison flags.
    Binary { op: BinOp, flags: Flags, lhs: Value, rhs: Value },
    /// Integer or pointer comparison giving an `i1`.
    Icmp { pred: IcmpPred, lhs: Value, rhs: Value },
    /// `cond ? if_true : if_false`.
    Select { cond: Value, if_true: Value, if_false: Value },
    /// Width or pointer/integer conversion to the result's type.
    Cast { op: CastOp, flags: Flags, arg: Value },
    /// Stops poison: a poison operand becomes an arbitrary fixed value (tessera picks 0).
    Freeze { arg: Value },
    /// SSA merge: the value flowing in from each predecessor.
    Phi { incoming: Vec<(Block, Value)> },
    /// A stack allocation of `count * elem_size` bytes living until the function returns
    /// (or until a [`InstKind::StackRestore`] to a mark saved before it).
    Alloca { elem_size: u64, count: Value, align: u32 },
    /// `llvm.stacksave`: the current top of the stack, as a `ptr` mark for
    /// [`InstKind::StackRestore`] (clang brackets variable-length arrays with the pair).
    StackSave,
    /// `llvm.stackrestore`: frees every stack allocation made since `mark` was saved by a
    /// [`InstKind::StackSave`] of the same function call.
    StackRestore { mark: Value },
    /// Reads a value of the result's type from `addr` (little-endian).
    Load { addr: Value, align: u32 },
    /// Writes `value` to `addr` (little-endian).
    Store { value: Value, addr: Value, align: u32 },
    /// `pred ? load(addr) : 0`: a load that touches memory only when `pred` is true (made by
    /// if-conversion; a false predicate never traps, whatever `addr` is).
    PredLoad { pred: Value, addr: Value, align: u32 },
    /// `if pred { store(value, addr) }` (made by if-conversion).
    PredStore { pred: Value, value: Value, addr: Value, align: u32 },
    /// Address arithmetic: `base + offset + sum(sext(index) * scale)` (typed GEPs are
    /// flattened into byte offsets by the frontend).
    Gep { base: Value, offset: i64, indices: Vec<(Value, i64)> },
    /// A direct call of a function defined in the program.
    Call { callee: Func, args: Vec<Value> },
    /// A call through a function pointer. `callees` is its target set: the address and the
    /// function of every address-taken function of the call's type (see
    /// [`crate::func_addr`]); a `target` that is none of them traps. The passes turn it into a
    /// switch over the set whose arms are direct calls.
    CallIndirect { target: Value, callees: Vec<(u64, Func)>, args: Vec<Value> },
    /// An integer intrinsic.
    Intrinsic { op: Intrinsic, args: Vec<Value> },
    /// `llvm.memcpy` (`overlap = false`) or `llvm.memmove` (`overlap = true`).
    MemCopy { dst: Value, src: Value, len: Value, overlap: bool },
    /// Writes the low byte of `byte` to the program's standard output (standard error when
    /// `stderr`); the run captures both streams. tessera's libc prints through it.
    Output { stderr: bool, byte: Value },
    /// `llvm.memset`: `len` bytes at `dst` set to the low byte of `byte`.
    MemSet { dst: Value, byte: Value, len: Value },
    /// Unconditional branch (terminator).
    Br { target: Block },
    /// Two-way branch on an `i1` (terminator).
    CondBr { cond: Value, if_true: Block, if_false: Block },
    /// Multi-way branch (terminator); case values are masked to the operand's width.
    Switch { value: Value, default: Block, cases: Vec<(u64, Block)> },
    /// Return from the function (terminator).
    Ret { value: Option<Value> },
    /// `unreachable`: reaching it is a trap (terminator).
    Unreachable,
    /// A call that never returns normally, such as Rust's panic functions (terminator).
    Trap { reason: String },
    /// C's `exit(code)`: the run ends with `code` as its exit status (terminator).
    Exit { code: Value },
}

impl InstKind {
    /// True for the kinds that end a block.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            InstKind::Br { .. }
                | InstKind::CondBr { .. }
                | InstKind::Switch { .. }
                | InstKind::Ret { .. }
                | InstKind::Unreachable
                | InstKind::Trap { .. }
                | InstKind::Exit { .. }
        )
    }

    /// True for the kinds that read or write memory.
    pub fn touches_memory(&self) -> bool {
        matches!(
            self,
            InstKind::Load { .. }
                | InstKind::Store { .. }
                | InstKind::PredLoad { .. }
                | InstKind::PredStore { .. }
                | InstKind::MemCopy { .. }
                | InstKind::MemSet { .. }
                | InstKind::Alloca { .. }
                | InstKind::StackSave
                | InstKind::StackRestore { .. }
                | InstKind::Call { .. }
                | InstKind::CallIndirect { .. }
                | InstKind::Output { .. }
        )
    }

    /// Calls `f` on every value operand, in operand order (phi operands included).
    pub fn for_each_operand(&self, mut f: impl FnMut(Value)) {
        use InstKind::*;
        match self {
            Binary { lhs, rhs, .. } | Icmp { lhs, rhs, .. } => {
                f(*lhs);
                f(*rhs)
            }
            Select { cond, if_true, if_false } => {
                f(*cond);
                f(*if_true);
                f(*if_false)
            }
            Cast { arg, .. } | Freeze { arg } => f(*arg),
            Phi { incoming } => incoming.iter().for_each(|(_, v)| f(*v)),
            Alloca { count, .. } => f(*count),
            StackRestore { mark } => f(*mark),
            Load { addr, .. } => f(*addr),
            Store { value, addr, .. } => {
                f(*value);
                f(*addr)
            }
            PredLoad { pred, addr, .. } => {
                f(*pred);
                f(*addr)
            }
            PredStore { pred, value, addr, .. } => {
                f(*pred);
                f(*value);
                f(*addr)
            }
            Gep { base, indices, .. } => {
                f(*base);
                indices.iter().for_each(|(v, _)| f(*v))
            }
            Call { args, .. } | Intrinsic { args, .. } => args.iter().for_each(|v| f(*v)),
            CallIndirect { target, args, .. } => {
                f(*target);
                args.iter().for_each(|v| f(*v))
            }
            MemCopy { dst, src, len, .. } => {
                f(*dst);
                f(*src);
                f(*len)
            }
            MemSet { dst, byte, len } => {
                f(*dst);
                f(*byte);
                f(*len)
            }
            Output { byte, .. } => f(*byte),
            CondBr { cond, .. } => f(*cond),
            Switch { value, .. } => f(*value),
            Ret { value } => value.iter().for_each(|v| f(*v)),
            Exit { code } => f(*code),
            StackSave | Br { .. } | Unreachable | Trap { .. } => {}
        }
    }

    /// Rewrites every value operand through `f`.
    pub fn map_operands(&mut self, mut f: impl FnMut(Value) -> Value) {
        use InstKind::*;
        match self {
            Binary { lhs, rhs, .. } | Icmp { lhs, rhs, .. } => {
                *lhs = f(*lhs);
                *rhs = f(*rhs)
            }
            Select { cond, if_true, if_false } => {
                *cond = f(*cond);
                *if_true = f(*if_true);
                *if_false = f(*if_false)
            }
            Cast { arg, .. } | Freeze { arg } => *arg = f(*arg),
            Phi { incoming } => incoming.iter_mut().for_each(|(_, v)| *v = f(*v)),
            Alloca { count, .. } => *count = f(*count),
            StackRestore { mark } => *mark = f(*mark),
            Load { addr, .. } => *addr = f(*addr),
            Store { value, addr, .. } => {
                *value = f(*value);
                *addr = f(*addr)
            }
            PredLoad { pred, addr, .. } => {
                *pred = f(*pred);
                *addr = f(*addr)
            }
            PredStore { pred, value, addr, .. } => {
                *pred = f(*pred);
                *value = f(*value);
                *addr = f(*addr)
            }
            Gep { base, indices, .. } => {
                *base = f(*base);
                indices.iter_mut().for_each(|(v, _)| *v = f(*v))
            }
            Call { args, .. } | Intrinsic { args, .. } => args.iter_mut().for_each(|v| *v = f(*v)),
            CallIndirect { target, args, .. } => {
                *target = f(*target);
                args.iter_mut().for_each(|v| *v = f(*v))
            }
            MemCopy { dst, src, len, .. } => {
                *dst = f(*dst);
                *src = f(*src);
                *len = f(*len)
            }
            MemSet { dst, byte, len } => {
                *dst = f(*dst);
                *byte = f(*byte);
                *len = f(*len)
            }
            Output { byte, .. } => *byte = f(*byte),
            CondBr { cond, .. } => *cond = f(*cond),
            Switch { value, .. } => *value = f(*value),
            Ret { value } => {
                if let Some(v) = value {
                    *v = f(*v)
                }
            }
            Exit { code } => *code = f(*code),
            StackSave | Br { .. } | Unreachable | Trap { .. } => {}
        }
    }

    /// The blocks a terminator may branch to, in order, duplicates removed.
    pub fn successors(&self) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        let mut add = |b: Block| {
            if !out.contains(&b) {
                out.push(b)
            }
        };
        match self {
            InstKind::Br { target } => add(*target),
            InstKind::CondBr { if_true, if_false, .. } => {
                add(*if_true);
                add(*if_false)
            }
            InstKind::Switch { default, cases, .. } => {
                add(*default);
                cases.iter().for_each(|(_, b)| add(*b))
            }
            _ => {}
        }
        out
    }

    /// Rewrites every block a terminator or phi names through `f`.
    pub fn map_blocks(&mut self, mut f: impl FnMut(Block) -> Block) {
        match self {
            InstKind::Br { target } => *target = f(*target),
            InstKind::CondBr { if_true, if_false, .. } => {
                *if_true = f(*if_true);
                *if_false = f(*if_false)
            }
            InstKind::Switch { default, cases, .. } => {
                *default = f(*default);
                cases.iter_mut().for_each(|(_, b)| *b = f(*b))
            }
            InstKind::Phi { incoming } => incoming.iter_mut().for_each(|(b, _)| *b = f(*b)),
            _ => {}
        }
    }
}
