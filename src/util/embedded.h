/*
 * util/embedded.h — files compiled into the binary at build time by
 * tools/embed.c: templates, migrations, static assets. Each array ends with
 * an entry whose name is NULL. DATA is followed by a NUL byte (not counted
 * in LEN), so text files can be used as C strings.
 */
#ifndef LOTSE_UTIL_EMBEDDED_H
#define LOTSE_UTIL_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
    const char *name;
    const unsigned char *data;
    size_t len;
};

extern const struct embedded_file embedded_templates[];
extern const struct embedded_file embedded_migrations[];
extern const struct embedded_file embedded_static[];

/* The entry called NAME in FILES, or NULL. */
const struct embedded_file *embedded_find(const struct embedded_file *files, const char *name);

#endif
