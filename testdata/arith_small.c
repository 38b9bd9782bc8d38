// tessera-entry: mix_small(i8, u8, i16, u16) -> i16
// tessera-run: -7 3 -300 7
// tessera-run: -128 255 -32768 65535
// tessera-run: 127 0 32767 0
// tessera-run: 0 128 1 2
//
// Signed and unsigned 8- and 16-bit arithmetic: sdiv/srem of negative values (C rounds
// toward zero), udiv/urem, ashr of negative values, lshr, shl that drops bits, truncations
// and sign/zero extensions. Divisions by zero and INT_MIN / -1 are avoided by guards.
#include <stdint.h>

int16_t mix_small(int8_t a, uint8_t b, int16_t c, uint16_t d) {
    int8_t sb = (int8_t)b;
    int8_t q8 = sb != 0 ? (int8_t)(a / sb) : a;   /* -128 / -1 wraps back to -128 */
    int8_t r8 = sb != 0 ? (int8_t)(a % sb) : 0;
    uint8_t uq8 = b != 0 ? (uint8_t)((uint8_t)a / b) : 0xff;
    uint8_t ur8 = b != 0 ? (uint8_t)((uint8_t)a % b) : 0;
    int8_t ashr8 = (int8_t)(a >> (b & 7));
    uint8_t lshr8 = (uint8_t)((uint8_t)a >> (b & 7));
    uint8_t shl8 = (uint8_t)((uint8_t)a << (b & 7));

    int16_t sd = (int16_t)d;
    int16_t q16 = sd != 0 ? (int16_t)(c / sd) : c;
    int16_t r16 = sd != 0 ? (int16_t)(c % sd) : 0;
    uint16_t uq16 = d != 0 ? (uint16_t)((uint16_t)c / d) : 0xffff;
    uint16_t ur16 = d != 0 ? (uint16_t)((uint16_t)c % d) : 0;
    int16_t ashr16 = (int16_t)(c >> (d & 15));
    uint16_t lshr16 = (uint16_t)((uint16_t)c >> (d & 15));
    uint16_t shl16 = (uint16_t)((uint16_t)c << (d & 15));

    int16_t acc = (int16_t)(q8 * 31 + r8);
    acc = (int16_t)(acc ^ (int16_t)((uq8 << 8) | ur8));
    acc = (int16_t)(acc + ashr8 - (int16_t)lshr8 + (int16_t)shl8);
    acc = (int16_t)(acc * 7 ^ q16);
    acc = (int16_t)(acc - r16 + (int16_t)uq16);
    acc = (int16_t)(acc ^ (int16_t)(ur16 * 3));
    acc = (int16_t)(acc + ashr16 + (int16_t)(lshr16 ^ shl16));
    if (acc < 0) {
        acc = (int16_t)(acc >> 1);
    }
    return acc;
}
