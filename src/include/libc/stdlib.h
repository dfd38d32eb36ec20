/* Freestanding stdlib.h: declarations only, so that inline libraries
 * (xxhash) compile; nothing here is ever called by freestanding code. */
#ifndef _HVB_STDLIB_H
#define _HVB_STDLIB_H
#include <stddef.h>
void *malloc(size_t n);
void free(void *p);
#endif
