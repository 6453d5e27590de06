/*
 * yamlpos.c - a YAML file's bytes, a path -> line index of its document
 * from libyaml events, and libcyaml's error log turned into a path.
 *
 * One pass over the event stream keeps a stack of open mappings and lists
 * and the path of the node being read; every key and list item is recorded
 * with the line its event starts on.  It is not a YAML loader: values are
 * not kept, aliases are leaves (what they point to is indexed where the
 * anchor is), and tags are ignored.  libcyaml does the loading.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "yamlpos.h"

#define YP_MAX_DEPTH 32		/* a suite is 4 levels deep */
#define YP_MAX_NODES 20000	/* the duplicate check is quadratic */
#define YP_PATH_LEN 256
#define YP_MAX_FILE (1u << 20)	/* a suite is a few hundred bytes */

struct yp_entry {
	char *path;
	int line;
};

struct yamlpos {
	char *text;		/* the file */
	size_t len;
	struct yp_entry *v;	/* the index */
	size_t n, cap;
	char log[2048];		/* libcyaml's error lines */
	size_t log_len;
};

/* One open mapping or list while reading. */
struct yp_frame {
	bool is_map;
	bool want_key;		/* mapping: the next node is a key */
	unsigned index;		/* list: the next item's index */
	size_t path_len;	/* length of this container's own path */
	size_t first;		/* first entry recorded inside it */
};

struct yp_reader {
	struct yamlpos *p;
	struct yp_frame stack[YP_MAX_DEPTH];
	unsigned depth;
	char path[YP_PATH_LEN];
	struct yamlpos_error *e;
};

