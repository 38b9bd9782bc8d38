// tessera-entry: f(i32) -> i32
// tessera-run: 3
// tessera-run: -7
// tessera-run: 2147483647
//
// A non-void function that falls off its end (allowed in C as long as the caller ignores
// the value): clang emits `ret i32 undef` with no `noundef` on g's return, which is defined
// LLVM, so the interpreter must hand f a poison value that f never uses, not report
// undefined behaviour.

int G;

__attribute__((noinline)) int g(int x) {
    G = x;
}

int f(int x) {
    g(x);
    return G;
}
