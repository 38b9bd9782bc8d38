//! Templates on the testdata: for every program, every run line and every grouping mode, the
//! honest witnesses give all residuals zero (a padding copy too) in the template evaluator
//! and in the layered circuit, which agree at every output; and tampered witnesses are
//! caught: a flipped advice bit, a flipped carry, an inverted comparison, a quotient off by
//! one give a non-zero residual, and a changed live-in gives a non-zero residual or a
//! different record (which the glue checks). The records of honest runs satisfy the glue's
//! state and memory identities, and a dishonest trace (a changed live-in, a dropped or
//! duplicated copy, a changed memory read, two copies' steps swapped, another return value)
//! breaks a residual or an identity.

mod common;

use common::*;
use tessera_frontend::{load_program, FrontendOptions};
use tessera_gkr::Fr;
use tessera_gkr::LayeredCircuit;
use tessera_ir::exec::{args::parse_args, ExecOptions};
use tessera_passes::glue::check_glue;
use tessera_passes::layer::layer;
use tessera_passes::lower::default_range_check;
use tessera_passes::template::{InputKind, Template};
use tessera_passes::witness::{check_template, check_trace, trace, walk, witness_table, Trace};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

const MODES: [Grouping; 3] = [Grouping::Region, Grouping::Block, Grouping::Opcode];

