//! Circuit templates: the arithmetic circuit every copy of one class runs.
//!
//! A [`Template`] is a DAG of field operations ([`Op`]: inputs, constants, add, sub, mul,
//! scale) stored in creation order, which is a topological order. Every copy has the same
//! circuit and differs only in its inputs, laid out as
//! `[enabled, step, member, live-ins..., advice...]` ([`InputKind`]):
//!
//! - `enabled` is 1 for a real copy and 0 for a padding copy (copies are padded to a power of
//!   two); every residual that would not vanish on an all-zero copy is multiplied by it, and
//!   every record is *active* only when it is set, so padding copies are neutral;
//! - `step` is the copy's position in the run (the glue chains copies by it);
//! - `member` says which member region of the class ran (see [`crate::canon`]);
//! - live-ins are the class's inputs (phis, used outside values, carried values);
//! - advice are witness values (carries, bits, quotients, inverses, memory contents and
//!   timestamps), each computed by its [`Hint`] from earlier nodes or the copy's trace.
//!
//! Outputs are **residuals** (zero exactly when the copy executed the region correctly) and
//! **records** for the glue: the state record the copy consumes, the one it produces, and per
//! memory access the byte cells it consumes and produces (offline memory checking). A state
//! record's fields are `[tag, step, sp, values...]` (see [`STATE_HEADER`]): the tag names the
//! block (or [`EXIT_TAG`]), `sp` is the stack pointer (the room real calls need: a frame
//! lives below it), and the values are the consuming region's inputs in its class order.
//!
//! Constants are integers (`i128`), so a template is independent of the field; evaluation
//! ([`Template::eval`]) maps them into any `PrimeField`.

use ark_ff::PrimeField;
use std::fmt::{self, Write};
use std::sync::Arc;
use tessera_ir::SrcLoc;

tessera_ir::entity!(
    /// A node of a [`Template`]; prints as `n3`.
    Node,
    "n"
);

/// One operation of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Per-copy input `k` (see [`Template::inputs`]).
    Input(u32),
    /// A constant.
    Const(i128),
    /// `a + b`.
    Add(Node, Node),
    /// `a - b`.
    Sub(Node, Node),
    /// `a * b`.
    Mul(Node, Node),
    /// `c * a`.
    Scale(i128, Node),
}

impl Op {
    /// The op's value given the values of the nodes before it, its constant `k` in the field
    /// (for `Const` and `Scale`, see [`Template::constants`]) and, for an input, `input(k)`.
    pub fn apply<F: PrimeField>(&self, values: &[F], k: &F, input: impl FnOnce(u32) -> F) -> F {
        match *self {
            Op::Input(i) => input(i),
            Op::Const(_) => *k,
            Op::Add(a, b) => values[a.0 as usize] + values[b.0 as usize],
            Op::Sub(a, b) => values[a.0 as usize] - values[b.0 as usize],
            Op::Mul(a, b) => values[a.0 as usize] * values[b.0 as usize],
            Op::Scale(_, a) => *k * values[a.0 as usize],
        }
    }
}

/// What a per-copy input holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InputKind {
    /// 1 for a real copy, 0 for padding.
    Enabled,
    /// The copy's step.
    Step,
    /// Which member of the class ran.
    Member,
    /// A live-in value (its name in the class's canonical text).
    LiveIn(String),
    /// Advice computed by hint `k`.
    Advice(u32),
}

/// A function computing one advice value from the integer values of earlier nodes.
pub type HintFn = Arc<dyn Fn(&[u128]) -> u128 + Send + Sync>;

/// Where an advice value comes from.
#[derive(Clone)]
pub enum HintSource {
    /// `f` applied to the values of `args` (each below `2^128` as an integer).
    Compute { args: Vec<Node>, f: HintFn },
    /// The field inverse of the node's value (0 for 0).
    Inverse(Node),
    /// Byte `byte` of memory access `access` before the access (for a read: the value read).
    MemOld { access: u32, byte: u8 },
    /// The timestamp of the previous access to byte `byte` of memory access `access`
    /// (0 when the cell was never accessed: its initial value).
    MemTsPrev { access: u32, byte: u8 },
    /// The whole value before memory access `access` (a register cell of opcode grouping,
    /// which holds a value, not a byte).
    MemWord { access: u32 },
}

