//! `tessera bench --suite`: prove a fixed suite of programs in every grouping mode, side by
//! side in one run, and report what each mode costs per executed instruction of the
//! program as written (the count `tessera run` reports).
//!
//! The suite is the testdata programs (their first run line) plus parameterised runs of the
//! programs in `bench/programs/` and a few testdata programs at larger sizes: SHA-256 over
//! many blocks, Collatz over a range, an integer matrix product, a sort, and a bytecode
//! interpreter loop. `quick` keeps every run to a few thousand instructions; `full` runs
//! larger sizes and the scaling series (Collatz over growing ranges, about `2^12` to `2^20`
//! instructions, region and block grouping, and opcode up to `2^16`).

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Instant;
use tessera_frontend::FrontendOptions;
use tessera_ir::exec::{self, ExecOptions};
use tessera_passes::pass::IfConvertPolicy;
use tessera_passes::prove;
use tessera_passes::unroll::UnrollPolicy;
use tessera_passes::{Grouping, Module, PassConfig};

/// Which runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Suite {
    /// One small run per program (the test suite's size).
    Tiny,
    /// The testdata programs and the parameterised programs at small sizes.
    Quick,
    /// Larger sizes and the scaling series.
    Full,
}

/// One run of the suite: a program, an entry and its arguments.
#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub path: PathBuf,
    pub entry: String,
    pub args: Vec<String>,
    /// Part of the scaling series.
    pub scaling: bool,
}

/// A grouping mode of the suite: its name, grouping, unroll and if-conversion policies.
pub type Mode = (&'static str, Grouping, UnrollPolicy, IfConvertPolicy);

/// The grouping modes compared, opcode first (the baseline of every ratio).
/// `region` asks the cost model which loops and hammocks to if-convert; `region-always`
/// converts every one (the choice without the model).
pub const MODES: [Mode; 5] = [
    ("opcode", Grouping::Opcode, UnrollPolicy::Fixed(1), IfConvertPolicy::Cost),
    ("block", Grouping::Block, UnrollPolicy::Fixed(1), IfConvertPolicy::Cost),
    ("region", Grouping::Region, UnrollPolicy::Fixed(1), IfConvertPolicy::Cost),
    ("region-always", Grouping::Region, UnrollPolicy::Fixed(1), IfConvertPolicy::Always),
    ("region+unroll-auto", Grouping::Region, UnrollPolicy::Auto, IfConvertPolicy::Cost),
];

/// Deterministic bytes (xorshift) as a `hex:` argument.
fn bytes(n: usize, seed: u64) -> String {
    let mut x = seed | 1;
    let mut s = String::with_capacity(4 + 2 * n);
    s.push_str("hex:");
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        s.push_str(&format!("{:02x}", (x >> 24) as u8));
    }
    s
}

/// The first `tessera-entry:` and `tessera-run:` lines of a program's header.
fn header(path: &Path) -> Option<(String, Vec<String>)> {
    let text = std::fs::read_to_string(path).ok()?;
    let field = |key: &str| {
        text.lines().find_map(|l| {
            let l = l.trim_start_matches(['/', ';', ' ']);
            l.strip_prefix(key).map(|r| r.trim().to_string())
        })
    };
    let entry = field("tessera-entry:")?;
    let entry = entry.split('(').next()?.trim().to_string();
    let run = field("tessera-run:")?;
    Some((entry, run.split_whitespace().map(String::from).collect()))
}

