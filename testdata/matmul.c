// tessera-entry: matmul(ptr, ptr, ptr, u32) -> i32
// tessera-run: hex:a54dca182530bb1d6d132cded6237b2e hex:d91e3f721fcb1971174494d6493c9d5c hex:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 4
// tessera-run: hex:3460be31201e69feda hex:a0eee8b9997f5c7c29 hex:000000000000000000000000000000000000000000000000000000000000000000000000 3
// tessera-run: hex:99 hex:fd hex:00000000 1
// tessera-run: hex:01 hex:02 hex:ffffffff 0
//
// C = A * B for n x n matrices of signed bytes (n <= 8), C stored as little-endian i32:
// triply nested loops over buffer arguments, sign extension, and a store through a pointer
// cast. Returns the trace of C.
#include <stdint.h>

int32_t matmul(const int8_t *a, const int8_t *b, int32_t *c, uint32_t n) {
    if (n > 8) {
        return -1;
    }
    int32_t trace = 0;
    for (uint32_t i = 0; i < n; i++) {
        for (uint32_t j = 0; j < n; j++) {
            int32_t acc = 0;
            for (uint32_t k = 0; k < n; k++) {
                acc += (int32_t)a[i * n + k] * (int32_t)b[k * n + j];
            }
            c[i * n + j] = acc;
        }
        trace += c[i * n + i];
    }
    return trace;
}
