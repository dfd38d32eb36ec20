/* bundler.h: declarations shared by the bundler's files. */
#ifndef BUNDLER_H
#define BUNDLER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <gelf.h>
#include "apply.h"

#define KERNEL_VBASE	0xffffffff80000000ull

/* util.c */
extern int verbose;
extern int quiet;		/* -q: no progress, no summary */
/* "what i/n" on stderr, only when it is a terminal and not -q */
void progress(const char *what, size_t i, size_t n);
void progress_done(void);
void warnx_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void ferr(const char *path, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t m);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
int read_file(const char *path, uint8_t **buf, size_t *len);
int write_file(const char *path, const void *buf, size_t len, int mode);
void st32(uint8_t *p, uint32_t v);
void st64(uint8_t *p, uint64_t v);
uint32_t ld32(const uint8_t *p);
uint64_t ld64(const uint8_t *p);
const char *tmpdir(void);
/* HVB_PACK_<what>=always|never (tests): 1 or 0; else -1, pack chooses */
int pack_forced(const char *var);

/* outfile.c: outputs written to a temporary file beside the target and
 * renamed over it only on success (removed on failure or a signal) */
struct outfile {
	const char *path;	/* the target */
	char *tmp;		/* the temporary file, while open */
	int fd;
	unsigned mode;
};
/* before any work: the directory exists and is writable, the path is no
 * directory and none of the n inputs (same device and inode) */
int out_check(const char *path, const char *const *inputs, size_t n);
int out_open(struct outfile *o, const char *path);
int out_write(struct outfile *o, const void *buf, size_t len);
int out_commit(struct outfile *o);	/* rename; on failure, aborts */
void out_abort(struct outfile *o);
int out_file(const char *path, const void *buf, size_t len);	/* all at once */
const char *human(uint64_t n, char *buf, size_t len);

/* growable byte buffer */
struct buf {
	uint8_t *p;
	size_t len, cap;
};
void buf_put(struct buf *b, const void *p, size_t n);
void buf_byte(struct buf *b, uint8_t c);
void buf_var(struct buf *b, uint64_t v);	/* LEB128 (read: apply.c hvb_uvar) */
void buf_zero(struct buf *b, size_t n);
void buf_align(struct buf *b, size_t a);

/* elfimg.c */
struct seg {
	uint64_t vaddr, paddr, memsz, filesz, offset, align;
	uint64_t load;		/* where it lies in the loaded image */
	uint32_t type, flags;
};

enum { K_FUNC, K_OBJECT, K_SECTION, K_NKINDS };

struct sym {
	char *name;
	uint64_t addr, size;
	int kind;
	unsigned occ;		/* n-th symbol of that kind and name */
};

struct note {
	char *name;
	uint32_t type;
	uint8_t *desc;
	size_t descsz;
};

struct image {
	const char *path;
	uint8_t *file;
	size_t filesize;
	Elf *elf;
	GElf_Ehdr eh;
	struct seg *loads;	/* PT_LOAD, by vaddr */
	size_t nloads;
	uint64_t lo, hi, memend;	/* loaded extent */
	struct sym *syms;	/* FUNC and OBJECT with a size */
	size_t nsyms;
	struct sym *sects;	/* SHF_ALLOC sections with a size */
	size_t nsects;
	struct note *notes;
	size_t nnotes;
	uint8_t *mem;		/* loaded memory [lo, memend) */
	int placed_by_paddr;	/* segments' vaddr - paddr differ */
};

int img_open(struct image *im, const char *path);
void img_close(struct image *im);
/* a virtual address in the loaded image (where its segment lies) */
uint64_t img_v2l(const struct image *im, uint64_t va);
uint64_t img_hash(const struct image *im);
/* fill buf (covering [w0, w0 + wsize)) with the loaded image, 0 elsewhere */
void img_fill(const struct image *im, uint8_t *buf, uint64_t w0,
	      uint64_t wsize);
