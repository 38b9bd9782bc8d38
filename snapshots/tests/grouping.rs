//! The pattern-detection promises of the middle end, on real programs: a loop with an if/else
//! becomes one class with a copy per iteration under `region` grouping and several classes
//! under `block` grouping; one callee inlined at two call sites gives one class.

use std::path::Path;
use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, ExecOptions};
use tessera_passes::grouping::{group_trace, Groups};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn groups(file: &str, entry: &str, args: &[&str], grouping: Grouping) -> Groups {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../testdata").join(file);
    let (program, entry) = load_program(&path, entry, &FrontendOptions::default()).unwrap();
    let raw: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    let args = parse_args(&program.funcs[entry], &raw).unwrap();
    // pattern detection: every candidate if-converted, whatever the cost model would choose
    let cfg = PassConfig { if_convert: tessera_passes::pass::IfConvertPolicy::Always, ..PassConfig::default() };
    let m = run_pipeline(&Module { program, entry }, grouping, &cfg, None).unwrap();
    group_trace(&m, grouping, &args, &ExecOptions::default()).unwrap()
}

#[test]
fn loop_with_if_else_is_one_class_per_iteration() {
    // collatz_hash(27) takes 111 steps.
    let region = groups("collatz_branches.c", "collatz_hash", &["27"], Grouping::Region);
    let top = region.classes.iter().max_by_key(|c| c.copies).unwrap();
    assert_eq!(top.copies, 111, "{region}");
    assert_eq!(region.classes.iter().filter(|c| c.copies > 1).count(), 1, "{region}");

    let block = groups("collatz_branches.c", "collatz_hash", &["27"], Grouping::Block);
    let busy: Vec<u64> = block.classes.iter().filter(|c| c.copies > 1).map(|c| c.copies).collect();
    assert!(busy.len() >= 3, "block grouping should spread the loop over several classes:\n{block}");
    // Header and latch run every iteration; the two arms split them.
    assert_eq!(busy.iter().filter(|&&c| c == 111).count(), 2, "{block}");
    assert_eq!(busy.iter().filter(|&&c| c < 111).sum::<u64>(), 111, "{block}");
}

#[test]
fn callee_inlined_twice_is_one_class() {
    let g = groups("two_calls.c", "two_calls", &["255", "7"], Grouping::Region);
    let loop_class = g.classes.iter().find(|c| c.members.len() == 2).unwrap_or_else(|| panic!("no two-member class:\n{g}"));
    assert_eq!(loop_class.copies, 8 + 3, "{g}");
    // Each copy records which member ran.
    let members: std::collections::BTreeSet<u32> = loop_class.instances.iter().map(|i| i.member).collect();
    assert_eq!(members.len(), 2);
    // Clang inlined fnv1a's helper itself; its two loop copies still form one class.
    let f = groups("fnv1a.c", "fnv1a_halves", &["hex:0102030405", "5"], Grouping::Region);
    assert!(f.classes.iter().any(|c| c.members.len() == 2 && c.copies == 5), "{f}");
}

#[test]
fn steps_are_increasing_and_unique() {
    let g = groups("collatz_branches.c", "collatz_hash", &["97"], Grouping::Region);
    let mut steps: Vec<u64> = g.classes.iter().flat_map(|c| c.instances.iter().map(|i| i.step)).collect();
    steps.sort_unstable();
    let n = steps.len() as u64;
    assert_eq!(steps, (0..n).collect::<Vec<_>>());
}
