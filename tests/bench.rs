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

/// The suite's own programs compute what clang-19 compiles them to (the bundled example
/// of scripts/setup.sh among them).
#[test]
fn bench_programs_agree_with_native() {
    let root = env!("CARGO_MANIFEST_DIR");
    let dir = std::env::temp_dir().join(format!("tessera-bench-native-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases = [
        (
            "sha256.c",
            "sha256_blocks",
            format!(
                "#include <stdio.h>\n#include <stdint.h>\nuint32_t sha256_blocks(const uint8_t *, uint32_t);\n\
                 int main(void) {{ uint8_t b[256]; FILE *f = fopen(\"{root}/bench/programs/four_blocks.txt\", \"rb\");\n\
                 if (!f || fread(b, 1, 256, f) != 256) return 2; printf(\"%u\\n\", sha256_blocks(b, 4)); return 0; }}\n"
            ),
            vec![format!("file:{root}/bench/programs/four_blocks.txt"), "4".to_string()],
        ),
        (
            "collatz_range.c",
            "collatz_range",
            "#include <stdio.h>\n#include <stdint.h>\nuint32_t collatz_range(uint32_t);\n\
             int main(void) { printf(\"%u\\n\", collatz_range(30)); return 0; }\n"
                .to_string(),
            vec!["30".to_string()],
        ),
    ];
    for (file, entry, main, args) in cases {
        let src = format!("{root}/bench/programs/{file}");
        let main_c = dir.join(format!("{entry}_main.c"));
        std::fs::write(&main_c, main).unwrap();
        let exe = dir.join(entry);
        let cc = Command::new("clang-19").args(["-O1", "-w", &src]).arg(&main_c).arg("-o").arg(&exe).status().unwrap();
        assert!(cc.success(), "clang-19 failed on {file}");
        let native = Command::new(&exe).output().unwrap();
        let want: u64 = String::from_utf8_lossy(&native.stdout).trim().parse().unwrap();
        let run = Command::new(env!("CARGO_BIN_EXE_tessera"))
            .args(["run", &src, "--entry", entry, "--json", "--"])
            .args(&args)
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        let j: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
        assert_eq!(j["return"]["unsigned"], want.to_string(), "{file}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
