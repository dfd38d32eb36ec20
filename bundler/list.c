/* list.c: the list command: what a bundle holds, as a table or JSON. */
#include <string.h>
#include <stdlib.h>
#include "bundler.h"

static const char *kn[K_NKINDS] = { "functions", "objects", "sections" };

static void head_json(const struct bundle *b)
{
	printf("{\"bundle\":\"%s\",\"file_bytes\":%zu,\"stub_bytes\":%llu,"
	       "\"base_bytes\":%llu,\"payload_bytes\":%zu,"
	       "\"payload_vaddr\":\"0x%llx\",\"note_bytes\":%llu,"
	       "\"extract_bytes\":%zu,\"payload_hash\":\"%016llx\","
	       "\"work_vaddr\":\"0x%llx\",\"work_size\":%llu,"
	       "\"max_scratch\":%u,\"base_site_table_bytes\":%u,\"variants\":[",
	       b->path, b->filesize, (unsigned long long)b->stub_bytes,
	       (unsigned long long)b->base_bytes, b->payload_size,
	       (unsigned long long)b->payload_vaddr,
	       (unsigned long long)b->note_bytes, b->xblob_size,
	       (unsigned long long)b->pi.payload_hash,
	       (unsigned long long)b->pi.work_vaddr,
	       (unsigned long long)b->pi.work_size, b->pi.max_scratch,
	       ld32(b->payload + HVB_PH_REFS_LEN));
}

static void head_text(const struct bundle *b)
{
	printf("%s: %zu bytes: stub %llu, base %llu, payload %zu at "
	       "0x%llx (base site table %u), notes %llu; extract data %zu (not loaded)\n",
	       b->path, b->filesize, (unsigned long long)b->stub_bytes,
	       (unsigned long long)b->base_bytes, b->payload_size,
	       (unsigned long long)b->payload_vaddr, ld32(b->payload + HVB_PH_REFS_LEN),
	       (unsigned long long)b->note_bytes, b->xblob_size);
	printf("%-15s %11s %11s %9s %10s %7s %8s %8s %8s %8s  %s\n",
	       "variant", "functions", "objects", "sections", "bytes-diff",
	       "regions", "delta", "none", "zstd", "zprefix", "image-hash");
}

static const char *const kn2[2] = { "functions", "objects" };

/* "functions": identical, identical after reference resolution, truly
 * changed, only in one image; with deltas, the stored bytes of each */
void classes_text(const char *name, const struct classes *c, int deltas)
{
	int k;

	for (k = 0; k < 2; k++)
		printf("%s: %s: %u identical, %u identical after reference resolution, "
		       "%u changed, %u only in one image\n", name, kn2[k],
		       c->n[k][CL_SAME], c->n[k][CL_REFSAME], c->n[k][CL_CHANGED],
		       c->n[k][CL_ONLY]);
	if (deltas)
		printf("%s: delta bytes: %llu identical, %llu identical after "
		       "reference resolution, %llu changed, %llu only in one image, "
		       "%llu in no function or object\n", name,
		       (unsigned long long)c->delta[CL_SAME],
		       (unsigned long long)c->delta[CL_REFSAME],
		       (unsigned long long)c->delta[CL_CHANGED],
		       (unsigned long long)c->delta[CL_ONLY],
		       (unsigned long long)c->delta[CL_N]);
	printf("%s: changed bytes %llu, floor (zstd -19 of them) %llu",
	       name, (unsigned long long)c->changed_bytes, (unsigned long long)c->floor);
	if (deltas && c->frame_plain == HVB_XE_UNMEASURED)
		printf("; one zstd frame with the base as prefix: not measured "
		       "(regions over %d MiB)", MEASURE_MAX_MIB);
	else if (deltas)
		printf("; one zstd frame with the base as prefix %llu, in reference "
		       "space %llu", (unsigned long long)c->frame_plain,
		       (unsigned long long)c->frame_ref);
	printf("\n");
}

void classes_json(const struct classes *c, int deltas)
{
	int k, j;

	printf("\"classes\":{");
	for (k = 0; k < 2; k++) {
		printf("%s\"%s\":{", k ? "," : "", kn2[k]);
		for (j = 0; j < CL_N; j++)
			printf("%s\"%s\":%u", j ? "," : "", class_name[j], c->n[k][j]);
		printf("}");
	}
	if (deltas) {
		printf(",\"delta_by_class\":{");
		for (j = 0; j < CL_N; j++)
			printf("\"%s\":%llu,", class_name[j], (unsigned long long)c->delta[j]);
		printf("\"no_symbol\":%llu}", (unsigned long long)c->delta[CL_N]);
		if (c->frame_plain == HVB_XE_UNMEASURED)
			printf(",\"frame_zstd19_base_prefix\":null,"
			       "\"frame_zstd19_refspace\":null");
		else
			printf(",\"frame_zstd19_base_prefix\":%llu,"
			       "\"frame_zstd19_refspace\":%llu",
			       (unsigned long long)c->frame_plain,
			       (unsigned long long)c->frame_ref);
	}
	printf(",\"changed_bytes\":%llu,\"floor_zstd19\":%llu}",
	       (unsigned long long)c->changed_bytes, (unsigned long long)c->floor);
}

