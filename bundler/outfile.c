/* outfile.c: outputs that appear whole or not at all.  Each is written to
 * a temporary file in the target's directory and renamed over the target
 * only when everything succeeded; on any failure (or SIGINT, SIGTERM,
 * SIGHUP) the temporary file is removed and the target is untouched.
 * Before any work, out_check refuses an output that is one of the inputs
 * (by device and inode, so also through another path or a link) and a
 * directory that is missing or not writable. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "bundler.h"

/* the temporary file a signal must remove (one output at a time) */
static char *volatile pending;

static void on_signal(int sig)
{
	if (pending)
		unlink(pending);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void watch(char *tmp)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = tmp ? on_signal : SIG_DFL;
	pending = tmp;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* the directory part of path ("." if none), malloc'd */
static char *dir_of(const char *path)
{
	const char *s = strrchr(path, '/');

	if (!s)
		return xstrdup(".");
	if (s == path)
		return xstrdup("/");
	char *d = xstrdup(path);

	d[s - path] = 0;
	return d;
}

int out_check(const char *path, const char *const *inputs, size_t n)
{
	struct stat so, si, sd;
	char *dir;
	size_t i;
	int rc = -1;

	if (!*path || path[strlen(path) - 1] == '/') {
		ferr(path, "not a file name");
		return -1;
	}
	dir = dir_of(path);
	if (stat(dir, &sd) < 0 || !S_ISDIR(sd.st_mode))
		ferr(path, "output directory %s: %s", dir,
		     stat(dir, &sd) < 0 ? strerror(errno) : "not a directory");
	else if (access(dir, W_OK | X_OK) < 0)
		ferr(path, "output directory %s: %s", dir, strerror(errno));
	else if (stat(path, &so) == 0 && S_ISDIR(so.st_mode))
		ferr(path, "is a directory");
	else
		rc = 0;
	free(dir);
	if (rc || stat(path, &so) < 0)
		return rc;
	for (i = 0; i < n; i++)
		if (inputs[i] && stat(inputs[i], &si) == 0 &&
		    si.st_dev == so.st_dev && si.st_ino == so.st_ino) {
			ferr(path, "is the input %s (the same file): refusing to "
			     "overwrite an input", inputs[i]);
			return -1;
		}
	return 0;
}

int out_open(struct outfile *o, const char *path)
{
	char *dir = dir_of(path);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t n = strlen(dir) + strlen(base) + 16;
	mode_t um = umask(0);

	umask(um);
	memset(o, 0, sizeof(*o));
	o->path = path;
	o->mode = 0755 & ~um;
	o->tmp = xmalloc(n);
	snprintf(o->tmp, n, "%s/.%s.XXXXXX", dir, base);
	free(dir);
	if ((o->fd = mkstemp(o->tmp)) < 0) {
		ferr(path, "cannot create a temporary file beside it: %s", strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	watch(o->tmp);
	return 0;
}

void out_abort(struct outfile *o)
{
	if (!o->tmp)
		return;
	if (o->fd >= 0)
		close(o->fd);
	unlink(o->tmp);
	watch(NULL);
	free(o->tmp);
	o->tmp = NULL;
	o->fd = -1;
}

int out_commit(struct outfile *o)
{
	int e = 0;

	if (fchmod(o->fd, o->mode) < 0 || fsync(o->fd) < 0)
		e = errno;
	if (close(o->fd) < 0 && !e)
		e = errno;
	o->fd = -1;
	if (!e && rename(o->tmp, o->path) < 0)
		e = errno;
	if (e) {
		ferr(o->path, "%s", strerror(e));
		out_abort(o);
		return -1;
	}
	watch(NULL);
	free(o->tmp);
	o->tmp = NULL;
	return 0;
}

int out_write(struct outfile *o, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t w = write(o->fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			ferr(o->path, "write: %s", w ? strerror(errno) : "no space");
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

int out_file(const char *path, const void *buf, size_t len)
{
	struct outfile o;

	if (out_open(&o, path))
		return -1;
	if (out_write(&o, buf, len)) {
		out_abort(&o);
		return -1;
	}
	return out_commit(&o);
}
