/* native/console.h: 16550 UART on COM1, polled. */
#ifndef HV_NATIVE_CONSOLE_H
#define HV_NATIVE_CONSOLE_H

#include "x86.h"

#define COM1 0x3f8

static inline void native_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb(COM1, (u8)s[i]);
	}
}

#endif /* HV_NATIVE_CONSOLE_H */
