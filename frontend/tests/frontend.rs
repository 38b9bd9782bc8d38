//! The frontend on small hand-written `.ll` files (one construct each) and on one C and one
//! Rust program: what converts, what it converts to, and how rejections read.

use std::path::{Path, PathBuf};
use tessera_frontend::{llvm_ir_text, load_program, load_programs, FrontendError, FrontendOptions};
use tessera_ir::{BinOp, CastOp, Func, Function, InstKind, Intrinsic, Program, ValueDef};

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(name)
}

fn load(name: &str, entry: &str) -> Result<(Program, Func), FrontendError> {
    load_program(&data(name), entry, &FrontendOptions::default())
}

/// The converted program; fails the test with the frontend's message otherwise.
fn program(name: &str, entry: &str) -> Program {
    match load(name, entry) {
        Ok((p, f)) => {
            assert_eq!(f, Func(0), "the entry is the first function");
            p
        }
        Err(e) => panic!("{name}:{entry} did not convert: {e}"),
    }
}

fn text(name: &str, entry: &str) -> String {
    program(name, entry).to_string()
}

fn err(name: &str, entry: &str) -> FrontendError {
    match load(name, entry) {
        Ok((p, _)) => panic!("{name}:{entry} converted but should not have:\n{p}"),
        Err(e) => e,
    }
}

/// The kinds of a function's instructions in layout order.
fn kinds(f: &Function) -> Vec<&InstKind> {
    f.layout.iter().flat_map(|&b| f.blocks[b].insts.iter()).map(|&i| &f.insts[i].kind).collect()
}

fn def(f: &Function, v: tessera_ir::Value) -> &InstKind {
    match f.values[v].def {
        ValueDef::Inst(i) => &f.insts[i].kind,
        ref d => panic!("{v} is not an instruction result: {d:?}"),
    }
}

fn assert_contains_all(text: &str, needles: &[&str]) {
    for n in needles {
        assert!(text.contains(n), "missing `{n}` in:\n{text}");
    }
}

/// A file in the temporary directory, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn path(name: &str) -> TempFile {
        TempFile(std::env::temp_dir().join(format!("tessera-frontend-test-{}-{name}", std::process::id())))
    }
}

impl std::ops::Deref for TempFile {
    type Target = Path;
    fn deref(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

fn temp_file(name: &str, contents: &[u8]) -> TempFile {
    let f = TempFile::path(name);
    std::fs::write(&f.0, contents).unwrap();
    f
}

// ---- supported constructs ----

#[test]
fn binary_operations_keep_their_flags() {
    let t = text("arith.ll", "ops");
    assert_contains_all(
        &t,
        &[
            "add nuw nsw i64 %0, %1",
            "sub nsw i64 %0, %1",
            "mul nuw i64 %0, %1",
            "udiv exact i64 %0, %1",
            "sdiv i64 %0, %1",
            "urem i64 %0, %1",
            "srem i64 %0, %1",
            "and i64 %0, %1",
            "or disjoint i64 %0, %1",
            "xor i64 %0, %1",
            "shl nuw nsw i64 %0, %1",
            "lshr exact i64 %0, %1",
            "ashr i64 %0, %1",
            "zext nneg i32 %2 to i64",
            "sext i8 %3 to i64",
            "trunc nuw i64 %0 to i32",
            "freeze i64 %1",
        ],
    );
}

#[test]
fn all_icmp_predicates_on_integers_and_pointers() {
    let t = text("arith.ll", "cmps");
    for p in ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"] {
        assert!(t.contains(&format!("icmp {p} i32 %0, %1")), "missing icmp {p}:\n{t}");
    }
    assert_contains_all(&t, &["icmp ult ptr %2, %3", "select i1"]);
}

#[test]
fn loops_switch_and_calls_convert_reachable_functions_only() {
    let p = program("control.ll", "sum_to");
    let names: Vec<&str> = p.funcs.values().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["sum_to", "square", "classify"], "entry first, callees in call order, no `unrelated`");
    let t = p.to_string();
    assert_contains_all(
        &t,
        &[
            "phi i32 [bb0: 0], [bb1: %6]",
            "call i32 @square(i32 %2)",
            "switch i32 %0, bb4 [0: bb1, 7: bb2, -3: bb3]",
            "phi i32 [bb1: %1], [bb2: %2], [bb3: %3], [bb4: %4]",
        ],
    );
    assert!(!t.contains("double"));
    let classify = &p.funcs[Func(2)];
    assert!(kinds(classify).iter().any(|k| matches!(k, InstKind::Switch { cases, .. } if cases.len() == 3)));
}

