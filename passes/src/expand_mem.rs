//! Expands memory intrinsics of a non-constant or large length into loops of byte loads and stores.

use crate::edit::{rename_phi_pred, Builder};
use tessera_ir::{BinOp, Block, CastOp, Function, IcmpPred, Inst, InstKind, Type, Value, ValueDef};

/// The longest constant length a memory intrinsic keeps; longer or non-constant ones become
/// loops.
pub const MAX_INLINE_MEM_BYTES: u64 = 64;

/// Expands every memory intrinsic of `f` that needs it; returns how many were expanded.
///
/// The block is split at the intrinsic: what precedes it stays and ends in a branch to the
/// loop (or straight to the continuation when the length is zero, so that no memory is
/// touched), what follows it moves to a new continuation block. A copy reads each source byte
/// before any write can reach it, as the interpreter's read-all-then-write does: it runs
/// forward when `dst <= src` (unsigned) and backward from the end otherwise, which is
/// `memmove` and so also right for `memcpy`. Every new instruction keeps the debug location
/// of the intrinsic it replaces.
pub fn expand_mem(f: &mut Function) -> usize {
    let mut expanded = 0;
    // Continuation blocks are placed after the block they come from, so the scan reaches
    // them and expands any later intrinsic of the same original block.
    let mut k = 0;
    while k < f.layout.len() {
        let b = f.layout[k];
        if let Some(pos) = f.blocks[b].insts.iter().position(|&i| needs_expansion(f, i)) {
            expand(f, b, pos);
            expanded += 1;
        }
        k += 1;
    }
    expanded
}

/// True for a memory intrinsic whose length is not a constant of at most
/// [`MAX_INLINE_MEM_BYTES`].
pub fn needs_expansion(f: &Function, i: Inst) -> bool {
    match f.insts[i].kind {
        InstKind::MemCopy { len, .. } | InstKind::MemSet { len, .. } => {
            f.as_const(len).is_none_or(|n| n > MAX_INLINE_MEM_BYTES)
        }
        _ => false,
    }
}

/// Replaces the intrinsic at `pos` of block `b` by its loops.
fn expand(f: &mut Function, b: Block, pos: usize) {
    let inst = f.blocks[b].insts[pos];
    debug_assert!(f.insts[inst].result.is_none(), "memory intrinsics have no result");
    let kind = f.insts[inst].kind.clone();
    let loc = f.insts[inst].loc.clone();
    let tail = f.blocks[b].insts.split_off(pos + 1);
    f.blocks[b].insts.pop();
    let cont = f.blocks.push(Default::default());
    f.blocks[cont].insts = tail;
    for s in f.successors(cont) {
        rename_phi_pred(f, s, b, cont);
    }
    let mut new_blocks = Vec::new();
    let mut bld = Builder { f: &mut *f, out: Vec::new(), loc };
    let len = match kind {
        InstKind::MemCopy { len, .. } | InstKind::MemSet { len, .. } => len,
        _ => unreachable!("only memory intrinsics are expanded"),
    };
    let may_be_zero = bld.f.as_const(len).is_none();
    let n = byte_count(&mut bld, len);
    match kind {
        InstKind::MemSet { dst, byte, .. } => {
            let byte = low_byte(&mut bld, byte);
            let lp = bld.f.blocks.push(Default::default());
            enter(&mut bld, b, lp, cont, n, may_be_zero);
            set_loop(&mut bld, b, lp, cont, dst, byte, n);
            new_blocks.push(lp);
        }
        InstKind::MemCopy { dst, src, .. } => {
            // The direction test ends `b` when the length cannot be zero, else a block of its
            // own behind the zero test.
            let test = if may_be_zero {
                let t = bld.f.blocks.push(Default::default());
                new_blocks.push(t);
                enter(&mut bld, b, t, cont, n, true);
                t
            } else {
                b
            };
            let fwd = bld.f.blocks.push(Default::default());
            let bwd = bld.f.blocks.push(Default::default());
            let forward = bld.emit(InstKind::Icmp { pred: IcmpPred::Ule, lhs: dst, rhs: src }, Type::I1);
            bld.emit_void(InstKind::CondBr { cond: forward, if_true: fwd, if_false: bwd });
            flush(&mut bld, test);
            copy_forward(&mut bld, test, fwd, cont, dst, src, n);
            copy_backward(&mut bld, test, bwd, cont, dst, src, n);
            new_blocks.extend([fwd, bwd]);
        }
        _ => unreachable!("only memory intrinsics are expanded"),
    }
    new_blocks.push(cont);
    let at = f.layout.iter().position(|&x| x == b).expect("expanded block is in the layout");
    f.layout.splice(at + 1..at + 1, new_blocks);
}

/// The length as an `i64` (lengths are unsigned, so narrower ones are zero-extended).
fn byte_count(bld: &mut Builder, len: Value) -> Value {
    if let Some(c) = bld.f.as_const(len) {
        return bld.f.const_value(Type::I64, c);
    }
    match bld.f.ty(len).bits() {
        64 => len,
        _ => bld.emit(InstKind::Cast { op: CastOp::Zext, flags: Default::default(), arg: len }, Type::I64),
    }
}

