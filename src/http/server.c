/*
 * http/server.c — libmicrohttpd glue and the request life cycle; see
 * server.h and http.h.
 *
 * Life of a request (MHD calls on_request() several times per request):
 *   1st call   headers are in: create the request, refuse oversized bodies early
 *   body calls collect the body, counting its size ourselves
 *   last call  route, authenticate, check CSRF and content type, parse the body,
 *              run the handler
 *   handler    answers at once, or parks the connection (suspend) for the writer
 *              or the slow pool; they resume it and THEN runs on the next call
 *   audit      entries the handler recorded go to the writer; the connection is
 *              parked until their group commit, and only then is the response
 *              queued (a failed commit turns the answer into a 503)
 * The response is always queued on a later call than the first (docs/architecture.md:
 * queueing on the first call closes the connection after every request).
 */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "core/auth.h"
#include "core/jobs.h"
#include "http/internal.h"
#include "core/worklist.h"
#include "core/writer.h"
#include "util/buf.h"
#include "util/crypto.h"
#include "util/id.h"
#include "util/jsonmem.h"
#include "util/i18n.h"
#include "util/pool.h"
#include "util/log.h"
#include "util/netaddr.h"

struct server_state srv;

enum req_state {
    ST_BODY = 0,     /* collecting the body */
    ST_PARKED,       /* suspended, waiting for the writer or the pool */
    ST_RESUMED,      /* back from deferred work: run THEN */
    ST_AUDITING,     /* suspended until the audit entries are committed */
    ST_AUDITED,      /* committed: queue the response */
    ST_AUDIT_FAILED, /* commit failed: answer 503 */
    ST_QUEUED,
};

static int64_t
now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const struct config *
http_config(void)
{
    return srv.cfg;
}

/* ---- per-thread read connections ---- */

static __thread struct db *tls_db;

static struct db *
thread_db(void)
{
    if (tls_db)
        return tls_db;
    char err[256] = "";
    tls_db = core_db_open(srv.cfg->db_url, err, sizeof err);
    if (!tls_db) {
        log_error("http: cannot open a store connection: %s", err);
        return NULL;
    }
    pthread_mutex_lock(&srv.dbs_mu);
    if (srv.n_dbs < (int)(sizeof srv.dbs / sizeof srv.dbs[0]))
        srv.dbs[srv.n_dbs++] = tls_db;
    pthread_mutex_unlock(&srv.dbs_mu);
    return tls_db;
}

/* ---- metrics ---- */

static const double bucket_ms[METRIC_BUCKETS] = { 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 1000 };

static void
metrics_record(int route_index, unsigned status, int64_t ns)
{
    struct route_metrics *m = &srv.metrics[route_index < 0 ? (int)srv.n_routes : route_index];
    unsigned cls = status / 100;
    if (cls > 5)
        cls = 5;
    atomic_fetch_add_explicit(&m->by_class[cls], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->sum_us, (unsigned long long)(ns / 1000), memory_order_relaxed);
    double ms = (double)ns / 1e6;
    for (int i = 0; i < METRIC_BUCKETS; i++)
        if (ms <= bucket_ms[i])
            atomic_fetch_add_explicit(&m->buckets[i], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&m->count, 1, memory_order_relaxed);
}

