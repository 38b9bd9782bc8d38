//! Several source files and compiler flags on the command line: a two-file C program with a
//! header found through `-I` and macros from `-D` gives what native clang-19 gives with the
//! same files and flags; a C file and a Rust file link into one program; a missing file or a
//! bad flag is one clear line; and the flags are part of what a proof states.

mod common;

use common::*;
use std::path::PathBuf;
use std::process::{Command, Output};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/multi_file").join(name)
}

fn sources() -> Vec<PathBuf> {
    vec![data("main.c"), data("mix.c")]
}

fn tessera_out(args: &[String]) -> Output {
    let mut cmd = tessera();
    cmd.args(args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT).unwrap()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn path_args(paths: &[PathBuf]) -> Vec<String> {
    paths.iter().map(|p| p.display().to_string()).collect()
}

/// Asserts a clean failure with a one-line message on stderr containing every needle.
#[track_caller]
fn assert_one_line_error(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "expected a failure, got {}", String::from_utf8_lossy(&out.stdout));
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "want one line:\n{stderr}");
    for n in needles {
        assert!(stderr.contains(n), "stderr should mention `{n}`: {stderr}");
    }
}

/// The C flag sets the test compares: each is given to tessera and to native clang-19.
fn flag_sets() -> Vec<Vec<String>> {
    let inc = data("include").display().to_string();
    vec![
        vec!["-I".into(), inc.clone(), "-D".into(), "SCALE=3".into()],
        vec![format!("-I{inc}"), "-DSCALE=5".into(), "-DEXTRA=0x55aa".into(), "--std=c11".into()],
        vec!["-I".into(), inc, "-DSCALE=7".into(), "-DEXTRA=1".into(), "-U".into(), "EXTRA".into()],
    ]
}

/// The same flags in clang's spelling.
fn clang_spelling(flags: &[String]) -> Vec<String> {
    flags.iter().map(|f| if let Some(s) = f.strip_prefix("--std=") { format!("-std={s}") } else { f.clone() }).collect()
}

#[test]
fn two_c_files_with_flags_agree_with_native() {
    let sig = parse_signature("mix_all(u32, u32) -> u32").unwrap();
    let scratch = Scratch::new("flags-native");
    let harness = scratch.path("main_harness.c");
    std::fs::write(&harness, c_harness(&sig)).unwrap();
    let runs = [["7", "10"], ["0", "0"], ["4294967295", "33"]];
    let mut seen = Vec::new();
    for (k, flags) in flag_sets().iter().enumerate() {
        let exe = scratch.path(&format!("native{k}"));
        let mut cc = Command::new(llvm_tool("clang"));
        cc.args(["-O1", "-w"]).args(clang_spelling(flags)).arg("-o").arg(&exe).args(sources()).arg(&harness);
        let out = run_with_timeout(&mut cc, RUN_TIMEOUT).unwrap();
        assert!(out.status.success(), "native build with {flags:?}: {}", String::from_utf8_lossy(&out.stderr));
        for raw in runs {
            let run = Run { raw: strings(&raw), values: parse_run(&sig, &strings(&raw)).unwrap() };
            let native = run_with_timeout(Command::new(&exe).args(harness_args(&run)), RUN_TIMEOUT).unwrap();
            let want = parse_harness_output(&sig, &native.stdout).unwrap();
            let mut args = vec!["run".to_string()];
            args.extend(path_args(&sources()));
            args.extend(strings(&["--entry", "mix_all", "--json"]));
            args.extend(flags.iter().cloned());
            args.push("--".into());
            args.extend(run.raw.iter().cloned());
            let out = tessera_out(&args);
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(out.status.success(), "tessera {args:?}: {}", String::from_utf8_lossy(&out.stderr));
            let got = parse_tessera_json(&sig, &stdout).unwrap().outcome;
            assert_eq!(got, want, "flags {flags:?}, arguments {raw:?}");
            seen.push(got.ret);
        }
    }
    // The macros change the result: the test would not notice flags being dropped otherwise.
    assert_ne!(seen[0], seen[3]);
    assert_ne!(seen[3], seen[6]);
}

