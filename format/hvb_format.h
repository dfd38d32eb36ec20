/* hvb_format.h: every field of the hvbundle bundle format, named once.
 * FORMAT.md beside it says what each one means; this header says where
 * it is.  The stub, the applier (apply.c), the bundler and the Python
 * test helper (tests/bundle/blib.py, which reads the #defines below) all
 * take offsets, sizes, magics and versions from here and nowhere else.
 *
 * Rules for this file, so that blib.py can read it: every constant is a
 * `#define HVB_...` with a plain decimal or hex integer (an optional `u`
 * or `ull` suffix) or a string literal; no expressions.  Offsets are in
 * bytes from the start of their structure; all integers little-endian. */
#ifndef HVB_FORMAT_H
#define HVB_FORMAT_H

/* ---- stub parameters: the 40 bytes of the stub's hvb_stub_params ---- */
#define HVB_STUB_PARAMS_SYM	"hvb_stub_params"	/* ELF symbol, in .data */
#define HVB_STUB_PVH_ENTRY_SYM	"hvb_stub_pvh_entry"	/* 32-bit PVH entry */
#define HVB_STUB_XEN_ENTRY_SYM	"hvb_stub_xen_entry"	/* Xen PV entry */
/* a stub that has this symbol decodes zstd regions (HVB_COMP_ZSTD*) */
#define HVB_STUB_UNZSTD_SYM	"hvb_unzstd"
/* a stub without encoding 2 (stub-norefs.elf) has this absolute symbol */
#define HVB_STUB_NOREFS_SYM	"hvb_stub_norefs"
#define HVB_STUB_MAGIC		"HVBSTUB1"	/* 8 bytes, no NUL */
#define HVB_SP_MAGIC		0	/* u8[8] */
#define HVB_SP_PAYLOAD_PADDR	8	/* u64: physical address of the payload */
#define HVB_SP_PAYLOAD_SIZE	16	/* u64 */
#define HVB_SP_HYPERCALL_PAGE	24	/* u64: virtual, 0 if none */
#define HVB_SP_SCRATCH_SIZE	32	/* u64: bytes of scratch at HVB_STUB_SCRATCH_SYM */
#define HVB_STUB_PARAMS_SIZE	40
/* The stub's scratch starts here, the 4 KiB-aligned end of the linked
 * stub's last PT_LOAD; pack widens that segment's memsz by
 * HVB_SP_SCRATCH_SIZE bytes (NOBITS: nothing in the file). */
#define HVB_STUB_SCRATCH_SYM	"hvb_stub_scratch"
/* The stub's self-check word, the last 8 file-backed bytes of its
 * segment: its first stage (stub/selfcheck.S) hashes every stub byte
 * before it and stops with stub_hash on a mismatch. */
#define HVB_STUB_CHECK_SYM	"hvb_stub_check"	/* ELF symbol, 16-aligned */
#define HVB_SC_HASH		0	/* u32: XXH32, seed 0, of the HVB_SC_LEN bytes before it */
#define HVB_SC_LEN		4	/* u32: from the stub's first byte; a multiple of 16 */
#define HVB_STUB_CHECK_SIZE	8
/* The stub maps the first GiB of physical memory: the stub, its payload
 * and the kernel work area must lie below this. */
#define HVB_STUB_MAPPED_PHYS	0x40000000ull
/* A region's own scratch: no region may need more (the old bytes it
 * copies aside, hvb_region_scratch); the bundler cuts longer regions to
 * this.  1 MiB: on Linux 6.1 (tinyconfig, kvm against native) 64 KiB
 * pieces made the delta 3.6 times larger, 1 MiB only 1% larger than uncut. */
#define HVB_STUB_SCRATCH	1048576u
/* The most scratch a bundle's stub may have (HVB_SP_SCRATCH_SIZE, sized
 * by pack to the payload's max_scratch: a variant's decoded frame, its
 * move table, a region's own need); pack frames a variant only if its
 * need fits.  256 MiB: a quarter of the GiB the stub maps, which also
 * holds the work area, the stub and the payload. */
