/* bootverify.c: verify's whole-bundle check.  The .hvb_check record
 * (bootcheck.c writes it) must be intact, every part it lists must hash
 * to its recorded value, the parts must cover every byte a loader or the
 * stub reads outside the payload and the base (the ELF and program
 * headers, every note, every other loaded segment), and the stub's own
 * self-check word must be what its first stage will compute at boot.
 * Each problem is named: the part, its file bytes, the hashes. */
#include <string.h>
#include "bundler.h"
#include "hvb_hash.h"

struct bpart {
	char name[HVB_NAME_SIZE];
	uint64_t off, len;
};

/* the record's header and its own hash; its part count, or -1 */
static int record_ok(const struct bundle *b)
{
	const uint8_t *r = b->check;
	uint64_t size;
	uint32_t n;

	if (!r) {
		ferr(b->path, "boot check: no %s section (made by an older bundler?)",
		     HVB_SEC_CHECK);
		return -1;
	}
	if (b->check_size < HVB_BOOTCHECK_HDR_SIZE ||
	    memcmp(r + HVB_BC_MAGIC, HVB_BOOTCHECK_MAGIC, sizeof(HVB_BOOTCHECK_MAGIC) - 1) ||
	    ld32(r + HVB_BC_VERSION) != HVB_BOOTCHECK_VERSION ||
	    ld32(r + HVB_BC_HDR_SIZE) != HVB_BOOTCHECK_HDR_SIZE ||
	    ld32(r + HVB_BC_ENTSIZE) != HVB_BOOTCHECK_PART_SIZE) {
		ferr(b->path, "boot check: the %s record is corrupt (magic, version "
		     "or sizes)", HVB_SEC_CHECK);
		return -1;
	}
	n = ld32(r + HVB_BC_NPARTS);
	size = ld64(r + HVB_BC_SIZE);
	if (n > HVB_BOOTCHECK_MAX_PARTS || size > b->check_size ||
	    size != HVB_BOOTCHECK_HDR_SIZE + (uint64_t)n * HVB_BOOTCHECK_PART_SIZE ||
	    hvb_hash64(r + HVB_BC_HASHED_FROM, size - HVB_BC_HASHED_FROM) !=
	    ld64(r + HVB_BC_HASH)) {
		ferr(b->path, "boot check: the %s record is corrupt (its own hash "
		     "or size)", HVB_SEC_CHECK);
		return -1;
	}
	return (int)n;
}

/* one recorded part: in the file, and its bytes' hash as recorded */
static int part_ok(const struct bundle *b, uint32_t i, struct bpart *p)
{
	const uint8_t *e = b->check + HVB_BOOTCHECK_HDR_SIZE +
	    (uint64_t)i * HVB_BOOTCHECK_PART_SIZE;
	uint64_t want = ld64(e + HVB_BP_HASH), got;

	memcpy(p->name, e + HVB_BP_NAME, HVB_NAME_SIZE);
	p->name[HVB_NAME_SIZE - 1] = 0;
	p->off = ld64(e + HVB_BP_FILE_OFF);
	p->len = ld64(e + HVB_BP_LEN);
	if (p->off > b->filesize || p->len > b->filesize - p->off) {
		ferr(b->path, "boot check: %s (file bytes [0x%llx, +0x%llx)) lies past "
		     "the end of the file: truncated", p->name,
		     (unsigned long long)p->off, (unsigned long long)p->len);
		return -1;
	}
	got = hvb_hash64(b->file + p->off, p->len);
	if (got != want) {
		ferr(b->path, "boot check: %s (file bytes [0x%llx, 0x%llx)) is corrupt: "
		     "hash %016llx, recorded %016llx", p->name,
		     (unsigned long long)p->off, (unsigned long long)(p->off + p->len),
		     (unsigned long long)got, (unsigned long long)want);
		return -1;
	}
	return 0;
}

static int covered(const struct bpart *p, size_t n, uint64_t off, uint64_t len)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (off >= p[i].off && len <= p[i].len && off - p[i].off <= p[i].len - len)
			return 1;
	return 0;
}

static const struct bpart *named(const struct bpart *p, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(p[i].name, name))
			return &p[i];
	return NULL;
}

