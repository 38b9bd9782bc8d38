// More of tessera's C library: bcmp (clang's form of `memcmp(...) == 0`), strnlen, strrchr,
// strstr, strcat, strncat, toupper, tolower, <ctype.h>'s classes, atoi, atol, strtol and its kin, and qsort with a comparator (an
// indirect call through a function pointer).
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int by_value(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

static int by_char_desc(const void *a, const void *b) { return *(const char *)b - *(const char *)a; }

uint32_t more(const char *text, uint32_t n) {
    char s[64];
    memcpy(s, text, n);
    s[n] = 0;
    uint32_t h = (uint32_t)strnlen(s, 4);
    h = h * 31 + (memcmp(s, "hel", n < 3 ? n : 3) == 0);
    const char *r = strrchr(s, 'l');
    h = h * 31 + (r ? (uint32_t)(r - s) : 99u);
    const char *f = strstr(s, "lo");
    h = h * 31 + (f ? (uint32_t)(f - s) : 77u);
    char cat[160] = "<";
    strcat(cat, s);
    strncat(cat, s, 2);
    strcat(cat, ">");
    h = h * 31 + (uint32_t)strlen(cat);
    for (size_t i = 0; cat[i]; i++) h = h * 31 + (uint32_t)toupper(cat[i]) + (uint32_t)tolower(cat[i]);
    h = h * 31 + (uint32_t)atoi(s) + (uint32_t)atol(" -12345xyz");
    char *end;
    h = h * 31 + (uint32_t)strtol(s, &end, 0) + (uint32_t)(end - s);
    h = h * 31 + (uint32_t)strtoul("  0x1fZ", &end, 16) + (uint32_t)(*end);
    h = h * 31 + (uint32_t)(strtoll("-99999999999999999999", &end, 10) >> 40) + (uint32_t)(*end);
    h = h * 31 + (uint32_t)strtoull("777", NULL, 8) + (uint32_t)strtol("zz", NULL, 36);
    for (int c = -1; c < 256; c += 3) {
        h = h * 31 + (uint32_t)(!!isdigit(c) + 2 * !!isalpha(c) + 4 * !!isspace(c) + 8 * !!isupper(c) + 16 * !!ispunct(c)
                                + 32 * !!isxdigit(c) + 64 * !!isalnum(c) + 128 * !!isprint(c) + 256 * !!iscntrl(c));
        h = h * 31 + (uint32_t)(toupper(c) ^ (tolower(c) << 9));
    }
    int v[9];
    for (int i = 0; i < 9; i++) v[i] = (int)(s[i % (n ? n : 1)] * 7919 + i * 104729) % 1000 - 500;
    qsort(v, 9, sizeof v[0], by_value);
    for (int i = 0; i < 9; i++) h = h * 31 + (uint32_t)v[i];
    qsort(s, n, 1, by_char_desc);
    for (uint32_t i = 0; i < n; i++) h = h * 31 + (uint8_t)s[i];
    return h;
}