#define HVB_STUB_SCRATCH_MAX	268435456u

/* ---- payload header ---- */
#define HVB_PAYLOAD_MAGIC	"HVBPAYLD"	/* 8 bytes, no NUL */
#define HVB_PAYLOAD_VERSION	4u	/* 1: no reference-aware deltas, no move table;
					   2: 96-byte variant entries, no frames;
					   3: site tables of gap << 3 | kind, move
					   tables of 12-byte entries */
#define HVB_PAYLOAD_HDR_SIZE	136u
#define HVB_PH_MAGIC		0	/* u8[8] */
#define HVB_PH_VERSION		8	/* u32 */
#define HVB_PH_HDR_SIZE		12	/* u32 */
#define HVB_PH_PAYLOAD_SIZE	16	/* u64 */
#define HVB_PH_PAYLOAD_HASH	24	/* u64: hash of [HVB_PH_HASHED_FROM, size) */
#define HVB_PH_HASHED_FROM	32
#define HVB_PH_NVARIANTS	32	/* u32 */
#define HVB_PH_BASE_INDEX	36	/* u32 */
#define HVB_PH_VARIANT_OFF	40	/* u32 */
#define HVB_PH_VARIANT_ENTSIZE	44	/* u32 */
#define HVB_PH_REGION_ENTSIZE	48	/* u32 */
#define HVB_PH_ZERO_COUNT	52	/* u32 */
#define HVB_PH_ZERO_OFF		56	/* u32 */
#define HVB_PH_MAX_SCRATCH	60	/* u32 */
#define HVB_PH_WORK_VADDR	64	/* u64 */
#define HVB_PH_WORK_SIZE	72	/* u64 */
#define HVB_PH_BASE_PVH_ENTRY	80	/* u64: the base entry's copy ... */
#define HVB_PH_BASE_XEN_ENTRY	88	/* u64 */
#define HVB_PH_BASE_IMAGE_HASH	96	/* u64 */
#define HVB_PH_BASE_VADDR	104	/* u64 */
#define HVB_PH_BASE_FILESZ	112	/* u64 */
#define HVB_PH_BASE_MEMSZ	120	/* u64 */
#define HVB_PH_REFS_OFF		128	/* u32: the base's site table (encoding 2) */
#define HVB_PH_REFS_LEN		132	/* u32: its bytes, 0 if none */
#define HVB_MAX_VARIANTS	64u
#define HVB_NAME_SIZE		16u	/* variant name field, NUL-padded */
#define HVB_NAME_MAX		15u	/* longest variant name */

/* ---- zero table entry ---- */
#define HVB_ZERO_ENTRY_SIZE	8u
#define HVB_ZE_OFFSET		0	/* u32, work-area offset */
#define HVB_ZE_LENGTH		4	/* u32 */

/* ---- variant entry ---- */
#define HVB_VARIANT_ENTRY_SIZE	112u
#define HVB_VE_NAME		0	/* char[16] */
#define HVB_VE_IMAGE_HASH	16	/* u64 */
#define HVB_VE_VADDR		24	/* u64 */
#define HVB_VE_FILESZ		32	/* u64 */
#define HVB_VE_MEMSZ		40	/* u64 */
#define HVB_VE_PVH_ENTRY	48	/* u64, physical, 0 if none */
#define HVB_VE_XEN_ENTRY	56	/* u64, virtual, 0 if none */
#define HVB_VE_ELF_ENTRY	64	/* u64 */
#define HVB_VE_REGION_COUNT	72	/* u32 */
#define HVB_VE_REGION_OFF	76	/* u32 */
#define HVB_VE_DELTA_BYTES	80	/* u32 */
#define HVB_VE_FLAGS		84	/* u32: HVB_VF_*, no other bit */
#define HVB_VE_MOVE_OFF		88	/* u32: its move table, in the payload */
#define HVB_VE_MOVE_COUNT	92	/* u32: its entries */
/* the variant's frame: one zstd frame, the base's work area as prefix,
 * that decodes to the data of all its regions (HVB_COMP_FRAME) */
