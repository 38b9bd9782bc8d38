// tessera-entry: xor_reverse(ptr, u32, u8) -> u32
// tessera-run: hex:0102030405060708090a 10 255
// tessera-run: hex:7f 1 0
// tessera-run: hex:abcd 0 1
// tessera-run: hex:00112233445566778899aabbccddeeff0011 18 90
//
// Writes through a mutable slice (core::slice::from_raw_parts_mut): reverses it in place with
// slice::reverse, xors every byte with a key, then a prefix-sum pass with chunks_exact(2)
// over the result. Returns a checksum; the buffer comes back modified.

#[no_mangle]
pub extern "C" fn xor_reverse(data: *mut u8, len: u32, key: u8) -> u32 {
    let bytes = unsafe { core::slice::from_raw_parts_mut(data, len as usize) };
    bytes.reverse();
    let mut running: u8 = 0;
    for b in bytes.iter_mut() {
        *b ^= key;
        running = running.wrapping_add(*b);
        *b = b.wrapping_add(running >> 4);
    }
    let mut sum: u32 = 0;
    for pair in bytes.chunks_exact(2) {
        sum = sum.wrapping_mul(257).wrapping_add(u16::from_le_bytes([pair[0], pair[1]]) as u32);
    }
    sum ^ (running as u32) << 24
}
