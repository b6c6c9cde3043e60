/*
 * web/static.c — stylesheets and fonts, embedded in the binary at build
 * time. Names are looked up exactly in the embedded table, so no path can
 * reach the file system (no traversal by construction).
 */
#include <string.h>

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

enum http_result
web_static(struct request *req)
{
    const struct embedded_file *f = embedded_find(embedded_static, req->args[0]);
    if (!f) {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_NOT_FOUND, NULL, "No such file.");
        return reply_problem(req, &pb);
    }
    http_header(req, "Cache-Control", "public, max-age=86400");
    return reply_bytes(req, 200, type_of(f->name), f->data, f->len);
}