void
http_metrics_render(struct buf *out)
{
    buf_puts(out, "# HELP lotse_requests_total HTTP requests by route and status class.\n"
                  "# TYPE lotse_requests_total counter\n");
    for (size_t r = 0; r <= srv.n_routes; r++) {
        struct route_metrics *m = &srv.metrics[r];
        const char *method = r < srv.n_routes ? srv.routes[r].method : "any";
        const char *pattern = r < srv.n_routes ? srv.routes[r].pattern : "unmatched";
        for (int c = 1; c <= 5; c++) {
            unsigned long long v = atomic_load(&m->by_class[c]);
            if (v)
                buf_printf(
                    out, "lotse_requests_total{method=\"%s\",route=\"%s\",status=\"%dxx\"} %llu\n",
                    method, pattern, c, v);
        }
    }
    buf_puts(out, "# HELP lotse_request_duration_seconds Time from request to response.\n"
                  "# TYPE lotse_request_duration_seconds histogram\n");
    for (size_t r = 0; r <= srv.n_routes; r++) {
        struct route_metrics *m = &srv.metrics[r];
        unsigned long long count = atomic_load(&m->count);
        if (!count)
            continue;
        const char *method = r < srv.n_routes ? srv.routes[r].method : "any";
        const char *pattern = r < srv.n_routes ? srv.routes[r].pattern : "unmatched";
        for (int i = 0; i < METRIC_BUCKETS; i++)
            buf_printf(out,
                       "lotse_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"%g\"}"
                       " %llu\n",
                       method, pattern, bucket_ms[i] / 1000.0, atomic_load(&m->buckets[i]));
        buf_printf(
            out,
            "lotse_request_duration_seconds_bucket{method=\"%s\",route=\"%s\",le=\"+Inf\"} %llu\n",
            method, pattern, count);
        buf_printf(out, "lotse_request_duration_seconds_sum{method=\"%s\",route=\"%s\"} %.6f\n",
                   method, pattern, (double)atomic_load(&m->sum_us) / 1e6);
        buf_printf(out, "lotse_request_duration_seconds_count{method=\"%s\",route=\"%s\"} %llu\n",
                   method, pattern, count);
    }
    struct writer_stats ws;
    writer_get_stats(srv.writer, &ws);
    buf_printf(
        out,
        "# HELP lotse_writer_batches_total Group commits of the writer.\n"
        "# TYPE lotse_writer_batches_total counter\nlotse_writer_batches_total %llu\n"
        "# HELP lotse_writer_jobs_total Jobs (writes and audit entries) committed in batches.\n"
        "# TYPE lotse_writer_jobs_total counter\nlotse_writer_jobs_total %llu\n"
        "# HELP lotse_writer_failed_commits_total Batches whose commit failed.\n"
        "# TYPE lotse_writer_failed_commits_total counter\n"
        "lotse_writer_failed_commits_total %llu\n"
        "# HELP lotse_writer_queue Jobs waiting for the writer.\n"
        "# TYPE lotse_writer_queue gauge\nlotse_writer_queue %zu\n",
        ws.batches, ws.jobs, ws.failed_commits, ws.queued);
    struct jobs_stats js;
    jobs_get_stats(srv.jobs, &js);
    buf_printf(
        out,
        "# HELP lotse_jobs_lock_held Whether this server holds the job lock and runs the periodic"
        " jobs.\n"
        "# TYPE lotse_jobs_lock_held gauge\nlotse_jobs_lock_held %d\n"
        "# HELP lotse_jobs_runs_total Runs of the periodic jobs on this server.\n"
        "# TYPE lotse_jobs_runs_total counter\nlotse_jobs_runs_total %llu\n"
        "# HELP lotse_jobs_failed_runs_total Runs of the periodic jobs that failed.\n"
        "# TYPE lotse_jobs_failed_runs_total counter\nlotse_jobs_failed_runs_total %llu\n"
        "# HELP lotse_jobs_deleted_total Expired rows the periodic jobs of this server deleted.\n"
        "# TYPE lotse_jobs_deleted_total counter\n"
        "lotse_jobs_deleted_total{kind=\"session\"} %llu\n"
        "lotse_jobs_deleted_total{kind=\"api_token\"} %llu\n"
        "lotse_jobs_deleted_total{kind=\"signin_brake\"} %llu\n",
        js.lock_held ? 1 : 0, js.runs, js.failed_runs, js.sessions_deleted, js.tokens_deleted,
        js.brake_rows_deleted);
    buf_printf(out,
               "# HELP lotse_requests_in_flight Requests being handled.\n"
               "# TYPE lotse_requests_in_flight gauge\nlotse_requests_in_flight %d\n",
               atomic_load(&srv.in_flight));
}

/* ---- responses ---- */

