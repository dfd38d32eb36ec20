/* entries and Xen notes of the toy kernel */
	.section .text.entry, "ax"
	.code32
	.globl pvh_start
pvh_start:
	hlt
	jmp pvh_start
	.code64
	.globl xen_start
xen_start:
	call kmain
	jmp xen_start

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18			/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long pvh_start - 0xffffffff80000000
	.long 4, 8, 1			/* XEN_ELFNOTE_ENTRY */
	.asciz "Xen"
	.quad xen_start
	.long 4, 8, 6			/* XEN_ELFNOTE_GUEST_OS */
	.asciz "Xen"
	.asciz "hvbtest"
	.section .note.GNU-stack,"",@progbits
