//! The interpreter's traps, undefined-behaviour reports and memory model, on hand-built
//! functions (the differential tests cover whole programs against native execution).

use tessera_ir::exec::{run, Arg, ExecOptions, MemFault, RunError, Trap};
use tessera_ir::{BinOp, Block, Flags, Function, GlobalData, IcmpPred, InstKind, Program, SrcLoc, Type, Value};

fn program(f: Function) -> Program {
    let mut p = Program::default();
    p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap_or_else(|e| panic!("{e}\n{p}"));
    p
}

fn value(f: &mut Function, b: Block, kind: InstKind, ty: Type) -> Value {
    f.push_inst(b, kind, Some(ty), None).1.unwrap()
}

fn trap_of(p: &Program, args: &[Arg]) -> (Trap, String) {
    match run(p, tessera_ir::Func(0), args, &ExecOptions::default()) {
        Err(RunError::Exec(e)) => (e.trap.clone(), e.to_string()),
        other => panic!("expected a trap, got {other:?}"),
    }
}

/// `f(a, b) = a udiv b` with a source location.
fn divider(op: BinOp) -> Program {
    let mut f = Function::new("div", &[Type::I32, Type::I32], Some(Type::I32));
    let b = f.add_block();
    let (x, y) = (f.params[0], f.params[1]);
    let loc = Some(SrcLoc { file: "div.c".into(), line: 7, col: 12 });
    let q = f.push_inst(b, InstKind::Binary { op, flags: Flags::default(), lhs: x, rhs: y }, Some(Type::I32), loc).1.unwrap();
    f.push_inst(b, InstKind::Ret { value: Some(q) }, None, None);
    program(f)
}

#[test]
fn division_by_zero_names_the_place() {
    let p = divider(BinOp::UDiv);
    let (t, msg) = trap_of(&p, &[Arg::Int(7), Arg::Int(0)]);
    assert_eq!(t, Trap::DivisionByZero);
    assert!(msg.contains("function 'div'") && msg.contains("bb0") && msg.contains("udiv i32 %0, %1") && msg.contains("div.c:7:12"), "{msg}");
    let ok = run(&p, tessera_ir::Func(0), &[Arg::Int(7), Arg::Int(2)], &ExecOptions::default()).unwrap();
    assert_eq!(ok.ret, Some((Type::I32, Some(3))));
}

#[test]
fn signed_division_overflow_traps() {
    let p = divider(BinOp::SDiv);
    let (t, _) = trap_of(&p, &[Arg::Int(0x8000_0000), Arg::Int(0xffff_ffff)]);
    assert_eq!(t, Trap::SignedDivisionOverflow);
    let p = divider(BinOp::SRem);
    let (t, _) = trap_of(&p, &[Arg::Int(0x8000_0000), Arg::Int(0xffff_ffff)]);
    assert_eq!(t, Trap::SignedDivisionOverflow);
}

/// Loads byte `i` of the buffer argument.
fn byte_reader() -> Program {
    let mut f = Function::new("get", &[Type::Ptr, Type::I64], Some(Type::I8));
    let b = f.add_block();
    let (buf, i) = (f.params[0], f.params[1]);
    let a = value(&mut f, b, InstKind::Gep { base: buf, offset: 0, indices: vec![(i, 1)] }, Type::Ptr);
    let v = value(&mut f, b, InstKind::Load { addr: a, align: 1 }, Type::I8);
    f.push_inst(b, InstKind::Ret { value: Some(v) }, None, None);
    program(f)
}

#[test]
fn out_of_bounds_and_unallocated_accesses_trap() {
    let p = byte_reader();
    let buf = || Arg::Buffer(vec![10, 20, 30]);
    let ok = run(&p, tessera_ir::Func(0), &[buf(), Arg::Int(2)], &ExecOptions::default()).unwrap();
    assert_eq!(ok.ret, Some((Type::I8, Some(30))));
    let (t, msg) = trap_of(&p, &[buf(), Arg::Int(3)]);
    assert!(matches!(t, Trap::Memory(MemFault::Unallocated { .. })), "{msg}");
    let (t, _) = trap_of(&p, &[buf(), Arg::Int(u64::MAX)]); // index -1
    assert!(matches!(t, Trap::Memory(_)));
}