#[test]
fn calls_through_an_alias_reach_the_aliasee() {
    let p = program("control.ll", "via_alias");
    assert_eq!(p.funcs[Func(1)].name, "square");
    assert!(p.to_string().contains("call i32 @square(i32 %0)"));
}

#[test]
fn unreachable_terminator() {
    let p = program("control.ll", "never");
    assert_eq!(kinds(&p.funcs[Func(0)]), [&InstKind::Unreachable]);
}

#[test]
fn struct_and_array_geps_become_byte_offsets() {
    let p = program("memory.ll", "fields");
    let f = &p.funcs[Func(0)];
    let geps: Vec<(i64, Vec<i64>)> = kinds(f)
        .into_iter()
        .filter_map(|k| match k {
            InstKind::Gep { offset, indices, .. } => Some((*offset, indices.iter().map(|x| x.1).collect())),
            _ => None,
        })
        .collect();
    // %struct.S = { i8, i32, [3 x i16], ptr }: 24 bytes, fields at 0, 4, 8, 16.
    assert!(geps.contains(&(4, vec![24])), "S[i].1: {geps:?}");
    assert!(geps.contains(&(32, vec![2])), "S[1].2[j]: {geps:?}");
    assert!(geps.contains(&(0, vec![4])), "arr[j]: {geps:?}");
    assert!(geps.contains(&(8, vec![])), "constant arr[2]: {geps:?}");
    assert!(geps.contains(&(16, vec![])), "constant s.3: {geps:?}");
    assert!(geps.contains(&(0, vec![1])), "byte GEP: {geps:?}");
}

#[test]
fn constant_expression_operands_are_materialised_before_their_use() {
    let p = program("memory.ll", "fields");
    let f = &p.funcs[Func(0)];
    let arr = p.globals.iter().find(|(_, g)| g.name == "arr").map(|(h, _)| h).unwrap();
    // `ptrtoint (ptr getelementptr (i8, ptr @arr, i64 4) to i32)` as an add operand.
    let cast = kinds(f)
        .into_iter()
        .find_map(|k| match k {
            InstKind::Cast { op: CastOp::PtrToInt, arg, .. } if f.ty(*arg) == tessera_ir::Type::Ptr => match def(f, *arg) {
                InstKind::Gep { base, offset: 4, indices } if indices.is_empty() => Some(*base),
                _ => None,
            },
            _ => None,
        })
        .expect("ptrtoint of a materialised gep");
    assert_eq!(f.values[cast].def, ValueDef::GlobalAddr(arr));
}

#[test]
fn globals_are_laid_out_with_relocations() {
    let p = program("memory.ll", "fields");
    let g = |name: &str| {
        p.globals.iter().find(|(_, g)| g.name == name).unwrap_or_else(|| panic!("no global @{name}:\n{p}"))
    };
    let (arr, arr_d) = g("arr");
    let (msg, msg_d) = g("msg");
    let (selfg, self_d) = g("self");
    assert_eq!((arr_d.size, arr_d.align, arr_d.constant), (16, 16, false));
    assert_eq!(arr_d.init, [1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0]);
    assert_eq!((msg_d.size, msg_d.constant), (6, true));
    assert_eq!(msg_d.init, b"hello\0");
    let s = g("s").1;
    assert_eq!(s.size, 24);
    assert_eq!(&s.init[..16], &[7, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0, 2, 0, 3, 0, 0, 0]);
    assert_eq!(s.relocs, [tessera_ir::Reloc { offset: 16, target: msg, addend: 2 }]);
    let table = g("table").1;
    assert_eq!(
        table.relocs,
        [tessera_ir::Reloc { offset: 0, target: arr, addend: 0 }, tessera_ir::Reloc { offset: 8, target: arr, addend: 12 }]
    );
    assert_eq!(self_d.relocs, [tessera_ir::Reloc { offset: 0, target: selfg, addend: 0 }]);
    assert!(p.globals.values().all(|g| g.name != "unused"), "unreferenced globals stay out");
}

#[test]
fn allocas_and_memory_intrinsics() {
    let t = text("memory.ll", "bufs");
    assert_contains_all(
        &t,
        &[
            "alloca 4 bytes x i64 %0, align 4",
            "alloca 8 bytes x i32 1, align 1",
            "memset ptr %2, i8 0, i64 %0",
            "memcpy ptr %1, ptr %2, i64 %0",
            "memmove ptr %3, ptr @arr, i64 8",
            "call void @escape(ptr %3)",
            "store i32 5, ptr %4, align 4",
        ],
    );
    assert!(!t.contains("lifetime"));
}