static __attribute__((format(printf, 3, 4)))
int yp_fail(struct yp_reader *r, int line, const char *fmt, ...)
{
	va_list ap;

	r->e->line = line;
	va_start(ap, fmt);
	vsnprintf(r->e->msg, sizeof(r->e->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int yp_add(struct yamlpos *p, const char *path, int line)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 64;
		struct yp_entry *v = realloc(p->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		p->v = v;
		p->cap = cap;
	}
	p->v[p->n].path = strdup(path);
	if (!p->v[p->n].path)
		return -ENOMEM;
	p->v[p->n++].line = line;
	return 0;
}

/* Append to r->path after the container's own path (truncating if long). */
static void yp_set_path(struct yp_reader *r, size_t base, const char *fmt,
			const char *key, unsigned index)
{
	r->path[base] = '\0';
	if (key)
		snprintf(r->path + base, sizeof(r->path) - base, fmt, key);
	else
		snprintf(r->path + base, sizeof(r->path) - base, fmt, index);
}

/* A key of the mapping on top of the stack: record it, reject repeats. */
static int yp_key(struct yp_reader *r, const yaml_event_t *ev, int line)
{
	struct yp_frame *f = &r->stack[r->depth - 1];
	const char *key = (const char *)ev->data.scalar.value;

	if (ev->type != YAML_SCALAR_EVENT)
		return yp_fail(r, line, "a key must be a plain word, not a list or mapping");
	yp_set_path(r, f->path_len, f->path_len ? ".%s" : "%s", key, 0);
	for (size_t i = f->first; i < r->p->n; i++) {
		if (strcmp(r->p->v[i].path, r->path) == 0)
			return yp_fail(r, line,
				       "key '%s': given twice in one mapping (first at line %d)",
				       key, r->p->v[i].line);
	}
	f->want_key = false;
	return yp_add(r->p, r->path, line);
}

/* A scalar, alias, mapping or list start: record where it is. */
static int yp_node(struct yp_reader *r, const yaml_event_t *ev)
{
	int line = (int)ev->start_mark.line + 1;
	bool open = ev->type == YAML_MAPPING_START_EVENT ||
		    ev->type == YAML_SEQUENCE_START_EVENT;
	struct yp_frame *f = r->depth ? &r->stack[r->depth - 1] : NULL;
	int ret = 0;

	if (r->p->n >= YP_MAX_NODES)
		return yp_fail(r, line, "more than %d values: not a suite",
			       YP_MAX_NODES);
	if (!f) {
		r->path[0] = '\0';
		ret = yp_add(r->p, "", line);
	} else if (f->is_map && f->want_key) {
		return yp_key(r, ev, line);
	} else if (f->is_map) {
		/* A value: its path is the key's, already in r->path. */
		if (!open)
			f->want_key = true;
	} else {
		yp_set_path(r, f->path_len, "[%u]", NULL, f->index++);
		ret = yp_add(r->p, r->path, line);
	}
	if (ret || !open)
		return ret;
	if (r->depth == YP_MAX_DEPTH)
		return yp_fail(r, line, "nested more than %d levels deep",
			       YP_MAX_DEPTH);
	r->stack[r->depth++] = (struct yp_frame){
		.is_map = ev->type == YAML_MAPPING_START_EVENT,
		.want_key = true,
		.path_len = strlen(r->path),
		.first = r->p->n,
	};
	return 0;
}

static int yp_event(struct yp_reader *r, const yaml_event_t *ev, int *docs)
{
	switch (ev->type) {
	case YAML_DOCUMENT_START_EVENT:
		if (++*docs > 1)
			return yp_fail(r, (int)ev->start_mark.line + 1,
				       "a suite is one YAML document; a second one starts here");
		return 0;
	case YAML_SCALAR_EVENT:
	case YAML_ALIAS_EVENT:
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT:
		return yp_node(r, ev);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		if (r->depth && --r->depth)
			r->stack[r->depth - 1].want_key = true;
		return 0;
	default:
		return 0;
	}
}

static int yp_index(struct yamlpos *p, struct yamlpos_error *e)
{
	struct yp_reader r = { .p = p, .e = e };
	yaml_parser_t parser;
	yaml_event_t ev;
	int docs = 0, ret = 0;
	bool end = false;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)p->text,
				     p->len);
	while (!ret && !end) {
		if (!yaml_parser_parse(&parser, &ev)) {
			size_t at = parser.problem_mark.index;
			char why[128] = "";

			/* The classic beginner's mistake gets a hint. */
			if (at < p->len && p->text[at] == '\t')
				snprintf(why, sizeof(why), " (a tab: YAML indents with spaces)");
			else if (parser.context)
				snprintf(why, sizeof(why), " (%s at line %d)",
					 parser.context,
					 (int)parser.context_mark.line + 1);
			e->line = (int)parser.problem_mark.line + 1;
			snprintf(e->msg, sizeof(e->msg), "not valid YAML: %s%s",
				 parser.problem ? parser.problem : "?", why);
			ret = parser.error == YAML_MEMORY_ERROR ? -ENOMEM :
								 -EINVAL;
			break;
		}
		end = ev.type == YAML_STREAM_END_EVENT;
		ret = yp_event(&r, &ev, &docs);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ret;
}

static int yp_read(struct yamlpos *p, const char *path,
		   struct yamlpos_error *e)
{
	struct stat st;
	ssize_t got = 0;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		ret = -errno;
	else if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
		ret = -EISDIR;
	else if (!(p->text = malloc(YP_MAX_FILE + 1)))
		ret = -ENOMEM;
	while (!ret && p->len <= YP_MAX_FILE) {
		got = read(fd, p->text + p->len, YP_MAX_FILE + 1 - p->len);
		if (got > 0)
			p->len += (size_t)got;
		else if (got == 0)
			break;
		else if (errno != EINTR)
			ret = -errno;
	}
	if (!ret && p->len > YP_MAX_FILE)
		ret = -EFBIG;
	if (ret == -EISDIR)
		snprintf(e->msg, sizeof(e->msg), "is a directory, not a suite file");
	else if (ret == -EFBIG)
		snprintf(e->msg, sizeof(e->msg), "larger than %u bytes: not a suite",
			 YP_MAX_FILE);
	else if (ret)
		snprintf(e->msg, sizeof(e->msg), "cannot read the suite: %s",
			 strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}

int yamlpos_load(const char *path, struct yamlpos **out,
		 struct yamlpos_error *e)
{
	struct yamlpos *p = calloc(1, sizeof(*p));
	int ret;

	e->line = 0;
	if (!p) {
		snprintf(e->msg, sizeof(e->msg), "out of memory");
		return -ENOMEM;
	}
	ret = yp_read(p, path, e);
	if (!ret)
		ret = yp_index(p, e);
	if (ret) {
		yamlpos_free(p);
		return ret;
	}
	*out = p;
	return 0;
}

const char *yamlpos_text(const struct yamlpos *p, size_t *len)
{
	*len = p->len;
	return p->text;
}

int yamlpos_find(const struct yamlpos *p, const char *path)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->v[i].path, path) == 0)
			return p->v[i].line;
	}
	return 0;
}

