// tessera-entry: asm_rotate(u32) -> u32
// tessera-reject: inline assembly
// tessera-run: 1
//
// Inline assembly is not supported.
#include <stdint.h>

uint32_t asm_rotate(uint32_t x) {
    __asm__("roll $3, %0" : "+r"(x));
    return x;
}
