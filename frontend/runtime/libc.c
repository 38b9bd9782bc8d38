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

// clang turns `memcmp(a, b, n) == 0` into bcmp: zero when equal.
int bcmp(const void *a, const void *b, size_t n) { return memcmp(a, b, n) != 0; }

size_t strnlen(const char *s, size_t max) {
    size_t n = 0;
    while (n < max && s[n]) {
        n++;
    }
    return n;
}

char *strrchr(const char *s, int c) {
    const char *found = NULL;
    for (;; s++) {
        if (*s == (char)c) {
            found = s;
        }
        if (!*s) {
            return (char *)found;
        }
    }
}

char *strstr(const char *hay, const char *needle) {
    if (!*needle) {
        return (char *)hay;
    }
    for (; *hay; hay++) {
        size_t i = 0;
        while (needle[i] && hay[i] == needle[i]) {
            i++;
        }
        if (!needle[i]) {
            return (char *)hay;
        }
    }
    return NULL;
}

char *strcat(char *d, const char *s) {
    strcpy(d + strlen(d), s);
    return d;
}

char *strncat(char *d, const char *s, size_t n) {
    char *e = d + strlen(d);
    size_t i = 0;
    for (; i < n && s[i]; i++) {
        e[i] = s[i];
    }
    e[i] = 0;
    return d;
}

int toupper(int c) { return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c; }
int tolower(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

// glibc's <ctype.h> inlines isdigit, isalpha, toupper... as lookups in per-locale tables it
// reaches through these three functions; here the C locale's tables, indexed -128..255 (the
// returned pointers point at entry 0). The class bits are glibc's on a little-endian machine.
enum {
    TESSERA_UPPER = 0x100,
    TESSERA_LOWER = 0x200,
    TESSERA_ALPHA = 0x400,
    TESSERA_DIGIT = 0x800,
    TESSERA_XDIGIT = 0x1000,
    TESSERA_SPACE = 0x2000,
    TESSERA_PRINT = 0x4000,
    TESSERA_GRAPH = 0x8000,
    TESSERA_BLANK = 0x1,
    TESSERA_CNTRL = 0x2,
    TESSERA_PUNCT = 0x4,
    TESSERA_ALNUM = 0x8,
};
#define TESSERA_PUNCTS (TESSERA_PUNCT | TESSERA_PRINT | TESSERA_GRAPH)
#define TESSERA_LETTER (TESSERA_ALPHA | TESSERA_PRINT | TESSERA_GRAPH | TESSERA_ALNUM)
static const unsigned short tessera_ctype_b[384] = {
    [128 + 0 ... 128 + 31] = TESSERA_CNTRL,
    [128 + 9 ... 128 + 13] = TESSERA_CNTRL | TESSERA_SPACE,
    [128 + 9] = TESSERA_CNTRL | TESSERA_SPACE | TESSERA_BLANK,
    [128 + ' '] = TESSERA_SPACE | TESSERA_PRINT | TESSERA_BLANK,
    [128 + '!' ... 128 + '/'] = TESSERA_PUNCTS,
    [128 + '0' ... 128 + '9'] = TESSERA_DIGIT | TESSERA_XDIGIT | TESSERA_PRINT | TESSERA_GRAPH | TESSERA_ALNUM,
    [128 + ':' ... 128 + '@'] = TESSERA_PUNCTS,
    [128 + 'A' ... 128 + 'F'] = TESSERA_UPPER | TESSERA_LETTER | TESSERA_XDIGIT,
    [128 + 'G' ... 128 + 'Z'] = TESSERA_UPPER | TESSERA_LETTER,
    [128 + '[' ... 128 + '`'] = TESSERA_PUNCTS,
    [128 + 'a' ... 128 + 'f'] = TESSERA_LOWER | TESSERA_LETTER | TESSERA_XDIGIT,
    [128 + 'g' ... 128 + 'z'] = TESSERA_LOWER | TESSERA_LETTER,
    [128 + '{' ... 128 + '~'] = TESSERA_PUNCTS,
    [128 + 127] = TESSERA_CNTRL,
};
static const unsigned short *tessera_ctype_b_at = tessera_ctype_b + 128;
const unsigned short **__ctype_b_loc(void) { return &tessera_ctype_b_at; }

static int32_t tessera_upper[384], tessera_lower[384];
static const int32_t *tessera_upper_at, *tessera_lower_at;

static void tessera_case_tables(void) {
    if (tessera_upper_at) {
        return;
    }
    for (int c = -128; c < 256; c++) {
        tessera_upper[c + 128] = toupper(c);
        tessera_lower[c + 128] = tolower(c);
    }
    tessera_upper_at = tessera_upper + 128;
    tessera_lower_at = tessera_lower + 128;
}

const int32_t **__ctype_toupper_loc(void) {
    tessera_case_tables();
    return &tessera_upper_at;
}

const int32_t **__ctype_tolower_loc(void) {
    tessera_case_tables();
    return &tessera_lower_at;
}

// atoi/atol: optional space and sign, then decimal digits (overflow is undefined, as in C).
long atol(const char *s) {
    while (*s == ' ' || (*s >= '\t' && *s <= '\r')) {
        s++;
    }
    int neg = *s == '-';
    if (*s == '-' || *s == '+') {
        s++;
    }
    unsigned long v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (unsigned long)(*s++ - '0');
    }
    return neg ? -(long)v : (long)v;
}