const uint8_t *img_bytes(const struct image *im, uint64_t addr,
			 uint64_t size, uint8_t *tmp);
const struct sym *img_findsym(const struct image *im, const char *name);
const struct note *img_note(const struct image *im, const char *name,
			    uint32_t type);
int img_note_entry(const struct image *im, uint32_t type, uint64_t *v);
int img_lookup(const struct image *im, const char *name, uint64_t *addr,
	       uint64_t *size);
/* any defined symbol by name, in any symbol table of an ELF */
int elf_lookup(Elf *e, const char *name, uint64_t *addr, uint64_t *size);

/* diff.c */
enum {
	D_BYTES = 1,	/* content differs */
	D_SIZE = 2,
	D_MOVED = 4,
	D_ONLY_A = 8,
	D_ONLY_B = 16,
};

struct symdiff {
	const struct sym *a, *b;
	unsigned flags;
	uint64_t changed;	/* bytes that differ (incl. size change) */
};

struct diffstat {
	unsigned total[K_NKINDS], differ[K_NKINDS];
	struct symdiff *d;
	size_t nd;
};

void diff_symbols(const struct image *a, const struct image *b,
		  struct diffstat *st);
void diff_free(struct diffstat *st);

struct range {
	uint64_t start, end;
};
/* regions (work offsets) covering every byte where bw and vw differ in
 * [0, cmp_end), widened to whole functions/objects/sections */
size_t diff_regions(const struct image *base, const struct image *var,
		    const uint8_t *bw, const uint8_t *vw, uint64_t w0,
		    uint64_t cmp_end, struct range **out);
int cmd_diff(int argc, char **argv);

/* bsdelta.c: old -> new (same length) as an HVB op stream, by running
 * the bsdiff program; many at once */
struct bsjob {
	const uint8_t *old, *new_;
	size_t len;
	struct buf *out;
	int rc;
};
int bsdelta_batch(struct bsjob *jobs, size_t n);

/* refs.c: the references (rel32, RIP-relative disp32) in an image's code */
struct rsite {
	uint32_t off;		/* work offset of the 4-byte field */
	uint8_t tail;		/* HVB_REF_TAIL_* (instruction bytes after it),
				   | HVB_REF_ABS for an absolute address */
	uint32_t tgt;		/* what it points at, work offset */
};
struct refs {
	struct rsite *s;	/* sorted by off, not overlapping */
	size_t n, cap;
	uint32_t wlo;		/* low 32 bits of the work area's address */
	const uint8_t *moved;	/* bitmap of base offsets some variant moved: an
				   absolute site elsewhere is left out; NULL:
				   every one is kept */
};
int refs_scan(const struct image *im, const uint8_t *work, uint64_t w0,
	      uint64_t wsize, struct refs *out);
void refs_free(struct refs *r);
size_t refs_at(const struct refs *r, uint64_t off);

/* moves.c: a variant's move table */
struct move {
	uint32_t start, len, delta;	/* base work offset, bytes, variant - base */
};
size_t moves_build(const struct image *b, const struct image *v, uint64_t w0,
		   const struct diffstat *st, struct move **out);
uint32_t moves_delta(const struct move *m, size_t n, uint32_t x);
struct move *moves_inverse(const struct move *m, size_t n);
uint32_t moves_back(const struct move *m, const struct move *inv, size_t n,
		    uint32_t t, int *ok);

/* zs.c */
size_t zs_compress(const void *src, size_t len, struct buf *out,
		   const void *prefix, size_t plen);
size_t zs_compress_big(const void *src, size_t len, struct buf *out,
		       const void *prefix, size_t plen);
size_t zs_compress_deep(const void *src, size_t len, struct buf *out,
			const void *prefix, size_t plen);
size_t zs_compress_level(const void *src, size_t len, struct buf *out,
			 const void *prefix, size_t plen, int level);
int zs_decompress(const void *src, size_t len, void *dst, size_t dlen,
		  const void *prefix, size_t plen);

