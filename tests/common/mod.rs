//! Shared machinery of the integration tests: the header convention (in [`testdata`]), the
//! external tools (clang-19, rustc, llvm-link-19, lli-19), native and `lli` builds of a
//! testdata program with a generated C `main`, and running the `tessera` binary.
//!
//! Every runner returns the same [`Outcome`] (return value as unsigned bits, final contents
//! of every buffer argument), so the tests compare oracles by plain equality.

#![allow(dead_code)]

pub mod testdata;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

pub use testdata::*;

/// How long one run of any program (native, lli or `tessera run`) may take.
pub const RUN_TIMEOUT: Duration = Duration::from_secs(60);

/// What one execution of an entry function produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outcome {
    /// The return value as unsigned bits of its width; `None` for `void`.
    pub ret: Option<u64>,
    /// Final contents of each `ptr` argument, in parameter order, as lowercase hex.
    pub buffers: Vec<String>,
    /// What the program printed to standard output.
    pub stdout: String,
}

impl std::fmt::Display for Outcome {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.ret {
            Some(r) => write!(f, "return {r}")?,
            None => write!(f, "return void")?,
        }
        for (i, b) in self.buffers.iter().enumerate() {
            write!(f, ", buffer {i} = {b}")?;
        }
        if !self.stdout.is_empty() {
            write!(f, ", stdout {:?}", self.stdout)?;
        }
        Ok(())
    }
}

/// An LLVM 19 tool: `/usr/lib/llvm-19/bin/<name>` when it exists, else `<name>-19` on PATH.
pub fn llvm_tool(name: &str) -> PathBuf {
    let prefixed = Path::new("/usr/lib/llvm-19/bin").join(name);
    if prefixed.exists() {
        prefixed
    } else {
        PathBuf::from(format!("{name}-19"))
    }
}

/// A fresh folder under the system temp dir, removed when dropped.
pub struct Scratch {
    pub dir: PathBuf,
}

