/* A freestanding stand-in for csmith's runtime header, used by scripts/fuzz.sh in place of
 * /usr/include/csmith/csmith.h (this folder comes first on the include path).
 *
 * It keeps csmith's checksum exactly (crc32_gentab, crc32_byte, transparent_crc and
 * transparent_crc_bytes are csmith's code, 64-bit variant) and its safe-math wrappers
 * (csmith/safe_math.h, included unchanged), but prints nothing: printf becomes a no-op
 * (csmith only prints under print_hash_value, which is 0 with --no-argc) and csmith's main
 * is renamed csmith_main. The entry tessera runs is
 *
 *     uint32_t tessera_main(void)
 *
 * which runs csmith's main (crc32_gentab, func_1, then the checksum of every global) and
 * returns the checksum csmith would print. A native harness prints tessera_main()'s value. */
#ifndef TESSERA_CSMITH_H
#define TESSERA_CSMITH_H

#include <float.h> /* safe_math.h's float wrappers, never used (csmith runs with --no-float) */
#include <limits.h>
#include <math.h>
#include <stdint.h>

/* What random_inc.h sets up for safe_math.h, minus logging. */
#define COUNT(n)
#define TC
#define SAFE
#define UNDEFINED(__val) (__val)
#define LOG_INDEX
#define LOG_EXEC
#define STATIC static
#define FUNC_NAME(x) (safe_##x)
#include <csmith/safe_math.h>
#undef FUNC_NAME
#define INT_BIT (sizeof(int) * CHAR_BIT)
#define _CSMITH_BITFIELD(x) (((x) > INT_BIT) ? ((x) % INT_BIT) : (x))

#define printf(...) ((void)0)
#define main csmith_main

static uint32_t crc32_tab[256];
static uint32_t crc32_context = 0xFFFFFFFFUL;

static void crc32_gentab(void) {
    uint32_t crc;
    const uint32_t poly = 0xEDB88320UL;
    int i, j;
    for (i = 0; i < 256; i++) {
        crc = i;
        for (j = 8; j > 0; j--) {
            if (crc & 1) {
                crc = (crc >> 1) ^ poly;
            } else {
                crc >>= 1;
            }
        }
        crc32_tab[i] = crc;
    }
}

static void crc32_byte(uint8_t b) {
    crc32_context = ((crc32_context >> 8) & 0x00FFFFFF) ^ crc32_tab[(crc32_context ^ b) & 0xFF];
}

static void crc32_8bytes(uint64_t val) {
    crc32_byte((val >> 0) & 0xff);
    crc32_byte((val >> 8) & 0xff);
    crc32_byte((val >> 16) & 0xff);
    crc32_byte((val >> 24) & 0xff);
    crc32_byte((val >> 32) & 0xff);
    crc32_byte((val >> 40) & 0xff);
    crc32_byte((val >> 48) & 0xff);
    crc32_byte((val >> 56) & 0xff);
}

static void transparent_crc(uint64_t val, char *vname, int flag) {
    (void)vname;
    (void)flag;
    crc32_8bytes(val);
}

static void transparent_crc_bytes(char *ptr, int nbytes, char *vname, int flag) {
    int i;
    (void)vname;
    (void)flag;
    for (i = 0; i < nbytes; i++) {
        crc32_byte(ptr[i]);
    }
}

static void platform_main_begin(void) {}

static void platform_main_end(uint32_t crc, int flag) {
    (void)crc;
    (void)flag;
}

int csmith_main(void);

uint32_t tessera_main(void) {
    csmith_main();
    return crc32_context ^ 0xFFFFFFFFUL;
}

#endif
