//! The interpreter: runs a [`Program`] with exact LLVM integer semantics on the x86-64 data
//! layout and reports every trap and every use of undefined behaviour it can see as an
//! [`ExecError`] carrying the function, block, instruction and source line.
//!
//! Poison is tracked per value (`undef` counts as poison): it flows through arithmetic like
//! LLVM's, through calls and returns, and becomes an error where LLVM makes it undefined
//! behaviour: a branch or switch condition, an address, a divisor, an alloca or memory
//! intrinsic length, a stored value (memory holds no poison here), an argument to a
//! `noundef` parameter and the return value of a `noundef` function. A function without
//! `noundef` on its return may return poison (C code that falls off the end of a non-void
//! function does); the caller gets a poison value, and the entry an [`Outcome`] whose return
//! value is poison. So a program that runs here has one defined result, or a return value
//! that is visibly poison.
//!
//! An [`Observer`] sees every block entry (after its phis) and every memory access; the
//! trace-recording stages are observers.

pub mod args;
mod memory;
pub mod ops;
pub mod wide;

pub use memory::{AllocKind, MemFault, Memory, ARG_BASE, GLOBAL_BASE, STACK_BASE};

use crate::display::Namer;
use crate::entity::EntityRef;
use crate::inst::InstKind;
use crate::program::{Function, Program, SrcLoc, ValueDef};
use crate::types::Type;
use crate::{Block, Func, Inst, Value};
use ops::{Eval, OpTrap};
use wide::{Limbs, WEval};
use std::fmt;

/// An argument to the entry function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Arg {
    /// An integer (masked to the parameter's width).
    Int(u64),
    /// An integer for a parameter wider than 64 bits: little-endian limbs (masked to its width).
    Wide(Limbs),
    /// A byte buffer placed in memory; the parameter receives its address.
    Buffer(Vec<u8>),
}

/// Limits of one run.
#[derive(Clone, Debug)]
pub struct ExecOptions {
    /// The most instructions executed before the run stops with [`Trap::StepLimit`].
    pub max_instructions: u64,
    /// The deepest call stack allowed.
    pub max_call_depth: usize,
}

impl Default for ExecOptions {
    fn default() -> Self {
        ExecOptions { max_instructions: 200_000_000, max_call_depth: 4096 }
    }
}

/// What a finished run gives back.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The return value's type and bits; `None` for `void`. The bits are `None` when the
    /// entry returned poison, which only an entry without `noundef` on its return can.
    pub ret: Option<(Type, Option<u64>)>,
    /// All the bits of the return value when its type is wider than 64 bits (`ret` holds the
    /// low 64) and it is not poison.
    pub ret_wide: Option<Limbs>,
    /// The status passed to C's `exit`, when the run ended that way (`ret` is `None` then).
    pub exit: Option<u64>,
    /// Instructions executed (phis and terminators included).
    pub instructions: u64,
    /// Blocks entered.
    pub blocks: u64,
    /// Final contents of each buffer argument, in argument order.
    pub buffers: Vec<Vec<u8>>,
    /// What the program wrote to standard output ([`InstKind::Output`]).
    pub stdout: Vec<u8>,
    /// What the program wrote to standard error.
    pub stderr: Vec<u8>,
}

/// Why a run stopped early.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Trap {
    DivisionByZero,
    SignedDivisionOverflow,
    Memory(MemFault),
    Unreachable,
    /// A call that aborts, e.g. a Rust panic.
    Abort(String),
    StepLimit(u64),
    CallDepth(usize),
    /// A poison value reached a place where LLVM makes it undefined behaviour.
    PoisonUse(&'static str),
    /// A stack allocation whose size does not fit in memory.
    AllocaTooLarge(u64),
    /// A `stackrestore` to a mark that is not a live stack position of the current call.
    StackRestore(u64),
    /// A call through a pointer that is no function of the call's type; the text lists them.
    BadIndirectCall(u64, String),
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Trap::DivisionByZero => f.write_str("division by zero"),
            Trap::SignedDivisionOverflow => f.write_str("signed division overflow (INT_MIN / -1)"),
            Trap::Memory(MemFault::Unallocated { addr, len }) => {
                write!(f, "access of {len} bytes at unallocated address 0x{addr:x}")
            }
            Trap::Memory(MemFault::OutOfBounds { addr, len, base, size }) => {
                write!(f, "out-of-bounds access of {len} bytes at 0x{addr:x} (allocation 0x{base:x} has {size} bytes)")
            }
            Trap::Memory(MemFault::ReadOnly { addr, global }) => {
                write!(f, "write to constant global {global} at 0x{addr:x}")
            }
            Trap::Unreachable => f.write_str("reached `unreachable`"),
            Trap::Abort(r) => write!(f, "program aborted: {r}"),
            Trap::StepLimit(n) => write!(f, "step limit of {n} instructions reached"),
            Trap::CallDepth(n) => write!(f, "call depth limit of {n} reached"),
            Trap::PoisonUse(w) => write!(f, "undefined behaviour: poison value used as {w}"),
            Trap::AllocaTooLarge(n) => write!(f, "stack allocation of {n} bytes is too large"),
            Trap::BadIndirectCall(a, targets) => write!(
                f,
                "indirect call through 0x{a:x}, which is not the address of a function of the call's type ({targets})"
            ),
            Trap::StackRestore(m) => {
                write!(f, "stackrestore to 0x{m:x}, which is not a stack position saved in this call")
            }
        }
    }
}