int yamlpos_line(const struct yamlpos *p, const char *path)
{
	char up[YP_PATH_LEN];
	char *cut;
	int line;

	snprintf(up, sizeof(up), "%s", path);
	for (;;) {
		line = yamlpos_find(p, up);
		if (line || !*up)
			return line;
		/* Drop the last "[i]" or ".key" (or the first key). */
		cut = up + strlen(up) - 1;
		if (*cut == ']')
			cut = strrchr(up, '[');
		else
			cut = strrchr(up, '.');
		*(cut ? cut : up) = '\0';
	}
}

void yamlpos_cyaml_log(cyaml_log_t level, void *ctx, const char *fmt,
		       va_list args)
{
	struct yamlpos *p = ctx;
	int n;

	if (level < CYAML_LOG_ERROR || p->log_len >= sizeof(p->log) - 1)
		return;
	n = vsnprintf(p->log + p->log_len, sizeof(p->log) - p->log_len, fmt,
		      args);
	if (n > 0)
		p->log_len += (size_t)n;
	if (p->log_len >= sizeof(p->log))
		p->log_len = sizeof(p->log) - 1;
}

/* What libcyaml's "Expecting X, got event: Y" means to a user. */
static const char *yp_kind(const char *what)
{
	if (strncmp(what, "SEQUENCE", 8) == 0)
		return "a list";
	if (strncmp(what, "MAPPING", 7) == 0)
		return "a mapping of keys";
	if (strncmp(what, "SCALAR", 6) == 0 || strncmp(what, "STRING", 6) == 0)
		return "a single value";
	return what;
}

bool yamlpos_cyaml_error(const struct yamlpos *p, char *path, size_t plen,
			 char *key, size_t klen, char *msg, size_t mlen)
{
	char part[YP_MAX_DEPTH][YP_PATH_LEN + 1], want[32], got[32];
	const char *line, *end;
	unsigned n = 0, entry;
	size_t at = 0;

	path[0] = key[0] = msg[0] = '\0';
	for (line = p->log; *line; line = *end ? end + 1 : end) {
		char name[YP_PATH_LEN];

		end = line + strcspn(line, "\n");
		if (!msg[0] && strncmp(line, "Load: ", 6) == 0)
			snprintf(msg, mlen, "%.*s", (int)(end - line - 6), line + 6);
		else if (n == YP_MAX_DEPTH)
			break;
		else if (sscanf(line, "  in mapping field '%255[^']'", name) == 1)
			snprintf(part[n++], sizeof(part[0]), ".%s", name);
		else if (sscanf(line, "  in sequence entry '%u'", &entry) == 1 &&
			 entry > 0)
			snprintf(part[n++], sizeof(part[0]), "[%u]", entry - 1);
	}
	/* The backtrace is innermost first; a path is outermost first. */
	while (n-- && at < plen) {
		at += (size_t)snprintf(path + at, plen - at, "%s",
				       part[n] + (at == 0 && part[n][0] == '.'));
		if (part[n][0] == '.')
			snprintf(key, klen, "%s", part[n] + 1);
	}
	if (sscanf(msg, "Unexpected key: %255[^\n]", part[0]) == 1) {
		snprintf(key, klen, "%s", part[0]);
		if (at < plen)
			snprintf(path + at, plen - at, "%s%s", at ? "." : "",
				 part[0]);
		snprintf(msg, mlen, "unknown key");
		return true;
	}
	if (sscanf(msg, "Expecting %31s got event: %31s", want, got) == 2)
		snprintf(msg, mlen, "expected %s, found %s", yp_kind(want),
			 yp_kind(got));
	else if (sscanf(msg, "STRING length > %u", &entry) == 1)
		snprintf(msg, mlen, "longer than %u characters", entry);
	else if (!msg[0])
		snprintf(msg, mlen, "rejected by the schema");
	return false;
}

void yamlpos_free(struct yamlpos *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		free(p->v[i].path);
	free(p->v);
	free(p->text);
	free(p);
}
