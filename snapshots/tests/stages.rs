//! Snapshots of every middle-end stage for every accepted testdata program: `cfg`, `loops`,
//! `liveness`, `classes`, `regions` (region grouping) and `groups` in all three grouping modes
//! (for the program's first run line), `templates` and `layered` (region grouping) and
//! `templates-opcode`, and `proof` (region grouping, the first run line: proven and verified).
//! Snapshots live in `snapshots/<stage>/`.

#[path = "../../tests/common/testdata.rs"]
mod testdata;

use std::path::Path;
use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, ExecOptions};
use tessera_passes::stages::{render, DumpRequest, Stage};
use tessera_passes::{Grouping, Module, PassConfig};

fn dump(path: &Path, stage: Stage, grouping: Grouping) -> String {
    let program = testdata::parse_program(path).unwrap_or_else(|e| panic!("{e}"));
    let (ir, entry) = load_program(path, &program.entry.name, &FrontendOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let args = match (stage.needs_args(), program.runs.first()) {
        (true, Some(run)) => parse_args(&ir.funcs[entry], &run.raw).unwrap_or_else(|e| panic!("{e}")),
        _ => Vec::new(),
    };
    let m = Module { program: ir, entry };
    let req = DumpRequest {
        stage,
        grouping,
        config: PassConfig::default(),
        after: None,
        args: &args,
        full: false,
        exec: ExecOptions::default(),
    };
    render(&m, &req).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn snapshot_stage(folder: &str, stage: Stage, grouping: Grouping) {
    insta::glob!("../../testdata", "*.{c,rs,ll}", |path| {
        let text = dump(path, stage, grouping);
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(format!("../{folder}"));
        settings.set_prepend_module_to_snapshot(false);
        settings.bind(|| insta::assert_snapshot!(folder, text));
    });
}

#[test]
fn cfg() {
    snapshot_stage("cfg", Stage::Cfg, Grouping::Region);
}

#[test]
fn loops() {
    snapshot_stage("loops", Stage::Loops, Grouping::Region);
}

#[test]
fn liveness() {
    snapshot_stage("liveness", Stage::Liveness, Grouping::Region);
}

#[test]
fn classes() {
    snapshot_stage("classes", Stage::Classes, Grouping::Region);
}

#[test]
fn regions() {
    snapshot_stage("regions", Stage::Regions, Grouping::Region);
}

#[test]
fn groups_region() {
    snapshot_stage("groups-region", Stage::Groups, Grouping::Region);
}

#[test]
fn groups_block() {
    snapshot_stage("groups-block", Stage::Groups, Grouping::Block);
}

#[test]
fn templates() {
    snapshot_stage("templates", Stage::Templates, Grouping::Region);
}

#[test]
fn layered() {
    snapshot_stage("layered", Stage::Layered, Grouping::Region);
}

#[test]
fn templates_opcode() {
    snapshot_stage("templates-opcode", Stage::Templates, Grouping::Opcode);
}

#[test]
fn groups_opcode() {
    snapshot_stage("groups-opcode", Stage::Groups, Grouping::Opcode);
}

#[test]
fn proof() {
    // region grouping, the first run line: proven, verified and summarised
    snapshot_stage("proof", Stage::Proof, Grouping::Region);
}
