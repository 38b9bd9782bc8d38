// Called from mixed.c: a C and a Rust file linked into one program.
#[no_mangle]
pub extern "C" fn offset(x: u32) -> u32 {
    x.wrapping_mul(7) ^ 0x1234
}
