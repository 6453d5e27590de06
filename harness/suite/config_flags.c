/*
 * config_flags.c - suites: the built-in suite and the command-line flags
 * that override a suite, and the options a run resolves to for one
 * transport.
 *
 * A flag replaces that setting in every run; the result is validated again
 * by config_rules.c (a --transport may drop a transport a run's option
 * needed), and messages name the flag: "--size: PROBLEM".  An override
 * applies to a copy, so a failed one leaves the suite as it was.  This
 * module parses no file and knows no transport by name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_int.h"
#include "util.h"

static const char *const dim_flag[DIM_N] = {
	"--transport", "--workload", "--size", "--placement",
};

/* config_defaults()'s run, and that of a suite made from flags alone. */
static void run_defaults(struct run *r, const struct suite *s)
{
	memset(r, 0, sizeof(*r));
	r->index = 1;
	for (unsigned d = 0; d < DIM_N; d++)
		cfg_set_default(r, d, 3);
	r->iterations = s->iterations;
	r->warmup = s->warmup;
	r->rate = s->rate;
	r->stall_ms = s->stall_ms;
}

void config_defaults(struct suite *s)
{
	memset(s, 0, sizeof(*s));
	snprintf(s->name, sizeof(s->name), "defaults");
	snprintf(s->description, sizeof(s->description),
		 "built in: every transport and workload, 64 B, 4 KiB and 64 KiB, same-cpu and cross-cpu");
	s->iterations = SUITE_DEFAULT_ITERATIONS;
	s->warmup = SUITE_DEFAULT_WARMUP;
	s->timeout_s = SUITE_DEFAULT_TIMEOUT_S;
	s->repetitions = 1;
	s->verify = VERIFY_SEQ;
	run_defaults(&s->runs[0], s);
	s->n_runs = 1;
}

/* --option KEY=VALUE: set KEY in every run, replacing a setting of it. */
static int override_option(struct suite *s, const char *text, char *err,
			   size_t len)
{
	const char *eq = strchr(text, '=');
	struct run_option o = { .line = 0 };
	bool known = false;

	if (!eq || eq == text)
		return cfg_fail(err, len, -EINVAL, "--option: '%s' expects KEY=VALUE",
				text);
	if ((size_t)(eq - text) >= sizeof(o.key) ||
	    strlen(eq + 1) >= sizeof(o.value))
		return cfg_fail(err, len, -EINVAL, "--option %s: key or value too long",
				text);
	snprintf(o.key, sizeof(o.key), "%.*s", (int)(eq - text), text);
	snprintf(o.value, sizeof(o.value), "%s", eq + 1);
	for (unsigned i = 0; transport_registry[i]; i++)
		known |= transport_option_index(transport_registry[i], o.key) >= 0;
	if (!known)
		return cfg_fail(err, len, -EINVAL, "--option %s: no transport takes option '%s' (ipcbench list shows them)",
				text, o.key);
	for (unsigned i = 0; i < s->n_runs; i++) {
		struct run *r = &s->runs[i];
		unsigned k = 0;

		while (k < r->n_options && strcmp(r->options[k].key, o.key))
			k++;
		if (k == SUITE_MAX_OPTIONS)
			return cfg_fail(err, len, -EINVAL, "--option %s: more than %d options in run %d",
					text, SUITE_MAX_OPTIONS, r->index);
		r->options[k] = o;
		r->n_options += k == r->n_options;
	}
	return 0;
}