int atoi(const char *s) { return (int)atol(s); }

static int tessera_errno;
int *__errno_location(void) { return &tessera_errno; }

// strtoull's digits: optional space and sign, base 0 (prefix-chosen) or 2..36; sets *end to
// the first unparsed byte (or `s` when there are no digits) and reports overflow.
static unsigned long long tessera_strtou(const char *s, char **end, int base, int *neg, int *over) {
    const char *p = s;
    while (*p == ' ' || (*p >= '\t' && *p <= '\r')) p++;
    *neg = *p == '-';
    if (*p == '-' || *p == '+') p++;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        ((p[2] >= '0' && p[2] <= '9') || (p[2] >= 'a' && p[2] <= 'f') || (p[2] >= 'A' && p[2] <= 'F'))) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = p[0] == '0' ? 8 : 10;
    }
    unsigned long long v = 0;
    const char *digits = p;
    *over = 0;
    for (;; p++) {
        int d = *p >= '0' && *p <= '9' ? *p - '0' : *p >= 'a' && *p <= 'z' ? *p - 'a' + 10
              : *p >= 'A' && *p <= 'Z' ? *p - 'A' + 10 : 99;
        if (d >= base) break;
        if (v > (~0ULL - (unsigned)d) / (unsigned)base) *over = 1;
        v = v * (unsigned)base + (unsigned)d;
    }
    if (end) *end = (char *)(p == digits ? s : p);
    return v;
}

unsigned long long strtoull(const char *s, char **end, int base) {
    int neg, over;
    unsigned long long v = tessera_strtou(s, end, base, &neg, &over);
    if (over) {
        tessera_errno = 34; // ERANGE
        return ~0ULL;
    }
    return neg ? 0 - v : v;
}

unsigned long strtoul(const char *s, char **end, int base) { return strtoull(s, end, base); }

long long strtoll(const char *s, char **end, int base) {
    int neg, over;
    unsigned long long v = tessera_strtou(s, end, base, &neg, &over);
    unsigned long long limit = neg ? (1ULL << 63) : (1ULL << 63) - 1;
    if (over || v > limit) {
        tessera_errno = 34; // ERANGE
        return neg ? (long long)(1ULL << 63) : (long long)((1ULL << 63) - 1);
    }
    return neg ? (long long)(0 - v) : (long long)v;
}

long strtol(const char *s, char **end, int base) { return strtoll(s, end, base); }

// qsort as a heapsort: no recursion (tessera inlines every call) and no extra memory.
static void tessera_swap(unsigned char *a, unsigned char *b, size_t size) {
    for (size_t i = 0; i < size; i++) {
        unsigned char t = a[i];
        a[i] = b[i];
        b[i] = t;
    }
}

void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *)) {
    unsigned char *a = base;
    for (size_t end = n; end > 1; end--) {
        // heapify on the first pass, then sift the new root down
        size_t start = end == n ? n / 2 : 1;
        for (size_t k = start; k-- > 0;) {
            size_t root = k;
            for (;;) {
                size_t child = 2 * root + 1;
                if (child >= end) {
                    break;
                }
                if (child + 1 < end && cmp(a + child * size, a + (child + 1) * size) < 0) {
                    child++;
                }
                if (cmp(a + root * size, a + child * size) >= 0) {
                    break;
                }
                tessera_swap(a + root * size, a + child * size, size);
                root = child;
            }
        }
        tessera_swap(a, a + (end - 1) * size, size);
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
