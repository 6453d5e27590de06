/*
 * util.h - small helpers of the harness: sizes, durations and rates for
 * people, JSON string literals, one-line messages, comma lists.  It brings
 * base.h (ARRAY_SIZE, now_ns, the strict parsers) along, which transports
 * use too.
 */
#ifndef IPCBENCH_UTIL_H
#define IPCBENCH_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base.h"
#include "format.h"

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
