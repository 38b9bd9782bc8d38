//! Adversarial tests from a soundness review of the lowering and the glue: each one is a gap
//! between the templates and the interpreter (the reference) that the review found and that
//! is now closed (a poison value crossing a region boundary, a memset length from a poison
//! predicate, a constant funnel-shift amount above 2^32, a signed division of a poison
//! dividend). The doc comment of each says how it failed before.

use tessera_gkr::Fr;
use tessera_ir::exec::{run, Arg, ExecOptions};
use tessera_ir::{BinOp, Flags, Function, IcmpPred, InstKind, Intrinsic, Program, Type};
use tessera_passes::canon::Classes;
use tessera_passes::glue::check_glue;
use tessera_passes::lower::{default_range_check, lower_classes};
use tessera_passes::template::to_u128;
use tessera_passes::witness::{check_template, check_trace, trace, walk, CopyTrace};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn module(f: Function) -> Module {
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    Module { program: p, entry }
}

/// bb0: %x = add nsw i8 %a, 1 ; br %c, bb1, bb2
/// bb1: %y = freeze i8 %x ; ret %y
/// bb2: ret 7
fn poison_crossing() -> Module {
    let i8t = Type::Int(8);
    let mut f = Function::new("f", &[i8t, Type::I1], Some(i8t));
    let (b0, b1, b2) = (f.add_block(), f.add_block(), f.add_block());
    let (a, c) = (f.params[0], f.params[1]);
    let one = f.const_value(i8t, 1);
    let x = f
        .push_inst(b0, InstKind::Binary { op: BinOp::Add, flags: Flags::NSW, lhs: a, rhs: one }, Some(i8t), None)
        .1
        .unwrap();
    f.push_inst(b0, InstKind::CondBr { cond: c, if_true: b1, if_false: b2 }, None, None);
    let y = f.push_inst(b1, InstKind::Freeze { arg: x }, Some(i8t), None).1.unwrap();
    f.push_inst(b1, InstKind::Ret { value: Some(y) }, None, None);
    let seven = f.const_value(i8t, 7);
    f.push_inst(b2, InstKind::Ret { value: Some(seven) }, None, None);
    module(f)
}

/// Poison crossing a region boundary: the interpreter returns freeze(poison) = 0; the
/// honest trace records the poison live-in as 0, which does not match the producer's record
/// (completeness), and a prover that uses the producer's wrapped value 128 instead satisfies
/// every residual and both glue identities while claiming the return value 128 (soundness).
#[test]
fn poison_crossing_a_region_boundary() {
    let m = poison_crossing();
    let args = [Arg::Int(127), Arg::Int(1)];
    let want = run(&m.program, m.entry, &args, &ExecOptions::default()).unwrap();
    assert_eq!(want.ret.unwrap().1, Some(0), "interpreter: freeze(poison) = 0");
    let g = Grouping::Block;
    let t = run_pipeline(&m, g, &PassConfig::default(), None).unwrap();
    let mut tr = trace(&t, g, &args, &ExecOptions::default(), &default_range_check()).unwrap();
    assert!(tr.poison_inputs > 0);
    let honest = check_glue(&t, g, &args, &tr);
    // Dishonest: the freeze block's live-in x is the producer's node value (128).
    let mut changed = 0;
    for (tm, copies) in tr.templates.iter().zip(tr.copies.iter_mut()) {
        if tm.live_ins() == 1 {
            for ct in copies.iter_mut() {
                assert_eq!(ct.inputs, vec![0]);
                ct.inputs = vec![128];
                changed += 1;
            }
        }
    }
    assert_eq!(changed, 1);
    tr.outcome.ret = Some((Type::Int(8), Some(128)));
    let residuals_ok = check_trace(&tr).unwrap().iter().all(|(c, _)| c.ok());
    let glue_ok = check_glue(&t, g, &args, &tr).is_ok();
    eprintln!("honest glue: {honest:?}; dishonest ret 128: residuals ok {residuals_ok}, glue ok {glue_ok}");
    assert!(!(residuals_ok && glue_ok), "soundness: a proof of `returns 128` is accepted; the interpreter returns 0");
    assert!(honest.is_ok(), "completeness: honest run fails the glue: {honest:?}");
}