/// The runs of `suite`, relative to the repository root `root`.
pub fn cases(suite: Suite, root: &Path) -> Result<Vec<Case>, String> {
    let mut out = Vec::new();
    let td = root.join("testdata");
    if suite != Suite::Tiny {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&td)
            .map_err(|e| format!("cannot read {}: {e}", td.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && matches!(p.extension().and_then(|e| e.to_str()), Some("c" | "rs" | "ll")))
            .collect();
        files.sort();
        for p in files {
            if let Some((entry, args)) = header(&p) {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("?").to_string();
                out.push(Case { name, path: p, entry, args, scaling: false });
            }
        }
    }
    let prog = |f: &str| root.join("bench/programs").join(f);
    let case = |name: String, path: PathBuf, entry: &str, args: Vec<String>| Case {
        name,
        path,
        entry: entry.into(),
        args,
        scaling: false,
    };
    // sizes: SHA-256 blocks, Collatz range ends, matrix sides, sort lengths, vm arguments
    type Sizes = (&'static [usize], &'static [u32], &'static [u32], &'static [usize], &'static [i32]);
    let (blocks, range, dim, sort, x): Sizes = match suite {
        Suite::Tiny => (&[], &[4], &[2], &[4], &[2]),
        Suite::Quick => (&[1], &[30], &[4], &[16], &[5]),
        Suite::Full => (&[1, 4, 16], &[30, 120], &[4, 8], &[16, 48], &[5, 40]),
    };
    for &n in blocks {
        let a = vec![bytes(64 * n, 7), n.to_string()];
        out.push(case(format!("sha256 x{n} blocks"), prog("sha256.c"), "sha256_blocks", a));
    }
    for &n in range {
        out.push(case(format!("collatz 1..={n}"), prog("collatz_range.c"), "collatz_range", vec![n.to_string()]));
    }
    for &n in dim {
        let nn = (n * n) as usize;
        let a = vec![bytes(nn, 11), bytes(nn, 13), format!("hex:{}", "00".repeat(4 * nn)), n.to_string()];
        out.push(case(format!("matmul {n}x{n}"), td.join("matmul.c"), "matmul", a));
    }
    for &n in sort {
        out.push(case(
            format!("bubble sort {n}"),
            td.join("bubble_sort.c"),
            "bubble_sort",
            vec![bytes(n, 17), n.to_string()],
        ));
    }
    for &v in x {
        // x! on the stack machine (see testdata/vm.c)
        let a = vec!["hex:0101080507080a00060b0406090c03".into(), "15".into(), v.to_string()];
        out.push(case(format!("vm factorial {v}"), td.join("vm.c"), "vm_run", a));
    }
    if suite == Suite::Full {
        // about 2^12 .. 2^20 instructions
        for k in 0..9u32 {
            let n = 24u32 << k;
            let mut c = case(format!("collatz 1..={n}"), prog("collatz_range.c"), "collatz_range", vec![n.to_string()]);
            c.scaling = true;
            out.push(c);
        }
    }
    Ok(out)
}

/// One program proven in one mode.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub program: String,
    pub grouping: &'static str,
    /// Executed instructions of the program as written (`tessera run`'s count).
    pub instructions: u64,
    pub templates: usize,
    pub copies: u64,
    /// Committed field elements (padding copies included), live-ins and advice apart.
    pub committed_live_ins: u64,
    pub committed_advice: u64,
    pub committed_per_instruction: f64,
    /// Gates of every copy (padding included) per executed instruction.
    pub gates_per_instruction: f64,
    pub prove_ms: f64,
    pub phases_ms: Vec<(&'static str, f64)>,
    pub verify_ms: f64,
    pub proof_bytes: usize,
    /// Peak resident memory of the run (kB; Linux only, else 0).
    pub peak_rss_kb: u64,
    pub ok: bool,
    pub error: Option<String>,
}

/// Resets the peak-RSS counter (Linux `clear_refs` 5) so that the next reading covers one run.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn peak_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        })
        .unwrap_or(0)
}

/// Executed instructions of `case`'s program as written.
pub fn instructions(case: &Case, opts: &FrontendOptions) -> Result<u64, String> {
    let (program, entry) = tessera_frontend::load_program(&case.path, &case.entry, opts).map_err(|e| e.to_string())?;
    let args = exec::args::parse_args(&program.funcs[entry], &case.args)?;
    Ok(exec::run(&program, entry, &args, &ExecOptions::default()).map_err(|e| e.to_string())?.instructions)
}

