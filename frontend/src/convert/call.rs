//! Calls: direct calls of converted functions, LLVM intrinsics, and calls that never return
//! (`llvm.trap`, Rust's panic functions, any external `noreturn` function), which end the
//! block with a trap.

use super::func::{internal, FnCx, Lv, Result};
use super::types::{classify, demangle, TyClass};
use crate::ll::{Val, ValueKind};
use tessera_ir::{BinOp, Flags, InstKind, Intrinsic, Type, Value};

/// What a call instruction calls.
pub(crate) enum CallKind<'m> {
    /// A function defined in the module.
    Defined(Val<'m>),
    /// `llvm.<name>`, the name without its `llvm.` prefix.
    Intrinsic(String),
    /// A call that never returns; the reason is the callee's (demangled) name.
    Trap(String),
    /// The C library's `memcpy`, `memmove` or `memset`.
    LibMem(MemFn),
    /// Any other external function (demangled name).
    External(String),
    Indirect,
    /// C's `exit` (and `_exit`, `_Exit`): ends the run with the status as its result.
    Exit,
    /// tessera's libc output primitive: one byte to standard output (or error when true).
    Output(bool),
    /// Inline assembly with an empty template and no outputs (`asm("")`,
    /// `asm volatile("" ::: "memory")`): an optimisation barrier that does nothing.
    EmptyAsm,
    InlineAsm,
}

/// The C library memory functions tessera knows.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
pub(crate) enum MemFn {
    Copy,
    Move,
    Set,
}

/// Rust functions that only panic, in case a declaration lost its `noreturn`.
const PANIC_PREFIXES: &[&str] = &[
    "core::panicking::",
    "std::panicking::",
    "core::option::unwrap_failed",
    "core::option::expect_failed",
    "core::result::unwrap_failed",
    "core::slice::index::",
    "alloc::alloc::handle_alloc_error",
    "alloc::raw_vec::handle_error",
];

/// Classifies call instruction `call`.
pub(crate) fn call_kind<'m>(call: Val<'m>) -> CallKind<'m> {
    let Some(mut callee) = call.called_value() else { return CallKind::Indirect };
    if callee.kind() == ValueKind::LLVMInlineAsmValueKind {
        let empty = callee.inline_asm_string().is_some_and(|t| t.trim().is_empty());
        let outputs = !matches!(classify(call.ty()), TyClass::Void);
        return if empty && !outputs { CallKind::EmptyAsm } else { CallKind::InlineAsm };
    }
    if let Some(a) = callee.aliasee() {
        callee = a;
    }
    if !callee.is_function() {
        return CallKind::Indirect;
    }
    let name = callee.name();
    if let Some(rest) = name.strip_prefix("llvm.") {
        if rest == "trap" || rest == "ubsantrap" {
            return CallKind::Trap(name);
        }
        return CallKind::Intrinsic(rest.to_string());
    }
    if !callee.is_declaration() {
        return CallKind::Defined(callee);
    }
    if matches!(name.as_str(), "exit" | "_exit" | "_Exit") {
        return CallKind::Exit;
    }
    match name.as_str() {
        "__tessera_putchar" => return CallKind::Output(false),
        "__tessera_putchar_err" => return CallKind::Output(true),
        _ => {}
    }
    let shown = demangle(&name).unwrap_or_else(|| name.clone());
    let known_panic = PANIC_PREFIXES.iter().any(|p| shown.starts_with(p))
        && (!shown.starts_with("core::slice::index::") || shown.contains("_fail"));
    if known_panic || callee.fn_has_attr("noreturn") || call.call_has_fn_attr("noreturn") {
        return CallKind::Trap(shown);
    }
    match name.as_str() {
        "memcpy" => CallKind::LibMem(MemFn::Copy),
        "memmove" => CallKind::LibMem(MemFn::Move),
        "memset" => CallKind::LibMem(MemFn::Set),
        _ => CallKind::External(shown),
    }
}

/// Intrinsics with nothing to do for tessera.
const NO_OPS: &[&str] = &[
    "lifetime.start",
    "lifetime.end",
    "assume",
    "experimental.noalias.scope.decl",
    "sideeffect",
    "donothing",
    // A cache hint: no effect on memory or values.
    "prefetch",
];

