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
 * or 0 if it does not count.  Its interrupt stays masked at the PIC.  With
 * tsc_span, the TSC cycles between the first and the last PIT read. */
static u64 pit_follow(u64 ticks, u64 *tsc_span)
{
	outb(0x43, 0x34);
	outb(0x40, 0);
	outb(0x40, 0);
	u16 last = pit_read();
	u64 t0 = rdtsc();
	u64 elapsed = 0, spins = 0;
	while (elapsed < ticks) {
		u16 now = pit_read();
		elapsed += (u16)(last - now);
		last = now;
		if (++spins > 50000000)
			return 0;
	}
	if (tsc_span)
		*tsc_span = rdtsc() - t0;
	return elapsed;
}

/* The TSC is calibrated with it; the self-test checks clocks against it. */
u64 native_pit_wait(u64 ticks)
{
	return pit_follow(ticks, NULL);
}

/* The lowest rate of three tries: a try that lost the CPU between a TSC
 * read and its PIT read (a loaded host running TCG) reads fast, and one
 * such try had calibrated 5.34 GHz. */
static const char *tsc_calibrate(void)
{
	u64 hz = 0;

	for (int i = 0; i < 3; i++) {
		u64 span = 0;
		u64 elapsed = pit_follow(PIT_CAL_TICKS, &span);
		if (!elapsed)
			return "the PIT does not count: no reference to calibrate the TSC";
		u64 try_hz = span * PIT_HZ / elapsed;
		if (!hz || try_hz < hz)
			hz = try_hz;
	}
	if (!hz)
		return "the TSC does not count: it cannot be calibrated";
	native_tsc.khz = hz / 1000;
	native_tsc.mult = (u64)(((unsigned __int128)1000000000 << 32) / hz);
	native_tsc.tsc0 = rdtsc();
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