/// A run that stopped early, with where it stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecError {
    pub trap: Trap,
    /// The function's name (demangled when known).
    pub func: String,
    /// The block, as the IR dump names it.
    pub block: String,
    /// The instruction, as the IR dump prints it.
    pub inst: String,
    pub loc: Option<SrcLoc>,
}

impl fmt::Display for ExecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in function '{}', block {}, instruction `{}`", self.trap, self.func, self.block, self.inst)?;
        if let Some(l) = &self.loc {
            write!(f, " at {l}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ExecError {}

/// Errors in how a run was requested (before anything executes).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SetupError {
    ArgCount { func: String, expected: usize, got: usize },
    ArgKind { func: String, index: usize, expected: Type, got: &'static str },
    /// The entry returns an aggregate (through a hidden stack slot), which a run cannot report.
    AggregateReturn { func: String },
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::ArgCount { func, expected, got } => {
                write!(f, "function '{func}' takes {expected} argument(s), {got} given")
            }
            SetupError::ArgKind { func, index, expected, got } => {
                write!(f, "argument {index} of '{func}' has type {expected}, but {got} was given")
            }
            SetupError::AggregateReturn { func } => write!(
                f,
                "entry function '{func}' returns an aggregate (a struct or an __int128 in two registers); \
                 call it from a function that returns a scalar"
            ),
        }
    }
}

impl std::error::Error for SetupError {}

/// Either kind of failure of [`run`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    Setup(SetupError),
    Exec(Box<ExecError>),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Setup(e) => e.fmt(f),
            RunError::Exec(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {}

/// A memory access as observers see it. `memcpy`/`memmove`/`memset` appear as one access per
/// byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MemEvent {
    pub write: bool,
    pub addr: u64,
    /// 1..=8 bytes.
    pub len: u8,
    /// The bytes read or written, little-endian in the low `len` bytes.
    pub value: u64,
    /// The bytes before the access (for a read, equal to `value`).
    pub old: u64,
}

/// A read-only view of the running frame, for observers.
pub struct FrameView<'a> {
    pub func: Func,
    pub depth: usize,
    /// The stack pointer: where the next stack allocation starts looking.
    pub stack_top: u64,
    frame: &'a Frame,
}

impl FrameView<'_> {
    /// The current value of `v`, or `None` if it is poison or not yet computed.
    pub fn value(&self, v: Value) -> Option<u64> {
        let i = v.index();
        if i < self.frame.vals.len() && !self.frame.poison[i] {
            Some(self.frame.vals[i])
        } else {
            None
        }
    }
}

