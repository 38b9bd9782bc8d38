//! Canonical forms of regions, and classes of identical regions.
//!
//! A region (a block of the program after region formation) prints canonically as: its phis
//! (types only: the predecessor resolves them), its instructions with local values numbered
//! `%0..` and values from outside numbered `%in0..` in order of first use, constants and
//! globals literal, successors numbered `^0..` in order of appearance, and for each successor
//! the phi operands this region hands it. Two regions have the same text exactly when they are
//! identical up to renaming of values and blocks, so one template computes both.
//!
//! What is *not* in the text, because it differs between members of a class without changing
//! the computation, is kept per member:
//! - its successors (which blocks `^0..` are);
//! - its **carried** values: live through the region, neither used nor defined by it (an
//!   inlined callee's loop carries different caller values at each call site);
//! - its **exports**: for each successor, the successor's live-ins in definition order.
//!
//! A copy's inputs are the region's phis, its used outside values (`%in0..`), then its carried
//! values, padded with zeros to the class's widest member. The state records of the glue are
//! keyed by value, with per-member slot tables for carried and exported values, so members of
//! one class share one template.

use crate::analysis::{Cfg, Liveness};
use indexmap::IndexMap;
use std::cell::RefCell;
use std::fmt::{self, Write};
use tessera_ir::display::{inst_text, Names, Namer};
use tessera_ir::{Block, Function, InstKind, Program, Value, ValueDef};

/// A region's canonical text and what follows from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CanonicalForm {
    pub text: String,
    /// FNV-1a 64 of `text` (stable across runs and toolchains).
    pub hash: u64,
    /// The values the region computes with, in canonical order: phi results, then the outside
    /// values it uses as `%in0..`.
    pub inputs: Vec<Value>,
    /// Values live through the region that it neither uses nor defines, in definition order.
    pub carried: Vec<Value>,
    /// For each successor (in `^` order): the successor and its live-ins, in definition order.
    pub exports: Vec<(Block, Vec<Value>)>,
    /// Instructions in the region, phis and terminator included.
    pub instructions: usize,
}

struct Local {
    own: IndexMap<Value, usize>,
    ext: RefCell<IndexMap<Value, usize>>,
    blocks: RefCell<IndexMap<Block, usize>>,
}

impl Names for Local {
    fn value(&self, p: Option<&Program>, f: &Function, v: Value) -> String {
        match &f.values[v].def {
            ValueDef::Param(_) | ValueDef::Inst(_) => {}
            _ => return Namer::new_empty().value(p, f, v),
        }
        if let Some(n) = self.own.get(&v) {
            return format!("%{n}");
        }
        let mut ext = self.ext.borrow_mut();
        let n = ext.len();
        format!("%in{}", *ext.entry(v).or_insert(n))
    }
    fn block(&self, b: Block) -> String {
        let mut bl = self.blocks.borrow_mut();
        let n = bl.len();
        format!("^{}", *bl.entry(b).or_insert(n))
    }
}

