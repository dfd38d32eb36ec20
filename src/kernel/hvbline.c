/* hvbline.c: the console protocol.  Each @hvb line carries one JSON object
 * that tools parse; everything else on the console is for people. */
#include "defs.h"
#include "hv.h"

static void raw(struct hvbline *l, const char *s)
{
	while (*s && l->n < sizeof(l->buf) - 4)
		l->buf[l->n++] = *s++;
}

static void key(struct hvbline *l, const char *k)
{
	if (!l->first)
		raw(l, ",");
	l->first = false;
	raw(l, "\"");
	raw(l, k);
	raw(l, "\":");
}

void hvb_begin(struct hvbline *l, const char *event)
{
	l->n = 0;
	l->first = true;
	raw(l, "@hvb {");
	hvb_str(l, "event", event);
}

/* Strings are escaped for JSON; control characters become spaces. */
void hvb_str(struct hvbline *l, const char *k, const char *v)
{
	char c[2] = { 0, 0 };

	key(l, k);
	raw(l, "\"");
	for (; *v; v++) {
		if (*v == '"' || *v == '\\')
			raw(l, "\\");
		c[0] = (*v >= 0 && *v < 0x20) ? ' ' : *v;
		raw(l, c);
	}
	raw(l, "\"");
}

void hvb_u64(struct hvbline *l, const char *k, u64 v)
{
	char b[24];

	snprintf(b, sizeof(b), "%lu", v);
	key(l, k);
	raw(l, b);
}

void hvb_i64(struct hvbline *l, const char *k, i64 v)
{
	char b[24];

	snprintf(b, sizeof(b), "%ld", v);
	key(l, k);
	raw(l, b);
}

/* Hex values go out as strings: JSON numbers lose 64-bit precision. */
void hvb_hex(struct hvbline *l, const char *k, u64 v)
{
	char b[24];

	snprintf(b, sizeof(b), "%016lx", v);
	hvb_str(l, k, b);
}

void hvb_milli(struct hvbline *l, const char *k, u64 milli)
{
	char b[32];

	snprintf(b, sizeof(b), "%lu.%03lu", milli / 1000, milli % 1000);
	key(l, k);
	raw(l, b);
}

void hvb_end(struct hvbline *l)
{
	raw(l, "}");
	l->buf[l->n++] = '\n';
	hv_console_write(l->buf, l->n);
}
