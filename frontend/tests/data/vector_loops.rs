// The loops of vector_loops.c in Rust, written with `while` and raw pointers so that -O0
// code calls no iterator (whose aggregate returns tessera does not convert yet).

#[no_mangle]
pub extern "C" fn sum(a: *const u32, n: usize) -> u32 {
    let mut s = 0u32;
    let mut i = 0;
    while i < n {
        s = s.wrapping_add(unsafe { *a.add(i) });
        i += 1;
    }
    s
}

#[no_mangle]
pub extern "C" fn xor_bytes(d: *mut u8, s: *const u8, n: usize) {
    let mut i = 0;
    while i < n {
        unsafe { *d.add(i) = *s.add(i) ^ 0x5a };
        i += 1;
    }
}

#[no_mangle]
pub extern "C" fn four(a: *const u32) -> u32 {
    let mut t = 0u32;
    let mut i = 0;
    while i < 4 {
        t = t.wrapping_add(unsafe { *a.add(i) }.wrapping_mul(i as u32 + 1));
        i += 1;
    }
    t
}

#[no_mangle]
pub extern "C" fn vector_loops(n: u32, seed: u32) -> u32 {
    let mut ints = [0u32; 64];
    let mut src = [0u8; 100];
    let mut dst = [0u8; 100];
    let (pi, ps, pd) = (ints.as_mut_ptr(), src.as_mut_ptr(), dst.as_mut_ptr());
    let mut i = 0;
    while i < 64 {
        unsafe { *pi.add(i) = (i as u32).wrapping_mul(2654435761).wrapping_add(seed) };
        i += 1;
    }
    i = 0;
    while i < 100 {
        unsafe { *ps.add(i) = (i as u32).wrapping_mul(37).wrapping_add(seed) as u8 };
        i += 1;
    }
    let n = if n > 100 { 100 } else { n as usize };
    xor_bytes(pd, ps, n);
    let mut h = 0u32;
    i = 0;
    while i < 100 {
        h = h.wrapping_mul(31).wrapping_add(unsafe { *pd.add(i) } as u32);
        i += 1;
    }
    sum(pi, if n < 64 { n } else { 64 }) ^ h ^ four(unsafe { pi.add(8) })
}
