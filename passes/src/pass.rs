//! The pass manager: the [`Pass`] trait, every pass as a unit struct, and the pipelines of
//! each grouping mode declared in one place. The verifier runs after every pass.

use crate::error::PassError;
use crate::unroll::UnrollPolicy;
use tessera_ir::{Func, Program};

/// A program and the function the pipeline works on.
#[derive(Clone, Debug)]
pub struct Module {
    pub program: Program,
    pub entry: Func,
}

/// Settings passes read.
#[derive(Clone, Debug)]
pub struct PassConfig {
    pub unroll: UnrollPolicy,
    /// Whether region formation if-converts every candidate or asks the cost model.
    pub if_convert: IfConvertPolicy,
}

/// Which loops and hammocks region formation if-converts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum IfConvertPolicy {
    /// Only those the cost model ([`crate::regions::loop_costs`]) predicts no dearer merged.
    #[default]
    Cost,
    /// Every one that can be.
    Always,
}

impl std::str::FromStr for IfConvertPolicy {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "cost" => Ok(IfConvertPolicy::Cost),
            "always" => Ok(IfConvertPolicy::Always),
            _ => Err(format!("'{s}' is not an if-conversion policy (cost or always)")),
        }
    }
}

impl Default for PassConfig {
    fn default() -> Self {
        PassConfig { unroll: UnrollPolicy::Fixed(1), if_convert: IfConvertPolicy::Cost }
    }
}

/// One transformation of a module.
pub trait Pass: Sync {
    /// The name `--after` takes.
    fn name(&self) -> &'static str;
    /// Transforms the module in place.
    fn run(&self, m: &mut Module, cfg: &PassConfig) -> Result<(), PassError>;
}

/// Turns indirect calls into switches over their targets (see [`crate::devirt`]).
pub struct Devirtualize;
/// Inlines every call into the entry (see [`crate::inline`]).
pub struct Inline;
/// Expands memory intrinsics of non-constant or large length into byte loops (see
/// [`crate::expand_mem`]).
pub struct ExpandMem;
/// Folds constant branches, removes unreachable blocks and trivial phis.
pub struct Simplify;
/// Fuses straight-line chains of blocks.
pub struct Fuse;
/// If-converts innermost loop bodies.
pub struct IfConvertLoops;
/// If-converts small diamonds and triangles.
pub struct IfConvertDiamonds;
/// Unrolls single-block loops.
pub struct Unroll;

impl Pass for Devirtualize {
    fn name(&self) -> &'static str {
        "devirtualize"
    }
    fn run(&self, m: &mut Module, _: &PassConfig) -> Result<(), PassError> {
        crate::devirt::devirtualize_all(&mut m.program);
        Ok(())
    }
}

impl Pass for Inline {
    fn name(&self) -> &'static str {
        "inline"
    }
    fn run(&self, m: &mut Module, _: &PassConfig) -> Result<(), PassError> {
        let (p, e) = crate::inline::inline_all(&m.program, m.entry)?;
        m.program = p;
        m.entry = e;
        Ok(())
    }
}

impl Pass for ExpandMem {
    fn name(&self) -> &'static str {
        "expand-mem"
    }
    fn run(&self, m: &mut Module, _: &PassConfig) -> Result<(), PassError> {
        crate::expand_mem::expand_mem(&mut m.program.funcs[m.entry]);
        Ok(())
    }
}

impl Pass for Simplify {
    fn name(&self) -> &'static str {
        "simplify"
    }
    fn run(&self, m: &mut Module, _: &PassConfig) -> Result<(), PassError> {
        crate::simplify::simplify(&mut m.program.funcs[m.entry]);
        Ok(())
    }
}

impl Pass for Fuse {
    fn name(&self) -> &'static str {
        "fuse"
    }
    fn run(&self, m: &mut Module, _: &PassConfig) -> Result<(), PassError> {
        crate::merge::merge_chains(&mut m.program.funcs[m.entry]);
        Ok(())
    }
}

impl Pass for IfConvertLoops {
    fn name(&self) -> &'static str {
        "if-convert-loops"
    }
    fn run(&self, m: &mut Module, cfg: &PassConfig) -> Result<(), PassError> {
        // the cost model lowers candidate loops against the program's globals
        let p = (cfg.if_convert == IfConvertPolicy::Cost).then(|| m.program.clone());
        crate::regions::if_convert_loops_costed(p.as_ref(), &mut m.program.funcs[m.entry]);
        Ok(())
    }
}

impl Pass for IfConvertDiamonds {
    fn name(&self) -> &'static str {
        "if-convert-diamonds"
    }
    fn run(&self, m: &mut Module, cfg: &PassConfig) -> Result<(), PassError> {
        let p = (cfg.if_convert == IfConvertPolicy::Cost).then(|| m.program.clone());
        crate::regions::if_convert_diamonds_costed(p.as_ref(), &mut m.program.funcs[m.entry]);
        Ok(())
    }
}

