/*
 * config.c - suites: the libcyaml schema, defaults, validation and flags.
 *
 * libcyaml 1.3.1 maps the YAML onto raw structs that hold every scalar as a
 * string; numbers and sizes are then parsed here with util.c's strict
 * parsers (libcyaml's own accept "64abc", "010" and "-1"), names are
 * resolved through the transport and workload registries, and each problem
 * becomes one line, "PATH:LINE: key 'KEY': PROBLEM" or "--flag: PROBLEM".
 * Lines come from yamlpos.c, since libcyaml keeps no positions.  A run's
 * keys for transport options are made at run time from the registry, so a
 * new option needs no change here.  This module reads one file and creates
 * nothing; it knows no transport by name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "config.h"
#include "util.h"
#include "workload.h"
#include "yamlpos.h"

#define RAW_MAX_OPT_KEYS 64	/* distinct option keys over all transports */

/* The list dimensions of a run, in the order of its keys. */
enum dim { DIM_TRANSPORTS, DIM_WORKLOADS, DIM_SIZES, DIM_PLACEMENTS, DIM_N };

static const char *const dim_flag[DIM_N] = {
	"--transport", "--workload", "--size", "--placement",
};
static const char *const dim_what[DIM_N] = {
	"transport", "workload", "size", "placement",
};

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

/* verify is read as a string so that its error can list these. */
static const cyaml_strval_t verify_strings[] = {
	{ "seq", VERIFY_SEQ },
	{ "full", VERIFY_FULL },
};

/*
 * The numbers of a suite, in the order of struct raw_suite's and of the
 * overrides' fields: key, flag, range.  A run takes the first RUN_NUMBERS
 * (the suite's values are their defaults).
 */
static const struct number {
	const char *key, *flag;
	uint64_t min, max;
} numbers[] = {
	{ "iterations", "--iterations", 1, SUITE_MAX_ITERATIONS },
	{ "warmup", "--warmup", 0, SUITE_MAX_ITERATIONS },
	{ "rate", "--rate", 0, SUITE_MAX_RATE },
	{ "stall_ms", "--stall-ms", 0, SUITE_MAX_STALL_MS },
	{ "timeout_s", "--timeout", 1, SUITE_MAX_TIMEOUT_S },
	{ "repetitions", "--repetitions", 1, SUITE_MAX_REPETITIONS },
};
#define RUN_NUMBERS 4
#define NUMBERS ARRAY_SIZE(numbers)

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

/* Where a value came from: a key of the file, or a flag. */
struct where {
	const char *file;		/* NULL for a flag */
	const char *name;		/* the key, or the flag: "--size" */
	const struct yamlpos *pos;	/* lines of key and items; else line */
	char ypath[128];		/* the key's path in pos */
	int line;
};

static __attribute__((format(printf, 4, 5)))
int fail(char *err, size_t len, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, len, fmt, ap);
	va_end(ap);
	one_line(err);		/* it may quote a value with a newline */
	return ret;
}

/* "FILE:LINE: key 'K': " (item >= 0: the line of that list item) or
 * "--flag: ", then the problem.  Returns -EINVAL. */
static __attribute__((format(printf, 5, 6)))
int where_fail(const struct where *w, int item, char *err, size_t len,
	       const char *fmt, ...)
{
	char path[160];
	va_list ap;
	int n, line = w->line;

	if (w->pos) {
		snprintf(path, sizeof(path), item < 0 ? "%s" : "%s[%d]",
			 w->ypath, item);
		line = yamlpos_line(w->pos, path);	/* or its parent's */
	}
	if (w->file)
		n = snprintf(err, len, "%s:%d: key '%s': ", w->file, line,
			     w->name);
	else
		n = snprintf(err, len, "%s: ", w->name);
	if (n > 0 && (size_t)n < len) {
		va_start(ap, fmt);
		vsnprintf(err + n, len - (size_t)n, fmt, ap);
		va_end(ap);
	}
	one_line(err);		/* it may quote a value with a newline */
	return -EINVAL;
}

static void where_key(struct where *w, const char *base, const char *key)
{
	w->name = key;
	snprintf(w->ypath, sizeof(w->ypath), "%s%s%s", base, *base ? "." : "",
		 key);
}

