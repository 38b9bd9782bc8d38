//! The cost model's unroll factors (`--unroll auto` in region grouping): for each
//! single-block loop it prices one, two, four and eight iterations per region from the real
//! lowering and picks the cheapest per iteration, counting the committed inputs at their
//! padded width. Measured choices: collatz.c and rotate_regs.c stay at one iteration per
//! region (unrolled they prove more slowly), crc32.c is unrolled by two (1.8 s against 2.6 s
//! on 512 bytes); and the unrolled program gives the original results.

use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, run, ExecOptions};
use tessera_passes::unroll::{cost_factor, UnrollPolicy};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn module(file: &str, entry: &str) -> Module {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata").join(file);
    let (program, entry) = load_program(&path, entry, &FrontendOptions::default()).unwrap();
    Module { program, entry }
}

/// The factor the model gives each single-block loop, as the unroll pass sees them.
fn factors(m: &Module) -> Vec<u32> {
    let before = run_pipeline(m, Grouping::Region, &PassConfig::default(), Some("if-convert-diamonds")).unwrap();
    let f = &before.program.funcs[before.entry];
    let loops: Vec<_> = f.layout.iter().copied().filter(|&b| f.successors(b).contains(&b)).collect();
    loops.into_iter().map(|h| cost_factor(&before.program, f, h)).collect()
}

#[test]
fn unroll_factors_follow_the_cost_model() {
    let collatz = module("collatz.c", "collatz_steps");
    assert_eq!(factors(&collatz), [1], "collatz's loop is cheapest one iteration per region");
    assert_eq!(factors(&module("rotate_regs.c", "rotate_regs")), [1], "two iterations pass a power of two");
    let crc = module("crc32.c", "crc32");
    let k = factors(&crc);
    assert_eq!(k, [2], "crc32's loop is cheapest two iterations per region");
    // The same choice every time (the verifier recompiles it), and the results stay.
    assert_eq!(factors(&crc), k);
    let cfg = PassConfig { unroll: UnrollPolicy::Auto, ..PassConfig::default() };
    let auto = run_pipeline(&crc, Grouping::Region, &cfg, None).unwrap();
    let fixed = run_pipeline(&crc, Grouping::Region, &PassConfig { unroll: UnrollPolicy::Fixed(2), ..cfg.clone() }, None).unwrap();
    assert_eq!(auto.program.to_string(), fixed.program.to_string());
    for n in [0usize, 1, 2, 7, 64] {
        let bytes: String = (0..n).map(|i| format!("{:02x}", (i * 37 + 11) % 256)).collect();
        let f = &crc.program.funcs[crc.entry];
        let args = parse_args(f, &[format!("hex:{bytes}"), n.to_string()]).unwrap();
        let want = run(&crc.program, crc.entry, &args, &ExecOptions::default()).unwrap();
        let got = run(&auto.program, auto.entry, &args, &ExecOptions::default()).unwrap();
        assert_eq!(want.ret, got.ret, "crc32 of {n} bytes");
    }
}
