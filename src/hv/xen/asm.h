/* xen/asm.h: a PV kernel runs in ring 3 and returns from exceptions and
 * event upcalls with the iret hypercall.  Its hypercall-page entry pushes
 * rcx, r11 and rax itself; we add the flags word (0) above the frame. */
#ifndef HV_XEN_ASM_H
#define HV_XEN_ASM_H

#define XEN_HYPERCALL_IRET (23 * 32)
#define XEN_IRET pushq $0; jmp hypercall_page + XEN_HYPERCALL_IRET

#endif /* HV_XEN_ASM_H */
