/*
 * check.h - the minimal test helper every tests/test_*.c uses.
 *
 * CHECK(cond, fmt, ...) reports a failed expectation with file and line and
 * keeps going; CHECK_EQ_U64 and CHECK_STR_CONTAINS print both sides.  main()
 * ends with `return check_summary("name");`, which prints
 * "name: N checks, N failed" and returns 0 only when nothing failed (and at
 * least one check ran, so a test that asserts nothing fails).
 */
#ifndef IPCBENCH_CHECK_H
#define IPCBENCH_CHECK_H

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static unsigned check_count, check_failed;

#define CHECK(cond, ...)                                                     \
	do {                                                                 \
		check_count++;                                               \
		if (!(cond)) {                                               \
			check_failed++;                                      \
			fprintf(stderr, "%s:%d: check failed: %s: ",         \
				__FILE__, __LINE__, #cond);                  \
			fprintf(stderr, __VA_ARGS__);                        \
			fputc('\n', stderr);                                 \
		}                                                            \
	} while (0)

#define CHECK_EQ_U64(got, want)                                              \
	do {                                                                 \
		uint64_t got_ = (uint64_t)(got), want_ = (uint64_t)(want);   \
		CHECK(got_ == want_, "%s = %" PRIu64 ", want %" PRIu64,      \
		      #got, got_, want_);                                    \
	} while (0)

#define CHECK_STR_CONTAINS(hay, needle)                                      \
	do {                                                                 \
		const char *hay_ = (hay), *needle_ = (needle);               \
		CHECK(hay_ && strstr(hay_, needle_), "'%s' does not contain '%s'", \
		      hay_ ? hay_ : "(null)", needle_);                      \
	} while (0)

static inline int check_summary(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_count, check_failed);
	return (check_failed || !check_count) ? 1 : 0;
}

#endif
