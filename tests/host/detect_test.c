/* detect_test.c: src/lib/hv_detect.c on the host, fed made-up CPUID
 * answers and command lines no QEMU here can present (an unknown
 * signature, unprintable signature bytes, an over-long override). */
#include <stdio.h>
#include <string.h>
#include "hv_detect.h"

static bool hv_bit;
static char fake_sig[HV_SIGNATURE_LEN];
static int cpuid_calls;
static int failures;

static void fake_cpuid(u32 leaf, u32 sub, struct cpuid_regs *r)
{
	(void)sub;
	cpuid_calls++;
	memset(r, 0, sizeof(*r));
	if (leaf == 1)
		r->ecx = hv_bit ? 1u << 31 : 0;
	else if (leaf == HV_CPUID_BASE) {
		memcpy(&r->ebx, fake_sig, 4);
		memcpy(&r->ecx, fake_sig + 4, 4);
		memcpy(&r->edx, fake_sig + 8, 4);
	}
}

struct want {
	const char *platform, *variant, *signature, *reason;
	bool error;
};

static void expect(const char *what, bool hv, const char sig[HV_SIGNATURE_LEN], bool xen_entry,
		   const char *cmdline, size_t cmax, struct want w)
{
	struct hv_detect d;

	hv_bit = hv;
	memcpy(fake_sig, sig, HV_SIGNATURE_LEN);
	cpuid_calls = 0;
	memset(&d, 0x55, sizeof(d));
	hv_detect(&d, xen_entry, cmdline, cmax, fake_cpuid);
	bool ok = !strcmp(hv_platform_names[d.platform], w.platform) &&
		  !strcmp(d.variant, w.variant) && !strcmp(d.signature, w.signature) &&
		  !strcmp(d.reason, w.reason) && (d.error != NULL) == w.error &&
		  (!xen_entry || cpuid_calls == 0);
	printf("%s %s: platform %s, variant \"%s\", signature \"%s\", reason %s, error %s\n",
	       ok ? "ok  " : "FAIL", what, hv_platform_names[d.platform], d.variant, d.signature,
	       d.reason, d.error ? d.error : "none");
	if (!ok) {
		printf("     wanted platform %s, variant \"%s\", signature \"%s\", reason %s, "
		       "error %s%s\n", w.platform, w.variant, w.signature, w.reason,
		       w.error ? "yes" : "none", xen_entry && cpuid_calls ? ", no CPUID read" : "");
		failures++;
	}
}

#define NOSIG "\0\0\0\0\0\0\0\0\0\0\0\0"
#define MAX ((size_t)-1)

int main(void)
{
	expect("bare hardware", false, NOSIG, false, "", MAX,
	       (struct want){ "native", "native", "", "cpuid", false });
	expect("hypervisor bit, empty leaf", true, NOSIG, false, NULL, 0,
	       (struct want){ "native", "native", "", "cpuid", false });
	expect("KVM", true, "KVMKVMKVM\0\0\0", false, "selftest", MAX,
	       (struct want){ "kvm", "kvm", "KVMKVMKVM", "cpuid", false });
	expect("TCG", true, "TCGTCGTCGTCG", false, "", MAX,
	       (struct want){ "native", "native", "TCGTCGTCGTCG", "cpuid", false });
	expect("signature bytes but no hypervisor bit", false, "KVMKVMKVM\0\0\0", false, "", MAX,
	       (struct want){ "native", "native", "", "cpuid", false });
	expect("unknown signature", true, "VMwareVMware", false, "", MAX,
	       (struct want){ "native", "native", "VMwareVMware", "unknown-signature", false });
	expect("KVM signature with a different padding", true, "KVMKVMKVMxyz", false, "", MAX,
	       (struct want){ "native", "native", "KVMKVMKVMxyz", "unknown-signature", false });
	expect("unprintable signature bytes", true, "AB\x01\xff" "CD\0E\"\\\0\0", false, "", MAX,
	       (struct want){ "native", "native", "AB??CD?E\"\\", "unknown-signature", false });
	expect("Xen entry (CPUID not read)", true, "KVMKVMKVM\0\0\0", true, "", MAX,
	       (struct want){ "xen", "xen", "", "xen-entry", false });
	expect("override", true, "TCGTCGTCGTCG", false, "selftest hvb.variant=kvm bench", MAX,
	       (struct want){ "native", "kvm", "TCGTCGTCGTCG", "override", false });
	expect("override on the Xen entry", false, NOSIG, true, "hvb.variant=native", MAX,
	       (struct want){ "xen", "native", "", "override", false });
	expect("override of an unknown signature", true, "VMwareVMware", false,
	       "hvb.variant=xen", MAX,
	       (struct want){ "native", "xen", "VMwareVMware", "override", false });
	expect("first override wins", true, "TCGTCGTCGTCG", false,
	       "hvb.variant=xen hvb.variant=kvm", MAX,
	       (struct want){ "native", "xen", "TCGTCGTCGTCG", "override", false });
	expect("15-byte override", false, NOSIG, false, "hvb.variant=abcdefghijklmno", MAX,
	       (struct want){ "native", "abcdefghijklmno", "", "override", false });
	expect("over-long override", false, NOSIG, false, "a hvb.variant=abcdefghijklmnop b", MAX,
	       (struct want){ "native", "native", "", "cpuid", true });
	expect("over-long override, unknown signature", true, "VMwareVMware", false,
	       "hvb.variant=abcdefghijklmnopqrstuvwxyz", MAX,
	       (struct want){ "native", "native", "VMwareVMware", "unknown-signature", true });
	expect("empty override", true, "KVMKVMKVM\0\0\0", false, "hvb.variant= selftest", MAX,
	       (struct want){ "kvm", "kvm", "KVMKVMKVM", "cpuid", true });
	expect("not an override", false, NOSIG, false, "xhvb.variant=kvm hvb.variant hvb.variants=x",
	       MAX, (struct want){ "native", "native", "", "cpuid", false });
	expect("command line cut at cmax", false, NOSIG, false, "hvb.variant=kvmjunk", 15,
	       (struct want){ "native", "kvm", "", "override", false });
	expect("override past cmax", false, NOSIG, false, "selftest hvb.variant=kvm", 8,
	       (struct want){ "native", "native", "", "cpuid", false });

	for (int i = 0; i < HV_NR_PLATFORMS; i++)
		if (hv_platform_index(hv_platform_names[i]) != i) {
			printf("FAIL hv_platform_index(%s)\n", hv_platform_names[i]);
			failures++;
		}
	if (hv_platform_index("nosuch") != -1 || hv_platform_index("") != -1) {
		printf("FAIL hv_platform_index of an unknown name\n");
		failures++;
	}
	printf("%d failure(s)\n", failures);
	return failures != 0;
}
