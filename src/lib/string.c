/* string.c: the few C library string functions freestanding code needs
 * (also the ones the compiler emits calls to: memcpy, memset, memmove).
 * Linked into the kernel and into the bundle's stub. */
#include <string.h>

/* rep movsq/stosq for the bulk: under icount every iteration of a rep
 * counts as one instruction, so eight bytes a step is the honest cost. */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n >> 3;

	n &= 7;
	__asm__ __volatile__("rep movsq; movq %3, %%rcx; rep movsb"
			     : "+D"(d), "+S"(src), "+c"(q) : "r"(n) : "memory");
	return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	while (n--)
		d[n] = s[n];
	return dst;
}

void *memset(void *dst, int c, size_t n)
{
	void *d = dst;
	size_t q = n >> 3;
	unsigned long v = (unsigned char)c * 0x0101010101010101UL;

	n &= 7;
	__asm__ __volatile__("rep stosq; movq %3, %%rcx; rep stosb"
			     : "+D"(d), "+c"(q) : "a"(v), "r"(n) : "memory");
	return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < n; i++)
		if (x[i] != y[i])
			return x[i] - y[i];
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (a[i] != b[i])
			return (unsigned char)a[i] - (unsigned char)b[i];
		if (!a[i])
			return 0;
	}
	return 0;
}

int strcmp(const char *a, const char *b)
{
	return strncmp(a, b, (size_t)-1);
}
