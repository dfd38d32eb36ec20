/* cmdline.c: kernel arguments, space-separated words "key" or "key=value". */
#include "defs.h"

static char args[BOOT_CMDLINE_MAX];

void cmdline_init(const char *s)
{
	size_t i;

	for (i = 0; s[i] && i < sizeof(args) - 1; i++)
		args[i] = s[i];
	args[i] = 0;
}

/* The word that is exactly key or starts with "key=". */
static const char *find(const char *key)
{
	size_t kl = strlen(key);
	const char *p = args;

	while (*p) {
		while (*p == ' ')
			p++;
		if (!strncmp(p, key, kl) && (p[kl] == 0 || p[kl] == ' ' || p[kl] == '='))
			return p;
		while (*p && *p != ' ')
			p++;
	}
	return NULL;
}

bool cmdline_has(const char *key)
{
	return find(key) != NULL;
}

/* The value of key=value copied into buf, or NULL if key has none. */
const char *cmdline_get(const char *key, char *buf, size_t n)
{
	const char *p = find(key);
	size_t i = 0;

	if (!p || p[strlen(key)] != '=' || !n)
		return NULL;
	p += strlen(key) + 1;
	while (p[i] && p[i] != ' ' && i < n - 1) {
		buf[i] = p[i];
		i++;
	}
	buf[i] = 0;
	return buf;
}

u64 cmdline_u64(const char *key, u64 dflt)
{
	char buf[24];
	const char *v = cmdline_get(key, buf, sizeof(buf));
	u64 n = 0;

	if (!v || !*v)
		return dflt;
	for (; *v >= '0' && *v <= '9'; v++)
		n = n * 10 + (u64)(*v - '0');
	return *v ? dflt : n;
}
