/*
 * http/internal.h — what the files of http/ share among themselves and
 * nobody else sees: the server's state, the session check, form parsing,
 * the page renderer's set-up and the metrics.
 */
#ifndef LOTSE_HTTP_INTERNAL_H
#define LOTSE_HTTP_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>

#include "http/http.h"
#include "http/server.h"
#include "util/netaddr.h"

enum { METRIC_BUCKETS = 10 };

struct route_metrics {
    atomic_ullong by_class[6];
    atomic_ullong buckets[METRIC_BUCKETS];
    atomic_ullong count;
    atomic_ullong sum_us;
};

struct server_state {
    const struct config *cfg;
    const struct route *routes;
    size_t n_routes;
    struct MHD_Daemon *daemon;
    struct writer *writer;
    struct jobs *jobs;
    struct pool *hasher;
    struct route_metrics *metrics; /* n_routes + 1 (unmatched) */
    atomic_int in_flight;
    struct net_prefix proxies[NET_PREFIXES_MAX]; /* server.trusted_proxies */
    size_t n_proxies;
    pthread_mutex_t dbs_mu;
    struct db *dbs[256];
    int n_dbs;
};
extern struct server_state srv;

/* session.c: who is calling, by the route's auth need. CORE_OK (and
 * req->signed_in set where a session or token was presented and valid),
 * CORE_UNAUTHORIZED, CORE_FORBIDDEN (CSRF) or CORE_ERROR. */
enum core_result session_authenticate(struct request *req);

/* form.c: parse an urlencoded body into req->form (object of strings). */
/* True for NULL or valid UTF-8 without control characters. */
bool http_text_ok(const char *s);
bool form_parse(struct request *req);

/* reply.c: compile the embedded templates. */
bool pages_init(const struct config *cfg, char *err, size_t errlen);
void pages_free(void);

/* server.c */
void http_touch_session(const unsigned char digest[32], int64_t now_us);

#endif
