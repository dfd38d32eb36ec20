/* setup.c: ACRN boot glue (built only for the growth curve): refuse to run
 * off ACRN, then native's setup. */
#include "defs.h"
#include "acrn/acrn.h"
#include "hv_detect.h"

const char *acrn_setup(struct boot_info *bi)
{
	char raw[HV_SIGNATURE_LEN];

	if (!hv_signature_read(x86_cpuid, raw) || memcmp(raw, "ACRNACRNACRN", 12))
		return "this is the acrn variant on a platform that is not ACRN";
	return native_setup(bi);
}
