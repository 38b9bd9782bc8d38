//! `tessera`: compile programs into data-parallel arithmetic circuits and prove them with GKR.
//!
//! The CLI renders errors; the library crates never print. Every failure exits non-zero with
//! one message on stderr.

mod bench;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;
use tessera_frontend::FrontendOptions;
use tessera_ir::exec::{self, ExecOptions};
use tessera_ir::types::sext;
use tessera_passes::pass::IfConvertPolicy;
use tessera_passes::stages::{self, DumpRequest, Stage};
use tessera_passes::unroll::UnrollPolicy;
use tessera_passes::{Grouping, Module, PassConfig};

#[derive(Parser)]
#[command(
    name = "tessera",
    version,
    about = "Compile programs into data-parallel arithmetic circuits and prove them with GKR"
)]
struct Cli {
    #[command(subcommand)]
    cmd: Command,
}

/// Options shared by every command that reads a program.
#[derive(clap::Args, Clone)]
struct ProgramOpts {
    /// The program: one or more .c, .rs, .ll or .bc files, compiled one by one and linked
    /// with llvm-link-19.
    #[arg(required = true, num_args = 1..)]
    programs: Vec<PathBuf>,
    /// The entry function: C name, Rust #[no_mangle] name, or demangled path.
    #[arg(long)]
    entry: String,
    /// Optimisation level for C and Rust sources (O0, O1, O2, O3, Os, Oz).
    #[arg(long, default_value = "O1")]
    opt_level: String,
    /// C: add a directory to the include search path (clang's -I).
    #[arg(short = 'I', value_name = "DIR")]
    include_dir: Vec<PathBuf>,
    /// C: define a macro, NAME or NAME=VALUE (clang's -D).
    #[arg(short = 'D', value_name = "MACRO[=VALUE]")]
    define: Vec<String>,
    /// C: undefine a macro (clang's -U), after every -D.
    #[arg(short = 'U', value_name = "MACRO")]
    undefine: Vec<String>,
    /// C: include a file before each source (clang's -include).
    #[arg(long = "include", value_name = "FILE")]
    include: Vec<PathBuf>,
    /// C: the language standard, e.g. c11 or gnu17 (clang's -std=).
    #[arg(long = "std", value_name = "STD")]
    std: Option<String>,
    /// Any other clang flag (repeatable; comes before tessera's own flags).
    #[arg(long = "cflag", value_name = "FLAG", allow_hyphen_values = true)]
    cflag: Vec<String>,
    /// Any other rustc flag (repeatable; comes before tessera's own flags).
    #[arg(long = "rustflag", value_name = "FLAG", allow_hyphen_values = true)]
    rustflag: Vec<String>,
}

impl ProgramOpts {
    fn frontend(&self) -> FrontendOptions {
        FrontendOptions {
            opt_level: self.opt_level.clone(),
            include_dirs: self.include_dir.clone(),
            defines: self.define.clone(),
            undefines: self.undefine.clone(),
            includes: self.include.clone(),
            std: self.std.clone(),
            cflags: self.cflag.clone(),
            rustflags: self.rustflag.clone(),
            ..FrontendOptions::default()
        }
    }

    /// What a proof binds of how the program was compiled: the files' names and every flag.
    fn fingerprint(&self) -> String {
        self.frontend().fingerprint(&self.programs)
    }
}

