//! Text dumps of every stage, shared by `tessera dump` and the snapshot tests.

use crate::analysis::{Cfg, DomTree, Liveness, Loops};
use crate::canon::Classes;
use crate::error::PassError;
use crate::grouping::{group_trace, Groups};
use crate::pass::{run_pipeline, Grouping, Module, PassConfig};
use std::fmt::Write;
use tessera_ir::display::Namer;
use tessera_ir::exec::{Arg, ExecOptions};

/// A stage `tessera dump --stage` can print.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Stage {
    Ir,
    Cfg,
    Loops,
    Liveness,
    Classes,
    Regions,
    Groups,
    Templates,
    Layered,
    Proof,
}

impl Stage {
    /// Every stage, in pipeline order.
    pub const ALL: [Stage; 10] = [
        Stage::Ir,
        Stage::Cfg,
        Stage::Loops,
        Stage::Liveness,
        Stage::Classes,
        Stage::Regions,
        Stage::Groups,
        Stage::Templates,
        Stage::Layered,
        Stage::Proof,
    ];

    /// The `--stage` spelling.
    pub fn name(self) -> &'static str {
        match self {
            Stage::Ir => "ir",
            Stage::Cfg => "cfg",
            Stage::Loops => "loops",
            Stage::Liveness => "liveness",
            Stage::Classes => "classes",
            Stage::Regions => "regions",
            Stage::Groups => "groups",
            Stage::Templates => "templates",
            Stage::Layered => "layered",
            Stage::Proof => "proof",
        }
    }

    /// True for stages that run the program.
    pub fn needs_args(self) -> bool {
        matches!(self, Stage::Groups | Stage::Proof)
    }
}

impl std::str::FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Stage::ALL.iter().copied().find(|st| st.name() == s).ok_or_else(|| {
            let names: Vec<_> = Stage::ALL.iter().map(|s| s.name()).collect();
            format!("unknown stage '{s}' ({})", names.join(", "))
        })
    }
}

/// What to dump and how.
#[derive(Clone, Debug)]
pub struct DumpRequest<'a> {
    pub stage: Stage,
    pub grouping: Grouping,
    pub config: PassConfig,
    /// Print the IR after this pass instead of after the whole pipeline.
    pub after: Option<&'a str>,
    /// Arguments for stages that run the program.
    pub args: &'a [Arg],
    /// For `templates` and `layered`: every node and every gate, not only the summaries.
    pub full: bool,
    pub exec: ExecOptions,
}

/// The module after the request's pipeline (or after `--after`).
pub fn transformed(m: &Module, req: &DumpRequest) -> Result<Module, PassError> {
    run_pipeline(m, req.grouping, &req.config, req.after)
}

/// Runs the program and groups its trace as the request says.
pub fn groups(m: &Module, req: &DumpRequest) -> Result<Groups, PassError> {
    let t = transformed(m, req)?;
    group_trace(&t, req.grouping, req.args, &req.exec)
}

/// Renders one stage as text. `m` is the program as the frontend gave it.
pub fn render(m: &Module, req: &DumpRequest) -> Result<String, PassError> {
    if req.stage == Stage::Ir && req.after.is_none() {
        return Ok(m.program.to_string());
    }
    let t = transformed(m, req)?;
    let f = &t.program.funcs[t.entry];
    let mut s = String::new();
    match req.stage {
        Stage::Ir => s = t.program.to_string(),
        Stage::Cfg => {
            let cfg = Cfg::compute(f);
            let dom = DomTree::compute(f, &cfg);
            let _ = write!(s, "{}\ndominators:\n{}", cfg.display(f), dom.display(f));
        }
        Stage::Loops => {
            let cfg = Cfg::compute(f);
            let dom = DomTree::compute(f, &cfg);
            let _ = write!(s, "{}", Loops::compute(f, &cfg, &dom).display(f));
        }
        Stage::Liveness => {
            let cfg = Cfg::compute(f);
            let _ = write!(s, "{}", Liveness::compute(f, &cfg).display(f));
        }
        Stage::Classes => {
            let _ = write!(s, "{}", Classes::compute(&t.program, f).display(f));
        }
        Stage::Regions => {
            let classes = Classes::compute(&t.program, f);
            let n = Namer::new(f);
            let _ = writeln!(
                s,
                "{} regions in {} classes ({} grouping)",
                classes.of_block.len(),
                classes.classes.len(),
                req.grouping.name()
            );
            for (&b, &(c, m)) in &classes.of_block {
                let member = &classes.classes[c].members[m];
                let names = |vs: &[tessera_ir::Value]| -> String {
                    vs.iter().map(|&v| n.value(Some(&t.program), f, v)).collect::<Vec<_>>().join(", ")
                };
                let exports: Vec<String> =
                    member.exports.iter().map(|(sb, vs)| format!("{}: [{}]", n.block(*sb), names(vs))).collect();
                let _ = writeln!(
                    s,
                    "{}: class {} member {}, {} instructions, inputs [{}], carried [{}], exports {{{}}}",
                    n.block(b),
                    classes.classes[c].name,
                    m,
                    f.blocks[b].insts.len(),
                    names(&member.inputs),
                    names(&member.carried),
                    exports.join(", ")
                );
            }
            let _ = write!(s, "\n{}", t.program);
        }
        Stage::Groups => {
            let g = group_trace(&t, req.grouping, req.args, &req.exec)?;
            let _ = write!(s, "{g}");
        }
        Stage::Proof => {
            let params = crate::prove::default_params();
            let (file, report) =
                crate::prove::prove(&t, req.grouping, req.args, &params, &|_| {}).map_err(PassError::Prove)?;
            crate::prove::verify(&t, req.grouping, req.args, &file, &params).map_err(PassError::Prove)?;
            s = crate::prove::summary(&file, &report);
        }
        Stage::Templates | Stage::Layered => {
            let templates = crate::lower::lower_module(&t, req.grouping, &crate::lower::default_range_check())?;
            let _ = writeln!(s, "{} templates ({} grouping)", templates.len(), req.grouping.name());
            for tm in &templates {
                match (req.stage, req.full) {
                    (Stage::Templates, false) => {
                        let _ = write!(s, "\n{tm}");
                    }
                    (Stage::Templates, true) => {
                        let _ = write!(s, "\n{tm:#}");
                    }
                    (_, full) => {
                        let l = crate::layer::layer::<tessera_gkr::Fr>(tm)?;
                        let _ = write!(s, "\n{l}");
                        if full {
                            let _ = write!(s, "{}", l.circuit);
                        }
                    }
                }
            }
        }
    }
    Ok(s)
}
