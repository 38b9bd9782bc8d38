//! Trace grouping: runs the program and collects, per class, its copies (executions) with
//! their inputs. In `block` and `region` mode a copy is one execution of a region (the member
//! it ran as, its step number, its input values); in `opcode` mode a class is one instruction
//! kind and width, and a copy is one executed instruction (counted, not recorded).

use crate::canon::Classes;
use crate::error::PassError;
use crate::pass::{Grouping, Module};
use indexmap::IndexMap;
use serde::Serialize;
use std::fmt;
use tessera_ir::display::Namer;
use tessera_ir::exec::{self, Arg, ExecOptions, FrameView, Observer, Outcome};
use tessera_ir::{Block, Function, InstKind, Type};

/// One execution of a region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Instance {
    /// Which member of the class ran (index into the class's members).
    pub member: u32,
    /// Position of this execution among all region executions (0-based).
    pub step: u64,
    /// The region's inputs as executed: phis, used outside values, carried values (padded with
    /// zeros to the class's width); a poison input reads as 0.
    pub inputs: Vec<u64>,
}

/// The copies of one class.
#[derive(Clone, Debug, Serialize)]
pub struct Group {
    pub name: String,
    /// The member regions (block names), or the opcode in `opcode` mode.
    pub members: Vec<String>,
    pub copies: u64,
    /// Inputs per copy (operands and result in `opcode` mode).
    pub live_ins: usize,
    /// Instructions per copy.
    pub instructions: usize,
    /// The recorded executions (empty in `opcode` mode).
    #[serde(skip)]
    pub instances: Vec<Instance>,
}

/// The grouped trace of one run.
#[derive(Clone, Debug, Serialize)]
pub struct Groups {
    #[serde(skip)]
    pub grouping: Option<Grouping>,
    pub classes: Vec<Group>,
    /// Instructions executed by the run.
    pub executed: u64,
    #[serde(skip)]
    pub outcome: Option<Outcome>,
}

/// The compiler's quality numbers for one grouping (DESIGN.md): what a prover would commit per
/// executed instruction, how much of the run sits in classes with many copies, and how large
/// a copy is.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Stats {
    pub classes: usize,
    pub copies: u64,
    /// Instructions the transformed program executed (if-conversion runs every arm).
    pub executed: u64,
    /// Inputs of all copies: what a prover commits before advice.
    pub committed: u64,
    /// Instructions of all copies: a proxy for the prover's layer work.
    pub work: u64,
    /// Share of executed instructions in classes with at least [`MANY_COPIES`] copies.
    pub share_in_many_copy_classes: f64,
    /// Instructions per copy, weighted by copies.
    pub instructions_per_copy: f64,
}

/// What "many copies" means in [`Stats::share_in_many_copy_classes`].
pub const MANY_COPIES: u64 = 16;

impl Groups {
    /// The share of executed instructions in classes with at least `min_copies` copies.
    pub fn share_in_classes_with(&self, min_copies: u64) -> f64 {
        let total: u64 = self.classes.iter().map(|g| g.copies * g.instructions as u64).sum();
        let big: u64 =
            self.classes.iter().filter(|g| g.copies >= min_copies).map(|g| g.copies * g.instructions as u64).sum();
        if total == 0 {
            0.0
        } else {
            big as f64 / total as f64
        }
    }

    /// The quality numbers of this grouping.
    pub fn stats(&self) -> Stats {
        let copies: u64 = self.classes.iter().map(|g| g.copies).sum();
        let committed: u64 = self.classes.iter().map(|g| g.copies * g.live_ins as u64).sum();
        let in_copies: u64 = self.classes.iter().map(|g| g.copies * g.instructions as u64).sum();
        let per = |a: u64, b: u64| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        Stats {
            classes: self.classes.len(),
            copies,
            executed: self.executed,
            committed,
            work: in_copies,
            share_in_many_copy_classes: self.share_in_classes_with(MANY_COPIES),
            instructions_per_copy: per(in_copies, copies),
        }
    }
}

struct RegionObserver<'a> {
    classes: &'a Classes,
    groups: Vec<Vec<Instance>>,
    step: u64,
}

impl Observer for RegionObserver<'_> {
    fn enter_block(&mut self, frame: &FrameView<'_>, block: Block, _from: Option<Block>) {
        if frame.depth != 0 {
            return; // calls are inlined before grouping; nothing runs deeper
        }
        if let Some(&(c, m)) = self.classes.of_block.get(&block) {
            let class = &self.classes.classes[c];
            let member = &class.members[m];
            let mut inputs: Vec<u64> =
                member.inputs.iter().chain(&member.carried).map(|&v| frame.value(v).unwrap_or(0)).collect();
            inputs.resize(class.input_width(), 0);
            self.groups[c].push(Instance { member: m as u32, step: self.step, inputs });
        }
        self.step += 1;
    }
}

struct CountObserver {
    counts: Vec<u64>,
}

impl Observer for CountObserver {
    fn enter_block(&mut self, frame: &FrameView<'_>, block: Block, _from: Option<Block>) {
        if frame.depth == 0 {
            let i = tessera_ir::entity::EntityRef::index(block);
            if i >= self.counts.len() {
                self.counts.resize(i + 1, 0);
            }
            self.counts[i] += 1;
        }
    }
}

