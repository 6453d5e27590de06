/*
 * plan.c - expand a suite into the list of cases to run.
 *
 * The order is the suite's: each run in turn, then transports, workloads,
 * sizes and placements as listed.  Each case gets its options resolved for
 * its transport and an id that names it uniquely in file names.  The plan
 * runs nothing and creates nothing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "workload.h"
#include "util.h"

/* "wait=spin slots=8": every option of the transport with its value. */
static void format_options(const struct transport_ops *ops,
			   const uint64_t opt[TRANSPORT_MAX_OPTS], char *buf,
			   size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; ops->options && ops->options[i].key && used < len; i++) {
		char v[64];

		transport_option_format(&ops->options[i], opt[i], v, sizeof(v));
		used += (size_t)snprintf(buf + used, len - used, "%s%s=%s",
					 i ? " " : "", ops->options[i].key, v);
	}
}

/* Only options set away from their defaults make the id longer. */
static void make_id(struct case_spec *c)
{
	char size[32];
	size_t used;

	format_size_short(c->size, size, sizeof(size));
	used = (size_t)snprintf(c->id, sizeof(c->id), "%s-%s-%s-%s",
				c->ops->name, c->wl->name, size,
				placement_name(c->placement));
	for (int i = 0; c->ops->options && c->ops->options[i].key; i++) {
		const struct transport_option *o = &c->ops->options[i];
		uint64_t def;
		char v[64];

		if (transport_option_parse(o, o->def, &def, v, sizeof(v)) == 0 &&
		    def == c->opt[i])
			continue;
		transport_option_format(o, c->opt[i], v, sizeof(v));
		if (used < sizeof(c->id))
			used += (size_t)snprintf(c->id + used,
						 sizeof(c->id) - used,
						 "-%s=%s", o->key, v);
	}
	/* A paced or stalled stream is another case than a free one. */
	if (c->rate && used < sizeof(c->id))
		used += (size_t)snprintf(c->id + used, sizeof(c->id) - used,
					 "-rate=%llu",
					 (unsigned long long)c->rate);
	if (c->stall_ms && used < sizeof(c->id))
		snprintf(c->id + used, sizeof(c->id) - used, "-stall=%llums",
			 (unsigned long long)c->stall_ms);
}

int plan_build(const struct suite *s, struct case_spec **out, unsigned *n)
{
	struct case_spec *cases;
	size_t total = 0, k = 0;

	for (unsigned r = 0; r < s->n_runs; r++) {
		const struct run *run = &s->runs[r];

		total += (size_t)run->n_transports * run->n_workloads *
			 run->n_sizes * run->n_placements;
	}
	cases = calloc(total ? total : 1, sizeof(*cases));
	if (!cases)
		return -ENOMEM;
	for (unsigned r = 0; r < s->n_runs; r++) {
		const struct run *run = &s->runs[r];

		for (unsigned ti = 0; ti < run->n_transports; ti++)
		for (unsigned wi = 0; wi < run->n_workloads; wi++)
		for (unsigned si = 0; si < run->n_sizes; si++)
		for (unsigned pi = 0; pi < run->n_placements; pi++) {
			struct case_spec *c = &cases[k];
			char err[CONFIG_ERR_LEN];

			c->index = (unsigned)++k;
			c->run = run;
			c->ops = run->transports[ti];
			c->wl = run->workloads[wi];
			c->size = run->sizes[si];
			c->placement = run->placements[pi];
			c->iterations = run->iterations;
			c->warmup = run->warmup;
			c->rate = run->rate;
			c->stall_ms = run->stall_ms;
			c->verify = s->verify;
			if (config_resolve_options(run, c->ops, c->opt, err,
						   sizeof(err))) {
				/* config_load/override validated this */
				free(cases);
				return -EINVAL;
			}
			format_options(c->ops, c->opt, c->options,
				       sizeof(c->options));
			make_id(c);
		}
	}
	*out = cases;
	*n = (unsigned)k;
	return 0;
}
