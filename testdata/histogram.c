// tessera-entry: histogram(ptr, u32, ptr, bool) -> void
// tessera-run: hex:0011213141f1f2f3ff 9 hex:ffffffffffffffffffffffffffffffff 1
// tessera-run: hex:0011213141f1f2f3ff 9 hex:ffffffffffffffffffffffffffffffff 0
// tessera-run: hex:00 0 hex:00000000000000000000000000000000 1
//
// A void entry with a bool parameter: clears a 16-bin output buffer with memset, then
// counts the high (or low) nibble of every input byte, saturating each bin at 255.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

void histogram(const uint8_t *data, uint32_t len, uint8_t *bins, bool high) {
    memset(bins, 0, 16);
    for (uint32_t i = 0; i < len; i++) {
        uint8_t nibble = high ? data[i] >> 4 : data[i] & 15;
        if (bins[nibble] != 255) {
            bins[nibble]++;
        }
    }
}
