// tessera-entry: wide_mul(u64, u64) -> u64
// tessera-lower-reject: integers wider than 64 bits
// tessera-run: 3 4
// tessera-run: 18446744073709551615 18446744073709551614
//
// The full 64x64->128 product in Rust's u128: the interpreter runs it exactly, the circuit
// stages refuse integers wider than 64 bits.

#[no_mangle]
pub extern "C" fn wide_mul(a: u64, b: u64) -> u64 {
    let p = (a as u128) * (b as u128);
    (p >> 64) as u64 ^ p as u64
}
