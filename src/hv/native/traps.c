/* traps.c: native descriptor tables.  The kernel's own GDT with a TSS, so
 * that a double fault runs on a known-good stack (IST1) and is reported
 * instead of resetting, and an IDT of interrupt gates to trap_vectors. */
#include "defs.h"
#include "native/native.h"
#include "trap.h"

struct tss {
	u32 rsvd0;
	u64 rsp[3];
	u64 rsvd1;
	u64 ist[7];
	u64 rsvd2;
	u16 rsvd3, iomap;
} __packed;

static struct tss tss;
static u8 df_stack[8192] __aligned(16);
static u64 gdt[7] __aligned(16);

struct __packed desc_ptr {
	u16 limit;
	u64 base;
};

/* Load the GDT and the segments; the boot CPU also the TSS (one TSS: the
 * others run without, so without a double-fault stack of their own). */
static void gdt_load(bool with_tss)
{
	struct desc_ptr p = { sizeof(gdt) - 1, (u64)gdt };

	__asm__ __volatile__("lgdt %0\n\t"
			     "pushq $0x08\n\t"
			     "leaq 1f(%%rip), %%rax\n\t"
			     "pushq %%rax\n\t"
			     "lretq\n"
			     "1:\tmovl $0x10, %%eax\n\t"
			     "movl %%eax, %%ds\n\t"
			     "movl %%eax, %%es\n\t"
			     "movl %%eax, %%ss"
			     : : "m"(p) : "rax", "memory");
	if (with_tss)
		__asm__ __volatile__("ltr %w0" : : "r"(0x18) : "memory");
}

static void gdt_init(void)
{
	u64 base = (u64)&tss, limit = sizeof(tss) - 1;

	tss.ist[0] = (u64)(df_stack + sizeof(df_stack));
	tss.iomap = sizeof(tss);
	gdt[1] = 0x00af9a000000ffffULL;			/* 0x08 kernel code */
	gdt[2] = 0x00cf92000000ffffULL;			/* 0x10 kernel data */
	gdt[3] = (limit & 0xffff) | ((base & 0xffffff) << 16) |
		 (0x89ULL << 40) | ((limit >> 16) << 48) | (((base >> 24) & 0xff) << 56);
	gdt[4] = base >> 32;				/* 0x18 TSS, 16 bytes */
	gdt_load(true);
}

struct idt_gate {
	u16 off0, sel;
	u8 ist, type;
	u16 off1;
	u32 off2, rsvd;
} __packed;

static struct idt_gate idt[256] __aligned(16);

static void idt_load(void)
{
	struct desc_ptr p = { sizeof(idt) - 1, (u64)idt };

	__asm__ __volatile__("lidt %0" : : "m"(p));
}

/* A secondary CPU: the boot CPU's descriptor tables. */
void native_cpu_traps(void)
{
	gdt_load(false);
	idt_load();
}

void native_setup_traps(const u64 *vectors)
{

	gdt_init();
	for (int v = 0; v < 256; v++) {
		u64 a = vectors[v];
		idt[v].off0 = (u16)a;
		idt[v].sel = 0x08;
		idt[v].ist = v == VEC_DF ? 1 : 0;
		idt[v].type = 0x8e;		/* present, interrupt gate */
		idt[v].off1 = (u16)(a >> 16);
		idt[v].off2 = (u32)(a >> 32);
	}
	idt_load();
}
