/*
 * explain.h - `ipcbench explain [TRANSPORT] [--results DIR]`: the lesson
 * each transport module keeps (struct transport_explain in transport.h),
 * printed for a terminal, and what a run measured of that transport.
 *
 * Conventions: printers write to f and return 0 or -errno with a one-line
 * reason in err.  Text is wrapped at EXPLAIN_WIDTH columns.
 */
#ifndef IPCBENCH_EXPLAIN_H
#define IPCBENCH_EXPLAIN_H

#include <stddef.h>
#include <stdio.h>

#include "transport.h"

#define EXPLAIN_WIDTH 76

/* Every registered transport on one line, then how to choose. */
void explain_overview(FILE *f);

/*
 * The whole lesson of ops: its sections, then its options.  With results
 * non-NULL, then the figures of its cases in results/summary.csv: for each
 * ok case p50 and p99 latency, msg/s, MB/s and CPU per message; for the
 * others the status and reason.  -ENOENT, -ENOTDIR or -EINVAL when the
 * directory cannot be read as a run (err names the file); then nothing is
 * printed.
 */
int explain_transport(FILE *f, const struct transport_ops *ops,
		      const char *results, char *err, size_t len);

/* "pipe, fifo, uds, ...": the registered names, for messages. */
void explain_names(char *buf, size_t len);

#endif
