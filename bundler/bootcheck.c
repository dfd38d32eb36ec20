/* bootcheck.c: every byte outside the payload that booting reads, hashed.
 * The payload has its own hash and the base's bytes are checked through
 * the base's image hash; what is left is the stub (code, data, its
 * parameters), the ELF header (entry point), the program headers and the
 * notes (the loaders' entries).  pack fills the stub's self-check word
 * (which the stub's first stage checks at boot, stub/selfcheck.S) and
 * writes the .hvb_check record; verify recomputes both and names the part
 * that is bad (format/FORMAT.md, "Boot check"). */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "bundler.h"
#include "hvb_hash.h"

/* the stub's segment (its index in st->data) that holds [a, a + len) */
static int stub_seg_of(const struct stubinfo *st, uint64_t a, uint64_t len)
{
	size_t i;

	for (i = 0; i < st->im.nloads; i++) {
		const struct seg *s = &st->im.loads[i];

		if (a >= s->vaddr && a - s->vaddr <= s->filesz &&
		    len <= s->filesz - (a - s->vaddr))
			return (int)i;
	}
	return -1;
}

/* XXH32 of the HVB_SC_LEN bytes before the check word, which must all lie
 * in its segment; 0 and the hash, or -1 after a message naming `what` */
static int stub_hash32(const uint8_t *seg, uint64_t at, const char *what,
		       uint32_t *hash)
{
	uint32_t len = ld32(seg + at + HVB_SC_LEN);

	if (len < 16 || len % 16 || len > at) {
		ferr(what, "%s: covers %u bytes, needs a multiple of 16 from the "
		     "start of its segment (%llu bytes before it)",
		     HVB_STUB_CHECK_SYM, len, (unsigned long long)at);
		return -1;
	}
	*hash = (uint32_t)XXH32(seg + at - len, len, 0);
	return 0;
}

/* pack: the stub's self-check word, after its parameters are filled and
 * it is moved; its address (in the bundle) goes to the layout */
int stubcheck_fill(struct stubinfo *st, struct layout *lo)
{
	uint64_t addr, size;
	uint32_t h;
	int k;

	if (!img_lookup(&st->im, HVB_STUB_CHECK_SYM, &addr, &size)) {
		ferr(st->im.path, "not a self-checking boot stub (no symbol %s)",
		     HVB_STUB_CHECK_SYM);
		return -1;
	}
	addr += st->delta;
	if ((k = stub_seg_of(st, addr, HVB_STUB_CHECK_SIZE)) < 0) {
		ferr(st->im.path, "%s is not in a file-backed segment",
		     HVB_STUB_CHECK_SYM);
		return -1;
	}
	if (addr - st->im.loads[k].vaddr != ld32(st->data[k] + (addr - st->im.loads[k].vaddr) +
						  HVB_SC_LEN)) {
		ferr(st->im.path, "%s does not cover its segment from its start",
		     HVB_STUB_CHECK_SYM);
		return -1;
	}
	if (stub_hash32(st->data[k], addr - st->im.loads[k].vaddr, st->im.path, &h))
		return -1;
	st32(st->data[k] + (addr - st->im.loads[k].vaddr) + HVB_SC_HASH, h);
	lo->stub_check = addr;
	return 0;
}

/* the parts pack records: headers, notes, every stub segment */
static size_t parts_of(const struct layout *lo)
{
	size_t i, n = 3;

	for (i = 0; i < lo->nseg; i++)
		n += lo->segs[i].is_stub && lo->segs[i].filesz;
	return n;
}

size_t bootcheck_size(const struct layout *lo)
{
	return HVB_BOOTCHECK_HDR_SIZE + parts_of(lo) * HVB_BOOTCHECK_PART_SIZE;
}

static void put_part(uint8_t *p, const char *name, const uint8_t *file,
		     uint64_t off, uint64_t len)
{
	memset(p, 0, HVB_BOOTCHECK_PART_SIZE);
	strncpy((char *)p + HVB_BP_NAME, name, HVB_NAME_SIZE - 1);
	st64(p + HVB_BP_FILE_OFF, off);
	st64(p + HVB_BP_LEN, len);
	st64(p + HVB_BP_HASH, hvb_hash64(file + off, len));
}

/* the record, from the file as written (read back from fd) */
static void build_record(uint8_t *r, const uint8_t *f, const struct layout *lo,
			 uint64_t note_off)
{
	size_t i, n = 0, k = 0;
	uint8_t *p = r + HVB_BOOTCHECK_HDR_SIZE;
	char name[HVB_NAME_SIZE];
	uint64_t size = bootcheck_size(lo);

	put_part(p + n++ * HVB_BOOTCHECK_PART_SIZE, "elf_header", f, 0, sizeof(Elf64_Ehdr));
	put_part(p + n++ * HVB_BOOTCHECK_PART_SIZE, "program_headers", f,
		 sizeof(Elf64_Ehdr), (lo->nseg + 1) * sizeof(Elf64_Phdr));
	put_part(p + n++ * HVB_BOOTCHECK_PART_SIZE, "notes", f, note_off, lo->notes.len);
	for (i = 0; i < lo->nseg; i++) {
		const struct oseg *s = &lo->segs[i];

		if (!s->is_stub || !s->filesz)
			continue;
		snprintf(name, sizeof(name), "stub%zu", k++);
		put_part(p + n++ * HVB_BOOTCHECK_PART_SIZE, name, f, s->offset, s->filesz);
		if (lo->stub_check >= s->vaddr && lo->stub_check - s->vaddr < s->filesz)
			st64(r + HVB_BC_STUB_CHECK, s->offset + (lo->stub_check - s->vaddr));
	}
	memcpy(r + HVB_BC_MAGIC, HVB_BOOTCHECK_MAGIC, sizeof(HVB_BOOTCHECK_MAGIC) - 1);
	st32(r + HVB_BC_VERSION, HVB_BOOTCHECK_VERSION);
	st32(r + HVB_BC_HDR_SIZE, HVB_BOOTCHECK_HDR_SIZE);
	st32(r + HVB_BC_NPARTS, (uint32_t)n);
	st32(r + HVB_BC_ENTSIZE, HVB_BOOTCHECK_PART_SIZE);
	st64(r + HVB_BC_SIZE, size);
	st64(r + HVB_BC_HASH, hvb_hash64(r + HVB_BC_HASHED_FROM, size - HVB_BC_HASHED_FROM));
}

/* pack, after libelf wrote the file: read it back, hash its parts, write
 * the record at rec_off (the .hvb_check section, reserved zero) */
int bootcheck_write(int fd, const char *path, uint64_t rec_off,
		    const struct layout *lo, uint64_t note_off)
{
	off_t end = lseek(fd, 0, SEEK_END);
	uint64_t size = bootcheck_size(lo);
	uint8_t *f, *r;
	int rc = -1;

	if (end < 0 || (uint64_t)end < rec_off + size) {
		ferr(path, "boot check: file shorter than its record");
		return -1;
	}
	f = xmalloc((size_t)end);
	r = xcalloc(1, size);
	if (pread(fd, f, (size_t)end, 0) != end)
		ferr(path, "boot check: reading back what was written failed");
	else if (build_record(r, f, lo, note_off),
		 pwrite(fd, r, size, (off_t)rec_off) != (ssize_t)size)
		ferr(path, "boot check: writing the record failed");
	else
		rc = 0;
	free(f);
	free(r);
	return rc;
}
