// tessera-entry: collatz_hash(u32) -> u32
// tessera-run: 27
// tessera-run: 97
// tessera-run: 1
// tessera-run: 703
//
// Collatz steps folded into a trajectory hash, with different work on the odd and even paths.
// The arms are too large for clang -O1 to turn into selects, so `--grouping block` sees the
// loop header, both arms and the latch as separate blocks while `--grouping region`
// if-converts each whole iteration into one region: the example for region formation.
#include <stdint.h>

uint32_t collatz_hash(uint32_t n) {
    uint32_t steps = 0;
    uint32_t h = 2166136261u;
    while (n > 1) {
        if (n % 2 == 0) {
            n = n / 2;
            h = (h + n) * 31u;
            h ^= h >> 13;
        } else {
            n = 3 * n + 1;
            h = (h ^ n) * 16777619u;
            h = (h << 5) | (h >> 27);
        }
        steps++;
    }
    return h ^ steps;
}
