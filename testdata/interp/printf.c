// tessera-entry: print_report(i32, u32) -> i32
// tessera-lower-reject: printed output
// tessera-run: -42 5
// tessera-run: 7 0
// tessera-run: 2147483647 12
//
// A program that prints, the way test programs do: printf with flags, widths, precisions
// and length modifiers, snprintf into a buffer (and its truncation), puts, putchar, fputs
// and fprintf to stdout and stderr (clang -O1 turns some of these into puts, putchar and
// fwrite). tessera's libc implements them over one output primitive; `tessera run` reports
// what was printed ("stdout" in --json), and the differential test compares it with glibc's.
// The circuit stages do not prove printed output yet.
#include <stdint.h>
#include <stdio.h>

int32_t print_report(int32_t x, uint32_t k) {
    printf("hello, world\n");
    printf("x=%d u=%u hex=%x HEX=%#X oct=%#o c=%c s=%s|%5d|%-5d|%05d|%+d|% d|%.3d|%.0d|\n", x, (unsigned)x, x, x, x,
           'A' + (x & 15), "str", x, x, x, x, x, x, 0);
    printf("%ld %lld %lu %hhd %hd %zu %10.3s| %-8s| %%\n", (long)x * 1000000007L, (long long)x << 20,
           (unsigned long)k, x, x, sizeof(int), "abcdef", "ab");
    char buf[64];
    int n = snprintf(buf, sizeof buf, "[%08x:%p:%*d:%-*.*s]", k * 2654435761u, (void *)0, 6, x, 7, 2, "xyz");
    puts(buf);
    int m = snprintf(buf, 5, "%d", x);
    putchar('0' + n % 10);
    putchar('\n');
    fprintf(stdout, "m=%d buf=%s\n", m, buf);
    fputs("via fputs\n", stdout);
    for (uint32_t i = 0; i < k; i++) {
        printf("%u%s", i * i, i + 1 < k ? "," : "\n");
    }
    fprintf(stderr, "to stderr %d\n", x);
    return n * 100 + m;
}
