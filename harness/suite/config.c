/*
 * config.c - suites: loading a suite file with libcyaml.
 *
 * libcyaml 1.3.1 maps the YAML onto raw structs that hold every scalar as a
 * string; numbers and sizes are then parsed by config_rules.c with
 * util.c's strict parsers (libcyaml's own accept "64abc", "010" and "-1"),
 * names are resolved through the transport and workload registries, and
 * each problem becomes one line, "PATH:LINE: key 'KEY': PROBLEM".  Lines
 * come from yamlpos.c, since libcyaml keeps no positions.  A run's keys
 * for transport options are made at run time from the registry, so a new
 * option needs no change here.  This module reads one file and creates
 * nothing; it knows no transport by name.  It is not the rules themselves
 * (config_rules.c) nor the defaults and flags (config_flags.c).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "config.h"
#include "config_int.h"
#include "util.h"
#include "yamlpos.h"

#define RAW_MAX_OPT_KEYS 64	/* distinct option keys over all transports */

/* What the YAML says, before validation: every scalar is a string. */
struct raw_run {
	char **list[DIM_N];		/* transports, workloads, sizes, ... */
	unsigned list_count[DIM_N];
	char *iterations, *warmup, *rate, *stall_ms;	/* as numbers[] */
	char *opt[RAW_MAX_OPT_KEYS];	/* by index in schema.opt_keys */
};

struct raw_suite {
	char *name, *description, *verify;
	char *iterations, *warmup, *rate, *stall_ms, *timeout_s, *repetitions;
	struct raw_run *runs;
	unsigned runs_count;
};

static const cyaml_schema_value_t str_entry = {
	CYAML_VALUE_STRING(CYAML_FLAG_POINTER, char, 0, CYAML_UNLIMITED),
};

/* Every key is optional to libcyaml: load_*() say what is missing. */
#define RAW_TEXT(key, st, m, max) \
	CYAML_FIELD_STRING_PTR(key, CYAML_FLAG_OPTIONAL, st, m, 0, max)
#define RAW_LIST(k, d) {						\
	.key = k,							\
	.data_offset = offsetof(struct raw_run, list[d]),		\
	.count_offset = offsetof(struct raw_run, list_count[d]),	\
	.count_size = sizeof(unsigned),					\
	.value = { CYAML_VALUE_SEQUENCE(CYAML_FLAG_POINTER |		\
		CYAML_FLAG_OPTIONAL, char *, &str_entry, 0,		\
		CYAML_UNLIMITED) },					\
}

/* A run's own keys; transport options follow in schema.run_fields. */
static const cyaml_schema_field_t run_fixed[] = {
	RAW_LIST("transports", DIM_TRANSPORTS),
	RAW_LIST("workloads", DIM_WORKLOADS),
	RAW_LIST("sizes", DIM_SIZES),
	RAW_LIST("placements", DIM_PLACEMENTS),
	RAW_TEXT("iterations", struct raw_run, iterations, CYAML_UNLIMITED),
	RAW_TEXT("warmup", struct raw_run, warmup, CYAML_UNLIMITED),
	RAW_TEXT("rate", struct raw_run, rate, CYAML_UNLIMITED),
	RAW_TEXT("stall_ms", struct raw_run, stall_ms, CYAML_UNLIMITED),
};

/* The suite's keys; "runs" follows in schema.suite_fields. */
static const cyaml_schema_field_t suite_fixed[] = {
	RAW_TEXT("name", struct raw_suite, name, SUITE_NAME_LEN - 1),
	RAW_TEXT("description", struct raw_suite, description,
		 SUITE_TEXT_LEN - 1),
	RAW_TEXT("iterations", struct raw_suite, iterations, CYAML_UNLIMITED),
	RAW_TEXT("warmup", struct raw_suite, warmup, CYAML_UNLIMITED),
	RAW_TEXT("rate", struct raw_suite, rate, CYAML_UNLIMITED),
	RAW_TEXT("stall_ms", struct raw_suite, stall_ms, CYAML_UNLIMITED),
	RAW_TEXT("timeout_s", struct raw_suite, timeout_s, CYAML_UNLIMITED),
	RAW_TEXT("repetitions", struct raw_suite, repetitions,
		 CYAML_UNLIMITED),
	RAW_TEXT("verify", struct raw_suite, verify, CYAML_UNLIMITED),
};

/* The schema of one load, made from the registry by schema_build(). */
struct schema {
	const char *opt_keys[RAW_MAX_OPT_KEYS];
	unsigned n_opt_keys;
	cyaml_schema_field_t run_fields[ARRAY_SIZE(run_fixed) +
					RAW_MAX_OPT_KEYS + 1];
	cyaml_schema_value_t run_value;
	cyaml_schema_field_t suite_fields[ARRAY_SIZE(suite_fixed) + 2];
	cyaml_schema_value_t top;
};

/*
 * This load's schema: every distinct option key of the registry becomes an
 * optional string key of a run, stored in raw_run.opt[k].
 */
