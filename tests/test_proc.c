/*
 * test_proc.c - process groups by outcome, never by speed: a member that
 * exits non-zero, one killed by a signal, one hung past the deadline, one
 * that dies before the barrier or cannot be pinned, five that all succeed
 * and all pass the barrier together, and a stop signal to the parent;
 * after every one, no child of ours is left, not even a zombie.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "proc.h"

#define ROOMY_NS (10 * 1000000000LL)	/* a bound against hangs only */
#define SHORT_NS (200 * 1000000LL)	/* the deadline a hang runs into */
#define MAX_MEMBERS 5

/* What members tell the test: shared, made before fork. */
struct board {
	_Atomic unsigned prepared;		/* members past prepare() */
	unsigned seen[MAX_MEMBERS];		/* prepared, when each ran */
	bool ran[MAX_MEMBERS];
};

static struct board *board;

static int run_ok(void *arg)
{
	(void)arg;
	return 0;
}

static int run_three(void *arg)
{
	(void)arg;
	return 3;
}

static int run_signal(void *arg)
{
	(void)arg;
	raise(SIGUSR1);		/* default action: terminate */
	return 0;
}

static int run_hang(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return 0;
}

static int run_stop_parent(void *arg)
{
	(void)arg;
	kill(getppid(), SIGTERM);
	return run_hang(NULL);
}

static int prepare_fail(void *arg)
{
	(void)arg;
	return -1;
}

static int prepare_count(void *arg)
{
	(void)arg;
	atomic_fetch_add(&board->prepared, 1);
	return 0;
}

/* After the barrier: how many had prepared, and that it ran. */
static int run_record(void *arg)
{
	unsigned i = (unsigned)(uintptr_t)arg;

	board->seen[i] = atomic_load(&board->prepared);
	board->ran[i] = true;
	return 0;
}

static void check_no_child(const char *when)
{
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD,
	      "a child is left after %s", when);
}

static struct proc_member member(const char *name, int (*run)(void *))
{
	return (struct proc_member){ .name = name, .cpu = -1, .run = run };
}

/* Start and wait: what the runner does. */
static int start_wait(struct proc_group *g)
{
	int ret = proc_group_start(g);

	return ret ? ret : proc_group_wait(g);
}

static void test_exit_status(void)
{
	struct proc_member m[2] = { member("three", run_three),
				    member("hang", run_hang) };
	struct proc_group g = { .member = m, .n = 2, .timeout_ns = ROOMY_NS,
				.linger_ns = 1000000 };

	CHECK(start_wait(&g) == -ECHILD, "exit 3: %s", g.why);
	CHECK(g.end == PROC_FAILED && g.first == 0, "end %d first %d", g.end,
	      g.first);
	CHECK(WIFEXITED(m[0].status) && WEXITSTATUS(m[0].status) == 3 &&
	      !m[0].killed, "status %#x", m[0].status);
	CHECK(m[1].reaped && m[1].killed, "the rest is killed");
	CHECK(proc_member_failed(&m[0]) && proc_member_failed(&m[1]),
	      "both count as failed");
	CHECK_STR_CONTAINS(g.why, "three exited with status 3");
	check_no_child("a member exited 3");
}

static void test_signal(void)
{
	struct proc_member m = member("victim", run_signal);
	struct proc_group g = { .member = &m, .n = 1, .timeout_ns = ROOMY_NS };
	char want[64];

	CHECK(start_wait(&g) == -ECHILD, "signal: %s", g.why);
	CHECK(g.end == PROC_FAILED && !m.killed, "end %d", g.end);
	CHECK(WIFSIGNALED(m.status) && WTERMSIG(m.status) == SIGUSR1,
	      "status %#x", m.status);
	snprintf(want, sizeof(want), "victim killed by signal %d (", SIGUSR1);
	CHECK_STR_CONTAINS(g.why, want);
	check_no_child("a member killed by a signal");
}

static void test_deadline(void)
{
	struct proc_member m[2] = { member("client", run_hang),
				    member("server", run_hang) };
	struct proc_group g = { .member = m, .n = 2, .timeout_ns = SHORT_NS };

	CHECK(start_wait(&g) == -ETIMEDOUT, "deadline: %s", g.why);
	CHECK(g.end == PROC_DEADLINE && g.first == -1, "end %d first %d",
	      g.end, g.first);
	for (int i = 0; i < 2; i++)
		CHECK(m[i].killed && WIFSIGNALED(m[i].status) &&
		      WTERMSIG(m[i].status) == SIGKILL, "%s killed",
		      m[i].name);
	CHECK_STR_CONTAINS(g.why, "deadline of 200 ms passed with the client and the server still running (hung or stopped)");
	check_no_child("a hung member");
}

