// tessera-entry: float_mean(u32, u32) -> u32
// tessera-reject: floating-point
// tessera-run: 3 8
//
// Floating-point arithmetic is not supported, in Rust either.

#[no_mangle]
pub extern "C" fn float_mean(a: u32, b: u32) -> u32 {
    let mean = (a as f64 + b as f64) / 2.0;
    (mean * 0.75) as u32
}
