/*
 * registry.c - the one list of transports.
 *
 * An explicit NULL-terminated array (as perf bench and stress-ng do), not
 * constructor attributes: a static library linked with link_with: drops an
 * object that only holds a constructor.  Adding a transport is one line here
 * plus its file.  The order is the order of `ipcbench list` and of tables.
 */
#include <stddef.h>

#include "transport.h"

extern const struct transport_ops transport_pipe;
extern const struct transport_ops transport_fifo;
extern const struct transport_ops transport_uds;
extern const struct transport_ops transport_tcp;
extern const struct transport_ops transport_udp;
extern const struct transport_ops transport_shm;
extern const struct transport_ops transport_mq;

const struct transport_ops *const transport_registry[] = {
	&transport_pipe,
	&transport_fifo,
	&transport_uds,
	&transport_tcp,
	&transport_udp,
	&transport_shm,
	&transport_mq,
	NULL,
};
