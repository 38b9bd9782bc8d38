//! LLVM module -> [`tessera_ir::Program`]: finds the entry, walks the call graph from it
//! (rejecting recursion), converts each reachable function and the globals they use, and
//! runs tessera's verifier on the result.
//!
//! - [`types`]: type classification, aggregate shapes, names;
//! - [`globals`]: global layout and initialisers;
//! - [`func`]: one function's blocks, values, operands and phis;
//! - [`inst`]: the per-opcode rules; [`call`]: calls and intrinsics.

mod call;
mod func;
mod globals;
mod inst;
pub(crate) mod types;

use crate::error::FrontendError;
use crate::ll::{Module, Opcode, Ty, TypeKind, Val};
use std::collections::HashMap;
use tessera_ir::types::sext;
use tessera_ir::{Func, Global, Program};

/// Module-wide state of one conversion.
pub(crate) struct ModuleCx<'m> {
    pub(crate) m: Module<'m>,
    pub(crate) program: Program,
    /// The converted functions, by LLVM function.
    pub(crate) funcs: HashMap<usize, Func>,
    globals: HashMap<usize, Global>,
    /// Globals whose handle exists but whose initialiser is not written yet.
    queue: Vec<(Val<'m>, Global)>,
    /// Every address-taken function of the module (defined or declared), by LLVM function,
    /// with its address ([`tessera_ir::func_addr`] of its rank in module order).
    pub(crate) fn_addrs: HashMap<usize, u64>,
    /// The address-taken functions that are defined, in module order: indirect calls' targets.
    pub(crate) taken: Vec<Val<'m>>,
}

/// A defined function with its names.
struct Named<'m> {
    f: Val<'m>,
    symbol: String,
    demangled: Option<String>,
}

impl Named<'_> {
    fn display(&self) -> &str {
        self.demangled.as_deref().unwrap_or(&self.symbol)
    }
}

/// Converts the functions of `module` reachable from `entry` (the first function of the
/// result) and the globals they use.
pub(crate) fn convert_module(module: &inkwell::module::Module<'_>, entry: &str) -> Result<(Program, Func), FrontendError> {
    let m = Module::new(module);
    if m.pointer_size() != 8 {
        return Err(FrontendError::UnsupportedTarget { reason: format!("{}-byte pointers (tessera needs 64-bit pointers)", m.pointer_size()) });
    }
    let defined: Vec<Named> = m
        .functions()
        .into_iter()
        .filter(|f| !f.is_declaration())
        .map(|f| {
            let symbol = f.name();
            let demangled = types::demangle(&symbol);
            Named { f, symbol, demangled }
        })
        .collect();
    let entry_fn = find_entry(&defined, entry)?;
    let names: HashMap<usize, &Named> = defined.iter().map(|n| (n.f.key(), n)).collect();
    let all_taken: Vec<Val> = m.functions().into_iter().filter(|f| f.address_taken()).collect();
    let fn_addrs = all_taken.iter().enumerate().map(|(k, f)| (f.key(), tessera_ir::func_addr(k))).collect();
    let taken: Vec<Val> = all_taken.into_iter().filter(|f| !f.is_declaration()).collect();
    let order = reachable(entry_fn, &names, &taken)?;

    let mut cx = ModuleCx {
        m,
        program: Program::default(),
        funcs: HashMap::new(),
        globals: HashMap::new(),
        queue: Vec::new(),
        fn_addrs,
        taken,
    };
    for f in &order {
        let id = cx.program.funcs.push(tessera_ir::Function::default());
        cx.funcs.insert(f.key(), id);
    }
    for (i, f) in order.iter().enumerate() {
        let n = names.get(&f.key()).ok_or_else(|| FrontendError::Internal("reachable function without a name".into()))?;
        let func = func::convert_function(&mut cx, *f, &n.symbol, n.demangled.clone())?;
        cx.program.funcs[Func(i as u32)] = func;
    }
    let program = cx.program;
    tessera_ir::verify::verify_program(&program)
        .map_err(|e| FrontendError::Internal(format!("the converted program fails tessera's verifier:\n{e}\n\n{program}")))?;
    Ok((program, Func(0)))
}

/// The entry by symbol, demangled name, or demangled path suffix (`collatz` for
/// `mycrate::collatz`) when that is unique.
fn find_entry<'m>(defined: &[Named<'m>], name: &str) -> Result<Val<'m>, FrontendError> {
    if let Some(n) = defined.iter().find(|n| n.symbol == name) {
        return Ok(n.f);
    }
    let exact: Vec<&Named> = defined.iter().filter(|n| n.demangled.as_deref() == Some(name)).collect();
    let matches = if exact.is_empty() {
        let suffix = format!("::{name}");
        defined.iter().filter(|n| n.demangled.as_deref().is_some_and(|d| d.ends_with(&suffix))).collect()
    } else {
        exact
    };
    match matches.as_slice() {
        [one] => Ok(one.f),
        [] => {
            // Rust's standard library instances are matchable but would drown the list.
            let library = |d: &str| ["core::", "alloc::", "std::", "<"].iter().any(|p| d.starts_with(p));
            let mut available: Vec<String> =
                defined.iter().map(|n| n.display().to_string()).filter(|d| !library(d)).collect();
            if available.is_empty() {
                available = defined.iter().map(|n| n.display().to_string()).collect();
            }
            Err(FrontendError::EntryNotFound { name: name.to_string(), available })
        }
        many => Err(FrontendError::AmbiguousEntry {
            name: name.to_string(),
            candidates: many.iter().map(|n| n.display().to_string()).collect(),
        }),
    }
}

