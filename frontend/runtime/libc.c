// tessera's freestanding C library subset: linked into a program only when the program
// calls one of these functions and does not define it (see frontend/src/driver.rs). Built
// with -ffreestanding -fno-builtin so that clang does not turn the loops below back into
// calls of the functions they implement. abort() and a failed assert() need nothing here:
// they are noreturn and become a trap with the call's location.
#include <stddef.h>
#include <stdint.h>

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *p = a, *q = b;
    for (size_t i = 0; i < n; i++) {
        if (p[i] != q[i]) {
            return p[i] < q[i] ? -1 : 1;
        }
    }
    return 0;
}

void *memchr(const void *s, int c, size_t n) {
    const unsigned char *p = s;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == (unsigned char)c) {
            return (void *)(p + i);
        }
    }
    return NULL;
}

size_t strlen(const char *s) {
    size_t n = 0;
    while (s[n]) {
        n++;
    }
    return n;
}

int strcmp(const char *a, const char *b) {
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
    for (; n > 0; n--, a++, b++) {
        if (*a != *b || !*a) {
            return (unsigned char)*a - (unsigned char)*b;
        }
    }
    return 0;
}

char *strcpy(char *d, const char *s) {
    char *r = d;
    while ((*d++ = *s++)) {
    }
    return r;
}

char *strncpy(char *d, const char *s, size_t n) {
    size_t i = 0;
    for (; i < n && s[i]; i++) {
        d[i] = s[i];
    }
    for (; i < n; i++) {
        d[i] = 0;
    }
    return d;
}

char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) {
            return (char *)s;
        }
        if (!*s) {
            return NULL;
        }
    }
}

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }

// A bump allocator over a fixed heap: free() gives nothing back; each block is preceded by
// its size (for realloc) and aligned to 16 bytes. Out of heap: NULL, as malloc may return.
#define TESSERA_HEAP (64 * 1024)
static _Alignas(16) unsigned char tessera_heap[TESSERA_HEAP];
static size_t tessera_heap_top;

void *malloc(size_t n) {
    size_t need = (n + 16 + 15) & ~(size_t)15;
    if (n > TESSERA_HEAP || need > TESSERA_HEAP - tessera_heap_top) {
        return NULL;
    }
    unsigned char *p = tessera_heap + tessera_heap_top;
    tessera_heap_top += need;
    *(size_t *)p = n;
    return p + 16;
}

void *calloc(size_t count, size_t size) {
    if (size != 0 && count > (size_t)-1 / size) {
        return NULL;
    }
    // the heap starts zeroed and is never reused
    return malloc(count * size);
}

void free(void *p) { (void)p; }

void *realloc(void *p, size_t n) {
    if (!p) {
        return malloc(n);
    }
    size_t old = *(size_t *)((unsigned char *)p - 16);
    unsigned char *q = malloc(n);
    if (q) {
        size_t k = old < n ? old : n;
        for (size_t i = 0; i < k; i++) {
            q[i] = ((unsigned char *)p)[i];
        }
    }
    return q;
}