/// Watches a run. Both methods default to doing nothing.
pub trait Observer {
    /// A block was entered (`from` is the predecessor, `None` at function entry); its phis
    /// have been resolved.
    fn enter_block(&mut self, _frame: &FrameView<'_>, _block: Block, _from: Option<Block>) {}
    /// A memory access happened.
    fn mem(&mut self, _ev: &MemEvent) {}
}

/// An observer that ignores everything.
pub struct NoObserver;
impl Observer for NoObserver {}

struct Frame {
    func: Func,
    /// Every value's bits; the low 64 for a wide integer.
    vals: Vec<u64>,
    poison: Vec<bool>,
    /// Every value's full bits when the function has wide integers (empty otherwise); only
    /// the entries of wide values are meaningful.
    wide: Vec<Limbs>,
    block: Block,
    /// Index of the next instruction in `block`.
    pc: usize,
    stack_mark: u64,
    /// Where the caller wants the result.
    ret_to: Option<Value>,
}

/// Runs `entry` with `args`.
pub fn run(p: &Program, entry: Func, args: &[Arg], opts: &ExecOptions) -> Result<Outcome, RunError> {
    run_observed(p, entry, args, opts, &mut NoObserver)
}

/// Runs `entry` with `args`, reporting to `obs`.
pub fn run_observed(
    p: &Program,
    entry: Func,
    args: &[Arg],
    opts: &ExecOptions,
    obs: &mut dyn Observer,
) -> Result<Outcome, RunError> {
    let mut m = Machine::new(p, opts);
    let f = &p.funcs[entry];
    if f.ret_slot {
        return Err(RunError::Setup(SetupError::AggregateReturn { func: f.display_name().into() }));
    }
    if f.params.len() != args.len() {
        return Err(RunError::Setup(SetupError::ArgCount {
            func: f.display_name().into(),
            expected: f.params.len(),
            got: args.len(),
        }));
    }
    let mut arg_vals = Vec::with_capacity(args.len());
    let mut buffers = Vec::new();
    for (i, (a, &pv)) in args.iter().zip(&f.params).enumerate() {
        let ty = f.ty(pv);
        match (a, ty) {
            (Arg::Int(v), Type::Int(_)) => arg_vals.push(wide::narrow(v & ty.mask())),
            (Arg::Wide(l), Type::Int(_)) => arg_vals.push(wide::mask_limbs(*l, ty.bits())),
            (Arg::Buffer(b), Type::Ptr) => {
                let addr = m.mem.add_arg_buffer(i, b.clone());
                buffers.push(addr);
                arg_vals.push(wide::narrow(addr));
            }
            (Arg::Int(v), Type::Ptr) => arg_vals.push(wide::narrow(*v)),
            (Arg::Wide(l), Type::Ptr) => arg_vals.push(wide::narrow(l[0])),
            (Arg::Buffer(_), _) => {
                return Err(RunError::Setup(SetupError::ArgKind {
                    func: f.display_name().into(),
                    index: i,
                    expected: ty,
                    got: "a buffer",
                }))
            }
        }
    }
    let arg_vals: Vec<Word> = arg_vals.into_iter().map(|v| (v, false)).collect();
    let end = m.run(entry, &arg_vals, obs).map_err(RunError::Exec)?;
    let buffers = buffers.iter().map(|&b| m.mem.contents(b).unwrap_or(&[]).to_vec()).collect();
    let rty = f.ret.unwrap_or(Type::I64);
    let (ret, ret_wide, exit) = match end {
        End::Return(ret) => (
            ret.map(|(v, poison)| (rty, (!poison).then_some(v[0]))),
            ret.filter(|&(_, poison)| rty.is_wide() && !poison).map(|(v, _)| v),
            None,
        ),
        End::Exit(code) => (None, None, Some(code)),
    };
    let (stdout, stderr) = (std::mem::take(&mut m.stdout), std::mem::take(&mut m.stderr));
    Ok(Outcome { ret, ret_wide, exit, instructions: m.instructions, blocks: m.blocks, buffers, stdout, stderr })
}

/// How a run ended: the entry returned, or `exit` was called.
enum End {
    Return(Option<Word>),
    Exit(u64),
}

struct Machine<'p> {
    p: &'p Program,
    opts: &'p ExecOptions,
    mem: Memory,
    /// Per function: the initial register file (constants and global addresses filled in).
    templates: Vec<Option<(Vec<u64>, Vec<bool>, Vec<Limbs>)>>,
    instructions: u64,
    blocks: u64,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

type Step<T> = Result<T, Trap>;

/// A value in flight between frames (arguments, return values): its bits and whether it is
/// poison.
type Word = (Limbs, bool);

impl<'p> Machine<'p> {
    fn new(p: &'p Program, opts: &'p ExecOptions) -> Self {
        Machine {
            p,
            opts,
            mem: Memory::new(p),
            templates: vec![None; p.funcs.len()],
            instructions: 0,
            blocks: 0,
            stdout: Vec::new(),
            stderr: Vec::new(),
        }
    }

    fn new_frame(&mut self, func: Func, args: &[Word], ret_to: Option<Value>) -> Frame {
        let f = &self.p.funcs[func];
        if self.templates[func.index()].is_none() {
            let n = f.values.len();
            let mut vals = vec![0u64; n];
            let mut poison = vec![false; n];
            let has_wide = f.values.iter().any(|(_, d)| d.ty.is_wide());
            let mut wide = if has_wide { vec![[0u64; 4]; n] } else { Vec::new() };
            for (v, d) in f.values.iter() {
                match d.def {
                    ValueDef::Const(c) => vals[v.index()] = c,
                    ValueDef::WideConst(l) => {
                        vals[v.index()] = l[0];
                        wide[v.index()] = l;
                    }
                    ValueDef::GlobalAddr(g) => vals[v.index()] = self.mem.global_addr(g),
                    ValueDef::Poison => poison[v.index()] = true,
                    _ => {}
                }
            }
            self.templates[func.index()] = Some((vals, poison, wide));
        }
        let (vals, poison, wide) = self.templates[func.index()].clone().expect("template just built");
        let mut fr =
            Frame { func, vals, poison, wide, block: f.entry(), pc: 0, stack_mark: self.mem.stack_mark(), ret_to };
        for (&pv, &(a, poison)) in f.params.iter().zip(args) {
            let a = if poison { [0; 4] } else { wide::mask_limbs(a, f.ty(pv).bits()) };
            fr.set_word(f, pv, a, poison);
        }
        fr
    }

