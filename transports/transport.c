/*
 * transport.c - what every transport shares: lookup in the registry, the
 * check of an ops table (its explain text included), the headings of the
 * explain sections, option parsing, failure messages, and full reads and
 * writes for byte streams.
 *
 * It knows no transport by name; registry.c holds the list.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "base.h"
#include "transport.h"

/* The order and headings `ipcbench explain` prints the sections in. */
#define SECTION(member, text) \
	{ text, offsetof(struct transport_explain, member) }
const struct transport_section transport_sections[TRANSPORT_SECTIONS] = {
	SECTION(mechanism, "Mechanism"),
	SECTION(cost, "Per message: system calls and copies"),
	SECTION(blocking, "Who waits, and how the peer is woken"),
	SECTION(boundaries, "Message boundaries and delivery"),
	SECTION(persistence, "Names, lifetime and cleanup"),
	SECTION(limits, "Limits, and how to read them"),
	SECTION(choose, "When to choose it"),
	SECTION(pitfalls, "Pitfalls"),
};
#undef SECTION

/* The explain text: present, every section written, pick one short line. */
static int check_explain(const struct transport_ops *ops, char *why,
			 size_t len)
{
	const struct transport_explain *e = ops->explain;

	if (!e) {
		snprintf(why, len, "%s: no explain text", ops->name);
		return -EINVAL;
	}
	if (!e->pick || !*e->pick || strlen(e->pick) > EXPLAIN_PICK_MAX ||
	    strchr(e->pick, '\n')) {
		snprintf(why, len, "%s: explain: pick must be one line of 1 to %d characters",
			 ops->name, EXPLAIN_PICK_MAX);
		return -EINVAL;
	}
	for (unsigned i = 0; i < TRANSPORT_SECTIONS; i++) {
		const char *text = transport_section_text(e, i);

		if (!text || !*text) {
			snprintf(why, len, "%s: explain: section '%s' is empty",
				 ops->name, transport_sections[i].heading);
			return -EINVAL;
		}
	}
	return 0;
}

const struct transport_ops *transport_find(const char *name)
{
	for (unsigned i = 0; transport_registry[i]; i++) {
		if (strcmp(transport_registry[i]->name, name) == 0)
			return transport_registry[i];
	}
	return NULL;
}

int transport_check(const struct transport_ops *ops, char *why, size_t len)
{
	const unsigned known = TF_STREAM | TF_LOSSY | TF_PATH;
	const struct transport_option *o;
	unsigned n = 0;

	if (!ops->name || !*ops->name || !ops->summary || !*ops->summary) {
		snprintf(why, len, "a transport has no name or summary");
		return -EINVAL;
	}
	if (!ops->setup || !ops->open || !ops->send || !ops->recv ||
	    !ops->close || !ops->teardown) {
		snprintf(why, len, "%s: a required hook is missing", ops->name);
		return -EINVAL;
	}
	if (check_explain(ops, why, len))
		return -EINVAL;
	if (ops->flags & ~known) {
		snprintf(why, len, "%s: unknown flags 0x%x", ops->name,
			 ops->flags & ~known);
		return -EINVAL;
	}
	if ((ops->flags & TF_STREAM) && (ops->flags & TF_LOSSY)) {
		snprintf(why, len, "%s: a byte stream cannot be lossy", ops->name);
		return -EINVAL;
	}
	for (o = ops->options; o && o->key; o++, n++) {
		uint64_t v;
		char sub[128];

		if (n == TRANSPORT_MAX_OPTS) {
			snprintf(why, len, "%s: more than %d options", ops->name,
				 TRANSPORT_MAX_OPTS);
			return -EINVAL;
		}
		if (!o->def || !o->help ||
		    (o->type == TOPT_ENUM && (!o->choices || !o->choices[0]))) {
			snprintf(why, len, "%s: option '%s' lacks a default, help or choices",
				 ops->name, o->key);
			return -EINVAL;
		}
		if (transport_option_parse(o, o->def, &v, sub, sizeof(sub))) {
			snprintf(why, len, "%s: option '%s': bad default: %s",
				 ops->name, o->key, sub);
			return -EINVAL;
		}
		if (transport_option_index(ops, o->key) != (int)n) {
			snprintf(why, len, "%s: option '%s' is listed twice",
				 ops->name, o->key);
			return -EINVAL;
		}
	}
	return 0;
}

int transport_option_index(const struct transport_ops *ops, const char *key)
{
	for (int i = 0; ops->options && ops->options[i].key; i++) {
		if (strcmp(ops->options[i].key, key) == 0)
			return i;
	}
	return -1;
}

