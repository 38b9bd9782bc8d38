//! Inlines every direct call into the entry function, callees first, so the later stages see
//! one call-free function. Recursion is reported as an error naming the cycle.

use crate::edit::{create_inst, rename_phi_pred};
use crate::error::PassError;
use indexmap::IndexMap;
use tessera_ir::entity::{Arena, EntityRef};
use tessera_ir::{Block, Func, Function, InstKind, Program, Value, ValueDef};

/// Orders the functions reachable from `entry` callees-first; errors on a call cycle.
pub fn callees_first(p: &Program, entry: Func) -> Result<Vec<Func>, PassError> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let mut mark = vec![Mark::New; p.funcs.len()];
    let mut order = Vec::new();
    // Iterative DFS keeping the active path for the error message.
    let mut path: Vec<(Func, Vec<Func>)> = vec![(entry, direct_callees(&p.funcs[entry]))];
    mark[entry.index()] = Mark::Active;
    while let Some((f, pending)) = path.last_mut() {
        match pending.pop() {
            Some(c) => match mark[c.index()] {
                Mark::Done => {}
                Mark::Active => {
                    let start = path.iter().position(|(g, _)| *g == c).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        path[start..].iter().map(|(g, _)| p.funcs[*g].display_name().to_string()).collect();
                    cycle.push(p.funcs[c].display_name().to_string());
                    return Err(PassError::Recursion { cycle });
                }
                Mark::New => {
                    mark[c.index()] = Mark::Active;
                    path.push((c, direct_callees(&p.funcs[c])));
                }
            },
            None => {
                let f = *f;
                mark[f.index()] = Mark::Done;
                order.push(f);
                path.pop();
            }
        }
    }
    Ok(order)
}

fn direct_callees(f: &Function) -> Vec<Func> {
    let mut out = Vec::new();
    for &b in f.layout.iter().rev() {
        for &i in f.blocks[b].insts.iter().rev() {
            if let InstKind::Call { callee, .. } = f.insts[i].kind {
                if !out.contains(&callee) {
                    out.push(callee);
                }
            }
        }
    }
    out
}

/// Returns a program holding only the entry function (as `fn0`), with every call inlined.
pub fn inline_all(p: &Program, entry: Func) -> Result<(Program, Func), PassError> {
    let order = callees_first(p, entry)?;
    let mut done: IndexMap<Func, Function> = IndexMap::new();
    for f in order {
        let mut func = p.funcs[f].clone();
        inline_calls(&mut func, &done);
        done.insert(f, func);
    }
    let mut funcs = Arena::new();
    let main = funcs.push(done.swap_remove(&entry).expect("entry was processed"));
    Ok((Program { globals: p.globals.clone(), funcs }, main))
}

/// Inlines every call in `f`; `callees` are already call-free.
fn inline_calls(f: &mut Function, callees: &IndexMap<Func, Function>) {
    loop {
        let site = f.layout.iter().find_map(|&b| {
            f.blocks[b].insts.iter().position(|&i| matches!(f.insts[i].kind, InstKind::Call { .. })).map(|k| (b, k))
        });
        let Some((b, k)) = site else { return };
        let call = f.blocks[b].insts[k];
        let InstKind::Call { callee, args } = f.insts[call].kind.clone() else { unreachable!() };
        let callee = &callees[&callee];
        inline_one(f, b, k, callee, &args);
    }
}

