// tessera-entry: varargs_mix(i32, u32) -> i64
// tessera-run: 5 3
// tessera-run: -3 7
// tessera-run: 100000 0
//
// Variadic functions defined in the program, as x86-64 C passes them: int, long and pointer
// arguments, a 16-byte struct (passed in two registers, read back by va_arg as one struct),
// a 24-byte struct (passed `byval`, copied into the argument area), va_copy, and a va_list
// handed to a helper. The frontend gives a variadic function one more parameter, the address
// of its extra arguments laid out as the ABI's overflow area; va_start points the va_list
// there with every register marked used, so clang's own va_arg code reads them from memory.
#include <stdarg.h>
#include <stdint.h>

struct Big { long a, b, c; };
struct Pair { int x; long y; };

__attribute__((noinline)) static long tagged_sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long s = 0;
    for (int i = 0; i < n; i++) {
        int kind = va_arg(ap, int);
        if (kind == 0) {
            s += va_arg(ap, int);
        } else if (kind == 1) {
            s += va_arg(ap, long) * 3;
        } else if (kind == 2) {
            struct Big b = va_arg(ap, struct Big);
            s += b.a - b.b + b.c * 7;
        } else if (kind == 3) {
            struct Pair p = va_arg(ap, struct Pair);
            s += p.x * 5 + p.y;
        } else {
            const char *p = va_arg(ap, const char *);
            s += p[0];
        }
    }
    va_end(ap);
    return s;
}

static long fold(int n, va_list ap) {
    long s = 0;
    for (int i = 0; i < n; i++) s = s * 31 + va_arg(ap, int);
    return s;
}

__attribute__((noinline)) static long fold_twice(int n, ...) {
    va_list ap, aq;
    va_start(ap, n);
    va_copy(aq, ap);
    long a = fold(n, ap);
    long b = fold(n, aq);
    va_end(aq);
    va_end(ap);
    return a ^ (b << 1);
}

int64_t varargs_mix(int32_t x, uint32_t k) {
    struct Big b = {x, 2 * (long)x, 3};
    struct Pair p = {x, (long)x << 20};
    char str[2] = {(char)x, 0};
    long r = tagged_sum(5, 0, x, 1, (long)x + 1, 2, b, 3, p, 4, str);
    for (uint32_t i = 0; i < k; i++) r ^= fold_twice(4, (int)i, x, 3, (int)(i * i)) + i;
    return r;
}
