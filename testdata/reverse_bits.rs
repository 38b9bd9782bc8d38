// tessera-entry: reverse_bits_mix(u64, u32, u8) -> u64
// tessera-run: 0x0123456789abcdef 0x80000001 5
// tessera-run: 0 0 0
// tessera-run: 0xffffffffffffffff 0xfffffffe 128
//
// reverse_bits on u8, u32 and u64 (llvm.bitreverse), e.g. for FFT index permutations and
// reflected CRCs.

#[no_mangle]
pub extern "C" fn reverse_bits_mix(x: u64, y: u32, k: u8) -> u64 {
    let rx = x.reverse_bits();
    let ry = y.reverse_bits() as u64;
    let rk = k.reverse_bits() as u64;
    rx ^ (ry << 16) ^ (rk << 56) ^ ((x >> 8) as u8).reverse_bits() as u64
}
