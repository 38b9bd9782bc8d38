//! Whole-program proofs: the bridge from a grouped module and one run to the backend's
//! [`System`] (templates with record blocks, memory segments, public records) and back.
//!
//! **What a proof says.** The entry function of the module, run on the public arguments,
//! returns the claimed value and leaves the claimed bytes in its buffer arguments. The
//! verifier is given the program (it recompiles it and rebuilds every template and circuit
//! itself), the entry, the grouping options and the arguments; the proof carries only the
//! trace shape (copies per template, steps, stack size) and the claimed results.
//!
//! **Glue.** Multiset 0 holds state records `[tag, step, sp, values...]`: every copy
//! consumes one and produces one, the verifier adds the initial record (entry block, step
//! 0, the arguments) on the produced side and the final record (exit, number of steps, the
//! return value) on the consumed side. Steps strictly increase along records, so the copies
//! chain into exactly one execution. Multiset 1 is memory, offline memory checking over
//! byte cells `(address, byte, timestamp)`: every access consumes its cells with their
//! previous timestamps and produces them with its own (the template range-checks
//! `ts_prev < ts`); the segments (globals, argument buffers, stack) give each address one
//! initial record (public contents) and one final record (committed by the prover; public
//! for the argument buffers, whose final contents are claimed). An access outside every
//! segment cannot balance: along a chain of accesses to one address the timestamps only
//! grow, so some consumed cell would have no producer.
//!
//! Memory inside a segment is flat: bytes between two globals, or past the end of a stack
//! slot inside the stack segment, read as whatever was last written there (zero at first),
//! where the interpreter traps. A program without undefined behaviour never makes such an
//! access, and for it the proven run is the interpreter's.

use crate::canon::Classes;
use crate::glue::{initial_record, param_values};
use crate::layer::{layer_outputs, LayerError, Layered};
use crate::lower::opcode::{Machine, REG_BASE, ROM_BASE};
use crate::lower::{self, RangeCheck};
use crate::pass::{Grouping, Module};
use crate::template::{Node, Op, Template, EXIT_TAG};
use crate::witness::{self, witness_table_with, CellKind, Trace};
use rayon::prelude::*;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;
pub use tessera_gkr::program::Witness;
use tessera_gkr::program::{PublicRecord, RecordBlock, Segment, Side, TemplateSpec};
use tessera_gkr::{
    prove_program, verify_program, Fr, PcsParams, ProgramProof, ProofCodec, Statement, System, Transcript, VerifyError,
};
use tessera_ir::exec::{Arg, ExecOptions, Memory, ARG_BASE, GLOBAL_BASE, STACK_BASE};

/// The state multiset.
pub const STATE_SET: usize = 0;
/// The memory multiset (fields: address, byte, timestamp).
pub const MEMORY_SET: usize = 1;
const MEMORY_BITS: usize = 2;
/// The largest stack segment a proof may claim (`2^32` bytes).
pub const MAX_LOG_STACK: u32 = 32;
/// Format version of proof files.
pub const FILE_VERSION: u32 = 1;
const FILE_MAGIC: &[u8; 4] = b"TSPF";
const DOMAIN: &[u8] = b"tessera/program-proof/v1";

fn ceil_log2(n: usize) -> usize {
    n.max(1).next_power_of_two().trailing_zeros() as usize
}

/// A template with the glue's output layout: its records as aligned blocks of
/// `active * field` products, its residuals as a zero block.
#[derive(Clone, Debug)]
pub struct GlueTemplate {
    pub template: Template,
    /// Output wire `j` is `slots[j]` (`None`: the constant 0).
    pub slots: Vec<Option<Node>>,
    pub zero_block: Option<(usize, usize)>,
    pub blocks: Vec<RecordBlock>,
}

struct Products<'a> {
    t: &'a mut Template,
    cache: HashMap<(Node, Node), Node>,
}

