//! Small editing helpers shared by the transforms: making instructions outside any block,
//! rewriting uses, and dropping blocks from the layout.

use indexmap::IndexMap;
use tessera_ir::{Block, Function, Inst, InstData, InstKind, SrcLoc, Type, Value, ValueData, ValueDef};

/// Creates an instruction (and its result value) that belongs to no block yet.
pub fn create_inst(f: &mut Function, kind: InstKind, ty: Option<Type>, loc: Option<SrcLoc>) -> (Inst, Option<Value>) {
    let inst = f.insts.push(InstData { kind, result: None, loc });
    let result = ty.map(|ty| f.values.push(ValueData { ty, def: ValueDef::Inst(inst) }));
    f.insts[inst].result = result;
    (inst, result)
}

/// Appends instructions to a list while building a block body.
pub struct Builder<'a> {
    pub f: &'a mut Function,
    pub out: Vec<Inst>,
    pub loc: Option<SrcLoc>,
}

impl<'a> Builder<'a> {
    /// A builder writing into a fresh list.
    pub fn new(f: &'a mut Function) -> Self {
        Builder { f, out: Vec::new(), loc: None }
    }
    /// Emits an instruction with a result of type `ty`.
    pub fn emit(&mut self, kind: InstKind, ty: Type) -> Value {
        let (i, v) = create_inst(self.f, kind, Some(ty), self.loc.clone());
        self.out.push(i);
        v.expect("typed instruction has a result")
    }
    /// Emits an instruction without a result.
    pub fn emit_void(&mut self, kind: InstKind) -> Inst {
        let (i, _) = create_inst(self.f, kind, None, self.loc.clone());
        self.out.push(i);
        i
    }
    /// The `i1` constant.
    pub fn bool_const(&mut self, b: bool) -> Value {
        self.f.const_value(Type::I1, b as u64)
    }
    /// `x && y` as `select x, y, false` (never poison when `x` is false).
    pub fn and(&mut self, x: Value, y: Value) -> Value {
        if self.is_const(x, 1) {
            return y;
        }
        if self.is_const(y, 1) {
            return x;
        }
        let fls = self.bool_const(false);
        self.emit(InstKind::Select { cond: x, if_true: y, if_false: fls }, Type::I1)
    }
    /// `x || y` as `select x, true, y`.
    pub fn or(&mut self, x: Value, y: Value) -> Value {
        if self.is_const(x, 0) {
            return y;
        }
        if self.is_const(y, 0) {
            return x;
        }
        let tru = self.bool_const(true);
        self.emit(InstKind::Select { cond: x, if_true: tru, if_false: y }, Type::I1)
    }
    /// `!x` as `xor x, true`.
    pub fn not(&mut self, x: Value) -> Value {
        if let Some(c) = self.f.as_const(x) {
            return self.bool_const(c == 0);
        }
        let tru = self.bool_const(true);
        self.emit(InstKind::Binary { op: tessera_ir::BinOp::Xor, flags: Default::default(), lhs: x, rhs: tru }, Type::I1)
    }
    /// `c ? a : b`, folded when `c` is constant or both arms agree.
    pub fn select(&mut self, c: Value, a: Value, b: Value) -> Value {
        if a == b {
            return a;
        }
        match self.f.as_const(c) {
            Some(1) => a,
            Some(0) => b,
            _ => {
                let ty = self.f.ty(a);
                self.emit(InstKind::Select { cond: c, if_true: a, if_false: b }, ty)
            }
        }
    }
    fn is_const(&self, v: Value, c: u64) -> bool {
        self.f.as_const(v) == Some(c)
    }
}

/// Rewrites every use of a key of `map` (in blocks of the layout) to its value, following
/// chains (`a -> b -> c` rewrites `a` to `c`).
pub fn replace_uses(f: &mut Function, map: &IndexMap<Value, Value>) {
    if map.is_empty() {
        return;
    }
    let resolve = |mut v: Value| {
        let mut n = 0;
        while let Some(&w) = map.get(&v) {
            v = w;
            n += 1;
            if n > map.len() {
                break;
            }
        }
        v
    };
    let layout = f.layout.clone();
    for b in layout {
        for k in 0..f.blocks[b].insts.len() {
            let i = f.blocks[b].insts[k];
            f.insts[i].kind.map_operands(resolve);
        }
    }
}

/// Rewrites, in the phis of `block`, incoming block `from` to `to`.
pub fn rename_phi_pred(f: &mut Function, block: Block, from: Block, to: Block) {
    for k in 0..f.blocks[block].insts.len() {
        let i = f.blocks[block].insts[k];
        if let InstKind::Phi { incoming } = &mut f.insts[i].kind {
            for (b, _) in incoming.iter_mut() {
                if *b == from {
                    *b = to;
                }
            }
        } else {
            break;
        }
    }
}

/// The phis at the top of a block.
pub fn phis(f: &Function, b: Block) -> Vec<Inst> {
    f.blocks[b].insts.iter().copied().take_while(|&i| matches!(f.insts[i].kind, InstKind::Phi { .. })).collect()
}

/// Removes blocks that cannot be reached from the entry, then drops phi entries naming a block
/// that is no longer a predecessor. Returns true if any block was removed.
pub fn remove_unreachable(f: &mut Function) -> bool {
    use tessera_ir::entity::EntityRef;
    let entry = f.entry();
    let mut seen = vec![false; f.blocks.len()];
    let mut stack = vec![entry];
    seen[entry.index()] = true;
    while let Some(b) = stack.pop() {
        for s in f.successors(b) {
            if !seen[s.index()] {
                seen[s.index()] = true;
                stack.push(s);
            }
        }
    }
    let before = f.layout.len();
    f.layout.retain(|&b| seen[b.index()]);
    prune_phis(f);
    f.layout.len() != before
}

/// Keeps, in every phi, exactly one entry per actual predecessor.
pub fn prune_phis(f: &mut Function) {
    use tessera_ir::entity::EntityRef;
    let preds = tessera_ir::verify::predecessors(f);
    let layout = f.layout.clone();
    for b in layout {
        let ps = &preds[b.index()];
        for i in phis(f, b) {
            if let InstKind::Phi { incoming } = &mut f.insts[i].kind {
                let mut seen: Vec<Block> = Vec::new();
                incoming.retain(|(p, _)| {
                    let keep = ps.contains(p) && !seen.contains(p);
                    seen.push(*p);
                    keep
                });
            }
        }
    }
}
