/*
 * config.h - a benchmark suite: what to run, loaded from YAML (libcyaml) and
 * overridden by command-line flags.
 *
 * A suite holds global settings and a list of runs; each run is a cross
 * product transports x workloads x sizes x placements with optional
 * transport options.  Everything a user wrote is validated here, once: a bad
 * value is an error naming the file, line and key (or the flag), and the
 * caller exits 2 before anything is created.
 *
 * Conventions: functions return 0 or -errno; on error they write one line,
 * without a trailing newline, into err.  A struct suite is plain data with
 * fixed-size arrays: no allocation to free.
 *
 * Made in three parts that share config_int.h: config.c loads a file,
 * config_flags.c holds the built-in suite and the flags, and
 * config_rules.c the checks both go through.
 */
#ifndef IPCBENCH_CONFIG_H
#define IPCBENCH_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "transport.h"

struct workload;

#define SUITE_MAX_RUNS 64
#define SUITE_MAX_LIST 32
#define SUITE_MAX_OPTIONS 16
#define SUITE_NAME_LEN 64
#define SUITE_TEXT_LEN 512
#define CONFIG_ERR_LEN 512

/* Message sizes the harness accepts; a transport may allow fewer (check()). */
#define SUITE_MIN_SIZE 16u			/* the message header */
#define SUITE_MAX_SIZE (64u * 1024 * 1024)
#define SUITE_MAX_ITERATIONS 100000000u
#define SUITE_MAX_TIMEOUT_S 3600u
#define SUITE_MAX_RATE 100000000u		/* messages per second */
#define SUITE_MAX_STALL_MS 60000u
#define SUITE_MAX_REPETITIONS 1000u

/* How much of each message the receiver checks. */
enum verify_mode {
	/* Sequence number at both ends of every message (catches loss,
	 * reordering, torn and merged messages) in the timed span; pingpong
	 * echoes are also compared byte for byte, outside the timed span. */
	VERIFY_SEQ = 0,
	/* Also every payload byte of every message, against a pattern keyed
	 * by the sequence number.  In throughput this happens inside the
	 * timed span: rows say so. */
	VERIFY_FULL,
};

/* An option setting "key: value" of a run, or "--option key=value". */
struct run_option {
	char key[32];
	char value[64];
	int line;		/* line in the suite file; 0 from the command line */
};

struct run {
	int index;		/* 1-based position in runs: */
	int line;		/* line where the run starts; 0 when made from flags */
	const struct transport_ops *transports[SUITE_MAX_LIST];
	unsigned n_transports;
	const struct workload *workloads[SUITE_MAX_LIST];
	unsigned n_workloads;
	uint64_t sizes[SUITE_MAX_LIST];
	unsigned n_sizes;
	enum placement placements[PLACE_COUNT];
	unsigned n_placements;
	uint64_t iterations;	/* resolved: run, else suite, else default */
	uint64_t warmup;
	uint64_t rate;		/* paced workloads: messages/s, 0 = unpaced */
	uint64_t stall_ms;	/* paced workloads: one receiver stall, 0 none */
	struct run_option options[SUITE_MAX_OPTIONS];
	unsigned n_options;
};

struct suite {
	char path[4096];	/* the file it came from; "" when none */
	char name[SUITE_NAME_LEN];
	char description[SUITE_TEXT_LEN];
	uint64_t iterations;	/* default for runs that do not set it */
	uint64_t warmup;
	uint64_t rate;		/* defaults for runs that do not set them */
	uint64_t stall_ms;
	uint64_t timeout_s;	/* deadline of one case */
	uint64_t repetitions;	/* each case runs this often, interleaved */
	enum verify_mode verify;
	struct run runs[SUITE_MAX_RUNS];
	unsigned n_runs;
};

/* Built-in defaults, used for every key a suite leaves out. */
#define SUITE_DEFAULT_ITERATIONS 10000u
#define SUITE_DEFAULT_WARMUP 1000u
#define SUITE_DEFAULT_TIMEOUT_S 60u

/*
 * Load the suite at path into *s: parse with libcyaml (unknown keys, wrong
 * types and bad enum values rejected), apply defaults, validate every value
 * and range, resolve transport and workload names through their
 * registries, and check that each run's options are taken by each of its
 * transports.  On error returns -EINVAL (or -errno for I/O) with a message
 * "PATH:LINE: key 'KEY': PROBLEM" in err.
 */
int config_load(const char *path, struct suite *s, char *err, size_t len);

/*
 * The suite `ipcbench run` uses without a file: every registered transport,
 * every workload, 64 B / 4 KiB / 64 KiB, same-cpu and cross-cpu.
 */
void config_defaults(struct suite *s);

/* Command-line flags that override a suite.  NULL/0 means not given. */
struct overrides {
	const char *transports;	/* --transport, comma list */
	const char *workloads;	/* --workload */
	const char *sizes;	/* --size */
	const char *placements;	/* --placement */
	const char *iterations;	/* --iterations */
	const char *warmup;	/* --warmup */
	const char *rate;	/* --rate */
	const char *stall_ms;	/* --stall-ms */
	const char *timeout;	/* --timeout (seconds) */
	const char *repetitions;	/* --repetitions */
	const char *verify;	/* --verify seq|full */
	const char *options[SUITE_MAX_OPTIONS];	/* --option KEY=VALUE */
	unsigned n_options;
};

/*
 * Apply flags to every run of s (a flag replaces that dimension), then
 * validate again (options taken by transports).  Errors name the flag:
 * "--size: '64abc' is not a size (examples: 64, 4K, 1M)".
 */
int config_override(struct suite *s, const struct overrides *o, char *err,
		    size_t len);

/*
 * Resolve the options of run r for transport ops into opt[] (defaults,
 * then the run's settings).  Returns 0, or -EINVAL when a setting does not
 * apply to ops or has a bad value (config_load and config_override have
 * already rejected those).
 */
int config_resolve_options(const struct run *r,
			   const struct transport_ops *ops,
			   uint64_t opt[TRANSPORT_MAX_OPTS], char *err, size_t len);

/* Verify mode names: "seq", "full". */
const char *verify_name(enum verify_mode v);

#endif
