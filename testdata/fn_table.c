// tessera-entry: apply_table_op(u32, i32, i32) -> i32
// tessera-run: 2 5 9
// tessera-run: 0 -3 8
// tessera-run: 7 100 -1
//
// A table of function pointers (a global initialised with function addresses) called through
// an entry chosen by an argument, a function pointer passed as a callback, and a comparison
// of function pointers. A function's address is a constant; each indirect call lists its
// targets (the address-taken functions of its type) in the IR dump, and the passes turn it
// into a switch over them whose arms are direct calls, which inlining then handles.
#include <stdint.h>

typedef int32_t (*binop)(int32_t, int32_t);

static int32_t op_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t op_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static int32_t op_xor(int32_t a, int32_t b) { return a ^ b; }
static int32_t op_and(int32_t a, int32_t b) { return a & b; }

binop OPS[4] = {op_add, op_sub, op_xor, op_and};

static int32_t fold(binop f, const int32_t *xs, int n) {
    int32_t acc = xs[0];
    for (int i = 1; i < n; i++) acc = f(acc, xs[i]);
    return acc;
}

int32_t apply_table_op(uint32_t op, int32_t a, int32_t b) {
    int32_t xs[4] = {a, b, a ^ b, 7};
    return OPS[op & 3](a, b) + fold(OPS[(op + 1) & 3], xs, 4) + (OPS[op & 3] == op_xor);
}
