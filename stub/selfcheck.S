/* selfcheck.S: the stub's first stage.  Before the stub writes a byte or
 * trusts a parameter, it hashes its own loaded bytes, code, rodata, data
 * and hvb_stub_params, [__stub_start, hvb_stub_check), with XXH32 (seed 0)
 * and compares the result with the word the bundler wrote at
 * hvb_stub_check (format/FORMAT.md, "The stub's self-check").  A mismatch
 * prints the stub's error line and stops with status 5 from here, without
 * running any other code of the stub; a match goes on to the entry.
 *
 * Why XXH32 and not the image hash (XXH64): it needs only 32-bit
 * multiplies, so the PVH entry can run it before paging and long mode.
 * The bundler computes the same function with libxxhash.  The range is a
 * multiple of 16 bytes (stub.ld aligns hvb_stub_check), so only the
 * 16-byte stripes and the final mix are needed.
 *
 * A stub never packed (stub.elf alone: hvb_stub_params all zero) has no
 * hash to check; stub.c then stops with no_params.  One corrupted byte or
 * word cannot turn the 8-byte magic of a packed stub into all zeros. */
#define __ASSEMBLY__
#include "paging.h"
#include "boot_asm.h"
#include "hvb_format.h"
#include <xen/xen.h>

#define XXH_P1		0x9e3779b1
#define XXH_P2		0x85ebca77
#define XXH_P3		0xc2b2ae3d
#define XXH_V1		0x24234428	/* P1 + P2, mod 2^32 (seed 0) */
#define XXH_V4		0x61c8864f	/* -P1, mod 2^32 */
#define COM1		0x3f8
#define DEBUG_EXIT_PORT	0xf4
#define STATUS_STUB	5
/* Xen's public sched.h and physdev.h have no assembler guard */
#define PHYSDEVOP_set_iopl	6
#define SCHEDOP_shutdown	2
#define SHUTDOWN_reboot		1

/* one lane of one stripe: acc = rotl(acc + lane * P2, 13) * P1 */
.macro xxh32_round acc, lane, tmp
	imull $XXH_P2, \lane, \tmp
	addl \tmp, \acc
	roll $13, \acc
	imull $XXH_P1, \acc, \acc
.endm

/* the four lanes folded, the length added, the final mix: into %eax
 * (%ecx clobbered) */
.macro xxh32_final v1, v2, v3, v4, len
	roll $1, \v1
	roll $7, \v2
	roll $12, \v3
	roll $18, \v4
	movl \v1, %eax
	addl \v2, %eax
	addl \v3, %eax
	addl \v4, %eax
	addl \len, %eax
	movl %eax, %ecx
	shrl $15, %ecx
	xorl %ecx, %eax
	imull $XXH_P2, %eax, %eax
	movl %eax, %ecx
	shrl $13, %ecx
	xorl %ecx, %eax
	imull $XXH_P3, %eax, %eax
	movl %eax, %ecx
	shrl $16, %ecx
	xorl %ecx, %eax
.endm

	.section .text.entry, "ax"
/* PVH: 32-bit, paging off, physical addresses; %esi (start_info) kept */
	.code32
	.globl stub_selfcheck32
	.type stub_selfcheck32, @function
stub_selfcheck32:
	movl PA(hvb_stub_params), %eax
	orl PA(hvb_stub_params) + 4, %eax
	jz stub_pvh_checked
	movl $PA(__stub_start), %ebx
	movl $XXH_V1, %ecx
	movl $XXH_P2, %edx
	xorl %ebp, %ebp
	movl $XXH_V4, %edi
1:	xxh32_round %ecx, 0(%ebx), %eax
	xxh32_round %edx, 4(%ebx), %eax
	xxh32_round %ebp, 8(%ebx), %eax
	xxh32_round %edi, 12(%ebx), %eax
	addl $16, %ebx
	cmpl $PA(hvb_stub_check), %ebx
	jb 1b
	xxh32_final %ecx, %edx, %ebp, %edi, PA(hvb_stub_check) + HVB_SC_LEN
	cmpl PA(hvb_stub_check) + HVB_SC_HASH, %eax
	je stub_pvh_checked
	/* corrupt: the lines on COM1, then status 5 */
	movl $PA(stub_corrupt_msg), %esi
	movl $stub_corrupt_len, %edi
2:	movl $COM1 + 5, %edx
	movl $100000, %ecx
3:	inb %dx, %al
	testb $0x20, %al
	loopz 3b
	movl $COM1, %edx
	movb (%esi), %al
	outb %al, %dx
	incl %esi
	decl %edi
	jnz 2b
	movl $STATUS_STUB, %eax
	outl %eax, $DEBUG_EXIT_PORT
4:	cli
	hlt
	jmp 4b

/* Xen PV: 64-bit, ring 3, virtual addresses; %rsi and %rsp kept */
	.code64
	.globl stub_selfcheck64
	.type stub_selfcheck64, @function
stub_selfcheck64:
	movq $hvb_stub_params, %rax
	movq (%rax), %rax
	testq %rax, %rax
	jz stub_xen_checked
	movq $__stub_start, %r10
	movq $hvb_stub_check, %r11
	movl $XXH_V1, %r8d
	movl $XXH_P2, %edx
	xorl %r9d, %r9d
	movl $XXH_V4, %edi
1:	xxh32_round %r8d, 0(%r10), %eax
	xxh32_round %edx, 4(%r10), %eax
	xxh32_round %r9d, 8(%r10), %eax
	xxh32_round %edi, 12(%r10), %eax
	addq $16, %r10
	cmpq %r11, %r10
	jb 1b
	xxh32_final %r8d, %edx, %r9d, %edi, HVB_SC_LEN(%r11)
	cmpl HVB_SC_HASH(%r11), %eax
	je stub_xen_checked
	/* corrupt: the lines on Xen's console, then status 5 (the debug
	 * exit port, with I/O privilege) and shutdown; the hypercalls go
	 * straight to Xen, as its hypercall page would send them */
	movl $__HYPERVISOR_console_io, %eax
	movl $CONSOLEIO_write, %edi
	movl $stub_corrupt_len, %esi
	movq $stub_corrupt_msg, %rdx
	syscall
	movl $__HYPERVISOR_physdev_op, %eax
	movl $PHYSDEVOP_set_iopl, %edi
	movq $stub_xen_one, %rsi		/* struct physdev_set_iopl { 1 } */
	syscall
	movl $STATUS_STUB, %eax
	outl %eax, $DEBUG_EXIT_PORT
5:	movl $__HYPERVISOR_sched_op, %eax
	movl $SCHEDOP_shutdown, %edi
	movq $stub_xen_one, %rsi		/* struct sched_shutdown { reboot } */
	syscall
	jmp 5b

stub_corrupt_msg:
	.ascii "hvbundle stub: FATAL: the stub's own bytes do not match their "
	.ascii "hash (corrupt stub); no kernel started\n"
	.ascii "@hvb {\"event\":\"stub_error\",\"code\":\"stub_hash\","
	.ascii "\"message\":\"the stub's own bytes do not match their hash\"}\n"
	.ascii "@hvb {\"event\":\"done\",\"status\":5}\n"
	.set stub_corrupt_len, . - stub_corrupt_msg
	.p2align 2
stub_xen_one:
	.long 1		/* iopl 1; SHUTDOWN_reboot */
	.section .note.GNU-stack, "", @progbits
