//! Transforms keep behaviour, and grouping puts loop iterations in one class: checked on
//! hand-built functions (the testdata programs are checked by the snapshot crate).

use tessera_ir::entity::EntityRef;
use tessera_ir::exec::{run, Arg, ExecOptions};
use tessera_ir::{BinOp, Block, CastOp, Flags, Function, IcmpPred, InstKind, Program, SrcLoc, Type, Value};
use tessera_passes::grouping::group_trace;
use tessera_passes::unroll::UnrollPolicy;
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

fn bin(f: &mut Function, b: Block, op: BinOp, lhs: Value, rhs: Value) -> Value {
    let ty = f.ty(lhs);
    f.push_inst(b, InstKind::Binary { op, flags: Flags::default(), lhs, rhs }, Some(ty), None).1.unwrap()
}
fn icmp(f: &mut Function, b: Block, pred: IcmpPred, lhs: Value, rhs: Value) -> Value {
    f.push_inst(b, InstKind::Icmp { pred, lhs, rhs }, Some(Type::I1), None).1.unwrap()
}
fn phi(f: &mut Function, b: Block, ty: Type) -> (tessera_ir::Inst, Value) {
    let (i, v) = f.push_inst(b, InstKind::Phi { incoming: vec![] }, Some(ty), None);
    (i, v.unwrap())
}
fn set_phi(f: &mut Function, i: tessera_ir::Inst, incoming: Vec<(Block, Value)>) {
    f.insts[i].kind = InstKind::Phi { incoming };
}
fn term(f: &mut Function, b: Block, k: InstKind) {
    f.push_inst(b, k, None, None);
}

/// Collatz steps with an if/else in the loop body (the canonical region example).
fn collatz() -> Module {
    let mut f = Function::new("collatz", &[Type::I32], Some(Type::I32));
    let n = f.params[0];
    let (b0, lp, odd, even, latch, exit) =
        (f.add_block(), f.add_block(), f.add_block(), f.add_block(), f.add_block(), f.add_block());
    let one = f.const_value(Type::I32, 1);
    let zero = f.const_value(Type::I32, 0);
    let three = f.const_value(Type::I32, 3);
    let c = icmp(&mut f, b0, IcmpPred::Ule, n, one);
    term(&mut f, b0, InstKind::CondBr { cond: c, if_true: exit, if_false: lp });
    let (px, x) = phi(&mut f, lp, Type::I32);
    let (ps, s) = phi(&mut f, lp, Type::I32);
    let low = bin(&mut f, lp, BinOp::And, x, one);
    let isodd = icmp(&mut f, lp, IcmpPred::Ne, low, zero);
    term(&mut f, lp, InstKind::CondBr { cond: isodd, if_true: odd, if_false: even });
    let t = bin(&mut f, odd, BinOp::Mul, x, three);
    let o = bin(&mut f, odd, BinOp::Add, t, one);
    term(&mut f, odd, InstKind::Br { target: latch });
    let e = bin(&mut f, even, BinOp::LShr, x, one);
    term(&mut f, even, InstKind::Br { target: latch });
    let (px2, x2) = phi(&mut f, latch, Type::I32);
    set_phi(&mut f, px2, vec![(odd, o), (even, e)]);
    let s2 = bin(&mut f, latch, BinOp::Add, s, one);
    let done = icmp(&mut f, latch, IcmpPred::Eq, x2, one);
    term(&mut f, latch, InstKind::CondBr { cond: done, if_true: exit, if_false: lp });
    set_phi(&mut f, px, vec![(b0, n), (latch, x2)]);
    set_phi(&mut f, ps, vec![(b0, zero), (latch, s2)]);
    let (pr, r) = phi(&mut f, exit, Type::I32);
    set_phi(&mut f, pr, vec![(b0, zero), (latch, s2)]);
    term(&mut f, exit, InstKind::Ret { value: Some(r) });
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    Module { program: p, entry }
}

