/*
 * http/server.h — the HTTP server: libmicrohttpd with its internal epoll
 * thread pool, the request life cycle (body limits, routing, session, CSRF,
 * handler, audit commit, response), metrics and graceful shutdown.
 */
#ifndef LOTSE_HTTP_SERVER_H
#define LOTSE_HTTP_SERVER_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"
#include "util/config.h"

struct tmpl_set;

struct server_setup {
    const struct config *cfg;
    const struct route *routes;
    size_t n_routes;
    /* printed once the socket listens: "listening on http://HOST:PORT" */
    bool announce;
};

/* Run until SIGTERM or SIGINT: stop accepting, finish requests in flight,
 * return 0. Non-zero when start-up failed (message on stderr). */
int server_run(const struct server_setup *setup);

/* Check a route table: every route has an auth requirement, a known method
 * and a well-formed pattern. On failure writes the reason into ERR. */
bool routes_check(const struct route *routes, size_t n, char *err, size_t errlen);

/* Match METHOD and PATH against the table. Returns the index or -1; *PATH_KNOWN
 * tells a 405 from a 404. ARGS receives up to 4 {id} segments (pointers into
 * COPY, a writable copy of PATH of at least strlen(PATH)+1 bytes). */
int routes_match(const struct route *routes, size_t n, const char *method, const char *path,
                 char *copy, const char *args[4], bool *path_known);

#endif
