//! Every instruction's lowering against the interpreter: on random and edge-case operands at
//! widths 1, 8, 16, 32 and 64, the honest witness satisfies every residual and the template
//! returns the interpreter's result (poison included, through `freeze` and through uses
//! that LLVM makes undefined). At widths up to 4 an exhaustive search over all advice shows
//! that no other result (and, where the interpreter traps, no result at all) has a
//! satisfying witness.

use std::collections::BTreeSet;
use tessera_gkr::Fr;
use tessera_gkr::LayeredCircuit;
use tessera_ir::exec::{run, Arg, ExecOptions};
use tessera_ir::{BinOp, CastOp, Flags, Function, IcmpPred, InstKind, Intrinsic, Program, Type, Value};
use tessera_passes::canon::Classes;
use tessera_passes::layer::layer;
use tessera_passes::lower::{default_range_check, lower_classes};
use tessera_passes::template::{from_i128, to_u128, HintSource, InputKind, Op, Template};
use tessera_passes::witness::{check_template, trace, walk};
use tessera_passes::{run_pipeline, Grouping, Module, PassConfig};

/// What the single instruction's result flows into.
#[derive(Copy, Clone, PartialEq, Eq, Debug)]
enum Use {
    /// `ret r`: a poison result is undefined behaviour.
    Ret,
    /// `ret freeze(r)`: a poison result reads as 0.
    Freeze,
}

/// `f(params...) = use(kind(params))`.
fn one(params: &[Type], ret: Type, make: impl FnOnce(&mut Function, &[Value]) -> InstKind, u: Use) -> Module {
    let mut f = Function::new("f", params, Some(ret));
    // As the lowering treats the entry's return value: poison there is undefined behaviour.
    f.ret_noundef = true;
    let b = f.add_block();
    let ps = f.params.clone();
    let kind = make(&mut f, &ps);
    let r = f.push_inst(b, kind, Some(ret), None).1.unwrap();
    let out = match u {
        Use::Ret => r,
        Use::Freeze => f.push_inst(b, InstKind::Freeze { arg: r }, Some(ret), None).1.unwrap(),
    };
    f.push_inst(b, InstKind::Ret { value: Some(out) }, None, None);
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    tessera_ir::verify::verify_program(&p).unwrap();
    Module { program: p, entry }
}

/// The template of the module's only block, and for each of its live-ins the parameter it
/// holds.
fn template(m: &Module) -> (Template, Vec<usize>) {
    let t = run_pipeline(m, Grouping::Block, &PassConfig::default(), None).unwrap();
    let f = &t.program.funcs[t.entry];
    let classes = Classes::compute(&t.program, f);
    let mut ts = lower_classes(&t.program, f, &classes, &default_range_check()).unwrap();
    assert_eq!(ts.len(), 1);
    let order = classes.classes[0].members[0]
        .inputs
        .iter()
        .map(|v| f.params.iter().position(|p| p == v).expect("a parameter"))
        .collect();
    (ts.remove(0).template, order)
}

/// The live-in values for `args` (in parameter order).
fn live(order: &[usize], args: &[u64]) -> Vec<u64> {
    order.iter().map(|&k| args[k]).collect()
}

/// Honest witness: all residuals zero and the produced record returns the interpreter's value.
/// A module prepared once (pipeline and layered circuit) for many honest runs.
struct Honest<'a> {
    m: &'a Module,
    t: Module,
    layered: LayeredCircuit<Fr>,
}

impl<'a> Honest<'a> {
    fn new(m: &'a Module) -> Self {
        let t = run_pipeline(m, Grouping::Block, &PassConfig::default(), None).unwrap();
        let (tm, _) = template(m);
        Honest { m, t, layered: layer::<Fr>(&tm).unwrap().circuit }
    }