impl Products<'_> {
    fn mul(&mut self, a: Node, b: Node) -> Node {
        let t = &mut *self.t;
        *self.cache.entry((a, b)).or_insert_with(|| {
            t.ops.push(Op::Mul(a, b));
            t.op_origin.push(u32::MAX);
            Node(t.ops.len() as u32 - 1)
        })
    }

    /// `[a, a f_1, a f_2, ...]` padded with `None` to `2^bits`.
    fn record(&mut self, a: Node, fields: &[Node], bits: usize) -> Vec<Option<Node>> {
        let mut v = vec![Some(a)];
        v.extend(fields.iter().map(|&f| Some(self.mul(a, f))));
        v.resize(1 << bits, None);
        v
    }
}

/// A block before placement: its multiset and side (`None`: the zero block), slot bits and
/// contents.
type Pending = (Option<(usize, Side)>, usize, Vec<Option<Node>>);

/// The glue layout of `t` with `state_bits` field bits for state records.
pub fn glue_template(t: &Template, state_bits: usize) -> GlueTemplate {
    let mut template = t.clone();
    let mut p = Products { t: &mut template, cache: HashMap::new() };
    // (set, side, slot bits, contents); contents are per slot, 2^set_bits each
    let mut blocks: Vec<Pending> = Vec::new();
    if !t.residuals.is_empty() {
        let q = ceil_log2(t.residuals.len());
        let mut v: Vec<Option<Node>> = t.residuals.iter().map(|r| Some(r.node)).collect();
        v.resize(1 << q, None);
        blocks.push((None, q, v));
    }
    for (side, r) in [(Side::Consumed, &t.consumed), (Side::Produced, &t.produced)] {
        let v = p.record(r.active, &r.fields, state_bits);
        blocks.push((Some((STATE_SET, side)), 0, v));
    }
    let cells: usize = t.memory.iter().map(|a| a.cells.len()).sum();
    if cells > 0 {
        let sb = ceil_log2(cells);
        let (mut cons, mut prod) = (Vec::new(), Vec::new());
        for a in &t.memory {
            for c in &a.cells {
                cons.extend(p.record(a.active, &[c.addr, c.old, c.ts_prev], MEMORY_BITS));
                prod.extend(p.record(a.active, &[c.addr, c.new, a.ts], MEMORY_BITS));
            }
        }
        cons.resize(1 << (sb + MEMORY_BITS), None);
        prod.resize(1 << (sb + MEMORY_BITS), None);
        blocks.push((Some((MEMORY_SET, Side::Consumed)), sb, cons));
        blocks.push((Some((MEMORY_SET, Side::Produced)), sb, prod));
    }
    // largest first: every block lands aligned to its size
    let mut order: Vec<usize> = (0..blocks.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(blocks[i].2.len()));
    let mut slots = Vec::new();
    let mut zero_block = None;
    let mut placed = vec![None; blocks.len()];
    for &i in &order {
        let (kind, sb, contents) = &blocks[i];
        let offset = slots.len();
        match kind {
            None => zero_block = Some((offset, ceil_log2(contents.len()))),
            Some((set, side)) => placed[i] = Some(RecordBlock { set: *set, side: *side, offset, slot_bits: *sb }),
        }
        slots.extend(contents.iter().copied());
    }
    slots.resize(slots.len().next_power_of_two(), None);
    GlueTemplate { template, slots, zero_block, blocks: placed.into_iter().flatten().collect() }
}

/// Field bits of state records: the widest record of any template, or of the initial and
/// final records, plus the constant field.
fn state_bits(templates: &[Template], initial_len: usize) -> usize {
    let widest = templates
        .iter()
        .flat_map(|t| [t.consumed.fields.len(), t.produced.fields.len()])
        .chain([initial_len, 4])
        .max()
        .unwrap_or(4);
    ceil_log2(widest + 1)
}