static int schema_build(struct schema *sc, char *err, size_t len)
{
	unsigned n = ARRAY_SIZE(run_fixed), k;

	memset(sc, 0, sizeof(*sc));
	memcpy(sc->run_fields, run_fixed, sizeof(run_fixed));
	for (unsigned i = 0; transport_registry[i]; i++) {
		const struct transport_ops *t = transport_registry[i];

		for (const struct transport_option *o = t->options; o && o->key; o++) {
			for (k = 0; k < n && strcmp(sc->run_fields[k].key, o->key); k++)
				;
			if (k < ARRAY_SIZE(run_fixed))
				return cfg_fail(err, len, -EINVAL, "config: transport '%s': option '%s' is also a key of a run",
						t->name, o->key);
			if (k < n)
				continue;
			if (sc->n_opt_keys == RAW_MAX_OPT_KEYS ||
			    strlen(o->key) >= sizeof(((struct run_option *)0)->key))
				return cfg_fail(err, len, -EINVAL, "config: transport '%s': option '%s': too many options, or key too long",
						t->name, o->key);
			sc->opt_keys[sc->n_opt_keys] = o->key;
			sc->run_fields[n++] = (cyaml_schema_field_t){
				.key = o->key,
				.data_offset = (uint32_t)(offsetof(struct raw_run, opt) +
					sc->n_opt_keys++ * sizeof(char *)),
				.value = { CYAML_VALUE_STRING(CYAML_FLAG_POINTER |
					CYAML_FLAG_OPTIONAL, char *, 0,
					CYAML_UNLIMITED) },
			};
		}
	}
	sc->run_value = (cyaml_schema_value_t){
		CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, struct raw_run,
				    sc->run_fields),
	};
	memcpy(sc->suite_fields, suite_fixed, sizeof(suite_fixed));
	sc->suite_fields[ARRAY_SIZE(suite_fixed)] = (cyaml_schema_field_t)
		CYAML_FIELD_SEQUENCE("runs", CYAML_FLAG_POINTER |
				     CYAML_FLAG_OPTIONAL, struct raw_suite, runs,
				     &sc->run_value, 0, CYAML_UNLIMITED);
	sc->top = (cyaml_schema_value_t){
		CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, struct raw_suite,
				    sc->suite_fields),
	};
	return 0;
}

/* libcyaml's complaint as one line: the culprit's line, key and problem. */
static int cyaml_fail(const char *path, const struct yamlpos *pos,
		      const struct schema *sc, cyaml_err_t cerr, char *err,
		      size_t len)
{
	const char *names[ARRAY_SIZE(sc->run_fields)];
	const cyaml_schema_field_t *f;
	char key[128], msg[256], valid[1024];
	struct where w = { .file = path, .name = key, .pos = pos };
	unsigned n = 0;

	if (cerr == CYAML_ERR_OOM)
		return cfg_fail(err, len, -ENOMEM, "%s: out of memory", path);
	if (yamlpos_cyaml_error(pos, w.ypath, sizeof(w.ypath), key,
				sizeof(key), msg, sizeof(msg))) {
		/* Runs are the only nested mappings. */
		f = strchr(w.ypath, '.') ? sc->run_fields : sc->suite_fields;
		for (; f->key; f++)
			names[n++] = f->key;
		cfg_join(valid, sizeof(valid), names, n);
		return cfg_where_fail(&w, -1, err, len, "unknown key (valid: %s)",
				      valid);
	}
	if (key[0])
		return cfg_where_fail(&w, -1, err, len, "%s", msg);
	return cfg_fail(err, len, -EINVAL, "%s:%d: %s", path,
			yamlpos_line(pos, w.ypath), msg);
}

static int load_run(struct suite *s, const struct schema *sc,
		    const struct raw_run *rr, const struct yamlpos *pos,
		    char *err, size_t len)
{
	struct run *r = &s->runs[s->n_runs];
	struct where w = { .file = s->path, .pos = pos };
	const char *names[SUITE_MAX_LIST];
	char base[32], valid[512];
	int ret = 0;

	memset(r, 0, sizeof(*r));
	r->index = (int)++s->n_runs;
	snprintf(base, sizeof(base), "runs[%d]", r->index - 1);
	r->line = yamlpos_line(pos, base);
	r->iterations = s->iterations;
	r->warmup = s->warmup;
	r->rate = s->rate;
	r->stall_ms = s->stall_ms;
	for (unsigned d = 0; !ret && d < DIM_N; d++) {
		cfg_where_key(&w, base, run_fixed[d].key);
		if (rr->list_count[d] || yamlpos_find(pos, w.ypath))
			ret = cfg_set_list(r, d, rr->list[d],
					   rr->list_count[d], &w, err, len);
		else if (d != DIM_TRANSPORTS)
			cfg_set_default(r, d, 1);
		if (!ret && !r->n_transports) {
			cfg_join(valid, sizeof(valid), names,
				 cfg_dim_names(DIM_TRANSPORTS, names));
			return cfg_where_fail(&w, -1, err, len, "missing: every run lists its transports (valid: %s)",
					      valid);
		}
	}
	if (!ret)
		ret = cfg_set_numbers((const char *[]){ rr->iterations,
							rr->warmup, rr->rate,
							rr->stall_ms },
				      (uint64_t *[]){ &r->iterations,
						      &r->warmup, &r->rate,
						      &r->stall_ms },
				      CFG_RUN_NUMBERS, &w, base, err, len);
	if (!ret)
		ret = cfg_check_paced(r, &w, base, err, len);
	for (unsigned k = 0; !ret && k < sc->n_opt_keys; k++) {
		struct run_option *o = &r->options[r->n_options];

		if (!rr->opt[k])
			continue;
		cfg_where_key(&w, base, sc->opt_keys[k]);
		if (r->n_options == SUITE_MAX_OPTIONS ||
		    strlen(rr->opt[k]) >= sizeof(o->value))
			return cfg_where_fail(&w, -1, err, len, "more than %d options in a run, or value longer than %zu characters",
					      SUITE_MAX_OPTIONS,
					      sizeof(o->value) - 1);
		snprintf(o->key, sizeof(o->key), "%s", w.name);
		snprintf(o->value, sizeof(o->value), "%s", rr->opt[k]);
		o->line = yamlpos_line(pos, w.ypath);
		r->n_options++;
		ret = cfg_check_option(r, o, &w, false, err, len);
	}
	return ret;
}

