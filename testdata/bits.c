// tessera-entry: bit_tricks(u32, u64) -> u64
// tessera-run: 0x12345678 0x0123456789abcdef
// tessera-run: 0 0
// tessera-run: 0xffffffff 0xffffffffffffffff
// tessera-run: 1 0x8000000000000000
//
// Bit manipulation that LLVM turns into intrinsics: popcount (llvm.ctpop), count leading and
// trailing zeros (llvm.ctlz / llvm.cttz, guarded against zero), byte swaps (llvm.bswap) and
// rotates written with shifts (llvm.fshl / llvm.fshr) by constant and variable amounts.
#include <stdint.h>

static uint32_t rotl32(uint32_t x, uint32_t r) {
    return (x << (r & 31)) | (x >> ((32 - r) & 31));
}

static uint64_t rotr64(uint64_t x, uint32_t r) {
    return (x >> (r & 63)) | (x << ((64 - r) & 63));
}

uint64_t bit_tricks(uint32_t a, uint64_t b) {
    uint32_t pa = (uint32_t)__builtin_popcount(a);
    uint32_t pb = (uint32_t)__builtin_popcountll(b);
    uint32_t lz = a ? (uint32_t)__builtin_clz(a) : 32;
    uint32_t tz = b ? (uint32_t)__builtin_ctzll(b) : 64;
    uint32_t sa = __builtin_bswap32(a);
    uint64_t sb = __builtin_bswap64(b);
    uint32_t r1 = rotl32(a, 7);
    uint32_t r2 = rotl32(a, pb);
    uint64_t r3 = rotr64(b, 13);
    uint64_t r4 = rotr64(b, lz);
    uint16_t s16 = __builtin_bswap16((uint16_t)a);
    uint64_t acc = (uint64_t)pa << 56 | (uint64_t)pb << 48 | (uint64_t)lz << 40 | (uint64_t)tz << 32;
    acc ^= (uint64_t)sa ^ sb;
    acc += (uint64_t)r1 << 16 ^ (uint64_t)r2;
    acc ^= r3 + r4;
    acc ^= (uint64_t)s16 << 8;
    return acc;
}