/// What a proof claims and the shape of the run it was made on.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    pub version: u32,
    pub entry: String,
    pub grouping: String,
    /// Copies of every template (trace shape), in template order.
    pub copies: Vec<u64>,
    /// Executed region copies (the final record's step).
    pub steps: u64,
    /// `log2` of the stack segment's size; absent when the entry allocates nothing.
    pub log_stack: Option<u32>,
    /// The claimed return value's bits (`None` for void).
    pub ret: Option<u64>,
    /// The claimed final contents of each buffer argument, as hex.
    pub buffers: Vec<String>,
}

/// A proof file: the header (JSON) and the backend proof (binary).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProofFile {
    pub header: Header,
    pub proof: ProgramProof<Fr>,
}

impl ProofFile {
    pub fn to_bytes(&self) -> Vec<u8> {
        let head = serde_json::to_vec(&self.header).expect("a header serialises");
        let mut out = FILE_MAGIC.to_vec();
        out.extend((head.len() as u32).to_le_bytes());
        out.extend(head);
        out.extend(self.proof.to_bytes());
        out
    }

    /// Decodes a proof file; any other bytes are an error, never a panic.
    pub fn from_bytes(b: &[u8]) -> Result<ProofFile, String> {
        let bad = |m: &str| format!("not a tessera proof file: {m}");
        if b.len() < 8 || &b[..4] != FILE_MAGIC {
            return Err(bad("bad magic"));
        }
        let n = u32::from_le_bytes([b[4], b[5], b[6], b[7]]) as usize;
        let rest = &b[8..];
        if n > rest.len() {
            return Err(bad("truncated header"));
        }
        let header: Header = serde_json::from_slice(&rest[..n]).map_err(|e| bad(&format!("header: {e}")))?;
        // one encoding per header, so that no byte of a file is left unbound
        if serde_json::to_vec(&header).ok().as_deref() != Some(&rest[..n]) {
            return Err(bad("the header is not in canonical form"));
        }
        if header.version != FILE_VERSION {
            return Err(format!("proof file version {} (this verifier reads {FILE_VERSION})", header.version));
        }
        let proof = ProgramProof::from_bytes(&rest[n..]).map_err(|e| e.to_string())?;
        Ok(ProofFile { header, proof })
    }
}

/// Lower-case hex of `b` (how buffers are printed and claimed).
pub fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn unhex(s: &str) -> Result<Vec<u8>, String> {
    if !s.len().is_multiple_of(2) || !s.bytes().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f')) {
        return Err("a claimed buffer is not lower-case hex".into());
    }
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|e| e.to_string())).collect()
}

/// The public data every proof is bound to: the module after the pipeline (which fixes
/// the templates), the entry, the grouping, the arguments and the claimed results; and
/// `frontend`, how the program was compiled (files and flags), when not empty.
fn base_statement(m: &Module, grouping: Grouping, args: &[Arg], h: &Header, frontend: &[u8]) -> Statement {
    let mut s = Statement::new();
    if !frontend.is_empty() {
        s.public_bytes(b"tessera/frontend", frontend);
    }
    let f = &m.program.funcs[m.entry];
    let text = format!("{}", m.program);
    s.public_bytes(b"tessera/program", blake3::hash(text.as_bytes()).as_bytes());
    s.public_bytes(b"tessera/entry", f.name.as_bytes());
    s.public_bytes(b"tessera/grouping", grouping.name().as_bytes());
    let mut a = Vec::new();
    for arg in args {
        match arg {
            Arg::Int(v) => {
                a.push(0u8);
                a.extend(v.to_le_bytes());
            }
            Arg::Buffer(b) => {
                a.push(1u8);
                a.extend((b.len() as u64).to_le_bytes());
                a.extend(b);
            }
            Arg::Wide(l) => {
                a.push(2u8);
                l.iter().for_each(|x| a.extend(x.to_le_bytes()));
            }
        }
    }
    s.public_bytes(b"tessera/args", &a);
    s.public_bytes(b"tessera/steps", &h.steps.to_le_bytes());
    let copies: Vec<u8> = h.copies.iter().flat_map(|c| c.to_le_bytes()).collect();
    s.public_bytes(b"tessera/copies", &copies);
    match h.ret {
        Some(v) => s.public_bytes(b"tessera/return", &v.to_le_bytes()),
        None => s.public_bytes(b"tessera/return", b"void"),
    };
    s
}

