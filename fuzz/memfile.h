/* memfile.h: the fuzz input as a file the bundler can open by name (its
 * readers take paths): one memfd, rewritten for every input, named
 * /proc/self/fd/N.  And the bundler's messages silenced (every bad input
 * has one); libFuzzer and the sanitizers keep the real stderr. */
#ifndef FUZZ_MEMFILE_H
#define FUZZ_MEMFILE_H


#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static const char *memfile(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char name[64];

	if (fd < 0) {
		fd = memfd_create("fuzz", 0);
		if (fd < 0)
			abort();
		snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
		stderr = fopen("/dev/null", "w");
	}
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	return name;
}

#endif /* FUZZ_MEMFILE_H */
