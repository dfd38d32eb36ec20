/* setup.c: Jailhouse boot glue (built only for the growth curve): refuse to
 * run outside a Jailhouse cell, then native's setup. */
#include "defs.h"
#include "jailhouse/jailhouse.h"
#include "hv_detect.h"

const char *jailhouse_setup(struct boot_info *bi)
{
	char raw[HV_SIGNATURE_LEN];

	if (!hv_signature_read(x86_cpuid, raw) || memcmp(raw, "Jailhouse\0\0\0", 12))
		return "this is the jailhouse variant outside a Jailhouse cell";
	return native_setup(bi);
}
