// tessera-entry: stein_gcd(u64, u64) -> u64
// tessera-run: 48 180
// tessera-run: 0 77
// tessera-run: 0xffffffffffffffff 0x8000000000000000
// tessera-run: 0xc000000000000000 0x3000000000000000
//
// Binary GCD (Stein's algorithm): trailing_zeros, shifts, swaps through core::mem::swap and
// a loop whose trip count depends on both inputs.

#[no_mangle]
pub extern "C" fn stein_gcd(mut a: u64, mut b: u64) -> u64 {
    if a == 0 {
        return b;
    }
    if b == 0 {
        return a;
    }
    let shift = (a | b).trailing_zeros();
    a >>= a.trailing_zeros();
    loop {
        b >>= b.trailing_zeros();
        if a > b {
            core::mem::swap(&mut a, &mut b);
        }
        b -= a;
        if b == 0 {
            break;
        }
    }
    a << shift
}
