// tessera-entry: libc_calls(ptr, u32) -> i64
// tessera-run: hex:68656c6c6f2c20776f726c6400 13
// tessera-run: hex:616263006162640061 9
// tessera-run: hex:00 1
//
// C library calls as real programs make them: strlen, strcmp, strncmp, memcmp, strchr,
// memchr, strcpy, abs and a malloc/realloc/free buffer. The program defines none of them,
// so tessera links its freestanding libc (frontend/runtime/libc.c) with only the functions
// used; the buffer holds NUL-separated strings, its last byte a NUL or not.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int64_t libc_calls(char *buf, uint32_t len) {
    if (len == 0) return -1;
    char last = buf[len - 1];
    buf[len - 1] = 0;
    size_t n = strlen(buf);
    char *copy = malloc(n + 1);
    if (!copy) return -2;
    strcpy(copy, buf);
    int64_t score = (int64_t)n * 1000 + strcmp(copy, "hello") * 7 + strncmp(copy, "abd", 2) * 3;
    score += memcmp(buf, copy, n) == 0 ? 1 : 0;
    const char *comma = strchr(copy, ',');
    score += comma ? (comma - copy) * 100 : -50;
    const char *second = memchr(buf, 0, len);
    if (second && (size_t)(second - buf) + 1 < len) {
        score += 10000 * (int64_t)strlen(second + 1);
    }
    copy = realloc(copy, 2 * n + 2);
    memcpy(copy + n, copy, n + 1);
    for (size_t i = 0; i < 2 * n; i++) score += abs(copy[i] - 'a');
    free(copy);
    buf[len - 1] = last;
    return score;
}
