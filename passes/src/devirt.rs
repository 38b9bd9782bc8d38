//! Indirect calls become direct ones: a call through a pointer with a known target set
//! ([`InstKind::CallIndirect`], whose set the frontend computes: the address-taken functions
//! of the call's type) turns into a `switch` on the pointer's address with one arm per
//! target, each a direct call that [`crate::inline`] then inlines, and a default arm that
//! traps. The call's result becomes a phi in the block that continues after the call.

use crate::edit::{create_inst, rename_phi_pred};
use tessera_ir::{CastOp, Flags, Function, InstKind, Program, Type};

/// Devirtualizes every indirect call of every function of `p`.
pub fn devirtualize_all(p: &mut Program) {
    let funcs: Vec<_> = p.funcs.iter().map(|(k, _)| k).collect();
    for k in funcs {
        devirtualize(&mut p.funcs[k]);
    }
}

/// Devirtualizes every indirect call of `f`; true when there was one.
pub fn devirtualize(f: &mut Function) -> bool {
    let mut changed = false;
    loop {
        let found = f.layout.iter().find_map(|&b| {
            f.blocks[b].insts.iter().position(|&i| matches!(f.insts[i].kind, InstKind::CallIndirect { .. })).map(|k| (b, k))
        });
        let Some((b, k)) = found else { break };
        changed = true;
        let call = f.blocks[b].insts[k];
        let InstKind::CallIndirect { target, callees, args } = f.insts[call].kind.clone() else { unreachable!() };
        let loc = f.insts[call].loc.clone();
        // The rest of the block moves to `join`, which the arms branch to.
        let rest: Vec<_> = f.blocks[b].insts.split_off(k + 1);
        f.blocks[b].insts.pop();
        let join = f.add_block();
        let succs = rest.last().map(|&t| f.insts[t].kind.successors()).unwrap_or_default();
        f.blocks[join].insts = rest;
        for s in succs {
            rename_phi_pred(f, s, b, join);
        }
        let rty = f.insts[call].result.map(|r| f.ty(r));
        let mut incoming = Vec::new();
        let mut cases = Vec::new();
        for &(addr, callee) in &callees {
            let arm = f.add_block();
            let (c, r) = create_inst(f, InstKind::Call { callee, args: args.clone() }, rty, loc.clone());
            let (br, _) = create_inst(f, InstKind::Br { target: join }, None, loc.clone());
            f.blocks[arm].insts = vec![c, br];
            cases.push((addr, arm));
            if let Some(r) = r {
                incoming.push((arm, r));
            }
        }
        let trap = f.add_block();
        let reason = if callees.is_empty() {
            "an indirect call, and the program takes the address of no function of its type".to_string()
        } else {
            let list: Vec<String> = callees.iter().map(|(a, _)| format!("0x{a:x}")).collect();
            format!("an indirect call through a pointer that is none of its targets ({})", list.join(", "))
        };
        let (t, _) = create_inst(f, InstKind::Trap { reason }, None, loc.clone());
        f.blocks[trap].insts = vec![t];
        let (addr, a) = create_inst(f, InstKind::Cast { op: CastOp::PtrToInt, flags: Flags::default(), arg: target }, Some(Type::I64), loc.clone());
        let a = a.expect("a cast has a result");
        let (sw, _) = create_inst(f, InstKind::Switch { value: a, default: trap, cases }, None, loc.clone());
        f.blocks[b].insts.extend([addr, sw]);
        // The call's result value is now defined by a phi of the arms' results.
        if f.insts[call].result.is_some() {
            f.insts[call].kind = InstKind::Phi { incoming };
            f.blocks[join].insts.insert(0, call);
        }
    }
    if changed {
        crate::edit::remove_unreachable(f);
    }
    changed
}
