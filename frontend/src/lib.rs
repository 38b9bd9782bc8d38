//! tessera's frontend: source files in, [`tessera_ir::Program`] out.
//!
//! This crate owns everything between a `.c`, `.rs`, `.ll` or `.bc` file and a verified
//! program: running clang-19 or rustc (with flags that keep vectors and loop unrolling out of
//! the IR), rewriting the newer LLVM text rustc prints into LLVM 19 syntax, parsing and
//! verifying with LLVM 19 through inkwell, running the [`NORMALISING_PASSES`], and converting
//! the functions reachable from the entry (and the globals they use) into tessera's IR.
//!
//! Several files are compiled one by one and joined by `llvm-link-19` before parsing; the C
//! flags of [`FrontendOptions`] (`-I`, `-D`, `-U`, `-include`, `-std`, any other) reach
//! clang, its `rustflags` rustc, and [`FrontendOptions::fingerprint`] names them all for a
//! proof's statement.
//!
//! Invariants of what [`load_program`] returns:
//!
//! - the entry function is the program's first function, and only functions reachable from
//!   it through direct calls are present; the call graph has no cycle;
//! - every value is an integer of 1..=64 bits or a pointer: aggregates (`{i32, i1}` of the
//!   `*.with.overflow` intrinsics, `insertvalue`/`extractvalue`, phis and selects of
//!   structs) are split into one scalar per field; everything else a scalar cannot hold is
//!   an [`FrontendError::Unsupported`] naming the construct, function, block, instruction and
//!   source position;
//! - GEPs are flattened to byte offsets with the module's data layout (x86-64);
//! - calls that never return (Rust panics, `llvm.trap`, external `noreturn` functions) end
//!   their block with `trap`, and the rest of the LLVM block is dropped;
//! - the program passed `tessera_ir::verify::verify_program`; a failure there is
//!   [`FrontendError::Internal`].
//!
//! No input makes this crate panic: malformed IR is LLVM's parse or verifier error, and
//! anything unexpected in a verified module is an error, not an `unwrap`.

mod convert;
mod driver;
pub mod error;
mod ll;
mod llvm;

pub use driver::rewrite_newer_llvm;
pub use error::{FrontendError, Unsupported};

use std::path::{Path, PathBuf};
use tessera_ir::{Func, Program};

/// The LLVM passes run on every module after parsing, in order (new pass manager syntax).
/// clang and rustc have already optimised at the requested level; these only bring every
/// input, hand-written IR included, to the form the converter expects.
pub const NORMALISING_PASSES: &[&str] = &[
    // Promotes allocas to SSA values and splits aggregates held in allocas: the job of
    // `mem2reg` and more, needed for hand-written and -O0 IR (a no-op after clang -O1).
    "sroa",
    // Folds `llvm.objectsize` and `llvm.is.constant`, which tessera does not model.
    "lower-constant-intrinsics",
    // Splits vector operations left in the IR into scalar ones; vector loads and stores too
    // (the process-wide `-scalarize-load-store` option, set once in `llvm.rs`).
    "scalarizer",
    // Folds what the scalarizer and sroa leave trivially simplifiable.
    "instsimplify",
    // Removes unreachable blocks and merges trivial ones; keeps `switch` as it is (no lookup
    // tables, whose loads would hide the control flow).
    "simplifycfg",
    // Drops instructions left without uses.
    "dce",
];

/// How to get LLVM IR out of source files: the tools, the optimisation level, and the
/// flags a user adds. The C flags (`include_dirs` .. `cflags`) reach clang only, `rustflags`
/// rustc only; `.ll` and `.bc` files are read as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FrontendOptions {
    /// Optimisation level for clang and rustc: `O0`, `O1` (default), `O2`, `O3`, `Os`, `Oz`.
    pub opt_level: String,
    /// The C compiler (default `clang-19`; it must emit LLVM 19 IR).
    pub clang: String,
    /// The Rust compiler (default `rustc`).
    pub rustc: String,
    /// The LLVM linker that joins several files into one module (default `llvm-link-19`).
    pub llvm_link: String,
    /// clang's `-I <dir>`, in order.
    pub include_dirs: Vec<PathBuf>,
    /// clang's `-D <macro>` or `-D <macro>=<value>`, in order.
    pub defines: Vec<String>,
    /// clang's `-U <macro>`, in order, after every define.
    pub undefines: Vec<String>,
    /// clang's `-include <file>`, in order.
    pub includes: Vec<PathBuf>,
    /// clang's `-std=<std>` (`c11`, `gnu17`, ...); clang's default when `None`.
    pub std: Option<String>,
    /// Any other clang flags, passed before tessera's own (which therefore win: no
    /// vectorisation, no unrolling).
    pub cflags: Vec<String>,
    /// Any other rustc flags, passed before tessera's own.
    pub rustflags: Vec<String>,
}

impl Default for FrontendOptions {
    fn default() -> Self {
        FrontendOptions {
            opt_level: "O1".into(),
            clang: "clang-19".into(),
            rustc: "rustc".into(),
            llvm_link: "llvm-link-19".into(),
            include_dirs: Vec::new(),
            defines: Vec::new(),
            undefines: Vec::new(),
            includes: Vec::new(),
            std: None,
            cflags: Vec::new(),
            rustflags: Vec::new(),
        }
    }
}

