/*
 * clean.c - find and remove the named objects of runs that died: shared
 * memory segments, message queues, private directories with their FIFOs
 * and socket files.
 *
 * Names tell whose an object is: every run names its objects
 * "ipcbench.<pid>.<random>" (runner.c's make_tag()).  An object is removed
 * only when three things hold: the name has that shape, no process <pid>
 * exists (kill(pid, 0) says ESRCH), and the object belongs to the calling
 * user.  A pid that was reused by another process keeps its leftovers
 * until that process ends: being wrong that way costs only space.  Runs in
 * another PID namespace that share this /dev/shm or /tmp cannot be told
 * apart from dead ones; containers usually have their own.
 *
 * The message queue namespace can be listed only through an mqueue file
 * system.  /dev/mqueue is used when it is mounted; otherwise a detached
 * mount is made (fsopen/fsmount, visible to no one else and gone with its
 * descriptor), which needs CAP_SYS_ADMIN; without it the queues are not
 * listed, and err says so.  This module removes, but never creates,
 * anything in those places.  It knows no transport.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <mqueue.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clean.h"

#define CLEAN_PREFIX "ipcbench."
#define MQUEUE_MAGIC 0x19800202	/* linux/magic.h */

struct scan {
	FILE *out, *err;
	struct clean_stats *st;
	uid_t uid;
};

bool clean_parse_name(const char *name, int *pid)
{
	const char *p = name + strlen(CLEAN_PREFIX);
	long v = 0;

	if (strncmp(name, CLEAN_PREFIX, strlen(CLEAN_PREFIX)))
		return false;
	if (*p < '1' || *p > '9')
		return false;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > 0x3fffffff)	/* above any pid_max */
			return false;
	}
	if (*p != '.' || !p[1])
		return false;
	*pid = (int)v;
	return true;
}

/* No process has this pid (EPERM: one exists, of another user). */
static bool pid_is_gone(int pid)
{
	return kill((pid_t)pid, 0) && errno == ESRCH;
}

/*
 * Is entry name of dirfd a leftover to remove?  It must be ours and of
 * type want (S_IFREG, S_IFDIR), and its run must be gone.  Counts the
 * objects of live runs.
 */
static bool is_leftover(struct scan *sc, int dirfd, const char *name,
			mode_t want, int *pid)
{
	struct stat st;

	if (!clean_parse_name(name, pid) ||
	    fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) ||
	    (st.st_mode & S_IFMT) != want || st.st_uid != sc->uid)
		return false;
	if (pid_is_gone(*pid))
		return true;
	sc->st->live++;
	return false;
}

static void removed(struct scan *sc, const char *what, const char *dir,
		    const char *name, int pid, const char *extra)
{
	fprintf(sc->out, "removed %s %s%s (pid %d is gone%s)\n", what, dir, name,
		pid, extra);
	sc->st->removed++;
}

static void not_removed(struct scan *sc, const char *dir, const char *name)
{
	fprintf(sc->err, "ipcbench: clean: cannot remove %s%s: %s\n", dir, name,
		strerror(errno));
	sc->st->failed++;
}

/* Shared memory segments: files of /dev/shm. */
static void clean_shm(struct scan *sc)
{
	DIR *d = opendir("/dev/shm");
	struct dirent *e;
	int pid;

	if (!d) {
		fprintf(sc->err, "ipcbench: clean: cannot list /dev/shm: %s\n",
			strerror(errno));
		return;
	}
	while ((e = readdir(d))) {
		if (!is_leftover(sc, dirfd(d), e->d_name, S_IFREG, &pid))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) && errno != ENOENT)
			not_removed(sc, "/dev/shm/", e->d_name);
		else
			removed(sc, "shared memory", "/dev/shm/", e->d_name, pid, "");
	}
	closedir(d);
}

/* A directory listing the mqueue file system: /dev/mqueue, or a detached
 * mount of our own.  -1 when neither is possible. */
