/* refs.c: the references in an image's code, found with Capstone, and the
 * move table that re-resolves them (FORMAT.md 3.8, encoding 2).  A
 * reference is a 4-byte field that points somewhere by its value: a rel32
 * branch or call, or a RIP-relative disp32.  In reference space the field
 * holds what it points at (a work-area offset, in the base's coordinates),
 * so code that only moved, or whose callees or data moved, reads the same
 * in base and variant.  Correctness does not rest on the decoder: the
 * transform is undone exactly whatever the sites are, and pack rebuilds
 * every image from its output before keeping it. */
#include <stdlib.h>
#include <string.h>
#include <capstone/capstone.h>
#include "bundler.h"

static int tail_code(unsigned tail)
{
	switch (tail) {
	case 0: return HVB_REF_TAIL_0;
	case 1: return HVB_REF_TAIL_1;
	case 2: return HVB_REF_TAIL_2;
	case 4: return HVB_REF_TAIL_4;
	default: return -1;
	}
}

static void add_site(struct refs *r, uint64_t field, unsigned tail, uint64_t tgt,
		     unsigned abs)
{
	int code = tail_code(tail);

	if (code < 0)
		return;
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 256;
		r->s = xrealloc(r->s, r->cap * sizeof(*r->s));
	}
	r->s[r->n++] = (struct rsite){ (uint32_t)field, (uint8_t)(code | abs), (uint32_t)tgt };
}

/* an absolute address in an imm32 or a base-less disp32, sign-extended
 * (the kernel code model), that lies in the work area */
static void abs_site(const cs_insn *in, uint64_t at, uint64_t w0, uint64_t wsize,
		     struct refs *r)
{
	const cs_x86 *x = &in->detail->x86;
	uint8_t i;

	for (i = 0; i < x->op_count; i++) {
		const cs_x86_op *o = &x->operands[i];
		uint64_t v, off;

		if (o->type == X86_OP_IMM && x->encoding.imm_size == 4 && x->encoding.imm_offset) {
			v = (uint64_t)(int64_t)(int32_t)o->imm;
			off = x->encoding.imm_offset;
		} else if (o->type == X86_OP_MEM && o->mem.base == X86_REG_INVALID &&
			   x->encoding.disp_size == 4 && x->encoding.disp_offset) {
			v = (uint64_t)(int64_t)(int32_t)o->mem.disp;
			off = x->encoding.disp_offset;
		} else
			continue;
		if (v - w0 < wsize)
			add_site(r, at + off, in->size - off - 4, v - w0, HVB_REF_ABS);
		return;
	}
}

/* the reference of one instruction at work offset at, if it points
 * outside [flo, fhi) (a branch inside its own function moves with it) */
static void insn_site(const cs_insn *in, uint64_t at, uint64_t w0, uint64_t wsize,
		      uint64_t flo, uint64_t fhi, csh h, struct refs *r)
{
	const cs_x86 *x = &in->detail->x86;
	uint64_t end = at + in->size, tgt;
	uint8_t i;

	if (cs_insn_group(h, in, CS_GRP_BRANCH_RELATIVE) && x->encoding.imm_size == 4 &&
	    x->encoding.imm_offset) {
		for (i = 0; i < x->op_count; i++)
			if (x->operands[i].type == X86_OP_IMM) {
				tgt = (uint64_t)x->operands[i].imm - w0;
				if (tgt < flo || tgt >= fhi)
					add_site(r, at + x->encoding.imm_offset,
						 in->size - x->encoding.imm_offset - 4, tgt, 0);
				return;
			}
		return;
	}
	for (i = 0; i < x->op_count; i++)
		if (x->operands[i].type == X86_OP_MEM &&
		    x->operands[i].mem.base == X86_REG_RIP) {
			tgt = end + (uint64_t)x->operands[i].mem.disp;
			if (x->encoding.disp_size == 4 && x->encoding.disp_offset &&
			    (tgt < flo || tgt >= fhi))
				add_site(r, at + x->encoding.disp_offset,
					 in->size - x->encoding.disp_offset - 4, tgt, 0);
			return;
		}
	abs_site(in, at, w0, wsize, r);
}

/* every instruction of one function [flo, fhi) of the work image */
static void scan_func(csh h, cs_insn *in, const uint8_t *work, uint64_t w0,
		      uint64_t wsize, uint64_t flo, uint64_t fhi, struct refs *r)
{
	uint64_t at = flo;

	while (at < fhi) {
		const uint8_t *code = work + at;
		size_t left = fhi - at;
		uint64_t addr = w0 + at;

		if (!cs_disasm_iter(h, &code, &left, &addr, in)) {
			at++;		/* not an instruction: step over a byte */
			continue;
		}
		insn_site(in, at, w0, wsize, flo, fhi, h, r);
		at += in->size;
	}
}

static int site_cmp(const void *x, const void *y)
{
	const struct rsite *a = x, *b = y;

	return a->off < b->off ? -1 : a->off > b->off;
}

/* Every reference in the functions of im, laid out over work (the work
 * area from w0, wsize bytes), sorted by field offset; fields that
 * overlap an earlier one are dropped.  0, or -1 after a message. */
int refs_scan(const struct image *im, const uint8_t *work, uint64_t w0,
	      uint64_t wsize, struct refs *out)
{
	csh h;
	cs_insn *in;
	size_t i, k = 0;

	memset(out, 0, sizeof(*out));
	if (cs_open(CS_ARCH_X86, CS_MODE_64, &h) != CS_ERR_OK) {
		warnx_("capstone: cannot open an x86-64 decoder");
		return -1;
	}
	cs_option(h, CS_OPT_DETAIL, CS_OPT_ON);
	in = cs_malloc(h);
	for (i = 0; i < im->nsyms; i++) {
		const struct sym *s = &im->syms[i];
		uint64_t lo = img_v2l(im, s->addr) - w0;

		if (s->kind != K_FUNC || lo >= wsize || s->size > wsize - lo)
			continue;
		if (i % 1024 == 0)
			progress("decode", i + 1, im->nsyms);
		scan_func(h, in, work, w0, wsize, lo, lo + s->size, out);
	}
	cs_free(in, 1);
	cs_close(&h);
	out->wlo = (uint32_t)w0;
	if (out->n)
		qsort(out->s, out->n, sizeof(*out->s), site_cmp);
	for (i = 0; i < out->n; i++)	/* aliases scan the same code twice */
		if (!k || out->s[i].off >= out->s[k - 1].off + HVB_REF_FIELD)
			out->s[k++] = out->s[i];
	out->n = k;
	return 0;
}

void refs_free(struct refs *r)
{
	free(r->s);
	memset(r, 0, sizeof(*r));
}

/* the first site whose field starts at or after off */
size_t refs_at(const struct refs *r, uint64_t off)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t m = lo + (hi - lo) / 2;

		if (r->s[m].off < off)
			lo = m + 1;
		else
			hi = m;
	}
	return lo;
}
