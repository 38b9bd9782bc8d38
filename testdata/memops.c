// tessera-entry: memops(ptr, ptr, u32) -> u32
// tessera-run: hex:0102030405060708090a0b0c0d0e0f10 hex:00000000000000000000000000000000 16
// tessera-run: hex:ff hex:aa 1
// tessera-run: hex:00112233 hex:44556677 0
// tessera-run: hex:deadbeefcafebabe0123456789abcdef00 hex:000000000000000000000000000000000000 17
//
// memcpy and memset: a struct copied by assignment (llvm.memcpy of a local), memset of a
// local array, memcpy from the source buffer into a local and from the local into the
// destination buffer, memmove within a local, and a struct read from unaligned bytes.
// Copies min(len, 16) bytes; returns a checksum.
#include <stdint.h>
#include <string.h>

struct point {
    uint32_t x;
    uint16_t y;
    uint8_t tag;
    uint8_t pad;
    uint64_t z;
};

static struct point make_point(const uint8_t *src, uint32_t len) {
    struct point p;
    memset(&p, 0, sizeof p);
    memcpy(&p, src, len < sizeof p ? len : sizeof p);
    return p;
}

uint32_t memops(const uint8_t *src, uint8_t *dst, uint32_t len) {
    uint8_t local[24];
    memset(local, 0x5a, sizeof local);
    uint32_t n = len < 16 ? len : 16;
    memcpy(local + 4, src, n);
    memmove(local + 2, local + 4, 8);
    memcpy(dst, local + 2, n);

    struct point a = make_point(src, len);
    struct point b = a;            /* struct copy */
    b.tag ^= 0xff;
    struct point c[2];
    c[0] = b;
    c[1] = a;
    uint32_t sum = 0;
    for (uint32_t i = 0; i < sizeof local; i++) {
        sum = sum * 31 + local[i];
    }
    return sum ^ c[0].x ^ ((uint32_t)c[1].y << 8) ^ c[0].tag ^ (uint32_t)(c[1].z >> 3);
}
