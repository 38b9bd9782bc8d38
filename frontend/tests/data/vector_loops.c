// Loops LLVM's loop and SLP vectorisers like (at -O2 and -O3 they would become <4 x i32>
// and <16 x i8> code), and a loop of constant trip count the full unroller likes.
#include <stdint.h>

static uint32_t ints[64];
static uint8_t src[100], dst[100];

uint32_t sum(const uint32_t *a, int n) {
    uint32_t s = 0;
    for (int i = 0; i < n; i++)
        s += a[i];
    return s;
}

void xor_bytes(uint8_t *d, const uint8_t *s, int n) {
    for (int i = 0; i < n; i++)
        d[i] = s[i] ^ 0x5a;
}

uint32_t four(const uint32_t *a) {
    uint32_t t = 0;
    for (int i = 0; i < 4; i++)
        t += a[i] * (uint32_t)(i + 1);
    return t;
}

uint32_t vector_loops(int n, uint32_t seed) {
    for (int i = 0; i < 64; i++)
        ints[i] = (uint32_t)i * 2654435761u + seed;
    for (int i = 0; i < 100; i++)
        src[i] = (uint8_t)(i * 37 + seed);
    xor_bytes(dst, src, n);
    uint32_t h = 0;
    for (int i = 0; i < 100; i++)
        h = h * 31 + dst[i];
    return sum(ints, n < 64 ? n : 64) ^ h ^ four(ints + 8);
}
