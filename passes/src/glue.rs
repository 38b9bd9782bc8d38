//! The glue's multiset identities, checked directly on a trace (no proof yet): the records
//! every template produces must chain the copies into exactly one execution.
//!
//! - **State**: the records the copies consume, plus the final record `(exit, steps, sp,
//!   return value)`, equal the records they produce plus the initial record `(entry, 0, sp,
//!   arguments)`, as multisets. The initial and final records are built from public data
//!   only: the program, the arguments, the claimed return value and the number of copies.
//! - **Memory** (offline memory checking over byte cells): the initial cells `(addr, byte, 0)`
//!   plus every produced cell equal every consumed cell plus the final cells `(addr, byte,
//!   last ts)`, over the cells the run touched. Initial bytes are the program's globals, the
//!   argument buffers, and zero elsewhere.
//!
//! - **Opcode grouping** ([`crate::lower::opcode::Machine`]): the state records are the
//!   machine's `(pc, step, sp)`, and memory includes the ROM (one fetch per instruction) and
//!   the registers (one read per operand, one write per result), initialised from the
//!   program and the arguments.
//!
//! The whole-program prover ([`crate::prove`]) proves these same identities with grand
//! products of fingerprints; this module is the reference it is tested against, and what
//! `tessera check` reports.

use crate::canon::Classes;
use crate::lower::opcode::{REG_BASE, ROM_BASE};
use crate::pass::{Grouping, Module};
use crate::template::{block_tag, to_u128, Template, EXIT_TAG, STATE_HEADER};
use crate::witness::{walk_into, Trace, Walk};
use std::collections::HashMap;
use tessera_gkr::Fr;
use tessera_ir::exec::{Arg, Memory, STACK_BASE};

/// What the glue check found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GlueReport {
    /// State records consumed and produced (initial and final included).
    pub state_records: u64,
    /// Memory cells consumed and produced (initial and final included).
    pub memory_records: u64,
    /// Distinct byte cells the run touched.
    pub cells: u64,
}

/// Why the records do not chain: the first record counted more often on one side.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum GlueError {
    #[error("state records do not chain: {0}")]
    State(String),
    #[error("memory records do not match: {0}")]
    Memory(String),
    #[error("witness: {0}")]
    Witness(String),
}

type Multiset = HashMap<Vec<Fr>, i64>;

fn count(set: &mut Multiset, rec: Vec<Fr>, by: i64) {
    *set.entry(rec).or_insert(0) += by;
}

/// A state record as its fingerprint `alpha - sum beta^i f_i` sees it: trailing zero values
/// (padding to the widest successor) do not count.
fn state_key(mut rec: Vec<Fr>) -> Vec<Fr> {
    while rec.len() > STATE_HEADER && rec.last().is_some_and(|x| *x == Fr::from(0u64)) {
        rec.pop();
    }
    rec
}

fn first_imbalance(set: &Multiset) -> Option<String> {
    let mut bad: Vec<(&Vec<Fr>, &i64)> = set.iter().filter(|(_, &n)| n != 0).collect();
    bad.sort_by_key(|(r, _)| r.iter().map(|x| to_u128(x).unwrap_or(u128::MAX)).collect::<Vec<_>>());
    let show = |(r, n): &(&Vec<Fr>, &i64)| {
        let fields: Vec<String> =
            r.iter().map(|x| to_u128(x).map(|v| v.to_string()).unwrap_or_else(|| x.to_string())).collect();
        let side = if **n > 0 { "produced (or initial) but never consumed" } else { "consumed but never produced" };
        format!("[{}] {side} ({} more)", fields.join(", "), n.abs())
    };
    let first = bad.first().map(show)?;
    // The closest record on the other side, if any, says what differs.
    let other = bad.iter().find(|(_, n)| (**n > 0) != (*bad[0].1 > 0)).map(show);
    Some(match other {
        Some(o) => format!("{first}; the other side has {o}"),
        None => first,
    })
}

/// The entry's parameters as the interpreter passes them (integers masked to their width,
/// buffers at the addresses it gives them).
pub fn param_values(m: &Module, args: &[Arg]) -> Vec<u64> {
    let f = &m.program.funcs[m.entry];
    let mut mem = Memory::new(&m.program);
    args.iter()
        .enumerate()
        .map(|(i, a)| match a {
            Arg::Int(v) => v & f.ty(f.params[i]).mask(),
            // Only a parameter no instruction reads can be wide here (`refuse_unlowerable`).
            Arg::Wide(l) => l[0],
            Arg::Buffer(b) => mem.add_arg_buffer(i, b.clone()),
        })
        .collect()
}

/// The initial state record: the entry block with the arguments as the interpreter passes
/// them (buffers at their addresses).
pub fn initial_record(m: &Module, args: &[Arg]) -> Vec<Fr> {
    let f = &m.program.funcs[m.entry];
    let classes = Classes::compute(&m.program, f);
    let entry = f.entry();
    let (c, k) = classes.of_block[&entry];
    let class = &classes.classes[c];
    let member = &class.members[k];
    let vals = param_values(m, args);
    let mut rec = vec![Fr::from(block_tag(entry) as u64), Fr::from(0u64), Fr::from(STACK_BASE)];
    for v in member.inputs.iter().chain(&member.carried) {
        let x = f.params.iter().position(|p| p == v).map(|i| vals[i]).unwrap_or(0);
        rec.push(Fr::from(x));
    }
    rec.resize(STATE_HEADER + class.input_width(), Fr::from(0u64));
    rec
}