/* "a, b, c" into buf. */
static void join(char *buf, size_t len, const char *const *names, unsigned n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       i ? ", " : "", names[i]);
}

/* The names a dimension accepts (none for sizes). */
static unsigned dim_names(enum dim d, const char **names)
{
	unsigned n = 0;

	for (; d == DIM_TRANSPORTS && n < SUITE_MAX_LIST && transport_registry[n]; n++)
		names[n] = transport_registry[n]->name;
	for (; d == DIM_WORKLOADS && n < SUITE_MAX_LIST && workload_registry[n]; n++)
		names[n] = workload_registry[n]->name;
	for (; d == DIM_PLACEMENTS && n < PLACE_COUNT; n++)
		names[n] = placement_name((enum placement)n);
	return n;
}

/*
 * A whole number, or a size, as users write them, into *out.  Leading
 * zeros are rejected: YAML 1.1 reads "010" as octal 8, a person as 10.
 */
static int set_number(const char *text, bool size, uint64_t min, uint64_t max,
		      uint64_t *out, const struct where *w, int item,
		      char *err, size_t len)
{
	uint64_t v;
	int ret;

	if (!*text)
		return where_fail(w, item, err, len, "no value given");
	if (text[0] == '0' && text[1] >= '0' && text[1] <= '9')
		return where_fail(w, item, err, len, "'%s' has a leading zero (some YAML readers take it for octal: write it without)",
				  text);
	ret = size ? parse_size(text, &v) : parse_u64(text, &v);
	if (ret == -EINVAL)
		return where_fail(w, item, err, len, "'%s' is not a %s", text,
				  size ? "size (examples: 64, 4K, 1M)" :
					 "whole number");
	if (size && !ret && v < min)
		return where_fail(w, item, err, len, "'%s' is too small: a size must be at least %llu bytes, the message header",
				  text, (unsigned long long)min);
	if (ret || v < min || v > max)
		return where_fail(w, item, err, len, "'%s' is out of range (%llu..%llu)",
				  text, (unsigned long long)min,
				  (unsigned long long)max);
	*out = v;
	return 0;
}

/* text[i] (NULL when not given) into *dst[i], for numbers[0..n). base:
 * the key's path prefix in the file, or NULL for flags. */
static int set_numbers(const char *const *text, uint64_t *const *dst,
		       unsigned n, struct where *w, const char *base, char *err,
		       size_t len)
{
	int ret = 0;

	for (unsigned i = 0; !ret && i < n; i++) {
		if (base)
			where_key(w, base, numbers[i].key);
		else
			w->name = numbers[i].flag;
		if (text[i])
			ret = set_number(text[i], false, numbers[i].min,
					 numbers[i].max, dst[i], w, -1, err, len);
	}
	return ret;
}

static int set_verify(const char *text, enum verify_mode *out,
		      const struct where *w, char *err, size_t len)
{
	for (unsigned i = 0; i < ARRAY_SIZE(verify_strings); i++) {
		if (strcmp(text, verify_strings[i].str) == 0) {
			*out = (enum verify_mode)verify_strings[i].val;
			return 0;
		}
	}
	return where_fail(w, -1, err, len, "'%s' is not a verify mode (valid: seq, full)",
			  text);
}

/*
 * One item of a size list: a size ("4K") or a range "FROM..TO" or
 * "FROM..TO*F": FROM, FROM*F, FROM*F*F, ... up to TO (F defaults to 2).
 * Appends to v[*n]; item is its index for messages.
 */