#[test]
fn int_to_ptr() {
    assert!(text("memory.ll", "int_to_ptr").contains("inttoptr i64 %0 to ptr"));
}

#[test]
fn with_overflow_splits_into_operation_and_overflow_bit() {
    let p = program("intrinsics.ll", "checked_mul");
    let f = &p.funcs[Func(0)];
    let ks = kinds(f);
    let (a, b) = (f.params[0], f.params[1]);
    let mul = ks
        .iter()
        .position(|k| matches!(k, InstKind::Binary { op: BinOp::Mul, flags, lhs, rhs } if flags.0 == 0 && (*lhs, *rhs) == (a, b)))
        .expect("field 0 is a plain mul");
    assert!(matches!(ks[mul + 1], InstKind::Intrinsic { op: Intrinsic::UMulOverflow, args } if args == &[a, b]));
    assert!(ks.iter().any(|k| matches!(k, InstKind::Intrinsic { op: Intrinsic::SAddOverflow, .. })));
    // The overflow bit feeds the select.
    let InstKind::Select { cond, .. } = ks[mul + 2] else { panic!("expected a select: {ks:?}") };
    assert!(matches!(def(f, *cond), InstKind::Intrinsic { op: Intrinsic::UMulOverflow, .. }));
}

#[test]
fn aggregate_phis_and_selects_split_per_field() {
    let p = program("intrinsics.ll", "pairs");
    let f = &p.funcs[Func(0)];
    let ks = kinds(f);
    assert_eq!(ks.iter().filter(|k| matches!(k, InstKind::Phi { .. })).count(), 3, "two fields + one scalar");
    assert_eq!(ks.iter().filter(|k| matches!(k, InstKind::Select { .. })).count(), 2);
    assert_contains_all(&p.to_string(), &["phi i64 [bb1: 7], [bb2: %1]", "select i1 %0, i64 %5, 1", "select i1 %0, i64 %6, 2"]);
}

#[test]
fn value_intrinsics_map_and_expect_forwards_its_operand() {
    let p = program("intrinsics.ll", "values");
    let f = &p.funcs[Func(0)];
    let ops: Vec<Intrinsic> = kinds(f)
        .into_iter()
        .filter_map(|k| match k {
            InstKind::Intrinsic { op, .. } => Some(*op),
            _ => None,
        })
        .collect();
    use Intrinsic::*;
    assert_eq!(ops, [UMin, UMax, SMin, SMax, Abs, Ctpop, Ctlz, Cttz, Bswap, Fshl, Fshr, UAddSat, SSubSat, UCmp, SCmp]);
    let first = kinds(f).into_iter().find_map(|k| match k {
        InstKind::Intrinsic { op: UMin, args } => Some(args[0]),
        _ => None,
    });
    assert_eq!(first, Some(f.params[0]), "llvm.expect returns its first operand");
    assert!(p.to_string().contains("ucmp i32 %16, i32 %2"));
}

#[test]
fn bitreverse_maps_to_the_intrinsic_exactly() {
    use tessera_ir::exec::{run, Arg, ExecOptions};
    let p = program("bitreverse.ll", "rev");
    let t = p.to_string();
    assert!(t.contains("bitreverse i64") && t.contains("bitreverse i7"), "{t}");
    let reference = |x: u64, w: u32| if w == 64 { x.reverse_bits() } else { (x & ((1 << w) - 1)).reverse_bits() >> (64 - w) };
    for x in [0u64, 1, 0x0123_4567_89ab_cdef, u64::MAX, 0x8000_0000_0000_0001, 0xdead_beef_0bad_f00d, 0x5a] {
        for w in [1u32, 7, 8, 16, 24, 32, 64] {
            let out = run(&p, Func(0), &[Arg::Int(x), Arg::Int(w as u64)], &ExecOptions::default())
                .unwrap_or_else(|e| panic!("bitreverse i{w} of {x:#x} did not run: {e}"));
            assert_eq!(out.ret.and_then(|r| r.1), Some(reference(x, w)), "bitreverse i{w} of {x:#x}");
        }
    }
}