/// The transformed module, the arguments and the trace of one run.
fn traced_with(p: &TestProgram, run: &Run, grouping: Grouping) -> (Module, Vec<tessera_ir::exec::Arg>, Trace) {
    let (ir, entry) = load_program(&p.path, &p.entry.name, &FrontendOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
    let args = parse_args(&ir.funcs[entry], &run.raw).unwrap();
    let m = Module { program: ir, entry };
    let t = run_pipeline(&m, grouping, &PassConfig::default(), None).unwrap();
    let tr = trace(&t, grouping, &args, &ExecOptions::default(), &default_range_check())
        .unwrap_or_else(|e| panic!("{} [{}] {}: {e}", p.name(), run.describe(), grouping.name()));
    (t, args, tr)
}

fn traced(p: &TestProgram, run: &Run, grouping: Grouping) -> Trace {
    traced_with(p, run, grouping).2
}

#[test]
fn honest_witnesses_satisfy_every_template() {
    let mut failures = Vec::new();
    for p in accepted_programs() {
        // Templates depend on the program only: layer them once per program and mode.
        let mut layered: [Vec<LayeredCircuit<Fr>>; 3] = Default::default();
        for run in &p.runs {
            for (gi, g) in MODES.into_iter().enumerate() {
                let (m, args, tr) = traced_with(&p, run, g);
                if layered[gi].is_empty() {
                    layered[gi] = tr.templates.iter().map(|t| layer::<Fr>(t).unwrap().circuit).collect();
                }
                for ((t, copies), lc) in tr.templates.iter().zip(&tr.copies).zip(&layered[gi]) {
                    let ck = check_template::<Fr>(t, Some(lc), copies, &tr.memory);
                    if !ck.ok() {
                        failures.push(format!(
                            "{} [{}] {} template {}: {ck:?}",
                            p.name(),
                            run.describe(),
                            g.name(),
                            t.name
                        ));
                    }
                }
                if let Err(e) = check_glue(&m, g, &args, &tr) {
                    failures.push(format!("{} [{}] {}: {e}", p.name(), run.describe(), g.name()));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The first copy's witness row and node values.
fn honest_row(tr: &Trace, k: usize) -> (Vec<Fr>, Vec<Fr>) {
    let t = &tr.templates[k];
    let ct = &tr.copies[k][0];
    let mem = &tr.memory[ct.mem.0 as usize..ct.mem.1 as usize];
    let w = walk::<Fr>(t, ct, mem, false).unwrap();
    (w.inputs, w.values)
}

fn fails(t: &Template, row: &[Fr]) -> bool {
    t.first_failing(&t.eval(row)).is_some()
}

/// The advice inputs of `t` whose hint says `what`.
fn advice_named(t: &Template, what: &[&str]) -> Vec<usize> {
    t.inputs
        .iter()
        .enumerate()
        .filter_map(|(k, i)| match i {
            InputKind::Advice(h) if what.contains(&t.hints[*h as usize].what) => Some(k),
            _ => None,
        })
        .collect()
}

#[test]
fn tampered_witnesses_are_caught() {
    let one = Fr::from(1u64);
    // How many tamperings of each kind ran (so the test cannot pass vacuously).
    let mut counts = [0usize; 6];
    let names = ["advice bit", "carry", "comparison", "quotient", "live-in", "enabled"];
    let mut residual_live_ins = 0;
    let mut failures = Vec::new();
    for p in accepted_programs() {
        let run = &p.runs[0];
        for g in MODES {
            let tr = traced(&p, run, g);
            for k in 0..tr.templates.len() {
                if tr.copies[k].is_empty() {
                    continue;
                }
                let t = &tr.templates[k];
                let (row, vals) = honest_row(&tr, k);
                // The prover's table: every copy's row, then zero rows up to a power of two.
                let table = witness_table::<Fr>(t, &tr.copies[k], &tr.memory).unwrap();
                let (w, n) = (t.num_inputs(), tr.copies[k].len());
                assert!((table.len() / w).is_power_of_two() && table.len() / w >= n);
                assert_eq!(&table[..w], &row[..], "{} {} {}", p.name(), g.name(), t.name);
                assert!(table[n * w..].iter().all(|x| *x == Fr::from(0u64)));
                let mut report = |kind: usize, what: String, caught: bool| {
                    counts[kind] += 1;
                    if !caught {
                        failures.push(format!(
                            "{} {} {}: {} {what} not caught",
                            p.name(),
                            g.name(),
                            t.name,
                            names[kind]
                        ));
                    }
                };
                // Flip every kind of bit once.
                for (kind, whats) in [
                    (0usize, &["bit", "sum", "product"][..]),
                    (1, &["carry", "borrow"]),
                    (2, &["less than", "signed less than"]),
                ] {
                    if let Some(&i) = advice_named(t, whats).first() {
                        let mut r = row.clone();
                        r[i] = one - r[i];
                        report(kind, format!("input {i}"), fails(t, &r));
                    }
                }
                // A quotient off by one: its bits are consecutive advice inputs.
                let qs = advice_named(t, &["quotient"]);
                if !qs.is_empty() {
                    let w = qs.windows(2).take_while(|p| p[1] == p[0] + 1).count() + 1;
                    let bits = &qs[..w];
                    let q: u128 =
                        bits.iter().enumerate().map(|(j, &i)| if row[i] == one { 1u128 << j } else { 0 }).sum();
                    let q2 = if q + 1 < (1u128 << w) { q + 1 } else { q - 1 };
                    let mut r = row.clone();
                    for (j, &i) in bits.iter().enumerate() {
                        r[i] = Fr::from(((q2 >> j) & 1) as u64);
                    }
                    report(3, format!("{q} -> {q2}"), fails(t, &r));
                }
                // `enabled` must be a bit, or a padding copy could scale its records.
                let mut r = row.clone();
                r[0] = Fr::from(2u64);
                report(5, "enabled = 2".into(), fails(t, &r));
                // Every live-in changed: a residual fails or a record changes.
                let outs = t.outputs();
                for (i, kind) in t.inputs.iter().enumerate() {
                    if !matches!(kind, InputKind::LiveIn(_)) {
                        continue;
                    }
                    let mut r = row.clone();
                    r[i] += one;
                    let v2 = t.eval(&r);
                    let by_residual = t.first_failing(&v2).is_some();
                    residual_live_ins += by_residual as usize;
                    let by_record = outs.iter().any(|n| v2[n.0 as usize] != vals[n.0 as usize]);
                    report(4, format!("input {i}"), by_residual || by_record);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (k, n) in counts.iter().enumerate() {
        assert!(*n > 0, "no {} was tampered", names[k]);
    }
    assert!(residual_live_ins > 0, "no changed live-in gave a non-zero residual");
}

/// A dishonest prover edits the trace and recomputes every witness from it: some residual or
/// some glue identity must fail.
#[test]
fn dishonest_traces_break_a_residual_or_the_glue() {
    let mut failures = Vec::new();
    let mut tried = [0usize; 6];
    let kinds = ["live-in", "dropped copy", "duplicated copy", "memory read", "swapped steps", "return value"];
    for p in accepted_programs() {
        let run = &p.runs[0];
        let g = Grouping::Region;
        let (m, args, honest) = traced_with(&p, run, g);
        let rejected = |tr: &Trace| -> bool {
            let residual = check_trace(tr).unwrap().iter().any(|(ck, _)| !ck.ok());
            residual || check_glue(&m, g, &args, tr).is_err()
        };
        assert!(!rejected(&honest), "{}: honest trace rejected", p.name());
        // The busiest template and a copy in its middle.
        let k = (0..honest.copies.len()).max_by_key(|&k| honest.copies[k].len()).unwrap();
        let n = honest.copies[k].len();
        let mut edits: Vec<(usize, Trace)> = Vec::new();
        if let Some(x) = honest.copies[k][n / 2].inputs.iter().position(|_| true) {
            let mut tr = honest.clone();
            tr.copies[k][n / 2].inputs[x] ^= 1;
            edits.push((0, tr));
        }
        let mut tr = honest.clone();
        tr.copies[k].remove(n / 2);
        edits.push((1, tr));
        let mut tr = honest.clone();
        let c = tr.copies[k][n / 2].clone();
        tr.copies[k].push(c);
        edits.push((2, tr));
        if let Some(i) = honest.memory.iter().position(|r| !r.ev.write) {
            let mut tr = honest.clone();
            tr.memory[i].ev.value ^= 1;
            tr.memory[i].ev.old ^= 1;
            edits.push((3, tr));
        }
        if n >= 2 {
            let mut tr = honest.clone();
            let (a, b) = (tr.copies[k][0].step, tr.copies[k][n - 1].step);
            tr.copies[k][0].step = b;
            tr.copies[k][n - 1].step = a;
            edits.push((4, tr));
        }
        if let Some((ty, Some(v))) = honest.outcome.ret {
            let mut tr = honest.clone();
            tr.outcome.ret = Some((ty, Some((v + 1) & ty.mask())));
            edits.push((5, tr));
        }
        for (kind, tr) in edits {
            tried[kind] += 1;
            if !rejected(&tr) {
                failures.push(format!("{}: {} accepted", p.name(), kinds[kind]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    for (k, n) in tried.iter().enumerate() {
        assert!(*n > 0, "no {} was tried", kinds[k]);
    }
}

/// The programs of `testdata/interp/` run (tests/differential.rs checks them against native),
/// but the circuit stages refuse them in every grouping with their stated reason, naming the
/// function; `tessera check` exits non-zero with that message and does not panic.
#[test]
fn interp_programs_are_refused_clearly_by_the_circuit_stages() {
    let programs = interp_programs();
    assert!(!programs.is_empty());
    let mut failures = Vec::new();
    for p in &programs {
        let want = p.lower_reject.as_deref().unwrap();
        let (ir, entry) = load_program(&p.path, &p.entry.name, &FrontendOptions::default()).unwrap();
        let m = Module { program: ir, entry };
        for g in MODES {
            match run_pipeline(&m, g, &PassConfig::default(), None) {
                Ok(_) => failures.push(format!("{} {}: the pipeline accepted it", p.name(), g.name())),
                Err(e) if !e.to_string().contains(want) => {
                    failures.push(format!("{} {}: `{e}` does not contain `{want}`", p.name(), g.name()))
                }
                Err(_) => {}
            }
        }
        let out = tessera()
            .args(["check", p.path.to_str().unwrap(), "--entry", &p.entry.name, "--"])
            .args(&p.runs[0].raw)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if out.status.success() || !stderr.contains(want) || stderr.contains("panicked") {
            failures.push(format!("{}: tessera check: status {}, stderr {stderr}", p.name(), out.status));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
