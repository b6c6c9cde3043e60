/*
 * web/static.c — stylesheets and fonts, embedded in the binary at build
 * time. Names are looked up exactly in the embedded table, so no path can
 * reach the file system (no traversal by construction).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/embedded.h"
#include "web/web.h"

static const char *
type_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    if (!dot)
        return "application/octet-stream";
    if (strcmp(dot, ".css") == 0)
        return "text/css; charset=utf-8";
    if (strcmp(dot, ".woff2") == 0)
        return "font/woff2";
    if (strcmp(dot, ".svg") == 0)
        return "image/svg+xml";
    if (strcmp(dot, ".json") == 0)
        return "application/json";
    if (strcmp(dot, ".ico") == 0)
        return "image/x-icon";
    return "application/octet-stream";
}

/* server.static_dir: a file below the directory, never outside it. Names
 * with a segment that is empty or starts with '.' are refused before the file
 * system is asked, and the resolved path must still lie below the directory
 * (symbolic links cannot lead out). */
static enum http_result
from_directory(struct request *req, const char *dir, const char *name)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_NOT_FOUND, NULL, "No such file.");
    for (const char *seg = name; *seg;) {
        const char *end = strchr(seg, '/');
        size_t n = end ? (size_t)(end - seg) : strlen(seg);
        if (n == 0 || seg[0] == '.' || memchr(seg, '\\', n))
            return reply_problem(req, &pb);
        seg += n + (end ? 1 : 0);
    }
    char root[PATH_MAX], full[PATH_MAX];
    if (!realpath(dir, root))
        return reply_problem(req, &pb);
    char *joined = arena_printf(&req->arena, "%s/%s", root, name);
    if (!realpath(joined, full) || strncmp(full, root, strlen(root)) != 0 ||
        full[strlen(root)] != '/')
        return reply_problem(req, &pb);
    FILE *fp = fopen(full, "rb");
    struct stat st;
    if (!fp || fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode) ||
        st.st_size > 16 * 1024 * 1024) {
        if (fp)
            fclose(fp);
        return reply_problem(req, &pb);
    }
    size_t size = (size_t)st.st_size;
    char *data = arena_alloc(&req->arena, size + 1);
    bool failed = fread(data, 1, size, fp) != size;
    fclose(fp);
    if (failed)
        return reply_problem(req, &pb);
    http_header(req, "Cache-Control", "public, max-age=86400");
    return reply_bytes(req, 200, type_of(name), data, size);
}
enum http_result
web_static(struct request *req)
{
    const char *dir = http_config()->static_dir;
    if (dir[0])
        return from_directory(req, dir, req->args[0]);
    const struct embedded_file *f = embedded_find(embedded_static, req->args[0]);
    if (!f) {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_NOT_FOUND, NULL, "No such file.");
        return reply_problem(req, &pb);
    }
    http_header(req, "Cache-Control", "public, max-age=86400");
    return reply_bytes(req, 200, type_of(f->name), f->data, f->len);
}
