//! `tessera dump` and `tessera bench`: each stage prints, `--json` groups parse and agree with
//! the text, `--after` names passes, `--grouping` changes the classes, and mistakes (unknown
//! stage, unknown pass, missing or stray arguments) fail cleanly.

mod common;

use common::*;
use std::process::Output;

fn tessera_out(args: &[&str]) -> Output {
    let mut cmd = tessera();
    cmd.args(args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT).unwrap()
}

fn ok_stdout(args: &[&str]) -> String {
    let out = tessera_out(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?} failed: {stderr}");
    String::from_utf8(out.stdout).unwrap()
}

fn collatz() -> String {
    testdata_dir().join("collatz_branches.c").display().to_string()
}

#[test]
fn every_stage_prints() {
    let p = collatz();
    for stage in ["ir", "cfg", "loops", "liveness", "classes", "regions"] {
        let text = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", stage]);
        assert!(!text.trim().is_empty(), "stage {stage} printed nothing");
    }
    let loops = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "loops", "--grouping", "block"]);
    assert!(loops.contains("loop0 header"), "{loops}");
    let groups = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "groups", "--", "27"]);
    assert!(groups.starts_with("grouping region:"), "{groups}");
}

#[test]
fn groups_json_matches_the_grouping_modes() {
    let p = collatz();
    let json = |grouping: &str| -> serde_json::Value {
        // pattern detection: every candidate if-converted (the cost model keeps this small
        // loop apart)
        let out = ok_stdout(&[
            "dump",
            &p,
            "--entry",
            "collatz_hash",
            "--stage",
            "groups",
            "--json",
            "--grouping",
            grouping,
            "--if-convert",
            "always",
            "--",
            "27",
        ]);
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}"))
    };
    let copies = |v: &serde_json::Value| -> Vec<u64> {
        v["classes"].as_array().unwrap().iter().map(|c| c["copies"].as_u64().unwrap()).collect()
    };
    let region = json("region");
    for c in region["classes"].as_array().unwrap() {
        for key in ["name", "copies", "live_ins", "instructions"] {
            assert!(c.get(key).is_some(), "class without {key}: {c}");
        }
    }
    assert_eq!(copies(&region).iter().filter(|&&c| c == 111).count(), 1, "{region}");
    let block = json("block");
    assert!(copies(&block).iter().filter(|&&c| c > 1).count() >= 3, "{block}");
    let opcode = json("opcode");
    let total: u64 = copies(&opcode).iter().sum();
    assert_eq!(Some(total), opcode["executed"].as_u64(), "{opcode}");
}

#[test]
fn after_prints_the_ir_after_a_pass() {
    let p = collatz();
    let before = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "ir", "--after", "fuse"]);
    let after = ok_stdout(&[
        "dump",
        &p,
        "--entry",
        "collatz_hash",
        "--stage",
        "ir",
        "--after",
        "if-convert-loops",
        "--if-convert",
        "always",
    ]);
    assert!(
        before.contains("phi") && before.matches(':').count() > after.matches(':').count(),
        "{before}\n----\n{after}"
    );
    assert!(after.contains("select"), "{after}");
    let unrolled = ok_stdout(&[
        "dump",
        &p,
        "--entry",
        "collatz_hash",
        "--stage",
        "ir",
        "--after",
        "unroll",
        "--unroll",
        "2",
        "--if-convert",
        "always",
    ]);
    assert!(unrolled.len() > after.len(), "unrolling by 2 should grow the loop region");
}

#[test]
fn bench_compares_the_groupings() {
    let out = ok_stdout(&["bench", &collatz(), "--entry", "collatz_hash", "--json", "--", "27"]);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rows = v.as_array().unwrap();
    let names: Vec<&str> = rows.iter().map(|r| r["grouping"].as_str().unwrap()).collect();
    assert_eq!(names, ["opcode", "block", "region", "region-always", "region+unroll-auto"]);
    let committed: Vec<u64> = rows.iter().map(|r| r["stats"]["committed"].as_u64().unwrap()).collect();
    // the cost model keeps this loop apart (region as block); if-converted it carries less
    assert!(
        committed[0] > committed[1] && committed[1] >= committed[2] && committed[2] > committed[3],
        "{committed:?}"
    );
}

