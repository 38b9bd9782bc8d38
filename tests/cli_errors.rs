//! `tessera run` on bad input: every mistake a user can make ends with a non-zero exit, a
//! message on stderr that says what was wrong, nothing on stdout, and never a panic. Also
//! checks that `file:` arguments work like `hex:` ones.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

fn testdata(name: &str) -> PathBuf {
    testdata_dir().join(name)
}

fn run(args: &[&str]) -> Output {
    let mut cmd = tessera();
    cmd.args(args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT).unwrap()
}

fn run_program(program: &Path, entry: &str, args: &[&str]) -> Output {
    let mut cmd = tessera();
    cmd.arg("run")
        .arg(program)
        .args(["--entry", entry, "--json", "--"])
        .args(args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT).unwrap()
}

/// Asserts a clean failure whose stderr contains every one of `needles` (case-insensitive).
#[track_caller]
fn assert_fails_with(out: &Output, needles: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let context = format!("status: {}\nstdout: {stdout}\nstderr: {stderr}", out.status);
    assert!(!out.status.success(), "expected a failure\n{context}");
    assert_ne!(out.status.code(), None, "killed by a signal\n{context}");
    assert!(
        !stderr.contains("panicked at") && !stdout.contains("panicked at"),
        "panicked\n{context}"
    );
    assert!(!stderr.contains("RUST_BACKTRACE"), "panicked\n{context}");
    assert!(
        stdout.trim().is_empty(),
        "stdout should be empty\n{context}"
    );
    let lower = stderr.to_lowercase();
    for needle in needles {
        assert!(
            lower.contains(&needle.to_lowercase()),
            "stderr should mention `{needle}`\n{context}"
        );
    }
}

#[test]
fn missing_program_file() {
    let scratch = Scratch::new("cli-missing");
    let missing = scratch.path("no_such_program.c");
    let out = run_program(&missing, "main", &[]);
    assert_fails_with(&out, &["no_such_program.c"]);
}

#[test]
fn malformed_llvm_ir() {
    let scratch = Scratch::new("cli-malformed");
    let path = scratch.path("broken.ll");
    std::fs::write(
        &path,
        "define i32 @broken(i32 %x) {\nentry:\n  %y = add i32 %x,\n  ret i32 %y\n",
    )
    .unwrap();
    let out = run_program(&path, "broken", &["1"]);
    assert_fails_with(&out, &["broken.ll"]);
}

#[test]
fn unknown_entry_function() {
    let out = run_program(&testdata("collatz.c"), "no_such_function", &["27"]);
    assert_fails_with(&out, &["no_such_function"]);
}

#[test]
fn wrong_number_of_arguments() {
    let out = run_program(&testdata("gcd.c"), "gcd_lcm", &["12"]);
    assert_fails_with(&out, &["argument"]);
    let out = run_program(&testdata("collatz.c"), "collatz_steps", &["1", "2"]);
    assert_fails_with(&out, &["argument"]);
}

#[test]
fn non_numeric_argument() {
    let out = run_program(&testdata("collatz.c"), "collatz_steps", &["twenty-seven"]);
    assert_fails_with(&out, &["twenty-seven"]);
}

#[test]
fn out_of_range_argument() {
    // mix_small(i8, u8, i16, u16): 300 fits no 8-bit integer, -129 neither, 70000 no 16-bit
    // one. (LLVM integers carry no sign, so -1 for a u8 is accepted as 255.)
    let program = testdata("arith_small.c");
    assert_fails_with(
        &run_program(&program, "mix_small", &["1", "300", "1", "1"]),
        &["300"],
    );
    assert_fails_with(
        &run_program(&program, "mix_small", &["-129", "1", "1", "1"]),
        &["-129"],
    );
    assert_fails_with(
        &run_program(&program, "mix_small", &["1", "1", "1", "70000"]),
        &["70000"],
    );
    // u64 max + 1.
    let gcd = testdata("gcd.c");
    assert_fails_with(
        &run_program(&gcd, "gcd_lcm", &["18446744073709551616", "1"]),
        &["18446744073709551616"],
    );
}

#[test]
fn missing_buffer_file() {
    let scratch = Scratch::new("cli-nofile");
    let missing = scratch.path("no_such_input.bin");
    let arg = format!("file:{}", missing.display());
    let out = run_program(&testdata("crc32.c"), "crc32", &[&arg, "4"]);
    assert_fails_with(&out, &["no_such_input.bin"]);
}

#[test]
fn malformed_hex_buffer() {
    let out = run_program(&testdata("crc32.c"), "crc32", &["hex:12g4", "2"]);
    assert_fails_with(&out, &["hex"]);
}

#[test]
fn missing_entry_option() {
    let out = run(&["run", testdata("collatz.c").to_str().unwrap(), "--", "27"]);
    assert_fails_with(&out, &["entry"]);
}

#[test]
fn file_argument_reads_the_buffer() {
    // CRC-32 of "123456789" is 0xcbf43926, whether the buffer comes from hex: or file:.
    let scratch = Scratch::new("cli-file");
    let input = scratch.path("check.bin");
    std::fs::write(&input, b"123456789").unwrap();
    let prog = parse_program(&testdata("crc32.c")).unwrap();
    let file_arg = format!("file:{}", input.display());
    for args in [
        vec!["hex:313233343536373839".to_owned(), "9".to_owned()],
        vec![file_arg, "9".to_owned()],
    ] {
        let out = tessera_run_output(&prog, &args).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let run = parse_tessera_json(&prog.entry, &stdout).unwrap();
        assert_eq!(run.outcome.ret, Some(0xcbf4_3926), "{args:?}");
        assert_eq!(
            run.outcome.buffers,
            vec!["313233343536373839".to_owned()],
            "{args:?}"
        );
    }
}

