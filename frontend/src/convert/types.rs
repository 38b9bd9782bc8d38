//! LLVM types to tessera types, aggregate shapes, and the names used in messages.

use crate::ll::{Module, Opcode, Ty, TypeKind};
use tessera_ir::Type;

/// How an LLVM type maps to tessera.
pub(crate) enum TyClass {
    Void,
    Scalar(Type),
    Aggregate,
    /// Something tessera cannot hold in a value; the text is a noun phrase (`floating-point`).
    Bad(TyIssue),
}

/// Why a type cannot be a tessera value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TyIssue {
    Float,
    Vector,
    Wide(u32),
    AddrSpace(u32),
    Other(String),
}

impl TyIssue {
    /// The unsupported construct, for a value of this type met in `what` (e.g. `fadd`).
    pub(crate) fn construct(&self, what: &str) -> String {
        if matches!(what, "parameter" | "return value") {
            return match self {
                TyIssue::Float => format!("floating-point {what}"),
                TyIssue::Vector => format!("vector {what}"),
                TyIssue::Wide(n) => format!("i{n} {what}"),
                TyIssue::AddrSpace(n) => format!("{what} in address space {n}"),
                TyIssue::Other(t) => format!("{t} {what}"),
            };
        }
        match self {
            TyIssue::Float => match what {
                "fadd" | "fsub" | "fmul" | "fdiv" | "frem" | "fneg" => format!("floating-point arithmetic ({what})"),
                "fcmp" => "floating-point comparison (fcmp)".into(),
                "fptoui" | "fptosi" | "uitofp" | "sitofp" | "fptrunc" | "fpext" => {
                    format!("floating-point conversion ({what})")
                }
                _ => format!("floating-point value ({what})"),
            },
            TyIssue::Vector => format!("vector operation ({what})"),
            TyIssue::Wide(n) => format!("i{n} arithmetic ({what})"),
            TyIssue::AddrSpace(n) => format!("pointer in address space {n} ({what})"),
            TyIssue::Other(t) => format!("{t} value ({what})"),
        }
    }
}

/// Classifies an LLVM type.
pub(crate) fn classify(t: Ty<'_>) -> TyClass {
    match t.kind() {
        TypeKind::LLVMVoidTypeKind => TyClass::Void,
        TypeKind::LLVMIntegerTypeKind => match t.int_width() {
            w @ 1..=256 => TyClass::Scalar(Type::Int(w as u16)),
            w => TyClass::Bad(TyIssue::Wide(w)),
        },
        TypeKind::LLVMPointerTypeKind => match t.address_space() {
            0 => TyClass::Scalar(Type::Ptr),
            n => TyClass::Bad(TyIssue::AddrSpace(n)),
        },
        TypeKind::LLVMStructTypeKind | TypeKind::LLVMArrayTypeKind => TyClass::Aggregate,
        TypeKind::LLVMHalfTypeKind
        | TypeKind::LLVMFloatTypeKind
        | TypeKind::LLVMDoubleTypeKind
        | TypeKind::LLVMX86_FP80TypeKind
        | TypeKind::LLVMFP128TypeKind
        | TypeKind::LLVMPPC_FP128TypeKind
        | TypeKind::LLVMBFloatTypeKind => TyClass::Bad(TyIssue::Float),
        TypeKind::LLVMVectorTypeKind | TypeKind::LLVMScalableVectorTypeKind => TyClass::Bad(TyIssue::Vector),
        _ => TyClass::Bad(TyIssue::Other(t.print())),
    }
}

/// The layout of a value once aggregates are split: one scalar per leaf.
#[derive(Clone, Debug)]
pub(crate) enum Shape {
    Scalar(Type),
    Agg(Vec<Shape>),
}

/// Most scalar leaves one aggregate value may split into.
pub(crate) const MAX_LEAVES: usize = 256;

/// The shape of type `t`; aggregates must have only integer/pointer leaves.
pub(crate) fn shape(t: Ty<'_>) -> Result<Shape, TyIssue> {
    let mut budget = MAX_LEAVES;
    shape_in(t, &mut budget)
}

fn shape_in(t: Ty<'_>, budget: &mut usize) -> Result<Shape, TyIssue> {
    match classify(t) {
        TyClass::Scalar(s) => {
            if *budget == 0 {
                return Err(TyIssue::Other(format!("aggregate with more than {MAX_LEAVES} fields")));
            }
            *budget -= 1;
            Ok(Shape::Scalar(s))
        }
        TyClass::Aggregate => {
            let fields: Vec<Ty<'_>> = if t.kind() == TypeKind::LLVMStructTypeKind {
                (0..t.struct_len()).filter_map(|i| t.struct_field(i)).collect()
            } else {
                let n = t.array_len();
                if n as usize > *budget {
                    return Err(TyIssue::Other(format!("aggregate with more than {MAX_LEAVES} fields")));
                }
                let e = t.element().ok_or_else(|| TyIssue::Other(t.print()))?;
                vec![e; n as usize]
            };
            Ok(Shape::Agg(fields.into_iter().map(|f| shape_in(f, budget)).collect::<Result<_, _>>()?))
        }
        TyClass::Void => Err(TyIssue::Other("void".into())),
        TyClass::Bad(i) => Err(i),
    }
}