/// The pieces both sides build from the module, the arguments and the header.
struct Built {
    glue: Vec<GlueTemplate>,
    system: System<Fr>,
    layered: Vec<Layered<Fr>>,
}

fn segments(m: &Module, args: &[Arg], h: &Header) -> Result<Vec<Segment<Fr>>, String> {
    let mut segs = Vec::new();
    let mem = Memory::new(&m.program);
    let mut cells: Vec<(u64, u8)> = Vec::new();
    for g in m.program.globals.keys() {
        let base = mem.global_addr(g);
        let data = mem.contents(base).unwrap_or(&[]);
        cells.extend(data.iter().enumerate().map(|(i, &b)| (base + i as u64, b)));
        cells.push((base + data.len() as u64, 0));
    }
    if let Some(end) = cells.iter().map(|c| c.0 + 1).max() {
        let log = ceil_log2((end - GLOBAL_BASE) as usize);
        let mut init = vec![Fr::from(0u64); 1 << log];
        for (a, b) in cells {
            init[(a - GLOBAL_BASE) as usize] = Fr::from(b as u64);
        }
        segs.push(Segment { set: MEMORY_SET, base: GLOBAL_BASE, log_size: log, init: Some(init), public_final: None });
    }
    let mut am = Memory::new(&m.program);
    let mut bufs = Vec::new();
    for (i, a) in args.iter().enumerate() {
        if let Arg::Buffer(b) = a {
            bufs.push((am.add_arg_buffer(i, b.clone()), b.clone()));
        }
    }
    if bufs.len() != h.buffers.len() {
        return Err(format!("the proof claims {} buffers; the arguments have {}", h.buffers.len(), bufs.len()));
    }
    if let Some(end) = bufs.iter().map(|(base, b)| base + b.len().max(1) as u64).max() {
        let log = ceil_log2((end - ARG_BASE) as usize);
        let mut init = vec![Fr::from(0u64); 1 << log];
        let mut fin = init.clone();
        for ((base, b), claimed) in bufs.iter().zip(&h.buffers) {
            let c = unhex(claimed)?;
            if c.len() != b.len() {
                return Err(format!("a claimed buffer has {} bytes; the argument has {}", c.len(), b.len()));
            }
            let o = (base - ARG_BASE) as usize;
            for (k, (&x, &y)) in b.iter().zip(&c).enumerate() {
                init[o + k] = Fr::from(x as u64);
                fin[o + k] = Fr::from(y as u64);
            }
        }
        segs.push(Segment {
            set: MEMORY_SET,
            base: ARG_BASE,
            log_size: log,
            init: Some(init),
            public_final: Some(fin),
        });
    }
    if let Some(k) = h.log_stack {
        if k > MAX_LOG_STACK {
            return Err(format!("the proof claims a stack of 2^{k} bytes (at most 2^{MAX_LOG_STACK})"));
        }
        segs.push(Segment { set: MEMORY_SET, base: STACK_BASE, log_size: k as usize, init: None, public_final: None });
    }
    Ok(segs)
}

/// The opcode machine's ROM (public, read only) and registers (parameters initialised).
fn machine_segments(m: &Module, machine: &Machine, args: &[Arg]) -> Vec<Segment<Fr>> {
    let f = &m.program.funcs[m.entry];
    let rom: Vec<Fr> = machine.rom().into_iter().map(Fr::from).collect();
    let log = ceil_log2(rom.len());
    let mut rom = rom;
    rom.resize(1 << log, Fr::from(0u64));
    let log_regs = ceil_log2(machine.registers);
    let mut regs = vec![Fr::from(0u64); 1 << log_regs];
    for (&p, v) in f.params.iter().zip(param_values(m, args)) {
        regs[tessera_ir::entity::EntityRef::index(p)] = Fr::from(v);
    }
    vec![
        Segment { set: MEMORY_SET, base: ROM_BASE, log_size: log, init: Some(rom.clone()), public_final: Some(rom) },
        Segment { set: MEMORY_SET, base: REG_BASE, log_size: log_regs, init: Some(regs), public_final: None },
    ]
}

