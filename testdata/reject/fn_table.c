// tessera-entry: apply_table_op(u32, i32, i32) -> i32
// tessera-reject: pointer to function
// tessera-run: 2 5 9
//
// A table of function pointers (a global initialised with function addresses, called
// through an entry chosen by an argument) is not supported: the frontend rejects the
// function addresses in the global's initialiser.
#include <stdint.h>

typedef int32_t (*binop)(int32_t, int32_t);

static int32_t op_add(int32_t a, int32_t b) { return (int32_t)((uint32_t)a + (uint32_t)b); }
static int32_t op_sub(int32_t a, int32_t b) { return (int32_t)((uint32_t)a - (uint32_t)b); }
static int32_t op_xor(int32_t a, int32_t b) { return a ^ b; }
static int32_t op_and(int32_t a, int32_t b) { return a & b; }

binop OPS[4] = {op_add, op_sub, op_xor, op_and};

int32_t apply_table_op(uint32_t op, int32_t a, int32_t b) {
    return OPS[op & 3](a, b);
}
