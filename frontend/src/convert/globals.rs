//! Globals: size, alignment and initial bytes laid out with the module's data layout;
//! pointers to globals in initialisers become relocations.

use super::types::store_size;
use super::{gep_terms, ModuleCx};
use crate::ll::{Opcode, Ty, TypeKind, Val, ValueKind};
use tessera_ir::types::{mask, sext};
use tessera_ir::{Global, GlobalData, Reloc};

/// Largest global tessera lays out (its bytes are held in memory).
const MAX_GLOBAL_BYTES: u64 = 1 << 28;

/// A constant evaluated for an initialiser: plain bits or the address of a global plus an
/// offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CVal {
    Int(u64),
    /// An integer constant wider than 64 bits (little-endian limbs).
    Wide([u64; 4]),
    Addr(Global, i64),
}

impl<'m> ModuleCx<'m> {
    /// The global `gv` names, converted on first use together with every global its
    /// initialiser points to. Errors are unsupported constructs, phrased for messages.
    pub(crate) fn global(&mut self, gv: Val<'m>) -> Result<Global, String> {
        let g = self.intern_global(gv)?;
        while let Some((v, h)) = self.queue.pop() {
            self.fill_global(v, h)?;
        }
        Ok(g)
    }

    fn intern_global(&mut self, gv: Val<'m>) -> Result<Global, String> {
        if let Some(&g) = self.globals.get(&gv.key()) {
            return Ok(g);
        }
        let mut name = gv.name();
        if name.is_empty() {
            name = format!("__unnamed_{}", self.program.globals.len());
        }
        if gv.initializer().is_none() {
            return Err(format!("external global '@{name}' (declared but not defined)"));
        }
        if gv.is_thread_local() {
            return Err(format!("thread-local global '@{name}'"));
        }
        let t = gv.global_value_type().ok_or_else(|| format!("global '@{name}' without a type"))?;
        let size = self.m.alloc_size(t).ok_or_else(|| format!("global '@{name}' of unsized type {}", t.print()))?;
        if size > MAX_GLOBAL_BYTES {
            return Err(format!("global '@{name}' of {size} bytes (more than {MAX_GLOBAL_BYTES})"));
        }
        let align = match gv.alignment() {
            0 => self.m.global_pref_align(gv),
            a => a,
        };
        let g = self.program.globals.push(GlobalData {
            name,
            size,
            align,
            constant: gv.is_global_constant(),
            init: Vec::new(),
            relocs: Vec::new(),
        });
        self.globals.insert(gv.key(), g);
        self.queue.push((gv, g));
        Ok(g)
    }

    fn fill_global(&mut self, gv: Val<'m>, g: Global) -> Result<(), String> {
        let name = self.program.globals[g].name.clone();
        let size = self.program.globals[g].size as usize;
        let (Some(init), Some(t)) = (gv.initializer(), gv.global_value_type()) else {
            return Err(format!("global '@{name}' without an initialiser"));
        };
        let mut w = Writer { bytes: vec![0; size], relocs: Vec::new(), global: name };
        self.write_const(init, t, 0, &mut w)?;
        let d = &mut self.program.globals[g];
        d.init = w.bytes;
        d.relocs = w.relocs;
        Ok(())
    }

    /// Writes constant `c` of type `t` at byte `off` of the initialiser.
    fn write_const(&mut self, c: Val<'m>, t: Ty<'m>, off: u64, w: &mut Writer) -> Result<(), String> {
        match c.kind() {
            ValueKind::LLVMConstantAggregateZeroValueKind
            | ValueKind::LLVMUndefValueValueKind
            | ValueKind::LLVMPoisonValueKind
            | ValueKind::LLVMConstantPointerNullValueKind => Ok(()),
            ValueKind::LLVMConstantFPValueKind => {
                let (d, _) = c.const_real().unwrap_or((0.0, false));
                match t.kind() {
                    TypeKind::LLVMFloatTypeKind => w.put(off, &(d as f32).to_bits().to_le_bytes()),
                    TypeKind::LLVMDoubleTypeKind => w.put(off, &d.to_bits().to_le_bytes()),
                    _ => Err(format!("{} constant in the initialiser of '@{}'", t.print(), w.global)),
                }
            }
            ValueKind::LLVMConstantDataArrayValueKind
            | ValueKind::LLVMConstantArrayValueKind
            | ValueKind::LLVMConstantStructValueKind => self.write_aggregate(c, t, off, w),
            ValueKind::LLVMConstantVectorValueKind | ValueKind::LLVMConstantDataVectorValueKind => {
                Err(format!("vector constant in the initialiser of '@{}'", w.global))
            }
            ValueKind::LLVMConstantIntValueKind
            | ValueKind::LLVMGlobalVariableValueKind
            | ValueKind::LLVMGlobalAliasValueKind
            | ValueKind::LLVMConstantExprValueKind
            | ValueKind::LLVMFunctionValueKind => {
                let v = self.eval(c, &w.global)?;
                let size = store_size(self.m, t).ok_or_else(|| format!("unsized constant in '@{}'", w.global))?;
                match v {
                    CVal::Int(bits) => {
                        if t.int_width() > 64 {
                            return Err(format!("i{} constant in the initialiser of '@{}'", t.int_width(), w.global));
                        }
                        let b = bits.to_le_bytes();
                        w.put(off, &b[..size.min(8) as usize])
                    }
                    CVal::Wide(limbs) => w.put(off, &tessera_ir::exec::wide::to_bytes(limbs, size.min(32) as usize)),
                    CVal::Addr(target, addend) if size == 8 => {
                        w.check(off, 8)?;
                        w.relocs.push(Reloc { offset: off, target, addend });
                        Ok(())
                    }
                    CVal::Addr(..) => {
                        Err(format!("address stored in a {size}-byte field of the initialiser of '@{}'", w.global))
                    }
                }
            }
            k => Err(format!("{} in the initialiser of '@{}'", kind_noun(k), w.global)),
        }
    }

