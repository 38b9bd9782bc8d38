//! A thin read-only view of an LLVM module through the C API.
//!
//! inkwell owns the module's lifecycle (parsing, verifying, passes); the converter walks it
//! through these small `Copy` handles instead, because it needs accessors inkwell lacks
//! (constant-expression opcodes, debug locations, GEP source types, aggregate elements) and
//! must never panic on an unexpected value kind. All `unsafe` of the crate lives here.
//!
//! Safety argument: every handle is created from a module borrowed for `'m` (see
//! [`Module::new`]); the module is neither mutated nor dropped while handles exist, and every
//! accessor only calls C API functions valid for the kind of value or type it checked first.

use llvm_sys::core::*;
use llvm_sys::prelude::*;
use llvm_sys::target::*;
use std::ffi::CStr;
use std::marker::PhantomData;

pub(crate) use llvm_sys::LLVMIntPredicate as IntPredicate;
pub(crate) use llvm_sys::LLVMOpcode as Opcode;
pub(crate) use llvm_sys::LLVMTypeKind as TypeKind;
pub(crate) use llvm_sys::LLVMValueKind as ValueKind;

/// A borrowed module with its data layout.
#[derive(Copy, Clone)]
pub(crate) struct Module<'m> {
    m: LLVMModuleRef,
    td: LLVMTargetDataRef,
    _p: PhantomData<&'m ()>,
}

/// A value (instruction, constant, global, function, argument, basic block as value).
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Val<'m> {
    r: LLVMValueRef,
    _p: PhantomData<&'m ()>,
}

/// A type.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Ty<'m> {
    r: LLVMTypeRef,
    _p: PhantomData<&'m ()>,
}

/// A basic block.
#[derive(Copy, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Bb<'m> {
    r: LLVMBasicBlockRef,
    _p: PhantomData<&'m ()>,
}

fn val<'m>(r: LLVMValueRef) -> Option<Val<'m>> {
    (!r.is_null()).then_some(Val { r, _p: PhantomData })
}
fn ty<'m>(r: LLVMTypeRef) -> Option<Ty<'m>> {
    (!r.is_null()).then_some(Ty { r, _p: PhantomData })
}
fn bb<'m>(r: LLVMBasicBlockRef) -> Option<Bb<'m>> {
    (!r.is_null()).then_some(Bb { r, _p: PhantomData })
}

/// Takes ownership of an LLVM message string.
fn message(p: *mut CChar) -> String {
    if p.is_null() {
        return String::new();
    }
    // SAFETY: `p` is a NUL-terminated string allocated by LLVM, freed once here.
    unsafe {
        let s = CStr::from_ptr(p).to_string_lossy().into_owned();
        LLVMDisposeMessage(p);
        s
    }
}
type CChar = std::ffi::c_char;

fn bytes_to_string(p: *const CChar, len: usize) -> String {
    if p.is_null() || len == 0 {
        return String::new();
    }
    // SAFETY: LLVM returned `len` readable bytes at `p`.
    let b = unsafe { std::slice::from_raw_parts(p as *const u8, len) };
    String::from_utf8_lossy(b).into_owned()
}

impl<'m> Module<'m> {
    /// Views `module` for as long as it is borrowed.
    pub(crate) fn new(module: &'m inkwell::module::Module<'_>) -> Module<'m> {
        let m = module.as_mut_ptr();
        // SAFETY: `m` is a live module; its data layout lives as long as it does.
        let td = unsafe { LLVMGetModuleDataLayout(m) };
        Module { m, td, _p: PhantomData }
    }

    /// Functions (definitions and declarations) in module order.
    pub(crate) fn functions(self) -> Vec<Val<'m>> {
        let mut out = Vec::new();
        // SAFETY: iterating the module's function list.
        let mut f = unsafe { LLVMGetFirstFunction(self.m) };
        while let Some(v) = val(f) {
            out.push(v);
            f = unsafe { LLVMGetNextFunction(f) };
        }
        out
    }

    /// LLVM's allocation size of `t` (`getTypeAllocSize`), `None` for unsized types.
    pub(crate) fn alloc_size(self, t: Ty<'m>) -> Option<u64> {
        // SAFETY: the size is only asked for sized types.
        unsafe { (LLVMTypeIsSized(t.r) != 0).then(|| LLVMABISizeOfType(self.td, t.r)) }
    }

    /// Byte offset of field `i` of struct type `t`.
    pub(crate) fn field_offset(self, t: Ty<'m>, i: u32) -> Option<u64> {
        if t.kind() != TypeKind::LLVMStructTypeKind || i >= t.struct_len() || self.alloc_size(t).is_none() {
            return None;
        }
        // SAFETY: `t` is a sized struct type and `i` is in range.
        Some(unsafe { LLVMOffsetOfElement(self.td, t.r, i) })
    }

    /// Pointer size in bytes for address space 0.
    pub(crate) fn pointer_size(self) -> u32 {
        // SAFETY: the data layout is live.
        unsafe { LLVMPointerSize(self.td) }
    }

    /// Preferred alignment of global variable `g`.
    pub(crate) fn global_pref_align(self, g: Val<'m>) -> u32 {
        // SAFETY: `g` is a global variable (callers check).
        unsafe { LLVMPreferredAlignmentOfGlobal(self.td, g.r) }
    }
}

