//! Fusion of straight-line chains: a block whose only successor has it as only predecessor
//! absorbs that successor, so a chain runs as one region.

use crate::edit::{phis, rename_phi_pred};
use indexmap::IndexMap;
use tessera_ir::entity::EntityRef;
use tessera_ir::{Function, InstKind};

/// Merges chains until none is left; returns the number of blocks absorbed.
pub fn merge_chains(f: &mut Function) -> usize {
    let mut merged = 0;
    loop {
        let preds = tessera_ir::verify::predecessors(f);
        let entry = f.entry();
        let pair = f.layout.iter().find_map(|&a| {
            let succ = f.successors(a);
            match succ.as_slice() {
                [b] if *b != a && *b != entry && preds[b.index()].as_slice() == [a] => Some((a, *b)),
                _ => None,
            }
        });
        let Some((a, b)) = pair else { return merged };
        // b's phis have one incoming value (from a).
        let mut map = IndexMap::new();
        for i in phis(f, b) {
            if let InstKind::Phi { incoming } = &f.insts[i].kind {
                let r = f.insts[i].result.expect("phi result");
                map.insert(r, incoming[0].1);
            }
        }
        let nphi = map.len();
        let body: Vec<_> = f.blocks[b].insts[nphi..].to_vec();
        f.blocks[a].insts.pop(); // a's jump to b
        f.blocks[a].insts.extend(body);
        f.blocks[b].insts.clear();
        f.layout.retain(|&x| x != b);
        for s in f.successors(a) {
            rename_phi_pred(f, s, b, a);
        }
        crate::edit::replace_uses(f, &map);
        merged += 1;
    }
}
