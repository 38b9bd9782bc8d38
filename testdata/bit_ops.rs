// tessera-entry: bit_ops(u64, u32, u8) -> u64
// tessera-run: 0x0123456789abcdef 0x80000001 5
// tessera-run: 0 0 0
// tessera-run: 0xffffffffffffffff 0xffffffff 255
// tessera-run: 0x8000000000000000 1 64
//
// Rust's integer bit methods: count_ones, leading_zeros / trailing_zeros (defined at zero),
// rotate_left / rotate_right by variable amounts (llvm.fshl / llvm.fshr), swap_bytes, and
// shifts by masked amounts on u8, u32 and u64. (reverse_bits is in reverse_bits.rs.)

#[no_mangle]
pub extern "C" fn bit_ops(x: u64, y: u32, k: u8) -> u64 {
    let ones = x.count_ones() + y.count_ones() + k.count_ones();
    let lz = x.leading_zeros() ^ (y.leading_zeros() << 8);
    let tz = x.trailing_zeros() ^ (y.trailing_zeros() << 8);
    let r1 = x.rotate_left(k as u32);
    let r2 = y.rotate_right(ones);
    let r3 = k.rotate_left(3);
    let sw = x.swap_bytes() ^ (y.swap_bytes() as u64);
    let rev = y.wrapping_mul(0x9e37_79b9) as u64;
    let sh = (k as u64) << (y & 63) | x >> (k & 63);
    let mut acc = r1 ^ sw;
    acc = acc.wrapping_add((r2 as u64) << 32 | rev);
    acc ^= (ones as u64) << 56 | (lz as u64) << 40 | (tz as u64) << 16 | r3 as u64;
    acc ^ sh
}