/// for i in 0..n { if buf[i] != 0 { buf[i] = 200 / buf[i] } else { buf[i] = 7 } }; returns n.
/// The division and the stores sit on paths that if-conversion must predicate.
fn guarded_div() -> Module {
    let mut f = Function::new("guarded", &[Type::Ptr, Type::I64], Some(Type::I64));
    let (buf, n) = (f.params[0], f.params[1]);
    let (b0, lp, nz, z, latch, exit) =
        (f.add_block(), f.add_block(), f.add_block(), f.add_block(), f.add_block(), f.add_block());
    let zero64 = f.const_value(Type::I64, 0);
    let one64 = f.const_value(Type::I64, 1);
    let zero8 = f.const_value(Type::I8, 0);
    let c200 = f.const_value(Type::I8, 200);
    let c7 = f.const_value(Type::I8, 7);
    let empty = icmp(&mut f, b0, IcmpPred::Eq, n, zero64);
    term(&mut f, b0, InstKind::CondBr { cond: empty, if_true: exit, if_false: lp });
    let (pi, i) = phi(&mut f, lp, Type::I64);
    let addr = f
        .push_inst(lp, InstKind::Gep { base: buf, offset: 0, indices: vec![(i, 1)] }, Some(Type::Ptr), None)
        .1
        .unwrap();
    let v = f.push_inst(lp, InstKind::Load { addr, align: 1 }, Some(Type::I8), None).1.unwrap();
    let isz = icmp(&mut f, lp, IcmpPred::Eq, v, zero8);
    term(&mut f, lp, InstKind::CondBr { cond: isz, if_true: z, if_false: nz });
    let q = bin(&mut f, nz, BinOp::UDiv, c200, v);
    f.push_inst(nz, InstKind::Store { value: q, addr, align: 1 }, None, None);
    term(&mut f, nz, InstKind::Br { target: latch });
    f.push_inst(z, InstKind::Store { value: c7, addr, align: 1 }, None, None);
    term(&mut f, z, InstKind::Br { target: latch });
    let i2 = bin(&mut f, latch, BinOp::Add, i, one64);
    let more = icmp(&mut f, latch, IcmpPred::Ult, i2, n);
    term(&mut f, latch, InstKind::CondBr { cond: more, if_true: lp, if_false: exit });
    set_phi(&mut f, pi, vec![(b0, zero64), (latch, i2)]);
    term(&mut f, exit, InstKind::Ret { value: Some(n) });
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    Module { program: p, entry }
}

/// Every candidate if-converted: these tests exercise the transforms themselves.
fn cfg(k: u32) -> PassConfig {
    PassConfig { unroll: UnrollPolicy::Fixed(k), if_convert: tessera_passes::pass::IfConvertPolicy::Always }
}

fn same_results(m: &Module, argsets: &[Vec<Arg>]) {
    let opts = ExecOptions::default();
    for grouping in [Grouping::Block, Grouping::Region] {
        for k in [1, 2, 3, 4, 8] {
            let t = run_pipeline(m, grouping, &cfg(k), None).unwrap();
            for args in argsets {
                let want = run(&m.program, m.entry, args, &opts).unwrap();
                let got = run(&t.program, t.entry, args, &opts)
                    .unwrap_or_else(|e| panic!("{grouping:?} unroll {k} {args:?}: {e}\n{}", t.program));
                assert_eq!(want.ret, got.ret, "{grouping:?} unroll {k} args {args:?}\n{}", t.program);
                assert_eq!(want.buffers, got.buffers, "{grouping:?} unroll {k} args {args:?}\n{}", t.program);
            }
        }
    }
}

#[test]
fn collatz_transforms_keep_results() {
    let m = collatz();
    let args: Vec<Vec<Arg>> = [0u64, 1, 2, 3, 6, 7, 27, 97].iter().map(|&n| vec![Arg::Int(n)]).collect();
    same_results(&m, &args);
}