fn build(m: &Module, grouping: Grouping, templates: Vec<Template>, args: &[Arg], h: &Header) -> Result<Built, String> {
    if h.copies.len() != templates.len() {
        return Err(format!("the proof has {} templates; the program has {}", h.copies.len(), templates.len()));
    }
    let machine = (grouping == Grouping::Opcode).then(|| {
        let f = &m.program.funcs[m.entry];
        Machine::new(&m.program, f, &Classes::compute(&m.program, f))
    });
    let init = match &machine {
        Some(mc) => vec![Fr::from(mc.entry_pc), Fr::from(0u64), Fr::from(STACK_BASE)],
        None => initial_record(m, args),
    };
    let sb = state_bits(&templates, init.len());
    let glue: Vec<GlueTemplate> = templates.par_iter().map(|t| glue_template(t, sb)).collect();
    let layered: Vec<Layered<Fr>> = glue
        .par_iter()
        .map(|g| layer_outputs::<Fr>(&g.template, &g.slots))
        .collect::<Result<_, LayerError>>()
        .map_err(|e| e.to_string())?;
    let mut specs = Vec::new();
    for ((g, l), &n) in glue.iter().zip(&layered).zip(&h.copies) {
        if n > 1 << 40 {
            return Err(format!("template {}: {n} copies", g.template.name));
        }
        // a template's copies are proven in power-of-two batches, each one instance of
        // the same circuit; the glue does not care which instance a record comes from
        let chunks = witness::copy_chunks(n as usize);
        for (k, &c) in chunks.iter().enumerate() {
            specs.push(TemplateSpec {
                name: if chunks.len() == 1 { g.template.name.clone() } else { format!("{}#{k}", g.template.name) },
                circuit: l.circuit.clone(),
                log_copies: ceil_log2(c),
                zero_block: g.zero_block,
                blocks: g.blocks.clone(),
            });
        }
    }
    let mut fin = vec![Fr::from(EXIT_TAG as u64), Fr::from(h.steps), Fr::from(STACK_BASE)];
    fin.extend(h.ret.map(Fr::from));
    let records = vec![
        PublicRecord { set: STATE_SET, side: Side::Produced, fields: init },
        PublicRecord { set: STATE_SET, side: Side::Consumed, fields: fin },
    ];
    let mut segs = segments(m, args, h)?;
    if let Some(mc) = &machine {
        segs.extend(machine_segments(m, mc, args));
    }
    let system = System { set_bits: vec![sb, MEMORY_BITS], templates: specs, segments: segs, records };
    system.check()?;
    Ok(Built { glue, system, layered })
}

/// Per template, what `prove --json` reports.
#[derive(Clone, Debug, serde::Serialize)]
pub struct TemplateReport {
    pub name: String,
    pub copies: u64,
    pub depth: usize,
    pub gates_per_copy: usize,
    pub inputs_per_copy: usize,
    pub advice_per_copy: usize,
}

