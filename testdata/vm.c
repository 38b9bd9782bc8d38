// tessera-entry: vm_run(ptr, u32, i32) -> i32
// tessera-run: hex:0101080507080a00060b0406090c03 15 5
// tessera-run: hex:0101080507080a00060b0406090c03 15 -1
// tessera-run: hex:010701fd04080300 8 -2147483648
// tessera-run: hex:01030d 3 0
//
// A small stack-machine interpreter: a switch on the opcode inside a loop, a local stack
// array indexed by a data-dependent pointer, jumps that make the trip count depend on the
// bytecode and on x, a step limit, and error exits. The first program computes x!
// (x = -1 runs into the step limit), the third 7 * -3 - x with wrap-around, the last has
// an invalid opcode.
#include <stdint.h>

enum {
    HALT = 0, PUSH = 1, ADD = 2, SUB = 3, MUL = 4, DUP = 5, SWAP = 6,
    JNZ = 7, LOADX = 8, DEC = 9, DROP = 10, OVER = 11, JMP = 12,
};

#define VM_ERROR ((int32_t)0x80000000u)
#define STACK 16
#define MAX_STEPS 1000

int32_t vm_run(const uint8_t *code, uint32_t len, int32_t x) {
    uint32_t stack[STACK];
    uint32_t sp = 0;
    uint32_t pc = 0;
    for (uint32_t step = 0; step < MAX_STEPS; step++) {
        if (pc >= len) {
            return VM_ERROR;
        }
        uint8_t op = code[pc++];
        switch (op) {
        case HALT:
            return sp > 0 ? (int32_t)stack[sp - 1] : 0;
        case PUSH:
            if (pc >= len || sp >= STACK) return VM_ERROR;
            stack[sp++] = (uint32_t)(int32_t)(int8_t)code[pc++];
            break;
        case ADD:
        case SUB:
        case MUL: {
            if (sp < 2) return VM_ERROR;
            uint32_t b = stack[--sp];
            uint32_t a = stack[sp - 1];
            stack[sp - 1] = op == ADD ? a + b : op == SUB ? a - b : a * b;
            break;
        }
        case DUP:
            if (sp < 1 || sp >= STACK) return VM_ERROR;
            stack[sp] = stack[sp - 1];
            sp++;
            break;
        case SWAP: {
            if (sp < 2) return VM_ERROR;
            uint32_t t = stack[sp - 1];
            stack[sp - 1] = stack[sp - 2];
            stack[sp - 2] = t;
            break;
        }
        case OVER:
            if (sp < 2 || sp >= STACK) return VM_ERROR;
            stack[sp] = stack[sp - 2];
            sp++;
            break;
        case JNZ:
            if (pc >= len || sp < 1) return VM_ERROR;
            if (stack[--sp] != 0) {
                pc = code[pc];
            } else {
                pc++;
            }
            break;
        case JMP:
            if (pc >= len) return VM_ERROR;
            pc = code[pc];
            break;
        case LOADX:
            if (sp >= STACK) return VM_ERROR;
            stack[sp++] = (uint32_t)x;
            break;
        case DEC:
            if (sp < 1) return VM_ERROR;
            stack[sp - 1] -= 1;
            break;
        case DROP:
            if (sp < 1) return VM_ERROR;
            sp--;
            break;
        default:
            return VM_ERROR;
        }
    }
    return VM_ERROR;
}