static int expand_size(const char *text, uint64_t *v, unsigned *n, int item,
		       const struct where *w, char *err, size_t len)
{
	const char *dots = strstr(text, ".."), *star;
	char from[32], to[32];
	uint64_t a, b, f = 2;
	int ret;

	if (!dots) {
		if (*n == SUITE_MAX_LIST)
			goto too_many;
		return set_number(text, true, SUITE_MIN_SIZE, SUITE_MAX_SIZE,
				  &v[(*n)++], w, item, err, len);
	}
	star = strchr(dots, '*');
	if ((size_t)(dots - text) >= sizeof(from) ||
	    (size_t)((star ? star : dots + strlen(dots)) - dots - 2) >= sizeof(to))
		return where_fail(w, item, err, len, "'%s' is not a size range (example: 64..1M*4)",
				  text);
	snprintf(from, sizeof(from), "%.*s", (int)(dots - text), text);
	snprintf(to, sizeof(to), "%.*s",
		 (int)((star ? star : dots + strlen(dots)) - dots - 2), dots + 2);
	ret = set_number(from, true, SUITE_MIN_SIZE, SUITE_MAX_SIZE, &a, w,
			 item, err, len);
	if (!ret)
		ret = set_number(to, true, SUITE_MIN_SIZE, SUITE_MAX_SIZE, &b,
				 w, item, err, len);
	if (!ret && star && (parse_u64(star + 1, &f) || f < 2 || f > 1024))
		return where_fail(w, item, err, len, "'%s': the step after '*' must be a whole number from 2 to 1024",
				  text);
	if (!ret && a > b)
		return where_fail(w, item, err, len, "'%s': the range ends below its start",
				  text);
	for (uint64_t x = a; !ret && x <= b; x *= f) {
		if (*n == SUITE_MAX_LIST)
			goto too_many;
		v[(*n)++] = x;
		if (x > b / f)
			break;
	}
	return ret;
too_many:
	return where_fail(w, item, err, len, "more than %d sizes", SUITE_MAX_LIST);
}

/* The sizes of r from items (sizes and ranges); all or nothing. */
static int set_sizes(struct run *r, char *const *items, unsigned n,
		     const struct where *w, char *err, size_t len)
{
	uint64_t v[SUITE_MAX_LIST];
	unsigned count = 0;
	char a[32];
	int ret;

	for (unsigned i = 0; i < n; i++) {
		unsigned first = count;

		ret = expand_size(items[i], v, &count, (int)i, w, err, len);
		if (ret)
			return ret;
		for (unsigned k = first; k < count; k++) {
			for (unsigned j = 0; j < k; j++) {
				if (v[j] != v[k])
					continue;
				format_size_short(v[k], a, sizeof(a));
				if (!strstr(items[i], ".."))
					return where_fail(w, (int)i, err, len, "'%s' is listed twice",
							  items[i]);
				return where_fail(w, (int)i, err, len, "'%s' repeats size %s, listed before",
						  items[i], a);
			}
		}
	}
	memcpy(r->sizes, v, count * sizeof(v[0]));
	r->n_sizes = count;
	return 0;
}

/* Set dimension d of r to the n names or sizes in items; all or nothing. */
static int set_list(struct run *r, enum dim d, char *const *items, unsigned n,
		    const struct where *w, char *err, size_t len)
{
	const char *names[SUITE_MAX_LIST];
	uint64_t v[SUITE_MAX_LIST];
	char valid[512];
	unsigned i, j;

	if (!n)
		return where_fail(w, -1, err, len, "the list is empty");
	if (n > SUITE_MAX_LIST)
		return where_fail(w, SUITE_MAX_LIST, err, len,
				  "more than %d items", SUITE_MAX_LIST);
	if (d == DIM_SIZES)
		return set_sizes(r, items, n, w, err, len);
	for (i = 0; i < n; i++) {
		/* v[i] identifies the item: a registry entry or enum. */
		v[i] = d == DIM_TRANSPORTS ? (uintptr_t)transport_find(items[i]) :
		       d == DIM_WORKLOADS ? (uintptr_t)workload_find(items[i]) :
		       (uint64_t)(placement_parse(items[i]) + 1);
		if (!v[i]) {
			join(valid, sizeof(valid), names, dim_names(d, names));
			return where_fail(w, (int)i, err, len, "'%s' is not a %s (valid: %s)",
					  items[i], dim_what[d], valid);
		}
		for (j = 0; j < i; j++) {
			if (v[j] == v[i])
				return where_fail(w, (int)i, err, len,
						  "'%s' is listed twice", items[i]);
		}
	}
	/* Distinct placements are at most PLACE_COUNT: they fit. */
	for (i = 0; i < n; i++) {
		if (d == DIM_TRANSPORTS)
			r->transports[i] = (const void *)(uintptr_t)v[i];
		else if (d == DIM_WORKLOADS)
			r->workloads[i] = (const void *)(uintptr_t)v[i];
		else
			r->placements[i] = (enum placement)(v[i] - 1);
	}
	*(d == DIM_TRANSPORTS ? &r->n_transports : d == DIM_WORKLOADS ?
	  &r->n_workloads : &r->n_placements) = n;
	return 0;
}