/* classes.c: what every differing byte is */
enum { CL_SAME, CL_REFSAME, CL_CHANGED, CL_ONLY, CL_N };
extern const char *const class_name[CL_N];
struct classes {
	uint32_t n[2][CL_N];		/* functions, objects: how many of each */
	uint64_t delta[CL_N + 1];	/* stored delta bytes; [CL_N]: no symbol */
	uint64_t changed_bytes;		/* bytes of the variant's changed and own ones */
	uint64_t floor;			/* zstd -19 of those */
	uint64_t frame_plain, frame_ref;	/* measure.c */
};

/* zchoose.c: --compress, and the stub that goes with it */
enum { ZS_MODE_AUTO, ZS_MODE_NONE, ZS_MODE_ZSTD };
struct deltas;
int zs_choose(const struct deltas *d, int mode, const char *stub,
	      const char *stub_zstd, const char **use, int *zstd);
struct packctx;
/* with the deltas uncompressed: the stub without encoding 2 where it pays
 * (auto) or encoding 2 is off; 0, or -1 after a message */
int refs_choose(struct packctx *pc, struct deltas *d, int mode,
		const char *stub, const char *stub_norefs, const char **use);
/* xblob.c and bundle.c: the extract data; reading a bundle */
struct xvariant {		/* one extract entry, decoded */
	char name[HVB_NAME_SIZE];
	uint64_t file_size, file_hash;
	uint64_t segs_off;
	uint32_t nsegs, comp;
	uint64_t res_len, data_off, data_len;
	/* statistics, for list */
	uint32_t total[K_NKINDS], differ[K_NKINDS];
	uint64_t bytes_differ, regions, delta_raw, delta_zstd, delta_prefix;
	struct classes cl;
};

struct bundle {
	const char *path;
	uint8_t *file;
	size_t filesize;
	Elf *elf;
	const uint8_t *payload;
	size_t payload_size;
	uint64_t payload_vaddr;
	struct hvb_payload_info pi;	/* opened (checked, hashed) once */
	const uint8_t *xblob;
	size_t xblob_size;
	const uint8_t *check;	/* the boot check record (.hvb_check) */
	size_t check_size;
	uint32_t nx;
	struct xvariant *xv;
	uint64_t stub_bytes, base_bytes, note_bytes;
};
/* open a bundle and its payload (checked and hashed here, once) */
int bundle_open(struct bundle *b, const char *path);
void bundle_close(struct bundle *b);
/* the bundle's address of one of the stub's symbols (its .symtab) */
int bundle_symbol(struct bundle *b, const char *name, uint64_t *addr);
/* the file bytes at a loaded address, or NULL */
const uint8_t *bundle_at(struct bundle *b, uint64_t vaddr, uint64_t len);
/* apply a variant to a fresh copy of the base: returns work image */
int bundle_image(struct bundle *b, const char *name, uint8_t **img);
/* rebuild a variant's ELF file */
int bundle_file(struct bundle *b, const char *name, uint8_t **file,
		size_t *len);
int xblob_parse(struct bundle *b);
/* symsplit.c: a residual with its symtab's names split out, and back */
int symsplit_locate(const struct image *im, const struct buf *segs,
		    uint64_t *roff, uint32_t *n);
void symsplit(const struct buf *raw, uint64_t roff, uint32_t n, struct buf *out);
int symjoin(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen);
void symplanes(const struct buf *raw, uint64_t roff, uint32_t n, struct buf *out);
int symunplane(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen);
void symcut(const struct buf *raw, uint64_t roff, const uint8_t *exc, uint32_t m,
	    struct buf *out);
int symuncut(const uint8_t *t, size_t tlen, uint8_t *raw, size_t rlen, uint8_t **exc,
	     uint32_t *m);
/* symnorm.c: a variant's symbol values in base coordinates (residual
 * compression HVB_XCOMP_ZSTD_BASE_SYMS); exceptions as u32 indices */
