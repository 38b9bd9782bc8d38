// tessera-entry: fnv1a_halves(ptr, u32) -> u64
// tessera-run: hex:68656c6c6f20776f726c64 11
// tessera-run: hex:00 0
// tessera-run: hex:61 1
// tessera-run: hex:000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f 32
//
// FNV-1a (32-bit) over each half of a buffer: one helper called from two call sites (later
// passes see the same callee inlined twice), a hash loop with xor and a multiply by the FNV
// prime that wraps. Returns both hashes packed into 64 bits.
#include <stdint.h>

static uint32_t fnv1a(const uint8_t *p, uint32_t n) {
    uint32_t h = 2166136261u;
    for (uint32_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

uint64_t fnv1a_halves(const uint8_t *buf, uint32_t len) {
    uint32_t half = len / 2;
    uint32_t lo = fnv1a(buf, half);
    uint32_t hi = fnv1a(buf + half, len - half);
    return (uint64_t)hi << 32 | lo;
}
