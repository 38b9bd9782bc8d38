//! The `testdata/` header convention, shared by the integration tests of the `tessera` crate
//! and by the snapshot tests (which include this file with `#[path]`), so it is written once.
//!
//! Every program starts with comment lines (`//` in C and Rust, `;` in LLVM IR):
//!
//! ```text
//! // tessera-entry: collatz_steps(u32) -> u32
//! // tessera-run: 27
//! // tessera-run: 97
//! ```
//!
//! Types are `u8 i8 u16 i16 u32 i32 u64 i64 bool`, `ptr` (a byte buffer) and `void` (return
//! only). A run line lists the arguments in order: integers in decimal (negative for signed
//! types) or `0x` hex within the type's range, and `hex:<bytes>` for a `ptr`. Rejected
//! programs (under `reject/`) carry `tessera-reject: <substring of the error>` and may carry
//! run lines too.
//!
//! This module depends on std only.

#![allow(dead_code)]

use std::fmt;
use std::path::{Path, PathBuf};

/// A parameter or return type of an entry function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ty {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    Bool,
    /// A byte buffer passed by pointer.
    Ptr,
}

impl Ty {
    fn parse(s: &str) -> Option<Ty> {
        Some(match s {
            "u8" => Ty::U8,
            "i8" => Ty::I8,
            "u16" => Ty::U16,
            "i16" => Ty::I16,
            "u32" => Ty::U32,
            "i32" => Ty::I32,
            "u64" => Ty::U64,
            "i64" => Ty::I64,
            "bool" => Ty::Bool,
            "ptr" => Ty::Ptr,
            _ => return None,
        })
    }

    /// Width in bits of an integer type (1 for bool); `None` for `ptr`.
    pub fn bits(self) -> Option<u32> {
        match self {
            Ty::Bool => Some(1),
            Ty::U8 | Ty::I8 => Some(8),
            Ty::U16 | Ty::I16 => Some(16),
            Ty::U32 | Ty::I32 => Some(32),
            Ty::U64 | Ty::I64 => Some(64),
            Ty::Ptr => None,
        }
    }

    pub fn is_signed(self) -> bool {
        matches!(self, Ty::I8 | Ty::I16 | Ty::I32 | Ty::I64)
    }

    /// The C spelling of the type, as used by generated harnesses.
    pub fn c_name(self) -> &'static str {
        match self {
            Ty::U8 => "uint8_t",
            Ty::I8 => "int8_t",
            Ty::U16 => "uint16_t",
            Ty::I16 => "int16_t",
            Ty::U32 => "uint32_t",
            Ty::I32 => "int32_t",
            Ty::U64 => "uint64_t",
            Ty::I64 => "int64_t",
            Ty::Bool => "_Bool",
            Ty::Ptr => "uint8_t *",
        }
    }

    /// The unsigned C type of the same width (for printing a value as unsigned).
    pub fn c_unsigned_name(self) -> &'static str {
        match self {
            Ty::U8 | Ty::I8 | Ty::Bool => "uint8_t",
            Ty::U16 | Ty::I16 => "uint16_t",
            Ty::U32 | Ty::I32 => "uint32_t",
            Ty::U64 | Ty::I64 | Ty::Ptr => "uint64_t",
        }
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Ty::U8 => "u8",
            Ty::I8 => "i8",
            Ty::U16 => "u16",
            Ty::I16 => "i16",
            Ty::U32 => "u32",
            Ty::I32 => "i32",
            Ty::U64 => "u64",
            Ty::I64 => "i64",
            Ty::Bool => "bool",
            Ty::Ptr => "ptr",
        })
    }
}

/// `name(params) -> ret`; `ret` is `None` for `void`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    pub name: String,
    pub params: Vec<Ty>,
    pub ret: Option<Ty>,
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, p) in self.params.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        match self.ret {
            Some(r) => write!(f, ") -> {r}"),
            None => write!(f, ") -> void"),
        }
    }
}

/// One argument of a run line, parsed and range-checked against its parameter type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ArgValue {
    /// An integer; `value` is the mathematical value (negative only for signed types).
    Int { ty: Ty, value: i128 },
    /// The initial contents of a buffer.
    Bytes(Vec<u8>),
}