impl<'m> Val<'m> {
    /// The raw reference, as a map key.
    pub(crate) fn key(self) -> usize {
        self.r as usize
    }

    pub(crate) fn kind(self) -> ValueKind {
        // SAFETY: every value has a kind.
        unsafe { LLVMGetValueKind(self.r) }
    }

    pub(crate) fn ty(self) -> Ty<'m> {
        // SAFETY: every value has a type (never null).
        Ty { r: unsafe { LLVMTypeOf(self.r) }, _p: PhantomData }
    }

    /// The value's name (empty when unnamed).
    pub(crate) fn name(self) -> String {
        let mut len = 0usize;
        // SAFETY: LLVM returns a pointer and length into the value's name.
        let p = unsafe { LLVMGetValueName2(self.r, &mut len) };
        bytes_to_string(p, len)
    }

    /// The value as LLVM prints it.
    pub(crate) fn print(self) -> String {
        // SAFETY: printing any value is allowed.
        message(unsafe { LLVMPrintValueToString(self.r) })
    }

    pub(crate) fn is_instruction(self) -> bool {
        self.kind() == ValueKind::LLVMInstructionValueKind
    }

    /// The opcode of an instruction or constant expression.
    pub(crate) fn opcode(self) -> Option<Opcode> {
        // SAFETY: the opcode accessors are called on the kind they expect.
        match self.kind() {
            ValueKind::LLVMInstructionValueKind => Some(unsafe { LLVMGetInstructionOpcode(self.r) }),
            ValueKind::LLVMConstantExprValueKind => Some(unsafe { LLVMGetConstOpcode(self.r) }),
            _ => None,
        }
    }

    pub(crate) fn num_operands(self) -> u32 {
        // SAFETY: only users have operands; other values have none.
        match self.kind() {
            ValueKind::LLVMInstructionValueKind
            | ValueKind::LLVMConstantExprValueKind
            | ValueKind::LLVMConstantArrayValueKind
            | ValueKind::LLVMConstantStructValueKind
            | ValueKind::LLVMConstantVectorValueKind
            | ValueKind::LLVMGlobalVariableValueKind
            | ValueKind::LLVMGlobalAliasValueKind => unsafe { LLVMGetNumOperands(self.r) as u32 },
            _ => 0,
        }
    }

    pub(crate) fn operand(self, i: u32) -> Option<Val<'m>> {
        if i >= self.num_operands() {
            return None;
        }
        // SAFETY: `i` is in range for a user.
        val(unsafe { LLVMGetOperand(self.r, i) })
    }

    /// Bits of an integer constant of at most 64 bits.
    pub(crate) fn const_int(self) -> Option<u64> {
        if self.kind() != ValueKind::LLVMConstantIntValueKind || self.ty().int_width() > 64 {
            return None;
        }
        // SAFETY: a ConstantInt of at most 64 bits.
        Some(unsafe { LLVMConstIntGetZExtValue(self.r) })
    }

    /// Bits of an integer constant of at most 256 bits, as little-endian limbs.
    pub(crate) fn const_wide(self) -> Option<[u64; 4]> {
        let w = self.ty().int_width();
        if self.kind() != ValueKind::LLVMConstantIntValueKind || w > 256 {
            return None;
        }
        if w <= 64 {
            return self.const_int().map(|v| [v, 0, 0, 0]);
        }
        // The C API reads at most 64 bits of a ConstantInt; LLVM prints it as `iN <decimal>`.
        let text = self.print();
        let digits = text.split_whitespace().nth(1)?;
        tessera_ir::exec::wide::parse_decimal(digits, w)
    }

    /// A floating-point constant as a double, and whether that conversion lost information.
    pub(crate) fn const_real(self) -> Option<(f64, bool)> {
        if self.kind() != ValueKind::LLVMConstantFPValueKind {
            return None;
        }
        let mut loses = 0;
        // SAFETY: a ConstantFP.
        let d = unsafe { LLVMConstRealGetDouble(self.r, &mut loses) };
        Some((d, loses != 0))
    }

    /// Element `i` of an aggregate or vector constant (struct, array, zero, undef, data array).
    pub(crate) fn aggregate_element(self, i: u32) -> Option<Val<'m>> {
        // SAFETY: LLVMGetAggregateElement returns null when there is no such element.
        val(unsafe { LLVMGetAggregateElement(self.r, i) })
    }

    /// The bytes of an `i8` data array constant (`c"..."`).
    pub(crate) fn const_string(self) -> Option<Vec<u8>> {
        if self.kind() != ValueKind::LLVMConstantDataArrayValueKind {
            return None;
        }
        // SAFETY: a ConstantDataArray; the string accessors are only used when it is a string.
        unsafe {
            if LLVMIsConstantString(self.r) == 0 {
                return None;
            }
            let mut len = 0usize;
            let p = LLVMGetAsString(self.r, &mut len);
            if p.is_null() {
                return Some(Vec::new());
            }
            Some(std::slice::from_raw_parts(p as *const u8, len).to_vec())
        }
    }

    pub(crate) fn icmp_predicate(self) -> Option<IntPredicate> {
        // SAFETY: only asked of icmp instructions.
        (self.opcode() == Some(Opcode::LLVMICmp) && self.is_instruction()).then(|| unsafe { LLVMGetICmpPredicate(self.r) })
    }

    /// `nuw`, `nsw` of an instruction that can carry them (add, sub, mul, shl, trunc).
    pub(crate) fn wrap_flags(self) -> (bool, bool) {
        use Opcode::*;
        if !self.is_instruction() {
            return (false, false);
        }
        match self.opcode() {
            // SAFETY: overflowing binary operators and trunc answer hasNoUnsignedWrap.
            Some(LLVMAdd | LLVMSub | LLVMMul | LLVMShl | LLVMTrunc) => unsafe {
                (LLVMGetNUW(self.r) != 0, LLVMGetNSW(self.r) != 0)
            },
            _ => (false, false),
        }
    }

    /// `exact` of udiv/sdiv/lshr/ashr instructions.
    pub(crate) fn exact_flag(self) -> bool {
        use Opcode::*;
        // SAFETY: possibly-exact operators only.
        self.is_instruction()
            && matches!(self.opcode(), Some(LLVMUDiv | LLVMSDiv | LLVMLShr | LLVMAShr))
            && unsafe { LLVMGetExact(self.r) != 0 }
    }

    /// `disjoint` of `or` instructions.
    pub(crate) fn disjoint_flag(self) -> bool {
        // SAFETY: `or` instructions only.
        self.is_instruction() && self.opcode() == Some(Opcode::LLVMOr) && unsafe { LLVMGetIsDisjoint(self.r) != 0 }
    }

    /// `nneg` of `zext` instructions.
    pub(crate) fn nneg_flag(self) -> bool {
        // SAFETY: `zext` instructions only.
        self.is_instruction() && self.opcode() == Some(Opcode::LLVMZExt) && unsafe { LLVMGetNNeg(self.r) != 0 }
    }

    /// Alignment of an alloca, load, store or global variable.
    pub(crate) fn alignment(self) -> u32 {
        use Opcode::*;
        let ok = match self.kind() {
            ValueKind::LLVMGlobalVariableValueKind => true,
            ValueKind::LLVMInstructionValueKind => matches!(self.opcode(), Some(LLVMAlloca | LLVMLoad | LLVMStore)),
            _ => false,
        };
        // SAFETY: the kinds LLVMGetAlignment accepts.
        if ok { unsafe { LLVMGetAlignment(self.r) } } else { 0 }
    }

    /// True for atomic loads and stores.
    pub(crate) fn is_atomic_access(self) -> bool {
        use Opcode::*;
        if !self.is_instruction() || !matches!(self.opcode(), Some(LLVMLoad | LLVMStore)) {
            return false;
        }
        // SAFETY: loads and stores have an ordering.
        unsafe { LLVMGetOrdering(self.r) != llvm_sys::LLVMAtomicOrdering::LLVMAtomicOrderingNotAtomic }
    }

    /// The source element type of a GEP instruction or constant expression.
    pub(crate) fn gep_source_type(self) -> Option<Ty<'m>> {
        if self.opcode() != Some(Opcode::LLVMGetElementPtr) {
            return None;
        }
        // SAFETY: a GEPOperator.
        ty(unsafe { LLVMGetGEPSourceElementType(self.r) })
    }

    /// The allocated type of an alloca.
    pub(crate) fn allocated_type(self) -> Option<Ty<'m>> {
        if !self.is_instruction() || self.opcode() != Some(Opcode::LLVMAlloca) {
            return None;
        }
        // SAFETY: an alloca.
        ty(unsafe { LLVMGetAllocatedType(self.r) })
    }

    /// The indices of an extractvalue/insertvalue instruction.
    pub(crate) fn agg_indices(self) -> Vec<u32> {
        use Opcode::*;
        if !self.is_instruction() || !matches!(self.opcode(), Some(LLVMExtractValue | LLVMInsertValue)) {
            return Vec::new();
        }
        // SAFETY: extractvalue/insertvalue have `n` indices at the returned pointer.
        unsafe {
            let n = LLVMGetNumIndices(self.r) as usize;
            let p = LLVMGetIndices(self.r);
            if p.is_null() {
                return Vec::new();
            }
            std::slice::from_raw_parts(p, n).to_vec()
        }
    }

    /// The called operand of a call or invoke.
    pub(crate) fn called_value(self) -> Option<Val<'m>> {
        use Opcode::*;
        if !self.is_instruction() || !matches!(self.opcode(), Some(LLVMCall | LLVMInvoke | LLVMCallBr)) {
            return None;
        }
        // SAFETY: a call base.
        val(unsafe { LLVMGetCalledValue(self.r) })
    }

    /// The function type a call instruction calls with.
    pub(crate) fn called_function_type(self) -> Option<Ty<'m>> {
        self.called_value()?;
        // SAFETY: a call base.
        ty(unsafe { LLVMGetCalledFunctionType(self.r) })
    }

    /// True when the value is used anywhere other than as the callee of a call: its address
    /// is taken (stored, passed, compared, or in a constant such as an initialiser).
    pub(crate) fn address_taken(self) -> bool {
        // SAFETY: walking a value's use list; each use has a user.
        unsafe {
            let mut u = LLVMGetFirstUse(self.r);
            while !u.is_null() {
                let Some(user) = val(LLVMGetUser(u)) else { return true };
                let callee_only = user.called_value() == Some(self)
                    && (0..user.num_args()).all(|i| user.operand(i) != Some(self));
                if !callee_only {
                    return true;
                }
                u = LLVMGetNextUse(u);
            }
        }
        false
    }

    /// The template of an inline-assembly value (`""` for `asm("")`); `None` for any other
    /// value.
    pub(crate) fn inline_asm_string(self) -> Option<String> {
        if self.kind() != ValueKind::LLVMInlineAsmValueKind {
            return None;
        }
        let mut len = 0usize;
        // SAFETY: an inline-asm value; the string lives as long as the value.
        let p = unsafe { LLVMGetInlineAsmAsmString(self.r, &mut len) };
        Some(bytes_to_string(p, len))
    }

    /// Number of argument operands of a call.
    pub(crate) fn num_args(self) -> u32 {
        if self.called_value().is_none() {
            return 0;
        }
        // SAFETY: a call base.
        unsafe { LLVMGetNumArgOperands(self.r) }
    }

    /// True when the call site carries attribute `name` on the function.
    pub(crate) fn call_has_fn_attr(self, name: &str) -> bool {
        if self.called_value().is_none() {
            return false;
        }
        let kind = attr_kind(name);
        // SAFETY: a call base; attribute lookups return null when absent.
        kind != 0 && unsafe { !LLVMGetCallSiteEnumAttribute(self.r, llvm_sys::LLVMAttributeFunctionIndex, kind).is_null() }
    }

    /// The type in call argument `i`'s `byval(<type>)` attribute, when it has one.
    pub(crate) fn call_arg_byval_type(self, i: u32) -> Option<Ty<'m>> {
        let kind = attr_kind("byval");
        if self.called_value().is_none() || kind == 0 {
            return None;
        }
        // SAFETY: a call base; the lookup returns null when absent.
        type_attr_value(unsafe { LLVMGetCallSiteEnumAttribute(self.r, i + 1, kind) })
    }

    /// Phi incoming pairs.
    pub(crate) fn incoming(self) -> Vec<(Val<'m>, Bb<'m>)> {
        if !self.is_instruction() || self.opcode() != Some(Opcode::LLVMPHI) {
            return Vec::new();
        }
        // SAFETY: a phi; indices are in range.
        unsafe {
            let n = LLVMCountIncoming(self.r);
            (0..n)
                .filter_map(|i| Some((val(LLVMGetIncomingValue(self.r, i))?, bb(LLVMGetIncomingBlock(self.r, i))?)))
                .collect()
        }
    }

    /// Successor blocks of a terminator, in operand order.
    pub(crate) fn successors(self) -> Vec<Bb<'m>> {
        // SAFETY: only terminators are asked; indices are in range.
        unsafe {
            if !self.is_instruction() || LLVMIsATerminatorInst(self.r).is_null() {
                return Vec::new();
            }
            let n = LLVMGetNumSuccessors(self.r);
            (0..n).filter_map(|i| bb(LLVMGetSuccessor(self.r, i))).collect()
        }
    }

    /// The condition of a conditional branch.
    pub(crate) fn branch_condition(self) -> Option<Val<'m>> {
        if !self.is_instruction() || self.opcode() != Some(Opcode::LLVMBr) {
            return None;
        }
        // SAFETY: a branch.
        unsafe { (LLVMIsConditional(self.r) != 0).then(|| val(LLVMGetCondition(self.r))).flatten() }
    }

    /// The source location of an instruction, when it has one.
    pub(crate) fn debug_loc(self) -> Option<(String, u32, u32)> {
        if !self.is_instruction() {
            return None;
        }
        // SAFETY: an instruction; the accessors return 0 / empty when there is no location.
        unsafe {
            let line = LLVMGetDebugLocLine(self.r);
            if line == 0 {
                return None;
            }
            let col = LLVMGetDebugLocColumn(self.r);
            let mut len = 0u32;
            let p = LLVMGetDebugLocFilename(self.r, &mut len);
            Some((bytes_to_string(p, len as usize), line, col))
        }
    }

    // ---- functions ----

    pub(crate) fn is_function(self) -> bool {
        self.kind() == ValueKind::LLVMFunctionValueKind
    }

    /// True for a function or global without a body or initialiser.
    pub(crate) fn is_declaration(self) -> bool {
        // SAFETY: only asked of global values.
        matches!(
            self.kind(),
            ValueKind::LLVMFunctionValueKind | ValueKind::LLVMGlobalVariableValueKind | ValueKind::LLVMGlobalAliasValueKind
        ) && unsafe { LLVMIsDeclaration(self.r) != 0 }
    }

    /// The value type of a global value (the function type of a function).
    pub(crate) fn global_value_type(self) -> Option<Ty<'m>> {
        match self.kind() {
            ValueKind::LLVMFunctionValueKind
            | ValueKind::LLVMGlobalVariableValueKind
            | ValueKind::LLVMGlobalAliasValueKind => {
                // SAFETY: a global value.
                ty(unsafe { LLVMGlobalGetValueType(self.r) })
            }
            _ => None,
        }
    }

    pub(crate) fn params(self) -> Vec<Val<'m>> {
        if !self.is_function() {
            return Vec::new();
        }
        // SAFETY: a function; indices are in range.
        unsafe { (0..LLVMCountParams(self.r)).filter_map(|i| val(LLVMGetParam(self.r, i))).collect() }
    }

    pub(crate) fn blocks(self) -> Vec<Bb<'m>> {
        if !self.is_function() {
            return Vec::new();
        }
        let mut out = Vec::new();
        // SAFETY: iterating a function's block list.
        let mut b = unsafe { LLVMGetFirstBasicBlock(self.r) };
        while let Some(x) = bb(b) {
            out.push(x);
            b = unsafe { LLVMGetNextBasicBlock(b) };
        }
        out
    }

    /// True when the function carries attribute `name` (e.g. `noreturn`).
    pub(crate) fn fn_has_attr(self, name: &str) -> bool {
        self.attr_at(llvm_sys::LLVMAttributeFunctionIndex, name)
    }

    /// True when the function's return value carries attribute `name` (e.g. `noundef`).
    pub(crate) fn ret_has_attr(self, name: &str) -> bool {
        self.attr_at(llvm_sys::LLVMAttributeReturnIndex, name)
    }

    /// True when the function's parameter `i` (from 0) carries attribute `name`.
    pub(crate) fn param_has_attr(self, i: u32, name: &str) -> bool {
        self.attr_at(i + 1, name)
    }

    /// The type in parameter `i`'s `byval(<type>)` attribute, when it has one.
    pub(crate) fn param_byval_type(self, i: u32) -> Option<Ty<'m>> {
        let kind = attr_kind("byval");
        if !self.is_function() || kind == 0 {
            return None;
        }
        // SAFETY: a function; the lookup returns null when absent.
        type_attr_value(unsafe { LLVMGetEnumAttributeAtIndex(self.r, i + 1, kind) })
    }

    /// The value of parameter `i`'s `align` attribute, when it has one.
    pub(crate) fn param_align(self, i: u32) -> Option<u64> {
        let kind = attr_kind("align");
        if !self.is_function() || kind == 0 {
            return None;
        }
        // SAFETY: a function; the lookup returns null when absent; `align` is an integer
        // attribute.
        unsafe {
            let a = LLVMGetEnumAttributeAtIndex(self.r, i + 1, kind);
            (!a.is_null()).then(|| LLVMGetEnumAttributeValue(a))
        }
    }

    /// An enum attribute of a function at an attribute index (function, return, 1 + param).
    fn attr_at(self, index: llvm_sys::LLVMAttributeIndex, name: &str) -> bool {
        let kind = attr_kind(name);
        // SAFETY: a function; attribute lookups return null when absent, for any index.
        self.is_function() && kind != 0 && unsafe { !LLVMGetEnumAttributeAtIndex(self.r, index, kind).is_null() }
    }

    // ---- globals ----

    pub(crate) fn initializer(self) -> Option<Val<'m>> {
        if self.kind() != ValueKind::LLVMGlobalVariableValueKind {
            return None;
        }
        // SAFETY: a global variable; null when it is a declaration.
        val(unsafe { LLVMGetInitializer(self.r) })
    }

    pub(crate) fn is_global_constant(self) -> bool {
        // SAFETY: a global variable.
        self.kind() == ValueKind::LLVMGlobalVariableValueKind && unsafe { LLVMIsGlobalConstant(self.r) != 0 }
    }

    pub(crate) fn is_thread_local(self) -> bool {
        // SAFETY: a global variable.
        self.kind() == ValueKind::LLVMGlobalVariableValueKind && unsafe { LLVMIsThreadLocal(self.r) != 0 }
    }

    pub(crate) fn aliasee(self) -> Option<Val<'m>> {
        if self.kind() != ValueKind::LLVMGlobalAliasValueKind {
            return None;
        }
        // SAFETY: a global alias.
        val(unsafe { LLVMAliasGetAliasee(self.r) })
    }
}