#[test]
fn wide_load_past_the_end_is_out_of_bounds() {
    let mut f = Function::new("wide", &[Type::Ptr], Some(Type::I32));
    let b = f.add_block();
    let p0 = f.params[0];
    let a = value(&mut f, b, InstKind::Gep { base: p0, offset: 2, indices: vec![] }, Type::Ptr);
    let v = value(&mut f, b, InstKind::Load { addr: a, align: 1 }, Type::I32);
    f.push_inst(b, InstKind::Ret { value: Some(v) }, None, None);
    let p = program(f);
    let (t, _) = trap_of(&p, &[Arg::Buffer(vec![1, 2, 3, 4])]);
    assert!(matches!(t, Trap::Memory(MemFault::OutOfBounds { len: 4, size: 4, .. })), "{t:?}");
}

#[test]
fn writes_to_constant_globals_trap_and_globals_are_initialised() {
    let mut p = Program::default();
    let g = p.globals.push(GlobalData {
        name: "table".into(),
        size: 4,
        align: 4,
        constant: true,
        init: vec![1, 2, 3, 4],
        relocs: vec![],
    });
    let mut f = Function::new("poke", &[Type::I32], Some(Type::I32));
    let b = f.add_block();
    let ga = f.global_addr(g);
    let old = value(&mut f, b, InstKind::Load { addr: ga, align: 4 }, Type::I32);
    f.push_inst(b, InstKind::Store { value: f.params[0], addr: ga, align: 4 }, None, None);
    f.push_inst(b, InstKind::Ret { value: Some(old) }, None, None);
    p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    let (t, msg) = trap_of(&p, &[Arg::Int(9)]);
    assert!(matches!(t, Trap::Memory(MemFault::ReadOnly { .. })), "{msg}");
}

#[test]
fn branching_on_poison_is_reported() {
    // add nsw overflows to poison; branching on a comparison with it is undefined behaviour.
    let mut f = Function::new("ub", &[Type::I8], Some(Type::I8));
    let (b0, b1, b2) = (f.add_block(), f.add_block(), f.add_block());
    let one = f.const_value(Type::I8, 1);
    let p0 = f.params[0];
    let s = value(&mut f, b0, InstKind::Binary { op: BinOp::Add, flags: Flags::NSW, lhs: p0, rhs: one }, Type::I8);
    let c = value(&mut f, b0, InstKind::Icmp { pred: IcmpPred::Sgt, lhs: s, rhs: one }, Type::I1);
    f.push_inst(b0, InstKind::CondBr { cond: c, if_true: b1, if_false: b2 }, None, None);
    f.push_inst(b1, InstKind::Ret { value: Some(one) }, None, None);
    f.push_inst(b2, InstKind::Ret { value: Some(s) }, None, None);
    let p = program(f);
    let ok = run(&p, tessera_ir::Func(0), &[Arg::Int(5)], &ExecOptions::default()).unwrap();
    assert_eq!(ok.ret, Some((Type::I8, Some(1))));
    let (t, msg) = trap_of(&p, &[Arg::Int(127)]);
    assert_eq!(t, Trap::PoisonUse("a branch condition"), "{msg}");
}