impl ArgValue {
    /// The value as unsigned bits of its width (two's complement for negative values).
    pub fn unsigned_bits(&self) -> Option<u64> {
        match *self {
            ArgValue::Int { ty, value } => {
                let bits = ty.bits().unwrap();
                let mask = if bits == 64 {
                    u64::MAX
                } else {
                    (1u64 << bits) - 1
                };
                Some((value as u64) & mask)
            }
            ArgValue::Bytes(_) => None,
        }
    }
}

/// One `tessera-run:` line: the arguments as written and as parsed.
#[derive(Clone, Debug)]
pub struct Run {
    /// The arguments exactly as written in the header (passed to `tessera run` unchanged).
    pub raw: Vec<String>,
    pub values: Vec<ArgValue>,
}

impl Run {
    /// The run line as written, shortened for messages.
    pub fn describe(&self) -> String {
        let mut s = self.raw.join(" ");
        if s.len() > 120 {
            s.truncate(117);
            s.push_str("...");
        }
        s
    }
}

/// Source language of a testdata program, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    C,
    Rust,
    LlvmIr,
}

/// A testdata program and its header.
#[derive(Clone, Debug)]
pub struct TestProgram {
    pub path: PathBuf,
    pub lang: Lang,
    pub entry: Signature,
    pub runs: Vec<Run>,
    /// For rejected programs: a substring the error message must contain.
    pub reject: Option<String>,
    /// For programs the interpreter runs but the circuit stages refuse (`testdata/interp/`):
    /// a substring of the circuit stages' error.
    pub lower_reject: Option<String>,
}

impl TestProgram {
    /// The file name (`collatz.c`), for messages.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    }
}

/// The repository's `testdata/` folder.
pub fn testdata_dir() -> PathBuf {
    // The `tessera` crate lives at the repository root, the snapshot crate one level below.
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let here = manifest.join("testdata");
    if here.is_dir() {
        here
    } else {
        manifest
            .parent()
            .expect("crate below the repository root")
            .join("testdata")
    }
}