/// What proving measured.
#[derive(Clone, Debug, serde::Serialize)]
pub struct ProveReport {
    pub templates: Vec<TemplateReport>,
    pub committed_elements: u64,
    /// Milliseconds: trace, witness, commit, gkr, glue, open.
    pub phases_ms: Vec<(&'static str, f64)>,
    pub proof_bytes: usize,
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1e3
}

/// The commitment parameters proofs use.
pub fn default_params() -> PcsParams {
    PcsParams::default()
}

/// Proves one run of `m` (the module after `grouping`'s pipeline) on `args`. `progress` is
/// told each phase as it starts.
pub fn prove(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    params: &PcsParams,
    progress: &dyn Fn(&str),
) -> Result<(ProofFile, ProveReport), String> {
    prove_with(m, grouping, args, params, progress, &Dishonest::default())
}

/// [`prove`], with `frontend` (how the program was compiled: the frontend's fingerprint of
/// its files and flags) bound into the statement; [`verify_bound`] checks it.
pub fn prove_bound(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    frontend: &[u8],
    params: &PcsParams,
    progress: &dyn Fn(&str),
) -> Result<(ProofFile, ProveReport), String> {
    prove_inner(m, grouping, args, frontend, params, progress, &Dishonest::default())
}

/// A dishonest prover, for tests: edits applied to the trace (before the header and the
/// witness are computed from it), to the header (the claims), and to the witness (before
/// it is committed). The proof is then made as usual; a sound verifier rejects it.
#[derive(Default)]
#[allow(clippy::type_complexity)]
pub struct Dishonest<'a> {
    pub trace: Option<&'a dyn Fn(&mut Trace)>,
    pub header: Option<&'a dyn Fn(&mut Header)>,
    pub witness: Option<&'a dyn Fn(&mut Witness<Fr>, &Header)>,
}

impl Dishonest<'_> {
    fn is_dishonest(&self) -> bool {
        self.trace.is_some() || self.header.is_some() || self.witness.is_some()
    }
}

/// [`prove`], with a [`Dishonest`] prover's edits (its witness is computed leniently:
/// advice that cannot be computed from a tampered trace is filled in anyway).
pub fn prove_with(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    params: &PcsParams,
    progress: &dyn Fn(&str),
    dishonest: &Dishonest<'_>,
) -> Result<(ProofFile, ProveReport), String> {
    prove_inner(m, grouping, args, &[], params, progress, dishonest)
}

fn prove_inner(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    frontend: &[u8],
    params: &PcsParams,
    progress: &dyn Fn(&str),
    dishonest: &Dishonest<'_>,
) -> Result<(ProofFile, ProveReport), String> {
    let mut phases = Vec::new();
    progress("trace");
    let t0 = Instant::now();
    let range: Arc<dyn RangeCheck> = lower::default_range_check();
    let mut tr = witness::trace(m, grouping, args, &ExecOptions::default(), &range).map_err(|e| e.to_string())?;
    if let Some(edit) = dishonest.trace {
        edit(&mut tr);
    }
    phases.push(("trace", ms(t0)));
    let mut header = header_of(m, grouping, &tr)?;
    if let Some(edit) = dishonest.header {
        edit(&mut header);
    }
    let built = build(m, grouping, tr.templates.clone(), args, &header)?;
    progress("witness");
    let t0 = Instant::now();
    let mut inputs: Vec<Vec<Fr>> = Vec::new();
    for ((t, c), l) in tr.templates.iter().zip(&tr.copies).zip(&built.layered) {
        let table = witness_table_with::<Fr>(t, c, &tr.memory, dishonest.is_dishonest()).map_err(|e| e.to_string())?;
        // one table per batch of copies (see `build`)
        let mut rows = &table[..];
        for size in witness::copy_chunks(c.len()) {
            let (batch, rest) = rows.split_at(size * t.num_inputs());
            inputs.push(pad_rows(batch, t.num_inputs(), l.circuit.input_width));
            rows = rest;
        }
    }
    let finals = final_memory(&built.system, &tr);
    phases.push(("witness", ms(t0)));
    // as `tessera check` counts them: every copy's inputs, padding copies included
    let committed_elements = witness::committed_elements(&tr);
    progress("commit, glue, gkr");
    let base = base_statement(m, grouping, args, &header, frontend);
    let mut transcript = Transcript::new(DOMAIN);
    let mut timings = tessera_gkr::program::Timings::default();
    let mut w = Witness { inputs, finals };
    if let Some(edit) = dishonest.witness {
        edit(&mut w, &header);
    }
    let proof = prove_program(&built.system, w, &base, params, &mut transcript, &mut timings)
        .map_err(|e| format!("prove: {e}"))?;
    phases.extend([
        ("commit", timings.commit_ms),
        ("gkr", timings.gkr_ms),
        ("glue", timings.glue_ms),
        ("open", timings.open_ms),
    ]);
    let file = ProofFile { header, proof };
    let templates = built
        .glue
        .iter()
        .zip(&built.layered)
        .zip(&file.header.copies)
        .map(|((g, l), &copies)| {
            let st = g.template.stats();
            TemplateReport {
                name: g.template.name.clone(),
                copies,
                depth: l.stats.depth,
                gates_per_copy: l.stats.gates(),
                inputs_per_copy: g.template.num_inputs(),
                advice_per_copy: st.advice,
            }
        })
        .collect();
    let proof_bytes = file.to_bytes().len();
    Ok((file, ProveReport { templates, committed_elements, phases_ms: phases, proof_bytes }))
}

