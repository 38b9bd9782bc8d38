// Calls into tessera's C library subset: string functions, abs, and the allocator.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The C standard fixes only the sign of a comparison's result.
static uint32_t sign(int x) { return (uint32_t)((x > 0) - (x < 0) + 2); }

uint32_t strings(const char *text, uint32_t n) {
    char *copy = malloc(n + 1);
    if (!copy) {
        return 0xffffffffu;
    }
    memcpy(copy, text, n);
    copy[n] = 0;
    uint32_t h = (uint32_t)strlen(copy);
    h = h * 31 + sign(strcmp(copy, "hello"));
    h = h * 31 + sign(strncmp(copy, "hel", 3));
    h = h * 31 + sign(memcmp(copy, "abc", n < 3 ? n : 3));
    const char *c = strchr(copy, 'l');
    h = h * 31 + (c ? (uint32_t)(c - copy) : 99u);
    const char *m = memchr(copy, 'o', n);
    h = h * 31 + (m ? (uint32_t)(m - copy) : 77u);
    int32_t *v = calloc(4, sizeof(int32_t));
    for (int i = 0; i < 4; i++) {
        v[i] = (int32_t)copy[i % (n ? n : 1)] - 100;
    }
    v = realloc(v, 8 * sizeof(int32_t));
    for (int i = 0; i < 4; i++) {
        h = h * 31 + (uint32_t)abs(v[i]);
    }
    char buf[16];
    strncpy(buf, copy, sizeof buf);
    buf[15] = 0;
    strcpy(copy, buf);
    h = h * 31 + (uint32_t)strlen(copy);
    free(v);
    free(copy);
    return h;
}