impl FrontendOptions {
    /// The optimisation level, checked (`O1` or `1` both give `O1`).
    pub(crate) fn level(&self) -> Result<&'static str, FrontendError> {
        let l = self.opt_level.trim_start_matches(['-', 'O']);
        Ok(match l {
            "0" => "O0",
            "1" => "O1",
            "2" => "O2",
            "3" => "O3",
            "s" => "Os",
            "z" => "Oz",
            _ => {
                return Err(FrontendError::InvalidOption(format!(
                    "optimisation level '{}' (expected O0, O1, O2, O3, Os or Oz)",
                    self.opt_level
                )))
            }
        })
    }

    /// Checks the C flags before any tool runs: macro names are identifiers, include
    /// directories and `-include` files exist. What clang itself checks (the `-std` value,
    /// the meaning of `cflags`) it reports.
    pub(crate) fn check_flags(&self) -> Result<(), FrontendError> {
        let bad = |what: String| Err(FrontendError::InvalidOption(what));
        for d in &self.defines {
            let name = d.split(['=', '(']).next().unwrap_or("");
            if !is_identifier(name) {
                return bad(format!("-D '{d}': '{name}' is not a macro name (expected NAME or NAME=VALUE)"));
            }
        }
        for u in &self.undefines {
            if !is_identifier(u) {
                return bad(format!("-U '{u}': not a macro name"));
            }
        }
        for dir in &self.include_dirs {
            if !dir.is_dir() {
                return bad(format!("-I {}: no such directory", dir.display()));
            }
        }
        for file in &self.includes {
            if !file.is_file() {
                return bad(format!("--include {}: no such file", file.display()));
            }
        }
        if self.std.as_deref().is_some_and(|s| s.is_empty() || s.starts_with('-')) {
            return bad(format!(
                "--std '{}': expected a language standard such as c11",
                self.std.as_deref().unwrap_or("")
            ));
        }
        Ok(())
    }

    /// A stable text of everything that decides the compiled program besides the tools'
    /// versions: the level, every flag in order, and the file name (its last component) of
    /// every source in order. A proof binds it as a public input, so a verifier must be given
    /// the same files and flags as the prover. The encoding is unambiguous: every item is
    /// `key=<byte length>:<text>;`.
    pub fn fingerprint(&self, paths: &[impl AsRef<Path>]) -> String {
        let mut s = String::from("tessera-frontend/1;");
        let mut item = |key: &str, text: &str| s.push_str(&format!("{key}={}:{text};", text.len()));
        item("opt", self.level().unwrap_or("?"));
        for p in paths {
            let p = p.as_ref();
            let name = p.file_name().map(|n| n.to_string_lossy()).unwrap_or_else(|| p.to_string_lossy());
            item("file", &name);
        }
        for d in &self.include_dirs {
            item("I", &d.to_string_lossy());
        }
        for d in &self.defines {
            item("D", d);
        }
        for u in &self.undefines {
            item("U", u);
        }
        for f in &self.includes {
            item("include", &f.to_string_lossy());
        }
        if let Some(std) = &self.std {
            item("std", std);
        }
        for f in &self.cflags {
            item("cflag", f);
        }
        for f in &self.rustflags {
            item("rustflag", f);
        }
        s
    }
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic()) && c.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Compiles `path` (`.c`, `.rs`, `.ll` or `.bc`) and converts the functions reachable from
/// `entry` (a C name, a Rust `#[no_mangle]` name, a demangled path such as
/// `mycrate::collatz`, or its last segment when that is unique). Returns the program and
/// the entry, which is always the program's first function.
pub fn load_program(path: &Path, entry: &str, opts: &FrontendOptions) -> Result<(Program, Func), FrontendError> {
    load_programs(&[path], entry, opts)
}

/// [`load_program`] for several source files, in any mix of `.c`, `.rs`, `.ll` and `.bc`:
/// each is compiled on its own, and [`FrontendOptions::llvm_link`] joins them into one
/// module (one file is used as it is).
pub fn load_programs(
    paths: &[impl AsRef<Path>],
    entry: &str,
    opts: &FrontendOptions,
) -> Result<(Program, Func), FrontendError> {
    let (name, src) = driver::load_linked(paths, opts)?;
    llvm::with_module(&name, &src, |m| convert::convert_module(m, entry))
}

/// The normalised module (after [`NORMALISING_PASSES`]) as LLVM 19 text: what
/// [`load_program`] converts, runnable by `lli-19`.
pub fn llvm_ir_text(path: &Path, opts: &FrontendOptions) -> Result<String, FrontendError> {
    llvm_ir_texts(&[path], opts)
}

/// [`llvm_ir_text`] of several files linked into one module, as [`load_programs`] links them.
pub fn llvm_ir_texts(paths: &[impl AsRef<Path>], opts: &FrontendOptions) -> Result<String, FrontendError> {
    let (name, src) = driver::load_linked(paths, opts)?;
    llvm::with_module(&name, &src, |m| Ok(m.print_to_string().to_string()))
}
