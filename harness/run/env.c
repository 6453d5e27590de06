/*
 * env.c - what a run happened on: kernel, CPU, virtualisation, clock source,
 * the kernel limits that shape IPC figures, the build, and the cost of the
 * harness's own sample recording.  Everything goes into results.json so a
 * figure can be reproduced and judged; "unknown" is written, never a guess.
 * It changes nothing on the machine.
 */
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "env.h"
#include "version.h"

#ifndef IPCBENCH_BUILDTYPE
#define IPCBENCH_BUILDTYPE "unknown"
#endif
#ifndef IPCBENCH_BUILD_FLAGS
#define IPCBENCH_BUILD_FLAGS "unknown"
#endif

/* First line of a small file, without its newline; "" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static long read_long(const char *path)
{
	char buf[64];
	char *end;
	long v;

	read_line(path, buf, sizeof(buf));
	v = strtol(buf, &end, 10);
	return end == buf ? -1 : v;
}

/* "model name" and the "hypervisor" flag from /proc/cpuinfo. */
static void read_cpuinfo(struct env *e)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];

	snprintf(e->cpu_model, sizeof(e->cpu_model), "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!colon)
			continue;
		if (!strncmp(line, "model name", 10) &&
		    !strcmp(e->cpu_model, "unknown")) {
			snprintf(e->cpu_model, sizeof(e->cpu_model), "%s",
				 colon + 2);
			e->cpu_model[strcspn(e->cpu_model, "\n")] = '\0';
		} else if (!strncmp(line, "flags", 5) &&
			   strstr(colon, " hypervisor")) {
			e->virtualized = true;
		}
	}
	fclose(f);
}

static void add_warning(struct env *e, const char *w)
{
	size_t n = strlen(e->warnings);

	snprintf(e->warnings + n, sizeof(e->warnings) - n, "%s%s",
		 n ? "; " : "", w);
}

void env_collect(struct env *e, const struct cpu_pair *cpus)
{
	struct utsname u;
	time_t now = time(NULL);
	double load = 0;
	cpu_set_t set;
	FILE *f;

	memset(e, 0, sizeof(*e));
	strftime(e->time_utc, sizeof(e->time_utc), "%Y-%m-%dT%H:%M:%SZ",
		 gmtime(&now));
	if (gethostname(e->host, sizeof(e->host)))
		snprintf(e->host, sizeof(e->host), "unknown");
	if (uname(&u) == 0)
		snprintf(e->kernel, sizeof(e->kernel), "%s %s %s", u.sysname,
			 u.release, u.machine);
	read_cpuinfo(e);
	e->cpus_online = (int)sysconf(_SC_NPROCESSORS_ONLN);
	e->cpus_allowed = sched_getaffinity(0, sizeof(set), &set) ? -1 :
								     CPU_COUNT(&set);
	read_line("/sys/devices/system/clocksource/clocksource0/current_clocksource",
		  e->clocksource, sizeof(e->clocksource));
	read_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
		  e->governor, sizeof(e->governor));
	if (!e->clocksource[0])
		snprintf(e->clocksource, sizeof(e->clocksource), "unknown");
	if (!e->governor[0])
		snprintf(e->governor, sizeof(e->governor), "unknown");
	snprintf(e->compiler, sizeof(e->compiler), "gcc-compatible %s", __VERSION__);
	snprintf(e->build_type, sizeof(e->build_type), "%s", IPCBENCH_BUILDTYPE);
	snprintf(e->build_flags, sizeof(e->build_flags), "%s",
		 IPCBENCH_BUILD_FLAGS);
	snprintf(e->version, sizeof(e->version), "%s", IPCBENCH_VERSION);
	e->dirty = strstr(e->version, "-dirty") != NULL;
	read_line("/sys/devices/system/cpu/smt/control", e->smt, sizeof(e->smt));
	if (!strcmp(e->smt, "notsupported") || !strcmp(e->smt, "notimplemented"))
		snprintf(e->smt, sizeof(e->smt), "unsupported");
	else if (!strcmp(e->smt, "forceoff"))
		snprintf(e->smt, sizeof(e->smt), "off");
	else if (!e->smt[0])
		snprintf(e->smt, sizeof(e->smt), "unknown");
	e->pipe_max_size = read_long("/proc/sys/fs/pipe-max-size");
	e->mq_msg_max = read_long("/proc/sys/fs/mqueue/msg_max");
	e->mq_msgsize_max = read_long("/proc/sys/fs/mqueue/msgsize_max");
	e->rmem_max = read_long("/proc/sys/net/core/rmem_max");
	e->wmem_max = read_long("/proc/sys/net/core/wmem_max");
	e->cpus = *cpus;
	e->calib_err = calib_run(cpus, ENV_CALIB_BUDGET_MS, &e->calib);
	/* The calibration's figure is the run's: measured once, on the CPU
	 * cases use.  0 when it could not be (results.json takes no NAN). */
	e->sample_overhead_ns = isnan(e->calib.sample_overhead_ns) ? 0 :
				e->calib.sample_overhead_ns;

#ifndef __OPTIMIZE__
	add_warning(e, "this build is not optimised: figures include unoptimised harness code (use the default release build)");
#endif
	if (e->dirty)
		add_warning(e, "built from a git tree with uncommitted changes: the revision alone does not say what ran");
	if (e->virtualized)
		add_warning(e, "running in a virtual machine: vCPUs share physical cores and wake-ups cost more than on bare metal");
	f = fopen("/proc/loadavg", "re");
	if (f) {
		if (fscanf(f, "%lf", &load) == 1 && e->cpus_online > 0 &&
		    load > 0.5 * e->cpus_online) {
			char w[128];

			snprintf(w, sizeof(w), "the machine is busy (load average %.2f on %d CPUs): figures will be noisy",
				 load, e->cpus_online);
			add_warning(e, w);
		}
		fclose(f);
	}
}
