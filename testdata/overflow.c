// tessera-entry: checked_poly(i32, u32, u32) -> u64
// tessera-run: 3 7 10
// tessera-run: 2147483647 4294967295 5
// tessera-run: -2147483648 65536 3
// tessera-run: 0 0 0
//
// Overflow intrinsics: __builtin_add_overflow, __builtin_sub_overflow and
// __builtin_mul_overflow on signed i32 and unsigned u32 (llvm.{s,u}{add,sub,mul}.with.overflow),
// iterated `rounds` times: each round updates x and y and counts the operations that
// overflowed. Returns the final values and the count packed into 64 bits.
#include <stdint.h>

uint64_t checked_poly(int32_t x, uint32_t y, uint32_t rounds) {
    uint32_t overflows = 0;
    for (uint32_t i = 0; i < rounds; i++) {
        int32_t sx;
        uint32_t uy;
        if (__builtin_mul_overflow(x, 3, &sx)) {
            overflows++;
        }
        if (__builtin_add_overflow(sx, (int32_t)i, &x)) {
            overflows++;
        }
        if (__builtin_mul_overflow(y, y | 1u, &uy)) {
            overflows++;
        }
        if (__builtin_sub_overflow(uy, 12345u, &y)) {
            overflows += 2;
        }
    }
    return ((uint64_t)(uint32_t)x << 32 | (uint64_t)(y & 0xffff) << 16) + overflows;
}
