// tessera-entry: call_twice(ptr, i32) -> i32
// tessera-reject: indirect call
// tessera-run: hex:0000000000000000 5
//
// A call through a function pointer (here a parameter, so no earlier check sees a function
// address taken) is not supported.
#include <stdint.h>

typedef int32_t (*unop)(int32_t);

int32_t call_twice(unop f, int32_t x) {
    return f(f(x));
}