impl<'m> Bb<'m> {
    pub(crate) fn key(self) -> usize {
        self.r as usize
    }

    pub(crate) fn name(self) -> String {
        // SAFETY: a live block; the name is NUL-terminated.
        unsafe {
            let p = LLVMGetBasicBlockName(self.r);
            if p.is_null() {
                String::new()
            } else {
                CStr::from_ptr(p).to_string_lossy().into_owned()
            }
        }
    }

    pub(crate) fn instructions(self) -> Vec<Val<'m>> {
        let mut out = Vec::new();
        // SAFETY: iterating a block's instruction list.
        let mut i = unsafe { LLVMGetFirstInstruction(self.r) };
        while let Some(v) = val(i) {
            out.push(v);
            i = unsafe { LLVMGetNextInstruction(i) };
        }
        out
    }
}

impl<'m> Ty<'m> {
    pub(crate) fn kind(self) -> TypeKind {
        // SAFETY: every type has a kind.
        unsafe { LLVMGetTypeKind(self.r) }
    }

    /// Width of an integer type (0 for other types).
    pub(crate) fn int_width(self) -> u32 {
        // SAFETY: integer types only.
        if self.kind() == TypeKind::LLVMIntegerTypeKind { unsafe { LLVMGetIntTypeWidth(self.r) } } else { 0 }
    }

