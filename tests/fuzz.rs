//! The csmith differential tester (`scripts/fuzz.sh`) on a fixed set of seeds at `-O1`:
//! no seed may give a wrong answer, panic or report an internal error. Clean rejections,
//! traps and timeouts are allowed and printed. csmith comes with `scripts/install-deps.sh`,
//! so a missing csmith fails the test. A second test checks the classification itself on
//! stand-ins for tessera that answer wrongly, panic, reject or trap.

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

/// Seeds whose programs clang runs in well under a second and tessera interprets in about a
/// second or less (picked from `scripts/fuzz.sh --count 300`); seed 26 is rejected (a wide
/// bitfield load), so the report of rejections is exercised too.
const SEEDS: &[u32] = &[3, 5, 6, 8, 10, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 26, 34, 52, 76];

#[test]
fn csmith_programs_run_like_native() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = Scratch::new("fuzz");
    // csmith writes platform.info into its working directory, even for --version.
    let csmith = Command::new("csmith").arg("--version").current_dir(&scratch.dir).output();
    assert!(
        csmith.is_ok_and(|o| o.status.success()),
        "csmith is not installed: run scripts/install-deps.sh (it installs csmith and libcsmith-dev)"
    );
    let seeds: Vec<String> = SEEDS.iter().map(|s| s.to_string()).collect();
    let mut cmd = Command::new("bash");
    cmd.arg(root.join("scripts/fuzz.sh"))
        .args(["--seeds", &seeds.join(","), "--opt-level", "O1", "--json"])
        .arg("--tessera")
        .arg(env!("CARGO_BIN_EXE_tessera"))
        .args(["--max-steps", "50000000", "--timeout", "100"])
        .arg("--out")
        .arg(&scratch.dir);
    let out = run_with_timeout(&mut cmd, std::time::Duration::from_secs(300)).unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary: serde_json::Value = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("fuzz.sh printed no summary ({e}):\nstdout: {stdout}\nstderr: {stderr}"));
    let count = |c: &str| summary["counts"][c].as_u64().unwrap_or(0);
    let details = std::fs::read_to_string(scratch.dir.join("O1/summary.json")).unwrap_or_default();
    println!("csmith seeds at O1: {}", summary["counts"]);
    for class in ["rejected", "trap", "tessera-timeout", "native-timeout", "native-failure"] {
        if let Some(groups) = summary["groups"][class].as_object() {
            for (group, seeds) in groups {
                println!("  {class}: {group} (seeds {seeds})");
            }
        }
    }
    let bad: Vec<String> = ["wrong", "panic", "internal"]
        .iter()
        .filter(|c| count(c) > 0)
        .map(|c| format!("{c}: {}", summary["groups"][*c]))
        .collect();
    assert!(bad.is_empty(), "csmith seeds failed: {}\n{details}", bad.join("; "));
    let classified: u64 = summary["counts"].as_object().map_or(0, |m| m.values().filter_map(|v| v.as_u64()).sum());
    assert_eq!(classified, SEEDS.len() as u64, "every seed is classified: {details}");
    assert!(count("match") >= SEEDS.len() as u64 / 2, "fewer than half the seeds matched: {}", summary["counts"]);
}

/// The tester itself: a stand-in for tessera that answers wrongly, panics or rejects the
/// program is classified as such, and only the first two fail the run.
#[test]
fn fuzz_sh_classifies_what_tessera_does() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let scratch = Scratch::new("fuzz-classes");
    let fakes = [
        ("wrong", 1, r#"echo '{"return":{"type":"i32","unsigned":"1","signed":"1"},"instructions":1,"blocks":1,"buffers":[]}'"#),
        ("panic", 1, "echo \"thread 'main' panicked at src/main.rs:1:1:\" >&2; echo boom >&2; exit 101"),
        ("rejected", 0, "echo \"error: unsupported: i80 arithmetic (load) in function 'f', block 'b'\" >&2; exit 1"),
        ("trap", 0, "echo \"error: division by zero in function 'f', block bb0, instruction \\`udiv\\`\" >&2; exit 1"),
    ];
    for (class, status, body) in fakes {
        let fake = scratch.path(&format!("tessera-{class}"));
        std::fs::write(&fake, format!("#!/bin/sh\n{body}\n")).unwrap();
        let chmod = Command::new("chmod").arg("+x").arg(&fake).status().unwrap();
        assert!(chmod.success());
        let out_dir = scratch.path(&format!("out-{class}"));
        let mut cmd = Command::new("bash");
        cmd.arg(root.join("scripts/fuzz.sh"))
            .args(["--seeds", "76", "--json", "--tessera"])
            .arg(&fake)
            .arg("--out")
            .arg(&out_dir);
        let out = run_with_timeout(&mut cmd, std::time::Duration::from_secs(120)).unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let summary: serde_json::Value = serde_json::from_str(stdout.trim())
            .unwrap_or_else(|e| panic!("{class}: no summary ({e}): {stdout} {}", String::from_utf8_lossy(&out.stderr)));
        assert_eq!(summary["counts"][class], 1, "{class}: {summary}");
        assert_eq!(out.status.code(), Some(status), "{class}: {summary}");
        let repro = std::fs::read_to_string(out_dir.join(format!("O1/{class}/seed-76.txt"))).unwrap();
        assert!(repro.contains("--entry tessera_main") && repro.contains("native_main.c"), "{repro}");
        assert!(out_dir.join(format!("O1/{class}/seed-76.c")).exists());
    }
}
