/*
 * test_security.c - what other processes on the host can see of a run and
 * do to it.
 *
 * Each case runs through the real supervisor with the transport's setup()
 * and teardown() wrapped.  After setup the wrapper checks what exists: the
 * private directory is 0700, under $TMPDIR, named after the case's tag
 * (unpredictable: pid and random letters), and everything in it is 0600;
 * shared memory segments and message queues named after the tag are 0600;
 * every IP socket is bound to 127.0.0.1.  Then it plays the stranger:
 *   tcp   connects before the client and sends junk, and a stranger process
 *         keeps connecting and sending during the case: the case is ok and
 *         the first stranger is hung up on;
 *   udp   junk datagrams to both ports before and during the case: ok;
 *   uds   connects to the socket file before the client: ok, hung up on;
 *   fifo  writes junk into c2s before the children open it: the case fails,
 *         loudly, naming the bad message; and in a clean case the FIFO names
 *         are gone once both sides have opened them.
 * Cases run in a private TMPDIR; nothing may be left.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "config.h"
#include "proc.h"
#include "runner.h"
#include "util.h"

enum stranger { NONE, CONNECT, DATAGRAMS, FIFO_JUNK, FIFO_GONE };

static struct cpu_pair cpus;
static const struct transport_ops *real;
static enum stranger mode;
static int stranger_fd = -1;		/* the first stranger's socket/FIFO */
static pid_t stranger_pid = -1;		/* the one that goes on during it */
static char tags[8][64];
static unsigned n_tags;

/* Mode bits of path (lstat), or -1. */
static int mode_of(const char *path)
{
	struct stat st;

	return lstat(path, &st) ? -1 : (int)(st.st_mode & 07777);
}

/* Every entry of dir whose name starts with prefix must be 0600. */
static unsigned check_0600(int dfd, const char *dir, const char *prefix)
{
	struct dirent *e;
	unsigned n = 0;
	struct stat st;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : opendir(dir);

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, prefix, strlen(prefix)) ||
		    !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		n++;
		CHECK(fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		      (st.st_mode & 0777) == 0600 && st.st_uid == getuid(),
		      "%s/%s: mode %o", dir, e->d_name, st.st_mode & 07777);
	}
	closedir(d);
	return n;
}

/* The message queue namespace as a directory: /dev/mqueue, or a detached
 * mount (root); -1 when neither is possible. */