#[test]
fn predicated_memory_and_division_keep_results() {
    let m = guarded_div();
    let bufs: Vec<Vec<u8>> = vec![vec![], vec![0], vec![5], vec![0, 1, 2, 0, 50, 255, 0], (0..=40).collect()];
    let args: Vec<Vec<Arg>> = bufs
        .into_iter()
        .map(|b| vec![Arg::Int(b.len() as u64), Arg::Buffer(b)])
        .map(|mut v| {
            v.swap(0, 1);
            v
        })
        .collect();
    same_results(&m, &args);
}

#[test]
fn region_grouping_puts_collatz_iterations_in_one_class() {
    let m = collatz();
    let opts = ExecOptions::default();
    let args = [Arg::Int(27)];
    let steps = run(&m.program, m.entry, &args, &opts).unwrap().ret.unwrap().1.unwrap();
    assert_eq!(steps, 111);
    let region = run_pipeline(&m, Grouping::Region, &cfg(1), None).unwrap();
    let g = group_trace(&region, Grouping::Region, &args, &opts).unwrap();
    let biggest = g.classes.iter().max_by_key(|c| c.copies).unwrap();
    assert_eq!(biggest.copies, steps, "one copy per iteration:\n{g}");
    // Block grouping spreads the iterations over the header, both arms and the latch.
    let block = run_pipeline(&m, Grouping::Block, &cfg(1), None).unwrap();
    let gb = group_trace(&block, Grouping::Block, &args, &opts).unwrap();
    let busy = gb.classes.iter().filter(|c| c.copies >= 30).count();
    assert!(busy >= 3, "block grouping should use several classes:\n{gb}");
    // Every instance carries the region's inputs.
    for c in &g.classes {
        assert!(c.instances.iter().all(|i| i.inputs.len() == c.live_ins));
    }
    // Unrolling by 4 cuts the copies to about a quarter.
    let unrolled = run_pipeline(&m, Grouping::Region, &cfg(4), None).unwrap();
    let gu = group_trace(&unrolled, Grouping::Region, &args, &opts).unwrap();
    let top = gu.classes.iter().max_by_key(|c| c.copies).unwrap();
    assert_eq!(top.copies, steps.div_ceil(4), "{gu}");
}

#[test]
fn opcode_grouping_counts_every_instruction() {
    let m = collatz();
    let opts = ExecOptions::default();
    let args = [Arg::Int(27)];
    let t = run_pipeline(&m, Grouping::Opcode, &cfg(1), None).unwrap();
    let g = group_trace(&t, Grouping::Opcode, &args, &opts).unwrap();
    let total: u64 = g.classes.iter().map(|c| c.copies).sum();
    assert_eq!(total, g.executed);
    assert!(g.classes.iter().any(|c| c.name == "mul.i32" && c.copies > 0), "{g}");
}

#[test]
fn unknown_pass_is_an_error() {
    let m = collatz();
    let e = run_pipeline(&m, Grouping::Region, &cfg(1), Some("nonsense")).unwrap_err().to_string();
    assert!(e.contains("no pass named 'nonsense'") && e.contains("if-convert-loops"), "{e}");
}

