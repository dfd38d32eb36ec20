/* A small program built with different -D flags for the bundler tests. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GREETING
#define GREETING "hello from the base"
#endif

static int table[64] = {
	3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3,
	2, 3, 8, 4, 6, 2, 6, 4, 3, 3, 8, 3, 2, 7, 9, 5,
#ifdef BIGTABLE
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
#endif
};

int scale = SCALE;

__attribute__((noinline)) int compute(int x)
{
#ifdef FAST
	return x * 3 + scale;
#else
	int r = 0, i;

	for (i = 0; i < x; i++)
		r += i ^ table[i & 63];
	return r + scale;
#endif
}

__attribute__((noinline)) int unchanged(int x)
{
	return x * x - 7;
}

int main(int argc, char **argv)
{
	char buf[64];

	(void)argv;
	snprintf(buf, sizeof(buf), "%s", GREETING);
	printf("%s %d %d %zu\n", buf, compute(argc * 10), unchanged(argc),
	       strlen(buf));
	return 0;
}
