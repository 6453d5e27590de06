/*
 * config_int.h - what the parts of the suite loader share: config.c (the
 * file, through libcyaml), config_rules.c (the rules every value meets,
 * from the file or from a flag) and config_flags.c (the built-in suite and
 * the command-line overrides).  Not for use outside them: everyone else
 * includes config.h.
 *
 * A value is checked where it came from (struct where): a key of the file,
 * whose line yamlpos.c knows, or a flag.  The rules return 0 or -EINVAL
 * and write one line into err, as config.h's functions do.
 */
#ifndef IPCBENCH_CONFIG_INT_H
#define IPCBENCH_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

struct yamlpos;

/* The list dimensions of a run, in the order of its keys. */
enum dim { DIM_TRANSPORTS, DIM_WORKLOADS, DIM_SIZES, DIM_PLACEMENTS, DIM_N };

/* How many numbers a suite has (config_rules.c's numbers[]), and how many
 * of them, the first, a run has too. */
#define CFG_NUMBERS 6
#define CFG_RUN_NUMBERS 4

/* Where a value came from: a key of the file, or a flag. */
struct where {
	const char *file;		/* NULL for a flag */
	const char *name;		/* the key, or the flag: "--size" */
	const struct yamlpos *pos;	/* lines of key and items; else line */
	char ypath[128];		/* the key's path in pos */
	int line;
};

/* Messages. */
__attribute__((format(printf, 4, 5)))
int cfg_fail(char *err, size_t len, int ret, const char *fmt, ...);
__attribute__((format(printf, 5, 6)))
int cfg_where_fail(const struct where *w, int item, char *err, size_t len,
		   const char *fmt, ...);
void cfg_where_key(struct where *w, const char *base, const char *key);
void cfg_join(char *buf, size_t len, const char *const *names, unsigned n);
unsigned cfg_dim_names(enum dim d, const char **names);

/* Values. */
int cfg_set_numbers(const char *const *text, uint64_t *const *dst,
		    unsigned n, struct where *w, const char *base, char *err,
		    size_t len);
int cfg_set_verify(const char *text, enum verify_mode *out,
		   const struct where *w, char *err, size_t len);
int cfg_set_list(struct run *r, enum dim d, char *const *items, unsigned n,
		 const struct where *w, char *err, size_t len);
void cfg_set_default(struct run *r, enum dim d, unsigned n_sizes);

/* A run as a whole. */
int cfg_check_option(const struct run *r, const struct run_option *o,
		     const struct where *w, bool from_flag, char *err,
		     size_t len);
int cfg_check_paced(const struct run *r, struct where *w, const char *base,
		    char *err, size_t len);

#endif