#[test]
fn select_ignores_poison_in_the_arm_not_taken_and_freeze_stops_it() {
    let mut f = Function::new("sel", &[Type::I8, Type::I1], Some(Type::I8));
    let b = f.add_block();
    let one = f.const_value(Type::I8, 1);
    let (p0, p1) = (f.params[0], f.params[1]);
    let s = value(&mut f, b, InstKind::Binary { op: BinOp::Add, flags: Flags::NUW, lhs: p0, rhs: one }, Type::I8);
    let r = value(&mut f, b, InstKind::Select { cond: p1, if_true: s, if_false: one }, Type::I8);
    let z = value(&mut f, b, InstKind::Freeze { arg: s }, Type::I8);
    let out = value(&mut f, b, InstKind::Binary { op: BinOp::Add, flags: Flags::default(), lhs: r, rhs: z }, Type::I8);
    f.push_inst(b, InstKind::Ret { value: Some(out) }, None, None);
    let p = program(f);
    // 255 + 1 nuw is poison: not selected, and frozen to 0.
    let ok = run(&p, tessera_ir::Func(0), &[Arg::Int(255), Arg::Int(0)], &ExecOptions::default()).unwrap();
    assert_eq!(ok.ret, Some((Type::I8, Some(1))));
    // Selected, it is the return value: poison, which the function may return (it is not
    // `noundef`), and undefined behaviour once it is.
    let out = run(&p, tessera_ir::Func(0), &[Arg::Int(255), Arg::Int(1)], &ExecOptions::default()).unwrap();
    assert_eq!(out.ret, Some((Type::I8, None)));
    let mut p = p;
    p.funcs[tessera_ir::Func(0)].ret_noundef = true;
    let (t, _) = trap_of(&p, &[Arg::Int(255), Arg::Int(1)]);
    assert_eq!(t, Trap::PoisonUse("the return value of a noundef function"));
}