static void
add_common_headers(struct request *req, struct MHD_Response *resp, bool html)
{
    MHD_add_response_header(resp, "X-Request-Id", req->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "X-Frame-Options", "DENY");
    MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
    if (html)
        MHD_add_response_header(resp, "Content-Security-Policy",
                                "default-src 'none'; style-src 'self'; img-src 'self' data:; "
                                "font-src 'self'; form-action 'self'; frame-ancestors 'none'; "
                                "base-uri 'none'");
    for (struct header *h = req->headers; h; h = h->next)
        MHD_add_response_header(resp, h->name, h->value);
    bool has_cache = false;
    for (struct header *h = req->headers; h; h = h->next)
        has_cache = has_cache || strcmp(h->name, "Cache-Control") == 0;
    if (!has_cache)
        MHD_add_response_header(resp, "Cache-Control", "no-store");
}

static void
access_log(struct request *req, int64_t ns)
{
    if (!srv.cfg->access_log)
        return;
    char line[512];
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    /* the route pattern, never the path: paths and queries may carry personal data */
    int n = snprintf(
        line, sizeof line, "%04d-%02d-%02dT%02d:%02d:%02dZ access %s %s %u %.3fms %s\n",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
        req->route ? req->route->method : "-", req->route ? req->route->pattern : "unmatched",
        req->status, (double)ns / 1e6, req->request_id);
    if (n > 0)
        log_line(line, (unsigned long)(n < (int)sizeof line ? n : (int)sizeof line - 1));
}

static enum MHD_Result
queue(struct request *req)
{
    struct MHD_Connection *conn = req->conn;
    if (!req->status) {
        log_error("http: handler of %s %s set no response", req->route ? req->route->method : "-",
                  req->route ? req->route->pattern : "-");
        req->status = 500;
        buf_reset(&req->out);
        buf_puts(&req->out, "{\"type\":\"about:blank\",\"title\":\"Internal Server Error\","
                            "\"status\":500}");
        req->content_type = "application/problem+json";
    }
    size_t len = req->out.len;
    char *data = buf_steal(&req->out);
    struct MHD_Response *resp = MHD_create_response_from_buffer_with_free_callback(len, data, free);
    if (!resp) {
        free(data);
        return MHD_NO;
    }
    const char *ct = req->content_type ? req->content_type : "text/plain; charset=utf-8";
    MHD_add_response_header(resp, "Content-Type", ct);
    add_common_headers(req, resp, strncmp(ct, "text/html", 9) == 0);
    enum MHD_Result r = MHD_queue_response(conn, req->status, resp);
    MHD_destroy_response(resp);
    req->state = ST_QUEUED;
    int64_t ns = now_ns() - req->started_ns;
    metrics_record(req->route_index, req->status, ns);
    access_log(req, ns);
    return r;
}

/* ---- deferred work ---- */

struct write_ctx {
    struct write_job job;
    struct request *req;
    enum core_result (*run)(struct core_ctx *ctx, void *arg);
    void *arg;
    enum core_result result;
};

static enum job_result
write_run(struct db *db, void *arg)
{
    struct write_ctx *w = arg;
    struct request *req = w->req;
    struct core_ctx ctx = req->core;
    ctx.db = db;
    ctx.in_write = true;
    ctx.pending = ctx.pending_tail = NULL;
    ctx.n_pending = 0;
    ctx.touched = NULL;
    core_db_use_arena(db, &req->arena);
    w->result = w->run(&ctx, w->arg);
    /* the worklist rows of what the job changed, in the same transaction */
    if (w->result == CORE_OK && worklist_sync(&ctx) != CORE_OK)
        w->result = CORE_ERROR;
    if (w->result == CORE_ERROR && core_store_unreachable(db)) {
        w->result = CORE_UNAVAILABLE; /* the writer's connection was lost: 503, not 500 */
        req->store_lost = true;
    }
    core_db_use_arena(db, NULL);
    if (w->result == CORE_OK)
        return JOB_KEEP;
    return w->result == CORE_ERROR || w->result == CORE_UNAVAILABLE ? JOB_FAILED : JOB_REFUSED;
}

