// tessera-entry: overflow_ops(u32, u32, i16) -> u64
// tessera-run: 7 9 -3
// tessera-run: 4294967295 1 -32768
// tessera-run: 0 0 0
// tessera-run: 65536 65537 32767
//
// Rust's explicit overflow handling: checked_add / checked_mul (Option from
// llvm.uadd/umul.with.overflow), wrapping_mul, overflowing_sub, saturating_add on i16,
// wrapping_neg and a signed checked_div that refuses division by zero and MIN / -1.

#[no_mangle]
pub extern "C" fn overflow_ops(a: u32, b: u32, c: i16) -> u64 {
    let sum = match a.checked_add(b) {
        Some(s) => s as u64,
        None => 1 << 40,
    };
    let prod = a.checked_mul(b).map_or(0xdead, |p| p as u64);
    let wrapped = a.wrapping_mul(b).wrapping_mul(0x9e37_79b9);
    let (diff, borrow) = b.overflowing_sub(a);
    let sat = c.saturating_add(1000).saturating_sub(-3000);
    let neg = c.wrapping_neg();
    let quot = c.checked_div(-1).unwrap_or(i16::MAX);
    let rem = (b as i16).checked_rem(c).unwrap_or(-1);
    let mut acc = sum ^ (prod << 3) ^ (wrapped as u64) << 20;
    acc = acc.wrapping_add(diff as u64).wrapping_add(borrow as u64);
    acc ^= ((sat as u16 as u64) << 48) | ((neg as u16 as u64) << 32);
    acc ^= ((quot as u16 as u64) << 16) | rem as u16 as u64;
    acc
}