impl Scratch {
    pub fn new(label: &str) -> Scratch {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let dir =
            std::env::temp_dir().join(format!("tessera-{label}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        Scratch { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs a command to completion with a time limit, capturing stdout and stderr.
pub fn run_with_timeout(cmd: &mut Command, timeout: Duration) -> Result<Output, String> {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {what}: {e}"))?;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = std::thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("{what}: {e}"))? {
            break status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{what} did not finish within {timeout:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    Ok(Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    })
}

/// Runs a build step; an error carries the command and its stderr.
fn build_step(cmd: &mut Command) -> Result<(), String> {
    let out = run_with_timeout(cmd, Duration::from_secs(300))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed ({}):\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// A C `main` that calls the entry with arguments from argv (integers in decimal, buffers as
/// `hex:<bytes>`), then prints the return value as unsigned decimal of its width (`void` for
/// none) and each buffer's final contents as lowercase hex, one per line.
pub fn c_harness(sig: &Signature) -> String {
    let mut s = String::from(
        "#include <stdint.h>\n#include <stdio.h>\n#include <stdlib.h>\n#include <string.h>\n\n",
    );
    let params: Vec<&str> = sig.params.iter().map(|t| t.c_name()).collect();
    let ret = sig.ret.map_or("void", |t| t.c_name());
    s += &format!(
        "extern {ret} {}({});\n\n",
        sig.name,
        if params.is_empty() {
            "void".to_owned()
        } else {
            params.join(", ")
        }
    );
    s += r#"static uint8_t *parse_hex(const char *s, size_t *len) {
    if (strncmp(s, "hex:", 4) != 0) {
        fprintf(stderr, "harness: bad buffer argument %s\n", s);
        exit(2);
    }
    s += 4;
    size_t n = strlen(s) / 2;
    uint8_t *b = malloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1) {
            fprintf(stderr, "harness: bad hex %s\n", s);
            exit(2);
        }
        b[i] = (uint8_t)v;
    }
    *len = n;
    return b;
}

int main(int argc, char **argv) {
"#;
    let n = sig.params.len();
    s += &format!(
        "    if (argc != {}) {{\n        fprintf(stderr, \"harness: expected {n} arguments\\n\");\n        return 2;\n    }}\n",
        n + 1
    );
    let mut args = Vec::new();
    for (i, ty) in sig.params.iter().enumerate() {
        let c = ty.c_name();
        match ty {
            Ty::Ptr => {
                s += &format!(
                    "    size_t len{i};\n    uint8_t *a{i} = parse_hex(argv[{}], &len{i});\n",
                    i + 1
                )
            }
            t if t.is_signed() => {
                s += &format!("    {c} a{i} = ({c})strtoll(argv[{}], 0, 10);\n", i + 1)
            }
            _ => s += &format!("    {c} a{i} = ({c})strtoull(argv[{}], 0, 10);\n", i + 1),
        }
        args.push(format!("a{i}"));
    }
    let call = format!("{}({})", sig.name, args.join(", "));
    // The results follow a marker line, after whatever the program printed itself.
    let marker = "    fflush(stdout);\n    printf(\"\\n@@tessera-harness@@\\n\");\n";
    match sig.ret {
        Some(t) => {
            s += &format!("    {} r = {call};\n", t.c_name());
            s += marker;
            s += &format!(
                "    printf(\"%llu\\n\", (unsigned long long)({})r);\n",
                t.c_unsigned_name()
            );
        }
        None => s += &format!("    {call};\n{marker}    printf(\"void\\n\");\n"),
    }
    for (i, ty) in sig.params.iter().enumerate() {
        if *ty == Ty::Ptr {
            s += &format!(
                "    for (size_t i = 0; i < len{i}; i++) printf(\"%02x\", a{i}[i]);\n    printf(\"\\n\");\n    free(a{i});\n"
            );
        }
    }
    s += "    return 0;\n}\n";
    s
}

/// The arguments to pass to a harness built by [`c_harness`]: integers in decimal, buffers
/// as `hex:`.
pub fn harness_args(run: &Run) -> Vec<String> {
    run.values
        .iter()
        .map(|v| match v {
            ArgValue::Int { value, .. } => value.to_string(),
            ArgValue::Bytes(b) => format!("hex:{}", encode_hex(b)),
        })
        .collect()
}

/// Parses a harness's stdout into an [`Outcome`].
pub fn parse_harness_output(sig: &Signature, stdout: &[u8]) -> Result<Outcome, String> {
    let all = String::from_utf8_lossy(stdout);
    const MARKER: &str = "\n@@tessera-harness@@\n";
    let at = all.rfind(MARKER).ok_or_else(|| format!("no harness marker in the output:\n{all}"))?;
    let (printed, text) = (all[..at].to_string(), &all[at + MARKER.len()..]);
    let mut lines = text.lines();
    let first = lines.next().ok_or("no output")?;
    let ret = match sig.ret {
        None if first == "void" => None,
        Some(_) => Some(
            first
                .parse::<u64>()
                .map_err(|_| format!("bad return line `{first}`"))?,
        ),
        None => return Err(format!("expected `void`, got `{first}`")),
    };
    let nbuf = sig.params.iter().filter(|t| **t == Ty::Ptr).count();
    let buffers: Vec<String> = lines.map(str::to_owned).collect();
    if buffers.len() != nbuf {
        return Err(format!(
            "expected {nbuf} buffer lines, got {}:\n{text}",
            buffers.len()
        ));
    }
    Ok(Outcome { ret, buffers, stdout: printed })
}

/// Compiles `prog` natively (clang-19 -O1 for C and LLVM IR, rustc -O as a staticlib for
/// Rust) and links it with its [`c_harness`]; returns the executable. With the environment
/// variable `TESSERA_TEST_SANITIZE` set, C and LLVM IR programs are built with
/// `-fsanitize=undefined,address`, so a run line that makes a program read out of bounds or
/// hit undefined behaviour fails the native run (worth doing once for every new program).
pub fn build_native(prog: &TestProgram, scratch: &Scratch) -> Result<PathBuf, String> {
    let stem = prog.name().replace('.', "_");
    let harness = scratch.path(&format!("{stem}_main.c"));
    std::fs::write(&harness, c_harness(&prog.entry)).map_err(|e| e.to_string())?;
    let exe = scratch.path(&format!("{stem}_native"));
    let clang = llvm_tool("clang");
    match prog.lang {
        Lang::C | Lang::LlvmIr => {
            let mut cmd = Command::new(&clang);
            cmd.args(["-O1", "-w"]);
            if std::env::var_os("TESSERA_TEST_SANITIZE").is_some() {
                cmd.args([
                    "-g",
                    "-fsanitize=undefined,address",
                    "-fno-sanitize-recover=all",
                ]);
            }
            build_step(cmd.arg("-o").arg(&exe).arg(&prog.path).arg(&harness))?;
        }
        Lang::Rust => {
            let lib = scratch.path(&format!("lib{stem}.a"));
            build_step(
                Command::new("rustc")
                    .args([
                        "--crate-type=staticlib",
                        "-C",
                        "panic=abort",
                        "-O",
                        "--crate-name",
                        &stem,
                        "-o",
                    ])
                    .arg(&lib)
                    .arg(&prog.path),
            )?;
            build_step(
                Command::new(&clang)
                    .args(["-O1", "-w", "-o"])
                    .arg(&exe)
                    .arg(&harness)
                    .arg(&lib)
                    .args(["-lpthread", "-ldl", "-lm"]),
            )?;
            // The staticlib carries all of std (tens of MB); only the executable is needed.
            let _ = std::fs::remove_file(&lib);
        }
    }
    Ok(exe)
}

/// Builds the `lli-19` oracle: program and harness as LLVM IR linked by llvm-link-19. C is
/// compiled by clang-19 (no vectorisation or unrolling), `.ll` files are used as they are,
/// and Rust is compiled by rustc at opt-level 1 (as tessera does) and its text, printed by
/// rustc's newer LLVM, is made readable by LLVM 19 with the frontend's
/// `rewrite_newer_llvm` (which drops only hints). No other part of tessera is involved.
pub fn build_lli_module(prog: &TestProgram, scratch: &Scratch) -> Result<PathBuf, String> {
    let stem = prog.name().replace('.', "_");
    let harness = scratch.path(&format!("{stem}_lli_main.c"));
    std::fs::write(&harness, c_harness(&prog.entry)).map_err(|e| e.to_string())?;
    let flags = [
        "-O1",
        "-w",
        "-fno-vectorize",
        "-fno-slp-vectorize",
        "-fno-unroll-loops",
        "-S",
        "-emit-llvm",
        "-o",
    ];
    let clang = llvm_tool("clang");
    let harness_ll = scratch.path(&format!("{stem}_lli_main.ll"));
    build_step(
        Command::new(&clang)
            .args(flags)
            .arg(&harness_ll)
            .arg(&harness),
    )?;
    let prog_ll = match prog.lang {
        Lang::C => {
            let ll = scratch.path(&format!("{stem}_lli_prog.ll"));
            build_step(Command::new(&clang).args(flags).arg(&ll).arg(&prog.path))?;
            ll
        }
        Lang::Rust => {
            let newer = scratch.path(&format!("{stem}_lli_rustc.ll"));
            build_step(
                Command::new("rustc")
                    .args([
                        "--crate-type=lib",
                        "--emit=llvm-ir",
                        "-C",
                        "panic=abort",
                        "-C",
                        "opt-level=1",
                    ])
                    .args([
                        "-C",
                        "no-vectorize-loops",
                        "-C",
                        "no-vectorize-slp",
                        "--crate-name",
                        &stem,
                        "-o",
                    ])
                    .arg(&newer)
                    .arg(&prog.path),
            )?;
            let text = std::fs::read_to_string(&newer).map_err(|e| e.to_string())?;
            let ll = scratch.path(&format!("{stem}_lli_prog.ll"));
            std::fs::write(&ll, tessera_frontend::rewrite_newer_llvm(&text))
                .map_err(|e| e.to_string())?;
            ll
        }
        Lang::LlvmIr => prog.path.clone(),
    };
    let linked = scratch.path(&format!("{stem}_lli.bc"));
    // llvm-link warns that rustc's and clang's target triples are spelled differently.
    build_step(
        Command::new(llvm_tool("llvm-link"))
            .arg("-suppress-warnings")
            .arg("-o")
            .arg(&linked)
            .arg(&prog_ll)
            .arg(&harness_ll),
    )?;
    Ok(linked)
}

/// Runs a harness (a native executable, or a module under `lli-19`) on one run line.
pub fn run_harness(
    prog: &TestProgram,
    run: &Run,
    exe: &Path,
    lli: bool,
) -> Result<Outcome, String> {
    let mut cmd = if lli {
        let mut c = Command::new(llvm_tool("lli"));
        c.arg(exe);
        c
    } else {
        Command::new(exe)
    };
    let out = run_with_timeout(cmd.args(harness_args(run)), RUN_TIMEOUT)?;
    if !out.status.success() {
        return Err(format!(
            "exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    parse_harness_output(&prog.entry, &out.stdout)
}

/// The `tessera` binary under test.
pub fn tessera() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tessera"))
}

/// `tessera run <prog> --entry <name> [--opt-level <L>] --json -- <args as written>`.
pub fn tessera_run_output_at(
    prog: &TestProgram,
    opt_level: Option<&str>,
    raw_args: &[String],
) -> Result<Output, String> {
    let mut cmd = tessera();
    cmd.arg("run")
        .arg(&prog.path)
        .arg("--entry")
        .arg(&prog.entry.name);
    if let Some(level) = opt_level {
        cmd.arg("--opt-level").arg(level);
    }
    cmd.arg("--json").arg("--").args(raw_args);
    run_with_timeout(&mut cmd, RUN_TIMEOUT)
}

/// `tessera run <prog> --entry <name> --json -- <args as written>` at the default level.
pub fn tessera_run_output(prog: &TestProgram, raw_args: &[String]) -> Result<Output, String> {
    tessera_run_output_at(prog, None, raw_args)
}

/// What `tessera run --json` reported, beyond the [`Outcome`].
#[derive(Clone, Debug)]
pub struct TesseraRun {
    pub outcome: Outcome,
    pub instructions: u64,
    pub blocks: u64,
}

/// Runs `tessera run --json` on one run line and checks the JSON's shape against the
/// signature (return type name, number of buffers).
pub fn tessera_run(
    prog: &TestProgram,
    opt_level: Option<&str>,
    run: &Run,
) -> Result<TesseraRun, String> {
    let out = tessera_run_output_at(prog, opt_level, &run.raw)?;
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!(
            "tessera run exited with {}: {}",
            out.status,
            stderr.trim_end()
        ));
    }
    if stderr.contains("panicked at") {
        return Err(format!("tessera run panicked: {stderr}"));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    parse_tessera_json(&prog.entry, &stdout)
        .map_err(|e| format!("{e}; stdout was: {}", stdout.trim_end()))
}

/// Parses the JSON object printed by `tessera run --json`.
pub fn parse_tessera_json(sig: &Signature, stdout: &str) -> Result<TesseraRun, String> {
    let json: serde_json::Value =
        serde_json::from_str(stdout.trim()).map_err(|e| format!("not JSON: {e}"))?;
    let ret = match (&json["return"], sig.ret) {
        (serde_json::Value::Null, None) => None,
        (r, Some(_)) if r["poison"] == true => {
            return Err(format!("tessera reports the return value as poison: {r}"));
        }
        (r, Some(ty)) if r.is_object() => {
            let expected_type = format!("i{}", ty.bits().unwrap());
            if r["type"] != expected_type.as_str() {
                return Err(format!(
                    "return type is {}, expected {expected_type}",
                    r["type"]
                ));
            }
            let unsigned = r["unsigned"]
                .as_str()
                .ok_or("return.unsigned is not a string")?;
            let value = unsigned
                .parse::<u64>()
                .map_err(|_| format!("return.unsigned `{unsigned}` is not a u64"))?;
            // "signed" must be the same bits read as two's complement.
            let bits = ty.bits().unwrap();
            let signed = if bits == 64 {
                value as i64 as i128
            } else if (value >> (bits - 1)) & 1 == 1 {
                value as i128 - (1i128 << bits)
            } else {
                value as i128
            };
            if r["signed"].as_str() != Some(signed.to_string().as_str()) {
                return Err(format!(
                    "return.signed is {}, expected \"{signed}\" for unsigned {value} as i{bits}",
                    r["signed"]
                ));
            }
            Some(value)
        }
        (r, _) => return Err(format!("unexpected \"return\": {r}")),
    };
    let buffers = json["buffers"]
        .as_array()
        .ok_or("no \"buffers\" array")?
        .iter()
        .map(|b| {
            b.as_str()
                .map(str::to_ascii_lowercase)
                .ok_or("a buffer is not a string")
        })
        .collect::<Result<Vec<_>, _>>()?;
    let nbuf = sig.params.iter().filter(|t| **t == Ty::Ptr).count();
    if buffers.len() != nbuf {
        return Err(format!("{} buffers, expected {nbuf}", buffers.len()));
    }
    let instructions = json["instructions"]
        .as_u64()
        .ok_or("no \"instructions\" count")?;
    let blocks = json["blocks"].as_u64().ok_or("no \"blocks\" count")?;
    let stdout = json["stdout"].as_str().ok_or("no \"stdout\" string")?.to_string();
    Ok(TesseraRun {
        outcome: Outcome { ret, buffers, stdout },
        instructions,
        blocks,
    })
}

/// Runs `f` on every item on up to `threads` worker threads; results keep the items' order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<R>>> =
        items.iter().map(|_| std::sync::Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= items.len() {
                    break;
                }
                let r = f(&items[i]);
                *results[i].lock().unwrap() = Some(r);
            });
        }
    });
    results
        .into_iter()
        .map(|m| m.into_inner().unwrap().unwrap())
        .collect()
}

/// Worker threads for the tests: the machine's parallelism, at most 4.
pub fn worker_threads() -> usize {
    std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(4)
}