static int parse_bool(const char *text, uint64_t *out)
{
	static const char *const yes[] = { "true", "yes", "on", "1" };
	static const char *const no[] = { "false", "no", "off", "0" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(text, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(text, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -EINVAL;
}

int transport_option_parse(const struct transport_option *o, const char *text,
			   uint64_t *out, char *why, size_t len)
{
	uint64_t v;
	int ret;

	switch (o->type) {
	case TOPT_BOOL:
		if (parse_bool(text, out)) {
			snprintf(why, len, "'%s' is not a boolean (true, false)",
				 text);
			return -EINVAL;
		}
		return 0;
	case TOPT_ENUM:
		for (unsigned i = 0; o->choices[i]; i++) {
			if (strcmp(text, o->choices[i]) == 0) {
				*out = i;
				return 0;
			}
		}
		ret = snprintf(why, len, "'%s' is not one of:", text);
		for (unsigned i = 0; o->choices[i] && ret > 0 && (size_t)ret < len; i++)
			ret += snprintf(why + ret, len - (size_t)ret, "%s %s",
					i ? "," : "", o->choices[i]);
		return -EINVAL;
	case TOPT_UINT:
	case TOPT_SIZE:
		ret = o->type == TOPT_SIZE ? parse_size(text, &v) :
					     parse_u64(text, &v);
		if (ret) {
			snprintf(why, len, "'%s' is not a%s", text,
				 o->type == TOPT_SIZE ?
				 " size (examples: 64, 4K, 1M)" :
				 " whole number");
			return -EINVAL;
		}
		if (v < o->min || v > o->max) {
			snprintf(why, len, "%s is out of range [%llu, %llu]",
				 text, (unsigned long long)o->min,
				 (unsigned long long)o->max);
			return -ERANGE;
		}
		*out = v;
		return 0;
	}
	snprintf(why, len, "option type %d is unknown", (int)o->type);
	return -EINVAL;
}

void transport_option_format(const struct transport_option *o, uint64_t v,
			     char *buf, size_t len)
{
	switch (o->type) {
	case TOPT_BOOL:
		snprintf(buf, len, "%s", v ? "true" : "false");
		return;
	case TOPT_ENUM:
		snprintf(buf, len, "%s", o->choices[v]);
		return;
	case TOPT_UINT:
	case TOPT_SIZE:
		snprintf(buf, len, "%llu", (unsigned long long)v);
		return;
	}
	snprintf(buf, len, "?");
}

int transport_fail(struct transport *t, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	err = err < 0 ? -err : err;
	n = snprintf(t->err, sizeof(t->err), "%s: ", t->ops->name);
	if (n < 0 || (size_t)n >= sizeof(t->err))
		return err ? -err : -EIO;
	va_start(ap, fmt);
	n += vsnprintf(t->err + n, sizeof(t->err) - (size_t)n, fmt, ap);
	va_end(ap);
	if (err && (size_t)n < sizeof(t->err))
		snprintf(t->err + n, sizeof(t->err) - (size_t)n, ": %s",
			 strerror(err));
	return err ? -err : -EIO;
}

/* Move exactly len bytes through fd, out (write) or in (read), looping
 * over short transfers and EINTR. */
static int fd_full(int fd, char *p, size_t len, bool out)
{
	while (len) {
		ssize_t n = out ? write(fd, p, len) : read(fd, p, len);

		if (n == 0 && !out)
			return -EPIPE;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == ECONNRESET ? -EPIPE : -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int transport_stream_send(struct transport *t, int fd, const void *buf,
			  size_t len)
{
	int ret = fd_full(fd, (char *)buf, len, true);

	return ret ? transport_fail(t, ret, "write failed") : 0;
}

int transport_stream_recv(struct transport *t, int fd, void *buf)
{
	int ret = fd_full(fd, buf, t->msg_size, false);

	return ret ? transport_fail(t, ret, "read failed") : 0;
}

static const char *const placement_names[PLACE_COUNT] = {
	[PLACE_SAME_CPU] = "same-cpu",
	[PLACE_CROSS_CPU] = "cross-cpu",
	[PLACE_UNPINNED] = "unpinned",
};

const char placement_choices[] = "same-cpu, cross-cpu, unpinned";

const char *placement_name(enum placement p)
{
	return (unsigned)p < PLACE_COUNT ? placement_names[p] : "?";
}

int placement_parse(const char *name)
{
	for (int i = 0; i < PLACE_COUNT; i++) {
		if (strcmp(name, placement_names[i]) == 0)
			return i;
	}
	return -1;
}

static const char *const wait_mode_names[WAIT_COUNT] = {
	[WAIT_BLOCK] = "block",
	[WAIT_SPIN] = "spin",
};

const char *wait_mode_name(enum wait_mode w)
{
	return (unsigned)w < WAIT_COUNT ? wait_mode_names[w] : "?";
}

enum wait_mode transport_wait(const struct transport_ops *ops,
			      const uint64_t opt[TRANSPORT_MAX_OPTS])
{
	return ops->wait ? ops->wait(opt) : WAIT_BLOCK;
}