static void
write_done(void *arg, enum job_result result, bool committed)
{
    struct write_ctx *w = arg;
    struct request *req = w->req;
    req->deferred_result = w->result;
    if (!committed && w->result == CORE_OK)
        req->deferred_result = CORE_UNAVAILABLE;
    (void)result;
    req->state = ST_RESUMED;
    MHD_resume_connection(req->conn);
}

enum http_result
http_write(struct request *req, enum core_result (*run)(struct core_ctx *ctx, void *arg), void *arg,
           enum http_result (*then)(struct request *req))
{
    struct write_ctx *w = arena_alloc(&req->arena, sizeof *w);
    w->req = req;
    w->run = run;
    w->arg = arg;
    w->job.run = write_run;
    w->job.done = write_done;
    w->job.arg = w;
    req->then = then;
    req->deferred_arg = arg;
    req->state = ST_PARKED;
    MHD_suspend_connection(req->conn);
    writer_submit(srv.writer, &w->job);
    return HTTP_DEFER;
}

struct compute_ctx {
    struct request *req;
    void (*fn)(void *);
    void *arg;
};

static void
compute_run(void *arg)
{
    struct compute_ctx *c = arg;
    c->fn(c->arg);
}

static void
compute_done(void *arg)
{
    struct compute_ctx *c = arg;
    c->req->state = ST_RESUMED;
    c->req->deferred_result = CORE_OK;
    MHD_resume_connection(c->req->conn);
}

enum http_result
http_compute(struct request *req, void (*fn)(void *arg), void *arg,
             enum http_result (*then)(struct request *req))
{
    struct compute_ctx *c = arena_alloc(&req->arena, sizeof *c);
    c->req = req;
    c->fn = fn;
    c->arg = arg;
    req->then = then;
    req->deferred_arg = arg;
    req->state = ST_PARKED;
    MHD_suspend_connection(req->conn);
    pool_submit(srv.hasher, compute_run, compute_done, c);
    return HTTP_DEFER;
}

/* Fire-and-forget writes (session last-seen): not tied to a response. */
struct bg_write {
    struct write_job job;
    unsigned char digest[32];
    int64_t now;
};

static enum job_result
touch_run(struct db *db, void *arg)
{
    struct bg_write *b = arg;
    return auth_touch(db, b->digest, b->now) == CORE_OK ? JOB_KEEP : JOB_FAILED;
}

static void
bg_done(void *arg, enum job_result result, bool committed)
{
    (void)result, (void)committed;
    free(arg);
}

void
http_touch_session(const unsigned char digest[32], int64_t now_us)
{
    struct bg_write *b = calloc(1, sizeof *b);
    if (!b)
        abort();
    memcpy(b->digest, digest, 32);
    b->now = now_us;
    b->job.run = touch_run;
    b->job.done = bg_done;
    b->job.arg = b;
    writer_submit(srv.writer, &b->job);
}

/* ---- audit commit before the response ---- */

static enum job_result
audit_run(struct db *db, void *arg)
{
    struct request *req = arg;
    return audit_append_pending(db, &req->core);
}

static void
audit_done(void *arg, enum job_result result, bool committed)
{
    struct request *req = arg;
    req->state = committed && result == JOB_KEEP ? ST_AUDITED : ST_AUDIT_FAILED;
    MHD_resume_connection(req->conn);
}

static enum MHD_Result
finish(struct request *req)
{
    /* whatever the status: if a service recorded a read, its data may be on the page */
    if (req->core.n_pending > 0) {
        struct write_job *job = arena_alloc(&req->arena, sizeof *job);
        job->run = audit_run;
        job->done = audit_done;
        job->arg = req;
        job->append_only = true;
        req->state = ST_AUDITING;
        MHD_suspend_connection(req->conn);
        writer_submit(srv.writer, job);
        return MHD_YES;
    }
    return queue(req);
}

