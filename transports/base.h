/*
 * base.h - the few helpers every layer of ipcbench uses, transports
 * included: ARRAY_SIZE, the monotonic clock, strict number and size
 * parsing.  Nothing here knows a transport, a case or a file.
 *
 * Parsers return 0 or -EINVAL/-ERANGE and never accept trailing junk,
 * signs, octal or fractions (libcyaml 1.3.1 does; see FACTS.md), so every
 * number a user writes goes through here.
 */
#ifndef IPCBENCH_BASE_H
#define IPCBENCH_BASE_H

#include <stdint.h>
#include <time.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Decimal integer, digits only (no sign, no junk); 0 or -EINVAL/-ERANGE. */
int parse_u64(const char *s, uint64_t *out);

/*
 * Byte count: digits with an optional binary suffix K, M or G (also KiB,
 * MiB, GiB, and KB, MB, GB as the same binary units; case-insensitive;
 * "4K" = "4KB" = 4096).  0 or -EINVAL/-ERANGE.
 */
int parse_size(const char *s, uint64_t *out);

/* CLOCK_MONOTONIC in nanoseconds (vDSO, ~20 ns here). */
static inline int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#endif
