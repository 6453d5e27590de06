/*
 * plan.h - what to run: a suite expanded into benchmark cases, each one
 * cell of transports x workloads x sizes x placements with its options
 * resolved and an id that names it in file names.
 *
 * Conventions: plan_build() returns 0 or -errno.
 */
#ifndef IPCBENCH_PLAN_H
#define IPCBENCH_PLAN_H

#include <stdint.h>

#include "config.h"
#include "transport.h"

struct workload;

/* One cell of the cross product: what to run. */
struct case_spec {
	unsigned index;			/* 1-based, in plan order */
	const struct run *run;
	const struct transport_ops *ops;
	const struct workload *wl;
	uint64_t size;
	enum placement placement;
	uint64_t iterations;
	uint64_t warmup;
	uint64_t rate;			/* paced workloads: messages/s, 0 none */
	uint64_t stall_ms;		/* paced workloads: one receiver stall */
	enum verify_mode verify;
	uint64_t opt[TRANSPORT_MAX_OPTS];
	char options[160];		/* "wait=spin slots=8", "" without */
	char id[224];			/* unique, file-name safe */
};

/*
 * Expand suite s into cases, in run order: transports x workloads x sizes x
 * placements.  *out is malloc'ed; free() it.  0 or -ENOMEM.
 */
int plan_build(const struct suite *s, struct case_spec **out, unsigned *n);

#endif
