/* hv_detect.h: which variant to run here.  One routine, shared by the
 * bundle's stub, the kernel's boot line and the pvops chooser, so that
 * they cannot disagree.  Freestanding (it needs only memcmp and memcpy)
 * and given CPUID as a function, so a host test can feed it any answer.
 *
 * The rules (docs/DESIGN.md, "Detection"):
 *  - the Xen PV entry means xen (CPUID is not read);
 *  - else CPUID leaf 1 ECX bit 31 says a hypervisor is present and leaf
 *    0x40000000 EBX:ECX:EDX names it: a known signature picks its variant,
 *    none (or TCG's) means native, an unknown one means native with the
 *    reason "unknown-signature";
 *  - hvb.variant=NAME (the first one) overrides; a NAME longer than
 *    HV_NAME_MAX bytes, or empty, is an error the caller stops on;
 *  - the signature is reported as printable ASCII: trailing NULs dropped,
 *    every other byte outside 0x20..0x7e shown as '?'. */
#ifndef HVB_HV_DETECT_H
#define HVB_HV_DETECT_H

#include "types.h"
#include "x86.h"

#define HV_NAME_MAX		15	/* longest variant name */
#define HV_SIGNATURE_LEN	12	/* CPUID 0x40000000: EBX, ECX, EDX */
#define HV_CPUID_BASE		0x40000000u

/* The platforms detection can tell apart, in one place: the pvops chooser
 * and anything else that must name every detected platform walk this. */
#define HV_PLATFORMS(X) X(NATIVE, native) X(KVM, kvm) X(XEN, xen)
#define HV_PLATFORM_ENUM(id, name) HV_PLATFORM_##id,
enum hv_platform { HV_PLATFORMS(HV_PLATFORM_ENUM) HV_NR_PLATFORMS };
#undef HV_PLATFORM_ENUM
extern const char *const hv_platform_names[HV_NR_PLATFORMS];

typedef void hv_cpuid_fn(u32 leaf, u32 sub, struct cpuid_regs *r);

struct hv_detect {
	enum hv_platform platform;	/* what detection alone found */
	char variant[HV_NAME_MAX + 1];	/* what to run: the override, or platform's name */
	char signature[HV_SIGNATURE_LEN + 1]; /* printable; "" if none was read */
	const char *reason;		/* xen-entry, cpuid, unknown-signature, override */
	const char *platform_reason;	/* the same before the override: not "override" */
	const char *error;		/* NULL, or why hvb.variant= is unusable */
};

/* Fills *d.  cmdline may be NULL; it is read up to its NUL or cmax bytes. */
void hv_detect(struct hv_detect *d, bool xen_entry, const char *cmdline, size_t cmax,
	       hv_cpuid_fn *cpuid);

/* The parts, for callers that need only one. */
bool hv_signature_read(hv_cpuid_fn *cpuid, char raw[HV_SIGNATURE_LEN]);
void hv_signature_printable(const char raw[HV_SIGNATURE_LEN], char out[HV_SIGNATURE_LEN + 1]);
/* 0: no hvb.variant=; 1: name copied; <0: the argument is bad (*error says why). */
int hv_override_parse(const char *cmdline, size_t cmax, char name[HV_NAME_MAX + 1],
		      const char **error);
/* The platform's index by name, or -1. */
int hv_platform_index(const char *name);

#endif /* HVB_HV_DETECT_H */