/// 64-bit FNV-1a.
pub fn fnv1a(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The values block `b` hands successor `s`'s phis, in phi order.
pub fn phi_operands(f: &Function, b: Block, s: Block) -> Vec<Value> {
    let mut out = Vec::new();
    for i in crate::edit::phis(f, s) {
        if let InstKind::Phi { incoming } = &f.insts[i].kind {
            if let Some((_, v)) = incoming.iter().find(|(x, _)| *x == b) {
                out.push(*v);
            }
        }
    }
    out
}

/// The canonical form of block `b` of `f`.
pub fn canonical_form(p: &Program, f: &Function, b: Block, live: &Liveness) -> CanonicalForm {
    let insts = &f.blocks[b].insts;
    let mut own = IndexMap::new();
    for &i in insts {
        if let Some(r) = f.insts[i].result {
            let n = own.len();
            own.insert(r, n);
        }
    }
    let names = Local { own, ext: RefCell::new(IndexMap::new()), blocks: RefCell::new(IndexMap::new()) };
    let mut text = String::new();
    let mut phis = Vec::new();
    for &i in insts {
        match &f.insts[i].kind {
            InstKind::Phi { .. } => {
                let r = f.insts[i].result.expect("phi result");
                phis.push(r);
                let _ = writeln!(text, "{} = phi {}", names.value(Some(p), f, r), f.ty(r));
            }
            _ => {
                let _ = writeln!(text, "{}", inst_text(&names, Some(p), f, i));
            }
        }
    }
    let mut exports = Vec::new();
    for s in f.successors(b) {
        let ops: Vec<String> = phi_operands(f, b, s).iter().map(|&v| names.value(Some(p), f, v)).collect();
        let _ = writeln!(text, "  {} <- ({})", names.block(s), ops.join(", "));
        exports.push((s, live.live_in(s).to_vec()));
    }
    let mut inputs = phis;
    let used = names.ext.borrow();
    inputs.extend(used.keys().copied());
    let carried = live.live_in(b).iter().copied().filter(|v| !used.contains_key(v)).collect();
    CanonicalForm { hash: fnv1a(&text), text, inputs, carried, exports, instructions: insts.len() }
}

/// One member of a class: a block, its inputs in the class's canonical order, and what it
/// carries and exports (see the module docs).
#[derive(Clone, Debug)]
pub struct Member {
    pub block: Block,
    pub inputs: Vec<Value>,
    pub carried: Vec<Value>,
    pub exports: Vec<(Block, Vec<Value>)>,
}

/// A class of identical regions: one template.
#[derive(Clone, Debug)]
pub struct Class {
    /// `c0`, `c1`, ... in order of the first member in the layout.
    pub name: String,
    pub form: CanonicalForm,
    pub members: Vec<Member>,
}

impl Class {
    /// Carried values per copy: the most any member carries.
    pub fn carry_width(&self) -> usize {
        self.members.iter().map(|m| m.carried.len()).max().unwrap_or(0)
    }
    /// Inputs per copy: phis, used outside values, carried values (padded).
    pub fn input_width(&self) -> usize {
        self.form.inputs.len() + self.carry_width()
    }
}

/// The classes of a function's regions.
#[derive(Clone, Debug)]
pub struct Classes {
    pub classes: Vec<Class>,
    /// For each block (by index), its class and member number.
    pub of_block: IndexMap<Block, (usize, usize)>,
}

impl Classes {
    /// Groups the blocks of `f` (reachable, in layout order) by canonical form.
    pub fn compute(p: &Program, f: &Function) -> Classes {
        let cfg = Cfg::compute(f);
        let live = Liveness::compute(f, &cfg);
        let mut by_text: IndexMap<String, usize> = IndexMap::new();
        let mut classes: Vec<Class> = Vec::new();
        let mut of_block = IndexMap::new();
        for &b in &f.layout {
            if !cfg.is_reachable(b) {
                continue;
            }
            let form = canonical_form(p, f, b, &live);
            let k = match by_text.get(&form.text) {
                Some(&k) => k,
                None => {
                    let k = classes.len();
                    by_text.insert(form.text.clone(), k);
                    classes.push(Class { name: format!("c{k}"), form: form.clone(), members: Vec::new() });
                    k
                }
            };
            of_block.insert(b, (k, classes[k].members.len()));
            classes[k].members.push(Member { block: b, inputs: form.inputs, carried: form.carried, exports: form.exports });
        }
        Classes { classes, of_block }
    }

    /// A text dump: each class with its members and canonical text.
    pub fn display<'a>(&'a self, f: &'a Function) -> impl fmt::Display + 'a {
        ClassesDisplay { c: self, f }
    }
}

struct ClassesDisplay<'a> {
    c: &'a Classes,
    f: &'a Function,
}

impl fmt::Display for ClassesDisplay<'_> {
    fn fmt(&self, out: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = Namer::new(self.f);
        for c in &self.c.classes {
            let members: Vec<String> = c.members.iter().map(|m| n.block(m.block)).collect();
            writeln!(
                out,
                "{}: {} member(s) [{}], {} input(s) + {} carried, {} instruction(s), hash {:016x}",
                c.name,
                c.members.len(),
                members.join(", "),
                c.form.inputs.len(),
                c.carry_width(),
                c.form.instructions,
                c.form.hash
            )?;
            for line in c.form.text.lines() {
                writeln!(out, "    {line}")?;
            }
        }
        Ok(())
    }
}
