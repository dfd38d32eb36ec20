/* hv_asm.h: the assembly side of hv.h, chosen in the same way: how an
 * exception or interrupt entry returns to the interrupted code. */
#ifndef HV_ASM_H
#define HV_ASM_H

#if defined(CONFIG_STRATEGY_PVOPS)
/* One image for every platform: the entry path decided which return. */
#include "xen/asm.h"
#define HV_IRET testb $1, xen_pv_started(%rip); jz 9f; XEN_IRET; 9: iretq
#elif defined(CONFIG_HV_NATIVE) || defined(CONFIG_HV_KVM)
#define HV_IRET iretq
#elif defined(CONFIG_HV_XEN)
#include "xen/asm.h"
#define HV_IRET XEN_IRET
#else
#error "no hypervisor backend configured"
#endif /* CONFIG_STRATEGY_PVOPS, CONFIG_HV_NATIVE, CONFIG_HV_KVM, CONFIG_HV_XEN */

#endif /* HV_ASM_H */
