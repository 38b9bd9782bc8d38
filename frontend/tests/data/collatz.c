#include <stdint.h>

struct pair {
    uint32_t steps;
    uint64_t peak;
};

struct pair record[4];
static const uint8_t weights[5] = {1, 2, 3, 5, 8};

static uint64_t next(uint64_t n) {
    return (n % 2 == 0) ? n / 2 : 3 * n + 1;
}

uint32_t collatz(uint64_t n) {
    uint32_t steps = 0;
    uint64_t peak = n;
    while (n != 1) {
        n = next(n);
        if (n > peak)
            peak = n;
        steps++;
    }
    record[steps & 3].steps = steps;
    record[steps & 3].peak = peak;
    return steps * weights[steps % 5];
}