/// Runs that prove in less than this many milliseconds are repeated.
const SHORT_RUN_MS: f64 = 300.0;
/// How often a short run is proven in all (an odd number: the median is one of the runs).
const SHORT_RUN_REPEATS: usize = 7;

/// Pipeline and proof of `case` in one mode, timed (the `prove_ms` of [`measure`]).
fn prove_time(case: &Case, mode: Mode, opts: &FrontendOptions) -> Result<f64, String> {
    let (_, grouping, unroll, if_convert) = mode;
    let (program, entry) = tessera_frontend::load_program(&case.path, &case.entry, opts).map_err(|e| e.to_string())?;
    let args = exec::args::parse_args(&program.funcs[entry], &case.args)?;
    let module = Module { program, entry };
    let start = Instant::now();
    let t = tessera_passes::run_pipeline(&module, grouping, &PassConfig { unroll, if_convert }, None)
        .map_err(|e| e.to_string())?;
    prove::prove(&t, grouping, &args, &prove::default_params(), &|_| {})?;
    Ok(start.elapsed().as_secs_f64() * 1e3)
}

/// For a case whose runs are short (one of 20-60 ms varies by 10-25 % from run to run, more
/// than the modes differ): proves it again in every mode of `rows` (its rows, one per
/// mode, from [`measure`]), the modes taking turns, and reports each mode's median time.
pub fn repeat_short(case: &Case, modes: &[Mode], rows: &mut [Row], opts: &FrontendOptions) {
    let short: Vec<usize> = (0..rows.len()).filter(|&k| rows[k].ok && rows[k].prove_ms < SHORT_RUN_MS).collect();
    let mut times: Vec<Vec<f64>> = short.iter().map(|&k| vec![rows[k].prove_ms]).collect();
    for _ in 1..SHORT_RUN_REPEATS {
        for (t, &k) in times.iter_mut().zip(&short) {
            if let Ok(ms) = prove_time(case, modes[k], opts) {
                t.push(ms);
            }
        }
    }
    for (mut t, &k) in times.into_iter().zip(&short) {
        t.sort_by(f64::total_cmp);
        rows[k].prove_ms = t[t.len() / 2];
    }
}

/// Proves and verifies `case` in one mode.
pub fn measure(case: &Case, mode: Mode, opts: &FrontendOptions) -> Row {
    let (name, grouping, unroll, if_convert) = mode;
    let mut row = Row {
        program: case.name.clone(),
        grouping: name,
        instructions: 0,
        templates: 0,
        copies: 0,
        committed_live_ins: 0,
        committed_advice: 0,
        committed_per_instruction: 0.0,
        gates_per_instruction: 0.0,
        prove_ms: 0.0,
        phases_ms: Vec::new(),
        verify_ms: 0.0,
        proof_bytes: 0,
        peak_rss_kb: 0,
        ok: false,
        error: None,
    };
    let cfg = PassConfig { unroll, if_convert };
    if let Err(e) = measure_into(case, grouping, &cfg, opts, &mut row) {
        row.error = Some(e);
    }
    row
}