struct move;
int symnorm_take(const struct image *im, uint8_t *f, size_t len, const uint8_t *bf,
		 size_t blen, uint64_t w0, uint64_t wsize, const struct move *m, size_t nm,
		 struct buf *exc);
int symnorm_undo(uint8_t *f, size_t len, const uint8_t *bf, size_t blen, uint64_t w0,
		 uint64_t wsize, const struct move *m, size_t nm, const uint8_t *exc,
		 uint32_t nexc);
uint64_t xblob_payload_hash(const struct bundle *b);
int xblob_syms(const struct xvariant *v, const uint8_t *d, const uint8_t *base,
	       uint64_t blen, uint8_t *r, uint8_t **exc, uint32_t *nexc);

/* pack-time state (pack.c builds it, format.c serialises it) */
struct rdelta {			/* one region of one variant */
	uint64_t start, old_len, new_len;
	unsigned enc, comp;
	uint64_t raw_len;
	struct buf data;
	uint64_t foff;		/* HVB_COMP_FRAME: where data lies in the frame */
};

struct clsin {			/* what classify reads */
	const struct image *b;
	const struct pvar *v;
	uint64_t w0, wsize;
	const uint8_t *bw, *vw;
	const struct refs *br, *vr;
	const struct move *inv;
};
void classify(const struct clsin *in, struct classes *out, uint8_t *cls);
void classes_delta(const uint8_t *cls, uint64_t wsize, const struct rdelta *r,
		   size_t nr, struct classes *out);
int classes_of(const struct image *a, const struct image *b,
	       const struct diffstat *st, struct classes *out);
/* list.c: the classes as text lines or a JSON object */
void classes_text(const char *name, const struct classes *c, int deltas);
void classes_json(const struct classes *c, int deltas);

struct pvar {			/* base (index 0) or a variant */
	const char *name;
	struct image im;
	uint64_t hash, pvh, xen;
	struct rdelta *r;
	size_t nr;
	struct move *mv;	/* its move table */
	size_t nmv;
	struct diffstat st;
	uint64_t bytes_differ, delta_bytes;
	uint64_t delta_raw, delta_zstd, delta_prefix;	/* measured totals */
	struct classes cl;	/* classes.c, with measure.c's frames */
	struct buf res;		/* extract residual, as stored */
	uint64_t res_len;
	uint32_t rcomp;
	struct buf segs;	/* extract segment table */
	uint32_t nsegs;
	struct buf frame;	/* its regions' data as one zstd frame, or empty */
	uint64_t frame_raw;	/* decoded bytes of it */
	int opcols;		/* the frame begins with its op columns */
	int refprefix;		/* its frame is against the base in reference space */
};

struct packctx {
	struct pvar *v;
	size_t nv;
	uint64_t w0, wsize;
	uint32_t max_scratch;
	int compress;		/* payload: 0 none, 1 zstd allowed */
	int xcompress;		/* extract data: 0 none, 1 zstd */
	int norefs;		/* no encoding 2 (pack --refs off) */
	int refprefix;		/* pack --ref-prefix: on 1, off 0, auto -1 */
	struct buf btab;	/* the base's site table (encoding 2) */
};

void payload_build(const struct packctx *pc, struct buf *out);
void xblob_build(struct packctx *pc, uint64_t payload_hash, struct buf *out);

/* encode.c: the deltas of every variant */
/* every way of storing one region; the choice is made once the totals
 * are known */
