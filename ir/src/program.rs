//! The program: globals and functions, each function's blocks, instructions and values in
//! typed arenas.

use crate::entity::Arena;
use crate::inst::InstKind;
use crate::types::Type;
use crate::{Block, Func, Global, Inst, Value};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// A source position from LLVM debug info.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct SrcLoc {
    /// Source file as written in the debug info.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub col: u32,
}

impl std::fmt::Display for SrcLoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.col > 0 {
            write!(f, "{}:{}:{}", self.file, self.line, self.col)
        } else {
            write!(f, "{}:{}", self.file, self.line)
        }
    }
}

/// How a value comes to be.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub enum ValueDef {
    /// The n-th function parameter.
    Param(u32),
    /// The result of an instruction.
    Inst(Inst),
    /// An integer (or null pointer) constant, masked to the type's width.
    Const(u64),
    /// An integer constant wider than 64 bits: little-endian limbs, masked to the width.
    WideConst([u64; 4]),
    /// The address of a global.
    GlobalAddr(Global),
    /// LLVM's `poison` or `undef` (tessera treats `undef` as poison).
    Poison,
}

/// A value's type and definition.
#[derive(Clone, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
pub struct ValueData {
    pub ty: Type,
    pub def: ValueDef,
}

/// One instruction: its kind, its result (if it produces one) and where it came from.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct InstData {
    pub kind: InstKind,
    pub result: Option<Value>,
    pub loc: Option<SrcLoc>,
}

/// A basic block: instructions in order; phis first, exactly one terminator, last.
#[derive(Clone, PartialEq, Eq, Debug, Default, Serialize, Deserialize)]
pub struct BlockData {
    pub insts: Vec<Inst>,
}

/// A function: parameters, blocks in layout order (the first is the entry), and the arenas
/// that own its blocks, instructions and values. Constants are interned per function.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Function {
    /// The symbol name (mangled for Rust).
    pub name: String,
    /// The demangled name, when different from `name`.
    pub demangled: Option<String>,
    /// Parameter values, in order.
    pub params: Vec<Value>,
    /// Return type; `None` for `void`.
    pub ret: Option<Type>,
    /// LLVM's `noundef` on each parameter (one entry per parameter): a call that passes
    /// poison or `undef` there is undefined behaviour. Without it the callee receives poison.
    #[serde(default)]
    pub param_noundef: Vec<bool>,
    /// LLVM's `noundef` on the return value: returning poison or `undef` is undefined
    /// behaviour. Without it the caller receives poison (and may ignore it).
    #[serde(default)]
    pub ret_noundef: bool,
    /// The function returned an aggregate in LLVM (clang returns a 16-byte struct or an
    /// `__int128` as `{ i64, i64 }`): the frontend passes a pointer to a caller's stack slot
    /// as the last parameter, and the function stores the fields there and returns `void`.
    #[serde(default)]
    pub ret_slot: bool,
    /// The function is variadic in LLVM: the caller lays the extra arguments out in memory as
    /// the x86-64 ABI's overflow area and passes its address as the parameter after the fixed
    /// ones (before a `ret_slot`); `va_start` points the `va_list` there.
    #[serde(default)]
    pub variadic: bool,
    pub values: Arena<Value, ValueData>,
    pub insts: Arena<Inst, InstData>,
    pub blocks: Arena<Block, BlockData>,
    /// Block order; `layout[0]` is the entry block. Blocks not listed are dead.
    pub layout: Vec<Block>,
    #[serde(skip)]
    consts: IndexMap<(Type, ValueDef), Value>,
}

impl Function {
    /// A function with the given parameter types and no blocks; no parameter and no return
    /// value is `noundef`.
    pub fn new(name: impl Into<String>, params: &[Type], ret: Option<Type>) -> Self {
        let mut f = Function { name: name.into(), ret, ..Default::default() };
        for (i, &ty) in params.iter().enumerate() {
            let v = f.values.push(ValueData { ty, def: ValueDef::Param(i as u32) });
            f.params.push(v);
        }
        f.param_noundef = vec![false; params.len()];
        f
    }

    /// True when parameter `i` is `noundef`.
    pub fn param_is_noundef(&self, i: usize) -> bool {
        self.param_noundef.get(i).copied().unwrap_or(false)
    }

    /// The entry block.
    pub fn entry(&self) -> Block {
        self.layout[0]
    }

    /// A new empty block appended to the layout.
    pub fn add_block(&mut self) -> Block {
        let b = self.blocks.push(BlockData::default());
        self.layout.push(b);
        b
    }

    /// Appends an instruction to `block`; returns its result value when `result_ty` is given.
    pub fn push_inst(
        &mut self,
        block: Block,
        kind: InstKind,
        result_ty: Option<Type>,
        loc: Option<SrcLoc>,
    ) -> (Inst, Option<Value>) {
        let inst = self.insts.push(InstData { kind, result: None, loc });
        let result = result_ty.map(|ty| self.values.push(ValueData { ty, def: ValueDef::Inst(inst) }));
        self.insts[inst].result = result;
        self.blocks[block].insts.push(inst);
        (inst, result)
    }