static int load_suite(struct suite *s, const struct schema *sc,
		      const struct raw_suite *raw, const struct yamlpos *pos,
		      char *err, size_t len)
{
	struct where w = { .file = s->path, .pos = pos };
	int ret = 0;

	snprintf(s->name, sizeof(s->name), "%s", raw->name ? raw->name : "");
	snprintf(s->description, sizeof(s->description), "%s",
		 raw->description ? raw->description : "");
	s->iterations = SUITE_DEFAULT_ITERATIONS;
	s->warmup = SUITE_DEFAULT_WARMUP;
	s->timeout_s = SUITE_DEFAULT_TIMEOUT_S;
	s->repetitions = 1;
	ret = cfg_set_numbers((const char *[]){ raw->iterations,
						raw->warmup, raw->rate,
						raw->stall_ms, raw->timeout_s,
						raw->repetitions },
			      (uint64_t *[]){ &s->iterations, &s->warmup,
					      &s->rate, &s->stall_ms,
					      &s->timeout_s,
					      &s->repetitions },
			      CFG_NUMBERS, &w, "", err, len);
	cfg_where_key(&w, "", "verify");
	if (!ret && raw->verify)
		ret = cfg_set_verify(raw->verify, &s->verify, &w, err, len);
	cfg_where_key(&w, "", "runs");
	if (!ret && !raw->runs_count)	/* the line of runs:, or of the suite */
		ret = cfg_where_fail(&w, -1, err, len, "%s: a suite needs at least one run",
				     yamlpos_find(pos, "runs") ? "the list is empty" : "missing");
	if (!ret && raw->runs_count > SUITE_MAX_RUNS)
		ret = cfg_where_fail(&w, SUITE_MAX_RUNS, err, len,
				     "more than %d runs", SUITE_MAX_RUNS);
	for (unsigned i = 0; !ret && i < raw->runs_count; i++)
		ret = load_run(s, sc, &raw->runs[i], pos, err, len);
	return ret;
}

int config_load(const char *path, struct suite *s, char *err, size_t len)
{
	struct yamlpos_error ye;
	struct raw_suite *raw = NULL;
	struct yamlpos *pos = NULL;
	struct schema sc;
	cyaml_config_t cfg = {
		.log_fn = yamlpos_cyaml_log,
		.mem_fn = cyaml_mem,
		.log_level = CYAML_LOG_ERROR,
		.flags = CYAML_CFG_DEFAULT,	/* unknown keys are errors */
	};
	cyaml_err_t cerr;
	const char *text;
	size_t n;
	int ret;

	ret = schema_build(&sc, err, len);
	if (ret)
		return ret;
	ret = yamlpos_load(path, &pos, &ye);
	if (ret && ye.line)
		return cfg_fail(err, len, ret, "%s:%d: %s", path, ye.line, ye.msg);
	if (ret)
		return cfg_fail(err, len, ret, "%s: %s", path, ye.msg);
	cfg.log_ctx = pos;
	text = yamlpos_text(pos, &n);
	cerr = cyaml_load_data((const uint8_t *)text, n, &cfg, &sc.top,
			       (cyaml_data_t **)&raw, NULL);
	if (cerr != CYAML_OK)
		ret = cyaml_fail(path, pos, &sc, cerr, err, len);
	else if (!raw)	/* empty, comments only, or {} */
		ret = cfg_fail(err, len, -EINVAL, "%s: the suite is empty", path);
	if (ret)
		goto out_free_pos;
	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s", path);
	ret = load_suite(s, &sc, raw, pos, err, len);
	cyaml_free(&cfg, &sc.top, raw, 0);
out_free_pos:
	yamlpos_free(pos);
	return ret;
}