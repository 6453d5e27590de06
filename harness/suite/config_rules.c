/*
 * config_rules.c - suites: the rules every value meets, whether it came
 * from a suite file (config.c) or from a flag (config_flags.c).
 *
 * Numbers and sizes are parsed with util.c's strict parsers and checked
 * against their ranges, size lists and ranges ("64..1M*4") expanded, names
 * resolved through the transport and workload registries, and each run's
 * options and pacing checked against its transports and workloads.  Each
 * problem becomes one line naming where the value came from,
 * "PATH:LINE: key 'KEY': PROBLEM" or "--flag: PROBLEM".  This module reads
 * nothing and knows no transport by name; it is not the libcyaml schema.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <cyaml/cyaml.h>

#include "config.h"
#include "config_int.h"
#include "util.h"
#include "workload.h"
#include "yamlpos.h"

static const char *const dim_what[DIM_N] = {
	"transport", "workload", "size", "placement",
};

/* verify is read as a string so that its error can list these. */
static const cyaml_strval_t verify_strings[] = {
	{ "seq", VERIFY_SEQ },
	{ "full", VERIFY_FULL },
};

/*
 * The numbers of a suite, in the order of struct raw_suite's and of the
 * overrides' fields: key, flag, range.  A run takes the first
 * CFG_RUN_NUMBERS (the suite's values are their defaults).
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
_Static_assert(ARRAY_SIZE(numbers) == CFG_NUMBERS,
	       "config_int.h's CFG_NUMBERS counts numbers[]");

int cfg_fail(char *err, size_t len, int ret, const char *fmt, ...)
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
int cfg_where_fail(const struct where *w, int item, char *err, size_t len,
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

void cfg_where_key(struct where *w, const char *base, const char *key)
{
	w->name = key;
	snprintf(w->ypath, sizeof(w->ypath), "%s%s%s", base, *base ? "." : "",
		 key);
}

/* "a, b, c" into buf. */
void cfg_join(char *buf, size_t len, const char *const *names, unsigned n)
{
	size_t at = 0;

	buf[0] = '\0';
	for (unsigned i = 0; i < n && at < len; i++)
		at += (size_t)snprintf(buf + at, len - at, "%s%s",
				       i ? ", " : "", names[i]);
}

/* The names a dimension accepts (none for sizes). */
unsigned cfg_dim_names(enum dim d, const char **names)
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
		return cfg_where_fail(w, item, err, len, "no value given");
	if (text[0] == '0' && text[1] >= '0' && text[1] <= '9')
		return cfg_where_fail(w, item, err, len, "'%s' has a leading zero (some YAML readers take it for octal: write it without)",
				      text);
	ret = size ? parse_size(text, &v) : parse_u64(text, &v);
	if (ret == -EINVAL)
		return cfg_where_fail(w, item, err, len, "'%s' is not a %s", text,
				      size ? "size (examples: 64, 4K, 1M)" :
					 "whole number");
	if (size && !ret && v < min)
		return cfg_where_fail(w, item, err, len, "'%s' is too small: a size must be at least %llu bytes, the message header",
				      text, (unsigned long long)min);
	if (ret || v < min || v > max)
		return cfg_where_fail(w, item, err, len, "'%s' is out of range (%llu..%llu)",
				      text, (unsigned long long)min,
				      (unsigned long long)max);
	*out = v;
	return 0;
}

/* text[i] (NULL when not given) into *dst[i], for numbers[0..n). base:
 * the key's path prefix in the file, or NULL for flags. */
int cfg_set_numbers(const char *const *text, uint64_t *const *dst,
		       unsigned n, struct where *w, const char *base, char *err,
		       size_t len)
{
	int ret = 0;

	for (unsigned i = 0; !ret && i < n; i++) {
		if (base)
			cfg_where_key(w, base, numbers[i].key);
		else
			w->name = numbers[i].flag;
		if (text[i])
			ret = set_number(text[i], false, numbers[i].min,
					 numbers[i].max, dst[i], w, -1, err, len);
	}
	return ret;
}

int cfg_set_verify(const char *text, enum verify_mode *out,
		      const struct where *w, char *err, size_t len)
{
	for (unsigned i = 0; i < ARRAY_SIZE(verify_strings); i++) {
		if (strcmp(text, verify_strings[i].str) == 0) {
			*out = (enum verify_mode)verify_strings[i].val;
			return 0;
		}
	}
	return cfg_where_fail(w, -1, err, len, "'%s' is not a verify mode (valid: seq, full)",
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
		return cfg_where_fail(w, item, err, len, "'%s' is not a size range (example: 64..1M*4)",
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
		return cfg_where_fail(w, item, err, len, "'%s': the step after '*' must be a whole number from 2 to 1024",
				      text);
	if (!ret && a > b)
		return cfg_where_fail(w, item, err, len, "'%s': the range ends below its start",
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
	return cfg_where_fail(w, item, err, len, "more than %d sizes", SUITE_MAX_LIST);
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
					return cfg_where_fail(w, (int)i, err, len, "'%s' is listed twice",
							      items[i]);
				return cfg_where_fail(w, (int)i, err, len, "'%s' repeats size %s, listed before",
						      items[i], a);
			}
		}
	}
	memcpy(r->sizes, v, count * sizeof(v[0]));
	r->n_sizes = count;
	return 0;
}