    /// The interned constant `bits` of type `ty` (masked to its width).
    pub fn const_value(&mut self, ty: Type, bits: u64) -> Value {
        self.interned(ty, ValueDef::Const(bits & ty.mask()))
    }

    /// The interned constant of a wide integer type from its little-endian limbs (masked to
    /// the width). A type of at most 64 bits gets an ordinary [`ValueDef::Const`].
    pub fn const_wide(&mut self, ty: Type, limbs: [u64; 4]) -> Value {
        if !ty.is_wide() {
            return self.const_value(ty, limbs[0]);
        }
        self.interned(ty, ValueDef::WideConst(crate::exec::wide::mask_limbs(limbs, ty.bits())))
    }

    /// The interned poison value of type `ty`.
    pub fn poison(&mut self, ty: Type) -> Value {
        self.interned(ty, ValueDef::Poison)
    }

    /// The interned address of global `g`.
    pub fn global_addr(&mut self, g: Global) -> Value {
        self.interned(Type::Ptr, ValueDef::GlobalAddr(g))
    }

    fn interned(&mut self, ty: Type, def: ValueDef) -> Value {
        if self.consts.is_empty() && !self.values.is_empty() {
            self.rebuild_const_cache();
        }
        if let Some(&v) = self.consts.get(&(ty, def.clone())) {
            return v;
        }
        let v = self.values.push(ValueData { ty, def: def.clone() });
        self.consts.insert((ty, def), v);
        v
    }

    fn rebuild_const_cache(&mut self) {
        for (v, d) in self.values.iter() {
            if matches!(d.def, ValueDef::Const(_) | ValueDef::WideConst(_) | ValueDef::Poison | ValueDef::GlobalAddr(_)) {
                self.consts.entry((d.ty, d.def.clone())).or_insert(v);
            }
        }
    }

    /// The type of a value.
    pub fn ty(&self, v: Value) -> Type {
        self.values[v].ty
    }

    /// The constant bits of `v`, if it is an integer constant.
    pub fn as_const(&self, v: Value) -> Option<u64> {
        match self.values[v].def {
            ValueDef::Const(c) => Some(c),
            _ => None,
        }
    }

    /// The terminator of a block (its last instruction).
    pub fn terminator(&self, b: Block) -> Option<Inst> {
        self.blocks[b].insts.last().copied()
    }

    /// The successors of a block, in terminator order, duplicates removed.
    pub fn successors(&self, b: Block) -> Vec<Block> {
        self.terminator(b).map(|t| self.insts[t].kind.successors()).unwrap_or_default()
    }

    /// The name users know the function by: demangled when available.
    pub fn display_name(&self) -> &str {
        self.demangled.as_deref().unwrap_or(&self.name)
    }
}

/// A relocation in a global's initialiser: the 8 bytes at `offset` hold the address of
/// `target` plus `addend`.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct Reloc {
    pub offset: u64,
    pub target: Global,
    pub addend: i64,
}

/// A global variable or constant.
#[derive(Clone, PartialEq, Eq, Debug, Serialize, Deserialize)]
pub struct GlobalData {
    pub name: String,
    pub size: u64,
    pub align: u32,
    /// True for `constant` globals (writes trap).
    pub constant: bool,
    /// Initial bytes (`size` of them), pointers written as zero and listed in `relocs`.
    pub init: Vec<u8>,
    pub relocs: Vec<Reloc>,
}

/// A whole program: globals and functions, by handle.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Program {
    pub globals: Arena<Global, GlobalData>,
    pub funcs: Arena<Func, Function>,
}

impl Program {
    /// Finds a function by symbol name, demangled name, or demangled path without its hash
    /// suffix (e.g. `crate::module::f`) or with the crate name left out.
    pub fn find_func(&self, name: &str) -> Option<Func> {
        let exact = self.funcs.iter().find(|(_, f)| f.name == name || f.demangled.as_deref() == Some(name));
        if let Some((k, _)) = exact {
            return Some(k);
        }
        let mut found = self.funcs.iter().filter(|(_, f)| {
            f.demangled.as_deref().is_some_and(|d| {
                let d = strip_hash(d);
                d == name || d.ends_with(&format!("::{name}"))
            })
        });
        let first = found.next()?;
        if found.next().is_some() {
            return None;
        }
        Some(first.0)
    }

    /// The function that `name` names, with every candidate listed when it is ambiguous.
    pub fn func_names(&self) -> Vec<&str> {
        self.funcs.values().map(|f| f.display_name()).collect()
    }
}

/// Removes a Rust legacy-mangling hash suffix (`::h0123456789abcdef`).
pub fn strip_hash(s: &str) -> &str {
    if let Some(i) = s.rfind("::h") {
        let h = &s[i + 3..];
        if h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return &s[..i];
        }
    }
    s
}