    fn error(&self, fr: &Frame, trap: Trap) -> Box<ExecError> {
        let f = &self.p.funcs[fr.func];
        let n = Namer::new(f);
        let inst = f.blocks[fr.block].insts.get(fr.pc).copied();
        Box::new(ExecError {
            trap,
            func: f.display_name().to_string(),
            block: n.block(fr.block),
            inst: inst.map(|i| n.inst(Some(self.p), f, i)).unwrap_or_default(),
            loc: inst.and_then(|i| f.insts[i].loc.clone()),
        })
    }

    fn run(&mut self, entry: Func, args: &[Word], obs: &mut dyn Observer) -> Result<End, Box<ExecError>> {
        let first = self.new_frame(entry, args, None);
        let mut stack: Vec<Frame> = vec![first];
        self.blocks += 1;
        {
            let fr = stack.last().expect("entry frame");
            obs.enter_block(
                &FrameView { func: fr.func, depth: 0, stack_top: self.mem.stack_mark(), frame: fr },
                fr.block,
                None,
            );
        }
        loop {
            let depth = stack.len() - 1;
            let fr = stack.last_mut().expect("a frame is running");
            let f = &self.p.funcs[fr.func];
            let inst = f.blocks[fr.block].insts[fr.pc];
            self.instructions += 1;
            if self.instructions > self.opts.max_instructions {
                let fr = stack.last().expect("frame");
                return Err(self.error(fr, Trap::StepLimit(self.opts.max_instructions)));
            }
            match self.step(f, fr, inst, depth, obs) {
                Ok(Flow::Next) => fr.pc += 1,
                Ok(Flow::Exit(code)) => return Ok(End::Exit(code)),
                Ok(Flow::Jump(to)) => {
                    let from = fr.block;
                    fr.block = to;
                    fr.pc = 0;
                    self.blocks += 1;
                    if let Err(t) = enter_phis(f, fr, from, &mut self.instructions) {
                        let fr = stack.last().expect("frame");
                        return Err(self.error(fr, t));
                    }
                    let fr = stack.last().expect("frame");
                    obs.enter_block(
                        &FrameView { func: fr.func, depth, stack_top: self.mem.stack_mark(), frame: fr },
                        to,
                        Some(from),
                    );
                }
                Ok(Flow::Call(callee, args, ret_to)) => {
                    if stack.len() >= self.opts.max_call_depth {
                        let fr = stack.last().expect("frame");
                        return Err(self.error(fr, Trap::CallDepth(self.opts.max_call_depth)));
                    }
                    let nf = self.new_frame(callee, &args, ret_to);
                    self.blocks += 1;
                    obs.enter_block(
                        &FrameView { func: callee, depth: depth + 1, stack_top: self.mem.stack_mark(), frame: &nf },
                        nf.block,
                        None,
                    );
                    stack.push(nf);
                }
                Ok(Flow::Return(v)) => {
                    let done = stack.pop().expect("frame");
                    self.mem.pop_stack(done.stack_mark);
                    match stack.last_mut() {
                        None => return Ok(End::Return(v)),
                        Some(caller) => {
                            if let (Some(r), Some((v, poison))) = (done.ret_to, v) {
                                caller.set_word(&self.p.funcs[caller.func], r, v, poison);
                            }
                            caller.pc += 1;
                        }
                    }
                }
                Err(t) => {
                    let fr = stack.last().expect("frame");
                    return Err(self.error(fr, t));
                }
            }
        }
    }

