// Empty inline assembly used as an optimisation barrier, and __builtin_prefetch: both are
// no-ops. Checked against native execution.
#include <stdint.h>

uint32_t barrier_sum(const uint8_t *p, uint32_t n) {
    uint32_t s = 0;
    for (uint32_t i = 0; i < n; i++) {
        __builtin_prefetch(p + i);
        s = s * 31 + p[i];
        __asm__ volatile("" : : "r"(s) : "memory");
    }
    __asm__("");
    __asm__ volatile("");
    return s;
}
