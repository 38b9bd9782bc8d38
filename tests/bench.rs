//! `tessera bench --suite tiny`: every program of the tiny suite proves and verifies in every
//! grouping mode, the JSON carries every field BENCHMARKS.md reports, and the instruction
//! count (the denominator of every ratio) is the one `tessera run` reports.

use std::process::Command;

#[test]
fn the_tiny_suite_proves_in_every_mode() {
    let bin = env!("CARGO_BIN_EXE_tessera");
    let out = Command::new(bin).args(["bench", "--suite", "tiny", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = j["rows"].as_array().unwrap();
    assert!(rows.len() >= 20, "{} rows", rows.len());
    for mode in ["opcode", "block", "region", "region-always", "region+unroll-auto"] {
        assert!(rows.iter().any(|r| r["grouping"] == mode), "no {mode} row");
    }
    for r in rows {
        assert_eq!(r["ok"], true, "{r}");
        for k in [
            "instructions",
            "templates",
            "copies",
            "committed_live_ins",
            "committed_advice",
            "committed_per_instruction",
            "gates_per_instruction",
            "prove_ms",
            "phases_ms",
            "verify_ms",
            "proof_bytes",
            "peak_rss_kb",
        ] {
            assert!(r.get(k).is_some(), "row lacks {k}: {r}");
        }
        assert!(r["proof_bytes"].as_u64().unwrap() > 0);
    }
    assert_eq!(j["summary"].as_array().unwrap().len(), 5);
    // the denominator: collatz over 1..=4 executes what `tessera run` says
    let root = env!("CARGO_MANIFEST_DIR");
    let run = Command::new(bin)
        .args([
            "run",
            &format!("{root}/bench/programs/collatz_range.c"),
            "--entry",
            "collatz_range",
            "--json",
            "--",
            "4",
        ])
        .output()
        .unwrap();
    let rj: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    let row = rows.iter().find(|r| r["program"] == "collatz 1..=4").unwrap();
    assert_eq!(row["instructions"], rj["instructions"]);
}

#[test]
fn bench_needs_a_suite_or_a_program() {
    let bin = env!("CARGO_BIN_EXE_tessera");
    let out = Command::new(bin).args(["bench"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("--suite"));
}