#[track_caller]
fn assert_clean_failure(args: &[&str], needle: &str) {
    let out = tessera_out(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{args:?} should fail");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.to_lowercase().contains(&needle.to_lowercase()), "expected `{needle}` in: {stderr}");
}

#[test]
fn dump_mistakes_fail_cleanly() {
    let p = collatz();
    assert_clean_failure(&["dump", &p, "--entry", "collatz_hash", "--stage", "nonsense"], "unknown stage");
    assert_clean_failure(
        &["dump", &p, "--entry", "collatz_hash", "--stage", "ir", "--after", "nope"],
        "no pass named 'nope'",
    );
    assert_clean_failure(&["dump", &p, "--entry", "collatz_hash", "--stage", "groups"], "takes 1 argument");
    assert_clean_failure(
        &["dump", &p, "--entry", "collatz_hash", "--stage", "cfg", "--", "27"],
        "takes no program arguments",
    );
    assert_clean_failure(&["dump", &p, "--entry", "collatz_hash", "--stage", "cfg", "--json"], "--json");
    assert_clean_failure(
        &["dump", &p, "--entry", "collatz_hash", "--stage", "ir", "--grouping", "x"],
        "unknown grouping",
    );
    assert_clean_failure(&["dump", &p, "--entry", "collatz_hash", "--stage", "ir", "--unroll", "0"], "unroll factor");
    let rec = testdata_dir().join("reject/recursion.c").display().to_string();
    let entry = std::fs::read_to_string(&rec).unwrap();
    let name = entry
        .lines()
        .find_map(|l| l.split("tessera-entry:").nth(1))
        .unwrap()
        .trim()
        .split('(')
        .next()
        .unwrap()
        .to_string();
    assert_clean_failure(&["dump", &rec, "--entry", &name, "--stage", "classes"], "recursion");
}

#[test]
fn templates_layered_and_check() {
    let p = collatz();
    let t = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "templates", "--if-convert", "always"]);
    assert!(t.starts_with("4 templates (region grouping)") && t.contains("consumes if n0: [tag="), "{t}");
    let full =
        ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "templates", "--full", "--if-convert", "always"]);
    assert!(full.len() > t.len() && full.contains("(live %0)") && full.contains("residual n"), "{full}");
    let l = ok_stdout(&["dump", &p, "--entry", "collatz_hash", "--stage", "layered", "--grouping", "opcode"]);
    assert!(l.contains("layered icmp.") && l.contains("  L1: "), "{l}");
    let text = ok_stdout(&["check", &p, "--entry", "collatz_hash", "--if-convert", "always", "--", "27"]);
    let c1 = text.lines().find(|l| l.starts_with("c1 ")).unwrap_or_else(|| panic!("{text}"));
    assert_eq!(c1.split_whitespace().nth(1), Some("111"), "{text}");
    assert!(c1.ends_with("all residuals zero"), "{text}");
    for grouping in ["region", "block", "opcode"] {
        let out = ok_stdout(&["check", &p, "--entry", "collatz_hash", "--json", "--grouping", grouping, "--", "27"]);
        let v: serde_json::Value = serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON ({e}): {out}"));
        assert_eq!(v["ok"], true, "{out}");
        assert_eq!(v["grouping"], grouping);
        let ts = v["templates"].as_array().unwrap();
        assert!(ts.iter().all(|t| t["ok"] == true && t["depth"].as_u64().unwrap() >= 1), "{out}");
        let per = v["committed_per_instruction"].as_f64().unwrap();
        let (c, n) = (v["committed_elements"].as_f64().unwrap(), v["instructions"].as_f64().unwrap());
        assert!((per - c / n).abs() < 1e-9, "{out}");
    }
    // Bad arguments are clean errors.
    let out = tessera_out(&["check", &p, "--entry", "collatz_hash"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "), "{out:?}");
}