static int override(struct suite *s, const struct overrides *o, char *err,
		    size_t len)
{
	const char *lists[DIM_N] = { o->transports, o->workloads, o->sizes,
				     o->placements };
	char buf[1024], *items[SUITE_MAX_LIST], flag[128];
	struct where w = { .file = NULL };
	int ret, n;

	if (!s->n_runs)
		run_defaults(&s->runs[s->n_runs++], s);
	ret = cfg_set_numbers((const char *[]){ o->iterations, o->warmup,
						o->rate, o->stall_ms,
						o->timeout, o->repetitions },
			      (uint64_t *[]){ &s->iterations, &s->warmup,
					      &s->rate, &s->stall_ms,
					      &s->timeout_s,
					      &s->repetitions },
			      CFG_NUMBERS, &w, NULL, err, len);
	w.name = "--verify";
	if (!ret && o->verify)
		ret = cfg_set_verify(o->verify, &s->verify, &w, err, len);
	for (unsigned i = 0; i < s->n_runs; i++) {
		s->runs[i].iterations = o->iterations ? s->iterations :
					s->runs[i].iterations;
		s->runs[i].warmup = o->warmup ? s->warmup : s->runs[i].warmup;
		s->runs[i].rate = o->rate ? s->rate : s->runs[i].rate;
		s->runs[i].stall_ms = o->stall_ms ? s->stall_ms :
				      s->runs[i].stall_ms;
	}
	for (unsigned d = 0; !ret && d < DIM_N; d++) {
		if (!lists[d])
			continue;
		w.name = dim_flag[d];
		snprintf(buf, sizeof(buf), "%s", lists[d]);
		n = strlen(lists[d]) < sizeof(buf) ?
		    split_list(buf, items, SUITE_MAX_LIST) : -E2BIG;
		if (n < 0)
			return cfg_where_fail(&w, -1, err, len, "'%s': %s", lists[d],
					      n == -E2BIG ? "too many items" : "an item is empty");
		for (unsigned i = 0; !ret && i < s->n_runs; i++)
			ret = cfg_set_list(&s->runs[i], d, items, (unsigned)n,
					   &w, err, len);
	}
	for (unsigned k = 0; !ret && k < o->n_options; k++)
		ret = override_option(s, o->options[k], err, len);
	/* Settings must still apply: --transport may have changed the list,
	 * --workload the workloads a rate applies to. */
	for (unsigned i = 0; !ret && i < s->n_runs; i++) {
		w = (struct where){ .file = s->runs[i].line ? s->path : NULL };
		ret = cfg_check_paced(&s->runs[i], &w, NULL, err, len);
	}
	for (unsigned i = 0; !ret && i < s->n_runs; i++) {
		for (unsigned k = 0; !ret && k < s->runs[i].n_options; k++) {
			const struct run_option *opt = &s->runs[i].options[k];

			snprintf(flag, sizeof(flag), "--option %s=%s", opt->key,
				 opt->value);
			w = (struct where){ .file = opt->line ? s->path : NULL,
					    .name = opt->line ? opt->key : flag,
					    .line = opt->line };
			ret = cfg_check_option(&s->runs[i], opt, &w,
					       opt->line && o->transports,
					       err, len);
		}
	}
	return ret;
}

int config_override(struct suite *s, const struct overrides *o, char *err,
		    size_t len)
{
	struct suite *copy = malloc(sizeof(*copy));
	int ret;

	if (!copy)
		return cfg_fail(err, len, -ENOMEM, "config: out of memory");
	memcpy(copy, s, sizeof(*s));
	ret = override(copy, o, err, len);
	if (!ret)
		memcpy(s, copy, sizeof(*s));
	free(copy);
	return ret;
}

int config_resolve_options(const struct run *r,
			   const struct transport_ops *ops,
			   uint64_t opt[TRANSPORT_MAX_OPTS], char *err, size_t len)
{
	const struct transport_option *o = ops->options;
	char why[256];
	int k;

	for (k = 0; o && o[k].key; k++) {
		if (k == TRANSPORT_MAX_OPTS ||
		    transport_option_parse(&o[k], o[k].def, &opt[k], why,
					   sizeof(why)))
			return cfg_fail(err, len, -EINVAL, "%s: option '%s': bad default",
					ops->name, o[k].key);
	}
	for (unsigned i = 0; i < r->n_options; i++) {
		k = transport_option_index(ops, r->options[i].key);
		if (k < 0)
			return cfg_fail(err, len, -EINVAL, "%s: does not take option '%s'",
					ops->name, r->options[i].key);
		if (transport_option_parse(&o[k], r->options[i].value, &opt[k],
					   why, sizeof(why)))
			return cfg_fail(err, len, -EINVAL, "%s: option '%s': %s",
					ops->name, r->options[i].key, why);
	}
	return 0;
}