#[derive(Subcommand)]
enum Command {
    /// Run a program's entry function in the interpreter.
    Run {
        #[command(flatten)]
        prog: ProgramOpts,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Stop after this many executed instructions.
        #[arg(long, default_value_t = 200_000_000)]
        max_steps: u64,
        /// Arguments of the entry function: integers (decimal or 0x hex), or for pointer
        /// parameters `hex:<bytes>` / `file:<path>`.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Compare the grouping modes on one run: classes, copies, committed inputs per executed
    /// instruction, share of the run in classes with many copies, instructions per copy, and
    /// the time to transform and group.
    Bench {
        /// Prove a fixed suite in every grouping mode instead (no program then): `tiny` (the
        /// test suite's), `quick` (under ten minutes on two cores), `full` (larger sizes and
        /// the scaling series).
        #[arg(long, value_enum)]
        suite: Option<bench::Suite>,
        /// With --suite: only programs whose name contains this.
        #[arg(long)]
        filter: Option<String>,
        /// With --suite: write SVG plots of the scaling series into this directory.
        #[arg(long)]
        plots: Option<PathBuf>,
        /// With --suite: rayon threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// With --suite: skip runs longer than this many executed instructions.
        #[arg(long)]
        max_instructions: Option<u64>,
        /// With --suite: only these modes, comma-separated (opcode, block, region,
        /// region-always, region+unroll-auto); ratios against opcode need opcode among them.
        #[arg(long, value_delimiter = ',')]
        modes: Vec<String>,
        /// Without --suite: the program (one or more files).
        programs: Vec<PathBuf>,
        /// Without --suite: the entry function.
        #[arg(long)]
        entry: Option<String>,
        /// Optimisation level for C and Rust sources.
        #[arg(long, default_value = "O1")]
        opt_level: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Arguments of the entry function.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Lower every class to its circuit template, compute every copy's witness from a run,
    /// and evaluate each template on each copy: reports per template its copies, depth, gates
    /// and inputs per copy, and either "all residuals zero" or the first failing residual.
    Check {
        #[command(flatten)]
        prog: ProgramOpts,
        #[command(flatten)]
        group: GroupOpts,
        /// Print JSON.
        #[arg(long)]
        json: bool,
        /// Arguments of the entry function.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Prove one run: the entry returns the claimed value and leaves the claimed buffer
    /// contents on these arguments. Writes the proof file.
    Prove {
        #[command(flatten)]
        prog: ProgramOpts,
        #[command(flatten)]
        group: GroupOpts,
        /// Where to write the proof.
        #[arg(short = 'o', long)]
        output: PathBuf,
        /// Print one JSON object (sizes, shape and timings) instead of text.
        #[arg(long)]
        json: bool,
        /// No progress on stderr.
        #[arg(long)]
        quiet: bool,
        /// Arguments of the entry function.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Verify a proof against the program, entry, grouping options and arguments; prints the
    /// proven return value and buffer contents. Exits 0 only for a valid proof.
    Verify {
        #[command(flatten)]
        prog: ProgramOpts,
        #[command(flatten)]
        group: GroupOpts,
        /// The proof file.
        #[arg(long)]
        proof: PathBuf,
        /// Also require this return value (decimal, negative, or 0x hex).
        #[arg(long, allow_hyphen_values = true)]
        expect: Option<String>,
        /// Print one JSON object.
        #[arg(long)]
        json: bool,
        /// Arguments of the entry function.
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Print one stage of the pipeline: ir, cfg, loops, liveness, classes, regions, groups,
    /// templates, layered, proof (proves and verifies the run, prints the proof's parts).
    Dump {
        #[command(flatten)]
        prog: ProgramOpts,
        /// The stage to print.
        #[arg(long)]
        stage: Stage,
        #[command(flatten)]
        group: GroupOpts,
        /// Print the IR after this pass of the pipeline (for `--stage ir`, and the analyses).
        #[arg(long)]
        after: Option<String>,
        /// For `--stage groups`: print JSON.
        #[arg(long)]
        json: bool,
        /// For `--stage templates` and `layered`: every node and every gate.
        #[arg(long)]
        full: bool,
        /// Arguments of the entry function (needed by `--stage groups` and `proof`).
        #[arg(last = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// How executions become copies of templates.
#[derive(clap::Args, Clone)]
struct GroupOpts {
    /// opcode: one class per instruction kind (as Ceno); block: identical basic blocks;
    /// region: fusion, if-conversion and unrolling first.
    #[arg(long, default_value = "region")]
    grouping: Grouping,
    /// Unroll single-block loops: a factor (1 = off) or `auto` (a cost model).
    #[arg(long, default_value = "1", value_parser = parse_unroll)]
    unroll: UnrollPolicy,
    /// Region grouping: if-convert the loops and hammocks the cost model predicts cheaper
    /// merged (`cost`), or every one that can be (`always`).
    #[arg(long, default_value = "cost")]
    if_convert: IfConvertPolicy,
}

fn parse_unroll(s: &str) -> Result<UnrollPolicy, String> {
    if s == "auto" {
        return Ok(UnrollPolicy::Auto);
    }
    match s.parse::<u32>() {
        Ok(k) if (1..=64).contains(&k) => Ok(UnrollPolicy::Fixed(k)),
        _ => Err(format!("'{s}' is not an unroll factor (1..=64 or auto)")),
    }
}

/// Output piped into a reader that stops early (`tessera run ... | head`) ends the process
/// quietly, as for any Unix tool, instead of panicking in `println!`: Rust ignores SIGPIPE
/// by default, so its default action is restored.
#[cfg(unix)]
fn default_sigpipe() {
    extern "C" {
        fn signal(signum: i32, handler: usize) -> usize;
    }
    const SIGPIPE: i32 = 13;
    const SIG_DFL: usize = 0;
    // SAFETY: resetting one signal's disposition to the default has no preconditions.
    unsafe {
        signal(SIGPIPE, SIG_DFL);
    }
}

#[cfg(not(unix))]
fn default_sigpipe() {}

/// Keep freed memory for reuse instead of returning it to the system. A proof allocates and
/// frees tables of hundreds of megabytes, each of which glibc would map afresh and the
/// kernel fault in page by page again (5 % of a 2^17.7-instruction proof).
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn retain_freed_memory() {
    extern "C" {
        fn mallopt(param: i32, value: i32) -> i32;
    }
    const M_TRIM_THRESHOLD: i32 = -1;
    const M_MMAP_MAX: i32 = -4;
    // SAFETY: mallopt only changes allocator tuning parameters; it is called before any
    // thread is started.
    unsafe {
        mallopt(M_MMAP_MAX, 0);
        mallopt(M_TRIM_THRESHOLD, -1);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn retain_freed_memory() {}

fn main() -> ExitCode {
    default_sigpipe();
    retain_freed_memory();
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("error: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn load(p: &ProgramOpts) -> Result<(tessera_ir::Program, tessera_ir::Func), String> {
    tessera_frontend::load_programs(&p.programs, &p.entry, &p.frontend()).map_err(|e| e.to_string())
}

fn dispatch(cli: Cli) -> Result<(), String> {
    match cli.cmd {
        Command::Run { prog, json, max_steps, args } => cmd_run(&prog, json, max_steps, &args),
        Command::Bench {
            suite: Some(suite),
            filter,
            plots,
            threads,
            max_instructions,
            modes,
            programs,
            entry: None,
            json,
            args,
            ..
        } if args.is_empty() && programs.is_empty() => {
            cmd_bench_suite(suite, filter.as_deref(), plots.as_deref(), threads, max_instructions, &modes, json)
        }
        Command::Bench { suite: None, programs, entry: Some(entry), opt_level, json, args, .. }
            if !programs.is_empty() =>
        {
            let prog = ProgramOpts {
                programs,
                entry,
                opt_level,
                include_dir: Vec::new(),
                define: Vec::new(),
                undefine: Vec::new(),
                include: Vec::new(),
                std: None,
                cflag: Vec::new(),
                rustflag: Vec::new(),
            };
            cmd_bench(&prog, json, &args)
        }
        Command::Bench { .. } => {
            Err("bench takes either --suite (and no program) or a program with --entry and its arguments".into())
        }
        Command::Check { prog, group, json, args } => cmd_check(&prog, &group, json, &args),
        Command::Prove { prog, group, output, json, quiet, args } => {
            cmd_prove(&prog, &group, &output, json, quiet, &args)
        }
        Command::Verify { prog, group, proof, expect, json, args } => {
            cmd_verify(&prog, &group, &proof, expect.as_deref(), json, &args)
        }
        Command::Dump { prog, stage, group, after, json, full, args } => {
            cmd_dump(&prog, stage, &group, after.as_deref(), json, full, &args)
        }
    }
}

fn cmd_run(prog: &ProgramOpts, json: bool, max_steps: u64, texts: &[String]) -> Result<(), String> {
    let (program, entry) = load(prog)?;
    let f = &program.funcs[entry];
    let args = exec::args::parse_args(f, texts)?;
    let opts = ExecOptions { max_instructions: max_steps, ..ExecOptions::default() };
    let out = exec::run(&program, entry, &args, &opts).map_err(|e| e.to_string())?;
    let hex = tessera_passes::prove::hex;
    // The return value in decimal, unsigned and signed (all its bits when wider than 64).
    let decimal = |ty: tessera_ir::Type, v: u64| match out.ret_wide {
        Some(l) => (exec::wide::to_big(l).to_string(), exec::wide::signed(l, ty.bits()).to_string()),
        None => (v.to_string(), sext(v, ty.bits()).to_string()),
    };
    if json {
        let ret = match out.ret {
            Some((ty, Some(v))) => serde_json::json!({
                "type": ty.to_string(),
                "unsigned": decimal(ty, v).0,
                "signed": decimal(ty, v).1,
            }),
            Some((ty, None)) => serde_json::json!({ "type": ty.to_string(), "poison": true }),
            None => serde_json::Value::Null,
        };
        let mut obj = serde_json::json!({
            "return": ret,
            "instructions": out.instructions,
            "blocks": out.blocks,
            "buffers": out.buffers.iter().map(|b| hex(b)).collect::<Vec<_>>(),
        });
        if let Some(code) = out.exit {
            // C's exit(int): the status as the int it was
            obj["exit"] = serde_json::json!(sext(code, 32));
        }
        // What the program printed (UTF-8, invalid bytes replaced); standard error only when
        // it wrote there.
        obj["stdout"] = serde_json::json!(String::from_utf8_lossy(&out.stdout));
        if !out.stderr.is_empty() {
            obj["stderr"] = serde_json::json!(String::from_utf8_lossy(&out.stderr));
        }
        println!("{obj}");
    } else {
        // The program's own output first, as it printed it, then tessera's report.
        for (name, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            if !bytes.is_empty() {
                println!("{name} ({} bytes):", bytes.len());
                use std::io::Write;
                let mut o = std::io::stdout().lock();
                let _ = o.write_all(bytes);
                if !bytes.ends_with(b"\n") {
                    let _ = writeln!(o, "\n(no newline at the end of {name})");
                }
            }
        }
        match (out.ret, out.exit) {
            (_, Some(code)) => println!("exit: {} (the program called exit)", sext(code, 32)),
            (Some((ty, Some(v))), None) => {
                let (u, i) = decimal(ty, v);
                println!("return: {ty} {u} (signed {i})")
            }
            (Some((ty, None)), None) => {
                println!("return: {ty} poison (the entry returned an undefined value)")
            }
            (None, None) => println!("return: void"),
        }
        println!("instructions: {}", out.instructions);
        println!("blocks: {}", out.blocks);
        for (i, b) in out.buffers.iter().enumerate() {
            println!("buffer {i}: {}", hex(b));
        }
    }
    Ok(())
}

/// The module after `group`'s pipeline and the parsed arguments.
fn prepared(prog: &ProgramOpts, group: &GroupOpts, texts: &[String]) -> Result<(Module, Vec<exec::Arg>), String> {
    let (program, entry) = load(prog)?;
    let args = exec::args::parse_args(&program.funcs[entry], texts)?;
    let module = Module { program, entry };
    let cfg = PassConfig { unroll: group.unroll, if_convert: group.if_convert };
    let t = tessera_passes::run_pipeline(&module, group.grouping, &cfg, None).map_err(|e| e.to_string())?;
    Ok((t, args))
}

fn ret_json(ty: Option<tessera_ir::Type>, v: Option<u64>) -> serde_json::Value {
    match (ty, v) {
        (Some(ty), Some(v)) => serde_json::json!({
            "type": ty.to_string(),
            "unsigned": v.to_string(),
            "signed": sext(v, ty.bits()).to_string(),
        }),
        _ => serde_json::Value::Null,
    }
}

fn ret_text(ty: Option<tessera_ir::Type>, v: Option<u64>) -> String {
    match (ty, v) {
        (Some(ty), Some(v)) => format!("{ty} {v} (signed {})", sext(v, ty.bits())),
        _ => "void".into(),
    }
}

fn cmd_prove(
    prog: &ProgramOpts,
    group: &GroupOpts,
    output: &std::path::Path,
    json: bool,
    quiet: bool,
    texts: &[String],
) -> Result<(), String> {
    use tessera_passes::prove;
    let start = std::time::Instant::now();
    let (m, args) = prepared(prog, group, texts)?;
    let bar = if quiet {
        indicatif::ProgressBar::hidden()
    } else {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} proving: {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    };
    let progress = |phase: &str| bar.set_message(phase.to_string());
    let flags = prog.fingerprint();
    let result = prove::prove_bound(&m, group.grouping, &args, flags.as_bytes(), &prove::default_params(), &progress);
    bar.finish_and_clear();
    let (file, report) = result?;
    let bytes = file.to_bytes();
    std::fs::write(output, &bytes).map_err(|e| format!("cannot write {}: {e}", output.display()))?;
    let prove_ms = start.elapsed().as_secs_f64() * 1e3;
    // ratios are per instruction of the program as written
    let (written, _) = load(prog)?;
    let f = written.funcs.iter().find(|(_, f)| f.name == m.program.funcs[m.entry].name).map(|(id, _)| id);
    let executed = match f {
        Some(id) => exec::run(&written, id, &args, &ExecOptions::default()).map_err(|e| e.to_string())?.instructions,
        None => 0,
    };
    let ty = m.program.funcs[m.entry].ret;
    if json {
        let obj = serde_json::json!({
            "return": ret_json(ty, file.header.ret),
            "instructions": executed,
            "templates": report.templates,
            "committed_elements": report.committed_elements,
            "committed_per_instruction": report.committed_elements as f64 / executed.max(1) as f64,
            "prove_ms": prove_ms,
            "phases_ms": report.phases_ms.iter().map(|(k, v)| (k.to_string(), serde_json::json!(v))).collect::<serde_json::Map<_, _>>(),
            "proof_bytes": bytes.len(),
        });
        println!("{obj}");
    } else {
        println!("proved: return {}", ret_text(ty, file.header.ret));
        println!(
            "{} templates, {} instructions executed, {} committed field elements ({:.2} per instruction)",
            report.templates.len(),
            executed,
            report.committed_elements,
            report.committed_elements as f64 / executed.max(1) as f64
        );
        let phases: Vec<String> = report.phases_ms.iter().map(|(k, v)| format!("{k} {v:.0} ms")).collect();
        println!("prove: {prove_ms:.0} ms ({})", phases.join(", "));
        println!("proof: {} bytes written to {}", bytes.len(), output.display());
    }
    Ok(())
}

fn cmd_verify(
    prog: &ProgramOpts,
    group: &GroupOpts,
    proof: &std::path::Path,
    expect: Option<&str>,
    json: bool,
    texts: &[String],
) -> Result<(), String> {
    use tessera_passes::prove;
    let start = std::time::Instant::now();
    let bytes = std::fs::read(proof).map_err(|e| format!("cannot read {}: {e}", proof.display()))?;
    let (m, args) = prepared(prog, group, texts)?;
    let ty = m.program.funcs[m.entry].ret;
    let outcome = prove::ProofFile::from_bytes(&bytes)
        .and_then(|file| {
            let flags = prog.fingerprint();
            prove::verify_bound(&m, group.grouping, &args, flags.as_bytes(), &file, &prove::default_params())
        })
        .and_then(|v| {
            if let Some(e) = expect {
                let ty = ty.ok_or("--expect: the entry returns void")?;
                let want = exec::args::parse_int(e, ty.bits()).map_err(|e| format!("--expect: {e}"))?;
                if v.ret != Some(want) {
                    return Err(format!(
                        "the proven return value {} differs from the expected {}",
                        ret_text(Some(ty), v.ret),
                        ret_text(Some(ty), Some(want))
                    ));
                }
            }
            Ok(v)
        });
    let verify_ms = start.elapsed().as_secs_f64() * 1e3;
    let hex = tessera_passes::prove::hex;
    match outcome {
        Ok(v) => {
            if json {
                let obj = serde_json::json!({
                    "valid": true,
                    "return": ret_json(ty, v.ret),
                    "buffers": v.buffers.iter().map(|b| hex(b)).collect::<Vec<_>>(),
                    "verify_ms": verify_ms,
                });
                println!("{obj}");
            } else {
                println!("valid proof: return {}", ret_text(ty, v.ret));
                for (i, b) in v.buffers.iter().enumerate() {
                    println!("buffer {i}: {}", hex(b));
                }
                println!("verified in {verify_ms:.0} ms");
            }
            Ok(())
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({"valid": false, "error": e}));
            }
            Err(format!("invalid proof: {e}"))
        }
    }
}

fn cmd_dump(
    prog: &ProgramOpts,
    stage: Stage,
    group: &GroupOpts,
    after: Option<&str>,
    json: bool,
    full: bool,
    texts: &[String],
) -> Result<(), String> {
    let (program, entry) = load(prog)?;
    let args = if stage.needs_args() {
        exec::args::parse_args(&program.funcs[entry], texts)?
    } else if !texts.is_empty() {
        return Err(format!("stage '{}' takes no program arguments", stage.name()));
    } else {
        Vec::new()
    };
    let module = Module { program, entry };
    let req = DumpRequest {
        stage,
        grouping: group.grouping,
        config: PassConfig { unroll: group.unroll, if_convert: group.if_convert },
        after,
        args: &args,
        full,
        exec: ExecOptions::default(),
    };
    if json {
        if stage != Stage::Groups {
            return Err("--json is available for --stage groups".into());
        }
        let g = stages::groups(&module, &req).map_err(|e| e.to_string())?;
        println!("{}", serde_json::to_string(&g).map_err(|e| e.to_string())?);
        return Ok(());
    }
    let text = stages::render(&module, &req).map_err(|e| e.to_string())?;
    print!("{text}");
    Ok(())
}

fn cmd_check(prog: &ProgramOpts, group: &GroupOpts, json: bool, texts: &[String]) -> Result<(), String> {
    use tessera_passes::witness;
    let (program, entry) = load(prog)?;
    let args = exec::args::parse_args(&program.funcs[entry], texts)?;
    let module = Module { program, entry };
    let cfg = PassConfig { unroll: group.unroll, if_convert: group.if_convert };
    let t = tessera_passes::run_pipeline(&module, group.grouping, &cfg, None).map_err(|e| e.to_string())?;
    let range = tessera_passes::lower::default_range_check();
    let tr = witness::trace(&t, group.grouping, &args, &ExecOptions::default(), &range).map_err(|e| e.to_string())?;
    let checks = witness::check_trace(&tr).map_err(|e| e.to_string())?;
    let glue = tessera_passes::glue::check_glue(&t, group.grouping, &args, &tr);
    // Ratios are per instruction of the program as written: if-conversion and unrolling
    // make the transformed program execute more.
    let written =
        exec::run(&module.program, module.entry, &args, &ExecOptions::default()).map_err(|e| e.to_string())?;
    let executed = written.instructions.max(1);
    let committed = witness::committed_elements(&tr);
    let mut rows = Vec::new();
    let mut failed = None;
    for ((tm, copies), (ck, lay)) in tr.templates.iter().zip(&tr.copies).zip(&checks) {
        let st = tm.stats();
        let status = match (&ck.witness_error, &ck.failure, ck.layered_mismatch) {
            (Some(e), _, _) => format!("witness error: {e}"),
            (None, Some((copy, r)), _) => {
                let origin =
                    r.origin.and_then(|o| tm.origins.get(o as usize)).map(|o| format!(" from {o}")).unwrap_or_default();
                format!("copy {copy}: residual {} ({}) is not zero{origin}", r.node, r.what)
            }
            (None, None, Some((copy, j))) => {
                format!(
                    "copy {copy}: the layered circuit differs from the template at output {j} ({})",
                    tm.output_names()[j]
                )
            }
            (None, None, None) => "all residuals zero".to_string(),
        };
        if !ck.ok() && failed.is_none() {
            failed = Some(format!("template {}: {status}", tm.name));
        }
        rows.push((tm, copies.len(), st, &lay.stats, status));
    }
    if json {
        let templates: Vec<_> = rows
            .iter()
            .map(|(tm, copies, st, lay, status)| {
                serde_json::json!({
                    "name": tm.name,
                    "copies": copies,
                    "depth": lay.depth,
                    "gates": lay.gates(),
                    "padded_width": lay.width(),
                    "template_ops": st.ops,
                    "live_ins_per_copy": st.live_ins,
                    "advice_per_copy": st.advice,
                    "inputs_per_copy": tm.num_inputs(),
                    "residuals": st.residuals,
                    "ok": status == "all residuals zero",
                    "status": status,
                })
            })
            .collect();
        let obj = serde_json::json!({
            "grouping": group.grouping.name(),
            "instructions": written.instructions,
            "instructions_transformed": tr.outcome.instructions,
            "templates": templates,
            "committed_elements": committed,
            "committed_per_instruction": committed as f64 / executed as f64,
            "poison_inputs": tr.poison_inputs,
            "return_poison": matches!(tr.outcome.ret, Some((_, None))),
            "glue": match &glue {
                Ok(r) => serde_json::json!({"ok": true, "state_records": r.state_records, "memory_records": r.memory_records, "cells": r.cells}),
                Err(_) => serde_json::json!({"ok": false, "error": glue_err(&glue)}),
            },
            "ok": failed.is_none() && glue.is_ok(),
        });
        println!("{obj}");
    } else {
        println!(
            "{} templates ({} grouping), {} instructions executed ({} after the transforms), {} committed field elements ({:.2} per instruction)",
            rows.len(),
            group.grouping.name(),
            written.instructions,
            tr.outcome.instructions,
            committed,
            committed as f64 / executed as f64
        );
        println!(
            "{:<18} {:>8} {:>6} {:>7} {:>8} {:>7}  status",
            "template", "copies", "depth", "gates", "live-ins", "advice"
        );
        for (tm, copies, st, lay, status) in &rows {
            println!(
                "{:<18} {:>8} {:>6} {:>7} {:>8} {:>7}  {status}",
                tm.name,
                copies,
                lay.depth,
                lay.gates(),
                st.live_ins,
                st.advice
            );
        }
        if tr.poison_inputs > 0 {
            println!("note: {} region input(s) were poison and read as 0", tr.poison_inputs);
        }
        if matches!(tr.outcome.ret, Some((_, None))) {
            println!("note: the entry returned poison; its templates return 0, a value poison may take");
        }
        match &glue {
            Ok(r) => println!(
                "glue: {} state records chain into one execution; {} memory records over {} byte cells match",
                r.state_records, r.memory_records, r.cells
            ),
            Err(e) => println!("glue: {e}"),
        }
    }
    if let Err(e) = &glue {
        if failed.is_none() {
            failed = Some(format!("glue: {e}"));
        }
    }
    match failed {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

fn glue_err<T>(g: &Result<T, tessera_passes::glue::GlueError>) -> String {
    g.as_ref().err().map(|e| e.to_string()).unwrap_or_default()
}

fn cmd_bench_suite(
    suite: bench::Suite,
    filter: Option<&str>,
    plots: Option<&std::path::Path>,
    threads: Option<usize>,
    max_instructions: Option<u64>,
    modes: &[String],
    json: bool,
) -> Result<(), String> {
    if let Some(bad) = modes.iter().find(|m| !bench::MODES.iter().any(|x| x.0 == m.as_str())) {
        let known: Vec<&str> = bench::MODES.iter().map(|x| x.0).collect();
        return Err(format!("unknown mode '{bad}' for --modes (modes: {})", known.join(", ")));
    }
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new().num_threads(n).build_global().map_err(|e| e.to_string())?;
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = if root.join("testdata").is_dir() {
        root.to_path_buf()
    } else {
        std::env::current_dir().map_err(|e| e.to_string())?
    };
    let cases: Vec<bench::Case> =
        bench::cases(suite, &root)?.into_iter().filter(|c| filter.is_none_or(|f| c.name.contains(f))).collect();
    let opts = FrontendOptions::default();
    let mut rows = Vec::new();
    for c in &cases {
        let n = bench::instructions(c, &opts)?;
        if max_instructions.is_some_and(|max| n > max) {
            continue;
        }
        let first = rows.len();
        let mut measured = Vec::new();
        for mode in bench::MODES {
            if !modes.is_empty() && !modes.iter().any(|m| m == mode.0) {
                continue;
            }
            // the scaling series proves opcode grouping up to about 2^16 instructions only
            if c.scaling && mode.1 == Grouping::Opcode && n > 1 << 16 {
                continue;
            }
            let r = bench::measure(c, mode, &opts);
            if !json {
                eprintln!(
                    "{:<24} {:<19} {}",
                    r.program,
                    r.grouping,
                    r.error
                        .as_deref()
                        .map(|e| format!("error: {e}"))
                        .unwrap_or_else(|| format!("{:.0} ms", r.prove_ms))
                );
            }
            rows.push(r);
            measured.push(mode);
        }
        bench::repeat_short(c, &measured, &mut rows[first..], &opts);
    }
    let summary = bench::summarise(&rows);
    let scaling: Vec<String> = cases.iter().filter(|c| c.scaling).map(|c| c.name.clone()).collect();
    let written = match plots {
        Some(d) => bench::plots(&rows, &scaling, d)?,
        None => Vec::new(),
    };
    if json {
        println!(
            "{}",
            serde_json::json!({"suite": format!("{suite:?}").to_lowercase(), "threads": rayon::current_num_threads(), "rows": rows, "summary": summary})
        );
    } else {
        print!("{}", bench::table(&rows));
        println!();
        for s in &summary {
            if s.programs == 0 {
                // no opcode run to compare with (--modes without opcode)
                let slower =
                    if s.slower_than_block.is_empty() { "none".to_string() } else { s.slower_than_block.join(", ") };
                println!("{:<19} more than 10% slower than block on {slower}", s.mode);
                continue;
            }
            println!(
                "{:<19} over {} programs: prove {:.2}x faster than opcode, {:.2}x fewer committed elements per instruction (geometric means); more than 10% slower than block on {}",
                s.mode,
                s.programs,
                s.prove_speedup_vs_opcode,
                s.committed_reduction_vs_opcode,
                if s.slower_than_block.is_empty() { "none".to_string() } else { s.slower_than_block.join(", ") }
            );
        }
        for p in written {
            println!("plot: {}", p.display());
        }
    }
    if rows.iter().any(|r| !r.ok) {
        return Err("some runs failed (see the table)".into());
    }
    Ok(())
}

fn cmd_bench(prog: &ProgramOpts, json: bool, texts: &[String]) -> Result<(), String> {
    let (program, entry) = load(prog)?;
    let args = exec::args::parse_args(&program.funcs[entry], texts)?;
    let module = Module { program, entry };
    let mut rows = Vec::new();
    for (name, grouping, unroll, if_convert) in bench::MODES {
        let start = std::time::Instant::now();
        let t = tessera_passes::run_pipeline(&module, grouping, &PassConfig { unroll, if_convert }, None)
            .map_err(|e| e.to_string())?;
        let g = tessera_passes::grouping::group_trace(&t, grouping, &args, &ExecOptions::default())
            .map_err(|e| e.to_string())?;
        rows.push((name, g.stats(), start.elapsed().as_secs_f64() * 1e3));
    }
    if json {
        let v: Vec<_> =
            rows.iter().map(|(n, s, ms)| serde_json::json!({"grouping": n, "stats": s, "milliseconds": ms})).collect();
        println!("{}", serde_json::Value::Array(v));
        return Ok(());
    }
    // Normalise by the program as compiled (the opcode run executes it unchanged).
    let base = rows.first().map(|r| r.1.executed).unwrap_or(1).max(1) as f64;
    println!("{} instructions executed by the program as compiled", base);
    println!(
        "{:<20} {:>8} {:>10} {:>14} {:>11} {:>11} {:>10} {:>9}",
        "grouping", "classes", "copies", "committed/ins", "work/ins", "share>=16", "ins/copy", "ms"
    );
    for (n, s, ms) in rows {
        println!(
            "{:<20} {:>8} {:>10} {:>14.3} {:>11.2} {:>10.1}% {:>10.2} {:>9.1}",
            n,
            s.classes,
            s.copies,
            s.committed as f64 / base,
            s.work as f64 / base,
            100.0 * s.share_in_many_copy_classes,
            s.instructions_per_copy,
            ms
        );
    }
    Ok(())
}
