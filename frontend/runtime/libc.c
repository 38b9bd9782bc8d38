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

// ---- Output: stdio's printing functions on two streams -------------------------------------
// Every byte goes through __tessera_putchar (standard output) or __tessera_putchar_err
// (standard error), which the frontend turns into tessera's `output` instruction: the
// interpreter captures each stream and `tessera run` reports it. FILE is opaque here: the
// two streams are the addresses 1 and 2, and any other FILE * writes nowhere (and fails).
#include <stdarg.h>

void __tessera_putchar(int c);
void __tessera_putchar_err(int c);

typedef struct tessera_file FILE;
FILE *stdout = (FILE *)1;
FILE *stderr = (FILE *)2;

// Where formatted output goes: a stream, or a buffer of `cap` bytes (always terminated when
// `cap > 0`, as snprintf's is); `len` counts every byte, written or not.
typedef struct {
    FILE *stream;
    char *buf;
    size_t cap;
    size_t len;
} tessera_sink;

static int tessera_stream_ok(FILE *f) { return f == stdout || f == stderr; }

static void tessera_put(tessera_sink *s, char c) {
    if (s->buf) {
        if (s->len + 1 < s->cap) {
            s->buf[s->len] = c;
        }
    } else if (s->stream == stdout) {
        __tessera_putchar((unsigned char)c);
    } else if (s->stream == stderr) {
        __tessera_putchar_err((unsigned char)c);
    }
    s->len++;
}

static void tessera_pad(tessera_sink *s, char c, int n) {
    for (; n > 0; n--) {
        tessera_put(s, c);
    }
}

// One integer conversion: `neg` and the magnitude `v` in `base`, with printf's flags.
static void tessera_int(tessera_sink *s, unsigned long long v, int neg, unsigned base, int upper, int left,
                        int zero, int plus, int space, int alt, int width, int prec) {
    char digits[24];
    int n = 0;
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    int zeros = prec > n ? prec - n : 0;
    if (prec < 0 && n == 0) {
        zeros = 1;
    }
    if (alt && base == 8 && zeros == 0) {
        zeros = 1;
    }
    const char *prefix = neg ? "-" : plus ? "+" : space ? " " : "";
    if (alt && base == 16 && n > 0) {
        prefix = upper ? "0X" : "0x";
    }
    int plen = 0;
    while (prefix[plen]) {
        plen++;
    }
    int body = plen + zeros + n;
    if (zero && !left && prec < 0 && width > body) {
        zeros += width - body;
        body = width;
    }
    if (!left) {
        tessera_pad(s, ' ', width - body);
    }
    for (int i = 0; i < plen; i++) {
        tessera_put(s, prefix[i]);
    }
    tessera_pad(s, '0', zeros);
    while (n > 0) {
        tessera_put(s, digits[--n]);
    }
    if (left) {
        tessera_pad(s, ' ', width - body);
    }
}