#define HVB_VE_FRAME_OFF	96	/* u32: in the payload, 0 if no frame */
#define HVB_VE_FRAME_LEN	100	/* u32: compressed bytes, 0 if no frame */
#define HVB_VE_FRAME_RAW	104	/* u32: decoded bytes */
#define HVB_VE_MOVE_LEN		108	/* u32: its bytes, 0 when move_count is 0 */

/* ---- move table (a variant's symbols that lie elsewhere than in the
 * base: reference-space values are re-resolved through it): three columns
 * of move_count uvarints each, the gaps (start - end of the previous
 * entry, 0 for the first), the lengths, the delta changes (zigzag of the
 * delta - the previous entry's, mod 2^32).  The applier decodes it into
 * scratch as entries of HVB_MOVE_ENTRY_SIZE bytes: ---- */
#define HVB_MOVE_ENTRY_SIZE	12u
#define HVB_MV_START		0	/* u32: work-area offset, base coordinates */
#define HVB_MV_LEN		4	/* u32 */
#define HVB_MV_DELTA		8	/* u32: variant - base, mod 2^32 */

/* ---- region entry ---- */
#define HVB_REGION_ENTRY_SIZE	32u
#define HVB_RE_TARGET		0	/* u32, work-area offset */
#define HVB_RE_OLD_LEN		4	/* u32 */
#define HVB_RE_NEW_LEN		8	/* u32 */
#define HVB_RE_ENCODING		12	/* u8 */
#define HVB_RE_COMPRESSION	13	/* u8 */
#define HVB_RE_RESERVED0	14	/* u16, must be 0 */
#define HVB_RE_RAW_LEN		16	/* u32 */
#define HVB_RE_DATA_OFF		20	/* u32, in the payload */
#define HVB_RE_DATA_LEN		24	/* u32 */
#define HVB_RE_RESERVED1	28	/* u32, must be 0 */

/* region encodings */
#define HVB_ENC_LITERAL		0u	/* data = the new bytes */
#define HVB_ENC_OPS		1u	/* data = op stream against the old bytes */
#define HVB_ENC_REFOPS		2u	/* data = old and new reference tables, then
					   an op stream in reference space */

/* site table (HVB_ENC_REFOPS; FORMAT.md 3.8): uvarint count n; if n > 0,
 * uvarint m (sites of a kind other than 0), then columns: a bitmap of n
 * bits (bit i of byte i / 8 set: site i's kind is not 0), the m kinds,
 * HVB_REF_KIND_BITS bits each (low half of a byte first), then n uvarint
 * gaps, each the bytes since the end of the previous 4-byte field (the
 * region's start for the first).  Kind = HVB_REF_TAIL_* (bytes of the
 * instruction after the field), plus HVB_REF_ABS for an absolute address
 * (else the field is relative to the end of its instruction). */
#define HVB_REF_KIND_BITS	4
#define HVB_REF_FIELD		4u	/* every site is a 4-byte field */
#define HVB_REF_TAIL_0		0u	/* field ends the instruction */
#define HVB_REF_TAIL_1		1u	/* an imm8 follows */
#define HVB_REF_TAIL_2		2u	/* an imm16 follows */
#define HVB_REF_TAIL_4		3u	/* an imm32 follows */
#define HVB_REF_ABS		4u	/* low 32 bits of a virtual address */
/* region compressions */
#define HVB_COMP_NONE		0u
#define HVB_COMP_ZSTD		1u	/* zstd frame of the encoded data */
#define HVB_COMP_ZSTD_PREFIX	2u	/* zstd frame of the new bytes, old bytes
					   as reference prefix (literal only) */
#define HVB_COMP_FRAME		3u	/* data lies in the variant's decoded frame */