#[test]
fn noundef_on_parameters_and_returns_is_kept() {
    let src = b"define noundef i32 @f(i32 noundef %a, i8 %b) {\n  %r = call i32 @g(i8 %b)\n  %s = add i32 %a, %r\n  ret i32 %s\n}\n\ndefine i32 @g(i8 noundef %x) noinline {\n  ret i32 undef\n}\n";
    let file = temp_file("noundef.ll", src);
    let (p, _) = load_program(&file, "f", &FrontendOptions::default()).unwrap();
    let (f, g) = (&p.funcs[Func(0)], &p.funcs[Func(1)]);
    assert!(f.ret_noundef && !g.ret_noundef);
    assert_eq!(f.param_noundef, [true, false]);
    assert_eq!(g.param_noundef, [true]);
    assert_contains_all(&p.to_string(), &["fn @f(%0: noundef i32, %1: i8) -> noundef i32 {", "fn @g(%0: noundef i8) -> i32 {"]);
}

#[test]
fn byval_parameters_get_a_private_copy() {
    use tessera_ir::exec::{run, ExecOptions};
    // @clobber writes 0 into its byval copy of @g; @f must still read 7 from @g.
    let src = b"@g = global { i64, i32 } { i64 7, i32 9 }\n\ndefine i64 @f() {\n  call void @clobber(ptr byval({ i64, i32 }) align 8 @g)\n  %v = load i64, ptr @g\n  ret i64 %v\n}\n\ndefine void @clobber(ptr byval({ i64, i32 }) align 8 %s) noinline {\n  store i64 0, ptr %s\n  ret void\n}\n";
    let file = temp_file("byval.ll", src);
    let (p, entry) = load_program(&file, "f", &FrontendOptions::default()).unwrap();
    assert_contains_all(&p.to_string(), &["alloca 16 bytes x i64 1, align 8", "memcpy ptr %1, ptr %0, i64 16"]);
    let out = run(&p, entry, &[], &ExecOptions::default()).unwrap();
    assert_eq!(out.ret.and_then(|r| r.1), Some(7));
}

#[test]
fn noreturn_calls_and_llvm_trap_end_the_block() {
    let t = text("intrinsics.ll", "div");
    assert_contains_all(&t, &["trap \"llvm.trap\"", "trap \"core::panicking::panic\"", "udiv i32 %0, %1"]);
    assert!(!t.contains("unreachable"), "the unreachable after a trap is dead:\n{t}");
}

#[test]
fn leftover_vectors_are_scalarised() {
    let t = text("reject.ll", "vector_scalarised");
    assert_contains_all(&t, &["load i64, ptr %0, align 8", "gep ptr %0, 8", "add i64 %3, 2", "ret i64 %5"]);
    assert!(!t.contains('<'));
}

// ---- rejections ----

fn unsupported(name: &str, entry: &str) -> tessera_frontend::Unsupported {
    match err(name, entry) {
        FrontendError::Unsupported(u) => *u,
        e => panic!("expected an unsupported-construct error, got: {e}"),
    }
}

#[test]
fn float_arithmetic_is_rejected_at_the_instruction() {
    let u = unsupported("reject.ll", "f");
    assert_eq!(u.construct, "floating-point arithmetic (fadd)");
    assert_eq!(u.function, "f");
    assert_eq!(u.block.as_deref(), Some("entry"));
    assert_eq!(u.instruction.as_deref(), Some("%add = fadd double %x, %y"));
    assert_eq!(
        u.to_string(),
        "unsupported: floating-point arithmetic (fadd) in function 'f', block 'entry', instruction '%add = fadd double %x, %y'"
    );
}

#[test]
fn vector_asm_atomic_are_rejected() {
    let cases = [
        ("vec", "vector operation", "extractelement <4 x i32>"),
        ("asm", "inline assembly", "asm \"bswap $0\""),
        ("atomic", "atomic operation (atomicrmw)", "atomicrmw add ptr %p"),
        ("external", "call to external function 'getenv_len'", "call i32 @getenv_len"),
    ];
    for (entry, construct, inst) in cases {
        let u = unsupported("reject.ll", entry);
        assert!(u.construct.contains(construct), "{entry}: {u}");
        assert_eq!(u.function, entry);
        assert!(u.instruction.as_deref().is_some_and(|i| i.contains(inst)), "{entry}: {u}");
        assert!(u.to_string().starts_with("unsupported: "), "{u}");
    }
}

fn run_i64(name: &str, entry: &str, args: &[tessera_ir::exec::Arg]) -> Result<u64, tessera_ir::exec::RunError> {
    let (p, f) = load(name, entry).expect("converts");
    let out = tessera_ir::exec::run(&p, f, args, &Default::default())?;
    Ok(out.ret.and_then(|(_, v)| v).expect("a defined return value"))
}

