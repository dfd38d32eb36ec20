/* main.c: bundler, the hvbundle host tool: usage and dispatch. */
#include <stdlib.h>
#include <string.h>
#include "bundler.h"

static void usage(FILE *f)
{
	fputs("usage: bundler pack -o OUT --base NAME=IMG [--variant NAME=IMG ...]\n"
	      "                    --stub STUB [--stub-zstd STUB] [--stub-norefs STUB]\n"
	      "                    [--compress auto|none|zstd] [--refs on|off] [-v] [-q]\n"
	      "                    [--ref-prefix auto|on|off] [--no-self-check]\n"
	      "         (--stub-zstd: the stub with a zstd decoder; auto stores the\n"
	      "          deltas with zstd when that and its stub make a smaller bundle;\n"
	      "          --stub-norefs: the stub without encoding 2; auto takes it when\n"
	      "          it and the deltas without encoding 2 make a smaller bundle;\n"
	      "          -q: no progress and no summary on stderr, errors only;\n"
	      "          --refs off: no reference-aware deltas, for comparison;\n"
	      "          --ref-prefix: frames made against the base in reference\n"
	      "          space (FORMAT.md 3.3): on whenever there are frames, off,\n"
	      "          or auto: when they save a byte for every two sites the\n"
	      "          stub turns; also HVB_PACK_REFPREFIX=always|never;\n"
	      "          --no-self-check: keep the output without rebuilding the\n"
	      "          inputs from it, for tests; also HVB_PACK_NO_SELF_CHECK=1)\n"
	      "       bundler list BUNDLE [--json]\n"
	      "       bundler extract BUNDLE VARIANT -o OUT\n"
	      "       bundler verify BUNDLE\n"
	      "       bundler diff A.elf B.elf [--json]\n", f);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{ "pack", cmd_pack }, { "list", cmd_list },
		{ "extract", cmd_extract }, { "verify", cmd_verify },
		{ "diff", cmd_diff },
	};
	size_t i;
	int rc;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
			  !strcmp(argv[1], "help"))) {
		usage(stdout);
		return 0;
	}
	if (elf_version(EV_CURRENT) == EV_NONE) {
		warnx_("libelf: %s", elf_errmsg(-1));
		return 1;
	}
	for (i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		if (argc >= 3 && !strcmp(argv[2], "--help")) {
			usage(stdout);
			return 0;
		}
		rc = cmds[i].fn(argc - 1, argv + 1);
		if (rc == 2)
			usage(stderr);
		return rc;
	}
	usage(stderr);
	return 2;
}