fn inline_one(f: &mut Function, b: Block, k: usize, callee: &Function, args: &[Value]) {
    let call = f.blocks[b].insts[k];
    let call_result = f.insts[call].result;
    let call_loc = f.insts[call].loc.clone();
    // Split: `b` keeps what precedes the call, `post` takes what follows.
    let tail: Vec<_> = f.blocks[b].insts.split_off(k + 1);
    f.blocks[b].insts.pop(); // the call
    let post = f.blocks.push(Default::default());
    f.blocks[post].insts = tail;
    for s in f.successors(post) {
        rename_phi_pred(f, s, b, post);
    }
    // Map the callee's blocks and values into the caller.
    let bmap: Vec<Block> = callee.layout.iter().map(|_| f.blocks.push(Default::default())).collect();
    let mut bindex = vec![None; callee.blocks.len()];
    for (n, &cb) in callee.layout.iter().enumerate() {
        bindex[cb.index()] = Some(bmap[n]);
    }
    let mut vmap: Vec<Option<Value>> = vec![None; callee.values.len()];
    for (v, d) in callee.values.iter() {
        vmap[v.index()] = match &d.def {
            ValueDef::Param(i) => Some(args[*i as usize]),
            ValueDef::Const(c) => Some(f.const_value(d.ty, *c)),
            ValueDef::WideConst(l) => Some(f.const_wide(d.ty, *l)),
            ValueDef::Poison => Some(f.poison(d.ty)),
            ValueDef::GlobalAddr(g) => Some(f.global_addr(*g)),
            ValueDef::Inst(_) => None,
        };
    }
    // Results first, so phis may refer forward.
    let mut new_insts = Vec::new();
    for &cb in &callee.layout {
        for &ci in &callee.blocks[cb].insts {
            let data = &callee.insts[ci];
            let ty = data.result.map(|r| callee.values[r].ty);
            let loc = data.loc.clone().or_else(|| call_loc.clone());
            let (ni, nr) = create_inst(f, InstKind::Unreachable, ty, loc);
            if let (Some(r), Some(nr)) = (data.result, nr) {
                vmap[r.index()] = Some(nr);
            }
            new_insts.push((cb, ci, ni));
        }
    }
    let mut returns = Vec::new();
    let entry_clone = bmap[0];
    let mut hoisted = Vec::new();
    for (cb, ci, ni) in new_insts {
        let nb = bindex[cb.index()].expect("layout block");
        let mut kind = callee.insts[ci].kind.clone();
        kind.map_operands(|v| vmap[v.index()].expect("callee value mapped"));
        kind.map_blocks(|x| bindex[x.index()].expect("callee block mapped"));
        if let InstKind::Ret { value } = kind {
            returns.push((nb, value));
            kind = InstKind::Br { target: post };
        }
        let static_alloca = matches!(&kind, InstKind::Alloca { count, .. } if f.as_const(*count).is_some());
        f.insts[ni].kind = kind;
        if static_alloca && nb == entry_clone {
            hoisted.push(ni);
        } else {
            f.blocks[nb].insts.push(ni);
        }
    }
    // Static allocas of the callee's entry live once, in the caller's entry (as LLVM does).
    let fentry = f.entry();
    let at = crate::edit::phis(f, fentry).len();
    for (n, i) in hoisted.into_iter().enumerate() {
        f.blocks[fentry].insts.insert(at + n, i);
    }
    let (br, _) = create_inst(f, InstKind::Br { target: entry_clone }, None, call_loc.clone());
    f.blocks[b].insts.push(br);
    // Layout: b, the callee's blocks, then the rest of b.
    let pos = f.layout.iter().position(|&x| x == b).expect("b in layout");
    let mut insert = bmap.clone();
    insert.push(post);
    f.layout.splice(pos + 1..pos + 1, insert);
    // The call's result.
    if let Some(r) = call_result {
        let ty = f.ty(r);
        let replacement = match returns.as_slice() {
            [] => f.poison(ty),
            [(_, Some(v))] => *v,
            many => {
                let incoming = many.iter().map(|(blk, v)| (*blk, v.expect("value return"))).collect();
                let (phi, pv) = create_inst(f, InstKind::Phi { incoming }, Some(ty), call_loc);
                f.blocks[post].insts.insert(0, phi);
                pv.expect("phi result")
            }
        };
        let mut map = IndexMap::new();
        map.insert(r, replacement);
        crate::edit::replace_uses(f, &map);
    }
}