/// The `proof` stage's text: what is claimed, the trace shape, per template its copies and
/// circuit, and the proof's parts and size (timings left out, so that it is the same on
/// every run).
pub fn summary(file: &ProofFile, report: &ProveReport) -> String {
    use std::fmt::Write;
    let h = &file.header;
    let mut s = String::new();
    let _ = writeln!(s, "proof of entry '{}' ({} grouping), valid", h.entry, h.grouping);
    match h.ret {
        Some(v) => {
            let _ = writeln!(s, "  return value: {v}");
        }
        None => {
            let _ = writeln!(s, "  return value: void");
        }
    }
    for (i, b) in h.buffers.iter().enumerate() {
        let _ = writeln!(s, "  buffer {i}: {b}");
    }
    let log_stack = h.log_stack.map(|k| format!("2^{k} bytes")).unwrap_or_else(|| "none".into());
    let _ = writeln!(s, "  steps: {}, stack segment: {log_stack}", h.steps);
    let _ = writeln!(s, "  committed field elements: {}", report.committed_elements);
    for t in &report.templates {
        let _ = writeln!(
            s,
            "  template {}: {} copies, depth {}, {} gates, {} inputs ({} advice) per copy",
            t.name, t.copies, t.depth, t.gates_per_copy, t.inputs_per_copy, t.advice_per_copy
        );
    }
    let _ = write!(s, "{}", file.proof);
    let _ = writeln!(s, "file: {} bytes", file.to_bytes().len());
    s
}

fn header_of(m: &Module, grouping: Grouping, tr: &Trace) -> Result<Header, String> {
    let f = &m.program.funcs[m.entry];
    let steps: u64 = tr.copies.iter().map(|c| c.len() as u64).sum();
    let extent =
        tr.memory.iter().filter(|r| r.ev.addr >= STACK_BASE).map(|r| r.ev.addr + r.ev.len as u64 - STACK_BASE).max();
    let log_stack = extent.map(|e| ceil_log2(e as usize) as u32);
    if log_stack.is_some_and(|k| k > MAX_LOG_STACK) {
        return Err("the run's stack exceeds 2^32 bytes".into());
    }
    Ok(Header {
        version: FILE_VERSION,
        entry: f.name.clone(),
        grouping: grouping.name().to_string(),
        copies: tr.copies.iter().map(|c| c.len() as u64).collect(),
        steps,
        log_stack,
        // a poison return (an entry without noundef) is proven as 0, a value poison may take
        ret: tr.outcome.ret.map(|(_, v)| v.unwrap_or(0)),
        buffers: tr.outcome.buffers.iter().map(|b| hex(b)).collect(),
    })
}

/// Copy-major rows of `w` inputs widened to the circuit's (power-of-two) input width.
fn pad_rows(table: &[Fr], w: usize, width: usize) -> Vec<Fr> {
    if w == width {
        return table.to_vec();
    }
    let mut out = vec![Fr::from(0u64); table.len() / w.max(1) * width];
    out.par_chunks_mut(width).zip(table.par_chunks(w.max(1))).for_each(|(o, i)| o[..i.len()].copy_from_slice(i));
    out
}

