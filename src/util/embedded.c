/* util/embedded.c — lookup in the build-time embedded file tables. */
#include "util/embedded.h"

#include <string.h>

const struct embedded_file *
embedded_find(const struct embedded_file *files, const char *name)
{
    for (const struct embedded_file *f = files; f->name; f++)
        if (strcmp(f->name, name) == 0)
            return f;
    return NULL;
}
