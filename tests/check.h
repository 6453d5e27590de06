/*
 * check.h - the minimal test helper every tests/test_*.c uses.
 *
 * CHECK(cond, fmt, ...) reports a failed expectation with file and line and
 * keeps going; CHECK_EQ_U64 and CHECK_STR_CONTAINS print both sides.  main()
 * ends with `return check_summary("name");`, which prints
 * "name: N checks, N failed" and returns 0 only when nothing failed (and at
 * least one check ran, so a test that asserts nothing fails).
 * check_leftovers() counts what a test left in a directory.
 */
#ifndef IPCBENCH_CHECK_H
#define IPCBENCH_CHECK_H

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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

/*
 * Entries of dir whose name starts with prefix ("" for every entry), each
 * reported as left behind and, with remove, removed (so one leak does not
 * fail later cases too).  A missing dir holds none.
 */
static inline unsigned check_leftovers(const char *dir, const char *prefix,
				       bool remove)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    strncmp(e->d_name, prefix, strlen(prefix)))
			continue;
		fprintf(stderr, "left behind: %s/%s\n", dir, e->d_name);
		if (remove && unlinkat(dirfd(d), e->d_name, 0))
			unlinkat(dirfd(d), e->d_name, AT_REMOVEDIR);
		n++;
	}
	if (d)
		closedir(d);
	return n;
}

static inline int check_summary(const char *name)
{
	printf("%s: %u checks, %u failed\n", name, check_count, check_failed);
	return (check_failed || !check_count) ? 1 : 0;
}

#endif
