//! `llvm.stacksave`/`llvm.stackrestore` (variable-length arrays): a C program with VLAs gives
//! what native clang-19 gives under `tessera run`; by hand-written IR, a restore frees what
//! was allocated after its save and a restore to a bogus mark traps; and the stages that
//! cannot lower the pair yet say so in one line instead of panicking.
//!
//! The program lives in `tests/data/stack/`, not `testdata/`: every testdata program must go
//! through every stage, and the lowering does not handle the pair yet.

mod common;

use common::*;
use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/stack").join(name)
}

fn tessera_out(args: &[&str]) -> Output {
    let mut cmd = tessera();
    cmd.args(args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT).unwrap()
}

#[test]
fn variable_length_arrays_agree_with_native() {
    let sig = parse_signature("vla_sum(u32, u32) -> u32").unwrap();
    let scratch = Scratch::new("stack-native");
    let harness = scratch.path("vla_main.c");
    std::fs::write(&harness, c_harness(&sig)).unwrap();
    let exe = scratch.path("vla_native");
    let mut cc = Command::new(llvm_tool("clang"));
    cc.args(["-O1", "-w", "-o"]).arg(&exe).arg(data("vla.c")).arg(&harness);
    let out = run_with_timeout(&mut cc, RUN_TIMEOUT).unwrap();
    assert!(out.status.success(), "native build: {}", String::from_utf8_lossy(&out.stderr));
    let file = data("vla.c").display().to_string();
    // The IR really has the pair (else this test checks nothing new).
    let ir = tessera_out(&["dump", &file, "--entry", "vla_sum", "--stage", "ir"]);
    let ir = String::from_utf8_lossy(&ir.stdout);
    assert!(ir.contains("stacksave") && ir.contains("stackrestore"), "{ir}");
    for raw in [["0", "1"], ["5", "4"], ["17", "9"], ["3", "0"]] {
        let raw: Vec<String> = raw.iter().map(|s| s.to_string()).collect();
        let run = Run { values: parse_run(&sig, &raw).unwrap(), raw };
        let native = run_with_timeout(Command::new(&exe).args(harness_args(&run)), RUN_TIMEOUT).unwrap();
        let want = parse_harness_output(&sig, &native.stdout).unwrap();
        for level in ["O0", "O1", "O2"] {
            let mut args = vec!["run", &file, "--entry", "vla_sum", "--json", "--opt-level", level, "--"];
            args.extend(run.raw.iter().map(String::as_str));
            let out = tessera_out(&args);
            assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
            let got = parse_tessera_json(&sig, &String::from_utf8_lossy(&out.stdout)).unwrap().outcome;
            assert_eq!(got, want, "vla_sum({}) at {level}", run.describe());
        }
    }
}

#[test]
fn stackrestore_frees_what_was_allocated_after_the_save() {
    let file = data("restore.ll").display().to_string();
    let run = |entry: &str| tessera_out(&["run", &file, "--entry", entry, "--", "4"]);
    let out = run("reuse");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("return: i32 1 "), "the freed address is reused");
    let out = run("stale");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("unallocated address"), "{stderr}");
    let out = run("bogus");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && stderr.contains("stackrestore to 0x"), "{stderr}");
    assert!(stderr.contains("function 'bogus'"), "{stderr}");
}

#[test]
fn stages_that_cannot_lower_the_pair_say_so() {
    let file = data("vla.c").display().to_string();
    for args in [
        vec!["check", &file, "--entry", "vla_sum", "--", "5", "4"],
        vec!["check", &file, "--entry", "vla_sum", "--grouping", "block", "--", "5", "4"],
        vec!["check", &file, "--entry", "vla_sum", "--grouping", "opcode", "--", "5", "4"],
        vec!["prove", &file, "--entry", "vla_sum", "--quiet", "-o", "/dev/null", "--", "5", "4"],
        vec!["dump", &file, "--entry", "vla_sum", "--stage", "templates"],
    ] {
        let out = tessera_out(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains("stacksave") && stderr.contains("vla_sum"), "{args:?}: {stderr}");
    }
}
