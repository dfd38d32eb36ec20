/* A stand-in boot stub for the bundler tests: the four symbols of the
 * stub contract and nothing else.  Its self-check word covers its data
 * segment (the real stub's covers all of it, stub/stub.ld). */
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
	.size hvb_stub_params, 40
hvb_stub_params:		/* zero until bundler pack fills it */
	.zero 40
	.balign 16
	.globl hvb_stub_check
	.type hvb_stub_check, @object
	.size hvb_stub_check, 8
hvb_stub_check:			/* XXH32 of the bytes before it; bytes hashed */
	.long 0
	.long hvb_stub_check - hvb_stub_params
	.section .note.GNU-stack,"",@progbits
