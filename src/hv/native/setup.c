/* setup.c: native boot glue: the UART, the TSC calibrated against the PIT,
 * the legacy PIC masked, the LAPIC timer, and interrupt dispatch. */
#include "defs.h"
#include "native/native.h"
#include "trap.h"

#define PIT_CAL_TICKS	5966		/* 5 ms */

struct tsc_scale native_tsc;

static u16 pit_read(void)
{
	outb(0x43, 0x00);		/* latch channel 0 */
	u8 lo = inb(0x40);
	u8 hi = inb(0x40);
	return (u16)(lo | (hi << 8));
}

/* Channel 0 set free-running (mode 2, reload 65536) at a known 1.193182
 * MHz, then followed until it has counted ticks: the ticks it did count,
 * or 0 if it does not count.  Its interrupt stays masked at the PIC.  The
 * TSC is calibrated with it; the self-test checks clocks against it. */
u64 native_pit_wait(u64 ticks)
{
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
	u16 last = pit_read();
	u64 elapsed = 0, spins = 0;
	while (elapsed < ticks) {
		u16 now = pit_read();
		elapsed += (u16)(last - now);
		last = now;
		if (++spins > 50000000)
			return 0;
	}
	return elapsed;
}

static const char *tsc_calibrate(void)
{
	u64 t0 = rdtsc();
	u64 elapsed = native_pit_wait(PIT_CAL_TICKS);
	u64 t1 = rdtsc();
	if (!elapsed)
		return "the PIT does not count: no reference to calibrate the TSC";
	u64 hz = (t1 - t0) * PIT_HZ / elapsed;
	native_tsc.khz = hz / 1000;
	native_tsc.mult = (u64)(((unsigned __int128)1000000000 << 32) / hz);
	native_tsc.tsc0 = t1;
	return NULL;
}

const char *native_setup(struct boot_info *bi)
{
	(void)bi;
	native_uart_init();
	platform_pit_wait = native_pit_wait;
	const char *err = tsc_calibrate();
	if (!err)
		kprintf("hvbundle: TSC %lu kHz, calibrated against the PIT\n", native_tsc.khz);
	return err;
}

void native_setup_irq(void)
{
	outb(0x21, 0xff);		/* mask both PICs before the first sti */
	outb(0xa1, 0xff);
	lapic_init(native_clock_ns);
}

void native_handle_irq(unsigned int vector)
{
	if (vector == VEC_SPURIOUS)
		return;
	lapic_eoi();
	lapic_dispatch(vector);
}
