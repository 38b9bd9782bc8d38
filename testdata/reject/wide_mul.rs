// tessera-entry: wide_mul(u64, u64) -> u64
// tessera-reject: i128
// tessera-run: 3 4
//
// 128-bit integers are not supported yet: the full 64x64->128 product needs i128.

#[no_mangle]
pub extern "C" fn wide_mul(a: u64, b: u64) -> u64 {
    let p = (a as u128) * (b as u128);
    (p >> 64) as u64 ^ p as u64
}