/// Each segment's final bytes and timestamps: the last access to every cell.
fn final_memory(system: &System<Fr>, tr: &Trace) -> Vec<(Vec<Fr>, Vec<Fr>)> {
    // per cell its latest (ts, value); ROM cells keep their value (None)
    let mut last: HashMap<u64, (u64, Option<u64>)> = HashMap::new();
    let mut put = |addr: u64, ts: u64, v: Option<u64>| {
        let e = last.entry(addr).or_insert((0, None));
        if ts >= e.0 {
            *e = (ts, v.or(e.1));
        }
    };
    for r in &tr.memory {
        match r.kind {
            CellKind::Bytes => {
                for k in 0..r.ev.len as u64 {
                    put(r.ev.addr + k, r.ts, Some((r.ev.value >> (8 * k)) & 0xff));
                }
            }
            CellKind::Register => put(r.ev.addr, r.ts, Some(r.ev.value)),
            CellKind::Rom => {
                for k in 0..r.ev.len as u64 {
                    put(r.ev.addr + k, r.ts, None);
                }
            }
        }
    }
    system
        .segments
        .iter()
        .map(|s| {
            let n = 1usize << s.log_size;
            let mut v = s.init.clone().unwrap_or_else(|| vec![Fr::from(0u64); n]);
            let mut t = vec![Fr::from(0u64); n];
            for (i, (vi, ti)) in v.iter_mut().zip(t.iter_mut()).enumerate() {
                if let Some(&(ts, b)) = last.get(&(s.base + i as u64)) {
                    if let Some(b) = b {
                        *vi = Fr::from(b);
                    }
                    *ti = Fr::from(ts);
                }
            }
            (v, t)
        })
        .collect()
}

/// What a valid proof establishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    pub ret: Option<u64>,
    pub buffers: Vec<Vec<u8>>,
    pub steps: u64,
}

/// Verifies `file` against `m` (the module after `grouping`'s pipeline) and `args`;
/// the error names the failing check.
pub fn verify(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    file: &ProofFile,
    params: &PcsParams,
) -> Result<Verified, String> {
    verify_bound(m, grouping, args, &[], file, params)
}

/// [`verify`] for a proof made by [`prove_bound`] with the same `frontend` bytes.
pub fn verify_bound(
    m: &Module,
    grouping: Grouping,
    args: &[Arg],
    frontend: &[u8],
    file: &ProofFile,
    params: &PcsParams,
) -> Result<Verified, String> {
    let h = &file.header;
    let f = &m.program.funcs[m.entry];
    if h.entry != f.name {
        return Err(format!("the proof is for entry '{}', not '{}'", h.entry, f.name));
    }
    if h.grouping != grouping.name() {
        return Err(format!("the proof is for {} grouping, not {}", h.grouping, grouping.name()));
    }
    match (&f.ret, h.ret) {
        (Some(_), None) | (None, Some(_)) => {
            return Err("the claimed return value does not fit the entry's type".into())
        }
        (Some(ty), Some(v)) if v & !ty.mask() != 0 => {
            return Err(format!("the claimed return value {v} does not fit in {ty}"));
        }
        _ => {}
    }
    let range: Arc<dyn RangeCheck> = lower::default_range_check();
    let templates = lower::lower_module(m, grouping, &range).map_err(|e| e.to_string())?;
    let built = build(m, grouping, templates, args, h)?;
    let base = base_statement(m, grouping, args, h, frontend);
    let mut transcript = Transcript::new(DOMAIN);
    verify_program(&built.system, &file.proof, &base, params, &mut transcript)
        .map_err(|e: VerifyError| e.to_string())?;
    let buffers = h.buffers.iter().map(|b| unhex(b)).collect::<Result<_, _>>()?;
    Ok(Verified { ret: h.ret, buffers, steps: h.steps })
}
