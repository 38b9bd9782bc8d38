// tessera-entry: bubble_sort(ptr, u32) -> u32
// tessera-run: hex:0907050301fffe80027f 10
// tessera-run: hex:00010203 4
// tessera-run: hex:2a 1
// tessera-run: hex:0504030201 0
//
// Bubble sort of signed bytes in place, with an early exit when a pass makes no swap: nested
// loops whose trip counts depend on the data, loads and stores through a buffer argument.
// Returns the number of swaps.
#include <stdint.h>

uint32_t bubble_sort(int8_t *buf, uint32_t len) {
    uint32_t swaps = 0;
    for (uint32_t end = len; end > 1; end--) {
        int swapped = 0;
        for (uint32_t i = 0; i + 1 < end; i++) {
            if (buf[i] > buf[i + 1]) {
                int8_t t = buf[i];
                buf[i] = buf[i + 1];
                buf[i + 1] = t;
                swaps++;
                swapped = 1;
            }
        }
        if (!swapped) {
            break;
        }
    }
    return swaps;
}
