/*
 * http/router.c — matching a request against the route table, and the
 * start-up check of the table itself. A pattern is a path whose segments
 * are literals or "{name}" (one segment, no '/'), or a final "{*}" that
 * takes the rest of the path (static files).
 */
#include <stdio.h>
#include <string.h>

#include "http/server.h"

bool
routes_check(const struct route *routes, size_t n, char *err, size_t errlen)
{
    static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE", NULL };
    for (size_t i = 0; i < n; i++) {
        const struct route *r = &routes[i];
        if (r->auth == AUTH_INVALID || r->auth > AUTH_WEB_PRE) {
            snprintf(err, errlen, "route %s %s has no access requirement", r->method, r->pattern);
            return false;
        }
        bool known = false;
        for (const char *const *m = methods; *m; m++)
            known = known || strcmp(*m, r->method) == 0;
        if (!known || !r->handler || !r->pattern || r->pattern[0] != '/') {
            snprintf(err, errlen, "route %zu is malformed", i);
            return false;
        }
        if ((strcmp(r->method, "GET") == 0 || strcmp(r->method, "DELETE") == 0) &&
            r->body != BODY_NONE) {
            snprintf(err, errlen, "route %s %s: GET/DELETE take no body", r->method, r->pattern);
            return false;
        }
        if (r->auth == AUTH_WEB && strcmp(r->method, "POST") == 0 && r->body != BODY_FORM) {
            snprintf(err, errlen, "route %s %s: browser POSTs are forms (CSRF)", r->method,
                     r->pattern);
            return false;
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(routes[j].method, r->method) == 0 &&
                strcmp(routes[j].pattern, r->pattern) == 0) {
                snprintf(err, errlen, "route %s %s appears twice", r->method, r->pattern);
                return false;
            }
    }
    return true;
}

/* Match PATH against PATTERN; records where each argument starts and ends. */
static bool
match(const char *pattern, const char *path, const char *starts[4], size_t lens[4])
{
    int n_args = 0;
    const char *p = pattern, *s = path;
    while (*p && *s) {
        if (*p != '/' || *s != '/')
            return false;
        p++;
        s++;
        const char *pend = strchr(p, '/');
        size_t plen = pend ? (size_t)(pend - p) : strlen(p);
        const char *send = strchr(s, '/');
        size_t slen = send ? (size_t)(send - s) : strlen(s);
        if (plen == 3 && strncmp(p, "{*}", 3) == 0) {
            if (!*s || n_args >= 4)
                return false;
            starts[n_args] = s;
            lens[n_args++] = strlen(s);
            return true;
        }
        if (plen > 2 && p[0] == '{' && p[plen - 1] == '}') {
            if (slen == 0 || n_args >= 4)
                return false;
            starts[n_args] = s;
            lens[n_args++] = slen;
        } else if (plen != slen || strncmp(p, s, plen) != 0) {
            return false;
        }
        p += plen;
        s += slen;
    }
    return *p == '\0' && *s == '\0';
}

int
routes_match(const struct route *routes, size_t n, const char *method, const char *path, char *copy,
             const char *args[4], bool *path_known)
{
    *path_known = false;
    for (size_t i = 0; i < n; i++) {
        const char *starts[4] = { NULL, NULL, NULL, NULL };
        size_t lens[4] = { 0, 0, 0, 0 };
        if (!match(routes[i].pattern, path, starts, lens))
            continue;
        *path_known = true;
        if (strcmp(routes[i].method, method) != 0)
            continue;
        /* copy the arguments, each NUL-terminated, into COPY (fits: they are parts of PATH) */
        char *out = copy;
        for (int k = 0; k < 4; k++) {
            args[k] = NULL;
            if (!starts[k])
                continue;
            memcpy(out, starts[k], lens[k]);
            out[lens[k]] = '\0';
            args[k] = out;
            out += lens[k] + 1;
        }
        return (int)i;
    }
    return -1;
}