static enum MHD_Result
run_step(struct request *req, http_handler fn)
{
    req->core.db = thread_db();
    if (!req->core.db) {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_UNAVAILABLE, NULL, "The store is not reachable.");
        reply_problem(req, &pb);
        return queue(req);
    }
    core_db_use_arena(req->core.db, &req->arena);
    core_db_read_begin(req->core.db); /* dispatch may have opened it for the session check */
    req->then = NULL;
    enum http_result r = fn(req);
    core_db_read_end(req->core.db); /* never held while the connection is parked */
    core_db_use_arena(req->core.db, NULL);
    if (r == HTTP_DEFER)
        return MHD_YES;
    return finish(req);
}

/* ---- the pipeline before the handler ---- */

static enum MHD_Result
refuse(struct request *req, enum core_result result, const char *detail)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, result, NULL, detail);
    reply_problem(req, &pb);
    return queue(req);
}

static bool
content_type_is(struct request *req, const char *want)
{
    const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Type");
    if (!ct)
        return false;
    size_t n = strlen(want);
    return strncasecmp(ct, want, n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

static enum MHD_Result
check_query_value(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    bool *ok = cls;
    if (!http_text_ok(key) || !http_text_ok(value)) {
        *ok = false;
        return MHD_NO;
    }
    return MHD_YES;
}

static enum MHD_Result
dispatch(struct request *req)
{
    struct MHD_Connection *conn = req->conn;
    if (req->route_index < 0) {
        return refuse(req, CORE_NOT_FOUND, "No such resource.");
    }
    const struct route *rt = req->route;
    if (req->body_too_large)
        return refuse(req, CORE_TOO_LARGE, "The request body is larger than allowed.");

    /* query parameters: every name and value must be UTF-8 without control characters */
    bool query_ok = true;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, check_query_value, &query_ok);
    if (!query_ok)
        return refuse(req, CORE_BAD_REQUEST, "A query parameter is not valid text.");

    /* language: cookie, else the configured default */
    req->lang = i18n_pick(MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "lotse_lang"),
                          srv.cfg->default_language);

    /* body */
    if (rt->body == BODY_JSON) {
        if (!content_type_is(req, "application/json"))
            return refuse(req, CORE_UNSUPPORTED_MEDIA, "Send application/json.");
        json_error_t jerr;
        req->json = json_loadb(req->body.data ? req->body.data : "", req->body.len,
                               JSON_REJECT_DUPLICATES, &jerr);
        if (!req->json)
            return refuse(req, CORE_BAD_REQUEST, "The body is not valid JSON.");
        if (!json_is_object(req->json))
            return refuse(req, CORE_BAD_REQUEST, "The body must be a JSON object.");
    } else if (rt->body == BODY_FORM) {
        if (!content_type_is(req, "application/x-www-form-urlencoded"))
            return refuse(req, CORE_UNSUPPORTED_MEDIA, "Send a form.");
        if (!form_parse(req))
            return refuse(req, CORE_BAD_REQUEST, "The form is malformed or not UTF-8.");
    }

    /* who is calling */
    req->core.db = thread_db();
    if (!req->core.db)
        return refuse(req, CORE_UNAVAILABLE, "The store is not reachable.");
    core_db_use_arena(req->core.db, &req->arena);
    core_db_read_begin(req->core.db); /* the handler's reads join this snapshot */
    enum core_result who = session_authenticate(req);
    core_db_use_arena(req->core.db, NULL);
    if (who != CORE_OK)
        core_db_read_end(req->core.db);
    if (who == CORE_ERROR)
        return refuse(req, CORE_UNAVAILABLE, "The store is not reachable.");
    if (who != CORE_OK) {
        if (rt->auth == AUTH_WEB && who == CORE_UNAUTHORIZED) {
            reply_redirect(req, "/login");
            return queue(req);
        }
        if (who == CORE_FORBIDDEN)
            return refuse(req, CORE_FORBIDDEN, "The form is out of date. Please try again.");
        http_header(req, "WWW-Authenticate", "Bearer");
        return refuse(req, CORE_UNAUTHORIZED, "Sign in first.");
    }
    req->core.actor = req->signed_in ? &req->actor : NULL;
    if (req->form)
        json_object_del(req->form, "_csrf"); /* checked; not part of any field table */
    return run_step(req, rt->handler);
}