/// Writes `text` as `name` in a fresh scratch folder.
fn scratch_program(label: &str, name: &str, text: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new(label);
    let path = scratch.path(name);
    std::fs::write(&path, text).unwrap();
    (scratch, path)
}

#[test]
fn trap_division_by_zero() {
    let (_s, path) = scratch_program(
        "cli-div0",
        "div.ll",
        "define i32 @divide(i32 %a, i32 %b) {\nentry:\n  %q = udiv i32 %a, %b\n  ret i32 %q\n}\n",
    );
    assert!(run_program(&path, "divide", &["7", "2"]).status.success());
    assert_fails_with(
        &run_program(&path, "divide", &["7", "0"]),
        &["division by zero", "divide"],
    );
}

#[test]
fn trap_signed_division_overflow() {
    let (_s, path) = scratch_program(
        "cli-sdiv",
        "sdiv.ll",
        "define i32 @sdivide(i32 %a, i32 %b) {\nentry:\n  %q = sdiv i32 %a, %b\n  ret i32 %q\n}\n",
    );
    assert_fails_with(
        &run_program(&path, "sdivide", &["-2147483648", "-1"]),
        &["overflow", "sdivide"],
    );
}

#[test]
fn trap_out_of_bounds_read() {
    let (_s, path) = scratch_program(
        "cli-oob",
        "peek.ll",
        "define i8 @peek(ptr %p, i64 %i) {\nentry:\n  %q = getelementptr i8, ptr %p, i64 %i\n  %v = load i8, ptr %q\n  ret i8 %v\n}\n",
    );
    let out = run_program(&path, "peek", &["hex:0102", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = run_program(&path, "peek", &["hex:0102", "2"]);
    assert_fails_with(&out, &["peek"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("out-of-bounds") || stderr.contains("unallocated"),
        "{stderr}"
    );
}

#[test]
fn trap_unreachable() {
    // Reaching `unreachable` is undefined behaviour, so LLVM's simplifycfg (one of the
    // frontend's normalising passes) folds a *conditional* branch to it into an assumption;
    // only an `unreachable` no branch leads around survives to the interpreter.
    let (_s, path) = scratch_program(
        "cli-unreachable",
        "unr.ll",
        "define i32 @never(i32 %x) {\nentry:\n  unreachable\n}\n",
    );
    assert_fails_with(
        &run_program(&path, "never", &["0"]),
        &["unreachable", "never"],
    );
}

#[test]
fn trap_rust_panic() {
    // A slice index out of bounds: the bounds check calls core's panic, which aborts.
    let (_s, path) = scratch_program(
        "cli-panic",
        "index.rs",
        "#[no_mangle]\npub extern \"C\" fn byte_at(p: *const u8, len: u32, i: u32) -> u8 {\n    let s = unsafe { core::slice::from_raw_parts(p, len as usize) };\n    s[i as usize]\n}\n",
    );
    let out = run_program(&path, "byte_at", &["hex:0a0b0c", "3", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_fails_with(
        &run_program(&path, "byte_at", &["hex:0a0b0c", "3", "3"]),
        &["byte_at", "abort"],
    );
}

#[test]
fn step_limit() {
    let program = testdata("collatz.c");
    assert_fails_with(
        &run(&[
            "run",
            program.to_str().unwrap(),
            "--entry",
            "collatz_steps",
            "--max-steps",
            "100",
            "--",
            "27",
        ]),
        &["step limit"],
    );
}

#[test]
fn poison_return_is_reported_or_undefined_behaviour_by_noundef() {
    // No `noundef` on the return: returning undef is defined, and the run says what came back.
    let (_s, path) = scratch_program(
        "cli-poison-ret",
        "undef.ll",
        "define i32 @maybe(i32 %x) {\nentry:\n  %c = icmp sgt i32 %x, 5\n  br i1 %c, label %yes, label %no\nyes:\n  ret i32 1\nno:\n  ret i32 undef\n}\n\ndefine noundef i32 @surely(i32 %x) {\nentry:\n  %r = call i32 @maybe(i32 %x)\n  ret i32 %r\n}\n",
    );
    let out = run_program(&path, "maybe", &["0"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    assert_eq!(json["return"], serde_json::json!({"type": "i32", "poison": true}), "{stdout}");
    let out = run(&["run", path.to_str().unwrap(), "--entry", "maybe", "--", "0"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("return: i32 poison"));
    let out = run_program(&path, "maybe", &["6"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains(r#""unsigned":"1""#));
    // Passed on as the return value of a noundef function, it is undefined behaviour there.
    assert_fails_with(
        &run_program(&path, "surely", &["0"]),
        &["undefined behaviour", "noundef", "surely"],
    );
}

/// Output into a pipe closed early ends the process without a panic message.
#[test]
fn a_closed_pipe_is_not_a_panic() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let root = env!("CARGO_MANIFEST_DIR");
    let mut child = Command::new(env!("CARGO_BIN_EXE_tessera"))
        .args(["dump", &format!("{root}/testdata/vm.c"), "--entry", "vm_run", "--stage", "templates", "--full"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    child.wait().unwrap();
    assert!(!err.contains("panicked"), "{err}");
}
