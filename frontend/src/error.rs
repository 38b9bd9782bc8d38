//! The frontend's one error type. User errors (bad input, unsupported constructs) carry
//! where they happened; [`FrontendError::Internal`] marks a bug in tessera itself.

use std::fmt;
use std::path::PathBuf;
use thiserror::Error;

/// Everything that can go wrong between a source file and a verified [`tessera_ir::Program`].
#[derive(Debug, Error)]
pub enum FrontendError {
    /// The input file does not exist.
    #[error("no such file: {}", path.display())]
    FileNotFound { path: PathBuf },

    /// The input file exists but could not be read.
    #[error("cannot read {}: {message}", path.display())]
    Unreadable { path: PathBuf, message: String },

    /// The file's extension is not one of `.c`, `.rs`, `.ll`, `.bc`.
    #[error("don't know how to compile {}: expected a .c, .rs, .ll or .bc file", path.display())]
    UnknownExtension { path: PathBuf },

    /// An external tool (clang, rustc) could not be started.
    #[error("could not run {tool}: {message}")]
    ToolNotFound { tool: String, message: String },

    /// An external tool ran and failed. The message's first line says which tool, on which
    /// file, and its first error; the whole of `stderr` follows when it says more than that
    /// (a compiler error's source excerpt), not for a bad flag.
    #[error("{}", tool_failed(tool, path, status, stderr))]
    ToolFailed { tool: String, path: PathBuf, status: String, stderr: String },

    /// LLVM could not parse the module; `message` is LLVM's own, with the line.
    #[error("LLVM could not parse {}: {message}", path.display())]
    Parse { path: PathBuf, message: String },

    /// The module parsed but LLVM's verifier rejected it.
    #[error("LLVM's verifier rejected {}: {message}", path.display())]
    Verify { path: PathBuf, message: String },

    /// The module targets a machine tessera does not model (tessera assumes x86-64).
    #[error("unsupported target: {reason}")]
    UnsupportedTarget { reason: String },

    /// An option has a value tessera does not understand.
    #[error("invalid option: {0}")]
    InvalidOption(String),

    /// A construct tessera cannot compile (yet).
    #[error("{0}")]
    Unsupported(Box<Unsupported>),

    /// The entry function does not exist.
    #[error("no function named '{name}'; available functions: {}", list(available))]
    EntryNotFound { name: String, available: Vec<String> },

    /// The entry name matches several functions.
    #[error("the name '{name}' is ambiguous; it matches: {}", list(candidates))]
    AmbiguousEntry { name: String, candidates: Vec<String> },

    /// The call graph reachable from the entry has a cycle.
    #[error("recursion is not supported yet: {}", cycle.join(" -> "))]
    Recursion { cycle: Vec<String> },

    /// A bug in tessera (the converted program failed our own verifier, a pass failed, ...).
    #[error("internal error in the frontend: {0}")]
    Internal(String),
}

fn tool_failed(tool: &str, path: &std::path::Path, status: &str, stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    let Some(first) = lines.iter().position(|l| l.contains("error")) else {
        return match lines.is_empty() {
            true => format!("{tool} failed ({status}) on {}", path.display()),
            false => format!("{tool} failed ({status}) on {}:\n{stderr}", path.display()),
        };
    };
    // clang's driver writes `clang-19: error: ...`; the tool is named already.
    let summary = lines[first].trim().strip_prefix(&format!("{tool}: ")).unwrap_or(lines[first].trim());
    let said_more = lines.iter().enumerate().any(|(i, l)| {
        let l = l.trim();
        i != first && !l.starts_with("note:") && !(l.ends_with(" generated.") && l.contains("error"))
    });
    let mut s = format!("{tool} failed on {}: {summary}", path.display());
    if said_more {
        s.push_str(&format!(" ({status}); its output:\n{stderr}"));
    }
    s
}

fn list(names: &[String]) -> String {
    if names.is_empty() {
        "(none)".into()
    } else {
        names.join(", ")
    }
}

/// Where and what: an LLVM construct the converter does not support.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unsupported {
    /// What is unsupported, e.g. `floating-point arithmetic (fadd)`.
    pub construct: String,
    /// The function (demangled for Rust).
    pub function: String,
    /// The LLVM block name (or `%N`), when the construct is inside a block.
    pub block: Option<String>,
    /// The instruction as LLVM prints it, when there is one.
    pub instruction: Option<String>,
    /// `file:line:col` from the instruction's debug location, when present.
    pub location: Option<String>,
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unsupported: {} in function '{}'", self.construct, self.function)?;
        if let Some(b) = &self.block {
            write!(f, ", block '{b}'")?;
        }
        if let Some(i) = &self.instruction {
            write!(f, ", instruction '{i}'")?;
        }
        if let Some(l) = &self.location {
            write!(f, " at {l}")?;
        }
        Ok(())
    }
}

impl FrontendError {
    /// The unsupported-construct details, when this is such an error.
    pub fn as_unsupported(&self) -> Option<&Unsupported> {
        match self {
            FrontendError::Unsupported(u) => Some(u),
            _ => None,
        }
    }
}

impl From<Unsupported> for FrontendError {
    fn from(u: Unsupported) -> Self {
        FrontendError::Unsupported(Box::new(u))
    }
}