/// The targets an indirect call `call` may reach: the address-taken defined functions whose
/// type is the call's.
pub(crate) fn indirect_targets<'m>(call: Val<'m>, taken: &[Val<'m>]) -> Vec<Val<'m>> {
    let Some(t) = call.called_function_type() else { return Vec::new() };
    taken.iter().copied().filter(|f| f.global_value_type() == Some(t)).collect()
}

/// Defined functions `f` may call, in first-call order: those called directly, and for an
/// indirect call every address-taken function of its type.
fn callees<'m>(f: Val<'m>, taken: &[Val<'m>]) -> Vec<Val<'m>> {
    let mut out: Vec<Val<'m>> = Vec::new();
    for b in f.blocks() {
        for i in b.instructions() {
            if let Some(mut c) = i.called_value() {
                if let Some(a) = c.aliasee() {
                    c = a;
                }
                let targets = if c.is_function() {
                    vec![c]
                } else if c.kind() == crate::ll::ValueKind::LLVMInlineAsmValueKind {
                    vec![]
                } else {
                    indirect_targets(i, taken)
                };
                for c in targets {
                    if c.is_function() && !c.is_declaration() && !out.contains(&c) {
                        out.push(c);
                    }
                }
            }
        }
    }
    out
}

/// Functions reachable from `entry` in depth-first preorder; a cycle is a recursion error.
fn reachable<'m>(
    entry: Val<'m>,
    names: &HashMap<usize, &Named<'m>>,
    taken: &[Val<'m>],
) -> Result<Vec<Val<'m>>, FrontendError> {
    let name = |f: Val<'m>| names.get(&f.key()).map(|n| n.display().to_string()).unwrap_or_else(|| f.name());
    let mut order = vec![entry];
    let mut done: HashMap<usize, bool> = HashMap::from([(entry.key(), false)]); // false: on the stack
    let mut stack: Vec<(Val<'m>, Vec<Val<'m>>, usize)> = vec![(entry, callees(entry, taken), 0)];
    while let Some((f, cs, k)) = stack.last_mut() {
        let Some(&c) = cs.get(*k) else {
            done.insert(f.key(), true);
            stack.pop();
            continue;
        };
        *k += 1;
        match done.get(&c.key()) {
            Some(true) => {}
            Some(false) => {
                let start = stack.iter().position(|(g, _, _)| *g == c).unwrap_or(0);
                let mut cycle: Vec<String> = stack[start..].iter().map(|(g, _, _)| name(*g)).collect();
                cycle.push(name(c));
                return Err(FrontendError::Recursion { cycle });
            }
            None => {
                done.insert(c.key(), false);
                order.push(c);
                stack.push((c, callees(c, taken), 0));
            }
        }
    }
    Ok(order)
}

/// Flattens a GEP (instruction or constant expression): the constant byte offset, and the
/// non-constant indices with their scales in bytes.
pub(crate) fn gep_terms<'m>(m: Module<'m>, v: Val<'m>) -> Result<(i64, Vec<(Val<'m>, i64)>), String> {
    let src = v.gep_source_type().ok_or("getelementptr without a source element type")?;
    let size = |t: Ty<'m>| -> Result<i64, String> {
        let s = m.alloc_size(t).ok_or_else(|| format!("getelementptr over unsized type {}", t.print()))?;
        i64::try_from(s).map_err(|_| format!("getelementptr over a type of {s} bytes"))
    };
    let mut offset = 0i64;
    let mut vars = Vec::new();
    let mut cur = src;
    for k in 1..v.num_operands() {
        let idx = v.operand(k).ok_or("getelementptr with a missing index")?;
        let scale = if k == 1 {
            size(src)?
        } else {
            match cur.kind() {
                TypeKind::LLVMStructTypeKind => {
                    let field = idx.const_int().ok_or("getelementptr with a non-constant struct field index")? as u32;
                    let off = m.field_offset(cur, field).ok_or("getelementptr with a bad struct field index")?;
                    offset = offset.wrapping_add(off as i64);
                    cur = cur.struct_field(field).ok_or("getelementptr with a bad struct field index")?;
                    continue;
                }
                TypeKind::LLVMArrayTypeKind | TypeKind::LLVMVectorTypeKind => {
                    let e = cur.element().ok_or("getelementptr into a malformed array type")?;
                    cur = e;
                    size(e)?
                }
                _ => return Err(format!("getelementptr indexing into {}", cur.print())),
            }
        };
        match idx.const_int() {
            Some(c) => offset = offset.wrapping_add(sext(c, idx.ty().int_width().clamp(1, 64)).wrapping_mul(scale)),
            None if scale == 0 => {}
            None => vars.push((idx, scale)),
        }
    }
    Ok((offset, vars))
}

/// True for instructions whose opcode is a call.
pub(crate) fn is_call(v: Val<'_>) -> bool {
    v.opcode() == Some(Opcode::LLVMCall)
}
