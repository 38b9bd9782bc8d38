// tessera-entry: bitfields(u32, i32) -> u64
// tessera-run: 5 -3
// tessera-run: 4294967295 2147483647
// tessera-run: 0 -2147483648
//
// Bitfields as csmith and real code use them: signed and unsigned fields of odd widths
// sharing 32- and 64-bit containers, and a packed struct whose fields share one unaligned
// 64-bit container after a byte. Every update is a mask, shift and insert into the container
// (clang keeps the local struct's containers in registers); signed fields read back
// sign-extended.
#include <stdint.h>

struct Flags {
    unsigned a : 3;
    signed b : 5;
    unsigned c : 12;
    unsigned long long d : 40;
    signed long long e : 7;
};

struct __attribute__((packed)) Packed {
    uint8_t tag;
    unsigned x : 17;
    signed y : 7;
    unsigned long long z : 33;
    signed long long w : 7;
};

static struct Packed P = {1, 100, -5, 123456789, 3};

uint64_t bitfields(uint32_t u, int32_t s) {
    struct Flags f = {0};
    uint64_t h = 0;
    for (int i = 0; i < 6; i++) {
        f.a += u >> i;
        f.b = s >> (i * 3);
        f.c ^= (unsigned)(u * 2654435761u) >> 20;
        f.d += (unsigned long long)u << i;
        f.e -= s & 0x3f;
        P.x += u + i;
        P.y = (signed)(s ^ i);
        P.z ^= (unsigned long long)u * 0x9e37 + (unsigned long long)i;
        P.w += f.b;
        h = h * 1000003 + f.a + (uint64_t)(int64_t)f.b * 7 + f.c + f.d + (uint64_t)f.e;
        h = h * 31 + P.x + (uint64_t)(int64_t)P.y + P.z + (uint64_t)(int64_t)P.w + P.tag;
    }
    return h;
}
