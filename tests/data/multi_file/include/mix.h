// Shared by main.c and mix.c: found through -I, and SCALE comes from -D.
#ifndef MIX_H
#define MIX_H
#include <stdint.h>

#ifndef SCALE
#error "SCALE must be defined with -D SCALE=<n>"
#endif

uint32_t mix(uint32_t x, uint32_t y);
#endif