    fn write_aggregate(&mut self, c: Val<'m>, t: Ty<'m>, off: u64, w: &mut Writer) -> Result<(), String> {
        if let Some(s) = c.const_string() {
            return w.put(off, &s);
        }
        if t.kind() == TypeKind::LLVMStructTypeKind {
            for i in 0..t.struct_len() {
                let (Some(ft), Some(fo), Some(fc)) = (t.struct_field(i), self.m.field_offset(t, i), c.aggregate_element(i))
                else {
                    return Err(format!("malformed struct constant in '@{}'", w.global));
                };
                self.write_const(fc, ft, off + fo, w)?;
            }
            return Ok(());
        }
        let Some(et) = t.element() else { return Err(format!("malformed array constant in '@{}'", w.global)) };
        let es = self.m.alloc_size(et).ok_or_else(|| format!("unsized array element in '@{}'", w.global))?;
        for i in 0..t.array_len() {
            let Some(ec) = u32::try_from(i).ok().and_then(|i| c.aggregate_element(i)) else {
                return Err(format!("malformed array constant in '@{}'", w.global));
            };
            self.write_const(ec, et, off + i * es, w)?;
        }
        Ok(())
    }

    /// Evaluates a scalar constant of an initialiser.
    fn eval(&mut self, c: Val<'m>, global: &str) -> Result<CVal, String> {
        let bits = |t: Ty<'m>| if t.kind() == TypeKind::LLVMPointerTypeKind { 64 } else { t.int_width() };
        match c.kind() {
            ValueKind::LLVMConstantIntValueKind if c.ty().int_width() > 64 => {
                c.const_wide().map(CVal::Wide).ok_or_else(|| format!("i{} constant in '@{global}'", c.ty().int_width()))
            }
            ValueKind::LLVMConstantIntValueKind => {
                c.const_int().map(CVal::Int).ok_or_else(|| format!("i{} constant in '@{global}'", c.ty().int_width()))
            }
            ValueKind::LLVMConstantPointerNullValueKind
            | ValueKind::LLVMUndefValueValueKind
            | ValueKind::LLVMPoisonValueKind => Ok(CVal::Int(0)),
            ValueKind::LLVMGlobalVariableValueKind => Ok(CVal::Addr(self.intern_global(c)?, 0)),
            ValueKind::LLVMGlobalAliasValueKind => {
                let a = c.aliasee().ok_or_else(|| format!("alias without aliasee in '@{global}'"))?;
                self.eval(a, global)
            }
            ValueKind::LLVMFunctionValueKind => match self.fn_addrs.get(&c.key()) {
                Some(&addr) => Ok(CVal::Int(addr)),
                None => Err(format!("pointer to function '@{}' in the initialiser of '@{global}'", c.name())),
            },
            ValueKind::LLVMConstantExprValueKind => {
                let op = c.opcode().ok_or_else(|| format!("constant expression without opcode in '@{global}'"))?;
                let arg = |i: u32| c.operand(i).ok_or_else(|| format!("malformed constant expression in '@{global}'"));
                let width = bits(c.ty());
                if width > 64 {
                    return Err(format!("i{width} constant expression in the initialiser of '@{global}'"));
                }
                let fit = |v: CVal| match v {
                    CVal::Int(b) => Ok(CVal::Int(b & mask(width.clamp(1, 64)))),
                    CVal::Wide(l) => Ok(CVal::Int(l[0] & mask(width.clamp(1, 64)))),
                    a if width == 64 => Ok(a),
                    _ => Err(format!("address truncated to {width} bits in the initialiser of '@{global}'")),
                };
                use Opcode::*;
                match op {
                    LLVMGetElementPtr => {
                        let base = self.eval(arg(0)?, global)?;
                        let (off, vars) = gep_terms(self.m, c)?;
                        if !vars.is_empty() {
                            return Err(format!("getelementptr with a non-constant index in '@{global}'"));
                        }
                        Ok(match base {
                            CVal::Int(b) => CVal::Int(b.wrapping_add(off as u64)),
                            CVal::Addr(g, a) => CVal::Addr(g, a.wrapping_add(off)),
                            CVal::Wide(_) => return Err(format!("wide integer address in '@{global}'")),
                        })
                    }
                    LLVMPtrToInt | LLVMIntToPtr | LLVMBitCast | LLVMAddrSpaceCast | LLVMTrunc | LLVMZExt => {
                        fit(self.eval(arg(0)?, global)?)
                    }
                    LLVMSExt => match self.eval(arg(0)?, global)? {
                        CVal::Int(b) => fit(CVal::Int(sext(b, bits(arg(0)?.ty()).clamp(1, 64)) as u64)),
                        _ => Err(format!("sign-extended address in '@{global}'")),
                    },
                    LLVMAdd | LLVMSub | LLVMMul | LLVMXor | LLVMAnd | LLVMOr | LLVMShl => {
                        let (a, b) = (self.eval(arg(0)?, global)?, self.eval(arg(1)?, global)?);
                        let r = match (op, a, b) {
                            (LLVMAdd, CVal::Int(x), CVal::Int(y)) => CVal::Int(x.wrapping_add(y)),
                            (LLVMAdd, CVal::Addr(g, k), CVal::Int(y)) | (LLVMAdd, CVal::Int(y), CVal::Addr(g, k)) => {
                                CVal::Addr(g, k.wrapping_add(y as i64))
                            }
                            (LLVMSub, CVal::Int(x), CVal::Int(y)) => CVal::Int(x.wrapping_sub(y)),
                            (LLVMSub, CVal::Addr(g, k), CVal::Int(y)) => CVal::Addr(g, k.wrapping_sub(y as i64)),
                            (LLVMSub, CVal::Addr(g, k), CVal::Addr(h, j)) if g == h => CVal::Int(k.wrapping_sub(j) as u64),
                            (LLVMMul, CVal::Int(x), CVal::Int(y)) => CVal::Int(x.wrapping_mul(y)),
                            (LLVMXor, CVal::Int(x), CVal::Int(y)) => CVal::Int(x ^ y),
                            (LLVMAnd, CVal::Int(x), CVal::Int(y)) => CVal::Int(x & y),
                            (LLVMOr, CVal::Int(x), CVal::Int(y)) => CVal::Int(x | y),
                            (LLVMShl, CVal::Int(x), CVal::Int(y)) => CVal::Int(if y < 64 { x << y } else { 0 }),
                            _ => return Err(format!("arithmetic on addresses in the initialiser of '@{global}'")),
                        };
                        fit(r)
                    }
                    other => Err(format!(
                        "constant expression '{}' in the initialiser of '@{global}'",
                        super::types::opcode_name(other)
                    )),
                }
            }
            k => Err(format!("{} in the initialiser of '@{global}'", kind_noun(k))),
        }
    }
}