#[test]
fn step_limit_stops_an_endless_loop() {
    let mut f = Function::new("spin", &[], Some(Type::I32));
    let (b0, b1) = (f.add_block(), f.add_block());
    f.push_inst(b0, InstKind::Br { target: b1 }, None, None);
    f.push_inst(b1, InstKind::Br { target: b1 }, None, None);
    let p = program(f);
    let opts = ExecOptions { max_instructions: 1000, ..ExecOptions::default() };
    match run(&p, tessera_ir::Func(0), &[], &opts) {
        Err(RunError::Exec(e)) => assert_eq!(e.trap, Trap::StepLimit(1000)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn stack_memory_is_freed_on_return() {
    // callee returns the address of its alloca; the caller reading it is a use after return.
    let mut p = Program::default();
    let mut callee = Function::new("leak", &[], Some(Type::Ptr));
    let cb = callee.add_block();
    let one = callee.const_value(Type::I64, 1);
    let a = value(&mut callee, cb, InstKind::Alloca { elem_size: 4, count: one, align: 4 }, Type::Ptr);
    callee.push_inst(cb, InstKind::Ret { value: Some(a) }, None, None);
    let mut main = Function::new("main", &[], Some(Type::I32));
    let mb = main.add_block();
    let callee_id = tessera_ir::Func(1);
    let ptr = value(&mut main, mb, InstKind::Call { callee: callee_id, args: vec![] }, Type::Ptr);
    let v = value(&mut main, mb, InstKind::Load { addr: ptr, align: 4 }, Type::I32);
    main.push_inst(mb, InstKind::Ret { value: Some(v) }, None, None);
    p.funcs.push(main);
    p.funcs.push(callee);
    tessera_ir::verify::verify_program(&p).unwrap();
    let (t, _) = trap_of(&p, &[]);
    assert!(matches!(t, Trap::Memory(MemFault::Unallocated { .. })), "{t:?}");
}

#[test]
fn memcpy_and_memset_work_bytewise_and_check_bounds() {
    let mut f = Function::new("mem", &[Type::Ptr, Type::I64], Some(Type::I8));
    let b = f.add_block();
    let (buf, n) = (f.params[0], f.params[1]);
    let four = f.const_value(Type::I64, 4);
    let x = f.const_value(Type::I8, 0xaa);
    let dst = value(&mut f, b, InstKind::Gep { base: buf, offset: 4, indices: vec![] }, Type::Ptr);
    f.push_inst(b, InstKind::MemCopy { dst, src: buf, len: four, overlap: false }, None, None);
    f.push_inst(b, InstKind::MemSet { dst: buf, byte: x, len: n }, None, None);
    let v = value(&mut f, b, InstKind::Load { addr: dst, align: 1 }, Type::I8);
    f.push_inst(b, InstKind::Ret { value: Some(v) }, None, None);
    let p = program(f);
    let out = run(&p, tessera_ir::Func(0), &[Arg::Buffer(vec![1, 2, 3, 4, 0, 0, 0, 0]), Arg::Int(2)], &ExecOptions::default()).unwrap();
    assert_eq!(out.buffers, vec![vec![0xaa, 0xaa, 3, 4, 1, 2, 3, 4]]);
    assert_eq!(out.ret, Some((Type::I8, Some(1))));
    let (t, _) = trap_of(&p, &[Arg::Buffer(vec![0; 8]), Arg::Int(9)]);
    assert!(matches!(t, Trap::Memory(MemFault::OutOfBounds { .. })));
}

#[test]
fn wrong_arguments_are_setup_errors() {
    let p = divider(BinOp::UDiv);
    let e = run(&p, tessera_ir::Func(0), &[Arg::Int(1)], &ExecOptions::default()).unwrap_err();
    assert!(e.to_string().contains("takes 2 argument(s), 1 given"), "{e}");
    let e = run(&p, tessera_ir::Func(0), &[Arg::Buffer(vec![]), Arg::Int(1)], &ExecOptions::default()).unwrap_err();
    assert!(e.to_string().contains("argument 0"), "{e}");
}

/// `f(x) { g(x); return G; }` with `g(x) { G = x; return poison; }`, as clang emits C's
/// `int g(int x) { G = x; }` (falling off the end of a non-void function). `use_result`
/// makes `f` return `g`'s result instead of `G`.
fn falls_off_the_end(g_noundef: bool, use_result: bool) -> Program {
    let mut p = Program::default();
    let gl = p.globals.push(GlobalData { name: "G".into(), size: 4, align: 4, constant: false, init: vec![0; 4], relocs: vec![] });
    let mut f = Function::new("f", &[Type::I32], Some(Type::I32));
    let fb = f.add_block();
    let x = f.params[0];
    let r = value(&mut f, fb, InstKind::Call { callee: tessera_ir::Func(1), args: vec![x] }, Type::I32);
    let ga = f.global_addr(gl);
    let v = value(&mut f, fb, InstKind::Load { addr: ga, align: 4 }, Type::I32);
    f.push_inst(fb, InstKind::Ret { value: Some(if use_result { r } else { v }) }, None, None);
    let mut g = Function::new("g", &[Type::I32], Some(Type::I32));
    g.ret_noundef = g_noundef;
    g.param_noundef = vec![true];
    let gb = g.add_block();
    let (gx, ga, undef) = (g.params[0], g.global_addr(gl), g.poison(Type::I32));
    g.push_inst(gb, InstKind::Store { value: gx, addr: ga, align: 4 }, None, None);
    g.push_inst(gb, InstKind::Ret { value: Some(undef) }, None, None);
    p.funcs.push(f);
    p.funcs.push(g);
    tessera_ir::verify::verify_program(&p).unwrap_or_else(|e| panic!("{e}\n{p}"));
    p
}

#[test]
fn poison_returned_without_noundef_is_a_value_the_caller_may_ignore() {
    let p = falls_off_the_end(false, false);
    let out = run(&p, tessera_ir::Func(0), &[Arg::Int(3)], &ExecOptions::default()).unwrap();
    assert_eq!(out.ret, Some((Type::I32, Some(3))));
    // Returned on to the outside, it stays poison: the run succeeds and says so.
    let p = falls_off_the_end(false, true);
    let out = run(&p, tessera_ir::Func(0), &[Arg::Int(3)], &ExecOptions::default()).unwrap();
    assert_eq!(out.ret, Some((Type::I32, None)));
    // An entry whose return is noundef makes that undefined behaviour.
    let mut p = p;
    p.funcs[tessera_ir::Func(0)].ret_noundef = true;
    let (t, msg) = trap_of(&p, &[Arg::Int(3)]);
    assert_eq!(t, Trap::PoisonUse("the return value of a noundef function"), "{msg}");
    assert!(msg.contains("function 'f'"), "{msg}");
}

#[test]
fn poison_returned_with_noundef_is_reported_where_it_is_returned() {
    let p = falls_off_the_end(true, false);
    let (t, msg) = trap_of(&p, &[Arg::Int(3)]);
    assert_eq!(t, Trap::PoisonUse("the return value of a noundef function"), "{msg}");
    assert!(msg.contains("function 'g'") && msg.contains("ret i32 poison"), "{msg}");
}

#[test]
fn a_poison_result_used_by_the_caller_is_reported_at_the_use() {
    // f branches on g's (poison) result.
    let mut p = falls_off_the_end(false, false);
    let f = &mut p.funcs[tessera_ir::Func(0)];
    let (fb, b1, b2) = (f.entry(), f.add_block(), f.add_block());
    let r = f.insts[f.blocks[fb].insts[0]].result.unwrap();
    let ret = f.blocks[fb].insts.pop().unwrap();
    let zero = f.const_value(Type::I32, 0);
    let c = value(f, fb, InstKind::Icmp { pred: IcmpPred::Eq, lhs: r, rhs: zero }, Type::I1);
    f.push_inst(fb, InstKind::CondBr { cond: c, if_true: b1, if_false: b2 }, None, None);
    f.blocks[b1].insts.push(ret);
    f.push_inst(b2, InstKind::Ret { value: Some(zero) }, None, None);
    tessera_ir::verify::verify_program(&p).unwrap_or_else(|e| panic!("{e}\n{p}"));
    let (t, msg) = trap_of(&p, &[Arg::Int(3)]);
    assert_eq!(t, Trap::PoisonUse("a branch condition"), "{msg}");
    assert!(msg.contains("function 'f'"), "{msg}");
}

/// `caller(x) = callee(x +nuw 1)`, `callee(a) = freeze a`; `noundef` on `callee`'s
/// parameter when asked.
fn poison_argument(noundef: bool) -> Program {
    let mut p = Program::default();
    let mut caller = Function::new("caller", &[Type::I8], Some(Type::I8));
    let b = caller.add_block();
    let one = caller.const_value(Type::I8, 1);
    let x = caller.params[0];
    let s = value(&mut caller, b, InstKind::Binary { op: BinOp::Add, flags: Flags::NUW, lhs: x, rhs: one }, Type::I8);
    let r = value(&mut caller, b, InstKind::Call { callee: tessera_ir::Func(1), args: vec![s] }, Type::I8);
    caller.push_inst(b, InstKind::Ret { value: Some(r) }, None, None);
    let mut callee = Function::new("callee", &[Type::I8], Some(Type::I8));
    callee.param_noundef = vec![noundef];
    callee.ret_noundef = true;
    let cb = callee.add_block();
    let a = callee.params[0];
    let fz = value(&mut callee, cb, InstKind::Freeze { arg: a }, Type::I8);
    callee.push_inst(cb, InstKind::Ret { value: Some(fz) }, None, None);
    p.funcs.push(caller);
    p.funcs.push(callee);
    tessera_ir::verify::verify_program(&p).unwrap_or_else(|e| panic!("{e}\n{p}"));
    p
}

#[test]
fn poison_arguments_are_undefined_behaviour_only_for_noundef_parameters() {
    let ok = |p: &Program, x| run(p, tessera_ir::Func(0), &[Arg::Int(x)], &ExecOptions::default()).map(|o| o.ret);
    // Defined arguments pass either way.
    assert_eq!(ok(&poison_argument(true), 4), Ok(Some((Type::I8, Some(5)))));
    assert_eq!(ok(&poison_argument(false), 4), Ok(Some((Type::I8, Some(5)))));
    // 255 +nuw 1 is poison: the callee receives it and freezes it (to 0 here).
    assert_eq!(ok(&poison_argument(false), 255), Ok(Some((Type::I8, Some(0)))));
    // Into a noundef parameter, the call itself is undefined behaviour.
    let (t, msg) = trap_of(&poison_argument(true), &[Arg::Int(255)]);
    assert_eq!(t, Trap::PoisonUse("an argument to a noundef parameter"), "{msg}");
    assert!(msg.contains("function 'caller'") && msg.contains("call i8 @callee(i8 %1)"), "{msg}");
}

#[test]
fn noundef_prints_in_the_signature() {
    let p = falls_off_the_end(true, false);
    let text = p.to_string();
    assert!(text.contains("fn @g(%0: noundef i32) -> noundef i32 {"), "{text}");
    assert!(text.contains("fn @f(%0: i32) -> i32 {"), "{text}");
}