/// The low byte of a `memset` value, as an `i8`.
fn low_byte(bld: &mut Builder, byte: Value) -> Value {
    let op = match bld.f.ty(byte).bits() {
        8 => return byte,
        w if w > 8 => CastOp::Trunc,
        _ => CastOp::Zext,
    };
    bld.emit(InstKind::Cast { op, flags: Default::default(), arg: byte }, Type::I8)
}

/// Ends `b` (with what the builder holds) in a jump to `first`, or to `cont` when `n` is zero
/// and `may_be_zero`.
fn enter(bld: &mut Builder, b: Block, first: Block, cont: Block, n: Value, may_be_zero: bool) {
    if may_be_zero {
        let zero = bld.f.const_value(Type::I64, 0);
        let empty = bld.emit(InstKind::Icmp { pred: IcmpPred::Eq, lhs: n, rhs: zero }, Type::I1);
        bld.emit_void(InstKind::CondBr { cond: empty, if_true: cont, if_false: first });
    } else {
        bld.emit_void(InstKind::Br { target: first });
    }
    flush(bld, b);
}

/// Moves what the builder emitted to the end of `b`.
fn flush(bld: &mut Builder, b: Block) {
    let insts = std::mem::take(&mut bld.out);
    bld.f.blocks[b].insts.extend(insts);
}

/// A phi whose incoming list [`close_phi`] fills in once the back-edge value exists.
fn open_phi(bld: &mut Builder) -> Value {
    bld.emit(InstKind::Phi { incoming: Vec::new() }, Type::I64)
}

fn close_phi(bld: &mut Builder, phi: Value, incoming: Vec<(Block, Value)>) {
    let ValueDef::Inst(i) = bld.f.values[phi].def else { unreachable!("a phi is an instruction result") };
    bld.f.insts[i].kind = InstKind::Phi { incoming };
}

fn binary(bld: &mut Builder, op: BinOp, lhs: Value, rhs: Value) -> Value {
    bld.emit(InstKind::Binary { op, flags: Default::default(), lhs, rhs }, Type::I64)
}

fn byte_at(bld: &mut Builder, base: Value, index: Value) -> Value {
    bld.emit(InstKind::Gep { base, offset: 0, indices: vec![(index, 1)] }, Type::Ptr)
}

/// `lp`: `dst[i] = src[i]` for `i` from 0 up to `n - 1`, entered from `from`, leaving to `cont`.
fn copy_forward(bld: &mut Builder, from: Block, lp: Block, cont: Block, dst: Value, src: Value, n: Value) {
    let i = open_phi(bld);
    copy_byte(bld, dst, src, i);
    let one = bld.f.const_value(Type::I64, 1);
    let next = binary(bld, BinOp::Add, i, one);
    let more = bld.emit(InstKind::Icmp { pred: IcmpPred::Ult, lhs: next, rhs: n }, Type::I1);
    bld.emit_void(InstKind::CondBr { cond: more, if_true: lp, if_false: cont });
    let zero = bld.f.const_value(Type::I64, 0);
    close_phi(bld, i, vec![(from, zero), (lp, next)]);
    flush(bld, lp);
}

/// `lp`: `dst[j] = src[j]` for `j` from `n - 1` down to 0, entered from `from`, leaving to
/// `cont`.
fn copy_backward(bld: &mut Builder, from: Block, lp: Block, cont: Block, dst: Value, src: Value, n: Value) {
    let j = open_phi(bld);
    let one = bld.f.const_value(Type::I64, 1);
    let k = binary(bld, BinOp::Sub, j, one);
    copy_byte(bld, dst, src, k);
    let zero = bld.f.const_value(Type::I64, 0);
    let more = bld.emit(InstKind::Icmp { pred: IcmpPred::Ne, lhs: k, rhs: zero }, Type::I1);
    bld.emit_void(InstKind::CondBr { cond: more, if_true: lp, if_false: cont });
    close_phi(bld, j, vec![(from, n), (lp, k)]);
    flush(bld, lp);
}

fn copy_byte(bld: &mut Builder, dst: Value, src: Value, index: Value) {
    let from = byte_at(bld, src, index);
    let byte = bld.emit(InstKind::Load { addr: from, align: 1 }, Type::I8);
    let to = byte_at(bld, dst, index);
    bld.emit_void(InstKind::Store { value: byte, addr: to, align: 1 });
}

/// `lp`: `dst[i] = byte` for `i` from 0 up to `n - 1`, entered from `from`, leaving to `cont`.
fn set_loop(bld: &mut Builder, from: Block, lp: Block, cont: Block, dst: Value, byte: Value, n: Value) {
    let i = open_phi(bld);
    let to = byte_at(bld, dst, i);
    bld.emit_void(InstKind::Store { value: byte, addr: to, align: 1 });
    let one = bld.f.const_value(Type::I64, 1);
    let next = binary(bld, BinOp::Add, i, one);
    let more = bld.emit(InstKind::Icmp { pred: IcmpPred::Ult, lhs: next, rhs: n }, Type::I1);
    bld.emit_void(InstKind::CondBr { cond: more, if_true: lp, if_false: cont });
    let zero = bld.f.const_value(Type::I64, 0);
    close_phi(bld, i, vec![(from, zero), (lp, next)]);
    flush(bld, lp);
}