#[test]
fn a_c_file_and_a_rust_file_link() {
    let offset = |x: u32| x.wrapping_mul(7) ^ 0x1234;
    for x in [0u32, 1000, u32::MAX] {
        let mut args = vec!["run".to_string()];
        args.extend(path_args(&[data("mixed.c"), data("offset.rs")]));
        args.extend(strings(&["--entry", "mixed", "--json", "--"]));
        args.push(x.to_string());
        let out = tessera_out(&args);
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        let sig = parse_signature("mixed(u32) -> u32").unwrap();
        let got = parse_tessera_json(&sig, &String::from_utf8_lossy(&out.stdout)).unwrap().outcome;
        assert_eq!(got.ret, Some(offset(x).wrapping_add(offset(x >> 3)) as u64), "x = {x}");
    }
}

#[test]
fn missing_files_and_bad_flags_are_one_line_errors() {
    let inc = data("include").display().to_string();
    let base = |extra: &[&str], files: &[PathBuf]| {
        let mut a = vec!["run".to_string()];
        a.extend(path_args(files));
        a.extend(strings(&["--entry", "mix_all", "-I", &inc, "-DSCALE=3"]));
        a.extend(strings(extra));
        a.extend(strings(&["--", "1", "2"]));
        a
    };
    let missing = data("no_such_file.c");
    let out = tessera_out(&base(&[], &[data("main.c"), missing]));
    assert_one_line_error(&out, &["no such file", "no_such_file.c"]);
    let out = tessera_out(&base(&["--cflag", "-fno-such-flag"], &sources()));
    assert_one_line_error(&out, &["clang-19", "main.c", "-fno-such-flag"]);
    let out = tessera_out(&base(&["--std=c99x"], &sources()));
    assert_one_line_error(&out, &["clang-19", "main.c", "c99x"]);
    let out = tessera_out(&base(&["-D", "3X=1"], &sources()));
    assert_one_line_error(&out, &["-D", "3X"]);
    let out = tessera_out(&base(&["-I", "/no/such/dir"], &sources()));
    assert_one_line_error(&out, &["-I", "/no/such/dir"]);
    let out = tessera_out(&base(&["--include", "/no/such/header.h"], &sources()));
    assert_one_line_error(&out, &["--include", "/no/such/header.h"]);
    let out = tessera_out(&base(&["--rustflag", "-Cno-such-option"], &[data("mixed.c"), data("offset.rs")]));
    assert_one_line_error(&out, &["rustc", "offset.rs", "no-such-option"]);
    // The same definition twice: the linker names the symbol.
    let out = tessera_out(&base(&[], &[data("main.c"), data("mix.c"), data("mix.c")]));
    assert_one_line_error(&out, &["llvm-link-19", "'mix'", "multiply defined"]);
}

#[test]
fn flags_are_part_of_the_statement() {
    let scratch = Scratch::new("flags-prove");
    let proof = scratch.path("mix.proof").display().to_string();
    let inc = data("include").display().to_string();
    let cmd = |verb: &str, flags: &[&str], extra: &[&str]| {
        let mut a = vec![verb.to_string()];
        a.extend(path_args(&sources()));
        a.extend(strings(&["--entry", "mix_all", "--grouping", "block", "-I", &inc]));
        a.extend(strings(flags));
        a.extend(strings(extra));
        a.extend(strings(&["--", "7", "3"]));
        a
    };
    let out = tessera_out(&cmd("prove", &["-DSCALE=3"], &["--quiet", "-o", &proof]));
    assert!(out.status.success(), "prove: {}", String::from_utf8_lossy(&out.stderr));
    let out = tessera_out(&cmd("verify", &["-DSCALE=3"], &["--proof", &proof]));
    assert!(out.status.success(), "verify: {}", String::from_utf8_lossy(&out.stderr));
    // A flag that leaves the program as it is still changes the statement.
    let out = tessera_out(&cmd("verify", &["-DSCALE=3", "-DUNUSED"], &["--proof", &proof]));
    assert!(!out.status.success(), "a proof verified with other flags");
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid proof"));
    // So does a change of file names that keeps the program (the verifier sees other files).
    let renamed = scratch.path("renamed.c");
    std::fs::copy(data("mix.c"), &renamed).unwrap();
    let mut a = vec!["verify".to_string()];
    a.extend(path_args(&[data("main.c"), renamed]));
    a.extend(strings(&["--entry", "mix_all", "--grouping", "block", "-I", &inc, "-DSCALE=3", "--proof", &proof]));
    a.extend(strings(&["--", "7", "3"]));
    let out = tessera_out(&a);
    assert!(!out.status.success(), "a proof verified with other file names");
}
