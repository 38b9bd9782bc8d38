//! Every transformation keeps behaviour: for every accepted testdata program and run line, the
//! interpreter gives the same return value and buffers on the program after each grouping
//! pipeline (several unroll factors included) as on the program as loaded.

#[path = "../../tests/common/testdata.rs"]
mod testdata;

use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, run, ExecOptions};
use tessera_passes::unroll::UnrollPolicy;
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

#[test]
fn pipelines_keep_results_on_all_testdata() {
    let opts = ExecOptions::default();
    let configs = [
        (Grouping::Block, UnrollPolicy::Fixed(1)),
        (Grouping::Region, UnrollPolicy::Fixed(1)),
        (Grouping::Region, UnrollPolicy::Fixed(2)),
        (Grouping::Region, UnrollPolicy::Fixed(3)),
        (Grouping::Region, UnrollPolicy::Auto),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for prog in testdata::accepted_programs() {
        let (ir, entry) = load_program(&prog.path, &prog.entry.name, &FrontendOptions::default())
            .unwrap_or_else(|e| panic!("{}: {e}", prog.path.display()));
        let m = Module { program: ir, entry };
        for (grouping, unroll) in configs {
            let t = match run_pipeline(&m, grouping, &PassConfig { unroll, ..PassConfig::default() }, None) {
                Ok(t) => t,
                Err(e) => {
                    failures.push(format!("{} {grouping:?} {unroll:?}: pipeline failed: {e}", prog.name()));
                    continue;
                }
            };
            for r in &prog.runs {
                let args = parse_args(&m.program.funcs[m.entry], &r.raw).unwrap_or_else(|e| panic!("{e}"));
                let want = run(&m.program, m.entry, &args, &opts);
                let got = run(&t.program, t.entry, &args, &opts);
                let same = match (&want, &got) {
                    (Ok(a), Ok(b)) => a.ret == b.ret && a.buffers == b.buffers,
                    (Err(_), Err(_)) => true,
                    _ => false,
                };
                checked += 1;
                if !same {
                    failures.push(format!(
                        "{} {grouping:?} {unroll:?} args [{}]: original {want:?}, transformed {got:?}",
                        prog.name(),
                        r.describe()
                    ));
                }
            }
        }
    }
    assert!(checked > 50, "too few runs checked: {checked}");
    assert!(failures.is_empty(), "{} of {checked} runs differ:\n{}", failures.len(), failures.join("\n"));
}
