// tessera-entry: collatz_range(u32) -> u32
// tessera-run: 30
//
// Total Collatz steps of every start in [1, n]: a loop nest whose inner trip count depends on
// the data. The benchmark suite runs it over growing ranges (its scaling series).
#include <stdint.h>

uint32_t collatz_range(uint32_t n) {
    uint32_t total = 0;
    for (uint32_t i = 1; i <= n; i++) {
        uint64_t x = i;
        while (x != 1) {
            x = (x & 1) ? 3 * x + 1 : x >> 1;
            total++;
        }
    }
    return total;
}
