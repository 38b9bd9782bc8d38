// Variable-length arrays: clang brackets each with llvm.stacksave/llvm.stackrestore, so the
// arrays of one iteration are freed before the next. Checked against native execution.
#include <stdint.h>

__attribute__((noinline)) static uint32_t fill_and_sum(uint32_t n, uint32_t seed) {
    uint32_t buf[n + 1];
    for (uint32_t i = 0; i <= n; i++) {
        buf[i] = i * seed + (seed >> 3);
    }
    uint32_t s = 0;
    for (uint32_t i = 0; i <= n; i++) {
        s = s * 33 + (buf[n - i] ^ (i << 3));
    }
    return s;
}

uint32_t vla_sum(uint32_t n, uint32_t rounds) {
    uint32_t total = 0;
    for (uint32_t r = 0; r < rounds; r++) {
        uint8_t tmp[(n & 15) + 1 + r % 3];
        for (uint32_t i = 0; i < sizeof tmp; i++) {
            tmp[i] = (uint8_t)(total + i * r);
        }
        uint32_t t = 0;
        for (uint32_t i = 0; i < sizeof tmp; i++) {
            t += tmp[i];
        }
        total = total * 7 + t + fill_and_sum(n + r, total);
    }
    return total;
}
