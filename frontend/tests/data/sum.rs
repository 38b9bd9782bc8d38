//! A small Rust program: slice indexing (bounds checks panic), checked arithmetic.

#[no_mangle]
pub extern "C" fn collatz(mut n: u64) -> u64 {
    let mut steps = 0;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    steps
}

pub fn sum_first(xs: &[u32], k: usize) -> u32 {
    let mut s = 0u32;
    for i in 0..k {
        s = s.wrapping_add(xs[i]);
    }
    s
}

pub fn checked(a: u32, b: u32) -> u32 {
    a.checked_mul(b).unwrap_or(0) / b
}

pub mod a {
    pub fn twice(x: u32) -> u32 {
        x.wrapping_mul(2)
    }
}

pub mod b {
    pub fn twice(x: u64) -> u64 {
        x << 1
    }
}
