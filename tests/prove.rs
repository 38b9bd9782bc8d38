//! Whole-program proofs on the testdata: honest proofs verify in block and region
//! grouping, and a dishonest prover (tampered witness or claims) is rejected.

mod common;

use common::*;
use tessera_frontend::{load_program, FrontendOptions};
use tessera_ir::exec::{args::parse_args, Arg};
use tessera_passes::prove::{default_params, prove, verify, ProofFile};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn module(p: &TestProgram, grouping: Grouping) -> Module {
    let (ir, entry) = load_program(&p.path, &p.entry.name, &FrontendOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", p.name()));
    let m = Module { program: ir, entry };
    run_pipeline(&m, grouping, &PassConfig::default(), None).unwrap()
}

fn program(name: &str) -> TestProgram {
    accepted_programs().into_iter().find(|p| p.name() == name).unwrap_or_else(|| panic!("no testdata {name}"))
}

fn proved(name: &str, grouping: Grouping) -> (Module, Vec<Arg>, ProofFile) {
    let p = program(name);
    let m = module(&p, grouping);
    let args = parse_args(&m.program.funcs[m.entry], &p.runs[0].raw).unwrap();
    let (file, _) = prove(&m, grouping, &args, &default_params(), &|_| {}).unwrap_or_else(|e| panic!("{name}: {e}"));
    (m, args, file)
}

/// Every testdata program, first run line, in region and block grouping: the proof verifies
/// and proves the return value and buffers the interpreter computes on the program as
/// written (which tests/differential.rs checks against native execution).
#[test]
fn honest_proofs_verify_on_every_program() {
    let mut failures = Vec::new();
    for p in accepted_programs() {
        let (ir, entry) = load_program(&p.path, &p.entry.name, &FrontendOptions::default()).unwrap();
        let args = parse_args(&ir.funcs[entry], &p.runs[0].raw).unwrap();
        let native = tessera_ir::exec::run(&ir, entry, &args, &Default::default()).unwrap();
        for g in [Grouping::Region, Grouping::Block, Grouping::Opcode] {
            let m = module(&p, g);
            let r = prove(&m, g, &args, &default_params(), &|_| {}).and_then(|(file, _)| {
                let back = ProofFile::from_bytes(&file.to_bytes())?;
                verify(&m, g, &args, &back, &default_params())
            });
            match r {
                Ok(v) => {
                    let want = native.ret.map(|(_, v)| v.unwrap_or(0));
                    if v.ret != want || v.buffers != native.buffers {
                        failures.push(format!(
                            "{} {}: proved {:?} {:?}, ran {want:?} {:?}",
                            p.name(),
                            g.name(),
                            v.ret,
                            v.buffers,
                            native.buffers
                        ));
                    }
                }
                Err(e) => failures.push(format!("{} {}: {e}", p.name(), g.name())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cli_proves_and_verifies() {
    let dir = std::env::temp_dir().join(format!("tessera-prove-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let proof = dir.join("h.proof");
    let prog = testdata_dir().join("histogram.c");
    let run = program("histogram.c").runs[0].raw.clone();
    let bin = env!("CARGO_BIN_EXE_tessera");
    let out = std::process::Command::new(bin)
        .args(["prove", prog.to_str().unwrap(), "--entry", "histogram", "--json", "-o", proof.to_str().unwrap(), "--"])
        .args(&run)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "return",
        "instructions",
        "templates",
        "committed_elements",
        "committed_per_instruction",
        "prove_ms",
        "phases_ms",
        "proof_bytes",
    ] {
        assert!(j.get(k).is_some(), "prove --json lacks {k}: {j}");
    }
    assert!(j["templates"][0]["gates_per_copy"].as_u64().unwrap() > 0);
    let verify = |extra: &[&str], run: &[String]| {
        std::process::Command::new(bin)
            .args([
                "verify",
                prog.to_str().unwrap(),
                "--entry",
                "histogram",
                "--json",
                "--proof",
                proof.to_str().unwrap(),
            ])
            .args(extra)
            .arg("--")
            .args(run)
            .output()
            .unwrap()
    };
    let ok = verify(&[], &run);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let j: serde_json::Value = serde_json::from_slice(&ok.stdout).unwrap();
    assert_eq!(j["valid"], true);
    assert_eq!(j["buffers"][1], "01010101010000000000000000000004");
    let mut other = run.clone();
    other[3] = "0".into();
    let bad = verify(&[], &other);
    assert!(!bad.status.success());
    let j: serde_json::Value = serde_json::from_slice(&bad.stdout).unwrap();
    assert_eq!(j["valid"], false);
    assert!(j["error"].as_str().unwrap().len() > 5);
    let _ = std::fs::remove_dir_all(&dir);
}

use tessera_passes::prove::{prove_with, Dishonest, Header, Witness};
use tessera_passes::witness::{CellKind, Trace};

/// Proves `name`'s first run with `d`'s edits and returns the verifier's verdict.
fn dishonest(name: &str, grouping: Grouping, d: &Dishonest<'_>) -> Result<(), String> {
    let p = program(name);
    let m = module(&p, grouping);
    let args = parse_args(&m.program.funcs[m.entry], &p.runs[0].raw).unwrap();
    let (file, _) = prove_with(&m, grouping, &args, &default_params(), &|_| {}, d)
        .unwrap_or_else(|e| panic!("{name}: the dishonest prover could not make a proof: {e}"));
    let back = ProofFile::from_bytes(&file.to_bytes()).unwrap();
    verify(&m, grouping, &args, &back, &default_params()).map(|_| ())
}

fn rejected(name: &str, what: &str, d: &Dishonest<'_>) {
    for g in [Grouping::Region, Grouping::Block, Grouping::Opcode] {
        match dishonest(name, g, d) {
            Ok(()) => panic!("{name} {}: a proof with {what} verified", g.name()),
            Err(e) => eprintln!("{name} {}: {what}: rejected: {e}", g.name()),
        }
    }
}

/// The template with the most copies (a loop body).
fn busiest(tr: &Trace) -> usize {
    (0..tr.copies.len()).max_by_key(|&t| tr.copies[t].len()).unwrap()
}

#[test]
fn a_changed_live_in_is_rejected() {
    let edit = |tr: &mut Trace| {
        let t = busiest(tr);
        let k = tr.copies[t].len() / 2;
        let c = &mut tr.copies[t][k];
        let j = c.inputs.len() - 1;
        c.inputs[j] ^= 1;
    };
    rejected("gcd.c", "a changed live-in", &Dishonest { trace: Some(&edit), ..Default::default() });
}

#[test]
fn a_dropped_copy_is_rejected() {
    let edit = |tr: &mut Trace| {
        let t = busiest(tr);
        let k = tr.copies[t].len() / 2;
        tr.copies[t].remove(k);
    };
    rejected("gcd.c", "a dropped copy", &Dishonest { trace: Some(&edit), ..Default::default() });
}

#[test]
fn a_duplicated_copy_is_rejected() {
    let edit = |tr: &mut Trace| {
        let t = busiest(tr);
        let c = tr.copies[t][0].clone();
        tr.copies[t].push(c);
    };
    rejected("gcd.c", "a duplicated copy", &Dishonest { trace: Some(&edit), ..Default::default() });
}

#[test]
fn swapped_steps_are_rejected() {
    let edit = |tr: &mut Trace| {
        let t = busiest(tr);
        let (a, b) = (tr.copies[t][1].step, tr.copies[t][2].step);
        tr.copies[t][1].step = b;
        tr.copies[t][2].step = a;
    };
    rejected("gcd.c", "two copies' steps swapped", &Dishonest { trace: Some(&edit), ..Default::default() });
}

#[test]
fn a_changed_memory_read_is_rejected() {
    // fnv1a reads its input buffer byte by byte
    let edit = |tr: &mut Trace| {
        let r = tr.memory.iter_mut().find(|r| !r.ev.write && r.kind == CellKind::Bytes).expect("a read");
        r.ev.value ^= 1;
        r.ev.old ^= 1;
    };
    rejected("fnv1a.c", "a changed memory read", &Dishonest { trace: Some(&edit), ..Default::default() });
}

#[test]
fn another_return_value_is_rejected() {
    let edit = |h: &mut Header| h.ret = h.ret.map(|v| v ^ 1);
    rejected("gcd.c", "another return value", &Dishonest { header: Some(&edit), ..Default::default() });
}

#[test]
fn other_buffer_contents_are_rejected() {
    // histogram writes its output buffer
    let edit = |h: &mut Header| {
        let b = h.buffers.last_mut().unwrap();
        let flipped = if b.starts_with('0') { "1" } else { "0" };
        b.replace_range(0..1, flipped);
    };
    rejected("histogram.c", "other final buffer contents", &Dishonest { header: Some(&edit), ..Default::default() });
}

#[test]
fn a_lie_about_the_final_memory_is_rejected() {
    // the stack or globals segment: a final byte that no access wrote
    let edit = |w: &mut Witness<tessera_gkr::Fr>, _: &Header| {
        let (v, _) = w.finals.first_mut().expect("a committed segment");
        v[0] += tessera_gkr::Fr::from(1u64);
    };
    rejected("crc32.c", "a changed final memory cell", &Dishonest { witness: Some(&edit), ..Default::default() });
    let edit = |w: &mut Witness<tessera_gkr::Fr>, _: &Header| {
        let (_, t) = w.finals.first_mut().expect("a committed segment");
        t[0] += tessera_gkr::Fr::from(1u64);
    };
    rejected("crc32.c", "a changed final timestamp", &Dishonest { witness: Some(&edit), ..Default::default() });
}

#[test]
fn an_enabled_padding_copy_is_rejected() {
    // a padding row switched on: enabled = 1, every other input zero
    let edit = |w: &mut Witness<tessera_gkr::Fr>, h: &Header| {
        let t =
            (0..h.copies.len()).find(|&t| !h.copies[t].is_power_of_two()).expect("a template whose copies are padded");
        let rows = h.copies[t].next_power_of_two() as usize;
        let width = w.inputs[t].len() / rows;
        let last = (rows - 1) * width;
        assert!(w.inputs[t][last..].iter().all(|x| *x == tessera_gkr::Fr::from(0u64)), "a zero padding row");
        w.inputs[t][last] = tessera_gkr::Fr::from(1u64);
    };
    rejected("gcd.c", "an enabled padding copy", &Dishonest { witness: Some(&edit), ..Default::default() });
}

#[test]
fn a_changed_committed_input_is_rejected() {
    let edit = |w: &mut Witness<tessera_gkr::Fr>, _: &Header| {
        let t = (0..w.inputs.len()).max_by_key(|&t| w.inputs[t].len()).unwrap();
        let n = w.inputs[t].len();
        w.inputs[t][n / 2 + 1] += tessera_gkr::Fr::from(1u64);
    };
    rejected("gcd.c", "a changed committed input", &Dishonest { witness: Some(&edit), ..Default::default() });
}

#[test]
fn a_proof_binds_its_statement_and_every_byte() {
    let (m, args, file) = proved("histogram.c", Grouping::Region);
    let params = default_params();
    assert!(verify(&m, Grouping::Region, &args, &file, &params).is_ok());
    // other arguments (an input byte, the flag)
    let p = program("histogram.c");
    let f = &m.program.funcs[m.entry];
    let mut other = p.runs[0].raw.clone();
    other[0] = other[0].replacen("00", "01", 1);
    let a2 = parse_args(f, &other).unwrap();
    let e = verify(&m, Grouping::Region, &a2, &file, &params).unwrap_err();
    eprintln!("other arguments: {e}");
    let a3 = parse_args(f, &p.runs[1].raw).unwrap();
    assert!(verify(&m, Grouping::Region, &a3, &file, &params).is_err(), "another flag argument");
    // another grouping, another program
    let mb = module(&p, Grouping::Block);
    assert!(verify(&mb, Grouping::Block, &args, &file, &params).is_err());
    let (m2, _, _) = proved("gcd.c", Grouping::Region);
    assert!(verify(&m2, Grouping::Region, &args, &file, &params).is_err());
    // every byte: flipping any sampled byte of the file makes it unreadable or invalid
    let bytes = file.to_bytes();
    let step = (bytes.len() / 97).max(1);
    let mut positions: Vec<usize> = (0..bytes.len()).step_by(step).collect();
    positions.extend(0..64.min(bytes.len()));
    for i in positions {
        let mut b = bytes.clone();
        b[i] ^= 0x01;
        let r = ProofFile::from_bytes(&b).and_then(|f| verify(&m, Grouping::Region, &args, &f, &params));
        assert!(r.is_err(), "flipping byte {i} of {} left a valid proof", bytes.len());
    }
    // truncations and garbage never panic
    for n in [0, 3, 8, 20, bytes.len() / 2, bytes.len() - 1] {
        assert!(ProofFile::from_bytes(&bytes[..n]).is_err());
    }
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    assert!(ProofFile::from_bytes(&garbage).is_err());
}

#[test]
fn a_wrong_activity_claim_is_rejected() {
    let (m, args, mut file) = proved("gcd.c", Grouping::Region);
    file.proof.actives[0] += tessera_gkr::Fr::from(1u64);
    let e = verify(&m, Grouping::Region, &args, &file, &default_params()).unwrap_err();
    assert!(e.contains("template"), "{e}");
}

/// Opcode grouping's register machine: a register read that returns another value, a copy
/// that claims another pc, and a write to another register are each rejected.
#[test]
fn the_register_machine_is_bound() {
    let prove_opcode = |d: &Dishonest<'_>| dishonest("gcd.c", Grouping::Opcode, d);
    // a write that claims the register held something else before
    let edit = |tr: &mut Trace| {
        let r = tr.memory.iter_mut().find(|r| r.ev.write && r.kind == CellKind::Register).expect("a register write");
        r.ev.old ^= 1;
    };
    let e = prove_opcode(&Dishonest { trace: Some(&edit), ..Default::default() }).unwrap_err();
    eprintln!("a changed register before a write: {e}");
    // pc is input 3 of every non-alloca opcode template (after enabled, step, member)
    let edit = |tr: &mut Trace| {
        let t = busiest(tr);
        tr.copies[t][1].inputs[0] += 1;
    };
    let e = prove_opcode(&Dishonest { trace: Some(&edit), ..Default::default() }).unwrap_err();
    eprintln!("another pc: {e}");
    // a phi that writes its value into another register
    let edit = |tr: &mut Trace| {
        use tessera_passes::template::InputKind;
        let t = tr.templates.iter().position(|t| t.name.starts_with("phi")).expect("a phi template");
        let live: Vec<&InputKind> =
            tr.templates[t].inputs.iter().filter(|k| matches!(k, InputKind::LiveIn(_))).collect();
        let j = live.iter().position(|k| matches!(k, InputKind::LiveIn(n) if n == "result.reg")).unwrap();
        tr.copies[t][0].inputs[j] += 1;
    };
    let e = prove_opcode(&Dishonest { trace: Some(&edit), ..Default::default() }).unwrap_err();
    eprintln!("a write to another register: {e}");
}

/// collatz 1..=55: the loop body's 1336 copies are proven as two batches, 1024 and 512.
fn collatz_55() -> (Module, Vec<Arg>) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("bench/programs/collatz_range.c");
    let (ir, entry) = load_program(&path, "collatz_range", &FrontendOptions::default()).unwrap();
    let m = run_pipeline(&Module { program: ir, entry }, Grouping::Region, &PassConfig::default(), None).unwrap();
    let args = parse_args(&m.program.funcs[m.entry], &["55".to_string()]).unwrap();
    (m, args)
}

/// The index in the witness's input tables of the last batch of the first template whose
/// copies are split, and that template's index.
fn split_batches(h: &Header) -> (usize, std::ops::Range<usize>) {
    let mut first = 0;
    for (t, &n) in h.copies.iter().enumerate() {
        let k = tessera_passes::witness::copy_chunks(n as usize).len();
        if k > 1 {
            return (t, first..first + k);
        }
        first += k;
    }
    panic!("no template's copies are split: {:?}", h.copies)
}

#[test]
fn copies_split_into_batches_prove_and_a_dishonest_batch_is_rejected() {
    let (m, args) = collatz_55();
    let (file, _) = prove(&m, Grouping::Region, &args, &default_params(), &|_| {}).unwrap();
    let (t, batches) = split_batches(&file.header);
    assert_eq!(file.header.copies[t], 1336);
    assert_eq!(batches.len(), 2);
    assert_eq!(file.proof.templates.len(), file.header.copies.len() + 1, "one proof per batch");
    let v = verify(&m, Grouping::Region, &args, &ProofFile::from_bytes(&file.to_bytes()).unwrap(), &default_params())
        .unwrap();
    assert_eq!(v.ret, Some(1336));
    let reject = |what: &str, d: &Dishonest<'_>| {
        let (bad, _) = prove_with(&m, Grouping::Region, &args, &default_params(), &|_| {}, d).unwrap();
        match verify(&m, Grouping::Region, &args, &bad, &default_params()) {
            Ok(_) => panic!("a proof with {what} verified"),
            Err(e) => eprintln!("{what}: rejected: {e}"),
        }
    };
    // the last batch's last row is padding (1336 = 1024 + 312 of 512): switch it on
    let enable = |w: &mut Witness<tessera_gkr::Fr>, h: &Header| {
        let (_, b) = split_batches(h);
        let table = &mut w.inputs[b.end - 1];
        let width = table.len() / 512;
        let last = table.len() - width;
        assert!(table[last..].iter().all(|x| *x == tessera_gkr::Fr::from(0u64)), "a zero padding row");
        table[last] = tessera_gkr::Fr::from(1u64);
    };
    reject("an enabled padding copy in the last batch", &Dishonest { witness: Some(&enable), ..Default::default() });
    // a live copy of the second batch changed
    let change = |w: &mut Witness<tessera_gkr::Fr>, h: &Header| {
        let (_, b) = split_batches(h);
        let table = &mut w.inputs[b.end - 1];
        let width = table.len() / 512;
        table[10 * width + width / 2] += tessera_gkr::Fr::from(1u64);
    };
    reject("a changed input in the second batch", &Dishonest { witness: Some(&change), ..Default::default() });
    // the two batches' tables swapped: each is shaped for the other's copy count
    let swap = |w: &mut Witness<tessera_gkr::Fr>, h: &Header| {
        let (_, b) = split_batches(h);
        w.inputs.swap(b.start, b.start + 1);
    };
    match prove_with(
        &m,
        Grouping::Region,
        &args,
        &default_params(),
        &|_| {},
        &Dishonest { witness: Some(&swap), ..Default::default() },
    ) {
        Ok((bad, _)) => {
            assert!(verify(&m, Grouping::Region, &args, &bad, &default_params()).is_err())
        }
        Err(e) => eprintln!("swapped batches: the prover refuses: {e}"),
    }
}
