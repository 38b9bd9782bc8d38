//! The IR's text form. Values and blocks are renumbered in layout order before printing
//! (`%0..`, `bb0..`), so dumps do not depend on arena history.

use crate::entity::{EntityRef, SecondaryMap};
use crate::inst::InstKind;
use crate::program::{Function, Program, ValueDef};
use crate::types::{sext, Type};
use crate::{Block, Inst, Value};
use std::fmt::{self, Write};

/// How operands and blocks are named when printing instructions. [`Namer`] gives the dump's
/// names; canonical forms use local names.
pub trait Names {
    /// The operand text of a value.
    fn value(&self, p: Option<&Program>, f: &Function, v: Value) -> String;
    /// The text of a block reference.
    fn block(&self, b: Block) -> String;
}

/// The printed names of one function's values and blocks.
pub struct Namer {
    values: SecondaryMap<Value, u32>,
    blocks: SecondaryMap<Block, u32>,
}

const UNNAMED: u32 = u32::MAX;

impl Namer {
    /// Numbers parameters, then instruction results in layout order; blocks in layout order.
    pub fn new(f: &Function) -> Namer {
        let mut values = SecondaryMap::with_capacity_default(f.values.len(), UNNAMED);
        let mut blocks = SecondaryMap::with_capacity_default(f.blocks.len(), UNNAMED);
        let mut n = 0u32;
        for &p in &f.params {
            values[p] = n;
            n += 1;
        }
        for (i, &b) in f.layout.iter().enumerate() {
            blocks[b] = i as u32;
            for &inst in &f.blocks[b].insts {
                if let Some(r) = f.insts[inst].result {
                    values[r] = n;
                    n += 1;
                }
            }
        }
        Namer { values, blocks }
    }

    /// A namer that knows no values or blocks: enough to print constants and globals.
    pub fn new_empty() -> Namer {
        Namer { values: SecondaryMap::with_default(UNNAMED), blocks: SecondaryMap::with_default(UNNAMED) }
    }

    /// `bbN`, or `bb?K` for a block not in the layout.
    pub fn block(&self, b: Block) -> String {
        match *self.blocks.get(b) {
            UNNAMED => format!("bb?{}", b.index()),
            n => format!("bb{n}"),
        }
    }

    /// The operand text of a value: `%N`, a literal, `@global` or `poison`.
    pub fn value(&self, p: Option<&Program>, f: &Function, v: Value) -> String {
        let Some(d) = f.values.get(v) else { return format!("%?{}", v.index()) };
        match &d.def {
            ValueDef::Const(c) => const_text(d.ty, *c),
            ValueDef::WideConst(l) => crate::exec::wide::text(*l, d.ty.bits()),
            ValueDef::Poison => "poison".into(),
            ValueDef::GlobalAddr(g) => match p.and_then(|p| p.globals.get(*g)) {
                Some(gd) => format!("@{}", gd.name),
                None => format!("{g}"),
            },
            _ => match *self.values.get(v) {
                UNNAMED => format!("%?{}", v.index()),
                n => format!("%{n}"),
            },
        }
    }

    /// `type operand`, as LLVM writes operands.
    pub fn typed(&self, p: Option<&Program>, f: &Function, v: Value) -> String {
        match f.values.get(v) {
            Some(d) => format!("{} {}", d.ty, self.value(p, f, v)),
            None => format!("%?{}", v.index()),
        }
    }

    /// One instruction as text (without location).
    pub fn inst(&self, p: Option<&Program>, f: &Function, inst: Inst) -> String {
        inst_text(self, p, f, inst)
    }
}

impl Names for Namer {
    fn value(&self, p: Option<&Program>, f: &Function, v: Value) -> String {
        Namer::value(self, p, f, v)
    }
    fn block(&self, b: Block) -> String {
        Namer::block(self, b)
    }
}

/// One instruction as text, operands named by `names`.
pub fn inst_text(names: &dyn Names, p: Option<&Program>, f: &Function, inst: Inst) -> String {
    let mut s = String::new();
    let _ = write_inst(names, &mut s, p, f, inst);
    s
}