fn measure_into(
    case: &Case,
    grouping: Grouping,
    cfg: &PassConfig,
    opts: &FrontendOptions,
    row: &mut Row,
) -> Result<(), String> {
    let (program, entry) = tessera_frontend::load_program(&case.path, &case.entry, opts).map_err(|e| e.to_string())?;
    let args = exec::args::parse_args(&program.funcs[entry], &case.args)?;
    let written = exec::run(&program, entry, &args, &ExecOptions::default()).map_err(|e| e.to_string())?;
    row.instructions = written.instructions;
    let module = Module { program, entry };
    reset_peak();
    let start = Instant::now();
    let t = tessera_passes::run_pipeline(&module, grouping, cfg, None).map_err(|e| e.to_string())?;
    let (file, report) = prove::prove(&t, grouping, &args, &prove::default_params(), &|_| {})?;
    row.prove_ms = start.elapsed().as_secs_f64() * 1e3;
    row.peak_rss_kb = peak_kb();
    let bytes = file.to_bytes();
    row.proof_bytes = bytes.len();
    row.phases_ms = report.phases_ms.clone();
    let start = Instant::now();
    let back = prove::ProofFile::from_bytes(&bytes)?;
    // the verifier's side: its own pipeline from the program
    let tv = tessera_passes::run_pipeline(&module, grouping, cfg, None).map_err(|e| e.to_string())?;
    let v = prove::verify(&tv, grouping, &args, &back, &prove::default_params())?;
    row.verify_ms = start.elapsed().as_secs_f64() * 1e3;
    let want = written.ret.map(|(_, v)| v.unwrap_or(0));
    if v.ret != want {
        return Err(format!("the proof proves {:?}, the program returns {want:?}", v.ret));
    }
    row.templates = report.templates.len();
    let mut gates = 0u64;
    for t in &report.templates {
        let padded = tessera_passes::witness::padded_copies(t.copies as usize) as u64;
        row.copies += t.copies;
        row.committed_advice += padded * t.advice_per_copy as u64;
        row.committed_live_ins += padded * (t.inputs_per_copy - t.advice_per_copy) as u64;
        gates += padded * t.gates_per_copy as u64;
    }
    let ins = row.instructions.max(1) as f64;
    row.committed_per_instruction = (row.committed_live_ins + row.committed_advice) as f64 / ins;
    row.gates_per_instruction = gates as f64 / ins;
    row.ok = true;
    Ok(())
}

/// Geometric mean of `xs` (positive values).
pub fn geomean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        return f64::NAN;
    }
    (xs.iter().map(|x| x.ln()).sum::<f64>() / xs.len() as f64).exp()
}

/// Per mode, the geometric means over programs of opcode's prove time and committed
/// elements per instruction divided by the mode's (so 2.0 means "twice as fast"), and the
/// programs on which the mode proved more slowly than block grouping.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub mode: &'static str,
    pub programs: usize,
    pub prove_speedup_vs_opcode: f64,
    pub committed_reduction_vs_opcode: f64,
    /// Programs this mode proved more than 10% slower than block grouping.
    pub slower_than_block: Vec<String>,
}

pub fn summarise(rows: &[Row]) -> Vec<Summary> {
    MODES
        .iter()
        .filter(|m| rows.iter().any(|r| r.grouping == m.0))
        .map(|&(mode, _, _, _)| {
            let mut speed = Vec::new();
            let mut comm = Vec::new();
            for r in rows.iter().filter(|r| r.grouping == mode && r.ok) {
                if let Some(base) = rows.iter().find(|b| b.program == r.program && b.grouping == "opcode" && b.ok) {
                    speed.push(base.prove_ms / r.prove_ms.max(1e-3));
                    comm.push(base.committed_per_instruction / r.committed_per_instruction.max(1e-9));
                }
            }
            let slower_than_block = rows
                .iter()
                .filter(|r| r.grouping == mode && r.ok)
                .filter(|r| {
                    rows.iter().any(|b| {
                        b.program == r.program && b.grouping == "block" && b.ok && r.prove_ms > 1.1 * b.prove_ms
                    })
                })
                .map(|r| r.program.clone())
                .collect();
            Summary {
                mode,
                slower_than_block,
                programs: speed.len(),
                prove_speedup_vs_opcode: geomean(&speed),
                committed_reduction_vs_opcode: geomean(&comm),
            }
        })
        .collect()
}