/// Two diamonds in a row; the first has an alloca in an arm, so if-conversion refuses it.
/// The second must still be converted, and results must not change.
#[test]
fn a_refused_diamond_does_not_stop_the_others() {
    let mut f = Function::new("two_diamonds", &[Type::I32], Some(Type::I32));
    let x = f.params[0];
    let (b0, a1, m1, a2, m2) = (f.add_block(), f.add_block(), f.add_block(), f.add_block(), f.add_block());
    let zero = f.const_value(Type::I32, 0);
    let one64 = f.const_value(Type::I64, 1);
    let five = f.const_value(Type::I32, 5);
    let c1 = icmp(&mut f, b0, IcmpPred::Ugt, x, five);
    term(&mut f, b0, InstKind::CondBr { cond: c1, if_true: a1, if_false: m1 });
    let slot =
        f.push_inst(a1, InstKind::Alloca { elem_size: 4, count: one64, align: 4 }, Some(Type::Ptr), None).1.unwrap();
    f.push_inst(a1, InstKind::Store { value: x, addr: slot, align: 4 }, None, None);
    let y = f.push_inst(a1, InstKind::Load { addr: slot, align: 4 }, Some(Type::I32), None).1.unwrap();
    term(&mut f, a1, InstKind::Br { target: m1 });
    let (p1, v1) = phi(&mut f, m1, Type::I32);
    set_phi(&mut f, p1, vec![(b0, zero), (a1, y)]);
    let c2 = icmp(&mut f, m1, IcmpPred::Eq, v1, zero);
    term(&mut f, m1, InstKind::CondBr { cond: c2, if_true: a2, if_false: m2 });
    let w = bin(&mut f, a2, BinOp::Add, x, five);
    term(&mut f, a2, InstKind::Br { target: m2 });
    let (p2, v2) = phi(&mut f, m2, Type::I32);
    set_phi(&mut f, p2, vec![(m1, v1), (a2, w)]);
    term(&mut f, m2, InstKind::Ret { value: Some(v2) });
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    let m = Module { program: p, entry };
    let t = run_pipeline(&m, Grouping::Region, &cfg(1), None).unwrap();
    let tf = &t.program.funcs[t.entry];
    // The alloca diamond keeps its branch; the second diamond became a select.
    assert!(tf.layout.len() >= 2, "{}", t.program);
    let text = t.program.to_string();
    assert!(text.contains("select i1"), "second diamond not converted:\n{text}");
    assert!(text.contains("alloca"), "{text}");
    let args: Vec<Vec<Arg>> = [0u64, 3, 5, 6, 100].iter().map(|&n| vec![Arg::Int(n)]).collect();
    same_results(&m, &args);
}

fn at(line: u32) -> Option<SrcLoc> {
    Some(SrcLoc { file: "mem.c".into(), line, col: 1 })
}
fn gep(f: &mut Function, b: Block, base: Value, offset: i64, indices: Vec<(Value, i64)>) -> Value {
    f.push_inst(b, InstKind::Gep { base, offset, indices }, Some(Type::Ptr), None).1.unwrap()
}
fn mem(f: &mut Function, b: Block, kind: InstKind, line: u32) {
    f.push_inst(b, kind, None, at(line));
}
fn module(f: Function) -> Module {
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    Module { program: p, entry }
}