/// How the witness generator computes one advice input.
#[derive(Clone)]
pub struct Hint {
    /// What the advice is (`carry`, `bit 3`, `quotient`, ...), for dumps.
    pub what: &'static str,
    pub src: HintSource,
    /// The input this hint fills.
    pub input: u32,
}

/// Where a node came from: the instruction it lowers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    pub func: String,
    pub block: String,
    /// The instruction as the IR dump prints it.
    pub inst: String,
    pub loc: Option<SrcLoc>,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` in function '{}', block {}", self.inst, self.func, self.block)?;
        if let Some(l) = &self.loc {
            write!(f, " at {l}")?;
        }
        Ok(())
    }
}

/// A node that must be zero on every honest copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Residual {
    pub node: Node,
    /// What it checks, e.g. `add: carry is a bit`.
    pub what: String,
    pub origin: Option<u32>,
}

/// Fields of a state record before its values: tag, step, stack pointer.
pub const STATE_HEADER: usize = 3;

/// The tag of the record a returning region produces (blocks have tags `1 + index`).
pub const EXIT_TAG: i128 = 0;

/// The tag of block `b` in state records.
pub fn block_tag(b: tessera_ir::Block) -> i128 {
    1 + tessera_ir::entity::EntityRef::index(b) as i128
}

/// A record for the glue: counted when `active` is 1, neutral when 0.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StateRecord {
    pub active: Node,
    /// `[tag, step, sp, values...]`.
    pub fields: Vec<Node>,
}

/// One byte cell of a memory access: it consumes `(addr, old, ts_prev)` and produces
/// `(addr, new, ts)` where `ts` is the access's timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemCell {
    pub addr: Node,
    pub old: Node,
    pub new: Node,
    pub ts_prev: Node,
}

/// One memory access (a load, a store, or one byte of a fixed-size memcpy/memset).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MemAccess {
    pub write: bool,
    /// 1 when the access happens (enabled copy and, for predicated accesses, a true
    /// predicate).
    pub active: Node,
    /// The access's timestamp: `step * 2^16 + 1 + (active accesses before it in the copy)`.
    pub ts: Node,
    /// One cell per byte, lowest address first.
    pub cells: Vec<MemCell>,
    pub origin: Option<u32>,
}

/// Timestamps of a copy's memory accesses start at `step << TS_STEP_SHIFT`.
pub const TS_STEP_SHIFT: u32 = 16;
/// Width of the range check on `ts - ts_prev - 1` (timestamps stay below `2^TS_BITS`).
pub const TS_BITS: u32 = 48;

/// The arithmetic circuit of one class (see the module docs).
#[derive(Clone)]
pub struct Template {
    /// The class's name (`c3`) or, in opcode grouping, the opcode (`add.i32`).
    pub name: String,
    pub ops: Vec<Op>,
    /// Per op: index into `origins`, or `u32::MAX` when it comes from no instruction.
    pub op_origin: Vec<u32>,
    pub origins: Vec<Origin>,
    /// What each input holds, in input order.
    pub inputs: Vec<InputKind>,
    /// One per advice input, in input order.
    pub hints: Vec<Hint>,
    pub residuals: Vec<Residual>,
    pub consumed: StateRecord,
    pub produced: StateRecord,
    pub memory: Vec<MemAccess>,
    /// Members of the class.
    pub members: usize,
    /// Instructions of the region (of the widest member).
    pub instructions: usize,
}

impl fmt::Debug for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Template({}: {} ops, {} inputs)", self.name, self.ops.len(), self.inputs.len())
    }
}

/// Statistics of a template, as `tessera check` and the dumps report them.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct TemplateStats {
    pub ops: usize,
    pub adds: usize,
    pub muls: usize,
    pub consts: usize,
    /// Longest input-to-output path counted in operations.
    pub depth: usize,
    /// Multiplications on the longest path of multiplications.
    pub mul_depth: usize,
    pub live_ins: usize,
    pub advice: usize,
    pub residuals: usize,
    /// Record fields (state and memory), actives included.
    pub record_outputs: usize,
    pub memory_accesses: usize,
}

impl Template {
    /// Number of per-copy inputs.
    pub fn num_inputs(&self) -> usize {
        self.inputs.len()
    }

    /// Number of live-in inputs.
    pub fn live_ins(&self) -> usize {
        self.inputs.iter().filter(|k| matches!(k, InputKind::LiveIn(_))).count()
    }

    /// Number of advice inputs.
    pub fn advice(&self) -> usize {
        self.hints.len()
    }

    /// Every output node, in a fixed order: residuals, the consumed record (active, fields),
    /// the produced record, then per memory access its active flag, timestamp and per cell
    /// `addr, old, new, ts_prev`.
    pub fn outputs(&self) -> Vec<Node> {
        let mut out: Vec<Node> = self.residuals.iter().map(|r| r.node).collect();
        for r in [&self.consumed, &self.produced] {
            out.push(r.active);
            out.extend(&r.fields);
        }
        for a in &self.memory {
            out.push(a.active);
            out.push(a.ts);
            for c in &a.cells {
                out.extend([c.addr, c.old, c.new, c.ts_prev]);
            }
        }
        out
    }

    /// Names of [`Self::outputs`], in the same order.
    pub fn output_names(&self) -> Vec<String> {
        let mut out: Vec<String> = self.residuals.iter().map(|r| format!("residual {}", r.what)).collect();
        for (name, r) in [("consumed", &self.consumed), ("produced", &self.produced)] {
            out.push(format!("{name}.active"));
            out.extend((0..r.fields.len()).map(|i| format!("{name}.{}", state_field_name(i))));
        }
        for (k, a) in self.memory.iter().enumerate() {
            out.push(format!("mem{k}.active"));
            out.push(format!("mem{k}.ts"));
            for (i, _) in a.cells.iter().enumerate() {
                for f in ["addr", "old", "new", "ts_prev"] {
                    out.push(format!("mem{k}.byte{i}.{f}"));
                }
            }
        }
        out
    }

    /// The origin of node `n`, if it lowers an instruction.
    pub fn origin(&self, n: Node) -> Option<&Origin> {
        self.origins.get(self.op_origin[n.0 as usize] as usize)
    }

    /// Per op, its constant in `F` (`Const` and `Scale`; zero for the others): computed once
    /// per template, so evaluating a copy converts no integer.
    pub fn constants<F: PrimeField>(&self) -> Vec<F> {
        self.ops
            .iter()
            .map(|op| match *op {
                Op::Const(c) | Op::Scale(c, _) => from_i128::<F>(c),
                _ => F::zero(),
            })
            .collect()
    }

    /// The value of every node on one copy's inputs (`inputs.len() == num_inputs()`).
    pub fn eval<F: PrimeField>(&self, inputs: &[F]) -> Vec<F> {
        let mut v = Vec::with_capacity(self.ops.len());
        self.eval_into(&self.constants(), inputs, &mut v);
        v
    }

    /// [`Self::eval`] into a reused buffer, with the constants of [`Self::constants`].
    pub fn eval_into<F: PrimeField>(&self, consts: &[F], inputs: &[F], v: &mut Vec<F>) {
        v.clear();
        for (op, k) in self.ops.iter().zip(consts) {
            let x = op.apply(v, k, |i| inputs[i as usize]);
            v.push(x);
        }
    }

    /// The first residual that is not zero on these node values, if any.
    pub fn first_failing<F: PrimeField>(&self, values: &[F]) -> Option<&Residual> {
        self.residuals.iter().find(|r| !values[r.node.0 as usize].is_zero())
    }

    /// Statistics.
    pub fn stats(&self) -> TemplateStats {
        let mut depth = vec![0usize; self.ops.len()];
        let mut mdepth = vec![0usize; self.ops.len()];
        let (mut adds, mut muls, mut consts) = (0, 0, 0);
        for (i, op) in self.ops.iter().enumerate() {
            let (d, m) = match *op {
                Op::Input(_) => (0, 0),
                Op::Const(_) => {
                    consts += 1;
                    (0, 0)
                }
                Op::Add(a, b) | Op::Sub(a, b) => {
                    adds += 1;
                    let (a, b) = (a.0 as usize, b.0 as usize);
                    (1 + depth[a].max(depth[b]), mdepth[a].max(mdepth[b]))
                }
                Op::Mul(a, b) => {
                    muls += 1;
                    let (a, b) = (a.0 as usize, b.0 as usize);
                    (1 + depth[a].max(depth[b]), 1 + mdepth[a].max(mdepth[b]))
                }
                Op::Scale(_, a) => {
                    adds += 1;
                    (1 + depth[a.0 as usize], mdepth[a.0 as usize])
                }
            };
            depth[i] = d;
            mdepth[i] = m;
        }
        let outs = self.outputs();
        TemplateStats {
            ops: self.ops.len(),
            adds,
            muls,
            consts,
            depth: outs.iter().map(|n| depth[n.0 as usize]).max().unwrap_or(0),
            mul_depth: outs.iter().map(|n| mdepth[n.0 as usize]).max().unwrap_or(0),
            live_ins: self.live_ins(),
            advice: self.advice(),
            residuals: self.residuals.len(),
            record_outputs: outs.len() - self.residuals.len(),
            memory_accesses: self.memory.len(),
        }
    }

    fn input_name(&self, k: u32) -> String {
        match &self.inputs[k as usize] {
            InputKind::Enabled => "enabled".into(),
            InputKind::Step => "step".into(),
            InputKind::Member => "member".into(),
            InputKind::LiveIn(n) => format!("live {n}"),
            InputKind::Advice(h) => {
                let h = &self.hints[*h as usize];
                match &h.src {
                    HintSource::Compute { args, .. } => {
                        let a: Vec<String> = args.iter().map(|n| n.to_string()).collect();
                        format!("advice {}({})", h.what, a.join(", "))
                    }
                    HintSource::Inverse(n) => format!("advice inverse({n})"),
                    HintSource::MemOld { access, byte } => format!("advice {} of mem{access}.byte{byte}", h.what),
                    HintSource::MemWord { access } => format!("advice {} of mem{access}", h.what),
                    HintSource::MemTsPrev { access, byte } => {
                        format!("advice {} of mem{access}.byte{byte}", h.what)
                    }
                }
            }
        }
    }
}

/// The name of state-record field `i`.
pub fn state_field_name(i: usize) -> String {
    match i {
        0 => "tag".into(),
        1 => "step".into(),
        2 => "sp".into(),
        k => format!("v{}", k - STATE_HEADER),
    }
}

/// `c` in the field `F`.
pub fn from_i128<F: PrimeField>(c: i128) -> F {
    let m = F::from(c.unsigned_abs());
    if c < 0 {
        -m
    } else {
        m
    }
}

/// `x` as an integer, when it is below `2^128` (otherwise `None`).
pub fn to_u128<F: PrimeField>(x: &F) -> Option<u128> {
    let b = x.into_bigint();
    let limbs = b.as_ref();
    if limbs.iter().skip(2).any(|&l| l != 0) {
        return None;
    }
    let lo = limbs.first().copied().unwrap_or(0) as u128;
    let hi = limbs.get(1).copied().unwrap_or(0) as u128;
    Some(lo | (hi << 64))
}

impl fmt::Display for Template {
    /// The header with statistics, the inputs, per instruction what its lowering costs, then
    /// the records. The alternate form (`{:#}`) lists every node under the instruction it
    /// lowers, and every residual.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.stats();
        writeln!(
            f,
            "template {}: {} member(s), {} instruction(s); inputs {} (live-ins {}, advice {}); {} ops ({} add, {} mul, {} const), depth {} (mul depth {}); {} residuals, {} record outputs, {} memory accesses",
            self.name,
            self.members,
            self.instructions,
            self.num_inputs(),
            s.live_ins,
            s.advice,
            s.ops,
            s.adds,
            s.muls,
            s.consts,
            s.depth,
            s.mul_depth,
            s.residuals,
            s.record_outputs,
            s.memory_accesses
        )?;
        let live: Vec<String> = self
            .inputs
            .iter()
            .filter_map(|k| match k {
                InputKind::LiveIn(n) => Some(n.clone()),
                _ => None,
            })
            .collect();
        writeln!(f, "  inputs: enabled, step, member, live-ins [{}], {} advice", live.join(", "), self.hints.len())?;
        if !f.alternate() {
            // One line per instruction: what its lowering costs.
            let n = self.origins.len();
            let (mut ops, mut muls, mut advice, mut res) =
                (vec![0usize; n + 1], vec![0usize; n + 1], vec![0usize; n + 1], vec![0usize; n + 1]);
            let slot = |o: u32| if o == u32::MAX { n } else { o as usize };
            for (i, op) in self.ops.iter().enumerate() {
                let k = slot(self.op_origin[i]);
                ops[k] += 1;
                match op {
                    Op::Mul(..) => muls[k] += 1,
                    Op::Input(j) if matches!(self.inputs[*j as usize], InputKind::Advice(_)) => advice[k] += 1,
                    _ => {}
                }
            }
            for r in &self.residuals {
                res[r.origin.map(|o| o as usize).unwrap_or(n)] += 1;
            }
            for k in 0..=n {
                if ops[k] == 0 && res[k] == 0 {
                    continue;
                }
                let what = if k == n { "(template)".to_string() } else { self.origins[k].inst.clone() };
                writeln!(
                    f,
                    "  {what:<48} ; {} ops, {} mul, {} advice, {} residuals",
                    ops[k], muls[k], advice[k], res[k]
                )?;
            }
        } else {
            let mut last_origin = u32::MAX;
            let mut line = String::new();
            for (i, op) in self.ops.iter().enumerate() {
                let o = self.op_origin[i];
                if o != last_origin && o != u32::MAX {
                    let org = &self.origins[o as usize];
                    writeln!(f, "  ; {}", org.inst)?;
                }
                last_origin = o;
                line.clear();
                match *op {
                    Op::Input(k) => write!(line, "input {k} ({})", self.input_name(k))?,
                    Op::Const(c) => write!(line, "const {c}")?,
                    Op::Add(a, b) => write!(line, "add {a}, {b}")?,
                    Op::Sub(a, b) => write!(line, "sub {a}, {b}")?,
                    Op::Mul(a, b) => write!(line, "mul {a}, {b}")?,
                    Op::Scale(c, a) => write!(line, "scale {c}, {a}")?,
                }
                writeln!(f, "  n{i} = {line}")?;
            }
            for r in &self.residuals {
                writeln!(f, "  residual {}: {}", r.node, r.what)?;
            }
        }
        let rec = |f: &mut fmt::Formatter<'_>, name: &str, r: &StateRecord| {
            let fields: Vec<String> =
                r.fields.iter().enumerate().map(|(i, n)| format!("{}={n}", state_field_name(i))).collect();
            writeln!(f, "  {name} if {}: [{}]", r.active, fields.join(", "))
        };
        rec(f, "consumes", &self.consumed)?;
        rec(f, "produces", &self.produced)?;
        for (k, a) in self.memory.iter().enumerate() {
            let cells: Vec<String> =
                a.cells.iter().map(|c| format!("({}, {}->{}, {})", c.addr, c.old, c.new, c.ts_prev)).collect();
            writeln!(
                f,
                "  mem{k} {} if {} at ts {}: {}",
                if a.write { "write" } else { "read" },
                a.active,
                a.ts,
                cells.join(" ")
            )?;
        }
        Ok(())
    }
}
