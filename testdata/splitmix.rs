// tessera-entry: splitmix_rounds(u64, u32) -> u64
// tessera-run: 0 1
// tessera-run: 0x123456789abcdef0 100
// tessera-run: 0xffffffffffffffff 0
// tessera-run: 42 1000
//
// splitmix64 rounds folded with an xorshift64 state: a loop whose trip count is an argument,
// wrapping_add / wrapping_mul on u64, shifts and xors.

fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

fn xorshift64(mut x: u64) -> u64 {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    x
}

#[no_mangle]
pub extern "C" fn splitmix_rounds(seed: u64, rounds: u32) -> u64 {
    let mut state = seed;
    let mut acc = seed | 1;
    for _ in 0..rounds {
        let r = splitmix64(&mut state);
        acc = xorshift64(acc ^ r);
    }
    acc
}
