/*
 * registry.c - the one list of transports, as an array.
 *
 * The names are written once, in the `transports` array of meson.build,
 * which builds transports/<name>.c, runs the per-transport tests and
 * generates transport_list.h: TRANSPORT_LIST expands X(name) for each, in
 * that order.  An explicit NULL-terminated array (as perf bench and
 * stress-ng do), not constructor attributes: a static library linked with
 * link_with: drops an object that only holds a constructor.  The order is
 * the order of `ipcbench list`, of tables and of chart colours.
 */
#include <stddef.h>

#include "transport.h"
#include "transport_list.h"

#define X(name) extern const struct transport_ops transport_##name;
TRANSPORT_LIST
#undef X

const struct transport_ops *const transport_registry[] = {
#define X(name) &transport_##name,
	TRANSPORT_LIST
#undef X
	NULL,
};