/* the headers are the recorded ones, and every note and every loaded
 * segment that is neither the payload nor inside the work area (the
 * base: the image hashes check it) lies in a recorded part */
static unsigned coverage(const struct bundle *b, const struct bpart *p, size_t n)
{
	const struct bpart *eh = named(p, n, "elf_header"), *ph = named(p, n, "program_headers");
	const struct hvb_payload_info *pi = &b->pi;
	unsigned bad = 0;
	GElf_Ehdr e;
	size_t i, phnum;
	uint64_t d = 0;
	int first = 1;

	if (!gelf_getehdr(b->elf, &e) || elf_getphdrnum(b->elf, &phnum) < 0)
		return 1;
	if (!eh || eh->off || eh->len != sizeof(Elf64_Ehdr) || !ph || ph->off != e.e_phoff ||
	    ph->len != (uint64_t)phnum * e.e_phentsize) {
		ferr(b->path, "boot check: the ELF or program headers are not the "
		     "recorded ones");
		bad++;
	}
	for (i = 0; i < phnum; i++) {
		GElf_Phdr h;
		uint64_t at;

		if (!gelf_getphdr(b->elf, (int)i, &h) || (h.p_type != PT_LOAD && h.p_type != PT_NOTE))
			continue;
		if (h.p_type == PT_LOAD && first)
			d = h.p_vaddr - h.p_paddr;
		first &= h.p_type != PT_LOAD;
		at = h.p_paddr + d;
		if (!h.p_filesz || covered(p, n, h.p_offset, h.p_filesz))
			continue;
		if (h.p_type == PT_LOAD && (h.p_vaddr == b->payload_vaddr ||
		    (at >= pi->work_vaddr && at - pi->work_vaddr <= pi->work_size &&
		     h.p_filesz <= pi->work_size - (at - pi->work_vaddr))))
			continue;
		ferr(b->path, "boot check: segment %zu (%s, file bytes [0x%llx, 0x%llx)) "
		     "is covered by no hash", i, h.p_type == PT_NOTE ? "PT_NOTE" : "PT_LOAD",
		     (unsigned long long)h.p_offset,
		     (unsigned long long)(h.p_offset + h.p_filesz));
		bad++;
	}
	return bad;
}

/* the stub's self-check word: what its first stage computes at boot */
static unsigned stub_self(const struct bundle *b)
{
	uint64_t at = ld64(b->check + HVB_BC_STUB_CHECK);
	uint32_t want, len, got;

	if (!at || at > b->filesize || b->filesize - at < HVB_STUB_CHECK_SIZE) {
		ferr(b->path, "boot check: no stub self-check word recorded");
		return 1;
	}
	want = ld32(b->file + at + HVB_SC_HASH);
	len = ld32(b->file + at + HVB_SC_LEN);
	if (len < 16 || len % 16 || len > at) {
		ferr(b->path, "boot check: the stub's self-check word (file offset 0x%llx) "
		     "covers %u bytes: corrupt", (unsigned long long)at, len);
		return 1;
	}
	got = (uint32_t)XXH32(b->file + at - len, len, 0);
	if (got != want) {
		ferr(b->path, "boot check: the stub's self-check fails (XXH32 %08x of file "
		     "bytes [0x%llx, 0x%llx), word says %08x): the stub would stop",
		     got, (unsigned long long)(at - len), (unsigned long long)at, want);
		return 1;
	}
	return 0;
}

/* verify's whole-bundle check: the number of problems (each said); an
 * ok line too if say_ok */
unsigned bootcheck_verify(const struct bundle *b, int say_ok)
{
	struct bpart p[HVB_BOOTCHECK_MAX_PARTS];
	int n = record_ok(b);
	unsigned bad = 0;
	uint32_t i;

	if (n < 0)
		return 1;
	for (i = 0; i < (uint32_t)n; i++)
		bad += part_ok(b, i, &p[i]) ? 1 : 0;
	bad += coverage(b, p, (size_t)n);
	bad += stub_self(b);
	if (!bad && say_ok)
		warnx_("%s: boot check: %d parts ok (headers, notes, stub), stub "
		       "self-check ok", b->path, n);
	return bad;
}
