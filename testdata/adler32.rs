// tessera-entry: adler32(ptr, u32) -> u32
// tessera-run: hex:57696b697065646961 9
// tessera-run: hex:00 0
// tessera-run: hex:ff 1
// tessera-run: hex:ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff 192
//
// Adler-32 over a byte slice built with core::slice::from_raw_parts: an iterator loop,
// urem by a constant modulus (65521). "Wikipedia" gives 0x11e60398.

#[no_mangle]
pub extern "C" fn adler32(data: *const u8, len: u32) -> u32 {
    let bytes = unsafe { core::slice::from_raw_parts(data, len as usize) };
    let mut a: u32 = 1;
    let mut b: u32 = 0;
    for &byte in bytes {
        a = (a + byte as u32) % 65521;
        b = (b + a) % 65521;
    }
    (b << 16) | a
}
