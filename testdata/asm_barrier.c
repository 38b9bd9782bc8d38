// tessera-entry: asm_barrier(ptr, u32) -> u32
// tessera-run: hex:0102030405060708 8
// tessera-run: hex:ff00ff 3
// tessera-run: hex:00 0
//
// Empty inline assembly used as an optimisation barrier (with a register input and a memory
// clobber, as benchmark code's `DoNotOptimize` does) and __builtin_prefetch: both convert
// to nothing, and the loop is an ordinary loop for every stage.
#include <stdint.h>

uint32_t asm_barrier(const uint8_t *p, uint32_t n) {
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
