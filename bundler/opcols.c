/* opcols.c: a framed variant's op streams as columns (FORMAT.md 3.7,
 * variant flag HVB_VF_OPCOLS): the ops of all its regions, in order,
 * split into the kinds, each kind's lengths, the ADD bytes and the LIT
 * bytes, so that zstd sees like with like (on Linux 6.1's xen and kvm
 * frames 5.9% fewer bytes than the streams as they are). */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

void opcols_add(struct opcols_w *w, const uint8_t *ops, size_t len)
{
	size_t i = 0;

	while (i < len) {
		uint64_t v, n;
		unsigned kind;

		if (hvb_uvar(ops, len, &i, &v)) {	/* pack wrote it: cannot be */
			warnx_("internal error: a malformed op stream for the op columns");
			abort();
		}
		n = v >> HVB_OP_SHIFT;
		kind = (unsigned)(v & ((1u << HVB_OP_SHIFT) - 1));

		buf_byte(&w->col[HVB_OPCOL_KINDS], (uint8_t)kind);
		buf_var(&w->col[HVB_OPCOL_LEN + kind], n);
		if (kind == HVB_OP_ADD || kind == HVB_OP_LIT) {
			buf_put(&w->col[kind == HVB_OP_ADD ? HVB_OPCOL_ADD : HVB_OPCOL_LIT],
				ops + i, n);
			i += n;
		}
	}
}

void opcols_put(const struct opcols_w *w, struct buf *out)
{
	unsigned j;

	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		buf_var(out, w->col[j].len);
	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		buf_put(out, w->col[j].p, w->col[j].len);
}

void opcols_free(struct opcols_w *w)
{
	unsigned j;

	for (j = 0; j < HVB_OPCOL_COUNT; j++)
		free(w->col[j].p);
	memset(w, 0, sizeof(*w));
}