/* the extract data's statistics of a variant */
static void xstats_json(const struct xvariant *x)
{
	int k;

	for (k = 0; k < K_NKINDS; k++)
		printf(",\"%s\":{\"differ\":%u,\"total\":%u}", kn[k], x->differ[k],
		       x->total[k]);
	printf(",\"bytes_differ\":%llu,\"delta_measured\":"
	       "{\"none\":%llu,\"bsdiff_zstd\":%llu,\"zstd_prefix\":%llu},"
	       "\"file_size\":%llu,\"file_hash\":\"%016llx\",\"extract_bytes\":%llu",
	       (unsigned long long)x->bytes_differ,
	       (unsigned long long)x->delta_raw,
	       (unsigned long long)x->delta_zstd,
	       (unsigned long long)x->delta_prefix,
	       (unsigned long long)x->file_size,
	       (unsigned long long)x->file_hash,
	       (unsigned long long)(x->data_len + HVB_XSEG_ENTRY_SIZE * x->nsegs +
				    HVB_XBLOB_ENTRY_SIZE));
	printf(",");
	classes_json(&x->cl, 1);
}

static void variant_json(const struct hvb_variant_info *vi, int first,
			 int base, const struct xvariant *x)
{
	printf("%s{\"name\":\"%s\",\"base\":%s,\"image_hash\":"
	       "\"%016llx\",\"vaddr\":\"0x%llx\",\"filesz\":%llu,"
	       "\"memsz\":%llu,\"pvh_entry\":\"0x%llx\","
	       "\"xen_entry\":\"0x%llx\",\"regions\":%u,"
	       "\"delta_bytes\":%u,\"region_table_bytes\":%u",
	       first ? "" : ",", vi->name, base ? "true" : "false",
	       (unsigned long long)vi->image_hash,
	       (unsigned long long)vi->vaddr,
	       (unsigned long long)vi->filesz,
	       (unsigned long long)vi->memsz,
	       (unsigned long long)vi->pvh_entry,
	       (unsigned long long)vi->xen_entry, vi->regions,
	       vi->delta_bytes, vi->regions * HVB_REGION_ENTRY_SIZE);
	printf(",\"move_table_bytes\":%u,\"frame_bytes\":%u,\"frame_raw\":%u,"
	       "\"frame_opcols\":%s,\"frame_refprefix\":%s", vi->move_len, vi->frame_len,
	       vi->frame_raw, vi->flags & HVB_VF_OPCOLS ? "true" : "false",
	       vi->flags & HVB_VF_REFPREFIX ? "true" : "false");
	if (x)
		xstats_json(x);
	printf("}");
}

static void variant_text(const struct hvb_variant_info *vi, int base,
			 const struct xvariant *x)
{
	char f[K_NKINDS][24];
	int k;

	for (k = 0; k < K_NKINDS; k++)
		snprintf(f[k], sizeof(f[k]), "%u/%u", x ? x->differ[k] : 0,
			 x ? x->total[k] : 0);
	printf("%-15s %11s %11s %9s %10llu %7u %8u %8llu %8llu %8llu  "
	       "%016llx%s%s%s%s%s\n", vi->name, f[0], f[1], f[2],
	       (unsigned long long)(x ? x->bytes_differ : 0),
	       vi->regions, vi->delta_bytes,
	       (unsigned long long)(x ? x->delta_raw : 0),
	       (unsigned long long)(x ? x->delta_zstd : 0),
	       (unsigned long long)(x ? x->delta_prefix : 0),
	       (unsigned long long)vi->image_hash, base ? " (base)" : "",
	       !vi->frame_len ? "" : " (one frame",
	       vi->frame_len && vi->flags & HVB_VF_OPCOLS ? ", ops as columns" : "",
	       vi->frame_len && vi->flags & HVB_VF_REFPREFIX ? ", against the base in reference space" : "",
	       !vi->frame_len ? "" : ")");
}

int cmd_list(int argc, char **argv)
{
	struct bundle b;
	const char *path = NULL;
	int json = 0, i;
	uint32_t v, j;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = 1;
		else if (argv[i][0] == '-' || path)
			return 2;
		else
			path = argv[i];
	}
	if (!path)
		return 2;
	if (bundle_open(&b, path) || xblob_parse(&b)) {
		bundle_close(&b);
		return 1;
	}
	(json ? head_json : head_text)(&b);
	for (v = 0; v < b.pi.nvariants; v++) {
		struct hvb_variant_info vi;
		const struct xvariant *x = NULL;

		hvb_payload_variant(b.payload, b.payload_size, v, &vi);
		for (j = 0; j < b.nx; j++)
			if (!strcmp(b.xv[j].name, vi.name))
				x = &b.xv[j];
		if (json)
			variant_json(&vi, v == 0, v == b.pi.base_index, x);
		else
			variant_text(&vi, v == b.pi.base_index, x);
	}
	if (json)
		printf("]}\n");
	for (v = 0; !json && v < b.nx; v++)
		if (v != b.pi.base_index)
			classes_text(b.xv[v].name, &b.xv[v].cl, 1);
	bundle_close(&b);
	return fflush(stdout) ? 1 : 0;
}