/// `mem_ops(buf, out, big, n, from, to, k, m, c)`: a memcpy of `n` bytes, a memmove of `k`
/// (an `i32`) bytes within `buf` (forward or backward by `from`/`to`), a memset of `m` bytes
/// to the low byte of `c` (an `i32`), a memset of 100 bytes, an overlapping memcpy of 80 and
/// a memcpy of 16 (`big` has 192 bytes). A value loaded
/// before the intrinsics is used after them, and the block ends in a branch to a phi that names
/// it, so splitting must rename the phi's predecessor.
fn mem_ops() -> Module {
    let params = [Type::Ptr, Type::Ptr, Type::Ptr, Type::I64, Type::I64, Type::I64, Type::I32, Type::I64, Type::I32];
    let mut f = Function::new("mem_ops", &params, Some(Type::I32));
    let p = f.params.clone();
    let (buf, out, big, n, from, to, k, m, c) = (p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
    let (b0, odd, exit) = (f.add_block(), f.add_block(), f.add_block());
    let first = f.push_inst(b0, InstKind::Load { addr: buf, align: 1 }, Some(Type::I8), None).1.unwrap();
    mem(&mut f, b0, InstKind::MemCopy { dst: out, src: buf, len: n, overlap: false }, 1);
    let s = gep(&mut f, b0, buf, 0, vec![(from, 1)]);
    let d = gep(&mut f, b0, buf, 0, vec![(to, 1)]);
    mem(&mut f, b0, InstKind::MemCopy { dst: d, src: s, len: k, overlap: true }, 2);
    let out16 = gep(&mut f, b0, out, 16, vec![]);
    mem(&mut f, b0, InstKind::MemSet { dst: out16, byte: c, len: m }, 3);
    let (ab, hundred, sixteen) =
        (f.const_value(Type::I8, 0xab), f.const_value(Type::I64, 100), f.const_value(Type::I64, 16));
    let big88 = gep(&mut f, b0, big, 88, vec![]);
    mem(&mut f, b0, InstKind::MemSet { dst: big88, byte: ab, len: hundred }, 4);
    // A memcpy the interpreter runs as memmove: 80 bytes, overlapping, copied backward.
    let (big8, eighty) = (gep(&mut f, b0, big, 8, vec![]), f.const_value(Type::I64, 80));
    mem(&mut f, b0, InstKind::MemCopy { dst: big8, src: big, len: eighty, overlap: false }, 5);
    let big100 = gep(&mut f, b0, big, 100, vec![]);
    mem(&mut f, b0, InstKind::MemCopy { dst: big100, src: buf, len: sixteen, overlap: false }, 6);
    let first32 = f
        .push_inst(b0, InstKind::Cast { op: CastOp::Zext, flags: Flags::default(), arg: first }, Some(Type::I32), None)
        .1
        .unwrap();
    let one = f.const_value(Type::I32, 1);
    let low = bin(&mut f, b0, BinOp::And, first32, one);
    let zero = f.const_value(Type::I32, 0);
    let is_odd = icmp(&mut f, b0, IcmpPred::Ne, low, zero);
    term(&mut f, b0, InstKind::CondBr { cond: is_odd, if_true: odd, if_false: exit });
    let thousand = f.const_value(Type::I32, 1000);
    let y = bin(&mut f, odd, BinOp::Add, first32, thousand);
    term(&mut f, odd, InstKind::Br { target: exit });
    let (pr, r) = phi(&mut f, exit, Type::I32);
    set_phi(&mut f, pr, vec![(b0, first32), (odd, y)]);
    term(&mut f, exit, InstKind::Ret { value: Some(r) });
    module(f)
}

/// `shift(buf, n, rounds)`: `rounds` times, `memmove(buf + 1, buf, n)` (a backward copy) and
/// `buf[0] = round`, in a self-loop whose phis must follow the back edge to the split-off block.
fn shift() -> Module {
    let mut f = Function::new("shift", &[Type::Ptr, Type::I64, Type::I32], Some(Type::I32));
    let (buf, n, rounds) = (f.params[0], f.params[1], f.params[2]);
    let (b0, lp, exit) = (f.add_block(), f.add_block(), f.add_block());
    let zero = f.const_value(Type::I32, 0);
    let none = icmp(&mut f, b0, IcmpPred::Eq, rounds, zero);
    term(&mut f, b0, InstKind::CondBr { cond: none, if_true: exit, if_false: lp });
    let (pr, r) = phi(&mut f, lp, Type::I32);
    let d = gep(&mut f, lp, buf, 1, vec![]);
    mem(&mut f, lp, InstKind::MemCopy { dst: d, src: buf, len: n, overlap: true }, 1);
    let r8 = f
        .push_inst(lp, InstKind::Cast { op: CastOp::Trunc, flags: Flags::default(), arg: r }, Some(Type::I8), None)
        .1
        .unwrap();
    f.push_inst(lp, InstKind::Store { value: r8, addr: buf, align: 1 }, None, None);
    let one = f.const_value(Type::I32, 1);
    let r1 = bin(&mut f, lp, BinOp::Add, r, one);
    let more = icmp(&mut f, lp, IcmpPred::Ult, r1, rounds);
    term(&mut f, lp, InstKind::CondBr { cond: more, if_true: lp, if_false: exit });
    set_phi(&mut f, pr, vec![(b0, zero), (lp, r1)]);
    let (pe, e) = phi(&mut f, exit, Type::I32);
    set_phi(&mut f, pe, vec![(b0, zero), (lp, r1)]);
    term(&mut f, exit, InstKind::Ret { value: Some(e) });
    module(f)
}

/// `zero_len(n)`: memcpy, memmove and memset of `n` bytes through a bad and a poison pointer;
/// returns 7. With `n == 0` nothing is touched.
fn zero_len() -> Module {
    let mut f = Function::new("zero_len", &[Type::I64], Some(Type::I32));
    let n = f.params[0];
    let b0 = f.add_block();
    let eight = f.const_value(Type::I64, 8);
    let bad = f
        .push_inst(
            b0,
            InstKind::Cast { op: CastOp::IntToPtr, flags: Flags::default(), arg: eight },
            Some(Type::Ptr),
            None,
        )
        .1
        .unwrap();
    let poison = f.poison(Type::Ptr);
    let byte = f.const_value(Type::I8, 1);
    mem(&mut f, b0, InstKind::MemCopy { dst: bad, src: poison, len: n, overlap: false }, 1);
    mem(&mut f, b0, InstKind::MemCopy { dst: poison, src: bad, len: n, overlap: true }, 2);
    mem(&mut f, b0, InstKind::MemSet { dst: bad, byte, len: n }, 3);
    let seven = f.const_value(Type::I32, 7);
    term(&mut f, b0, InstKind::Ret { value: Some(seven) });
    module(f)
}

/// The constant lengths of the memory intrinsics left in the entry (`None`: not constant).
fn mem_lens(m: &Module) -> Vec<Option<u64>> {
    let f = &m.program.funcs[m.entry];
    let mut out = Vec::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if let InstKind::MemCopy { len, .. } | InstKind::MemSet { len, .. } = f.insts[i].kind {
                out.push(f.as_const(len));
            }
        }
    }
    out
}

