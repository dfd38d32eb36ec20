/* console.c: formatted output to the backend's console. */
#include "defs.h"
#include "hv.h"

void kputs(const char *s)
{
	hv_console_write(s, strlen(s));
}

int kprintf(const char *fmt, ...)
{
	char buf[512];
	__builtin_va_list ap;

	__builtin_va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	hv_console_write(buf, n < (int)sizeof(buf) ? (size_t)n : sizeof(buf) - 1);
	return n;
}

/* A kernel bug: say where, then end with a failure status. */
__noreturn void panic(const char *fmt, ...)
{
	char buf[400];
	__builtin_va_list ap;

	hv_irq_disable();
	__builtin_va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	__builtin_va_end(ap);
	kprintf("PANIC: %s\n", buf);

	struct hvbline l;
	hvb_begin(&l, "panic");
	hvb_str(&l, "message", buf);
	hvb_end(&l);
	kernel_done(2);
}
