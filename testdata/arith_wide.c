// tessera-entry: mix_wide(i64, u64, u32) -> u64
// tessera-run: -1000000007 37 5
// tessera-run: -9223372036854775808 0xffffffffffffffff 63
// tessera-run: 9223372036854775807 0 0
// tessera-run: -1 2 64
//
// Signed and unsigned 32- and 64-bit arithmetic: sdiv/srem and udiv/urem at both widths,
// ashr/lshr/shl by a variable amount (masked so it stays in range), a 32x32->64 widening
// multiply, signed comparisons and min/max selects. INT64_MIN / -1 and division by zero are
// guarded.
#include <stdint.h>

uint64_t mix_wide(int64_t a, uint64_t b, uint32_t s) {
    int64_t sb = (int64_t)b;
    int64_t q = (sb == 0 || (a == INT64_MIN && sb == -1)) ? a : a / sb;
    int64_t r = (sb == 0 || sb == -1) ? 0 : a % sb;
    uint64_t uq = b == 0 ? 0 : (uint64_t)a / b;
    uint64_t ur = b == 0 ? (uint64_t)a : (uint64_t)a % b;
    uint32_t sh = s & 63;
    int64_t ashr = a >> sh;
    uint64_t lshr = (uint64_t)a >> sh;
    uint64_t shl = b << sh;

    int32_t a32 = (int32_t)a;
    int32_t b32 = (int32_t)b;
    int32_t q32 = (b32 == 0 || (a32 == INT32_MIN && b32 == -1)) ? a32 : a32 / b32;
    int32_t r32 = (b32 == 0 || b32 == -1) ? 0 : a32 % b32;
    uint32_t uq32 = (uint32_t)b32 == 0 ? 0 : (uint32_t)a32 / (uint32_t)b32;
    uint64_t wide = (uint64_t)(uint32_t)a32 * (uint64_t)(uint32_t)(b32 | 1);
    int32_t ashr32 = a32 >> (s & 31);

    int64_t lo = a < sb ? a : sb;
    int64_t hi = a < sb ? sb : a;
    uint64_t acc = (uint64_t)q * 3 + (uint64_t)r;
    acc ^= uq + (ur << 7);
    acc += (uint64_t)ashr ^ lshr ^ shl;
    acc ^= (uint64_t)(int64_t)q32 + (uint64_t)(int64_t)r32 * 5 + uq32;
    acc += wide ^ (uint64_t)(int64_t)ashr32;
    acc ^= (uint64_t)hi - (uint64_t)lo;
    return acc;
}
