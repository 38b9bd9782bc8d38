/* The native side of scripts/fuzz.sh: prints the checksum tessera_main (scripts/fuzz/csmith.h)
 * returns, in unsigned decimal as `tessera run --json` reports it. */
#include <stdint.h>
#include <stdio.h>

uint32_t tessera_main(void);

int main(void) {
    printf("%u\n", tessera_main());
    return 0;
}