    fn step(&mut self, f: &Function, fr: &mut Frame, inst: Inst, _depth: usize, obs: &mut dyn Observer) -> Step<Flow> {
        let data = &f.insts[inst];
        if !fr.wide.is_empty() && is_wide_inst(f, data) {
            return self.step_wide(f, fr, data, obs);
        }
        let get = |fr: &Frame, v: Value| (fr.vals[v.index()], fr.poison[v.index()]);
        let defined = |fr: &Frame, v: Value, what: &'static str| -> Step<u64> {
            let (x, p) = get(fr, v);
            if p {
                Err(self::Trap::PoisonUse(what))
            } else {
                Ok(x)
            }
        };
        let bits = |v: Value| f.values[v].ty.bits();
        let set = |fr: &mut Frame, e: Eval| {
            if let Some(r) = data.result {
                match e {
                    Eval::Val(x) => {
                        fr.vals[r.index()] = x;
                        fr.poison[r.index()] = false
                    }
                    Eval::Poison => {
                        fr.vals[r.index()] = 0;
                        fr.poison[r.index()] = true
                    }
                }
            }
        };
        use InstKind::*;
        match &data.kind {
            Binary { op, flags, lhs, rhs } => {
                let ((a, pa), (b, pb)) = (get(fr, *lhs), get(fr, *rhs));
                check_divisor(*op, pb)?;
                let e = ops::binary(*op, *flags, a, b, bits(*lhs)).map_err(self::Trap::from)?;
                set(fr, if pa || pb { Eval::Poison } else { e });
            }
            Icmp { pred, lhs, rhs } => {
                let ((a, pa), (b, pb)) = (get(fr, *lhs), get(fr, *rhs));
                let e = if pa || pb { Eval::Poison } else { Eval::Val(ops::icmp(*pred, a, b, bits(*lhs)) as u64) };
                set(fr, e);
            }
            Select { cond, if_true, if_false } => {
                let (c, pc) = get(fr, *cond);
                let e = if pc {
                    Eval::Poison
                } else {
                    let (x, px) = get(fr, if c & 1 == 1 { *if_true } else { *if_false });
                    if px {
                        Eval::Poison
                    } else {
                        Eval::Val(x)
                    }
                };
                set(fr, e);
            }
            Cast { op, flags, arg } => {
                let (a, pa) = get(fr, *arg);
                let to = data.result.map(|r| f.values[r].ty.bits()).unwrap_or(64);
                set(fr, if pa { Eval::Poison } else { ops::cast(*op, *flags, a, bits(*arg), to) });
            }
            Freeze { arg } => {
                let (a, pa) = get(fr, *arg);
                set(fr, Eval::Val(if pa { 0 } else { a }));
            }
            Phi { .. } => {} // resolved on block entry
            Alloca { elem_size, count, align } => {
                let n = defined(fr, *count, "an alloca size")?;
                let size = elem_size
                    .checked_mul(n)
                    .filter(|&s| s <= 1 << 32)
                    .ok_or(self::Trap::AllocaTooLarge(elem_size.saturating_mul(n)))?;
                let addr = self.mem.alloca(size, *align);
                set(fr, Eval::Val(addr));
            }
            StackSave => set(fr, Eval::Val(self.mem.stack_mark())),
            StackRestore { mark } => {
                let m = defined(fr, *mark, "a stackrestore mark")?;
                if m < fr.stack_mark || m > self.mem.stack_mark() {
                    return Err(self::Trap::StackRestore(m));
                }
                self.mem.pop_stack(m);
            }
            PredLoad { pred, addr, .. } if defined(fr, *pred, "a load predicate")? & 1 == 0 => {
                set(fr, Eval::Val(0));
            }
            PredStore { pred, .. } if defined(fr, *pred, "a store predicate")? & 1 == 0 => {}
            Load { addr, .. } | PredLoad { addr, .. } => {
                let a = defined(fr, *addr, "a load address")?;
                let ty = data.result.map(|r| f.values[r].ty).unwrap_or(Type::I8);
                let len = ty.store_size();
                let raw = self.mem.read_uint(a, len).map_err(self::Trap::Memory)?;
                obs.mem(&MemEvent { write: false, addr: a, len: len as u8, value: raw, old: raw });
                set(fr, Eval::Val(raw & ty.mask()));
            }
            Store { value, addr, .. } | PredStore { value, addr, .. } => {
                let a = defined(fr, *addr, "a store address")?;
                let v = defined(fr, *value, "a stored value")?;
                let len = f.values[*value].ty.store_size();
                let old = self.mem.read_uint(a, len).map_err(self::Trap::Memory)?;
                self.mem.write_uint(a, len, v).map_err(self::Trap::Memory)?;
                obs.mem(&MemEvent { write: true, addr: a, len: len as u8, value: v, old });
            }
            Gep { base, offset, indices } => {
                let (mut a, mut p) = get(fr, *base);
                a = a.wrapping_add(*offset as u64);
                for (ix, scale) in indices {
                    let (x, px) = get(fr, *ix);
                    p |= px;
                    a = a.wrapping_add((crate::types::sext(x, bits(*ix)) as u64).wrapping_mul(*scale as u64));
                }
                set(fr, if p { Eval::Poison } else { Eval::Val(a) });
            }
            Call { callee, args } => {
                let vals = call_words(f, fr, &self.p.funcs[*callee], args)?;
                return Ok(Flow::Call(*callee, vals, data.result));
            }
            CallIndirect { target, callees, args } => {
                let t = defined(fr, *target, "an indirect call's target")?;
                let Some(&(_, callee)) = callees.iter().find(|(a, _)| *a == t) else {
                    let names: Vec<String> =
                        callees.iter().map(|(a, c)| format!("@{} at 0x{a:x}", self.p.funcs[*c].display_name())).collect();
                    let list = if names.is_empty() { "it has no address-taken targets".into() } else { names.join(", ") };
                    return Err(self::Trap::BadIndirectCall(t, list));
                };
                let vals = call_words(f, fr, &self.p.funcs[callee], args)?;
                return Ok(Flow::Call(callee, vals, data.result));
            }
            Intrinsic { op, args } => {
                let mut vals = [0u64; 3];
                let mut p = false;
                for (k, &a) in args.iter().enumerate().take(3) {
                    let (x, px) = get(fr, a);
                    vals[k] = x;
                    p |= px;
                }
                let w = args.first().map(|&a| bits(a)).unwrap_or(64);
                let rw = data.result.map(|r| f.values[r].ty.bits()).unwrap_or(w);
                set(fr, if p { Eval::Poison } else { ops::intrinsic(*op, &vals[..args.len().min(3)], w, rw) });
            }
            MemCopy { len, .. } | MemSet { len, .. } if get(fr, *len) == (0, false) => {}
            MemCopy { dst, src, len, overlap: _ } => {
                let d = defined(fr, *dst, "a memcpy destination")?;
                let s = defined(fr, *src, "a memcpy source")?;
                let n = defined(fr, *len, "a memcpy length")?;
                let bytes = self.mem.read(s, n).map_err(self::Trap::Memory)?.to_vec();
                // Validate the destination before reporting any access.
                let olds = self.mem.read(d, n).map_err(self::Trap::Memory)?.to_vec();
                for (k, &b) in bytes.iter().enumerate() {
                    obs.mem(&MemEvent { write: false, addr: s + k as u64, len: 1, value: b as u64, old: b as u64 });
                }
                self.mem.write(d, &bytes).map_err(self::Trap::Memory)?;
                // memmove: a destination byte that is also a source byte was read before.
                for (k, &b) in bytes.iter().enumerate() {
                    let old = olds[k] as u64;
                    obs.mem(&MemEvent { write: true, addr: d + k as u64, len: 1, value: b as u64, old });
                }
            }
            MemSet { dst, byte, len } => {
                let d = defined(fr, *dst, "a memset destination")?;
                let b = defined(fr, *byte, "a memset value")? as u8;
                let n = defined(fr, *len, "a memset length")?;
                let olds = self.mem.read(d, n).map_err(self::Trap::Memory)?.to_vec();
                self.mem.write(d, &vec![b; n as usize]).map_err(self::Trap::Memory)?;
                for (k, &old) in olds.iter().enumerate() {
                    obs.mem(&MemEvent { write: true, addr: d + k as u64, len: 1, value: b as u64, old: old as u64 });
                }
            }
            Output { stderr, byte } => {
                let b = defined(fr, *byte, "a byte written to output")? as u8;
                if *stderr { self.stderr.push(b) } else { self.stdout.push(b) }
            }
            Br { target } => return Ok(Flow::Jump(*target)),
            CondBr { cond, if_true, if_false } => {
                let c = defined(fr, *cond, "a branch condition")?;
                return Ok(Flow::Jump(if c & 1 == 1 { *if_true } else { *if_false }));
            }
            Switch { value, default, cases } => {
                let v = defined(fr, *value, "a switch condition")?;
                let to = cases.iter().find(|(c, _)| *c == v).map(|(_, b)| *b).unwrap_or(*default);
                return Ok(Flow::Jump(to));
            }
            Ret { value } => {
                let v = match value {
                    Some(v) if f.ret_noundef => {
                        defined(fr, *v, "the return value of a noundef function")?;
                        Some(fr.word(f, *v))
                    }
                    Some(v) => Some(fr.word(f, *v)),
                    None => None,
                };
                return Ok(Flow::Return(v));
            }
            Unreachable => return Err(self::Trap::Unreachable),
            Trap { reason } => return Err(self::Trap::Abort(reason.clone())),
            Exit { code } => return Ok(Flow::Exit(defined(fr, *code, "an exit status")?)),
        }
        Ok(Flow::Next)
    }
}