/// Intrinsics that map one-to-one onto [`Intrinsic`].
const VALUE_INTRINSICS: &[(&str, Intrinsic)] = &[
    ("umin", Intrinsic::UMin),
    ("umax", Intrinsic::UMax),
    ("smin", Intrinsic::SMin),
    ("smax", Intrinsic::SMax),
    ("abs", Intrinsic::Abs),
    ("ctpop", Intrinsic::Ctpop),
    ("ctlz", Intrinsic::Ctlz),
    ("cttz", Intrinsic::Cttz),
    ("bswap", Intrinsic::Bswap),
    ("bitreverse", Intrinsic::Bitreverse),
    ("fshl", Intrinsic::Fshl),
    ("fshr", Intrinsic::Fshr),
    ("uadd.sat", Intrinsic::UAddSat),
    ("sadd.sat", Intrinsic::SAddSat),
    ("usub.sat", Intrinsic::USubSat),
    ("ssub.sat", Intrinsic::SSubSat),
    ("ucmp", Intrinsic::UCmp),
    ("scmp", Intrinsic::SCmp),
];

/// `llvm.*.with.overflow`: the arithmetic of field 0 and the intrinsic of field 1.
const OVERFLOW_INTRINSICS: &[(&str, BinOp, Intrinsic)] = &[
    ("uadd.with.overflow", BinOp::Add, Intrinsic::UAddOverflow),
    ("sadd.with.overflow", BinOp::Add, Intrinsic::SAddOverflow),
    ("usub.with.overflow", BinOp::Sub, Intrinsic::USubOverflow),
    ("ssub.with.overflow", BinOp::Sub, Intrinsic::SSubOverflow),
    ("umul.with.overflow", BinOp::Mul, Intrinsic::UMulOverflow),
    ("smul.with.overflow", BinOp::Mul, Intrinsic::SMulOverflow),
];

/// The value of shape `s` from its leaves in order.
fn rebuild(s: &super::types::Shape, leaves: &mut impl Iterator<Item = Value>) -> Lv {
    match s {
        super::types::Shape::Scalar(_) => Lv::S(leaves.next().expect("one leaf per scalar")),
        super::types::Shape::Agg(fs) => Lv::Agg(fs.iter().map(|f| rebuild(f, leaves)).collect()),
    }
}

/// True when intrinsic `name` is `base` or `base` with type suffixes (`umin.i32`).
fn is(name: &str, base: &str) -> bool {
    name.strip_prefix(base).is_some_and(|r| r.is_empty() || r.starts_with('.'))
}