    /// The honest witness of one run satisfies the template and its layered circuit, and
    /// the produced record returns the interpreter's value.
    fn check(&self, args: &[u64], what: &str) {
        let (h, m) = (self, self.m);
        let args: Vec<Arg> = args.iter().map(|&a| Arg::Int(a)).collect();
        let want = run(&m.program, m.entry, &args, &ExecOptions::default());
        let tr = trace(&h.t, Grouping::Block, &args, &ExecOptions::default(), &default_range_check());
        match (want, tr) {
            (Ok(out), Ok(tr)) => {
                let tm = &tr.templates[0];
                let ck = check_template::<Fr>(tm, Some(&h.layered), &tr.copies[0], &tr.memory);
                assert!(ck.ok(), "{what} {args:?}: {ck:?}\n{tm}");
                let ct = &tr.copies[0][0];
                let w = walk::<Fr>(tm, ct, &[], false).unwrap();
                let got = to_u128(&w.values[tm.produced.fields[3].0 as usize]).unwrap();
                assert_eq!(Some(got as u64), out.ret.unwrap().1, "{what} {args:?}\n{tm}");
            }
            (Err(_), Err(_)) => {}
            (a, b) => panic!("{what} {args:?}: interpreter {a:?}, trace {:?}", b.map(|_| ())),
        }
    }
}

/// Every result that some advice assignment makes acceptable (all residuals zero), by
/// depth-first search over the advice (bits are 0 or 1; an inverse is 0 or the inverse).
fn reachable(t: &Template, live: &[u64]) -> BTreeSet<u128> {
    let mut is_res = vec![false; t.ops.len()];
    for r in &t.residuals {
        is_res[r.node.0 as usize] = true;
    }
    let mut out = BTreeSet::new();
    let mut vals: Vec<Fr> = Vec::with_capacity(t.ops.len());
    dfs(t, live, &is_res, &mut vals, &mut out);
    out
}

fn dfs(t: &Template, live: &[u64], is_res: &[bool], vals: &mut Vec<Fr>, out: &mut BTreeSet<u128>) {
    let i = vals.len();
    if i == t.ops.len() {
        let n = t.produced.fields[3].0 as usize;
        out.insert(to_u128(&vals[n]).unwrap_or(u128::MAX));
        return;
    }
    let candidates: Vec<Fr> = match t.ops[i] {
        Op::Input(k) => match &t.inputs[k as usize] {
            InputKind::Enabled => vec![Fr::from(1u64)],
            InputKind::Step | InputKind::Member => vec![Fr::from(0u64)],
            InputKind::LiveIn(_) => vec![Fr::from(live[k as usize - 3])],
            InputKind::Advice(h) => match &t.hints[*h as usize].src {
                HintSource::Compute { .. } => vec![Fr::from(0u64), Fr::from(1u64)],
                HintSource::Inverse(n) => {
                    let x = vals[n.0 as usize];
                    vec![Fr::from(0u64), ark_ff::Field::inverse(&x).unwrap_or_default()]
                }
                _ => panic!("memory advice in a pure instruction"),
            },
        },
        Op::Const(c) => vec![from_i128(c)],
        Op::Add(a, b) => vec![vals[a.0 as usize] + vals[b.0 as usize]],
        Op::Sub(a, b) => vec![vals[a.0 as usize] - vals[b.0 as usize]],
        Op::Mul(a, b) => vec![vals[a.0 as usize] * vals[b.0 as usize]],
        Op::Scale(c, a) => vec![from_i128::<Fr>(c) * vals[a.0 as usize]],
    };
    for v in candidates {
        if is_res[i] && v != Fr::from(0u64) {
            continue;
        }
        vals.push(v);
        dfs(t, live, is_res, vals, out);
        vals.pop();
    }
}

/// At width `w <= 4`: for all operands, the acceptable results are exactly the
/// interpreter's (none where it traps).
fn exhaustive(m: &Module, nargs: usize, w: u32, what: &str) {
    let (t, order) = template(m);
    let n = 1u64 << w;
    let total = n.pow(nargs as u32);
    for code in 0..total {
        let args: Vec<u64> = (0..nargs).map(|k| (code / n.pow(k as u32)) % n).collect();
        let want =
            run(&m.program, m.entry, &args.iter().map(|&a| Arg::Int(a)).collect::<Vec<_>>(), &ExecOptions::default());
        let expect: BTreeSet<u128> = match want {
            Ok(o) => [o.ret.unwrap().1.unwrap() as u128].into(),
            Err(_) => BTreeSet::new(),
        };
        let got = reachable(&t, &live(&order, &args));
        assert_eq!(got, expect, "{what} at width {w} on {args:?}\n{t}");
    }
}

const WIDTHS: [u32; 5] = [1, 8, 16, 32, 64];

