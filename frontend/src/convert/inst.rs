//! Per-opcode conversion of non-terminator, non-call, non-phi instructions, shared with
//! constant expressions (which are converted the same way, right before their use).

use super::func::{icmp_pred, internal, FnCx, Lv, Result};
use super::gep_terms;
use super::types::opcode_name;
use crate::ll::{Opcode, Val};
use tessera_ir::{BinOp, CastOp, Flags, InstKind, Type};

impl<'m> FnCx<'_, 'm> {
    /// Converts instruction or constant expression `v`; its value, if it has one.
    pub(super) fn convert_op(&mut self, v: Val<'m>) -> Result<Option<Lv>> {
        let op = v.opcode().ok_or_else(|| internal("value without an opcode"))?;
        let what = opcode_name(op);
        use Opcode::*;
        let allow_agg = matches!(op, LLVMExtractValue | LLVMInsertValue | LLVMSelect | LLVMFreeze);
        self.check_types(v, what, allow_agg)?;
        let lv = match op {
            LLVMAdd | LLVMSub | LLVMMul | LLVMUDiv | LLVMSDiv | LLVMURem | LLVMSRem | LLVMShl | LLVMLShr | LLVMAShr
            | LLVMAnd | LLVMOr | LLVMXor => self.binary(v, op)?,
            LLVMICmp => {
                let pred = v.icmp_predicate().ok_or_else(|| self.unsupported("icmp constant expression".into()))?;
                let lhs = self.scalar(v.operand(0))?;
                let rhs = self.scalar(v.operand(1))?;
                Lv::S(self.value(InstKind::Icmp { pred: icmp_pred(pred), lhs, rhs }, Type::I1)?)
            }
            LLVMSelect => {
                let cond = self.scalar(v.operand(0))?;
                let a = self.operand(v.operand(1).ok_or_else(|| internal("select without operands"))?)?;
                let b = self.operand(v.operand(2).ok_or_else(|| internal("select without operands"))?)?;
                self.select(cond, &a, &b)?
            }
            LLVMZExt | LLVMSExt | LLVMTrunc | LLVMPtrToInt | LLVMIntToPtr | LLVMBitCast | LLVMAddrSpaceCast => {
                self.cast(v, op)?
            }
            LLVMFreeze => {
                let a = self.operand(v.operand(0).ok_or_else(|| internal("freeze without an operand"))?)?;
                self.freeze(&a)?
            }
            LLVMGetElementPtr => self.gep(v)?,
            LLVMAlloca => {
                let t = v.allocated_type().ok_or_else(|| internal("alloca without a type"))?;
                let elem_size =
                    self.m.m.alloc_size(t).ok_or_else(|| self.unsupported(format!("alloca of unsized type {}", t.print())))?;
                let count = self.scalar(v.operand(0))?;
                Lv::S(self.value(InstKind::Alloca { elem_size, count, align: v.alignment() }, Type::Ptr)?)
            }
            LLVMLoad => {
                if v.is_atomic_access() {
                    return Err(self.unsupported("atomic load".into()));
                }
                let ty = self.scalar_ty(v.ty(), what)?;
                let addr = self.scalar(v.operand(0))?;
                Lv::S(self.value(InstKind::Load { addr, align: v.alignment() }, ty)?)
            }
            LLVMStore => {
                if v.is_atomic_access() {
                    return Err(self.unsupported("atomic store".into()));
                }
                let value = self.scalar(v.operand(0))?;
                let addr = self.scalar(v.operand(1))?;
                self.emit(InstKind::Store { value, addr, align: v.alignment() }, None);
                return Ok(None);
            }
            LLVMExtractValue => {
                let mut lv = self.operand(v.operand(0).ok_or_else(|| internal("extractvalue without an operand"))?)?;
                for i in v.agg_indices() {
                    lv = match lv {
                        Lv::Agg(mut fs) if (i as usize) < fs.len() => fs.swap_remove(i as usize),
                        _ => return Err(internal("extractvalue index out of range")),
                    };
                }
                lv
            }
            LLVMInsertValue => {
                let mut agg = self.operand(v.operand(0).ok_or_else(|| internal("insertvalue without operands"))?)?;
                let elt = self.operand(v.operand(1).ok_or_else(|| internal("insertvalue without operands"))?)?;
                let mut slot = &mut agg;
                for i in v.agg_indices() {
                    slot = match slot {
                        Lv::Agg(fs) if (i as usize) < fs.len() => &mut fs[i as usize],
                        _ => return Err(internal("insertvalue index out of range")),
                    };
                }
                *slot = elt;
                agg
            }
            LLVMFence | LLVMAtomicCmpXchg | LLVMAtomicRMW => return Err(self.unsupported(format!("atomic operation ({what})"))),
            LLVMVAArg => return Err(self.unsupported("variadic argument access (va_arg)".into())),
            LLVMLandingPad | LLVMResume | LLVMCatchPad | LLVMCleanupPad | LLVMCatchSwitch | LLVMCatchRet
            | LLVMCleanupRet | LLVMInvoke => return Err(self.unsupported(format!("exception handling ({what})"))),
            LLVMIndirectBr | LLVMCallBr => return Err(self.unsupported(format!("indirect branch ({what})"))),
            _ => return Err(self.unsupported(format!("{what} instruction"))),
        };
        Ok(Some(lv))
    }

    fn binary(&mut self, v: Val<'m>, op: Opcode) -> Result<Lv> {
        use Opcode::*;
        let bop = match op {
            LLVMAdd => BinOp::Add,
            LLVMSub => BinOp::Sub,
            LLVMMul => BinOp::Mul,
            LLVMUDiv => BinOp::UDiv,
            LLVMSDiv => BinOp::SDiv,
            LLVMURem => BinOp::URem,
            LLVMSRem => BinOp::SRem,
            LLVMShl => BinOp::Shl,
            LLVMLShr => BinOp::LShr,
            LLVMAShr => BinOp::AShr,
            LLVMAnd => BinOp::And,
            LLVMOr => BinOp::Or,
            _ => BinOp::Xor,
        };
        let (nuw, nsw) = v.wrap_flags();
        let mut flags = Flags::default();
        if nuw {
            flags = flags.union(Flags::NUW);
        }
        if nsw {
            flags = flags.union(Flags::NSW);
        }
        if v.exact_flag() {
            flags = flags.union(Flags::EXACT);
        }
        if v.disjoint_flag() {
            flags = flags.union(Flags::DISJOINT);
        }
        let lhs = self.scalar(v.operand(0))?;
        let rhs = self.scalar(v.operand(1))?;
        let ty = self.f.ty(lhs);
        Ok(Lv::S(self.value(InstKind::Binary { op: bop, flags, lhs, rhs }, ty)?))
    }

    fn cast(&mut self, v: Val<'m>, op: Opcode) -> Result<Lv> {
        use Opcode::*;
        let what = opcode_name(op);
        let arg = self.scalar(v.operand(0))?;
        let to = self.scalar_ty(v.ty(), what)?;
        let from = self.f.ty(arg);
        let (cop, flags) = match op {
            LLVMZExt => (CastOp::Zext, if v.nneg_flag() { Flags::NNEG } else { Flags::default() }),
            LLVMSExt => (CastOp::Sext, Flags::default()),
            LLVMTrunc => {
                let (nuw, nsw) = v.wrap_flags();
                let mut f = Flags::default();
                if nuw {
                    f = f.union(Flags::NUW);
                }
                if nsw {
                    f = f.union(Flags::NSW);
                }
                (CastOp::Trunc, f)
            }
            LLVMPtrToInt => (CastOp::PtrToInt, Flags::default()),
            LLVMIntToPtr => (CastOp::IntToPtr, Flags::default()),
            _ if from == to => return Ok(Lv::S(arg)),
            _ => return Err(self.unsupported(format!("{what} from {from} to {to}"))),
        };
        Ok(Lv::S(self.value(InstKind::Cast { op: cop, flags, arg }, to)?))
    }

    /// Field-wise select.
    fn select(&mut self, cond: tessera_ir::Value, a: &Lv, b: &Lv) -> Result<Lv> {
        match (a, b) {
            (Lv::S(x), Lv::S(y)) => {
                let ty = self.f.ty(*x);
                Ok(Lv::S(self.value(InstKind::Select { cond, if_true: *x, if_false: *y }, ty)?))
            }
            (Lv::Agg(xs), Lv::Agg(ys)) if xs.len() == ys.len() => {
                let mut out = Vec::with_capacity(xs.len());
                for (x, y) in xs.iter().zip(ys) {
                    out.push(self.select(cond, x, y)?);
                }
                Ok(Lv::Agg(out))
            }
            _ => Err(internal("select arms of different shapes")),
        }
    }

    /// Field-wise freeze.
    fn freeze(&mut self, a: &Lv) -> Result<Lv> {
        match a {
            Lv::S(x) => {
                let ty = self.f.ty(*x);
                Ok(Lv::S(self.value(InstKind::Freeze { arg: *x }, ty)?))
            }
            Lv::Agg(xs) => {
                let mut out = Vec::with_capacity(xs.len());
                for x in xs {
                    out.push(self.freeze(x)?);
                }
                Ok(Lv::Agg(out))
            }
        }
    }

    /// `getelementptr` flattened to `base + offset + sum(index * scale)`.
    fn gep(&mut self, v: Val<'m>) -> Result<Lv> {
        let (offset, vars) = gep_terms(self.m.m, v).map_err(|c| self.unsupported(c))?;
        let base = self.scalar(v.operand(0))?;
        let mut indices = Vec::with_capacity(vars.len());
        for (idx, scale) in vars {
            indices.push((self.scalar(Some(idx))?, scale));
        }
        if offset == 0 && indices.is_empty() {
            return Ok(Lv::S(base));
        }
        Ok(Lv::S(self.value(InstKind::Gep { base, offset, indices }, Type::Ptr)?))
    }
}