/// memset(p, 0, select(c, 4, 0)) with c = icmp eq (add nsw a, 1), 0 and a = 127: c is poison
/// (node value 0), so the interpreter traps (poison memset length); the template gates the
/// length's definedness check by `happens` = c's node = 0 and accepts the copy as a no-op.
#[test]
fn memset_length_from_poison_select() {
    let i8t = Type::Int(8);
    let mut f = Function::new("f", &[i8t, Type::Ptr], Some(i8t));
    let b = f.add_block();
    let (a, p) = (f.params[0], f.params[1]);
    let one = f.const_value(i8t, 1);
    let zero8 = f.const_value(i8t, 0);
    let x = f
        .push_inst(b, InstKind::Binary { op: BinOp::Add, flags: Flags::NSW, lhs: a, rhs: one }, Some(i8t), None)
        .1
        .unwrap();
    let c = f.push_inst(b, InstKind::Icmp { pred: IcmpPred::Eq, lhs: x, rhs: zero8 }, Some(Type::I1), None).1.unwrap();
    let four = f.const_value(Type::I64, 4);
    let zero = f.const_value(Type::I64, 0);
    let n =
        f.push_inst(b, InstKind::Select { cond: c, if_true: four, if_false: zero }, Some(Type::I64), None).1.unwrap();
    f.push_inst(b, InstKind::MemSet { dst: p, byte: zero8, len: n }, None, None);
    f.push_inst(b, InstKind::Ret { value: Some(a) }, None, None);
    let m = module(f);
    let args = [Arg::Int(127), Arg::Buffer(vec![1, 2, 3, 4])];
    let want = run(&m.program, m.entry, &args, &ExecOptions::default());
    assert!(want.is_err(), "interpreter: {want:?}");
    let fun = &m.program.funcs[m.entry];
    let classes = Classes::compute(&m.program, fun);
    let t = lower_classes(&m.program, fun, &classes, &default_range_check()).unwrap().remove(0).template;
    let order: Vec<usize> =
        classes.classes[0].members[0].inputs.iter().map(|v| fun.params.iter().position(|q| q == v).unwrap()).collect();
    let vals = [127u128, 0x1000_0000_0000];
    let ct =
        CopyTrace { step: 0, member: 0, inputs: order.iter().map(|&k| vals[k]).collect(), mem: (0, 0), first_inst: 0 };
    let ck = check_template::<Fr>(&t, None, std::slice::from_ref(&ct), &[]);
    let w = walk::<Fr>(&t, &ct, &[], false).unwrap();
    let ret = to_u128(&w.values[t.produced.fields[3].0 as usize]).unwrap();
    eprintln!("interpreter: {:?}; template: ok {} ret {ret}", want.err(), ck.ok());
    assert!(!ck.ok(), "soundness/semantics: the copy is accepted (returns {ret}) though the interpreter traps");
}

/// fshl i40 with the constant amount 2^32 + 1: the lowering reduces `k as u32 % w` (the low
/// 32 bits first), 0 + 1 = 1, instead of (2^32 + 1) mod 40 = 17: the template computes a
/// different value than the interpreter on every honest run.
#[test]
fn funnel_shift_constant_amount_above_2_32() {
    let w = 40u32;
    let ty = Type::Int(w as u16);
    for op in [Intrinsic::Fshl, Intrinsic::Fshr] {
        let mut f = Function::new("f", &[ty, ty], Some(ty));
        let b = f.add_block();
        let (x, y) = (f.params[0], f.params[1]);
        let k = f.const_value(ty, (1u64 << 32) + 1);
        let r = f.push_inst(b, InstKind::Intrinsic { op, args: vec![x, y, k] }, Some(ty), None).1.unwrap();
        f.push_inst(b, InstKind::Ret { value: Some(r) }, None, None);
        let m = module(f);
        let args = [Arg::Int(0x12_3456_789a), Arg::Int(0xfe_dcba_9876)];
        let want = run(&m.program, m.entry, &args, &ExecOptions::default()).unwrap().ret.unwrap().1.unwrap();
        let t = run_pipeline(&m, Grouping::Block, &PassConfig::default(), None).unwrap();
        let tr = trace(&t, Grouping::Block, &args, &ExecOptions::default(), &default_range_check()).unwrap();
        let tm = &tr.templates[0];
        let w = walk::<Fr>(tm, &tr.copies[0][0], &[], false).unwrap();
        let got = to_u128(&w.values[tm.produced.fields[3].0 as usize]).unwrap() as u64;
        assert_eq!(got, want, "{} i40 by 2^32+1: template {got:#x}, interpreter {want:#x}", op.name());
    }
}

/// sdiv (add nsw i8 127, 1), -1 then freeze: the interpreter's poison dividend reads 0, the
/// result is poison and freezes to 0 (no trap); the template's dividend node is -128 and
/// -128 / -1 has no witness, so the honest run has no satisfying witness.
#[test]
fn sdiv_of_poison_dividend_by_minus_one() {
    let i8t = Type::Int(8);
    for op in [BinOp::SDiv, BinOp::SRem] {
        let mut f = Function::new("f", &[i8t], Some(i8t));
        let b = f.add_block();
        let a = f.params[0];
        let one = f.const_value(i8t, 1);
        let m1 = f.const_value(i8t, 0xff);
        let x = f
            .push_inst(b, InstKind::Binary { op: BinOp::Add, flags: Flags::NSW, lhs: a, rhs: one }, Some(i8t), None)
            .1
            .unwrap();
        let q = f.push_inst(b, InstKind::Binary { op, flags: Flags(0), lhs: x, rhs: m1 }, Some(i8t), None).1.unwrap();
        let y = f.push_inst(b, InstKind::Freeze { arg: q }, Some(i8t), None).1.unwrap();
        f.push_inst(b, InstKind::Ret { value: Some(y) }, None, None);
        let m = module(f);
        let args = [Arg::Int(127)];
        let want = run(&m.program, m.entry, &args, &ExecOptions::default()).unwrap();
        assert_eq!(want.ret.unwrap().1, Some(0));
        let t = run_pipeline(&m, Grouping::Block, &PassConfig::default(), None).unwrap();
        let tr = trace(&t, Grouping::Block, &args, &ExecOptions::default(), &default_range_check()).unwrap();
        let ck = check_template::<Fr>(&tr.templates[0], None, &tr.copies[0], &tr.memory);
        assert!(ck.ok(), "completeness ({}): {ck:?}", op.name());
    }
}