fn operands(w: u32, seed: &mut u64) -> Vec<u64> {
    let m = if w == 64 { u64::MAX } else { (1u64 << w) - 1 };
    let mut v = vec![0, 1, m, m >> 1, (m >> 1) + 1, 2 & m, m - 1];
    for _ in 0..6 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        v.push(*seed & m);
        v.push((*seed >> 3) & m & 0x1f);
    }
    v.sort();
    v.dedup();
    v
}

fn binops() -> Vec<(BinOp, Flags)> {
    use BinOp::*;
    let mut v = Vec::new();
    for op in [Add, Sub, Mul, Shl] {
        for fl in [Flags(0), Flags::NUW, Flags::NSW, Flags::NUW.union(Flags::NSW)] {
            v.push((op, fl));
        }
    }
    for op in [UDiv, SDiv, LShr, AShr] {
        v.push((op, Flags(0)));
        v.push((op, Flags::EXACT));
    }
    for op in [URem, SRem, And, Xor] {
        v.push((op, Flags(0)));
    }
    v.push((Or, Flags(0)));
    v.push((Or, Flags::DISJOINT));
    v
}

fn bin_module(op: BinOp, flags: Flags, w: u32, u: Use, const_rhs: Option<u64>) -> Module {
    let ty = Type::Int(w as u16);
    let nparams = if const_rhs.is_some() { 1 } else { 2 };
    one(
        &vec![ty; nparams],
        ty,
        |f, p| {
            let rhs = match const_rhs {
                Some(c) => f.const_value(ty, c),
                None => p[1],
            };
            InstKind::Binary { op, flags, lhs: p[0], rhs }
        },
        u,
    )
}

#[test]
fn binary_ops_match_the_interpreter() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for (op, flags) in binops() {
        for w in WIDTHS {
            for u in [Use::Ret, Use::Freeze] {
                let m = bin_module(op, flags, w, u, None);
                let h = Honest::new(&m);
                let xs = operands(w, &mut seed);
                for &a in &xs {
                    for &b in xs.iter().step_by(2) {
                        h.check(&[a, b], &format!("{}{} i{w} {u:?}", op.name(), flags.text()));
                    }
                }
                // A constant right operand takes the specialised paths.
                for &c in xs.iter().take(5) {
                    let m = bin_module(op, flags, w, u, Some(c));
                    let h = Honest::new(&m);
                    for &a in xs.iter().step_by(3) {
                        h.check(&[a], &format!("{}{} i{w} const {c}", op.name(), flags.text()));
                    }
                }
            }
        }
    }
}

#[test]
fn binary_ops_are_sound_at_small_widths() {
    for (op, flags) in binops() {
        for w in [1, 3, 4] {
            for u in [Use::Ret, Use::Freeze] {
                exhaustive(&bin_module(op, flags, w, u, None), 2, w, &format!("{}{} {u:?}", op.name(), flags.text()));
                // Constant right operands take specialised paths (shifts, masks, +-1).
                for k in [0, 1, 2, (1u64 << w) - 1, 1u64 << (w - 1)] {
                    let what = format!("{}{} {u:?} const {k}", op.name(), flags.text());
                    exhaustive(&bin_module(op, flags, w, u, Some(k & ((1u64 << w) - 1))), 1, w, &what);
                }
            }
        }
    }
}

fn icmp_module(pred: IcmpPred, w: u32) -> Module {
    let ty = Type::Int(w as u16);
    one(&[ty, ty], Type::I1, |_, p| InstKind::Icmp { pred, lhs: p[0], rhs: p[1] }, Use::Ret)
}

const PREDS: [IcmpPred; 10] = [
    IcmpPred::Eq,
    IcmpPred::Ne,
    IcmpPred::Ugt,
    IcmpPred::Uge,
    IcmpPred::Ult,
    IcmpPred::Ule,
    IcmpPred::Sgt,
    IcmpPred::Sge,
    IcmpPred::Slt,
    IcmpPred::Sle,
];

#[test]
fn comparisons_match_and_are_sound() {
    let mut seed = 7u64;
    for pred in PREDS {
        for w in WIDTHS {
            let m = icmp_module(pred, w);
            let h = Honest::new(&m);
            let xs = operands(w, &mut seed);
            for &a in &xs {
                for &b in &xs {
                    h.check(&[a, b], &format!("icmp {} i{w}", pred.name()));
                }
            }
        }
        for w in [1, 4] {
            exhaustive(&icmp_module(pred, w), 2, w, &format!("icmp {}", pred.name()));
        }
    }
}

