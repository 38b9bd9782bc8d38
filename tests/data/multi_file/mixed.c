// Calls `offset` from offset.rs.
#include <stdint.h>

uint32_t offset(uint32_t x);

uint32_t mixed(uint32_t x) {
    return offset(x) + offset(x >> 3);
}