impl From<OpTrap> for Trap {
    fn from(t: OpTrap) -> Trap {
        match t {
            OpTrap::DivisionByZero => Trap::DivisionByZero,
            OpTrap::SignedDivisionOverflow => Trap::SignedDivisionOverflow,
        }
    }
}

/// A poison divisor is undefined behaviour (a poison dividend only makes the result poison).
fn check_divisor(op: crate::BinOp, divisor_poison: bool) -> Step<()> {
    use crate::BinOp::*;
    if divisor_poison && matches!(op, UDiv | SDiv | URem | SRem) {
        return Err(Trap::PoisonUse("a divisor"));
    }
    Ok(())
}

/// The words a call passes to `callee`; poison for a `noundef` parameter is undefined
/// behaviour.
fn call_words(f: &Function, fr: &Frame, callee: &Function, args: &[Value]) -> Step<Vec<Word>> {
    let mut vals = Vec::with_capacity(args.len());
    for (k, &a) in args.iter().enumerate() {
        let (x, p) = fr.word(f, a);
        if p && callee.param_is_noundef(k) {
            return Err(Trap::PoisonUse("an argument to a noundef parameter"));
        }
        vals.push((x, p));
    }
    Ok(vals)
}

impl Frame {
    /// The full bits of `v` (a value of `f`, the frame's function) and whether it is poison.
    fn word(&self, f: &Function, v: Value) -> Word {
        let i = v.index();
        let bits = if !self.wide.is_empty() && f.values[v].ty.is_wide() { self.wide[i] } else { wide::narrow(self.vals[i]) };
        (bits, self.poison[i])
    }

