//! Byte-addressed little-endian memory made of separate allocations: globals, argument
//! buffers and stack frames. Every access must lie inside one live allocation.

use crate::entity::EntityRef;
use crate::program::Program;
use crate::Global;
use std::collections::BTreeMap;

/// Where globals start; the page below stays unmapped so null dereferences trap.
pub const GLOBAL_BASE: u64 = 0x1_0000;
/// Where argument buffers start.
pub const ARG_BASE: u64 = 0x1000_0000_0000;
/// Where stack allocations start.
pub const STACK_BASE: u64 = 0x7000_0000_0000;

/// What an allocation is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AllocKind {
    Global { global: Global, constant: bool },
    Arg(usize),
    Stack,
}

#[derive(Clone, Debug)]
struct Alloc {
    kind: AllocKind,
    data: Vec<u8>,
}

/// Why a memory access failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum MemFault {
    /// No live allocation contains the first byte.
    Unallocated { addr: u64, len: u64 },
    /// The access starts inside an allocation but runs past its end.
    OutOfBounds { addr: u64, len: u64, base: u64, size: u64 },
    /// A write to a `constant` global.
    ReadOnly { addr: u64, global: Global },
}

/// The interpreter's memory.
#[derive(Clone, Debug)]
pub struct Memory {
    allocs: BTreeMap<u64, Alloc>,
    global_addrs: Vec<u64>,
    next_arg: u64,
    stack_top: u64,
}

fn align_up(x: u64, a: u64) -> u64 {
    let a = a.max(1);
    x.div_ceil(a) * a
}

impl Memory {
    /// Memory holding the program's globals (relocations applied).
    pub fn new(p: &Program) -> Memory {
        let mut addrs = Vec::with_capacity(p.globals.len());
        let mut at = GLOBAL_BASE;
        for g in p.globals.values() {
            at = align_up(at, g.align.max(1) as u64);
            addrs.push(at);
            // Keep a gap so one-past-the-end never lands in the next global.
            at += g.size.max(1) + 16;
        }
        let mut allocs = BTreeMap::new();
        for (gid, g) in p.globals.iter() {
            let mut data = g.init.clone();
            data.resize(g.size as usize, 0);
            for r in &g.relocs {
                let target = addrs[r.target.index()].wrapping_add(r.addend as u64);
                let o = r.offset as usize;
                if o + 8 <= data.len() {
                    data[o..o + 8].copy_from_slice(&target.to_le_bytes());
                }
            }
            allocs.insert(
                addrs[gid.index()],
                Alloc { kind: AllocKind::Global { global: gid, constant: g.constant }, data },
            );
        }
        Memory { allocs, global_addrs: addrs, next_arg: ARG_BASE, stack_top: STACK_BASE }
    }

    /// The address of a global.
    pub fn global_addr(&self, g: Global) -> u64 {
        self.global_addrs[g.index()]
    }

    /// Places argument buffer `index` with the given contents; returns its address.
    pub fn add_arg_buffer(&mut self, index: usize, bytes: Vec<u8>) -> u64 {
        let base = align_up(self.next_arg, 16);
        self.next_arg = base + bytes.len().max(1) as u64 + 16;
        self.allocs.insert(base, Alloc { kind: AllocKind::Arg(index), data: bytes });
        base
    }

    /// The current contents of an allocation starting at `base`.
    pub fn contents(&self, base: u64) -> Option<&[u8]> {
        self.allocs.get(&base).map(|a| a.data.as_slice())
    }

    /// The stack mark to give back to [`Memory::pop_stack`] when a frame returns.
    pub fn stack_mark(&self) -> u64 {
        self.stack_top
    }

    /// A zeroed stack allocation.
    pub fn alloca(&mut self, size: u64, align: u32) -> u64 {
        let base = align_up(self.stack_top, (align as u64).max(1));
        self.stack_top = base + size.max(1);
        self.allocs.insert(base, Alloc { kind: AllocKind::Stack, data: vec![0; size as usize] });
        base
    }

    /// Frees every stack allocation at or above `mark`.
    pub fn pop_stack(&mut self, mark: u64) {
        let dead: Vec<u64> =
            self.allocs.range(mark..).filter(|(_, a)| a.kind == AllocKind::Stack).map(|(&k, _)| k).collect();
        for k in dead {
            self.allocs.remove(&k);
        }
        self.stack_top = mark;
    }

    fn find(&self, addr: u64, len: u64) -> Result<(u64, &Alloc), MemFault> {
        let (&base, a) = self.allocs.range(..=addr).next_back().ok_or(MemFault::Unallocated { addr, len })?;
        let size = a.data.len() as u64;
        let off = addr - base;
        if off >= size.max(1) || (off == size && len > 0) {
            return Err(MemFault::Unallocated { addr, len });
        }
        if off.checked_add(len).is_none_or(|end| end > size) {
            return Err(MemFault::OutOfBounds { addr, len, base, size });
        }
        Ok((base, a))
    }

    /// Reads `len` bytes.
    pub fn read(&self, addr: u64, len: u64) -> Result<&[u8], MemFault> {
        if len == 0 {
            return Ok(&[]);
        }
        let (base, a) = self.find(addr, len)?;
        let off = (addr - base) as usize;
        Ok(&a.data[off..off + len as usize])
    }

    /// Writes bytes.
    pub fn write(&mut self, addr: u64, bytes: &[u8]) -> Result<(), MemFault> {
        if bytes.is_empty() {
            return Ok(());
        }
        let (base, a) = self.find(addr, bytes.len() as u64)?;
        if let AllocKind::Global { global, constant: true } = a.kind {
            return Err(MemFault::ReadOnly { addr, global });
        }
        let off = (addr - base) as usize;
        let a = self.allocs.get_mut(&base).expect("allocation just found");
        a.data[off..off + bytes.len()].copy_from_slice(bytes);
        Ok(())
    }

    /// Reads a little-endian integer of `len` (1..=8) bytes.
    pub fn read_uint(&self, addr: u64, len: u64) -> Result<u64, MemFault> {
        let b = self.read(addr, len)?;
        let mut buf = [0u8; 8];
        buf[..b.len()].copy_from_slice(b);
        Ok(u64::from_le_bytes(buf))
    }

    /// Writes the low `len` (1..=8) bytes of `v`, little-endian.
    pub fn write_uint(&mut self, addr: u64, len: u64, v: u64) -> Result<(), MemFault> {
        self.write(addr, &v.to_le_bytes()[..len as usize])
    }
}
