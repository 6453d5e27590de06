/*
 * fuzz_size.c - libFuzzer target for the number and size parsers
 * (parse_u64, parse_size, split_list in util.c) and for --size as
 * config_override() reads it.
 *
 * What must hold for any input: no crash, no sanitizer report; a number
 * parse_u64 accepts is accepted by parse_size with the same value; a size
 * printed by format_size_short() parses back to itself; an error of
 * --size is one line naming the flag.  Built by `make fuzz`; seeds in
 * corpus/size/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "util.h"

#define MAX_INPUT 1024

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct suite s;
	char text[MAX_INPUT + 1], copy[MAX_INPUT + 1], back[64];
	char err[CONFIG_ERR_LEN], *items[SUITE_MAX_LIST];
	struct overrides ov = { .sizes = text };
	uint64_t u, v, w;
	int nu, ns;

	if (size > MAX_INPUT)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	nu = parse_u64(text, &u);
	ns = parse_size(text, &v);
	if (!nu && (ns || u != v))
		abort();	/* plain digits are a size in bytes */
	if (!ns) {
		format_size_short(v, back, sizeof(back));
		if (parse_size(back, &w) || w != v)
			abort();	/* what we print, we read back */
	}
	memcpy(copy, text, size + 1);
	(void)split_list(copy, items, SUITE_MAX_LIST);

	config_defaults(&s);
	err[0] = '\0';
	if (config_override(&s, &ov, err, sizeof(err)) &&
	    (strncmp(err, "--size", 6) || strchr(err, '\n')))
		abort();	/* one line, naming the flag */
	return 0;
}
