// tessera-entry: collatz_steps(u32) -> u32
// tessera-run: 27
// tessera-run: 97
// tessera-run: 1
// tessera-run: 0
//
// Counts Collatz steps until n reaches 1: a loop whose trip count depends on the input, with
// an if/else inside the body. The canonical example for region formation (if-conversion of
// an acyclic loop body).
#include <stdint.h>

uint32_t collatz_steps(uint32_t n) {
    uint32_t steps = 0;
    while (n > 1) {
        if (n % 2 == 0) {
            n = n / 2;
        } else {
            n = 3 * n + 1;
        }
        steps++;
    }
    return steps;
}
