/* native/console.h: 16550 UART on COM1, polled. */
#ifndef HV_NATIVE_CONSOLE_H
#define HV_NATIVE_CONSOLE_H

#include "x86.h"

#define COM1 0x3f8

static inline void native_uart_init(void)
{
	outb(COM1 + 1, 0x00);		/* no UART interrupts */
	outb(COM1 + 3, 0x80);		/* DLAB */
	outb(COM1 + 0, 0x01);		/* 115200 baud */
	outb(COM1 + 1, 0x00);
	outb(COM1 + 3, 0x03);		/* 8n1 */
	outb(COM1 + 2, 0xc7);		/* FIFO on */
	outb(COM1 + 4, 0x03);
}

static inline void native_console_write(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		while (!(inb(COM1 + 5) & 0x20))
			;
		outb(COM1, (u8)s[i]);
	}
}

#endif /* HV_NATIVE_CONSOLE_H */