// printf's format language for integers, characters, strings and pointers (no floating
// point: tessera has none). An unknown conversion is written out as it stands.
static int tessera_format(tessera_sink *s, const char *fmt, va_list ap) {
    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            tessera_put(s, *p);
            continue;
        }
        const char *start = p++;
        int left = 0, zero = 0, plus = 0, space = 0, alt = 0;
        for (;; p++) {
            if (*p == '-') left = 1;
            else if (*p == '0') zero = 1;
            else if (*p == '+') plus = 1;
            else if (*p == ' ') space = 1;
            else if (*p == '#') alt = 1;
            else break;
        }
        int width = 0;
        if (*p == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                left = 1;
                width = -width;
            }
            p++;
        } else {
            while (*p >= '0' && *p <= '9') width = width * 10 + (*p++ - '0');
        }
        int prec = -1;
        if (*p == '.') {
            p++;
            prec = 0;
            if (*p == '*') {
                prec = va_arg(ap, int);
                p++;
            } else {
                while (*p >= '0' && *p <= '9') prec = prec * 10 + (*p++ - '0');
            }
        }
        int size = 0; // 0 int, 1 long, 2 long long, -1 short, -2 char
        for (;; p++) {
            if (*p == 'l') size = size == 1 ? 2 : 1;
            else if (*p == 'h') size = size == -1 ? -2 : -1;
            else if (*p == 'z' || *p == 'j' || *p == 't' || *p == 'L' || *p == 'q') size = 2;
            else break;
        }
        char c = *p;
        if (c == 'd' || c == 'i') {
            long long v = size >= 1 ? va_arg(ap, long long) : va_arg(ap, int);
            if (size == -1) v = (short)v;
            if (size == -2) v = (signed char)v;
            unsigned long long m = v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v;
            tessera_int(s, m, v < 0, 10, 0, left, zero, plus, space, 0, width, prec);
        } else if (c == 'u' || c == 'x' || c == 'X' || c == 'o') {
            unsigned long long v = size >= 1 ? va_arg(ap, unsigned long long) : va_arg(ap, unsigned);
            if (size == -1) v = (unsigned short)v;
            if (size == -2) v = (unsigned char)v;
            unsigned base = c == 'u' ? 10 : c == 'o' ? 8 : 16;
            tessera_int(s, v, 0, base, c == 'X', left, zero, 0, 0, alt, width, prec);
        } else if (c == 'p') {
            unsigned long long v = (unsigned long long)(uintptr_t)va_arg(ap, void *);
            if (v == 0) {
                const char *nil = "(nil)";
                tessera_pad(s, ' ', left ? 0 : width - 5);
                for (int i = 0; nil[i]; i++) tessera_put(s, nil[i]);
                tessera_pad(s, ' ', left ? width - 5 : 0);
            } else {
                tessera_int(s, v, 0, 16, 0, left, 0, plus, space, 1, width, -1);
            }
        } else if (c == 'c') {
            char ch = (char)va_arg(ap, int);
            tessera_pad(s, ' ', left ? 0 : width - 1);
            tessera_put(s, ch);
            tessera_pad(s, ' ', left ? width - 1 : 0);
        } else if (c == 's') {
            const char *str = va_arg(ap, const char *);
            if (!str) str = "(null)";
            int n = 0;
            while (str[n] && (prec < 0 || n < prec)) n++;
            tessera_pad(s, ' ', left ? 0 : width - n);
            for (int i = 0; i < n; i++) tessera_put(s, str[i]);
            tessera_pad(s, ' ', left ? width - n : 0);
        } else if (c == '%') {
            tessera_put(s, '%');
        } else if (c == 'n') {
            int *out = va_arg(ap, int *);
            *out = (int)s->len;
        } else {
            for (const char *q = start; q <= p && *q; q++) tessera_put(s, *q);
            if (!c) break;
        }
    }
    return (int)s->len;
}

static int tessera_to_buffer(tessera_sink *s, char *buf, size_t cap) {
    if (cap > 0) {
        buf[s->len < cap ? s->len : cap - 1] = 0;
    }
    return (int)s->len;
}

int vfprintf(FILE *f, const char *fmt, va_list ap) {
    tessera_sink s = {f, NULL, 0, 0};
    int n = tessera_format(&s, fmt, ap);
    return tessera_stream_ok(f) ? n : -1;
}

int vprintf(const char *fmt, va_list ap) { return vfprintf(stdout, fmt, ap); }

int vsnprintf(char *buf, size_t cap, const char *fmt, va_list ap) {
    char none;
    tessera_sink s = {NULL, cap ? buf : &none, cap, 0};
    tessera_format(&s, fmt, ap);
    return tessera_to_buffer(&s, buf, cap);
}

int vsprintf(char *buf, const char *fmt, va_list ap) { return vsnprintf(buf, (size_t)-1 / 2, fmt, ap); }

int printf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(stdout, fmt, ap);
    va_end(ap);
    return n;
}

int fprintf(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    return n;
}

int snprintf(char *buf, size_t cap, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, cap, fmt, ap);
    va_end(ap);
    return n;
}

int sprintf(char *buf, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsprintf(buf, fmt, ap);
    va_end(ap);
    return n;
}

int fputc(int c, FILE *f) {
    tessera_sink s = {f, NULL, 0, 0};
    tessera_put(&s, (char)c);
    return tessera_stream_ok(f) ? (unsigned char)c : -1;
}

int putc(int c, FILE *f) { return fputc(c, f); }

int putchar(int c) { return fputc(c, stdout); }

int fputs(const char *str, FILE *f) {
    tessera_sink s = {f, NULL, 0, 0};
    while (*str) tessera_put(&s, *str++);
    return tessera_stream_ok(f) ? 0 : -1;
}

int puts(const char *str) {
    if (fputs(str, stdout) < 0) return -1;
    return fputc('\n', stdout) < 0 ? -1 : 0;
}

size_t fwrite(const void *p, size_t size, size_t count, FILE *f) {
    tessera_sink s = {f, NULL, 0, 0};
    const char *b = p;
    for (size_t i = 0; i < size * count; i++) tessera_put(&s, b[i]);
    return tessera_stream_ok(f) && size ? count : 0;
}

int fflush(FILE *f) {
    (void)f;
    return 0;
}