fn write_inst(names: &dyn Names, s: &mut String, p: Option<&Program>, f: &Function, inst: Inst) -> fmt::Result {
    {
        let Some(data) = f.insts.get(inst) else { return write!(s, "<bad {inst}>") };
        if let Some(r) = data.result {
            write!(s, "{} = ", names.value(p, f, r))?;
        }
        let v = |x: Value| names.value(p, f, x);
        let tv = |x: Value| match f.values.get(x) {
            Some(d) => format!("{} {}", d.ty, names.value(p, f, x)),
            None => format!("%?{}", x.index()),
        };
        let rty = data.result.and_then(|r| f.values.get(r)).map(|d| d.ty);
        use InstKind::*;
        match &data.kind {
            Binary { op, flags, lhs, rhs } => {
                write!(s, "{} {}{}, {}", op.name(), flags.text(), tv(*lhs), v(*rhs))
            }
            Icmp { pred, lhs, rhs } => write!(s, "icmp {} {}, {}", pred.name(), tv(*lhs), v(*rhs)),
            Select { cond, if_true, if_false } => {
                write!(s, "select {}, {}, {}", tv(*cond), tv(*if_true), v(*if_false))
            }
            Cast { op, flags, arg } => {
                write!(s, "{} {}{} to {}", op.name(), flags.text(), tv(*arg), ty_text(rty))
            }
            Freeze { arg } => write!(s, "freeze {}", tv(*arg)),
            Phi { incoming } => {
                write!(s, "phi {} ", ty_text(rty))?;
                for (i, (b, x)) in incoming.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    write!(s, "[{}: {}]", names.block(*b), v(*x))?;
                }
                Ok(())
            }
            Alloca { elem_size, count, align } => {
                write!(s, "alloca {elem_size} bytes x {}, align {align}", tv(*count))
            }
            StackSave => write!(s, "stacksave"),
            StackRestore { mark } => write!(s, "stackrestore {}", tv(*mark)),
            Load { addr, align } => write!(s, "load {}, {}, align {align}", ty_text(rty), tv(*addr)),
            Store { value, addr, align } => {
                write!(s, "store {}, {}, align {align}", tv(*value), tv(*addr))
            }
            PredLoad { pred, addr, align } => {
                write!(s, "load.if {}, {}, {}, align {align}", tv(*pred), ty_text(rty), tv(*addr))
            }
            PredStore { pred, value, addr, align } => {
                write!(s, "store.if {}, {}, {}, align {align}", tv(*pred), tv(*value), tv(*addr))
            }
            Gep { base, offset, indices } => {
                write!(s, "gep {}, {offset}", tv(*base))?;
                for (x, scale) in indices {
                    write!(s, ", {} * {scale}", tv(*x))?;
                }
                Ok(())
            }
            Call { callee, args } => {
                let name = p.and_then(|p| p.funcs.get(*callee)).map(|c| c.name.clone());
                write!(s, "call {} @{}(", ty_text(rty), name.unwrap_or_else(|| callee.to_string()))?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&tv(*a));
                }
                s.push(')');
                Ok(())
            }
            Output { stderr, byte } => {
                write!(s, "output.{} {}", if *stderr { "stderr" } else { "stdout" }, tv(*byte))
            }
            CallIndirect { target, callees, args } => {
                write!(s, "call {} {}(", ty_text(rty), tv(*target))?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&tv(*a));
                }
                s.push_str(") targets [");
                for (i, (addr, c)) in callees.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    let name = p.and_then(|p| p.funcs.get(*c)).map(|c| c.name.clone());
                    write!(s, "@{} = 0x{addr:x}", name.unwrap_or_else(|| c.to_string()))?;
                }
                s.push(']');
                Ok(())
            }
            Intrinsic { op, args } => {
                write!(s, "{} ", op.name())?;
                for (i, a) in args.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    s.push_str(&tv(*a));
                }
                Ok(())
            }
            MemCopy { dst, src, len, overlap } => write!(
                s,
                "{} {}, {}, {}",
                if *overlap { "memmove" } else { "memcpy" },
                tv(*dst),
                tv(*src),
                tv(*len)
            ),
            MemSet { dst, byte, len } => write!(s, "memset {}, {}, {}", tv(*dst), tv(*byte), tv(*len)),
            Br { target } => write!(s, "br {}", names.block(*target)),
            CondBr { cond, if_true, if_false } => {
                write!(s, "br {}, {}, {}", tv(*cond), names.block(*if_true), names.block(*if_false))
            }
            Switch { value, default, cases } => {
                write!(s, "switch {}, {} [", tv(*value), names.block(*default))?;
                let ty = f.values.get(*value).map(|d| d.ty).unwrap_or(Type::I64);
                for (i, (c, b)) in cases.iter().enumerate() {
                    if i > 0 {
                        s.push_str(", ");
                    }
                    write!(s, "{}: {}", const_text(ty, *c), names.block(*b))?;
                }
                s.push(']');
                Ok(())
            }
            Ret { value: Some(x) } => write!(s, "ret {}", tv(*x)),
            Ret { value: None } => s.write_str("ret void"),
            Unreachable => s.write_str("unreachable"),
            Trap { reason } => write!(s, "trap {reason:?}"),
            Exit { code } => write!(s, "exit {}", tv(*code)),
        }
    }
}