impl<'m> FnCx<'_, 'm> {
    /// Converts a call; true when it ended the block (a trap).
    pub(super) fn call(&mut self, inst: Val<'m>) -> Result<bool> {
        match call_kind(inst) {
            CallKind::InlineAsm => {
                Err(self.unsupported("inline assembly (only an empty `asm(\"\")` is supported)".into()))
            }
            CallKind::EmptyAsm => Ok(false),
            CallKind::Indirect => self.indirect_call(inst).map(|_| false),
            CallKind::Trap(reason) => {
                self.trap(reason);
                Ok(true)
            }
            CallKind::Output(stderr) => {
                let byte = self.scalar(inst.operand(0))?;
                self.emit(InstKind::Output { stderr, byte }, None);
                Ok(false)
            }
            CallKind::Exit => {
                let code = self.scalar(inst.operand(0))?;
                self.emit(InstKind::Exit { code }, None);
                Ok(true)
            }
            CallKind::External(name) => Err(self.unsupported(format!("call to external function '{name}'"))),
            CallKind::LibMem(k) => {
                self.check_types(inst, "call", false)?;
                let dst = self.mem(inst, k)?;
                self.values.insert(inst.key(), Lv::S(dst));
                Ok(false)
            }
            CallKind::Intrinsic(name) => self.intrinsic(inst, &name).map(|_| false),
            CallKind::Defined(callee) => self.direct_call(inst, callee).map(|_| false),
        }
    }

    fn direct_call(&mut self, inst: Val<'m>, callee: Val<'m>) -> Result<()> {
        let sym = callee.name();
        let cname = demangle(&sym).unwrap_or(sym);
        let what = format!("call to '{cname}'");
        let n = inst.num_args();
        if (0..n).filter_map(|i| inst.operand(i)).any(|a| matches!(classify(a.ty()), TyClass::Aggregate)) {
            return Err(self.unsupported(format!("aggregate argument ({what})")));
        }
        // An aggregate result comes back through a slot (`FnCx::ret_layout`).
        self.check_types(inst, &what, true)?;
        let fty = callee.global_value_type().ok_or_else(|| internal("function without a type"))?;
        let arg_tys: Vec<_> = (0..n).filter_map(|i| inst.operand(i)).map(|a| a.ty()).collect();
        let fixed = fty.param_types();
        let matches = if fty.is_vararg() { arg_tys.starts_with(&fixed) } else { fixed == arg_tys };
        if !matches || fty.return_type() != Some(inst.ty()) {
            return Err(self.unsupported(format!("{what} with a signature that differs from its definition")));
        }
        let func =
            *self.m.funcs.get(&callee.key()).ok_or_else(|| internal("call of a function that was not collected"))?;
        self.emit_call(inst, fty, |args| InstKind::Call { callee: func, args })
    }

    /// A call through a function pointer: its target set is every address-taken function of
    /// the call's type, each with its address.
    fn indirect_call(&mut self, inst: Val<'m>) -> Result<()> {
        let what = "indirect call".to_string();
        let n = inst.num_args();
        if (0..n).filter_map(|i| inst.operand(i)).any(|a| matches!(classify(a.ty()), TyClass::Aggregate)) {
            return Err(self.unsupported(format!("aggregate argument ({what})")));
        }
        self.check_types(inst, &what, true)?;
        let fty = inst.called_function_type().ok_or_else(|| internal("a call without a function type"))?;
        let target = self.scalar(inst.called_value())?;
        let mut callees = Vec::new();
        for f in super::indirect_targets(inst, &self.m.taken) {
            let func = *self.m.funcs.get(&f.key()).ok_or_else(|| internal("an indirect call target was not collected"))?;
            let addr = *self.m.fn_addrs.get(&f.key()).ok_or_else(|| internal("a target without an address"))?;
            callees.push((addr, func));
        }
        self.emit_call(inst, fty, |args| InstKind::CallIndirect { target, callees, args })
    }

    /// Emits call `inst` of type `fty` as the instruction `make` builds from the arguments,
    /// with an aggregate result brought back through a stack slot.
    fn emit_call(&mut self, inst: Val<'m>, fty: crate::ll::Ty<'m>, make: impl FnOnce(Vec<Value>) -> InstKind) -> Result<()> {
        let mut args = self.call_args(inst, fty)?;
        if let Some(layout) = self.ret_layout(fty)? {
            // The callee stores its aggregate result in a slot of this frame.
            let t = inst.ty();
            let size = self.m.m.alloc_size(t).ok_or_else(|| internal("unsized aggregate return"))?;
            let slot = self.entry_slot(size.max(1), 16);
            args.push(slot);
            self.emit(make(args), None);
            let mut leaves = Vec::with_capacity(layout.len());
            for (off, ty) in layout {
                let addr = self.value(InstKind::Gep { base: slot, offset: off as i64, indices: vec![] }, Type::Ptr)?;
                leaves.push(self.value(InstKind::Load { addr, align: 1 }, ty)?);
            }
            let s = super::types::shape(t).map_err(|i| self.unsupported(i.construct("return value")))?;
            let lv = rebuild(&s, &mut leaves.into_iter());
            self.values.insert(inst.key(), lv);
            return Ok(());
        }
        let ret = match classify(inst.ty()) {
            TyClass::Scalar(t) => Some(t),
            _ => None,
        };
        if let (_, Some(r)) = self.emit(make(args), ret) {
            self.values.insert(inst.key(), Lv::S(r));
        }
        Ok(())
    }

    /// The arguments of call `inst` to a function of type `fty`: the fixed ones, then, for a
    /// variadic callee, the address of the extra arguments laid out as the x86-64 ABI's
    /// overflow area (each in 8-byte units, 16-aligned when wider than 64 bits, a `byval`
    /// aggregate copied in), which is where clang's `va_arg` code reads them once `va_start`
    /// has marked every register as used.
    pub(super) fn call_args(&mut self, inst: Val<'m>, fty: crate::ll::Ty<'m>) -> Result<Vec<Value>> {
        let n = inst.num_args();
        let fixed = if fty.is_vararg() { fty.param_types().len() as u32 } else { n };
        let mut args = Vec::with_capacity(fixed as usize + 2);
        for i in 0..fixed {
            args.push(self.scalar(inst.operand(i))?);
        }
        if !fty.is_vararg() {
            return Ok(args);
        }
        enum Extra {
            Scalar(Value, Type),
            Copy(Value, u64),
        }
        let mut extras = Vec::new();
        let mut size = 0u64;
        for i in fixed..n {
            let (extra, bytes, align) = match inst.call_arg_byval_type(i) {
                Some(t) => {
                    let bytes = self.m.m.alloc_size(t).ok_or_else(|| internal("unsized byval argument"))?;
                    (Extra::Copy(self.scalar(inst.operand(i))?, bytes), bytes, 8)
                }
                None => {
                    let v = self.scalar(inst.operand(i))?;
                    let ty = self.f.ty(v);
                    let align = if ty.bits() > 64 { 16 } else { 8 };
                    (Extra::Scalar(v, ty), ty.store_size(), align)
                }
            };
            let at = size.next_multiple_of(align);
            size = at + bytes.next_multiple_of(8);
            extras.push((at, extra));
        }
        let area = self.entry_slot(size.max(8), 16);
        for (at, extra) in extras {
            let addr = self.value(InstKind::Gep { base: area, offset: at as i64, indices: vec![] }, Type::Ptr)?;
            match extra {
                Extra::Scalar(v, ty) => {
                    // LLVM passes poison to a variadic parameter without undefined behaviour;
                    // memory holds no poison, so it is stored as some value.
                    let value = self.value(InstKind::Freeze { arg: v }, ty)?;
                    self.emit(InstKind::Store { value, addr, align: 8 }, None);
                }
                Extra::Copy(src, bytes) => {
                    let len = self.f.const_value(Type::I64, bytes);
                    self.emit(InstKind::MemCopy { dst: addr, src, len, overlap: false }, None);
                }
            }
        }
        args.push(area);
        Ok(args)
    }

    /// `va_start(ap)` in a variadic function: `gp_offset = 48` and `fp_offset = 176` (every
    /// argument register used), `overflow_arg_area` = the extra arguments' address,
    /// `reg_save_area` = null. `va_end` does nothing; `va_copy` copies the 24-byte `va_list`.
    fn varargs_intrinsic(&mut self, inst: Val<'m>, name: &str) -> Result<bool> {
        if is(name, "va_end") {
            return Ok(true);
        }
        if is(name, "va_copy") {
            let dst = self.scalar(inst.operand(0))?;
            let src = self.scalar(inst.operand(1))?;
            let len = self.f.const_value(Type::I64, 24);
            self.emit(InstKind::MemCopy { dst, src, len, overlap: false }, None);
            return Ok(true);
        }
        if !is(name, "va_start") {
            return Ok(false);
        }
        let Some(area) = self.va_area else {
            return Err(self.unsupported("va_start outside a variadic function".into()));
        };
        let ap = self.scalar(inst.operand(0))?;
        let null = self.f.const_value(Type::Ptr, 0);
        let fields = [
            (0, self.f.const_value(Type::I32, 48)),
            (4, self.f.const_value(Type::I32, 176)),
            (8, area),
            (16, null),
        ];
        for (off, value) in fields {
            let addr = self.value(InstKind::Gep { base: ap, offset: off, indices: vec![] }, Type::Ptr)?;
            self.emit(InstKind::Store { value, addr, align: 4 }, None);
        }
        Ok(true)
    }

    fn intrinsic(&mut self, inst: Val<'m>, name: &str) -> Result<()> {
        if NO_OPS.iter().any(|b| is(name, b)) || name.starts_with("dbg.") {
            return Ok(());
        }
        if self.varargs_intrinsic(inst, name)? {
            return Ok(());
        }
        if is(name, "ptrmask") {
            // `ptr & mask` (clang aligns the va_arg overflow pointer with it).
            let p = self.scalar(inst.operand(0))?;
            let mask = self.scalar(inst.operand(1))?;
            let ity = self.f.ty(mask);
            if ity != Type::I64 {
                return Err(self.unsupported(format!("llvm.{name} with an {ity} mask")));
            }
            let flags = Flags::default();
            let x = self.value(InstKind::Cast { op: tessera_ir::CastOp::PtrToInt, flags, arg: p }, ity)?;
            let y = self.value(InstKind::Binary { op: BinOp::And, flags, lhs: x, rhs: mask }, ity)?;
            let r = self.value(InstKind::Cast { op: tessera_ir::CastOp::IntToPtr, flags, arg: y }, Type::Ptr)?;
            self.values.insert(inst.key(), Lv::S(r));
            return Ok(());
        }
        if is(name, "expect") || is(name, "expect.with.probability") {
            let lv = self.operand(inst.operand(0).ok_or_else(|| internal("llvm.expect without operands"))?)?;
            self.values.insert(inst.key(), lv);
            return Ok(());
        }
        if is(name, "stacksave") {
            let r = self.value(InstKind::StackSave, Type::Ptr)?;
            self.values.insert(inst.key(), Lv::S(r));
            return Ok(());
        }
        if is(name, "stackrestore") {
            let mark = self.scalar(inst.operand(0))?;
            self.emit(InstKind::StackRestore { mark }, None);
            return Ok(());
        }
        let what = format!("call to llvm.{name}");
        let overflow = OVERFLOW_INTRINSICS.iter().find(|(b, _, _)| is(name, b));
        self.check_types(inst, &what, overflow.is_some())?;
        if !name.contains("atomic") {
            for (base, kind) in [
                ("memcpy", MemFn::Copy),
                ("memcpy.inline", MemFn::Copy),
                ("memmove", MemFn::Move),
                ("memset", MemFn::Set),
                ("memset.inline", MemFn::Set),
            ] {
                if is(name, base) {
                    self.mem(inst, kind)?;
                    return Ok(());
                }
            }
        }
        let mut args = Vec::new();
        for i in 0..inst.num_args() {
            args.push(self.scalar(inst.operand(i))?);
        }
        if let Some(&(_, bop, op)) = overflow {
            let [a, b] = args[..] else { return Err(self.unsupported(format!("{what} with {} operands", args.len()))) };
            let ty = self.f.ty(a);
            let sum = self.value(InstKind::Binary { op: bop, flags: Flags::default(), lhs: a, rhs: b }, ty)?;
            let bit = self.value(InstKind::Intrinsic { op, args: vec![a, b] }, Type::I1)?;
            self.values.insert(inst.key(), Lv::Agg(vec![Lv::S(sum), Lv::S(bit)]));
            return Ok(());
        }
        let Some(&(_, op)) = VALUE_INTRINSICS.iter().find(|(b, _)| is(name, b)) else {
            return Err(self.unsupported(format!("intrinsic 'llvm.{name}'")));
        };
        if args.len() != op.arity() {
            return Err(self.unsupported(format!("{what} with {} operands", args.len())));
        }
        let ty = self.scalar_ty(inst.ty(), &what)?;
        let r = self.value(InstKind::Intrinsic { op, args }, ty)?;
        self.values.insert(inst.key(), Lv::S(r));
        Ok(())
    }

    /// `memcpy`/`memmove`/`memset` (intrinsic or library call); returns the destination.
    fn mem(&mut self, inst: Val<'m>, kind: MemFn) -> Result<tessera_ir::Value> {
        if inst.num_args() < 3 {
            return Err(self.unsupported("memory intrinsic with too few operands".into()));
        }
        let dst = self.scalar(inst.operand(0))?;
        let second = self.scalar(inst.operand(1))?;
        let len = self.scalar(inst.operand(2))?;
        let kind = match kind {
            MemFn::Copy => InstKind::MemCopy { dst, src: second, len, overlap: false },
            MemFn::Move => InstKind::MemCopy { dst, src: second, len, overlap: true },
            MemFn::Set => InstKind::MemSet { dst, byte: second, len },
        };
        self.emit(kind, None);
        Ok(dst)
    }
}