#[test]
fn wide_integers_run_exactly() {
    use tessera_ir::exec::Arg;
    assert_eq!(run_i64("wide.ll", "wide", &[Arg::Int(u64::MAX), Arg::Int(3)]).unwrap(), 2);
    let (p, f) = load("wide.ll", "wide_const").unwrap();
    assert!(text("wide.ll", "wide_const").contains("170141183460469231731687303715884105727"));
    // An i128 parameter takes a 64-bit argument zero-extended; the result is the full i128.
    let out = tessera_ir::exec::run(&p, f, &[Arg::Int(5)], &Default::default()).unwrap();
    let want = (5u128.wrapping_mul(i128::MAX as u128) as i128 >> 3) as u128;
    assert_eq!(out.ret_wide, Some([want as u64, (want >> 64) as u64, 0, 0]));
    // A bitfield container of 9 bytes: loaded, decremented and stored back exactly.
    let buf = vec![0u8, 0, 0, 0, 0, 0, 0, 0, 1];
    let (p, f) = load("wide.ll", "i72_field").unwrap();
    let out = tessera_ir::exec::run(&p, f, &[Arg::Buffer(buf)], &Default::default()).unwrap();
    assert_eq!(out.buffers[0], vec![0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0]);
    assert_eq!(out.ret, Some((tessera_ir::Type::I64, Some(0x00ff_ffff_ffff_ffff))));
}

/// A function's address is a constant (`tessera_ir::func_addr` of its rank among the
/// module's address-taken functions), stored and loaded like any pointer, and in initialisers;
/// an indirect call's targets are call-graph edges (testdata/reject/indirect_call.c traps on
/// a pointer that is none of them).
#[test]
fn function_pointers_are_addresses_and_indirect_calls_list_targets() {
    use tessera_ir::exec::Arg;
    let (p, f) = load("reject.ll", "fnptr").unwrap();
    let out = tessera_ir::exec::run(&p, f, &[Arg::Buffer(vec![0; 8])], &Default::default()).unwrap();
    let addr = u64::from_le_bytes(out.buffers[0].clone().try_into().unwrap());
    assert!(addr >= tessera_ir::FUNC_BASE && (addr - tessera_ir::FUNC_BASE) % 16 == 0, "{addr:#x}");
    let (p, f) = load("reject.ll", "fn_in_global").unwrap();
    let out = tessera_ir::exec::run(&p, f, &[], &Default::default()).unwrap();
    let got = out.ret.and_then(|(_, v)| v).unwrap();
    assert!(got >= tessera_ir::FUNC_BASE && got != addr, "{got:#x}");
    // `indirect` calls an `i32 (i32)` pointer; `@fact` is one (its address is taken in
    // `fnptr`), so the call graph has the edge and its recursion is found.
    match err("reject.ll", "indirect") {
        FrontendError::Recursion { cycle } => assert_eq!(cycle, ["fact", "fact"]),
        e => panic!("expected recursion, got {e}"),
    }
}

#[test]
fn aggregate_returns_go_through_a_slot() {
    use tessera_ir::exec::Arg;
    assert_eq!(run_i64("wide.ll", "agg_caller", &[Arg::Int(3)]).unwrap(), 3 + (3 << 33));
    let t = text("wide.ll", "agg_ret");
    assert!(t.contains("returns an aggregate through its last parameter"), "{t}");
    // As the entry it has no scalar result to report.
    let e = run_i64("wide.ll", "agg_ret", &[Arg::Int(3)]).unwrap_err();
    assert!(e.to_string().contains("returns an aggregate"), "{e}");
}

#[test]
fn recursion_is_rejected_with_its_cycle() {
    match err("reject.ll", "fact") {
        FrontendError::Recursion { cycle } => assert_eq!(cycle, ["fact", "fact"]),
        e => panic!("expected recursion, got {e}"),
    }
    let e = err("reject.ll", "calls_even");
    assert_eq!(e.to_string(), "recursion is not supported yet: even -> odd -> even");
}

#[test]
fn missing_entry_lists_the_functions() {
    match err("control.ll", "main") {
        FrontendError::EntryNotFound { name, available } => {
            assert_eq!(name, "main");
            assert_eq!(available, ["sum_to", "square", "classify", "never", "unrelated", "via_alias"]);
        }
        e => panic!("expected EntryNotFound, got {e}"),
    }
}

// ---- bad input ----

#[test]
fn malformed_ir_reports_llvms_message_with_the_line() {
    let e = err("malformed.ll", "f");
    let FrontendError::Parse { message, .. } = &e else { panic!("expected a parse error, got {e}") };
    assert!(message.contains("malformed.ll:3:20: error: use of undefined value '%undefined_value'"), "{message}");
}

