// tessera-entry: float_avg(i32, i32) -> i32
// tessera-reject: floating-point
// tessera-run: 3 8
//
// Floating-point arithmetic is not supported: the average goes through double.

#include <stdint.h>

int32_t float_avg(int32_t a, int32_t b) {
    double avg = ((double)a + (double)b) / 2.0;
    return (int32_t)(avg * 1.5);
}