    /// Address space of a pointer type.
    pub(crate) fn address_space(self) -> u32 {
        // SAFETY: pointer types only.
        if self.kind() == TypeKind::LLVMPointerTypeKind { unsafe { LLVMGetPointerAddressSpace(self.r) } } else { 0 }
    }

    /// Number of fields of a struct type.
    pub(crate) fn struct_len(self) -> u32 {
        // SAFETY: struct types only.
        if self.kind() == TypeKind::LLVMStructTypeKind { unsafe { LLVMCountStructElementTypes(self.r) } } else { 0 }
    }

    pub(crate) fn struct_field(self, i: u32) -> Option<Ty<'m>> {
        if i >= self.struct_len() {
            return None;
        }
        // SAFETY: a struct type, `i` in range.
        ty(unsafe { LLVMStructGetTypeAtIndex(self.r, i) })
    }

    /// Element type of an array or vector type.
    pub(crate) fn element(self) -> Option<Ty<'m>> {
        match self.kind() {
            // SAFETY: sequential types have an element type.
            TypeKind::LLVMArrayTypeKind | TypeKind::LLVMVectorTypeKind | TypeKind::LLVMScalableVectorTypeKind => {
                ty(unsafe { LLVMGetElementType(self.r) })
            }
            _ => None,
        }
    }

    /// Length of an array type.
    pub(crate) fn array_len(self) -> u64 {
        // SAFETY: array types only.
        if self.kind() == TypeKind::LLVMArrayTypeKind { unsafe { LLVMGetArrayLength2(self.r) } } else { 0 }
    }

    /// Return type of a function type.
    pub(crate) fn return_type(self) -> Option<Ty<'m>> {
        // SAFETY: function types only.
        (self.kind() == TypeKind::LLVMFunctionTypeKind).then(|| ty(unsafe { LLVMGetReturnType(self.r) })).flatten()
    }

    /// Parameter types of a function type.
    pub(crate) fn param_types(self) -> Vec<Ty<'m>> {
        if self.kind() != TypeKind::LLVMFunctionTypeKind {
            return Vec::new();
        }
        // SAFETY: a function type; the buffer has room for every parameter.
        unsafe {
            let n = LLVMCountParamTypes(self.r) as usize;
            let mut buf: Vec<LLVMTypeRef> = vec![std::ptr::null_mut(); n];
            LLVMGetParamTypes(self.r, buf.as_mut_ptr());
            buf.into_iter().filter_map(ty).collect()
        }
    }

    pub(crate) fn is_vararg(self) -> bool {
        // SAFETY: function types only.
        self.kind() == TypeKind::LLVMFunctionTypeKind && unsafe { LLVMIsFunctionVarArg(self.r) != 0 }
    }

    /// The type as LLVM prints it.
    pub(crate) fn print(self) -> String {
        // SAFETY: printing any type is allowed.
        message(unsafe { LLVMPrintTypeToString(self.r) })
    }
}

fn attr_kind(name: &str) -> u32 {
    // SAFETY: the name is passed with its length.
    unsafe { LLVMGetEnumAttributeKindForName(name.as_ptr() as *const CChar, name.len()) }
}

/// Sets LLVM command-line options (process-wide); call once, before any module is used.
/// The type of a type attribute such as `byval(<type>)`; `None` for a null (absent) one.
fn type_attr_value<'m>(a: LLVMAttributeRef) -> Option<Ty<'m>> {
    if a.is_null() {
        return None;
    }
    // SAFETY: a non-null type attribute, whose type may be read.
    ty(unsafe { LLVMGetTypeAttributeValue(a) })
}

pub(crate) fn parse_llvm_options(args: &[&str]) {
    let owned: Vec<std::ffi::CString> = args.iter().filter_map(|a| std::ffi::CString::new(*a).ok()).collect();
    let ptrs: Vec<*const CChar> = owned.iter().map(|a| a.as_ptr()).collect();
    // SAFETY: `ptrs` holds `ptrs.len()` NUL-terminated strings that outlive the call.
    unsafe { llvm_sys::support::LLVMParseCommandLineOptions(ptrs.len() as i32, ptrs.as_ptr(), c"".as_ptr()) }
}