/* A dimension nobody set: every transport, every workload, 64 B (n_sizes
 * 1) or 64 B, 4 KiB and 64 KiB (3), same-cpu and cross-cpu. */
static void set_default(struct run *r, enum dim d, unsigned n_sizes)
{
	static const char *const sizes[] = { "64", "4K", "64K" };
	const struct where w = { .name = "defaults" };
	const char *names[SUITE_MAX_LIST];
	unsigned n = dim_names(d, names);
	char err[8];

	if (d == DIM_SIZES) {
		memcpy(names, sizes, sizeof(sizes));
		n = n_sizes;
	} else if (d == DIM_PLACEMENTS) {
		names[0] = placement_name(PLACE_SAME_CPU);
		names[1] = placement_name(PLACE_CROSS_CPU);
		n = 2;
	}
	set_list(r, d, (char *const *)names, n, &w, err, sizeof(err));
}

/*
 * Does every transport of r take option o, with o's value?  from_flag: the
 * transports came from --transport, and the message says so.
 */
static int check_option(const struct run *r, const struct run_option *o,
			const struct where *w, bool from_flag, char *err,
			size_t len)
{
	const char *keys[TRANSPORT_MAX_OPTS] = { NULL };
	char why[256];
	unsigned n = 0;
	uint64_t v;

	if (!o->value[0])
		return where_fail(w, -1, err, len, "no value given");
	for (unsigned i = 0; i < r->n_transports; i++) {
		const struct transport_ops *t = r->transports[i];
		int k = transport_option_index(t, o->key);

		if (k >= 0 && transport_option_parse(&t->options[k], o->value,
						     &v, why, sizeof(why)))
			return where_fail(w, -1, err, len, "transport '%s': %s",
					  t->name, why);
		if (k >= 0)
			continue;
		for (; t->options && t->options[n].key && n < TRANSPORT_MAX_OPTS; n++)
			keys[n] = t->options[n].key;
		join(why, sizeof(why), keys, n);
		return where_fail(w, -1, err, len, "transport '%s'%s does not take option '%s' (%s%s)",
				  t->name, from_flag ? " (from --transport)" : "",
				  o->key, n ? "it takes: " : "it takes no options",
				  why);
	}
	return 0;
}

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
				return fail(err, len, -EINVAL, "config: transport '%s': option '%s' is also a key of a run",
					    t->name, o->key);
			if (k < n)
				continue;
			if (sc->n_opt_keys == RAW_MAX_OPT_KEYS ||
			    strlen(o->key) >= sizeof(((struct run_option *)0)->key))
				return fail(err, len, -EINVAL, "config: transport '%s': option '%s': too many options, or key too long",
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
		return fail(err, len, -ENOMEM, "%s: out of memory", path);
	if (yamlpos_cyaml_error(pos, w.ypath, sizeof(w.ypath), key,
				sizeof(key), msg, sizeof(msg))) {
		/* Runs are the only nested mappings. */
		f = strchr(w.ypath, '.') ? sc->run_fields : sc->suite_fields;
		for (; f->key; f++)
			names[n++] = f->key;
		join(valid, sizeof(valid), names, n);
		return where_fail(&w, -1, err, len, "unknown key (valid: %s)",
				  valid);
	}
	if (key[0])
		return where_fail(&w, -1, err, len, "%s", msg);
	return fail(err, len, -EINVAL, "%s:%d: %s", path,
		    yamlpos_line(pos, w.ypath), msg);
}

/*
 * rate and stall_ms pace and stall a stream: every workload of r must take
 * them.  base: the run's path in the file, or NULL after flags (the message
 * then names the flag, or the key and line of the run that set it).
 */
