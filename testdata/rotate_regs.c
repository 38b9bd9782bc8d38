// tessera-entry: rotate_regs(u32) -> u32
// tessera-run: 0
// tessera-run: 13
// tessera-run: 1000
//
// A loop whose body is almost all wiring: twelve carried values rotate each iteration and
// one mixes in the counter. Its region's cost looks like boundary (the carried values), which
// unrolling would amortise, but each unrolled iteration adds its predication's advice, and
// two iterations push the committed inputs past a power of two: measured at 20 000
// iterations, x1 proves in 16.9 s, x2 in 18.6 s, x4 in 22.4 s, x8 in 31 s. The cost model
// (`--unroll auto`), which counts the committed width padded, keeps it at x1.
#include <stdint.h>

uint32_t rotate_regs(uint32_t n) {
    uint32_t a = 1, b = 2, c = 3, d = 4, e = 5, f = 6, g = 7, h = 8, x = 9, y = 10, z = 11, w = 12;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t t = a;
        a = b;
        b = c;
        c = d;
        d = e;
        e = f;
        f = g;
        g = h;
        h = x;
        x = y;
        y = z;
        z = w;
        w = t ^ i;
    }
    return a ^ b ^ c ^ d ^ e ^ f ^ g ^ h ^ x ^ y ^ z ^ w;
}
