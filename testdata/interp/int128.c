// tessera-entry: int128_mix(u64, u64) -> u64
// tessera-lower-reject: integers wider than 64 bits
// tessera-run: 3 4
// tessera-run: 18446744073709551615 18446744073709551615
// tessera-run: 123456789123456789 987654321987654321
// tessera-run: 0 4611686018427387904
//
// 128-bit arithmetic the way bignum and Montgomery code uses it: full 64x64 products,
// 128-bit sums with carries, signed and unsigned division and remainder, shifts across the
// limb boundary, and an __int128 returned from a function (clang returns it as
// `{ i64, i64 }`, which the frontend passes back through a stack slot). Also a packed
// bitfield struct, whose fields clang loads and stores as one i72 container. The
// interpreter runs all of it exactly; the circuit stages refuse integers wider than 64 bits.
#include <stdint.h>

typedef unsigned __int128 u128;
typedef __int128 i128;

struct __attribute__((packed)) Fields {
    uint64_t lo : 40;
    uint64_t mid : 27;
    uint8_t hi : 5;
};

static struct Fields F = {0x12345, 0x7654, 3};

__attribute__((noinline)) static u128 mul_full(uint64_t a, uint64_t b) { return (u128)a * b; }

__attribute__((noinline)) static i128 signed_mix(i128 x, i128 y) {
    if (y == 0) y = 7;
    return x / y + x % (y | 1) - (x >> 100);
}

uint64_t int128_mix(uint64_t a, uint64_t b) {
    u128 p = mul_full(a, b);
    u128 s = p + ((u128)b << 64) + a;               // carries into the high limb
    u128 q = s / ((u128)a + 3);
    u128 r = s % ((u128)b | 1);
    i128 t = signed_mix(-(i128)s, (i128)(a ^ b) - ((i128)1 << 70));
    F.lo += a;
    F.mid ^= b;
    F.hi += (uint8_t)(a >> 3);
    uint64_t f = F.lo ^ ((uint64_t)F.mid << 13) ^ F.hi;
    return (uint64_t)(p >> 64) ^ (uint64_t)p ^ (uint64_t)(q >> 7) ^ (uint64_t)(r >> 60)
         ^ (uint64_t)(t >> 64) ^ (uint64_t)t ^ (uint64_t)__builtin_clzll((uint64_t)(s >> 64) | 1) ^ f;
}