static int check_paced(const struct run *r, struct where *w, const char *base,
		       char *err, size_t len)
{
	static const char *const keys[] = { "rate", "stall_ms" };
	const uint64_t set[] = { r->rate, r->stall_ms };

	for (unsigned k = 0; k < ARRAY_SIZE(keys); k++) {
		if (!set[k])
			continue;
		for (unsigned i = 0; i < r->n_workloads; i++) {
			if (r->workloads[i]->paced)
				continue;
			if (base)
				where_key(w, base, keys[k]);
			else
				w->name = k ? "--stall-ms" : "--rate";
			return where_fail(w, -1, err, len, "workload '%s' is a closed loop and cannot be paced or stalled: list only paced workloads (throughput) in this run%s",
					  r->workloads[i]->name,
					  base ? "" : ", e.g. --workload throughput");
		}
	}
	return 0;
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
		where_key(&w, base, run_fixed[d].key);
		if (rr->list_count[d] || yamlpos_find(pos, w.ypath))
			ret = set_list(r, d, rr->list[d], rr->list_count[d], &w,
				       err, len);
		else if (d != DIM_TRANSPORTS)
			set_default(r, d, 1);
		if (!ret && !r->n_transports) {
			join(valid, sizeof(valid), names,
			     dim_names(DIM_TRANSPORTS, names));
			return where_fail(&w, -1, err, len, "missing: every run lists its transports (valid: %s)",
					  valid);
		}
	}
	if (!ret)
		ret = set_numbers((const char *[]){ rr->iterations, rr->warmup,
						    rr->rate, rr->stall_ms },
				  (uint64_t *[]){ &r->iterations, &r->warmup,
						  &r->rate, &r->stall_ms },
				  RUN_NUMBERS, &w, base, err, len);
	if (!ret)
		ret = check_paced(r, &w, base, err, len);
	for (unsigned k = 0; !ret && k < sc->n_opt_keys; k++) {
		struct run_option *o = &r->options[r->n_options];

		if (!rr->opt[k])
			continue;
		where_key(&w, base, sc->opt_keys[k]);
		if (r->n_options == SUITE_MAX_OPTIONS ||
		    strlen(rr->opt[k]) >= sizeof(o->value))
			return where_fail(&w, -1, err, len, "more than %d options in a run, or value longer than %zu characters",
					  SUITE_MAX_OPTIONS, sizeof(o->value) - 1);
		snprintf(o->key, sizeof(o->key), "%s", w.name);
		snprintf(o->value, sizeof(o->value), "%s", rr->opt[k]);
		o->line = yamlpos_line(pos, w.ypath);
		r->n_options++;
		ret = check_option(r, o, &w, false, err, len);
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
	ret = set_numbers((const char *[]){ raw->iterations, raw->warmup,
					    raw->rate, raw->stall_ms,
					    raw->timeout_s, raw->repetitions },
			  (uint64_t *[]){ &s->iterations, &s->warmup, &s->rate,
					  &s->stall_ms, &s->timeout_s,
					  &s->repetitions },
			  NUMBERS, &w, "", err, len);
	where_key(&w, "", "verify");
	if (!ret && raw->verify)
		ret = set_verify(raw->verify, &s->verify, &w, err, len);
	where_key(&w, "", "runs");
	if (!ret && !raw->runs_count)	/* the line of runs:, or of the suite */
		ret = where_fail(&w, -1, err, len, "%s: a suite needs at least one run",
				 yamlpos_find(pos, "runs") ? "the list is empty" : "missing");
	if (!ret && raw->runs_count > SUITE_MAX_RUNS)
		ret = where_fail(&w, SUITE_MAX_RUNS, err, len,
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
		return fail(err, len, ret, "%s:%d: %s", path, ye.line, ye.msg);
	if (ret)
		return fail(err, len, ret, "%s: %s", path, ye.msg);
	cfg.log_ctx = pos;
	text = yamlpos_text(pos, &n);
	cerr = cyaml_load_data((const uint8_t *)text, n, &cfg, &sc.top,
			       (cyaml_data_t **)&raw, NULL);
	if (cerr != CYAML_OK)
		ret = cyaml_fail(path, pos, &sc, cerr, err, len);
	else if (!raw)	/* empty, comments only, or {} */
		ret = fail(err, len, -EINVAL, "%s: the suite is empty", path);
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

/* config_defaults()'s run, and that of a suite made from flags alone. */
static void run_defaults(struct run *r, const struct suite *s)
{
	memset(r, 0, sizeof(*r));
	r->index = 1;
	for (unsigned d = 0; d < DIM_N; d++)
		set_default(r, d, 3);
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
		return fail(err, len, -EINVAL, "--option: '%s' expects KEY=VALUE",
			    text);
	if ((size_t)(eq - text) >= sizeof(o.key) ||
	    strlen(eq + 1) >= sizeof(o.value))
		return fail(err, len, -EINVAL, "--option %s: key or value too long",
			    text);
	snprintf(o.key, sizeof(o.key), "%.*s", (int)(eq - text), text);
	snprintf(o.value, sizeof(o.value), "%s", eq + 1);
	for (unsigned i = 0; transport_registry[i]; i++)
		known |= transport_option_index(transport_registry[i], o.key) >= 0;
	if (!known)
		return fail(err, len, -EINVAL, "--option %s: no transport takes option '%s' (ipcbench list shows them)",
			    text, o.key);
	for (unsigned i = 0; i < s->n_runs; i++) {
		struct run *r = &s->runs[i];
		unsigned k = 0;

		while (k < r->n_options && strcmp(r->options[k].key, o.key))
			k++;
		if (k == SUITE_MAX_OPTIONS)
			return fail(err, len, -EINVAL, "--option %s: more than %d options in run %d",
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
	ret = set_numbers((const char *[]){ o->iterations, o->warmup,
					    o->rate, o->stall_ms, o->timeout,
					    o->repetitions },
			  (uint64_t *[]){ &s->iterations, &s->warmup, &s->rate,
					  &s->stall_ms, &s->timeout_s,
					  &s->repetitions },
			  NUMBERS, &w, NULL, err, len);
	w.name = "--verify";
	if (!ret && o->verify)
		ret = set_verify(o->verify, &s->verify, &w, err, len);
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
			return where_fail(&w, -1, err, len, "'%s': %s", lists[d],
					  n == -E2BIG ? "too many items" : "an item is empty");
		for (unsigned i = 0; !ret && i < s->n_runs; i++)
			ret = set_list(&s->runs[i], d, items, (unsigned)n, &w,
				       err, len);
	}
	for (unsigned k = 0; !ret && k < o->n_options; k++)
		ret = override_option(s, o->options[k], err, len);
	/* Settings must still apply: --transport may have changed the list,
	 * --workload the workloads a rate applies to. */
	for (unsigned i = 0; !ret && i < s->n_runs; i++) {
		w = (struct where){ .file = s->runs[i].line ? s->path : NULL };
		ret = check_paced(&s->runs[i], &w, NULL, err, len);
	}
	for (unsigned i = 0; !ret && i < s->n_runs; i++) {
		for (unsigned k = 0; !ret && k < s->runs[i].n_options; k++) {
			const struct run_option *opt = &s->runs[i].options[k];

			snprintf(flag, sizeof(flag), "--option %s=%s", opt->key,
				 opt->value);
			w = (struct where){ .file = opt->line ? s->path : NULL,
					    .name = opt->line ? opt->key : flag,
					    .line = opt->line };
			ret = check_option(&s->runs[i], opt, &w,
					   opt->line && o->transports, err, len);
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
		return fail(err, len, -ENOMEM, "config: out of memory");
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
			return fail(err, len, -EINVAL, "%s: option '%s': bad default",
				    ops->name, o[k].key);
	}
	for (unsigned i = 0; i < r->n_options; i++) {
		k = transport_option_index(ops, r->options[i].key);
		if (k < 0)
			return fail(err, len, -EINVAL, "%s: does not take option '%s'",
				    ops->name, r->options[i].key);
		if (transport_option_parse(&o[k], r->options[i].value, &opt[k],
					   why, sizeof(why)))
			return fail(err, len, -EINVAL, "%s: option '%s': %s",
				    ops->name, r->options[i].key, why);
	}
	return 0;
}

const char *verify_name(enum verify_mode v)
{
	for (unsigned i = 0; i < ARRAY_SIZE(verify_strings); i++) {
		if (verify_strings[i].val == (int64_t)v)
			return verify_strings[i].str;
	}
	return "?";
}