/// The table `tessera bench --suite` prints.
pub fn table(rows: &[Row]) -> String {
    let mut s = format!(
        "{:<24} {:<19} {:>9} {:>5} {:>8} {:>10} {:>9} {:>10} {:>9} {:>9} {:>9} {:>8}  ratios vs opcode (prove, committed)\n",
        "program",
        "grouping",
        "instrs",
        "tmpl",
        "copies",
        "live/ins",
        "adv/ins",
        "gates/ins",
        "prove ms",
        "verify ms",
        "proof kB",
        "peak MB"
    );
    for r in rows {
        if let Some(e) = &r.error {
            s.push_str(&format!("{:<24} {:<19} error: {e}\n", r.program, r.grouping));
            continue;
        }
        let ins = r.instructions.max(1) as f64;
        let base = rows.iter().find(|b| b.program == r.program && b.grouping == "opcode" && b.ok);
        let ratio = base
            .map(|b| {
                format!(
                    "{:.2}x, {:.2}x",
                    b.prove_ms / r.prove_ms.max(1e-3),
                    b.committed_per_instruction / r.committed_per_instruction.max(1e-9)
                )
            })
            .unwrap_or_default();
        s.push_str(&format!(
            "{:<24} {:<19} {:>9} {:>5} {:>8} {:>10.1} {:>9.1} {:>10.0} {:>9.0} {:>9.0} {:>9.0} {:>8.0}  {ratio}\n",
            r.program,
            r.grouping,
            r.instructions,
            r.templates,
            r.copies,
            r.committed_live_ins as f64 / ins,
            r.committed_advice as f64 / ins,
            r.gates_per_instruction,
            r.prove_ms,
            r.verify_ms,
            r.proof_bytes as f64 / 1024.0,
            r.peak_rss_kb as f64 / 1024.0,
        ));
    }
    s
}

/// SVG plots of the scaling series: prove time and committed elements per instruction
/// against executed instructions, one line per mode.
pub fn plots(rows: &[Row], scaling: &[String], dir: &Path) -> Result<Vec<PathBuf>, String> {
    use plotters::prelude::*;
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let series = |mode: &str, y: &dyn Fn(&Row) -> f64| -> Vec<(f64, f64)> {
        rows.iter()
            .filter(|r| r.ok && r.grouping == mode && scaling.contains(&r.program))
            .map(|r| (r.instructions as f64, y(r)))
            .collect()
    };
    let mut written = Vec::new();
    type Metric<'a> = (&'a str, &'a str, &'a dyn Fn(&Row) -> f64);
    let prove_ms = |r: &Row| r.prove_ms;
    let committed = |r: &Row| r.committed_per_instruction;
    let metrics: [Metric; 2] = [
        ("prove_time.svg", "prove time (ms)", &prove_ms),
        ("committed_per_instruction.svg", "committed elements per instruction", &committed),
    ];
    for (file, label, y) in metrics {
        let path = dir.join(file);
        let all: Vec<(f64, f64)> = MODES.iter().flat_map(|m| series(m.0, y)).collect();
        if all.is_empty() {
            continue;
        }
        let (x0, x1) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
        let (y0, y1) = all.iter().fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.1), b.max(p.1)));
        let root = SVGBackend::new(&path, (720, 480)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let mut chart = ChartBuilder::on(&root)
            .caption(format!("{label} against executed instructions"), ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(60)
            .build_cartesian_2d((x0 * 0.8..x1 * 1.25).log_scale(), (y0.max(1e-3) * 0.8..y1 * 1.25).log_scale())
            .map_err(|e| e.to_string())?;
        chart
            .configure_mesh()
            .x_desc("executed instructions (program as written)")
            .y_desc(label)
            .draw()
            .map_err(|e| e.to_string())?;
        let colours = [RED, BLUE, GREEN, CYAN, MAGENTA];
        for ((mode, _, _, _), colour) in MODES.iter().zip(colours) {
            let pts = series(mode, y);
            if pts.is_empty() {
                continue;
            }
            chart
                .draw_series(LineSeries::new(pts.clone(), colour.stroke_width(2)))
                .map_err(|e| e.to_string())?
                .label(*mode)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 16, y)], colour));
            chart.draw_series(pts.iter().map(|&p| Circle::new(p, 3, colour.filled()))).map_err(|e| e.to_string())?;
        }
        chart
            .configure_series_labels()
            .background_style(WHITE)
            .border_style(BLACK)
            .draw()
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
        drop(chart);
        drop(root);
        written.push(path.clone());
    }
    Ok(written)
}
