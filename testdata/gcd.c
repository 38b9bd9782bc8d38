// tessera-entry: gcd_lcm(u64, u64) -> u64
// tessera-run: 1071 462
// tessera-run: 0 0
// tessera-run: 0xffffffffffffffff 0xfffffffffffffffe
// tessera-run: 832040 514229
//
// Euclid's algorithm with urem (trip count depends on the inputs; consecutive Fibonacci
// numbers are the worst case), then the lcm with udiv, folded into one result.
#include <stdint.h>

static uint64_t gcd(uint64_t a, uint64_t b) {
    while (b != 0) {
        uint64_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

uint64_t gcd_lcm(uint64_t a, uint64_t b) {
    uint64_t g = gcd(a, b);
    if (g == 0) {
        return 0;
    }
    uint64_t lcm = a / g * b; /* wraps modulo 2^64 for large inputs */
    return (g << 32) ^ lcm;
}