struct cands {
	struct buf lit, ops, zlit, zops, zpref;
	struct buf rtab, rops;	/* encoding 2: tables, then ops */
	uint8_t *rold, *rnew;	/* the bytes in reference space */
	uint32_t *osite, *vsite;	/* their sites: offset | kind << 29 */
	size_t nos, nvs;
};
struct deltas {
	uint8_t *bw;		/* the base over the work area */
	uint8_t **vw;		/* each variant over the work area */
	struct cands **cand;	/* every way to store each region */
	struct refs brefs;	/* the base's references */
	struct refs *vrefs;	/* each variant's */
	uint8_t **cls;		/* each variant's class of every work byte */
	uint8_t *moved;		/* moved_map */
	uint64_t tot_raw, tot_zstd, tot_pref;	/* measured totals */
	uint64_t tot_best;	/* what deltas_choose keeps with zstd */
	struct buf *frame;	/* each variant's regions as one frame (measure.c) */
	uint64_t *frame_raw;
	int *frame_cols;	/* each frame with op columns (opcols.c) */
	uint64_t *region_best;	/* each variant's best with zstd, region by region */
	int noframes;		/* no frames: Xen's hypercall page on base file bytes */
	int refprefix;		/* frames against the base in reference space (refprefix.c) */
	struct buf reftab;	/* then the base's site table they were made with */
};
/* regions, bsdiff, the measurements; 0 or -1 after a message */
int deltas_find(struct packctx *pc, struct deltas *d);
/* refenc.c: encoding 2.  ref_table: one reference table of [s, s + len)
 * into tab (if not NULL) and its sites into *out (if not NULL); buf's
 * fields turned into reference space (newside: the variant's bytes,
 * through v's move table inv).  ref_prep: a region's bytes in reference space, its old
 * table; 0 if it holds no reference.  ref_finish, after bsdiff: the new
 * side's extra and excluded sites. */
void ref_table(const struct refs *r, uint8_t *buf, uint64_t s, uint64_t len,
	       const struct pvar *v, const struct move *inv, int newside,
	       struct buf *tab, uint32_t **out, size_t *nout);
int ref_prep(const struct refs *br, const struct refs *vr, const struct pvar *v,
	     const struct move *inv, const uint8_t *old, const uint8_t *new_,
	     uint64_t s, uint64_t len, struct cands *c);
void ref_finish(struct cands *c);
struct deltas;
/* the base's site table for the payload: its sites in regions stored
 * with encoding 2 (pc->btab) */
void base_table(struct packctx *pc, const struct deltas *d);
/* the base's site table if every variant were framed as frame.c makes
 * it (framed), or with every region in reference space (refable) */
void base_table_framed(const struct packctx *pc, const struct deltas *d, struct buf *out);
void base_table_refable(const struct packctx *pc, const struct deltas *d, struct buf *out);
/* a region's table for one LIT in reference space: all its sites extra */
void ref_lit_table(const struct cands *c, struct buf *out);
/* measure.c: what one zstd frame per variant would store (for the report) */
void measure_frames(struct packctx *pc, struct deltas *d, size_t i);
#define MEASURE_MAX_MIB	16	/* regions over this many MiB: not measured */
/* frame.c: a variant's regions as one frame; whether it is kept */
void frame_build(struct packctx *pc, struct deltas *d, size_t i);
size_t frame_pick(struct packctx *pc, struct deltas *d, size_t i, int reflit,
		  const uint8_t *prefix, struct buf *z, int *cols);
int frame_fits(const struct packctx *pc, const struct deltas *d, size_t i, size_t zlen,
	       uint64_t raw);
int best_is_ref(const struct cands *c);
int frame_take(struct pvar *v, struct deltas *d, size_t i);
void best_raw(const struct cands *c, struct buf *out, unsigned *enc);
/* variant i's frame content as take_frame lays it out: the columns (cols)
 * into *head, each region's bytes into part[k]; reflit: every region in
 * reference space as one LIT */
void frame_parts(const struct cands *cs, const struct rdelta *rs, size_t nr, int cols,
		 int reflit, struct buf *head, struct buf *part, unsigned *enc);
/* refprefix.c: every variant's frame against the base in reference space,
 * if that stores less (HVB_VF_REFPREFIX); after base_table, its check */
