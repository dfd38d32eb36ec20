/* A stand-in boot stub for the bundler tests: the three symbols of the
 * stub contract and nothing else. */
	.text
	.code32
	.globl hvb_stub_pvh_entry
	.type hvb_stub_pvh_entry, @function
hvb_stub_pvh_entry:
	hlt
	jmp hvb_stub_pvh_entry
	.code64
	.globl hvb_stub_xen_entry
	.type hvb_stub_xen_entry, @function
hvb_stub_xen_entry:
	hlt
	jmp hvb_stub_xen_entry

	.data
	.balign 8
	.globl hvb_stub_params
	.type hvb_stub_params, @object
	.size hvb_stub_params, 32
hvb_stub_params:		/* zero until bundler pack fills it */
	.zero 32
	.section .note.GNU-stack,"",@progbits