static int mqueue_dir(void)
{
	int fs, mnt, fd;

	fd = open("/dev/mqueue", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		return fd;
	fs = (int)syscall(SYS_fsopen, "mqueue", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -1;
	mnt = syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) ?
	      -1 : (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	close(fs);
	if (mnt < 0)
		return -1;
	fd = openat(mnt, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	close(mnt);
	return fd;
}

/* Our IP sockets: all on 127.0.0.1; returns how many, and the listener's
 * or the datagram sockets' addresses. */
static unsigned inet_sockets(struct sockaddr_in *found, unsigned max,
			     bool listeners_only)
{
	unsigned n = 0;

	for (int fd = 3; fd < 1024; fd++) {
		struct sockaddr_storage ss;
		socklen_t len = sizeof(ss);
		int on = 0;
		socklen_t olen = sizeof(on);

		if (getsockname(fd, (struct sockaddr *)&ss, &len))
			continue;
		CHECK(ss.ss_family != AF_INET6, "fd %d: an IPv6 socket", fd);
		if (ss.ss_family != AF_INET)
			continue;
		CHECK(((struct sockaddr_in *)&ss)->sin_addr.s_addr ==
		      htonl(INADDR_LOOPBACK), "fd %d: bound to %s, not 127.0.0.1",
		      fd, inet_ntoa(((struct sockaddr_in *)&ss)->sin_addr));
		getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &on, &olen);
		if ((!listeners_only || on) && n < max)
			found[n++] = *(struct sockaddr_in *)&ss;
	}
	return n;
}

/* "ipcbench.<our pid>.<6 letters or digits>", whatever the pid's length. */
static bool tag_is_ours(const char *tag)
{
	char want[32];
	size_t n = (size_t)snprintf(want, sizeof(want), "ipcbench.%d.",
				    (int)getpid());

	if (strncmp(tag, want, n) || strlen(tag + n) != 6)
		return false;
	for (const char *p = tag + n; *p; p++) {
		if (!isalnum((unsigned char)*p))
			return false;
	}
	return true;
}

/* What exists after setup(): names, modes, bindings. */
static void inspect(const struct transport *t)
{
	const char *tmp = getenv("TMPDIR");
	char prefix[80];
	struct sockaddr_in sa[4];
	int fd;

	CHECK(tag_is_ours(t->tag), "tag '%s' is not ipcbench.<pid>.<6 random>",
	      t->tag);
	for (unsigned i = 0; i < n_tags; i++)
		CHECK(strcmp(tags[i], t->tag), "tag '%s' used twice", t->tag);
	if (n_tags < ARRAY_SIZE(tags))
		snprintf(tags[n_tags++], sizeof(tags[0]), "%s", t->tag);
	if (real->flags & TF_PATH) {
		CHECK(mode_of(t->dir) == 0700, "%s: mode %o", t->dir,
		      mode_of(t->dir));
		CHECK(!strncmp(t->dir, tmp, strlen(tmp)) &&
		      !strncmp(t->dir + strlen(tmp) + 1, t->tag, strlen(t->tag)),
		      "'%s' is not $TMPDIR/<tag>...", t->dir);
		CHECK(check_0600(-1, t->dir, "") > 0, "%s: empty", t->dir);
	}
	snprintf(prefix, sizeof(prefix), "%s.", t->tag);
	check_0600(-1, "/dev/shm", prefix);
	fd = mqueue_dir();
	if (fd >= 0)
		check_0600(fd, "mqueue", prefix);
	else if (!strcmp(real->name, "mq"))
		printf("  mq: cannot list queues here (no /dev/mqueue, not root): modes not checked\n");
	if (!strcmp(real->name, "tcp"))
		CHECK(inet_sockets(sa, 4, true) == 1, "tcp: one listener");
	if (!strcmp(real->name, "udp"))
		CHECK(inet_sockets(sa, 4, false) == 2, "udp: two sockets");
	inet_sockets(sa, 4, false);
}

/* A stranger process that sends junk to the addresses until killed. */
static void start_stranger(const struct sockaddr_in *to, unsigned n, int type)
{
	static const char junk[4096] = "not a message of this run";

	stranger_pid = fork();
	if (stranger_pid)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;) {
		for (unsigned i = 0; i < n; i++) {
			int fd = socket(AF_INET, type | SOCK_NONBLOCK, 0);

			if (fd < 0)
				continue;
			if (type == SOCK_DGRAM)
				sendto(fd, junk, 64, 0, (const void *)&to[i],
				       sizeof(to[i]));
			else if (connect(fd, (const void *)&to[i], sizeof(to[i])) == 0 ||
				 errno == EINPROGRESS)
				send(fd, junk, sizeof(junk), MSG_NOSIGNAL);
			close(fd);
		}
		usleep(type == SOCK_DGRAM ? 200 : 2000);
	}
}

static int sec_setup(struct transport *t)
{
	static const char junk[64] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
	struct sockaddr_in sa[2];
	struct sockaddr_un un = { .sun_family = AF_UNIX };
	char path[4096];
	int ret = real->setup(t);

	if (ret)
		return ret;
	inspect(t);
	switch (mode) {
	case CONNECT:
		if (real->flags & TF_PATH) {
			snprintf(un.sun_path, sizeof(un.sun_path), "%s/sock", t->dir);
			stranger_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
			CHECK(connect(stranger_fd, (void *)&un, sizeof(un)) == 0,
			      "stranger: connect: %s", strerror(errno));
		} else {
			CHECK(inet_sockets(sa, 1, true) == 1, "no listener");
			stranger_fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
			CHECK(connect(stranger_fd, (void *)sa, sizeof(sa[0])) == 0,
			      "stranger: connect: %s", strerror(errno));
			start_stranger(sa, 1, SOCK_STREAM);
		}
		CHECK(send(stranger_fd, junk, sizeof(junk), MSG_NOSIGNAL) ==
		      sizeof(junk), "stranger: send: %s", strerror(errno));
		break;
	case DATAGRAMS:
		CHECK(inet_sockets(sa, 2, false) == 2, "two udp sockets");
		stranger_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		for (int i = 0; i < 10; i++)
			for (int s = 0; s < 2; s++)
				sendto(stranger_fd, junk, sizeof(junk), 0,
				       (void *)&sa[s], sizeof(sa[s]));
		start_stranger(sa, 2, SOCK_DGRAM);
		break;
	case FIFO_JUNK:
		snprintf(path, sizeof(path), "%s/c2s", t->dir);
		stranger_fd = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		CHECK(stranger_fd >= 0 && write(stranger_fd, junk, sizeof(junk)) ==
		      sizeof(junk), "stranger: %s: %s", path, strerror(errno));
		break;
	case NONE:
	case FIFO_GONE:
		break;
	}
	return 0;
}

static void sec_teardown(struct transport *t)
{
	if (mode == FIFO_GONE && t->priv) {
		char path[4096];

		snprintf(path, sizeof(path), "%s/c2s", t->dir);
		CHECK(access(path, F_OK) && errno == ENOENT,
		      "%s still exists after both sides opened it", path);
	}
	if (stranger_pid > 0) {
		kill(stranger_pid, SIGKILL);
		waitpid(stranger_pid, NULL, 0);
	}
	stranger_pid = -1;
	real->teardown(t);
}

/* Has the stranger's connection been hung up on (EOF or reset)? */
static bool hung_up(int fd)
{
	char b[256];
	ssize_t n;

	while ((n = recv(fd, b, sizeof(b), MSG_DONTWAIT)) > 0)
		;
	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void run(const char *name, enum stranger m, enum case_status want,
		const char *reason)
{
	struct transport_ops ops;
	struct case_spec c = { .index = 1, .wl = workload_find("pingpong"),
			       .size = 64, .placement = PLACE_UNPINNED,
			       .iterations = 2000, .warmup = 100 };
	struct run r = { .index = 1 };
	char err[256];
	struct case_result res;

	real = transport_find(name);
	mode = m;
	ops = *real;
	ops.setup = sec_setup;
	ops.teardown = sec_teardown;
	c.ops = &ops;
	CHECK(config_resolve_options(&r, real, c.opt, err, sizeof(err)) == 0,
	      "%s: %s", name, err);
	snprintf(c.id, sizeof(c.id), "%s-security-%d", name, (int)m);
	runner_run_case(&c, &cpus, 20, &res);
	printf("  %s, stranger %d: %s%s%s\n", name, (int)m,
	       res.status == CASE_OK ? "ok" : res.status == CASE_FAILED ?
	       "failed" : "skipped", res.reason[0] ? ": " : "", res.reason);
	CHECK(res.status == want, "%s, stranger %d: status %d: %s", name, (int)m,
	      (int)res.status, res.reason);
	if (reason)
		CHECK_STR_CONTAINS(res.reason, reason);
	if (want == CASE_OK && (real->flags & TF_LOSSY))
		CHECK(res.side[SIDE_CLIENT].sent == res.side[SIDE_CLIENT].received +
		      res.side[SIDE_CLIENT].lost, "%s: lossy accounting", name);
	if (m == CONNECT)
		CHECK(hung_up(stranger_fd), "%s: the stranger is still connected",
		      name);
	if (stranger_fd >= 0)
		close(stranger_fd);
	stranger_fd = -1;
	hist_free(res.hist);
	hist_free(res.hist_uncorrected);
}

int main(void)
{
	char tmp[] = "/tmp/ipcbench-security.XXXXXX", prefix[64];

	setvbuf(stdout, NULL, _IOLBF, 0);
	CHECK(mkdtemp(tmp) != NULL, "mkdtemp");
	setenv("TMPDIR", tmp, 1);
	CHECK(proc_init() == 0, "proc_init");
	CHECK(runner_pick_cpus(&cpus) == 0, "cpus");

	run("pipe", NONE, CASE_OK, NULL);
	run("shm", NONE, CASE_OK, NULL);
	run("mq", NONE, CASE_OK, NULL);
	run("tcp", CONNECT, CASE_OK, NULL);
	run("uds", CONNECT, CASE_OK, NULL);
	run("udp", DATAGRAMS, CASE_OK, NULL);
	run("fifo", FIFO_GONE, CASE_OK, NULL);
	run("fifo", FIFO_JUNK, CASE_FAILED, "server: ");

	snprintf(prefix, sizeof(prefix), "ipcbench.%d.", (int)getpid());
	CHECK(check_leftovers(tmp, "", false) == 0, "left in %s", tmp);
	CHECK(check_leftovers("/dev/shm", prefix, false) == 0, "segments left");
	CHECK(rmdir(tmp) == 0, "%s: %s", tmp, strerror(errno));
	proc_fini();
	return check_summary("test_security");
}
