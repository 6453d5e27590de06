/*
 * yamlpos.h - a YAML file and where things are in it: its bytes, a map
 * from paths such as "runs[2].sizes[1]" to line numbers (built with
 * libyaml's event parser), and the translation of libcyaml's error log into
 * a path and words.
 *
 * libcyaml 1.3.1 loads values but keeps no positions, so the checks that run
 * after loading (ranges, names, options) ask this index for the line of the
 * key or list item they reject.  Building the index also catches what
 * libyaml alone can see: syntax errors, keys that are not plain scalars,
 * keys repeated in one mapping, and a second document in the stream.
 *
 * Paths: "" is the document's root node; "key" a key of the root mapping;
 * "key[i]" item i (0-based) of a list; "key[i].sub" a key inside it.  A key
 * maps to the line of the key itself, a list item to the line it starts on.
 * Lines are 1-based, as editors count them.
 *
 * Conventions: yamlpos_load returns 0 or -errno; lookups return a line, or
 * 0 when there is none.  Nothing is written anywhere.
 */
#ifndef IPCBENCH_YAMLPOS_H
#define IPCBENCH_YAMLPOS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include <cyaml/cyaml.h>

struct yamlpos;

/* Why a file was rejected: its line (0: the whole file) and one line. */
struct yamlpos_error {
	int line;
	char msg[256];
};

/*
 * Read the file at path (at most 1 MiB) and index its first and only YAML
 * document.  On success *out owns the bytes and the index (yamlpos_free).
 * Returns -errno when the file cannot be read (-EISDIR for a directory,
 * -EFBIG when too large), -EINVAL for a syntax error, a non-scalar key, a
 * key repeated in one mapping ("key 'sizes': given twice ..."), or a second
 * document; e says why.
 */
int yamlpos_load(const char *path, struct yamlpos **out,
		 struct yamlpos_error *e);

/* The file's bytes, for cyaml_load_data(). */
const char *yamlpos_text(const struct yamlpos *p, size_t *len);

/* Line of exactly path, or 0 when the file has no such node. */
int yamlpos_find(const struct yamlpos *p, const char *path);

/*
 * Line of path or, when it is absent (say a value that came through an
 * alias), of its nearest ancestor.  0 only when the document is empty, so
 * yamlpos_line(p, "") == 0 means an empty or comment-only file.
 */
int yamlpos_line(const struct yamlpos *p, const char *path);

/*
 * A cyaml_config_t log_fn; log_ctx must be the struct yamlpos of the file
 * being loaded.  Keeps the error-level lines for yamlpos_cyaml_error().
 */
void yamlpos_cyaml_log(cyaml_log_t level, void *ctx, const char *fmt,
		       va_list args);

/*
 * After a failed cyaml load: the path of the node libcyaml rejected, the
 * innermost key ("" at the root) and the problem in words.  libcyaml's
 * backtrace carries line numbers of the last event read, not of the
 * culprit, so only its mapping fields and sequence entries are used.
 * Returns true when the problem is an unknown key; then key is that key
 * and path ends with it.
 */
bool yamlpos_cyaml_error(const struct yamlpos *p, char *path, size_t plen,
			 char *key, size_t klen, char *msg, size_t mlen);

void yamlpos_free(struct yamlpos *p);

#endif
