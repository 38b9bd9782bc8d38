// tessera-entry: isqrt(u64) -> u64
// tessera-run: 0
// tessera-run: 1
// tessera-run: 1000000
// tessera-run: 0xffffffffffffffff
//
// Integer square root by bisection: the largest r with r*r <= n. The loop runs until the
// interval closes, about log2 of the initial bound, so the trip count depends on the input.
#include <stdint.h>

uint64_t isqrt(uint64_t n) {
    uint64_t lo = 0;
    uint64_t hi = n < 0xffffffffu ? n + 1 : 0x100000000u; /* exclusive upper bound */
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        if (mid * mid <= n) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    return lo;
}