fn cast_module(op: CastOp, flags: Flags, from: u32, to: u32, u: Use) -> Module {
    one(&[Type::Int(from as u16)], Type::Int(to as u16), |_, p| InstKind::Cast { op, flags, arg: p[0] }, u)
}

#[test]
fn casts_match_and_are_sound() {
    let mut seed = 11u64;
    let cases: Vec<(CastOp, Flags, u32, u32)> = vec![
        (CastOp::Zext, Flags(0), 8, 32),
        (CastOp::Zext, Flags::NNEG, 8, 64),
        (CastOp::Zext, Flags(0), 1, 16),
        (CastOp::Sext, Flags(0), 8, 32),
        (CastOp::Sext, Flags(0), 1, 64),
        (CastOp::Sext, Flags(0), 32, 64),
        (CastOp::Trunc, Flags(0), 64, 32),
        (CastOp::Trunc, Flags::NUW, 32, 8),
        (CastOp::Trunc, Flags::NSW, 16, 1),
        (CastOp::Trunc, Flags::NSW, 64, 16),
    ];
    for &(op, fl, from, to) in &cases {
        for u in [Use::Ret, Use::Freeze] {
            let m = cast_module(op, fl, from, to, u);
            let h = Honest::new(&m);
            for a in operands(from, &mut seed) {
                h.check(&[a], &format!("{} {}i{from} to i{to}", op.name(), fl.text()));
            }
        }
    }
    for (op, fl, from, to) in [
        (CastOp::Zext, Flags::NNEG, 3, 4),
        (CastOp::Sext, Flags(0), 2, 4),
        (CastOp::Trunc, Flags::NUW, 4, 2),
        (CastOp::Trunc, Flags::NSW, 4, 1),
        (CastOp::Trunc, Flags(0), 4, 3),
    ] {
        for u in [Use::Ret, Use::Freeze] {
            exhaustive(&cast_module(op, fl, from, to, u), 1, from, &format!("{} {}", op.name(), fl.text()));
        }
    }
}

fn intrinsic_module(op: Intrinsic, w: u32, flag: Option<bool>, u: Use) -> Module {
    let ty = Type::Int(w as u16);
    let rty = match op {
        Intrinsic::UAddOverflow
        | Intrinsic::SAddOverflow
        | Intrinsic::USubOverflow
        | Intrinsic::SSubOverflow
        | Intrinsic::UMulOverflow
        | Intrinsic::SMulOverflow => Type::I1,
        Intrinsic::UCmp | Intrinsic::SCmp => Type::I8,
        _ => ty,
    };
    let arity = op.arity();
    let nparams = if flag.is_some() { 1 } else { arity };
    one(
        &vec![ty; nparams],
        rty,
        |f, p| {
            let mut args: Vec<Value> = p.to_vec();
            if let Some(fl) = flag {
                args.push(f.const_value(Type::I1, fl as u64));
            }
            InstKind::Intrinsic { op, args }
        },
        u,
    )
}

fn intrinsics() -> Vec<(Intrinsic, Option<bool>)> {
    use Intrinsic::*;
    let mut v: Vec<(Intrinsic, Option<bool>)> = [
        UMin,
        UMax,
        SMin,
        SMax,
        Ctpop,
        Bitreverse,
        Fshl,
        Fshr,
        UAddOverflow,
        SAddOverflow,
        USubOverflow,
        SSubOverflow,
        UMulOverflow,
        SMulOverflow,
        UAddSat,
        SAddSat,
        USubSat,
        SSubSat,
        UCmp,
        SCmp,
    ]
    .into_iter()
    .map(|o| (o, None))
    .collect();
    for o in [Abs, Ctlz, Cttz] {
        v.push((o, Some(false)));
        v.push((o, Some(true)));
    }
    v
}

