/* Freestanding assert.h: assertions compile away. */
#ifndef _HVB_ASSERT_H
#define _HVB_ASSERT_H
#define assert(x) ((void)0)
#endif
