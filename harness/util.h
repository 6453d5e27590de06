/*
 * util.h - small shared helpers: strict number and size parsing, names of
 * enumerations used across modules, the monotonic clock.
 *
 * Parsers return 0 or -EINVAL/-ERANGE and never accept trailing junk,
 * signs, octal or fractions (libcyaml 1.3.1 does; see FACTS.md), so every
 * number a user writes goes through here.
 */
#ifndef IPCBENCH_UTIL_H
#define IPCBENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "transport.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Decimal integer, digits only (no sign, no junk); 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t *out);

/*
 * Byte count: digits with an optional binary suffix K, M or G (also KiB,
 * MiB, GiB, and KB, MB, GB as the same binary units; case-insensitive;
 * "4K" = "4KB" = 4096).  0 or -EINVAL/-ERANGE.
 */
int parse_size(const char *s, uint64_t *out);

/* "64 B", "4 KiB", "1 MiB" when exact, else bytes: for people. */
void format_size(uint64_t bytes, char *buf, size_t len);
/* "64", "4K", "1M" when exact: for file names and ids. */
void format_size_short(uint64_t bytes, char *buf, size_t len);

/* A duration for people: "850 ns", "2.41 us", "1.23 ms", "2.00 s". */
void format_ns(double ns, char *buf, size_t len);
/* A rate for people: "1.23 M", "456.7 k", "89". */
void format_rate(double v, char *buf, size_t len);

/* s as a JSON string literal, quoted and escaped, to f. */
void json_put_str(FILE *f, const char *s);

/* Placement names: "same-cpu", "cross-cpu", "unpinned". */
const char *placement_name(enum placement p);
/* -1 when name is not a placement. */
int placement_parse(const char *name);
/* "same-cpu, cross-cpu, unpinned": for error messages. */
extern const char placement_choices[];

/* CLOCK_MONOTONIC in nanoseconds (vDSO, ~20 ns here). */
static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/*
 * Make a message one line: every control character (a newline in a flag's
 * value, say) becomes '?'.  Messages quote what users wrote.
 */
void one_line(char *s);

/*
 * Split a comma-separated list in place into at most max items; returns
 * the count, or -E2BIG / -EINVAL (an empty item).
 */
int split_list(char *s, char **items, int max);

#endif