/* ---- MHD callbacks ---- */

/* MHD_KeyValueIterator: X-Forwarded-For values into the buf USER, joined by commas. */
static enum MHD_Result
forwarded_for(void *user, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct buf *b = user;
    if (value && strcasecmp(key, "X-Forwarded-For") == 0) {
        if (b->len)
            buf_putc(b, ',');
        buf_puts(b, value);
    }
    return MHD_YES;
}

/* Request ids need to be unique, not secret: a per-thread generator seeded
 * once from the system's random source saves a system call per request. */
static void
request_id_new(char out[24])
{
    static __thread struct prng rng;
    static __thread bool seeded;
    if (!seeded) {
        random_bytes(&rng.state, sizeof rng.state);
        seeded = true;
    }
    uint64_t v = prng_next(&rng);
    unsigned char raw[8];
    memcpy(raw, &v, sizeof raw);
    hex_encode(raw, sizeof raw, out);
}

static struct request *
request_new(struct MHD_Connection *conn, const char *url, const char *method)
{
    struct request *req = calloc(1, sizeof *req);
    if (!req)
        abort();
    req->conn = conn;
    req->started_ns = now_ns();
    req->method = arena_strdup(&req->arena, method);
    req->path = arena_strdup(&req->arena, url);
    request_id_new(req->request_id);
    req->lang = srv.cfg->default_language;
    req->core.arena = &req->arena;
    req->core.request_id = req->request_id;
    req->core.caseload_per_fte = srv.cfg->caseload_per_fte;
    req->core.now_us = core_now_us();
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    char addr[INET6_ADDRSTRLEN] = "";
    if (ci && ci->client_addr) {
        if (ci->client_addr->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)ci->client_addr)->sin_addr, addr,
                      sizeof addr);
        else if (ci->client_addr->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr, addr,
                      sizeof addr);
    }
    /* behind a reverse proxy named in server.trusted_proxies, the client's address is
       in X-Forwarded-For (util/netaddr.h) */
    if (srv.n_proxies) {
        struct buf xff = BUF_INIT; /* several such headers read as one, joined by commas */
        MHD_get_connection_values(conn, MHD_HEADER_KIND, forwarded_for, &xff);
        char peer[INET6_ADDRSTRLEN];
        snprintf(peer, sizeof peer, "%s", addr);
        net_client_address(srv.proxies, srv.n_proxies, peer, xff.len ? buf_cstr(&xff) : NULL, addr,
                           sizeof addr);
        buf_free(&xff);
    }
    req->client_address = arena_strdup(&req->arena, addr);
    char *copy = arena_alloc(&req->arena, strlen(url) + 1);
    bool known = false;
    req->route_index = routes_match(srv.routes, srv.n_routes, method, url, copy, req->args, &known);
    /* a path argument that is no text (not UTF-8, or control characters) names nothing: 404
       before a handler binds it (PostgreSQL refuses such a parameter: a 500 otherwise) */
    for (int k = 0; req->route_index >= 0 && k < 4; k++)
        if (req->args[k] && !http_text_ok(req->args[k])) {
            req->route_index = -1;
            known = false;
        }
    req->route = req->route_index >= 0 ? &srv.routes[req->route_index] : NULL;
    req->wrong_method = req->route_index < 0 && known;
    atomic_fetch_add(&srv.in_flight, 1);
    return req;
}

static enum MHD_Result request_step(struct request *req, const char *upload_data,
                                    size_t *upload_data_size);

/* MHD calls this several times per request. While it runs, the request's
 * json_t values are made in its arena (util/jsonmem.h). */
static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
           const char *version, const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    (void)cls, (void)version;
    struct request *req = *con_cls;
    if (!req) {
        req = request_new(conn, url, method);
        *con_cls = req;
        const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > srv.cfg->max_body_bytes)
            req->body_too_large = true;
        return MHD_YES;
    }
    jsonmem_use(&req->arena);
    enum MHD_Result r = request_step(req, upload_data, upload_data_size);
    jsonmem_use(NULL);
    return r;
}