/// A global's bytes and relocations under construction.
struct Writer {
    bytes: Vec<u8>,
    relocs: Vec<Reloc>,
    global: String,
}

impl Writer {
    fn check(&self, off: u64, len: usize) -> Result<(), String> {
        if off.checked_add(len as u64).is_none_or(|end| end > self.bytes.len() as u64) {
            return Err(format!("initialiser of '@{}' does not fit its type", self.global));
        }
        Ok(())
    }

    fn put(&mut self, off: u64, b: &[u8]) -> Result<(), String> {
        self.check(off, b.len())?;
        let o = off as usize;
        self.bytes[o..o + b.len()].copy_from_slice(b);
        Ok(())
    }
}

/// A noun for a value kind in messages.
pub(crate) fn kind_noun(k: ValueKind) -> &'static str {
    match k {
        ValueKind::LLVMBlockAddressValueKind => "block address",
        ValueKind::LLVMConstantFPValueKind => "floating-point constant",
        ValueKind::LLVMConstantVectorValueKind | ValueKind::LLVMConstantDataVectorValueKind => "vector constant",
        ValueKind::LLVMGlobalIFuncValueKind => "ifunc",
        ValueKind::LLVMConstantTokenNoneValueKind => "token constant",
        ValueKind::LLVMConstantPtrAuthValueKind => "pointer-authentication constant",
        ValueKind::LLVMConstantTargetNoneValueKind => "target-extension constant",
        ValueKind::LLVMInlineAsmValueKind => "inline assembly",
        ValueKind::LLVMMetadataAsValueValueKind => "metadata operand",
        ValueKind::LLVMFunctionValueKind => "function pointer",
        _ => "constant of an unexpected kind",
    }
}