void refprefix_choose(struct packctx *pc, struct deltas *d);
int refprefix_check(const struct packctx *pc, const struct deltas *d);
/* opcols.c: op streams as columns (FORMAT.md 3.7) */
struct opcols_w {
	struct buf col[HVB_OPCOL_COUNT];
};
void opcols_add(struct opcols_w *w, const uint8_t *ops, size_t len);
void opcols_put(const struct opcols_w *w, struct buf *out);	/* lengths, columns */
void opcols_free(struct opcols_w *w);
/* keep one form per region: zstd ones only if zstd is set */
int deltas_choose(struct packctx *pc, struct deltas *d, int zstd);	/* 0 or -1 */
/* the uncompressed deltas without encoding 2; and dropping its forms */
uint64_t deltas_plain_total(const struct packctx *pc, const struct deltas *d);
void deltas_drop_refs(struct packctx *pc, struct deltas *d);
void deltas_free(struct packctx *pc, struct deltas *d);

/* layout.c: where everything goes in the bundle */
#define MAX_OSEGS	1024

struct srel {			/* one relocation ld resolved in the stub */
	uint64_t site;		/* virtual address of the field */
	uint32_t type;		/* R_X86_64_* */
	uint64_t target;	/* S + A at link time */
};

struct stubinfo {
	struct image im;	/* its loads are moved with it */
	int open;
	uint8_t **data;		/* each PT_LOAD's file bytes, as moved */
	uint64_t pvh_addr, xen_addr, par_addr;	/* contract symbols */
	uint64_t scr_addr;	/* HVB_STUB_SCRATCH_SYM: the end of its last PT_LOAD */
	uint64_t scratch;	/* the scratch pack gives it there (bytes) */
	uint64_t pvh_phys;	/* the PVH entry, physical */
	uint64_t vlo, vend, plo, pend;	/* its extent as linked, virtual and physical */
	struct srel *rel;	/* from --emit-relocs; none: it cannot move */
	size_t nrel;
	uint64_t delta;		/* how far it was moved */
};

struct oseg {			/* one PT_LOAD of the bundle */
	uint64_t vaddr, paddr, memsz, filesz, align, offset;
	uint32_t flags;
	const uint8_t *data;
	char sname[32];
	const char *what;
	int is_stub;		/* one of the stub's: in the boot check */
};

struct osym {			/* one symbol of the bundle's .symtab */
	const char *name;
	uint64_t addr, size;
	int type;
};

struct layout {
	struct oseg *segs;
	size_t nseg;
	struct buf notes;
	struct osym syms[3];
	size_t nsyms;
	uint64_t entry, payload_paddr, hcpage;
	uint64_t stub_check;	/* the stub's self-check word (virtual) */
};

int xen_entries(const struct image *im, uint64_t *pvh, uint64_t *xen);
int stub_open(struct stubinfo *st, const char *path);
void stub_close(struct stubinfo *st);
/* stubreloc.c */
int stub_read_relocs(struct stubinfo *st);
int stub_move(struct stubinfo *st, uint64_t delta);
int layout_bundle(const struct packctx *pc, struct stubinfo *st,
		  const struct buf *payload, const char *out, struct layout *lo);
void layout_free(struct layout *lo);
/* the Xen hypercall page the bundle's notes name, 0 if none; 0 or -1 */
int bundle_hypercall_page(const struct packctx *pc, uint64_t *hc);

/* bootcheck.c and bootverify.c: the stub's self-check word, the boot
 * check record (.hvb_check) and verify's whole-bundle check */
int stubcheck_fill(struct stubinfo *st, struct layout *lo);
size_t bootcheck_size(const struct layout *lo);
int bootcheck_write(int fd, const char *path, uint64_t rec_off,
		    const struct layout *lo, uint64_t note_off);
unsigned bootcheck_verify(const struct bundle *b, int say_ok);

/* elfout.c: to fd (an outfile's), path for messages */
int write_elf(int fd, const char *path, const struct image *base,
	      struct layout *lo, const struct buf *xblob);

/* commands */
int cmd_pack(int argc, char **argv);
int cmd_list(int argc, char **argv);
int cmd_extract(int argc, char **argv);
int cmd_verify(int argc, char **argv);

#endif /* BUNDLER_H */