static enum MHD_Result
request_step(struct request *req, const char *upload_data, size_t *upload_data_size)
{
    switch (req->state) {
    case ST_BODY:
        if (*upload_data_size) {
            if (!req->body_too_large) {
                if (req->body.len + *upload_data_size > srv.cfg->max_body_bytes) {
                    req->body_too_large = true;
                    buf_free(&req->body);
                } else {
                    buf_append(&req->body, upload_data, *upload_data_size);
                }
            }
            *upload_data_size = 0;
            if (now_ns() - req->started_ns > (int64_t)srv.cfg->request_timeout * 1000000000)
                return MHD_NO; /* a body that trickles in for too long: drop the connection */
            return MHD_YES;
        }
        if (req->wrong_method) {
            struct problem pb = PROBLEM_INIT;
            problem_set(&pb, CORE_METHOD_NOT_ALLOWED, NULL, "This method is not allowed here.");
            reply_problem(req, &pb);
            return queue(req);
        }
        return dispatch(req);
    case ST_RESUMED: return run_step(req, req->then);
    case ST_AUDITED: return queue(req);
    case ST_AUDIT_FAILED: {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_UNAVAILABLE, NULL, "The audit entry could not be stored.");
        buf_reset(&req->out);
        req->headers = NULL;
        reply_problem(req, &pb);
        return queue(req);
    }
    case ST_PARKED:
    case ST_AUDITING: return MHD_YES; /* a spurious call while parked */
    default: return MHD_NO;
    }
}

static void
on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
             enum MHD_RequestTerminationCode toe)
{
    (void)cls, (void)conn, (void)toe;
    struct request *req = *con_cls;
    if (!req)
        return;
    json_decref(req->json);
    json_decref(req->form);
    buf_free(&req->out);
    buf_free(&req->body);
    arena_free(&req->arena);
    free(req);
    *con_cls = NULL;
    atomic_fetch_sub(&srv.in_flight, 1);
}

static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    (void)cls;
    char msg[512];
    vsnprintf(msg, sizeof msg, fmt, ap);
    size_t n = strlen(msg);
    while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r'))
        msg[--n] = '\0';
    log_warn("mhd: %s", msg);
}

/* On the writer, at start-up. */
static enum job_result
load_brake_key(struct db *db, void *arg)
{
    (void)arg;
    return auth_brake_key_load(db) == CORE_OK ? JOB_KEEP : JOB_FAILED;
}

