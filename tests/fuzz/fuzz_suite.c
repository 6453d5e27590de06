/*
 * fuzz_suite.c - libFuzzer target for the suite loader: every input is
 * written to a memfd and loaded with config_load() through /proc/self/fd,
 * as `ipcbench run FILE` would; a suite that loads is then planned.
 *
 * What must hold for any input: no crash, no sanitizer report, and an
 * error is one line (no newline) that names the file.  Built by
 * `make fuzz` (clang, -Dfuzz=true); seeds in corpus/suite/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "runner.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct suite s;
	static int fd = -1;
	char path[64], err[CONFIG_ERR_LEN];
	struct case_spec *cases;
	unsigned n;

	if (fd < 0 && (fd = memfd_create("suite.yaml", MFD_CLOEXEC)) < 0)
		abort();
	if (ftruncate(fd, 0) || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	err[0] = '\0';
	if (config_load(path, &s, err, sizeof(err))) {
		if (!strstr(err, path) || strchr(err, '\n'))
			abort();	/* a message must be one line naming the file */
		return 0;
	}
	if (plan_build(&s, &cases, &n) == 0)
		free(cases);
	return 0;
}