    /// Sets `v` to `bits` (already masked to its width), or to poison. Only wide values keep
    /// their limbs in `wide`; `vals` holds every value's low 64 bits.
    fn set_word(&mut self, f: &Function, v: Value, bits: Limbs, poison: bool) {
        let i = v.index();
        self.vals[i] = if poison { 0 } else { bits[0] };
        self.poison[i] = poison;
        if !self.wide.is_empty() && f.values[v].ty.is_wide() {
            self.wide[i] = if poison { [0; 4] } else { bits };
        }
    }
}

/// True when an instruction computes on an integer wider than 64 bits (as an operand or as
/// its result) and needs [`Machine::step_wide`]. Calls and returns carry full words anyway;
/// addresses, lengths and GEP indices use the low 64 bits, which is their meaning mod 2^64.
fn is_wide_inst(f: &Function, data: &crate::program::InstData) -> bool {
    use InstKind::*;
    if !matches!(
        data.kind,
        Binary { .. }
            | Icmp { .. }
            | Select { .. }
            | Cast { .. }
            | Freeze { .. }
            | Load { .. }
            | PredLoad { .. }
            | Store { .. }
            | PredStore { .. }
            | Intrinsic { .. }
            | Switch { .. }
    ) {
        return false;
    }
    let mut wide = data.result.is_some_and(|r| f.values[r].ty.is_wide());
    data.kind.for_each_operand(|v| wide |= f.values[v].ty.is_wide());
    wide
}