/* op stream (HVB_ENC_OPS): uvarint v = (n << HVB_OP_SHIFT) | kind */
#define HVB_OP_SHIFT		2
#define HVB_OP_COPY		0u	/* n old bytes unchanged */
#define HVB_OP_ADD		1u	/* n bytes: new = old + data (mod 256) */
#define HVB_OP_LIT		2u	/* n bytes: new = data, old not advanced */
#define HVB_OP_SEEK		3u	/* old position += zigzag(n) */

/* variant flags (HVB_VE_FLAGS) */
#define HVB_VF_OPCOLS		1u	/* its frame begins with the op columns of
					   all its regions (FORMAT.md 3.7) */
#define HVB_VF_REFPREFIX	2u	/* its frame's prefix is the work area
					   with the base's site table in
					   reference space (FORMAT.md 3.3) */
/* The op columns: HVB_OPCOL_COUNT uvarint byte lengths, then the columns
 * in this order: the kinds (one byte an op), the lengths n of each kind's
 * ops (uvarints; column HVB_OPCOL_LEN + kind), the ADD bytes, the LIT
 * bytes. */
#define HVB_OPCOL_KINDS		0
#define HVB_OPCOL_LEN		1	/* + HVB_OP_*: 1 to 4 */
#define HVB_OPCOL_ADD		5
#define HVB_OPCOL_LIT		6
#define HVB_OPCOL_COUNT		7

/* ---- extract data (.hvb_extract): header ---- */
#define HVB_XBLOB_MAGIC		"HVBXTRC1"	/* 8 bytes, no NUL */
#define HVB_XBLOB_VERSION	4u	/* 1: entries of 136 bytes, no classes;
					   2: no residual compression 6;
					   3: compression 5 names by their
					   own strings only, sections as
					   they are, no cut form */
#define HVB_XBLOB_HDR_SIZE	64u
#define HVB_XH_MAGIC		0	/* u8[8] */
#define HVB_XH_VERSION		8	/* u32 */
#define HVB_XH_HDR_SIZE		12	/* u32 */
#define HVB_XH_SIZE		16	/* u64 */
#define HVB_XH_HASH		24	/* u64: hash of [HVB_XH_HASHED_FROM, size) */
#define HVB_XH_HASHED_FROM	32
#define HVB_XH_NENTRIES		32	/* u32 */
#define HVB_XH_ENTSIZE		36	/* u32 */
#define HVB_XH_TABLE_OFF	40	/* u64 */
#define HVB_XH_PAYLOAD_HASH	48	/* u64 */

/* extract entry, one per variant, base first */
#define HVB_XBLOB_ENTRY_SIZE	240u
#define HVB_XE_NAME		0	/* char[16] */
#define HVB_XE_FILE_SIZE	16	/* u64 */
#define HVB_XE_FILE_HASH	24	/* u64 */
#define HVB_XE_SEGS_OFF		32	/* u64 */
#define HVB_XE_NSEGS		40	/* u32 */
#define HVB_XE_RES_COMP		44	/* u32: HVB_XCOMP_* */
#define HVB_XE_RES_LEN		48	/* u64, raw */
#define HVB_XE_DATA_OFF		56	/* u64 */
#define HVB_XE_DATA_LEN		64	/* u64 */
#define HVB_XE_TOTALS		72	/* u32[3]: functions, objects, sections */
#define HVB_XE_DIFFER		84	/* u32[3] */
#define HVB_XE_BYTES_DIFFER	96	/* u64 */
#define HVB_XE_REGIONS		104	/* u64 */
#define HVB_XE_DELTA_RAW	112	/* u64 */
#define HVB_XE_DELTA_ZSTD	120	/* u64 */
#define HVB_XE_DELTA_PREFIX	128	/* u64 */
/* classes (FORMAT.md 4): identical, identical after reference resolution,
 * truly changed, only in one image */
#define HVB_XE_CLASS_FUNCS	136	/* u32[4]: functions of each class */
#define HVB_XE_CLASS_OBJS	152	/* u32[4]: objects of each class */
#define HVB_XE_CLASS_DELTA	168	/* u64[5]: stored delta bytes of each class,
					   then of bytes in no function or object */
