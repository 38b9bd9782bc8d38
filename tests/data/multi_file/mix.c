#include "mix.h"

__attribute__((noinline)) uint32_t mix(uint32_t x, uint32_t y) {
    x ^= y + 0x9e3779b9u + (x << 6) + (x >> 2);
    return (x << 5) | (x >> 27);
}