/// The opcode class of an instruction: its kind and operand width, e.g. `add.i32`.
pub fn opcode_of(f: &Function, kind: &InstKind) -> String {
    let mut first_ty = None;
    kind.for_each_operand(|v| {
        if first_ty.is_none() {
            first_ty = Some(f.ty(v));
        }
    });
    let w = |t: Option<Type>| t.map(|t| format!(".{t}")).unwrap_or_default();
    use InstKind::*;
    match kind {
        Binary { op, .. } => format!("{}{}", op.name(), w(first_ty)),
        Icmp { .. } => format!("icmp{}", w(first_ty)),
        Select { if_true, .. } => format!("select.{}", f.ty(*if_true)),
        Cast { op, .. } => op.name().to_string(),
        Freeze { .. } => "freeze".into(),
        Phi { .. } => "phi".into(),
        Alloca { .. } => "alloca".into(),
        StackSave => "stacksave".into(),
        StackRestore { .. } => "stackrestore".into(),
        Load { .. } | PredLoad { .. } => "load".into(),
        Store { .. } | PredStore { .. } => "store".into(),
        Gep { .. } => "gep".into(),
        Call { .. } | CallIndirect { .. } => "call".into(),
        Intrinsic { op, .. } => format!("{}{}", op.name(), w(first_ty)),
        MemCopy { .. } => "memcpy".into(),
        MemSet { .. } => "memset".into(),
        Output { .. } => "output".into(),
        Br { .. } | CondBr { .. } | Switch { .. } => "branch".into(),
        Ret { .. } => "ret".into(),
        Unreachable | Trap { .. } => "trap".into(),
        Exit { .. } => "exit".into(),
    }
}

/// What one executed instruction commits in opcode grouping: its operand values (one for a
/// phi: the incoming value taken) and its result.
fn committed_values(f: &Function, data: &tessera_ir::InstData) -> usize {
    let operands = match &data.kind {
        InstKind::Phi { .. } => 1,
        kind => {
            let mut n = 0;
            kind.for_each_operand(|v| {
                if matches!(f.values[v].def, tessera_ir::ValueDef::Param(_) | tessera_ir::ValueDef::Inst(_)) {
                    n += 1;
                }
            });
            n
        }
    };
    operands + data.result.is_some() as usize
}

/// Runs the module's entry with `args` and groups the executions. `m` must already have been
/// through `grouping`'s pipeline.
pub fn group_trace(m: &Module, grouping: Grouping, args: &[Arg], opts: &ExecOptions) -> Result<Groups, PassError> {
    let f = &m.program.funcs[m.entry];
    match grouping {
        Grouping::Block | Grouping::Region => {
            let classes = Classes::compute(&m.program, f);
            let mut obs = RegionObserver { classes: &classes, groups: vec![Vec::new(); classes.classes.len()], step: 0 };
            let outcome = exec::run_observed(&m.program, m.entry, args, opts, &mut obs)?;
            let n = Namer::new(f);
            let classes_out = classes
                .classes
                .iter()
                .zip(obs.groups)
                .map(|(c, inst)| Group {
                    name: c.name.clone(),
                    members: c.members.iter().map(|x| n.block(x.block)).collect(),
                    copies: inst.len() as u64,
                    live_ins: c.input_width(),
                    instructions: c.form.instructions,
                    instances: inst,
                })
                .collect();
            Ok(Groups { grouping: Some(grouping), classes: classes_out, executed: outcome.instructions, outcome: Some(outcome) })
        }
        Grouping::Opcode => {
            let mut obs = CountObserver { counts: Vec::new() };
            let outcome = exec::run_observed(&m.program, m.entry, args, opts, &mut obs)?;
            let mut by_op: IndexMap<String, (u64, usize)> = IndexMap::new();
            for &b in &f.layout {
                let runs = obs.counts.get(tessera_ir::entity::EntityRef::index(b)).copied().unwrap_or(0);
                for &i in &f.blocks[b].insts {
                    let data = &f.insts[i];
                    let e = by_op.entry(opcode_of(f, &data.kind)).or_insert((0, 0));
                    e.0 += runs;
                    e.1 = e.1.max(committed_values(f, data));
                }
            }
            by_op.sort_keys();
            let classes = by_op
                .into_iter()
                .filter(|(_, (copies, _))| *copies > 0)
                .map(|(op, (copies, operands))| Group {
                    name: op.clone(),
                    members: vec![op],
                    copies,
                    live_ins: operands,
                    instructions: 1,
                    instances: Vec::new(),
                })
                .collect();
            Ok(Groups { grouping: Some(grouping), classes, executed: outcome.instructions, outcome: Some(outcome) })
        }
    }
}

impl fmt::Display for Groups {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let copies: u64 = self.classes.iter().map(|g| g.copies).sum();
        writeln!(
            out,
            "grouping {}: {} classes, {} copies, {} instructions executed",
            self.grouping.map(|g| g.name()).unwrap_or("?"),
            self.classes.len(),
            copies,
            self.executed
        )?;
        for g in &self.classes {
            writeln!(
                out,
                "{:<14} copies {:>8}  live-ins {:>3}  instructions {:>4}  members [{}]",
                g.name,
                g.copies,
                g.live_ins,
                g.instructions,
                g.members.join(", ")
            )?;
        }
        Ok(())
    }
}