/// Parses the header of a program; `path` decides the language and the comment marker.
pub fn parse_program(path: &Path) -> Result<TestProgram, String> {
    let lang = match path.extension().and_then(|e| e.to_str()) {
        Some("c") => Lang::C,
        Some("rs") => Lang::Rust,
        Some("ll") => Lang::LlvmIr,
        _ => return Err(format!("{}: not a .c, .rs or .ll file", path.display())),
    };
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_header(&text, lang, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses the comment lines at the top of `text`.
pub fn parse_header(text: &str, lang: Lang, path: &Path) -> Result<TestProgram, String> {
    let marker = if lang == Lang::LlvmIr { ";" } else { "//" };
    let mut entry = None;
    let mut run_lines = Vec::new();
    let mut reject = None;
    let mut lower_reject = None;
    for (lineno, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some(comment) = line.strip_prefix(marker) else {
            break;
        };
        let comment = comment.trim_start_matches(marker).trim();
        let at = |msg: String| format!("line {}: {msg}", lineno + 1);
        if let Some(sig) = comment.strip_prefix("tessera-entry:") {
            if entry.is_some() {
                return Err(at("a second tessera-entry line".into()));
            }
            entry = Some(parse_signature(sig.trim()).map_err(at)?);
        } else if let Some(args) = comment.strip_prefix("tessera-run:") {
            run_lines.push((
                lineno,
                args.split_whitespace()
                    .map(str::to_owned)
                    .collect::<Vec<_>>(),
            ));
        } else if let Some(sub) = comment.strip_prefix("tessera-reject:") {
            let sub = sub.trim();
            if sub.is_empty() {
                return Err(at("empty tessera-reject".into()));
            }
            reject = Some(sub.to_owned());
        } else if let Some(sub) = comment.strip_prefix("tessera-lower-reject:") {
            let sub = sub.trim();
            if sub.is_empty() {
                return Err(at("empty tessera-lower-reject".into()));
            }
            lower_reject = Some(sub.to_owned());
        } else if comment.starts_with("tessera-") {
            return Err(at(format!("unknown header line `{comment}`")));
        }
    }
    let entry = entry.ok_or("no `tessera-entry:` line in the header")?;
    let mut runs = Vec::new();
    for (lineno, raw) in run_lines {
        let values = parse_run(&entry, &raw).map_err(|e| format!("line {}: {e}", lineno + 1))?;
        runs.push(Run { raw, values });
    }
    if reject.is_none() && runs.is_empty() {
        return Err("no `tessera-run:` line".into());
    }
    Ok(TestProgram {
        path: path.to_owned(),
        lang,
        entry,
        runs,
        reject,
        lower_reject,
    })
}

/// Parses `name(t1, t2) -> ret`.
pub fn parse_signature(s: &str) -> Result<Signature, String> {
    let bad = || format!("malformed signature `{s}` (expected `name(t1, t2) -> ret`)");
    let (head, ret) = s.split_once("->").ok_or_else(bad)?;
    let (name, params) = head.trim().split_once('(').ok_or_else(bad)?;
    let params = params.trim().strip_suffix(')').ok_or_else(bad)?;
    let name = name.trim();
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(bad());
    }
    let params = params
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| Ty::parse(p).ok_or_else(|| format!("unknown parameter type `{p}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let ret = match ret.trim() {
        "void" => None,
        r => Some(
            Ty::parse(r)
                .filter(|t| *t != Ty::Ptr)
                .ok_or_else(|| format!("bad return type `{r}`"))?,
        ),
    };
    Ok(Signature {
        name: name.to_owned(),
        params,
        ret,
    })
}

/// Parses a run line's arguments against the signature.
pub fn parse_run(sig: &Signature, raw: &[String]) -> Result<Vec<ArgValue>, String> {
    if raw.len() != sig.params.len() {
        return Err(format!("{} arguments for {sig}", raw.len()));
    }
    raw.iter()
        .zip(&sig.params)
        .map(|(a, &ty)| parse_arg(a, ty))
        .collect()
}

/// Parses one argument: an integer of type `ty`, or `hex:<bytes>` for `ptr`.
pub fn parse_arg(arg: &str, ty: Ty) -> Result<ArgValue, String> {
    if ty == Ty::Ptr {
        let hex = arg
            .strip_prefix("hex:")
            .ok_or_else(|| format!("`{arg}`: a ptr argument is hex:<bytes>"))?;
        return decode_hex(hex)
            .map(ArgValue::Bytes)
            .map_err(|e| format!("`{arg}`: {e}"));
    }
    let (neg, digits) = match arg.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, arg),
    };
    let magnitude = match digits.strip_prefix("0x") {
        Some(h) => u64::from_str_radix(h, 16),
        None => digits.parse::<u64>(),
    }
    .map_err(|_| format!("`{arg}` is not an integer"))?;
    let value = if neg {
        -(magnitude as i128)
    } else {
        magnitude as i128
    };
    let bits = ty.bits().unwrap();
    let (min, max) = if ty.is_signed() {
        (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1)
    } else {
        (0, (1i128 << bits) - 1)
    };
    if value < min || value > max {
        return Err(format!("`{arg}` is out of range for {ty}"));
    }
    Ok(ArgValue::Int { ty, value })
}

/// Decodes lowercase or uppercase hex digits into bytes.
pub fn decode_hex(hex: &str) -> Result<Vec<u8>, String> {
    if hex.len() % 2 == 1 {
        return Err("odd number of hex digits".into());
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&hex[i..i + 2], 16)
                .map_err(|_| format!("bad hex digits `{}`", &hex[i..i + 2]))
        })
        .collect()
}

/// Encodes bytes as lowercase hex.
pub fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// All programs directly in `dir` with extension `.c`, `.rs` or `.ll`, sorted by name.
pub fn list_programs(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.is_file()
                && matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("c" | "rs" | "ll")
                )
        })
        .collect();
    paths.sort();
    paths
}

/// The accepted programs of `testdata/` (not `reject/`), headers parsed; panics on a bad header.
pub fn accepted_programs() -> Vec<TestProgram> {
    list_programs(&testdata_dir())
        .iter()
        .map(|p| parse_program(p).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// The programs of `testdata/interp/`: run by the interpreter (and checked against native
/// like the accepted ones), refused by the circuit stages; headers parsed.
pub fn interp_programs() -> Vec<TestProgram> {
    list_programs(&testdata_dir().join("interp"))
        .iter()
        .map(|p| parse_program(p).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}

/// The programs of `testdata/reject/`, headers parsed; panics on a bad header.
pub fn rejected_programs() -> Vec<TestProgram> {
    list_programs(&testdata_dir().join("reject"))
        .iter()
        .map(|p| parse_program(p).unwrap_or_else(|e| panic!("{e}")))
        .collect()
}
