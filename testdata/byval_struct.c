// tessera-entry: byval_struct(i32) -> i64
// tessera-run: 5
// tessera-run: -1
// tessera-run: 0
// tessera-run: 1000000
//
// A struct passed by value: clang passes a pointer with `byval`, here straight to the
// global, and the callee writes to its own copy. The frontend must make that copy, or the
// callee's writes reach the caller's struct. Found by scripts/fuzz.sh (csmith seed 77 at
// -O0, reduced with cvise). Native results: 5 -> -15, -1 -> -3, 0 -> -3,
// 1000000 -> -2327683; with the callee writing into @g, tessera gave -28 for 5 and 0 for -1.
#include <stdint.h>

struct S {
    int64_t total;
    int16_t tag;
    int32_t mix;
    int16_t pad;
};

struct S g = {0x7b5485dca04af344, 6, -2, 0x4cc4};

__attribute__((noinline)) int64_t bump(struct S s, int32_t k) {
    for (int32_t i = 0; i < 3; i++) {
        s.total += k;
        s.mix ^= k + i;
    }
    s.tag = 0;
    return s.total + s.mix + s.tag;
}

int64_t byval_struct(int32_t k) {
    int64_t r = bump(g, k);
    return r ^ g.total ^ g.mix ^ g.tag;
}
