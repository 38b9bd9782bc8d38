// Two files, a header found with -I and a macro from -D: tessera and native clang-19 must
// agree on `mix_all` with the same flags.
#include "mix.h"

uint32_t mix_all(uint32_t seed, uint32_t n) {
    uint32_t h = seed;
    for (uint32_t i = 0; i < n; i++) {
        h = mix(h, i) * SCALE;
    }
#ifdef EXTRA
    h ^= EXTRA;
#endif
    return h;
}
