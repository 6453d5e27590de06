/*
 * claims_int.h - what the parts of `ipcbench claims` share: claims.c (the
 * claims and their checks), claims_judge.c (picking cases, comparing them
 * into evidence, the verdict rule), claims_exp.c (the property experiment)
 * and claims_out.c (text and JSON).  Not for use outside them.
 *
 * A claim's evidence is a list of lines, in order; a line that comes from
 * a comparison of two cases also keeps its numbers (struct claim_cmp) for
 * the JSON.  Each piece of evidence bears on the claim one way: it
 * supports it, contradicts it, is not significant, or is context only.
 */
#ifndef IPCBENCH_CLAIMS_INT_H
#define IPCBENCH_CLAIMS_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "claims.h"
#include "compare.h"
#include "rundir.h"

/* Two medians within this ratio of each other count as alike (the rule
 * texts in claims.c say "10%"). */
#define CLAIMS_ALIKE_TOL 0.10

enum claim_verdict {
	CV_HOLDS = 0,
	CV_FAILS,		/* "does not hold" */
	CV_NOT_SIGNIFICANT,
	CV_NOT_MEASURED,
};

extern const char *const claim_verdict_names[];

/* How a piece of evidence bears on its claim. */
enum claim_side {
	CS_SUPPORTS = 0,
	CS_CONTRADICTS,
	CS_NEUTRAL,		/* not significant */
	CS_CONTEXT,		/* shown, not counted */
};

/* What a comparison of case a with case b is expected to show. */
enum claim_expect {
	EXPECT_B_HIGHER,
	EXPECT_B_LOWER,
	EXPECT_ALIKE,		/* within CLAIMS_ALIKE_TOL, or not significant */
	EXPECT_NONE,		/* context: counted neither way */
};

struct claim_cmp {
	const char *a_id, *b_id;	/* into the rundir */
	char a_label[40], b_label[40];	/* "pipe", "shm (spin)" */
	const char *column;
	struct cmp m;
	enum claim_side side;
	unsigned line;			/* its line in the evidence */
};

struct claim_def;

struct claim_res {
	const struct claim_def *def;
	enum claim_verdict verdict;
	char why[320];			/* one line: how the verdict came */
	const char *unit;		/* what the tally counts, NULL:
					 * "comparison" */
	unsigned tally[4];		/* evidence by enum claim_side */
	bool single_run;		/* a counted comparison had 1 value */
	struct claim_line {
		char *text;
		enum claim_side side;
	} *lines;			/* the evidence, in order */
	unsigned n_lines;
	struct claim_cmp *cmps;
	unsigned n_cmps;
	int err;			/* -ENOMEM while collecting */
};

struct claim_def {
	const char *key;		/* stable, for scripts: "tcp-vs-uds" */
	const char *text;		/* the claim as a textbook puts it */
	const char *rule;		/* how its verdict is decided */
	const char *needs;		/* the cases it needs, and a command */
	void (*check)(const struct rundir *rd, struct claim_res *r);
};

#define MAX_CELLS 64

/* A size and placement some case of a workload was measured at. */
struct cell {
	uint64_t size;
	const char *placement;
};

/* Which wait mode claim_pick() wants. */
enum spin_filter { ANY_WAIT, SLEEPS, SPINS };

/*
 * The unpaced, unstalled case of transport t, workload wl, size and
 * placement, in the wait mode asked; an ok one first, then the one with
 * the shortest id (the fewest options away from their defaults).  NULL
 * when the run has none.
 */
const struct rundir_case *claim_pick(const struct rundir *rd, const char *t,
				     const char *wl, uint64_t size,
				     const char *placement, enum spin_filter f);

/* The sizes and placements workload wl was measured at, in run order,
 * unpaced and unstalled (at most MAX_CELLS); how many. */
unsigned claim_cells(const struct rundir *rd, const char *wl,
		     struct cell *out);

/*
 * Compare column of case a with case b (either may be NULL: nothing) and
 * add the line: "pingpong 64 B same-cpu, round trip p50: pipe 2.56 us,
 * uds 6.17 us; uds/pipe 2.41, p<0.001: supports", with its numbers.  A
 * case that is not ok is reported, not compared.  Out of memory sets
 * r->err.
 */
void claim_judge(struct claim_res *r, const struct rundir *rd,
		 const struct rundir_case *a, const struct rundir_case *b,
		 const char *column, enum claim_expect ex);

/* Append a line of evidence (counted as side unless CS_CONTEXT). */
void claim_say(struct claim_res *r, enum claim_side side, const char *fmt,
	       ...) __attribute__((format(printf, 3, 4)));

/* The verdict from the tally, by the one rule every claim states. */
void claim_decide(struct claim_res *r);

/* claims_exp.c: message queues keep messages after their sender exits. */
void claims_persistence(const struct rundir *rd, struct claim_res *r);

/* claims_out.c: the claims as text or JSON. */
void claims_print_text(FILE *f, const struct rundir *rd,
		       const struct claim_res *res, unsigned n);
void claims_print_json(FILE *f, const struct rundir *rd,
		       const struct claim_res *res, unsigned n);

#endif