#[test]
fn llvm_verifier_failures_are_reported() {
    let e = err("bad_verify.ll", "f");
    assert!(matches!(&e, FrontendError::Verify { message, .. } if message.contains("does not dominate")), "{e}");
}

#[test]
fn missing_files_and_unknown_extensions() {
    let e = load_program(Path::new("/nonexistent/prog.c"), "main", &FrontendOptions::default()).unwrap_err();
    assert!(matches!(e, FrontendError::FileNotFound { .. }));
    assert_eq!(e.to_string(), "no such file: /nonexistent/prog.c");
    let txt = temp_file("notes.txt", b"hello");
    let e = load_program(&txt, "main", &FrontendOptions::default()).unwrap_err();
    assert!(matches!(e, FrontendError::UnknownExtension { .. }), "{e}");
    let opts = FrontendOptions { opt_level: "O7".into(), ..Default::default() };
    let e = load_program(&data("collatz.c"), "collatz", &opts).unwrap_err();
    assert!(matches!(e, FrontendError::InvalidOption(_)), "{e}");
}

#[test]
fn compiler_errors_name_the_tool_and_keep_its_stderr() {
    let c = temp_file("broken.c", b"int f(void) { return 1 +; }\n");
    match load_program(&c, "f", &FrontendOptions::default()).unwrap_err() {
        FrontendError::ToolFailed { tool, status, stderr, .. } => {
            assert_eq!(tool, "clang-19");
            assert_eq!(status, "exit status 1");
            assert!(stderr.contains("expected expression"), "{stderr}");
        }
        e => panic!("expected ToolFailed, got {e}"),
    }
    let opts = FrontendOptions { clang: "no-such-clang".into(), ..Default::default() };
    let e = load_program(&data("collatz.c"), "collatz", &opts).unwrap_err();
    assert!(matches!(&e, FrontendError::ToolNotFound { tool, .. } if tool == "no-such-clang"), "{e}");
}

#[test]
fn truncated_and_garbage_input_never_panics() {
    let src = std::fs::read(data("intrinsics.ll")).unwrap();
    for cut in (0..src.len()).step_by(211) {
        let p = temp_file(&format!("cut{cut}.ll"), &src[..cut]);
        let _ = load_program(&p, "div", &FrontendOptions::default());
    }
    let p = temp_file("garbage.bc", &[0x42, 0x43, 0xc0, 0xde, 1, 2, 3, 4, 5]);
    let e = load_program(&p, "f", &FrontendOptions::default()).unwrap_err();
    assert!(matches!(e, FrontendError::Parse { .. }), "{e}");
}

#[test]
fn bitcode_input() {
    let bc = TempFile::path("control.bc");
    let status = std::process::Command::new("llvm-as-19").arg(data("control.ll")).arg("-o").arg(&*bc).status();
    assert!(status.is_ok_and(|s| s.success()), "llvm-as-19 must be installed");
    let (p, _) = load_program(&bc, "classify", &FrontendOptions::default()).unwrap();
    assert!(p.to_string().contains("switch i32 %0"));
}

// ---- C and Rust ----

#[test]
fn c_program_converts_with_source_locations() {
    let p = program("collatz.c", "collatz");
    assert_eq!(p.funcs.len(), 1, "the static helper is inlined at -O1");
    let f = &p.funcs[Func(0)];
    assert!(f.insts.values().any(|i| i.loc.as_ref().is_some_and(|l| l.file.ends_with("collatz.c") && l.line == 12)));
    let t = p.to_string();
    assert_contains_all(&t, &["global @weights: 5 bytes, align 1, const = x\"0102030508\"", "gep ptr @record", "urem i32"]);
}

#[test]
fn converted_programs_run_in_the_interpreter() {
    use tessera_ir::exec::{run, Arg, ExecOptions};
    let ret = |p: &Program, args: &[Arg]| run(p, Func(0), args, &ExecOptions::default()).map(|o| o.ret.and_then(|r| r.1));
    // collatz(27) takes 111 steps; weights[111 % 5] == 2.
    assert_eq!(ret(&program("collatz.c", "collatz"), &[Arg::Int(27)]).unwrap(), Some(222));
    assert_eq!(ret(&program("sum.rs", "collatz"), &[Arg::Int(27)]).unwrap(), Some(111));
    let sum = program("sum.rs", "sum_first");
    let buf: Vec<u8> = [5u32, 7, 11].iter().flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(ret(&sum, &[Arg::Buffer(buf.clone()), Arg::Int(3), Arg::Int(2)]).unwrap(), Some(12));
    assert!(ret(&sum, &[Arg::Buffer(buf), Arg::Int(3), Arg::Int(4)]).is_err(), "index 3 of 3 panics");
    assert_eq!(ret(&program("control.ll", "sum_to"), &[Arg::Int(4)]).unwrap(), Some(14 + (14 ^ 12345)));
}

