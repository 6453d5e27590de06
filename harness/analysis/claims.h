/*
 * claims.h - `ipcbench claims [DIR]`: textbook claims about IPC, checked
 * against a run's measured data.
 *
 * Each claim gets a verdict - holds, does not hold, not significant, or not
 * measured - and the numbers behind it: the medians compared, their ratio,
 * Welch's p-value across repetitions, the placement.  Verdicts are computed
 * from the data each time, never written down in advance; a claim the run
 * has no data for says which cases it needs and the command that measures
 * them.  One claim (message queues keep messages after the sender exits)
 * is a property, not a speed: it is shown by a small experiment run on the
 * spot, which leaves nothing behind.
 *
 * Conventions: 0 or -errno with a one-line reason in err.
 */
#ifndef IPCBENCH_CLAIMS_H
#define IPCBENCH_CLAIMS_H

#include <stdio.h>

#include "format.h"

/*
 * Check every claim against the results in dir and print them to out as
 * text (FORMAT_TABLE) or JSON; FORMAT_CSV is refused with -EINVAL.  0, or
 * -errno when dir cannot be read as results (err says why).
 */
int claims_run(const char *dir, enum output_format fmt, FILE *out, char *err,
	       size_t len);

#endif