/// After every pipeline only intrinsics of a constant length of at most 64 bytes are left.
fn check_expanded(m: &Module, kept: &[Option<u64>]) {
    for grouping in [Grouping::Block, Grouping::Region] {
        for k in [1, 4] {
            let t = run_pipeline(m, grouping, &cfg(k), None).unwrap();
            assert_eq!(mem_lens(&t), kept, "{grouping:?} unroll {k}:\n{}", t.program);
        }
    }
}

fn pattern(len: usize, seed: u8) -> Vec<u8> {
    (0..len).map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed)).collect()
}

#[test]
fn variable_memcpy_memmove_and_memset_keep_results() {
    let m = mem_ops();
    // (n, from, to, k, m, c): k moves backward when to > from, forward when to < from.
    let cases: [(u64, u64, u64, u64, u64, u64); 8] = [
        (0, 0, 0, 0, 0, 0),
        (32, 0, 5, 20, 16, 0x1ff),
        (7, 9, 2, 20, 3, 0xffff_ffff),
        (1, 4, 4, 10, 1, 0x42),
        (5, 0, 1, 31, 16, 7),
        (31, 1, 0, 31, 0, 9),
        (2, 3, 0, 1, 2, 0x80),
        (64, 10, 30, 2, 15, 0x1234),
    ];
    let args: Vec<Vec<Arg>> = cases
        .iter()
        .enumerate()
        .map(|(s, &(n, from, to, k, len, c))| {
            let size = if n > 32 { 64 } else { 32 };
            vec![
                Arg::Buffer(pattern(size, s as u8)),
                Arg::Buffer(pattern(size, 100 + s as u8)),
                Arg::Buffer(pattern(192, 200)),
                Arg::Int(n),
                Arg::Int(from),
                Arg::Int(to),
                Arg::Int(k),
                Arg::Int(len),
                Arg::Int(c),
            ]
        })
        .collect();
    same_results(&m, &args);
    check_expanded(&m, &[Some(16)]);
}

