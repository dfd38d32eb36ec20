/* @hvb lines: JSON objects of string and integer fields. */
#include "hvb.h"

static void put(struct line *l, const char *s)
{
	while (*s && l->len < sizeof(l->buf) - 2)
		l->buf[l->len++] = *s++;
}

static void key(struct line *l, const char *k)
{
	put(l, l->fields++ ? ",\"" : "\"");
	put(l, k);
	put(l, "\":");
}

void line_begin(struct line *l, const char *event)
{
	l->len = 0;
	l->fields = 0;
	put(l, "@hvb {");
	line_str(l, "event", event);
}

/* Strings here are ours or the kernel's (uname, CPUID): printable ASCII is
 * kept, anything else becomes '?', so the line stays valid JSON. */
void line_str(struct line *l, const char *k, const char *v)
{
	char c[2] = { 0, 0 };

	key(l, k);
	put(l, "\"");
	for (; *v; v++) {
		c[0] = (*v >= ' ' && *v < 127 && *v != '"' && *v != '\\') ? *v : '?';
		put(l, c);
	}
	put(l, "\"");
}

void line_u64(struct line *l, const char *k, unsigned long long v)
{
	char d[24];
	int i = sizeof(d) - 1;

	d[i] = 0;
	do {
		d[--i] = '0' + v % 10;
		v /= 10;
	} while (v);
	key(l, k);
	put(l, d + i);
}

void line_end(struct line *l)
{
	put(l, "}");
	l->buf[l->len++] = '\n';
	write(1, l->buf, l->len);
}
