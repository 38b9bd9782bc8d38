// tessera-entry: two_calls(u32, u32) -> u32
// tessera-run: 255 7
// tessera-run: 0 4294967295
// tessera-run: 1 0
// tessera-run: 2863311530 65535
//
// One callee, kept out of line by clang and called from two sites: tessera's inliner copies
// it twice, and pattern detection must put both copies of its loop in one class.
#include <stdint.h>

__attribute__((noinline)) static uint32_t bits_set(uint32_t x) {
    uint32_t c = 0;
    while (x != 0) {
        x &= x - 1;
        c++;
    }
    return c;
}

uint32_t two_calls(uint32_t a, uint32_t b) {
    return bits_set(a) * 100u + bits_set(b);
}