#[test]
fn every_level_gives_scalar_ir_that_runs_like_native() {
    use tessera_ir::exec::{run, Arg, ExecOptions};
    let runs: [(u64, u64); 4] = [(0, 1), (7, 12345), (64, 0xdead_beef), (100, 3)];
    let main = temp_file(
        "vector_loops_main.c",
        b"#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\nuint32_t vector_loops(int, uint32_t);\nint main(int c, char **v) {\n    printf(\"%u\\n\", vector_loops(atoi(v[1]), (uint32_t)strtoul(v[2], 0, 10)));\n    return 0;\n}\n",
    );
    for level in ["O0", "O1", "O2", "O3", "Os", "Oz"] {
        let exe = TempFile::path(&format!("vector_loops_{level}"));
        let built = std::process::Command::new("clang-19")
            .arg(format!("-{level}"))
            .arg(data("vector_loops.c"))
            .arg(&*main)
            .arg("-o")
            .arg(&*exe)
            .status()
            .unwrap();
        assert!(built.success(), "native build at {level}");
        let native = |n: u64, seed: u64| -> u64 {
            let out = std::process::Command::new(&*exe).arg(n.to_string()).arg(seed.to_string()).output().unwrap();
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
        };
        let opts = FrontendOptions { opt_level: level.into(), ..FrontendOptions::default() };
        for file in ["vector_loops.c", "vector_loops.rs"] {
            let (p, entry) = load_program(&data(file), "vector_loops", &opts).unwrap_or_else(|e| panic!("{file} at {level}: {e}"));
            for (n, seed) in runs {
                let out = run(&p, entry, &[Arg::Int(n), Arg::Int(seed)], &ExecOptions::default())
                    .unwrap_or_else(|e| panic!("{file} at {level} with {n} {seed}: {e}"));
                assert_eq!(out.ret.and_then(|r| r.1), Some(native(n, seed)), "{file} at {level} with {n} {seed}");
            }
        }
    }
}

#[test]
fn c_float_error_reads_like_the_design_says() {
    let e = err("average.c", "average").to_string();
    assert!(
        e.starts_with(
            "unsupported: floating-point arithmetic (fadd) in function 'average', block 'for.body', instruction '%add = fadd double"
        ),
        "{e}"
    );
    assert!(e.ends_with("average.c:5:11"), "{e}");
}

#[test]
fn rust_program_converts_by_symbol_path_and_suffix() {
    let p = program("sum.rs", "collatz");
    assert_eq!(p.funcs[Func(0)].name, "collatz");
    assert!(p.to_string().contains("lshr exact i64"));

    let p = program("sum.rs", "sum_first");
    let f = &p.funcs[Func(0)];
    assert_eq!(f.demangled.as_deref(), Some("sum::sum_first"));
    assert!(p.to_string().contains("trap \"core::panicking::panic_bounds_check\""), "{p}");

    let p = program("sum.rs", "sum::checked");
    assert_contains_all(&p.to_string(), &["umul.overflow", "trap \"core::panicking::panic_const::panic_const_div_by_zero\""]);

    assert_eq!(program("sum.rs", "a::twice").funcs[Func(0)].demangled.as_deref(), Some("sum::a::twice"));
    match err("sum.rs", "twice") {
        FrontendError::AmbiguousEntry { candidates, .. } => {
            let mut c = candidates.clone();
            c.sort();
            assert_eq!(c, ["sum::a::twice", "sum::b::twice"]);
        }
        e => panic!("expected an ambiguous entry, got {e}"),
    }
}