static void test_before_barrier(void)
{
	struct proc_member m[2] = { member("server", run_ok),
				    member("client", run_ok) };
	struct proc_group g = { .member = m, .n = 2, .timeout_ns = ROOMY_NS };

	m[1].prepare = prepare_fail;
	CHECK(proc_group_start(&g) == -ECHILD, "prepare fails: %s", g.why);
	CHECK(g.end == PROC_FAILED && g.first == 1, "end %d first %d", g.end,
	      g.first);
	CHECK(!m[1].ready && WIFEXITED(m[1].status) &&
	      WEXITSTATUS(m[1].status) == 1, "status %#x", m[1].status);
	CHECK(m[0].killed, "the one waiting at the barrier is killed");
	CHECK_STR_CONTAINS(g.why, "client exited with status 1 before reaching the start barrier");
	CHECK(proc_group_wait(&g) == -ECHILD, "wait after an end says it again");
	check_no_child("a member dead before the barrier");

	/* No such CPU: the member says so and never starts. */
	m[1] = member("client", run_ok);
	m[1].cpu = CPU_SETSIZE;
	CHECK(proc_group_start(&g) == -ECHILD, "pin fails: %s", g.why);
	CHECK(m[1].pin_err == -EINVAL && !m[1].ready, "pin_err %d",
	      m[1].pin_err);
	CHECK_STR_CONTAINS(g.why, "client: cannot pin to CPU");
	check_no_child("a member that cannot be pinned");
}

static void test_five(void)
{
	struct proc_member m[MAX_MEMBERS];
	struct proc_group g = { .member = m, .n = MAX_MEMBERS,
				.timeout_ns = ROOMY_NS };

	memset(board, 0, sizeof(*board));
	for (unsigned i = 0; i < MAX_MEMBERS; i++) {
		m[i] = member("five", run_record);
		m[i].prepare = prepare_count;
		m[i].arg = (void *)(uintptr_t)i;
		m[i].cpu = i == 0 ? sched_getcpu() : -1;	/* one pinned */
	}
	CHECK(start_wait(&g) == 0, "five: %s", g.why);
	CHECK(g.end == PROC_DONE && g.first == -1 && !g.why[0],
	      "end %d first %d why '%s'", g.end, g.first, g.why);
	for (unsigned i = 0; i < MAX_MEMBERS; i++) {
		CHECK(m[i].ready && m[i].reaped && !m[i].killed &&
		      !proc_member_failed(&m[i]), "member %u: status %#x", i,
		      m[i].status);
		CHECK(board->ran[i], "member %u ran", i);
		/* released only once every one had prepared */
		CHECK_EQ_U64(board->seen[i], MAX_MEMBERS);
	}
	check_no_child("five members");
}

static void test_stop(void)
{
	struct proc_member m = member("stopper", run_stop_parent);
	struct proc_group g = { .member = &m, .n = 1, .timeout_ns = ROOMY_NS };

	CHECK(proc_init() == 0, "proc_init");
	CHECK(start_wait(&g) == -EINTR, "SIGTERM: %s", g.why);
	CHECK(g.end == PROC_STOPPED && m.killed, "end %d", g.end);
	CHECK_STR_CONTAINS(g.why, "interrupted by signal 15");
	CHECK(proc_stop_signal() == SIGTERM, "the stop is reported");
	proc_fini();
	check_no_child("a stop signal");

	/* Between steps: a Ctrl-C is held, and reported. */
	CHECK(proc_init() == 0, "proc_init");
	CHECK(proc_stop_signal() == 0, "no stop yet");
	kill(getpid(), SIGINT);
	CHECK(proc_stop_signal() == SIGINT, "Ctrl-C between steps");
	proc_fini();
}

/* A stop nobody took is raised again by the outermost proc_fini(). */
static void test_stop_held_off(void)
{
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		proc_init();
		proc_init();
		raise(SIGTERM);
		proc_fini();		/* inner: still held */
		_exit(proc_stop_signal() == SIGTERM ? 3 : 0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "taken by proc_stop_signal(): status %#x", status);

	pid = fork();
	if (pid == 0) {
		proc_init();
		raise(SIGTERM);
		proc_fini();		/* outermost: raised again */
		_exit(0);
	}
	CHECK(pid > 0 && waitpid(pid, &status, 0) == pid, "fork");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM,
	      "raised at proc_fini: status %#x", status);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	board = mmap(NULL, sizeof(*board), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	CHECK(board != MAP_FAILED, "mmap");
	if (board == MAP_FAILED)
		return check_summary("test_proc");
	test_exit_status();
	test_signal();
	test_deadline();
	test_before_barrier();
	test_five();
	test_stop();
	test_stop_held_off();
	check_no_child("every test");
	return check_summary("test_proc");
}