#define HVB_XE_CHANGED_BYTES	208	/* u64: the variant's changed and own bytes */
#define HVB_XE_FLOOR		216	/* u64: zstd -19 of those */
#define HVB_XE_FRAME_PLAIN	224	/* u64: one zstd frame, base as prefix */
#define HVB_XE_FRAME_REF	232	/* u64: the same in reference space, + tables */
#define HVB_XE_UNMEASURED	0xffffffffffffffffull	/* at 224 or 232: not measured */

/* residual compression */
#define HVB_XCOMP_NONE		0u
#define HVB_XCOMP_ZSTD		1u
#define HVB_XCOMP_ZSTD_BASE	2u	/* the base's residual as prefix */
#define HVB_XCOMP_ZSTD_SPLIT	3u	/* its split form (section 4) */
#define HVB_XCOMP_ZSTD_SPLIT_BASE 4u	/* the same, the base's split form as prefix */
#define HVB_XCOMP_ZSTD_BASE_SYMS 5u	/* as 2, of the cut form: symbols
					   in base coordinates (values,
					   names, sections), the entries
					   left as they are cut out */
#define HVB_XCOMP_ZSTD_PLANES	6u	/* its plane form (section 4), alone */

/* a split residual's trailer (FORMAT.md section 4, "The split form") */
#define HVB_XSPLIT_SYM_SIZE	24u	/* an ELF64 symbol entry; st_name at 0 */
#define HVB_XSPLIT_TRAILER_SIZE	12u
#define HVB_XT_SYMTAB_OFF	0	/* u64: the symtab's offset in the residual */
#define HVB_XT_NSYMS		8	/* u32: its entries */

/* extract segment table entry */
#define HVB_XSEG_ENTRY_SIZE	24u
#define HVB_XS_FILE_OFF		0	/* u64 */
#define HVB_XS_WORK_OFF		8	/* u64 */
#define HVB_XS_LEN		16	/* u64 */

/* ---- boot check (.hvb_check, not loaded): the hash of every part of
 * the file outside the payload that booting reads ---- */
#define HVB_BOOTCHECK_MAGIC	"HVBBOOT1"	/* 8 bytes, no NUL */
#define HVB_BOOTCHECK_VERSION	1u
#define HVB_BOOTCHECK_HDR_SIZE	48u
#define HVB_BC_MAGIC		0	/* u8[8] */
#define HVB_BC_HASH		8	/* u64: hash of [HVB_BC_HASHED_FROM, size) */
#define HVB_BC_HASHED_FROM	16
#define HVB_BC_VERSION		16	/* u32 */
#define HVB_BC_HDR_SIZE		20	/* u32 */
#define HVB_BC_NPARTS		24	/* u32 */
#define HVB_BC_ENTSIZE		28	/* u32 */
#define HVB_BC_SIZE		32	/* u64: header and parts */
#define HVB_BC_STUB_CHECK	40	/* u64: file offset of hvb_stub_check */
#define HVB_BOOTCHECK_MAX_PARTS	64u
/* boot check part, one per hashed range of the file */
#define HVB_BOOTCHECK_PART_SIZE	40u
#define HVB_BP_NAME		0	/* char[16]: elf_header, program_headers, notes, stub<i> */
#define HVB_BP_FILE_OFF		16	/* u64 */
#define HVB_BP_LEN		24	/* u64 */
#define HVB_BP_HASH		32	/* u64: hvb_hash64 of those bytes */

/* ---- section names in the bundle ELF ---- */
#define HVB_SEC_PAYLOAD		".hvb_payload"
#define HVB_SEC_EXTRACT		".hvb_extract"
#define HVB_SEC_BASE		".hvb_base"	/* + index */
#define HVB_SEC_STUB		".hvb_stub"	/* + index */
#define HVB_SEC_NOTE		".note.hvb"
#define HVB_SEC_CHECK		".hvb_check"

#endif /* HVB_FORMAT_H */
