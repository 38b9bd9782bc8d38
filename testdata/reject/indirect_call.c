// tessera-entry: call_twice(ptr, i32) -> i32
// tessera-reject: indirect call
// tessera-run: hex:0000000000000000 5
//
// A call through a function pointer that is no function: the program takes the address of
// no function of this type, so the call's target set is empty and the run traps, naming the
// call.
#include <stdint.h>

typedef int32_t (*unop)(int32_t);

int32_t call_twice(unop f, int32_t x) {
    return f(f(x));
}