#[test]
fn normalised_llvm_text_is_llvm_19_and_deterministic() {
    let opts = FrontendOptions::default();
    let a = llvm_ir_text(&data("sum.rs"), &opts).unwrap();
    let b = llvm_ir_text(&data("sum.rs"), &opts).unwrap();
    assert_eq!(a, b);
    assert!(a.contains("define") && !a.contains("samesign") && !a.contains("captures("));
    let p = temp_file("sum_normalised.ll", a.as_bytes());
    let out = std::process::Command::new("llvm-as-19").arg(&*p).arg("-o").arg("/dev/null").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

// ---- several files and flags ----

#[test]
fn several_files_link_into_one_program() {
    let files = [data("link_main.ll"), data("link_callee.ll")];
    let (p, entry) = load_programs(&files, "link_main", &FrontendOptions::default()).unwrap();
    assert_eq!(p.funcs[entry].name, "link_main");
    assert!(p.funcs.values().any(|f| f.name == "twice"), "{p}");
    // Alone, the caller has no definition of `twice`.
    let e = load("link_main.ll", "link_main").unwrap_err();
    assert!(e.to_string().contains("twice"), "{e}");
    // A parse error names the file it is in, not the linked module.
    let bad = temp_file("link_bad.ll", b"define i32 @f( {\n");
    let e =
        load_programs(&[data("link_main.ll"), bad.0.clone()], "link_main", &FrontendOptions::default()).unwrap_err();
    assert!(matches!(&e, FrontendError::Parse { path, .. } if *path == bad.0), "{e}");
}

#[test]
fn fingerprints_name_every_flag_and_file() {
    let base = FrontendOptions::default();
    let files = [PathBuf::from("a/main.c"), PathBuf::from("b.c")];
    let fp = base.fingerprint(&files);
    // Stable, and only the file names count, not the folders they are in.
    assert_eq!(fp, base.fingerprint(&[PathBuf::from("main.c"), PathBuf::from("x/b.c")]));
    assert_eq!(fp, "tessera-frontend/1;opt=2:O1;file=6:main.c;file=3:b.c;");
    let variants = [
        FrontendOptions { opt_level: "O2".into(), ..base.clone() },
        FrontendOptions { defines: vec!["N=1".into()], ..base.clone() },
        FrontendOptions { undefines: vec!["N".into()], ..base.clone() },
        FrontendOptions { include_dirs: vec!["inc".into()], ..base.clone() },
        FrontendOptions { includes: vec!["pre.h".into()], ..base.clone() },
        FrontendOptions { std: Some("c11".into()), ..base.clone() },
        FrontendOptions { cflags: vec!["-fwrapv".into()], ..base.clone() },
        FrontendOptions { rustflags: vec!["-Coverflow-checks=on".into()], ..base.clone() },
    ];
    let mut seen = vec![fp.clone()];
    for v in &variants {
        let f = v.fingerprint(&files);
        assert!(!seen.contains(&f), "{v:?} has the fingerprint of another: {f}");
        seen.push(f);
    }
    assert_ne!(fp, base.fingerprint(&[PathBuf::from("b.c"), PathBuf::from("main.c")]), "order counts");
    // Unambiguous: one define containing `;` is not two defines.
    let one = FrontendOptions { defines: vec!["A=1;D=4:B=2".into()], ..base.clone() };
    let two = FrontendOptions { defines: vec!["A=1".into(), "B=2".into()], ..base.clone() };
    assert_ne!(one.fingerprint(&files), two.fingerprint(&files));
}

#[test]
fn c_flags_reach_clang() {
    let c = temp_file("flags.c", b"int f(void) { return VALUE + OTHER; }\n");
    let opts = FrontendOptions {
        defines: vec!["VALUE=40".into(), "OTHER=9".into()],
        undefines: vec!["OTHER".into()],
        cflags: vec!["-DOTHER=2".into()],
        ..FrontendOptions::default()
    };
    // clang sees `-DOTHER=2 -DVALUE=40 -DOTHER=9 -UOTHER`: the other flags come first, and
    // every -U after every -D, so OTHER is undefined.
    let e = load_program(&c, "f", &opts).unwrap_err();
    assert!(e.to_string().contains("OTHER"), "{e}");
    let opts = FrontendOptions { undefines: vec![], ..opts };
    let text = llvm_ir_text(&c, &opts).unwrap();
    assert!(text.contains("ret i32 49"), "{text}");
    let bad = FrontendOptions { defines: vec!["=1".into()], ..FrontendOptions::default() };
    assert!(matches!(load_program(&c, "f", &bad).unwrap_err(), FrontendError::InvalidOption(_)));
}

#[test]
fn empty_asm_and_prefetch_are_no_ops() {
    let p = program("barriers.ll", "barriers");
    let f = &p.funcs[Func(0)];
    assert_eq!(kinds(f).len(), 2, "only the add and the ret are left:\n{p}");
    for entry in ["asm_output", "asm_nonempty"] {
        let e = err("barriers.ll", entry);
        let u = e.as_unsupported().unwrap_or_else(|| panic!("{entry}: {e}"));
        assert!(u.construct.contains("inline assembly"), "{e}");
        assert_eq!(u.function, entry);
        assert!(u.block.is_some() && u.instruction.as_deref().is_some_and(|i| i.contains("asm")), "{e}");
    }
}
