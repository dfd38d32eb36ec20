/* util.c: messages, memory, files, little-endian fields, byte buffers. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bundler.h"

int verbose;
int quiet;
static int progress_shown;

void progress(const char *what, size_t i, size_t n)
{
	if (quiet || !isatty(2))
		return;
	fprintf(stderr, "\rbundler: %s %zu/%zu\033[K", what, i, n);
	progress_shown = 1;
}

void progress_done(void)
{
	if (progress_shown)
		fputs("\r\033[K", stderr);
	progress_shown = 0;
}

void warnx_(const char *fmt, ...)
{
	va_list ap;

	progress_done();
	fputs("bundler: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void ferr(const char *path, const char *fmt, ...)
{
	va_list ap;

	progress_done();
	fprintf(stderr, "bundler: %s: ", path);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static void oom(void)
{
	fputs("bundler: out of memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t m)
{
	void *p = calloc(n ? n : 1, m ? m : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
	return p;
}

int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t got = 0;
	uint8_t *p;
	int fd;

	if ((fd = open(path, O_RDONLY)) < 0) {
		ferr(path, "%s", strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ferr(path, "not a regular file");
		close(fd);
		return -1;
	}
	p = xmalloc((size_t)st.st_size + 1);
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ferr(path, "read: %s", r ? strerror(errno) : "short");
			free(p);
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	*buf = p;
	*len = got;
	return 0;
}

int write_file(const char *path, const void *buf, size_t len, int mode)
{
	const uint8_t *p = buf;
	int fd;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode)) < 0) {
		ferr(path, "%s", strerror(errno));
		return -1;
	}
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ferr(path, "write: %s", strerror(errno));
			close(fd);
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) < 0) {
		ferr(path, "close: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void st64(uint8_t *p, uint64_t v)
{
	st32(p, (uint32_t)v);
	st32(p + 4, (uint32_t)(v >> 32));
}

uint32_t ld32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

uint64_t ld64(const uint8_t *p)
{
	return (uint64_t)ld32(p) | (uint64_t)ld32(p + 4) << 32;
}

const char *tmpdir(void)
{
	const char *t = getenv("TMPDIR");

	return t && *t ? t : "/tmp";
}

const char *human(uint64_t n, char *buf, size_t len)
{
	if (n < 1024)
		snprintf(buf, len, "%llu B", (unsigned long long)n);
	else if (n < 1024 * 1024)
		snprintf(buf, len, "%.1f KiB", n / 1024.0);
	else
		snprintf(buf, len, "%.1f MiB", n / 1048576.0);
	return buf;
}

static void buf_grow(struct buf *b, size_t n)
{
	if (b->len + n > b->cap) {
		size_t c = b->cap ? b->cap : 256;

		while (c < b->len + n)
			c *= 2;
		b->p = xrealloc(b->p, c);
		b->cap = c;
	}
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
}

void buf_byte(struct buf *b, uint8_t c)
{
	buf_put(b, &c, 1);
}

void buf_var(struct buf *b, uint64_t v)
{
	while (v >= 0x80) {
		buf_byte(b, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	buf_byte(b, (uint8_t)v);
}

void buf_zero(struct buf *b, size_t n)
{
	buf_grow(b, n);
	memset(b->p + b->len, 0, n);
	b->len += n;
}

void buf_align(struct buf *b, size_t a)
{
	if (b->len % a)
		buf_zero(b, a - b->len % a);
}

/* A test's switch HVB_PACK_<what>=always or never: 1 or 0, a form taken
 * or refused whether or not it is smaller; else -1, pack chooses. */
int pack_forced(const char *var)
{
	const char *e = getenv(var);

	if (e && !strcmp(e, "always"))
		return 1;
	if (e && !strcmp(e, "never"))
		return 0;
	return -1;
}