fn ty_text(t: Option<Type>) -> String {
    t.map(|t| t.to_string()).unwrap_or_else(|| "void".into())
}

/// A constant as LLVM prints it: signed decimal, `true`/`false` for `i1`, `null` for pointers.
pub fn const_text(ty: Type, c: u64) -> String {
    match ty {
        Type::Int(1) => if c & 1 == 1 { "true" } else { "false" }.into(),
        Type::Ptr if c == 0 => "null".into(),
        Type::Ptr => format!("0x{c:x}"),
        _ => sext(c, ty.bits()).to_string(),
    }
}

/// Prints a function, with globals and callees named through `p` when given. Parameters
/// and the return type carry LLVM's `noundef` where the function has it:
/// `fn @f(%0: noundef i32) -> noundef i32 {`.
pub fn write_function(out: &mut impl Write, p: Option<&Program>, f: &Function) -> fmt::Result {
    let n = Namer::new(f);
    write!(out, "fn @{}(", f.name)?;
    for (i, &pv) in f.params.iter().enumerate() {
        if i > 0 {
            out.write_str(", ")?;
        }
        let noundef = if f.param_is_noundef(i) { "noundef " } else { "" };
        write!(out, "{}: {noundef}{}", n.value(p, f, pv), f.ty(pv))?;
    }
    let noundef = if f.ret_noundef { "noundef " } else { "" };
    writeln!(out, ") -> {noundef}{} {{", ty_text(f.ret))?;
    if let Some(d) = &f.demangled {
        writeln!(out, "  ; {d}")?;
    }
    if f.variadic {
        writeln!(out, "  ; variadic: the extra arguments are in memory at the parameter after the fixed ones")?;
    }
    if f.ret_slot {
        writeln!(out, "  ; returns an aggregate through its last parameter")?;
    }
    for &b in &f.layout {
        writeln!(out, "{}:", n.block(b))?;
        for &inst in &f.blocks[b].insts {
            let text = n.inst(p, f, inst);
            match &f.insts[inst].loc {
                Some(l) => writeln!(out, "  {text:<48} ; line {}:{}", l.line, l.col)?,
                None => writeln!(out, "  {text}")?,
            }
        }
    }
    writeln!(out, "}}")
}

impl fmt::Display for Program {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for g in self.globals.values() {
            write!(
                f,
                "global @{}: {} bytes, align {}{} = ",
                g.name,
                g.size,
                g.align,
                if g.constant { ", const" } else { "" }
            )?;
            if g.init.iter().all(|&b| b == 0) {
                f.write_str("zeroinitializer")?;
            } else {
                f.write_str("x\"")?;
                for b in &g.init {
                    write!(f, "{b:02x}")?;
                }
                f.write_str("\"")?;
            }
            for r in &g.relocs {
                let t = self.globals.get(r.target).map(|t| t.name.as_str()).unwrap_or("?");
                write!(f, ", [+{}] = @{t} + {}", r.offset, r.addend)?;
            }
            writeln!(f)?;
        }
        for func in self.funcs.values() {
            writeln!(f)?;
            write_function(f, Some(self), func)?;
        }
        Ok(())
    }
}

impl fmt::Display for Function {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_function(f, None, self)
    }
}