/// Checks the state and memory identities of a trace of `m` in any grouping (the
/// module after the pipeline) run on `args`.
pub fn check_glue(m: &Module, grouping: Grouping, args: &[Arg], tr: &Trace) -> Result<GlueReport, GlueError> {
    // opcode grouping: the machine's ROM and registers are memory too
    let machine = (grouping == Grouping::Opcode).then(|| {
        let f = &m.program.funcs[m.entry];
        crate::lower::opcode::Machine::new(&m.program, f, &Classes::compute(&m.program, f))
    });
    let mut state = Multiset::new();
    let mut cells = Multiset::new();
    // Per cell: its last (ts, byte), for the final set.
    let mut last: HashMap<u128, (u128, Fr)> = HashMap::new();
    let mut state_records = 0u64;
    let mut memory_records = 0u64;
    let steps: u64 = tr.copies.iter().map(|c| c.len() as u64).sum();
    for (t, copies) in tr.templates.iter().zip(&tr.copies) {
        let consts = t.constants::<Fr>();
        let mut w = Walk::default();
        for ct in copies {
            let mem = &tr.memory[ct.mem.0 as usize..ct.mem.1 as usize];
            walk_into(t, &consts, ct, mem, false, &mut w).map_err(GlueError::Witness)?;
            add_copy(t, &w.values, &mut state, &mut cells, &mut last, &mut state_records, &mut memory_records);
        }
    }
    let initial = match &machine {
        Some(mc) => vec![Fr::from(mc.entry_pc), Fr::from(0u64), Fr::from(STACK_BASE)],
        None => initial_record(m, args),
    };
    count(&mut state, state_key(initial), 1);
    // A poison return (an entry without noundef) is proven as 0, a value poison may take.
    let ret = tr.outcome.ret.map(|(_, v)| v.unwrap_or(0));
    let mut fin = vec![Fr::from(EXIT_TAG as u64), Fr::from(steps), Fr::from(STACK_BASE)];
    fin.extend(ret.map(Fr::from));
    count(&mut state, state_key(fin), -1);
    state_records += 2;
    // Initial and final cells of everything touched.
    let mut init_mem = Memory::new(&m.program);
    for (i, a) in args.iter().enumerate() {
        if let Arg::Buffer(b) = a {
            init_mem.add_arg_buffer(i, b.clone());
        }
    }
    let f = &m.program.funcs[m.entry];
    let regs: HashMap<u128, u64> = f
        .params
        .iter()
        .zip(param_values(m, args))
        .map(|(&p, v)| (REG_BASE as u128 + tessera_ir::entity::EntityRef::index(p) as u128, v))
        .collect();
    let rom = machine.as_ref().map(|mc| mc.rom()).unwrap_or_default();
    for (&addr, &(ts, byte)) in &last {
        let init = if machine.is_some() && addr >= REG_BASE as u128 && addr < STACK_BASE as u128 {
            regs.get(&addr).copied().unwrap_or(0)
        } else if machine.is_some() && addr >= ROM_BASE as u128 && addr < REG_BASE as u128 {
            rom.get((addr - ROM_BASE as u128) as usize).copied().unwrap_or(0)
        } else {
            init_mem.read(addr as u64, 1).map(|b| b[0] as u64).unwrap_or(0)
        };
        count(&mut cells, vec![Fr::from(addr), Fr::from(init), Fr::from(0u64)], 1);
        count(&mut cells, vec![Fr::from(addr), byte, Fr::from(ts)], -1);
        memory_records += 2;
    }
    if let Some(e) = first_imbalance(&state) {
        return Err(GlueError::State(e));
    }
    if let Some(e) = first_imbalance(&cells) {
        return Err(GlueError::Memory(e));
    }
    Ok(GlueReport { state_records, memory_records, cells: last.len() as u64 })
}

/// Counts one copy's records: produced +1, consumed -1 (state); consumed -1, produced +1
/// (memory cells), tracking each cell's last access.
fn add_copy(
    t: &Template,
    v: &[Fr],
    state: &mut Multiset,
    cells: &mut Multiset,
    last: &mut HashMap<u128, (u128, Fr)>,
    state_records: &mut u64,
    memory_records: &mut u64,
) {
    let val = |n: crate::template::Node| v[n.0 as usize];
    let one = Fr::from(1u64);
    if val(t.consumed.active) == one {
        count(state, state_key(t.consumed.fields.iter().map(|&n| val(n)).collect()), -1);
        *state_records += 1;
    }
    if val(t.produced.active) == one {
        count(state, state_key(t.produced.fields.iter().map(|&n| val(n)).collect()), 1);
        *state_records += 1;
    }
    for a in &t.memory {
        if val(a.active) != one {
            continue;
        }
        let ts = val(a.ts);
        for c in &a.cells {
            let addr = val(c.addr);
            count(cells, vec![addr, val(c.old), val(c.ts_prev)], -1);
            count(cells, vec![addr, val(c.new), ts], 1);
            *memory_records += 2;
            let (ka, kt) = (to_u128(&addr).unwrap_or(u128::MAX), to_u128(&ts).unwrap_or(0));
            let e = last.entry(ka).or_insert((0, Fr::from(0u64)));
            if kt >= e.0 {
                *e = (kt, val(c.new));
            }
        }
    }
}