impl Machine<'_> {
    /// [`Machine::step`] for an instruction on wide integers: the same semantics on limbs.
    fn step_wide(&mut self, f: &Function, fr: &mut Frame, data: &crate::program::InstData, obs: &mut dyn Observer) -> Step<Flow> {
        let bits = |v: Value| f.values[v].ty.bits();
        let defined = |fr: &Frame, v: Value, what: &'static str| -> Step<Limbs> {
            match fr.word(f, v) {
                (_, true) => Err(self::Trap::PoisonUse(what)),
                (x, false) => Ok(x),
            }
        };
        let set = |fr: &mut Frame, e: WEval| {
            if let Some(r) = data.result {
                match e {
                    WEval::Val(x) => fr.set_word(f, r, x, false),
                    WEval::Poison => fr.set_word(f, r, [0; 4], true),
                }
            }
        };
        use InstKind::*;
        match &data.kind {
            Binary { op, flags, lhs, rhs } => {
                let ((a, pa), (b, pb)) = (fr.word(f, *lhs), fr.word(f, *rhs));
                check_divisor(*op, pb)?;
                let e = wide::binary(*op, *flags, a, b, bits(*lhs)).map_err(self::Trap::from)?;
                set(fr, if pa || pb { WEval::Poison } else { e });
            }
            Icmp { pred, lhs, rhs } => {
                let ((a, pa), (b, pb)) = (fr.word(f, *lhs), fr.word(f, *rhs));
                let t = wide::icmp(*pred, a, b, bits(*lhs));
                set(fr, if pa || pb { WEval::Poison } else { WEval::Val(wide::narrow(t as u64)) });
            }
            Select { cond, if_true, if_false } => {
                let (c, pc) = fr.word(f, *cond);
                let e = if pc {
                    WEval::Poison
                } else {
                    match fr.word(f, if c[0] & 1 == 1 { *if_true } else { *if_false }) {
                        (_, true) => WEval::Poison,
                        (x, false) => WEval::Val(x),
                    }
                };
                set(fr, e);
            }
            Cast { op, flags, arg } => {
                let (a, pa) = fr.word(f, *arg);
                let to = data.result.map(|r| f.values[r].ty.bits()).unwrap_or(64);
                set(fr, if pa { WEval::Poison } else { wide::cast(*op, *flags, a, bits(*arg), to) });
            }
            Freeze { arg } => {
                let (a, pa) = fr.word(f, *arg);
                set(fr, WEval::Val(if pa { [0; 4] } else { a }));
            }
            PredLoad { pred, .. } if defined(fr, *pred, "a load predicate")?[0] & 1 == 0 => {
                set(fr, WEval::Val([0; 4]));
            }
            PredStore { pred, .. } if defined(fr, *pred, "a store predicate")?[0] & 1 == 0 => {}
            Load { addr, .. } | PredLoad { addr, .. } => {
                let a = defined(fr, *addr, "a load address")?[0];
                let ty = data.result.map(|r| f.values[r].ty).unwrap_or(Type::I8);
                let len = ty.store_size();
                let bytes = self.mem.read(a, len).map_err(self::Trap::Memory)?.to_vec();
                report_chunks(obs, false, a, &bytes, &bytes);
                set(fr, WEval::Val(wide::mask_limbs(wide::from_bytes(&bytes), ty.bits())));
            }
            Store { value, addr, .. } | PredStore { value, addr, .. } => {
                let a = defined(fr, *addr, "a store address")?[0];
                let v = defined(fr, *value, "a stored value")?;
                let len = f.values[*value].ty.store_size();
                let old = self.mem.read(a, len).map_err(self::Trap::Memory)?.to_vec();
                let new = wide::to_bytes(v, len as usize);
                self.mem.write(a, &new).map_err(self::Trap::Memory)?;
                report_chunks(obs, true, a, &new, &old);
            }
            Intrinsic { op, args } => {
                let mut vals = Vec::with_capacity(args.len());
                let mut p = false;
                for &a in args {
                    let (x, px) = fr.word(f, a);
                    vals.push(x);
                    p |= px;
                }
                let w = args.first().map(|&a| bits(a)).unwrap_or(64);
                let rw = data.result.map(|r| f.values[r].ty.bits()).unwrap_or(w);
                set(fr, if p { WEval::Poison } else { wide::intrinsic(*op, &vals, w, rw) });
            }
            Switch { value, default, cases } => {
                let v = defined(fr, *value, "a switch condition")?;
                let to = cases.iter().find(|(c, _)| wide::narrow(*c) == v).map(|(_, b)| *b).unwrap_or(*default);
                return Ok(Flow::Jump(to));
            }
            _ => unreachable!("is_wide_inst admits only the kinds above"),
        }
        Ok(Flow::Next)
    }
}

/// Reports a wide access to observers as accesses of at most 8 bytes each, in address order.
fn report_chunks(obs: &mut dyn Observer, write: bool, addr: u64, new: &[u8], old: &[u8]) {
    for (k, (n, o)) in new.chunks(8).zip(old.chunks(8)).enumerate() {
        let value = wide::from_bytes(n)[0];
        let old = wide::from_bytes(o)[0];
        obs.mem(&MemEvent { write, addr: addr + 8 * k as u64, len: n.len() as u8, value, old });
    }
}

enum Flow {
    Exit(u64),
    Next,
    Jump(Block),
    Call(Func, Vec<Word>, Option<Value>),
    Return(Option<Word>),
}

/// Resolves the phis at the top of the frame's (new) block, all at once, from `from`.
fn enter_phis(f: &Function, fr: &mut Frame, from: Block, count: &mut u64) -> Step<()> {
    let insts = &f.blocks[fr.block].insts;
    let mut updates: [(usize, u64, bool); 8] = [(0, 0, false); 8];
    let mut spill: Vec<(usize, u64, bool)> = Vec::new();
    let mut wide_updates: Vec<(usize, Limbs)> = Vec::new();
    let mut n = 0;
    for &i in insts {
        let InstKind::Phi { incoming } = &f.insts[i].kind else { break };
        let Some(&(_, v)) = incoming.iter().find(|(b, _)| *b == from) else {
            return Err(Trap::Unreachable);
        };
        let r = f.insts[i].result.expect("phi has a result").index();
        let u = (r, fr.vals[v.index()], fr.poison[v.index()]);
        if !fr.wide.is_empty() && f.values[v].ty.is_wide() {
            wide_updates.push((r, fr.wide[v.index()]));
        }
        if n < updates.len() {
            updates[n] = u;
        } else {
            spill.push(u);
        }
        n += 1;
    }
    for &(r, x, p) in updates[..n.min(8)].iter().chain(spill.iter()) {
        fr.vals[r] = x;
        fr.poison[r] = p;
    }
    for (r, l) in wide_updates {
        fr.wide[r] = l;
    }
    *count += n as u64;
    fr.pc = n;
    Ok(())
}