/* Set dimension d of r to the n names or sizes in items; all or nothing. */
int cfg_set_list(struct run *r, enum dim d, char *const *items, unsigned n,
		    const struct where *w, char *err, size_t len)
{
	const char *names[SUITE_MAX_LIST];
	uint64_t v[SUITE_MAX_LIST];
	char valid[512];
	unsigned i, j;

	if (!n)
		return cfg_where_fail(w, -1, err, len, "the list is empty");
	if (n > SUITE_MAX_LIST)
		return cfg_where_fail(w, SUITE_MAX_LIST, err, len,
				      "more than %d items", SUITE_MAX_LIST);
	if (d == DIM_SIZES)
		return set_sizes(r, items, n, w, err, len);
	for (i = 0; i < n; i++) {
		/* v[i] identifies the item: a registry entry or enum. */
		v[i] = d == DIM_TRANSPORTS ? (uintptr_t)transport_find(items[i]) :
		       d == DIM_WORKLOADS ? (uintptr_t)workload_find(items[i]) :
		       (uint64_t)(placement_parse(items[i]) + 1);
		if (!v[i]) {
			cfg_join(valid, sizeof(valid), names,
				 cfg_dim_names(d, names));
			return cfg_where_fail(w, (int)i, err, len, "'%s' is not a %s (valid: %s)",
					      items[i], dim_what[d], valid);
		}
		for (j = 0; j < i; j++) {
			if (v[j] == v[i])
				return cfg_where_fail(w, (int)i, err, len,
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
void cfg_set_default(struct run *r, enum dim d, unsigned n_sizes)
{
	static const char *const sizes[] = { "64", "4K", "64K" };
	const struct where w = { .name = "defaults" };
	const char *names[SUITE_MAX_LIST];
	unsigned n = cfg_dim_names(d, names);
	char err[8];

	if (d == DIM_SIZES) {
		memcpy(names, sizes, sizeof(sizes));
		n = n_sizes;
	} else if (d == DIM_PLACEMENTS) {
		names[0] = placement_name(PLACE_SAME_CPU);
		names[1] = placement_name(PLACE_CROSS_CPU);
		n = 2;
	}
	cfg_set_list(r, d, (char *const *)names, n, &w, err, sizeof(err));
}

/*
 * Does every transport of r take option o, with o's value?  from_flag: the
 * transports came from --transport, and the message says so.
 */
int cfg_check_option(const struct run *r, const struct run_option *o,
			const struct where *w, bool from_flag, char *err,
			size_t len)
{
	const char *keys[TRANSPORT_MAX_OPTS] = { NULL };
	char why[256];
	unsigned n = 0;
	uint64_t v;

	if (!o->value[0])
		return cfg_where_fail(w, -1, err, len, "no value given");
	for (unsigned i = 0; i < r->n_transports; i++) {
		const struct transport_ops *t = r->transports[i];
		int k = transport_option_index(t, o->key);

		if (k >= 0 && transport_option_parse(&t->options[k], o->value,
						     &v, why, sizeof(why)))
			return cfg_where_fail(w, -1, err, len, "transport '%s': %s",
					      t->name, why);
		if (k >= 0)
			continue;
		for (; t->options && t->options[n].key && n < TRANSPORT_MAX_OPTS; n++)
			keys[n] = t->options[n].key;
		cfg_join(why, sizeof(why), keys, n);
		return cfg_where_fail(w, -1, err, len, "transport '%s'%s does not take option '%s' (%s%s)",
				      t->name, from_flag ? " (from --transport)" : "",
				      o->key, n ? "it takes: " : "it takes no options",
				      why);
	}
	return 0;
}

/*
 * rate and stall_ms pace and stall a stream: every workload of r must take
 * them.  base: the run's path in the file, or NULL after flags (the message
 * then names the flag, or the key and line of the run that set it).
 */
int cfg_check_paced(const struct run *r, struct where *w, const char *base,
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
				cfg_where_key(w, base, keys[k]);
			else
				w->name = k ? "--stall-ms" : "--rate";
			return cfg_where_fail(w, -1, err, len, "workload '%s' is a closed loop and cannot be paced or stalled: list only paced workloads (throughput) in this run%s",
					      r->workloads[i]->name,
					      base ? "" : ", e.g. --workload throughput");
		}
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