/* hv_detect.c: the one detection routine (hv_detect.h has the rules).
 * Built into the kernel, the bundle's stub and a host unit test. */
#include <string.h>
#include "hv_detect.h"

#define HV_PLATFORM_NAME(id, name) [HV_PLATFORM_##id] = #name,
const char *const hv_platform_names[HV_NR_PLATFORMS] = { HV_PLATFORMS(HV_PLATFORM_NAME) };
#undef HV_PLATFORM_NAME

/* CPUID signatures that name a platform.  TCG's is QEMU's emulator
 * announcing itself: no hypervisor interface, so native. */
static const struct {
	char sig[HV_SIGNATURE_LEN];
	enum hv_platform platform;
} known[] = {
	{ "KVMKVMKVM\0\0\0", HV_PLATFORM_KVM },
	{ "TCGTCGTCGTCG", HV_PLATFORM_NATIVE },
};

static const char override_key[] = "hvb.variant=";

int hv_platform_index(const char *name)
{
	for (int i = 0; i < HV_NR_PLATFORMS; i++)
		if (!strcmp(name, hv_platform_names[i]))
			return i;
	return -1;
}

/* True if a hypervisor is present; raw gets its 12 signature bytes. */
bool hv_signature_read(hv_cpuid_fn *cpuid, char raw[HV_SIGNATURE_LEN])
{
	struct cpuid_regs r;

	memset(raw, 0, HV_SIGNATURE_LEN);
	cpuid(1, 0, &r);
	if (!(r.ecx & (1u << 31)))
		return false;
	cpuid(HV_CPUID_BASE, 0, &r);
	memcpy(raw, &r.ebx, 4);
	memcpy(raw + 4, &r.ecx, 4);
	memcpy(raw + 8, &r.edx, 4);
	return true;
}

void hv_signature_printable(const char raw[HV_SIGNATURE_LEN], char out[HV_SIGNATURE_LEN + 1])
{
	int n = HV_SIGNATURE_LEN;

	while (n > 0 && !raw[n - 1])
		n--;
	for (int i = 0; i < n; i++) {
		u8 c = (u8)raw[i];
		out[i] = c >= 0x20 && c <= 0x7e ? (char)c : '?';
	}
	out[n] = 0;
}

/* The first word of cmdline that starts with "hvb.variant=". */
static const char *find_override(const char *cl, size_t cmax, size_t *rest)
{
	const size_t klen = sizeof(override_key) - 1;
	size_t i = 0;

	while (i < cmax && cl[i]) {
		while (i < cmax && cl[i] == ' ')
			i++;
		size_t w = i;
		while (i < cmax && cl[i] && cl[i] != ' ')
			i++;
		if (i - w >= klen && !memcmp(cl + w, override_key, klen)) {
			*rest = i - w - klen;
			return cl + w + klen;
		}
	}
	return NULL;
}

int hv_override_parse(const char *cl, size_t cmax, char name[HV_NAME_MAX + 1],
		      const char **error)
{
	size_t n;
	const char *v = cl ? find_override(cl, cmax, &n) : NULL;

	*error = NULL;
	if (!v)
		return 0;
	if (!n) {
		*error = "hvb.variant= names no variant";
		return -1;
	}
	if (n > HV_NAME_MAX) {
		*error = "hvb.variant= names a variant longer than 15 bytes";
		return -1;
	}
	memcpy(name, v, n);
	name[n] = 0;
	return 1;
}

/* Which platform a signature names; *unknown if it names none we know. */
static enum hv_platform classify(const char raw[HV_SIGNATURE_LEN], bool *unknown)
{
	static const char none[HV_SIGNATURE_LEN];

	*unknown = false;
	for (size_t i = 0; i < ARRAY_SIZE(known); i++)
		if (!memcmp(raw, known[i].sig, HV_SIGNATURE_LEN))
			return known[i].platform;
	*unknown = memcmp(raw, none, HV_SIGNATURE_LEN) != 0;
	return HV_PLATFORM_NATIVE;
}

void hv_detect(struct hv_detect *d, bool xen_entry, const char *cmdline, size_t cmax,
	       hv_cpuid_fn *cpuid)
{
	char raw[HV_SIGNATURE_LEN] = { 0 };
	char name[HV_NAME_MAX + 1];
	bool unknown = false;

	if (xen_entry) {
		d->platform = HV_PLATFORM_XEN;
		d->reason = "xen-entry";
	} else {
		hv_signature_read(cpuid, raw);
		d->platform = classify(raw, &unknown);
		d->reason = unknown ? "unknown-signature" : "cpuid";
	}
	d->platform_reason = d->reason;
	hv_signature_printable(raw, d->signature);
	const char *pn = hv_platform_names[d->platform];
	memcpy(d->variant, pn, strlen(pn) + 1);
	if (hv_override_parse(cmdline, cmax, name, &d->error) > 0) {
		memcpy(d->variant, name, sizeof(name));
		d->reason = "override";
	}
}