/// The memory offset and type of every scalar leaf of aggregate `t`, in leaf order (the order
/// of [`shape`] and of `Lv::leaves`), with the data layout's field offsets.
pub(crate) fn leaf_layout(m: Module<'_>, t: Ty<'_>) -> Result<Vec<(u64, Type)>, TyIssue> {
    fn walk(m: Module<'_>, t: Ty<'_>, base: u64, out: &mut Vec<(u64, Type)>) -> Result<(), TyIssue> {
        match classify(t) {
            TyClass::Scalar(s) => {
                out.push((base, s));
                Ok(())
            }
            TyClass::Aggregate if t.kind() == TypeKind::LLVMStructTypeKind => {
                for i in 0..t.struct_len() {
                    let (Some(ft), Some(off)) = (t.struct_field(i), m.field_offset(t, i)) else {
                        return Err(TyIssue::Other(t.print()));
                    };
                    walk(m, ft, base + off, out)?;
                }
                Ok(())
            }
            TyClass::Aggregate => {
                let e = t.element().ok_or_else(|| TyIssue::Other(t.print()))?;
                let es = m.alloc_size(e).ok_or_else(|| TyIssue::Other(t.print()))?;
                for i in 0..t.array_len() {
                    walk(m, e, base + i * es, out)?;
                }
                Ok(())
            }
            TyClass::Void => Err(TyIssue::Other("void".into())),
            TyClass::Bad(i) => Err(i),
        }
    }
    shape(t)?;
    let mut out = Vec::new();
    walk(m, t, 0, &mut out)?;
    Ok(out)
}

/// Bytes a scalar of type `t` occupies in memory (LLVM's store size).
pub(crate) fn store_size(m: Module<'_>, t: Ty<'_>) -> Option<u64> {
    match t.kind() {
        TypeKind::LLVMIntegerTypeKind => Some((t.int_width() as u64).div_ceil(8)),
        TypeKind::LLVMPointerTypeKind => Some(m.pointer_size() as u64),
        TypeKind::LLVMFloatTypeKind => Some(4),
        TypeKind::LLVMDoubleTypeKind => Some(8),
        _ => m.alloc_size(t),
    }
}

/// The demangled name of a Rust symbol (without its hash), when it is one.
pub(crate) fn demangle(sym: &str) -> Option<String> {
    let d = rustc_demangle::try_demangle(sym).ok()?;
    let s = format!("{d:#}");
    (s != sym).then_some(s)
}

/// LLVM's spelling of an opcode.
pub(crate) fn opcode_name(op: Opcode) -> &'static str {
    use Opcode::*;
    match op {
        LLVMRet => "ret",
        LLVMBr => "br",
        LLVMSwitch => "switch",
        LLVMIndirectBr => "indirectbr",
        LLVMInvoke => "invoke",
        LLVMUnreachable => "unreachable",
        LLVMCallBr => "callbr",
        LLVMFNeg => "fneg",
        LLVMAdd => "add",
        LLVMFAdd => "fadd",
        LLVMSub => "sub",
        LLVMFSub => "fsub",
        LLVMMul => "mul",
        LLVMFMul => "fmul",
        LLVMUDiv => "udiv",
        LLVMSDiv => "sdiv",
        LLVMFDiv => "fdiv",
        LLVMURem => "urem",
        LLVMSRem => "srem",
        LLVMFRem => "frem",
        LLVMShl => "shl",
        LLVMLShr => "lshr",
        LLVMAShr => "ashr",
        LLVMAnd => "and",
        LLVMOr => "or",
        LLVMXor => "xor",
        LLVMAlloca => "alloca",
        LLVMLoad => "load",
        LLVMStore => "store",
        LLVMGetElementPtr => "getelementptr",
        LLVMTrunc => "trunc",
        LLVMZExt => "zext",
        LLVMSExt => "sext",
        LLVMFPToUI => "fptoui",
        LLVMFPToSI => "fptosi",
        LLVMUIToFP => "uitofp",
        LLVMSIToFP => "sitofp",
        LLVMFPTrunc => "fptrunc",
        LLVMFPExt => "fpext",
        LLVMPtrToInt => "ptrtoint",
        LLVMIntToPtr => "inttoptr",
        LLVMBitCast => "bitcast",
        LLVMAddrSpaceCast => "addrspacecast",
        LLVMICmp => "icmp",
        LLVMFCmp => "fcmp",
        LLVMPHI => "phi",
        LLVMCall => "call",
        LLVMSelect => "select",
        LLVMUserOp1 | LLVMUserOp2 => "user-op",
        LLVMVAArg => "va_arg",
        LLVMExtractElement => "extractelement",
        LLVMInsertElement => "insertelement",
        LLVMShuffleVector => "shufflevector",
        LLVMExtractValue => "extractvalue",
        LLVMInsertValue => "insertvalue",
        LLVMFreeze => "freeze",
        LLVMFence => "fence",
        LLVMAtomicCmpXchg => "cmpxchg",
        LLVMAtomicRMW => "atomicrmw",
        LLVMResume => "resume",
        LLVMLandingPad => "landingpad",
        LLVMCleanupRet => "cleanupret",
        LLVMCatchRet => "catchret",
        LLVMCatchPad => "catchpad",
        LLVMCleanupPad => "cleanuppad",
        LLVMCatchSwitch => "catchswitch",
    }
}