#[test]
fn memmove_in_a_loop_keeps_results() {
    let m = shift();
    let args: Vec<Vec<Arg>> = [(0u64, 0u64), (0, 3), (1, 1), (5, 4), (15, 9), (15, 0)]
        .iter()
        .map(|&(n, rounds)| vec![Arg::Buffer(pattern(16, n as u8)), Arg::Int(n), Arg::Int(rounds)])
        .collect();
    same_results(&m, &args);
    check_expanded(&m, &[]);
}

#[test]
fn zero_length_touches_no_memory() {
    let m = zero_len();
    same_results(&m, &[vec![Arg::Int(0)]]);
    check_expanded(&m, &[]);
    // Any other length traps, before and after.
    let opts = ExecOptions::default();
    for grouping in [Grouping::Block, Grouping::Region] {
        let t = run_pipeline(&m, grouping, &cfg(1), None).unwrap();
        for n in [1, 100] {
            assert!(run(&m.program, m.entry, &[Arg::Int(n)], &opts).is_err());
            assert!(run(&t.program, t.entry, &[Arg::Int(n)], &opts).is_err(), "{grouping:?} n = {n}:\n{}", t.program);
        }
    }
}

/// Every instruction the expansion makes carries the location of the intrinsic it replaces.
#[test]
fn expansion_keeps_debug_locations() {
    let m = mem_ops();
    let before = m.program.funcs[m.entry].insts.len();
    let t = run_pipeline(&m, Grouping::Region, &cfg(1), Some("expand-mem")).unwrap();
    let f = &t.program.funcs[t.entry];
    let mut lines = std::collections::BTreeSet::new();
    for &b in &f.layout {
        for &i in &f.blocks[b].insts {
            if i.index() >= before {
                let loc = f.insts[i].loc.as_ref().unwrap_or_else(|| panic!("{i} has no location:\n{}", t.program));
                lines.insert(loc.line);
            }
        }
    }
    assert_eq!(lines.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5], "{}", t.program);
}

/// The cost model is static (the same program gives the same choice, so the verifier
/// recompiles it) and chooses per loop from the real lowering: on the collatz loop both
/// costs are predicted, and the choice it makes is the cheaper prediction.
#[test]
fn the_cost_model_chooses_the_cheaper_prediction() {
    use tessera_passes::analysis::{Cfg, DomTree, Loops};
    let m = collatz();
    let costed = PassConfig::default();
    let a = run_pipeline(&m, Grouping::Region, &costed, None).unwrap();
    let b = run_pipeline(&m, Grouping::Region, &costed, None).unwrap();
    assert_eq!(a.program.to_string(), b.program.to_string());
    // the loop's costs, on the program as the region pipeline meets it
    let fused = run_pipeline(&m, Grouping::Region, &costed, Some("fuse")).unwrap();
    let f = &fused.program.funcs[fused.entry];
    let cfg_ = Cfg::compute(f);
    let dom = DomTree::compute(f, &cfg_);
    let loops = Loops::compute(f, &cfg_, &dom);
    let (_, l) = loops.iter().find(|(_, l)| l.children.is_empty() && l.blocks.len() > 1).expect("an innermost loop");
    let mut set = indexmap::IndexSet::new();
    set.insert(l.header);
    set.extend(l.blocks.iter().copied());
    let (apart, merged) = tessera_passes::regions::loop_costs(&fused.program, f, &set).expect("both sides lower");
    assert!(apart > 0.0 && merged > 0.0);
    let always = run_pipeline(&m, Grouping::Region, &cfg(1), None).unwrap();
    let converted = a.program.to_string() == always.program.to_string();
    assert_eq!(converted, merged <= apart, "apart {apart} ms, merged {merged} ms per iteration");
}