#[test]
fn intrinsics_match_the_interpreter() {
    let mut seed = 3u64;
    for (op, flag) in intrinsics() {
        for w in WIDTHS {
            if matches!(op, Intrinsic::UCmp | Intrinsic::SCmp) && w == 1 {
                continue;
            }
            for u in [Use::Ret, Use::Freeze] {
                let m = intrinsic_module(op, w, flag, u);
                let h = Honest::new(&m);
                let xs = operands(w, &mut seed);
                let arity = if flag.is_some() { 1 } else { op.arity() };
                for (k, &a) in xs.iter().enumerate() {
                    let args: Vec<u64> = match arity {
                        1 => vec![a],
                        2 => vec![a, xs[(k * 7 + 3) % xs.len()]],
                        _ => vec![a, xs[(k * 5 + 1) % xs.len()], xs[(k * 3 + 2) % xs.len()] % (2 * w as u64 + 3)],
                    };
                    h.check(&args, &format!("{} i{w} {flag:?} {u:?}", op.name()));
                }
            }
        }
    }
    // bswap needs whole bytes.
    for w in [16, 32, 64] {
        let m = intrinsic_module(Intrinsic::Bswap, w, None, Use::Ret);
        let h = Honest::new(&m);
        for a in operands(w, &mut seed) {
            h.check(&[a], &format!("bswap i{w}"));
        }
    }
}

#[test]
fn intrinsics_are_sound_at_small_widths() {
    for (op, flag) in intrinsics() {
        let w = if matches!(op, Intrinsic::UCmp | Intrinsic::SCmp) { 2 } else { 3 };
        let arity = if flag.is_some() { 1 } else { op.arity() };
        for u in [Use::Ret, Use::Freeze] {
            exhaustive(&intrinsic_module(op, w, flag, u), arity, w, &format!("{} {flag:?} {u:?}", op.name()));
        }
    }
}

#[test]
fn select_and_freeze_follow_poison() {
    // select c, (add nsw a, b), a: poison only when c picks the overflowing arm.
    for u in [Use::Ret, Use::Freeze] {
        let ty = Type::Int(3);
        let m = one(
            &[Type::I1, ty, ty],
            ty,
            |f, p| {
                let b = f.layout[0];
                let s = f
                    .push_inst(
                        b,
                        InstKind::Binary { op: BinOp::Add, flags: Flags::NSW, lhs: p[1], rhs: p[2] },
                        Some(ty),
                        None,
                    )
                    .1
                    .unwrap();
                InstKind::Select { cond: p[0], if_true: s, if_false: p[1] }
            },
            u,
        );
        let h = Honest::new(&m);
        for c in 0..2 {
            for a in 0..8 {
                for b in 0..8 {
                    h.check(&[c, a, b], &format!("select {u:?}"));
                }
            }
        }
        let (t, order) = template(&m);
        for c in 0..2u64 {
            for a in 0..8 {
                for b in 0..8 {
                    let args = [c, a, b];
                    let want = run(
                        &m.program,
                        m.entry,
                        &args.iter().map(|&x| Arg::Int(x)).collect::<Vec<_>>(),
                        &ExecOptions::default(),
                    );
                    let expect: BTreeSet<u128> = want.map(|o| [o.ret.unwrap().1.unwrap() as u128].into()).unwrap_or_default();
                    assert_eq!(reachable(&t, &live(&order, &args)), expect, "select {u:?} {args:?}");
                }
            }
        }
    }
}

#[test]
fn unsupported_instructions_are_named() {
    // A memcpy of a run-time length (expand-mem normally turns it into a loop first).
    let mut f = Function::new("copy", &[Type::Ptr, Type::Ptr, Type::I64], None);
    let b = f.add_block();
    let (d, s, n) = (f.params[0], f.params[1], f.params[2]);
    let loc = tessera_ir::SrcLoc { file: "copy.c".into(), line: 7, col: 3 };
    f.push_inst(b, InstKind::MemCopy { dst: d, src: s, len: n, overlap: false }, None, Some(loc));
    f.push_inst(b, InstKind::Ret { value: None }, None, None);
    let mut p = Program::default();
    let entry = p.funcs.push(f);
    let f = &p.funcs[entry];
    let classes = Classes::compute(&p, f);
    let err = match lower_classes(&p, f, &classes, &default_range_check()) {
        Err(e) => e.to_string(),
        Ok(_) => panic!("a memcpy of run-time length was lowered"),
    };
    for part in ["memcpy", "not a constant", "function 'copy'", "block bb0", "copy.c:7:3"] {
        assert!(err.contains(part), "{err}");
    }
}
