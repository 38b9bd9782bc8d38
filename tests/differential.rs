//! Differential tests of the interpreter: every `testdata/` program on every run line, run
//! natively (clang-19 -O1 or rustc -O, linked with a generated C `main`), under `lli-19`
//! (the same harness linked as LLVM IR), and by `tessera run --json`; all must agree on the
//! return value and on the final contents of every buffer. Rejected programs
//! (`testdata/reject/`) must fail with a clear error naming the construct and the function.
//!
//! Failures are collected and reported together (program, arguments, expected, got).
//! Environment knobs for a deeper run:
//!
//! - `TESSERA_TEST_OPT_LEVELS=O0,O2,O3`: also check `tessera run --opt-level <L>`;
//! - `TESSERA_TEST_SANITIZE=1`: build C and LLVM IR natives with ASan and UBSan, which
//!   catches a run line that reads out of bounds or hits undefined behaviour.

mod common;

use common::*;

/// Executed instructions allowed per run, so that the test suite stays fast.
const INSTRUCTION_BUDGET: u64 = 200_000;

#[test]
fn headers_are_well_formed() {
    let accepted = accepted_programs();
    let rejected = rejected_programs();
    assert!(
        accepted.len() >= 16,
        "only {} accepted programs",
        accepted.len()
    );
    let mut problems = Vec::new();
    for p in &accepted {
        if p.reject.is_some() {
            problems.push(format!(
                "{}: tessera-reject outside testdata/reject/",
                p.name()
            ));
        }
        if !(2..=4).contains(&p.runs.len()) {
            problems.push(format!(
                "{}: {} run lines (want 2 to 4)",
                p.name(),
                p.runs.len()
            ));
        }
        // By convention a buffer followed by an integer is passed with its length: the
        // program may read that many bytes, so a larger value is an out-of-bounds access.
        for run in &p.runs {
            for pair in run.values.windows(2) {
                if let [ArgValue::Bytes(b), ArgValue::Int { value, .. }] = pair {
                    if *value > b.len() as i128 {
                        problems.push(format!(
                            "{}: [{}]: length {value} exceeds the {}-byte buffer before it",
                            p.name(),
                            run.describe(),
                            b.len()
                        ));
                    }
                }
            }
        }
    }
    for p in &rejected {
        if p.reject.is_none() {
            problems.push(format!("{}: no tessera-reject line", p.name()));
        }
    }
    for p in interp_programs() {
        if p.lower_reject.is_none() || p.reject.is_some() {
            problems.push(format!("{}: testdata/interp/ needs tessera-lower-reject and no tessera-reject", p.name()));
        }
    }
    for p in &accepted {
        if p.lower_reject.is_some() {
            problems.push(format!("{}: tessera-lower-reject outside testdata/interp/", p.name()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Counts of what one program's runs did, and the failures found.
#[derive(Default)]
struct Report {
    runs: usize,
    tessera_runs: usize,
    tessera_agree: usize,
    lli_agree: usize,
    lli_skipped: usize,
    max_instructions: u64,
    failures: Vec<String>,
}

fn check_program(prog: &TestProgram, scratch: &Scratch, levels: &[Option<String>]) -> Report {
    let mut report = Report::default();
    let native = match build_native(prog, scratch) {
        Ok(exe) => exe,
        Err(e) => {
            report
                .failures
                .push(format!("{}: native build failed: {e}", prog.name()));
            return report;
        }
    };
    let lli = match build_lli_module(prog, scratch) {
        Ok(m) => Some(m),
        Err(e) => {
            report
                .failures
                .push(format!("{}: lli build failed: {e}", prog.name()));
            None
        }
    };
    for run in &prog.runs {
        report.runs += 1;
        let at = format!("{} ({}) with [{}]", prog.name(), prog.entry, run.describe());
        let expected = match run_harness(prog, run, &native, false) {
            Ok(o) => o,
            Err(e) => {
                report
                    .failures
                    .push(format!("{at}: native run failed: {e}"));
                continue;
            }
        };
        match &lli {
            Some(module) => match run_harness(prog, run, module, true) {
                Ok(o) if o == expected => report.lli_agree += 1,
                Ok(o) => report.failures.push(format!(
                    "{at}: lli-19 disagrees with native\n  native: {expected}\n  lli:    {o}"
                )),
                Err(e) => report
                    .failures
                    .push(format!("{at}: lli-19 run failed: {e}")),
            },
            None => report.lli_skipped += 1,
        }
        for level in levels {
            let at = match level {
                Some(l) => format!("{at} at --opt-level {l}"),
                None => at.clone(),
            };
            match tessera_run(prog, level.as_deref(), run) {
                Ok(t) => {
                    report.tessera_runs += 1;
                    if t.outcome == expected {
                        report.tessera_agree += 1;
                    } else {
                        report.failures.push(format!(
                            "{at}: tessera run disagrees with native\n  expected: {expected}\n  got:      {}",
                            t.outcome
                        ));
                    }
                    // The budget holds at the default level; -O0 code runs more instructions.
                    if level.is_none() {
                        report.max_instructions = report.max_instructions.max(t.instructions);
                        if t.instructions > INSTRUCTION_BUDGET {
                            report.failures.push(format!(
                                "{at}: {} instructions executed, over the budget of {INSTRUCTION_BUDGET}; shrink the run",
                                t.instructions
                            ));
                        }
                    }
                }
                Err(e) => {
                    report.tessera_runs += 1;
                    report.failures.push(format!("{at}: {e}"));
                }
            }
        }
    }
    report
}

/// The `--opt-level`s `tessera run` is checked at: the default, plus those listed in
/// `TESSERA_TEST_OPT_LEVELS` (comma-separated, e.g. `O0,O2`) for a deeper check of the
/// frontend. The native and lli oracles stay at -O1: a program free of undefined behaviour
/// computes the same at every level.
fn opt_levels() -> Vec<Option<String>> {
    let mut levels = vec![None];
    if let Ok(extra) = std::env::var("TESSERA_TEST_OPT_LEVELS") {
        levels.extend(
            extra
                .split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| Some(l.to_owned())),
        );
    }
    levels
}

#[test]
fn tessera_run_agrees_with_native_and_lli() {
    let mut programs = accepted_programs();
    programs.extend(interp_programs());
    let levels = opt_levels();
    let scratch = Scratch::new("differential");
    let reports = parallel_map(&programs, worker_threads(), |p| {
        check_program(p, &scratch, &levels)
    });
    let mut total = Report::default();
    for (p, r) in programs.iter().zip(&reports) {
        eprintln!(
            "{:<20} {} runs: tessera agrees on {}/{}, lli on {}/{}, max {} instructions",
            p.name(),
            r.runs,
            r.tessera_agree,
            r.tessera_runs,
            r.lli_agree,
            r.runs - r.lli_skipped,
            r.max_instructions
        );
        total.runs += r.runs;
        total.tessera_runs += r.tessera_runs;
        total.tessera_agree += r.tessera_agree;
        total.lli_agree += r.lli_agree;
        total.lli_skipped += r.lli_skipped;
        total.failures.extend(r.failures.iter().cloned());
    }
    eprintln!(
        "{} programs, {} run lines: tessera run agrees with native on {}/{} runs ({} opt levels), \
         lli-19 on {}/{}",
        programs.len(),
        total.runs,
        total.tessera_agree,
        total.tessera_runs,
        levels.len(),
        total.lli_agree,
        total.runs - total.lli_skipped
    );
    assert!(
        total.failures.is_empty(),
        "{} failures:\n{}",
        total.failures.len(),
        total.failures.join("\n")
    );
}

#[test]
fn rejected_programs_fail_with_a_clear_error() {
    let programs = rejected_programs();
    assert!(!programs.is_empty());
    let failures: Vec<String> = parallel_map(&programs, worker_threads(), |prog| {
        let wanted = prog.reject.as_deref().unwrap();
        let args = prog.runs.first().map_or(&[][..], |r| &r.raw[..]);
        let mut problems = Vec::new();
        match tessera_run_output(prog, args) {
            Err(e) => problems.push(e),
            Ok(out) => {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let stdout = String::from_utf8_lossy(&out.stdout);
                if out.status.success() {
                    problems.push(format!(
                        "exited successfully, stdout: {}",
                        stdout.trim_end()
                    ));
                }
                if !stderr.contains(wanted) {
                    problems.push(format!("stderr does not contain `{wanted}`"));
                }
                if !stderr.contains(&prog.entry.name) {
                    problems.push(format!(
                        "stderr does not name the function `{}`",
                        prog.entry.name
                    ));
                }
                if !stdout.trim().is_empty() {
                    problems.push(format!("stdout is not empty: {}", stdout.trim_end()));
                }
                if stderr.contains("panicked at") || stdout.contains("panicked at") {
                    problems.push("tessera panicked".into());
                }
                if !problems.is_empty() {
                    problems.push(format!("stderr was:\n{}", stderr.trim_end()));
                }
            }
        }
        if problems.is_empty() {
            String::new()
        } else {
            format!("{} ({}): {}", prog.name(), prog.entry, problems.join("; "))
        }
    })
    .into_iter()
    .filter(|s| !s.is_empty())
    .collect();
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