impl Pass for Unroll {
    fn name(&self) -> &'static str {
        "unroll"
    }
    fn run(&self, m: &mut Module, cfg: &PassConfig) -> Result<(), PassError> {
        // the cost model prices unroll factors against the program's globals
        let p = (cfg.unroll == UnrollPolicy::Auto).then(|| m.program.clone());
        let f = &mut m.program.funcs[m.entry];
        crate::unroll::unroll_loops_costed(p.as_ref(), f, cfg.unroll);
        crate::merge::merge_chains(f);
        Ok(())
    }
}

/// How executions are grouped into classes (`--grouping`).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
pub enum Grouping {
    /// One class per instruction kind and width, as opcode-grouping zkVMs (Ceno) do.
    Opcode,
    /// One class per set of identical basic blocks.
    Block,
    /// Fusion, if-conversion and unrolling first, then one class per set of identical regions.
    Region,
}

impl Grouping {
    /// The `--grouping` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Grouping::Opcode => "opcode",
            Grouping::Block => "block",
            Grouping::Region => "region",
        }
    }

    /// The passes this mode runs, in order.
    pub fn pipeline(self) -> &'static [&'static dyn Pass] {
        match self {
            Grouping::Opcode | Grouping::Block => BLOCK_PIPELINE,
            Grouping::Region => REGION_PIPELINE,
        }
    }
}

impl std::str::FromStr for Grouping {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "opcode" => Ok(Grouping::Opcode),
            "block" => Ok(Grouping::Block),
            "region" => Ok(Grouping::Region),
            _ => Err(format!("unknown grouping '{s}' (opcode, block or region)")),
        }
    }
}

/// Basic blocks as compiled: calls inlined, long memory intrinsics expanded, dead code removed.
pub const BLOCK_PIPELINE: &[&dyn Pass] = &[&Devirtualize, &Inline, &ExpandMem, &Simplify];

/// Regions: blocks fused, loop bodies and diamonds if-converted, loops optionally unrolled.
pub const REGION_PIPELINE: &[&dyn Pass] =
    &[&Devirtualize, &Inline, &ExpandMem, &Simplify, &Fuse, &IfConvertLoops, &IfConvertDiamonds, &Unroll, &Simplify];

/// Refuses, before any pass runs, what the circuit stages cannot express yet though the
/// interpreter runs it: integers wider than 64 bits and printed output, in the entry or a
/// function it calls.
/// The error names the first instruction that computes on one.
pub fn refuse_unlowerable(p: &tessera_ir::Program, entry: tessera_ir::Func) -> Result<(), PassError> {
    let mut seen = vec![false; p.funcs.len()];
    let mut work = vec![entry];
    while let Some(func) = work.pop() {
        if std::mem::replace(&mut seen[tessera_ir::entity::EntityRef::index(func)], true) {
            continue;
        }
        let f = &p.funcs[func];
        for (_, d) in f.insts.iter() {
            match &d.kind {
                tessera_ir::InstKind::Call { callee, .. } => work.push(*callee),
                tessera_ir::InstKind::CallIndirect { callees, .. } => work.extend(callees.iter().map(|&(_, c)| c)),
                _ => {}
            }
        }
        let n = tessera_ir::display::Namer::new(f);
        for &b in &f.layout {
            for &i in &f.blocks[b].insts {
                let d = &f.insts[i];
                let mut wide = d.result.map(|r| f.ty(r)).filter(|t| t.is_wide());
                d.kind.for_each_operand(|v| {
                    if wide.is_none() && f.ty(v).is_wide() {
                        wide = Some(f.ty(v));
                    }
                });
                let what = match (&d.kind, wide) {
                    (tessera_ir::InstKind::Output { .. }, _) => {
                        Some("printed output (stdio's printing functions)".to_string())
                    }
                    (_, Some(t)) => Some(format!("{t} arithmetic (integers wider than 64 bits)")),
                    _ => None,
                };
                if let Some(what) = what {
                    return Err(PassError::Unsupported {
                        what,
                        func: f.display_name().to_string(),
                        block: n.block(b),
                        inst: n.inst(Some(p), f, i),
                        loc: d.loc.clone(),
                    });
                }
            }
        }
    }
    Ok(())
}

/// Runs `grouping`'s pipeline on a copy of `m`, stopping after the first pass named
/// `stop_after` when given. The verifier runs after every pass.
pub fn run_pipeline(
    m: &Module,
    grouping: Grouping,
    cfg: &PassConfig,
    stop_after: Option<&str>,
) -> Result<Module, PassError> {
    let pipeline = grouping.pipeline();
    if let Some(name) = stop_after {
        if !pipeline.iter().any(|p| p.name() == name) {
            return Err(PassError::UnknownPass {
                name: name.to_string(),
                pipeline: grouping.name(),
                available: pipeline.iter().map(|p| p.name()).collect(),
            });
        }
    }
    refuse_unlowerable(&m.program, m.entry)?;
    let mut m = m.clone();
    for pass in pipeline {
        pass.run(&mut m, cfg)?;
        tessera_ir::verify::verify_program(&m.program)
            .map_err(|errors| PassError::Verify { pass: pass.name(), errors })?;
        if stop_after == Some(pass.name()) {
            break;
        }
    }
    Ok(m)
}