static int open_mqueue_dir(void)
{
	struct statfs sf;
	int fs, mnt, fd;

	if (statfs("/dev/mqueue", &sf) == 0 &&
	    (unsigned long)sf.f_type == MQUEUE_MAGIC)
		return open("/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	mnt = -1;
	if (syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
		mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	if (mnt < 0)
		return -1;
	fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(mnt);		/* fd keeps the mount alive until closed */
	return fd;
}

/* POSIX message queues: "/<name>" for every file of the mqueue fs. */
static void clean_mq(struct scan *sc)
{
	int fd = open_mqueue_dir();
	char qname[NAME_MAX + 2];
	struct dirent *e;
	DIR *d;
	int pid;

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		fprintf(sc->err, "ipcbench: clean: cannot list POSIX message queues: /dev/mqueue is not mounted and mounting one needs root (as root: mount -t mqueue none /dev/mqueue)\n");
		sc->st->mq_unlisted = true;
		return;
	}
	while ((e = readdir(d))) {
		if (!is_leftover(sc, dirfd(d), e->d_name, S_IFREG, &pid))
			continue;
		snprintf(qname, sizeof(qname), "/%s", e->d_name);
		if (mq_unlink(qname) && errno != ENOENT)
			not_removed(sc, "message queue /", e->d_name);
		else
			removed(sc, "message queue", "/", e->d_name, pid, "");
	}
	closedir(d);
}

/*
 * A private directory: remove what it holds (FIFOs, socket files; never a
 * subdirectory, which no run makes), then the directory.  Works through
 * descriptors, so a name swapped for a symlink is never followed.
 */
static void clean_one_dir(struct scan *sc, int parent, const char *path,
			  const char *name, int pid)
{
	char held[128] = "";
	size_t at = 0;
	struct dirent *e;
	struct stat st;
	int fd, n;
	DIR *d;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd >= 0 && (fstat(fd, &st) || st.st_uid != sc->uid)) {
		close(fd);	/* changed since is_leftover() looked: leave it */
		return;
	}
	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		not_removed(sc, path, name);
		return;
	}
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (unlinkat(dirfd(d), e->d_name, 0) || at >= sizeof(held) - 1)
			continue;
		n = snprintf(held + at, sizeof(held) - at, "%s%s",
			     at ? ", " : "; it held: ", e->d_name);
		at = n < 0 ? sizeof(held) - 1 :
		     at + (size_t)n < sizeof(held) ? at + (size_t)n :
		     sizeof(held) - 1;
	}
	closedir(d);
	if (unlinkat(parent, name, AT_REMOVEDIR) && errno != ENOENT)
		not_removed(sc, path, name);
	else
		removed(sc, "directory", path, name, pid, held);
}

/* Private directories in dir ($TMPDIR or /tmp). */
static void clean_dirs(struct scan *sc, const char *dir)
{
	char path[4096];
	DIR *d = opendir(dir);
	struct dirent *e;
	int pid;

	if (!d) {
		if (errno != ENOENT)
			fprintf(sc->err, "ipcbench: clean: cannot list %s: %s\n",
				dir, strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s%s", dir,
		 dir[strlen(dir) - 1] == '/' ? "" : "/");
	while ((e = readdir(d))) {
		if (is_leftover(sc, dirfd(d), e->d_name, S_IFDIR, &pid))
			clean_one_dir(sc, dirfd(d), path, e->d_name, pid);
	}
	closedir(d);
}

/* Is b the same directory as a? */
static bool same_dir(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

int clean_leftovers(FILE *out, FILE *err, struct clean_stats *st)
{
	struct scan sc = { .out = out, .err = err, .st = st, .uid = getuid() };
	const char *tmp = getenv("TMPDIR");

	memset(st, 0, sizeof(*st));
	clean_shm(&sc);
	clean_mq(&sc);
	if (tmp && *tmp && !same_dir(tmp, "/tmp"))
		clean_dirs(&sc, tmp);
	clean_dirs(&sc, "/tmp");
	if (!st->removed && !st->failed)
		fprintf(out, "nothing to clean\n");
	if (st->live)
		fprintf(out, "left alone: %u object%s of runs still going\n",
			st->live, st->live == 1 ? "" : "s");
	return st->failed ? -EIO : 0;
}