int
server_run(const struct server_setup *setup)
{
    const struct config *cfg = setup->cfg;
    char err[512] = "";
    memset(&srv, 0, sizeof srv);
    srv.cfg = cfg;
    srv.routes = setup->routes;
    srv.n_routes = setup->n_routes;
    pthread_mutex_init(&srv.dbs_mu, NULL);
    if (!net_prefixes_parse(cfg->trusted_proxies, srv.proxies, &srv.n_proxies)) {
        log_error("server.trusted_proxies: not a list of addresses"); /* config checked it */
        return 1;
    }
    if (!routes_check(setup->routes, setup->n_routes, err, sizeof err)) {
        log_error("routes: %s", err);
        return 1;
    }
    srv.metrics = calloc(setup->n_routes + 1, sizeof *srv.metrics);
    if (!srv.metrics)
        abort();
    if (!pages_init(cfg, err, sizeof err)) {
        log_error("templates: %s", err);
        return 1;
    }
    struct auth_limits limits = { cfg->login_max_failures, cfg->login_window_seconds,
                                  cfg->idle_minutes, cfg->absolute_hours, cfg->token_hours };
    auth_configure(&limits);

    char host[128];
    unsigned port = 0;
    if (!config_listen_parse(cfg->listen, host, sizeof host, &port)) {
        log_error("server.listen: cannot parse '%s'", cfg->listen);
        return 1;
    }
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    bool v6 = strchr(host, ':') != NULL;
    if (v6) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) {
            log_error("server.listen: bad address '%s'", host);
            return 1;
        }
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host,
                      &a4->sin_addr) != 1) {
            log_error("server.listen: bad address '%s'", host);
            return 1;
        }
    }

    /* signals: blocked before any thread starts, so that every thread inherits
       the mask and only the main thread takes them (sigwait below) */
    sigset_t sigs;
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGTERM);
    sigaddset(&sigs, SIGINT);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    srv.writer =
        writer_start(cfg->db_url, cfg->audit_batch_max, cfg->audit_linger_us, err, sizeof err);
    if (!srv.writer) {
        log_error("store: %s", err);
        pages_free();
        return 1;
    }
    /* the key of the sign-in brake's digests, before any sign-in */
    bool key_committed = false;
    if (writer_run_sync(srv.writer, load_brake_key, NULL, &key_committed) != JOB_KEEP ||
        !key_committed) {
        log_error("store: cannot load or make the sign-in brake's key");
        writer_stop(srv.writer);
        writer_free(srv.writer);
        pages_free();
        return 1;
    }
    srv.jobs = jobs_start(cfg->db_url, srv.writer, cfg->interval_seconds, err, sizeof err);
    if (!srv.jobs) {
        log_error("jobs: %s", err);
        writer_stop(srv.writer);
        writer_free(srv.writer);
        pages_free();
        return 1;
    }
    srv.hasher = pool_start(cfg->hash_concurrency);

    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO |
                     MHD_USE_ERROR_LOG | (v6 ? MHD_USE_IPv6 : 0);
    srv.daemon = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, NULL, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss, MHD_OPTION_THREAD_POOL_SIZE,
        (unsigned int)cfg->threads, MHD_OPTION_CONNECTION_LIMIT, (unsigned int)cfg->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)cfg->connection_timeout,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)cfg->max_header_bytes,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT,
        (unsigned int)(cfg->max_connections / 2 ? cfg->max_connections / 2 : 1),
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
        MHD_OPTION_END);
    if (!srv.daemon) {
        log_error("http: cannot listen on %s: %s", cfg->listen, strerror(errno));
        jobs_free(srv.jobs);
        writer_stop(srv.writer);
        writer_free(srv.writer);
        pool_stop(srv.hasher);
        pool_free(srv.hasher);
        pages_free();
        return 1;
    }
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv.daemon, MHD_DAEMON_INFO_BIND_PORT);
    unsigned bound = di ? di->port : port;
    if (setup->announce) {
        printf("lotse listening on http://%s%s%s:%u\n", v6 ? "[" : "", host, v6 ? "]" : "", bound);
        fflush(stdout);
    }
    log_info("listening on %s port %u with %u threads", host, bound, cfg->threads);

    int sig = 0;
    sigwait(&sigs, &sig);
    log_info("signal %d: no new connections; finishing requests in flight", sig);
    MHD_socket lsock = MHD_quiesce_daemon(srv.daemon);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    for (int i = 0; i < 3000 && atomic_load(&srv.in_flight) > 0; i++)
        usleep(10000);
    /* The job loop first: a run in progress finishes through the writer, and
       the job lock goes (another server takes it at its next try). */
    jobs_stop(srv.jobs);
    /* Drain the writer and the pool: every parked connection gets its answer
       (a job still queued commits; one submitted from now on fails at once
       with a 503), so none is suspended when the daemon stops. */
    writer_stop(srv.writer);
    pool_stop(srv.hasher);
    for (int i = 0; i < 500 && atomic_load(&srv.in_flight) > 0; i++)
        usleep(10000);
    MHD_stop_daemon(srv.daemon);
    jobs_free(srv.jobs);
    writer_free(srv.writer);
    pool_free(srv.hasher);
    for (int i = 0; i < srv.n_dbs; i++)
        core_db_close(srv.dbs[i]);
    pages_free();
    free(srv.metrics);
    log_info("stopped");
    return 0;
}
