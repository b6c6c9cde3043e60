/*
 * http/http.h — the request as handlers see it, and how they answer.
 * libmicrohttpd lives only inside http/; handlers in web/ and api/ use this
 * header. A handler runs after the router has checked method, path, session
 * or token, CSRF, content type and body size (routes.c says what each route
 * needs). It answers in one of two ways:
 *   - synchronously: it sets the response (reply_*) and returns HTTP_DONE;
 *   - through a write or a slow computation: it calls http_write() or
 *     http_compute() and returns HTTP_DEFER; the connection is parked
 *     (MHD_suspend_connection) and THEN runs on a request thread afterwards.
 * Audit entries that a read recorded are committed by the writer before the
 * response leaves; until then the connection is parked too.
 */
#ifndef LOTSE_HTTP_HTTP_H
#define LOTSE_HTTP_HTTP_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/config.h"

struct request;
struct problem;

enum http_result { HTTP_DONE = 0, HTTP_DEFER = 1 };

typedef enum http_result (*http_handler)(struct request *req);

/* Who may reach a route. AUTH_INVALID (0) is refused by the start-up check. */
enum auth_need {
    AUTH_INVALID = 0,
    AUTH_NONE,    /* anyone; no session needed */
    AUTH_API,     /* Authorization: Bearer <token> */
    AUTH_WEB,     /* browser session cookie; POST needs the session's CSRF token */
    AUTH_WEB_PRE, /* browser without a session yet (sign-in); POST needs the pre-session
                     CSRF token (double-submit cookie) */
};

enum body_kind { BODY_NONE = 0, BODY_JSON, BODY_FORM };

struct route {
    const char *method;
    const char *pattern; /* "/api/v1/cases/{id}" */
    http_handler handler;
    enum auth_need auth;
    enum body_kind body;
};

struct header {
    const char *name, *value;
    struct header *next;
};

struct request {
    void *conn; /* struct MHD_Connection *, opaque outside http/ */
    struct arena arena;
    const struct route *route;
    int route_index;
    const char *method;
    const char *path;
    const char *args[4]; /* the {id} parts of the path, in order */
    json_t *json;        /* BODY_JSON: the parsed object */
    json_t *form;        /* BODY_FORM: fields as a JSON object of strings */
    char request_id[24];
    const char *lang; /* "de" or "en" */
    bool signed_in;
    struct actor actor;
    unsigned char token_digest[32];
    const char *csrf; /* the session's (or pre-session's) CSRF token */
    const char *client_address;
    struct core_ctx core; /* db, actor, arena, request id, audit entries */

    /* the response */
    unsigned status;
    struct buf out;
    const char *content_type;
    struct header *headers;

    /* internal to http/ */
    struct buf body;
    bool body_too_large;
    bool wrong_method; /* the path exists, the method does not: 405 */
    int state;
    enum http_result (*then)(struct request *req);
    enum core_result deferred_result;
    bool store_lost; /* the writer's connection to the store was lost in this request's job */
    void *deferred_arg;
    int64_t started_ns;
};

/* ---- reading the request ---- */
/* A query parameter (decoded, valid UTF-8) or NULL. */
const char *http_query(struct request *req, const char *name);
/* A form field (BODY_FORM) or NULL. */
const char *http_form(struct request *req, const char *name);
/* A request header or NULL. */
const char *http_header_in(struct request *req, const char *name);

/* ---- answering ---- */
void http_header(struct request *req, const char *name, const char *value);
/* JSON answer; consumes VIEW. */
enum http_result reply_json(struct request *req, unsigned status, json_t *view);
/* RFC 9457 problem details (API) or an error page (browser routes). */
enum http_result reply_problem(struct request *req, const struct problem *pb);
/* Render TEMPLATE with VIEW (consumed) inside the page layout. */
enum http_result reply_page(struct request *req, unsigned status, const char *template_name,
                            json_t *view);
/* 303 See Other to a local path (must start with '/'). */
enum http_result reply_redirect(struct request *req, const char *location);
/* Plain bytes with a content type (static files, metrics). */
enum http_result reply_bytes(struct request *req, unsigned status, const char *content_type,
                             const void *data, size_t len);

/* ---- deferring ---- */
/* Run RUN on the writer thread inside a transaction (ctx->in_write, the
 * writer's connection, the request's arena), then THEN on a request thread
 * with req->deferred_result set to RUN's result (CORE_UNAVAILABLE when the
 * commit failed) and req->deferred_arg = ARG. */
enum http_result http_write(struct request *req,
                            enum core_result (*run)(struct core_ctx *ctx, void *arg), void *arg,
                            enum http_result (*then)(struct request *req));
/* Run FN(ARG) on the slow-work pool (password hashing), then THEN. */
enum http_result http_compute(struct request *req, void (*fn)(void *arg), void *arg,
                              enum http_result (*then)(struct request *req));

/* A Set-Cookie for NAME=VALUE (HttpOnly, SameSite=Strict, Secure with TLS);
 * MAX_AGE 0 makes a session cookie, < 0 deletes it. */
void http_cookie(struct request *req, const char *name, const char *value, long max_age);
/* The Prometheus text of the server's counters. */
void http_metrics_render(struct buf *out);

/* The server's configuration (borrowed, read-only). */
const struct config *http_config(void);

/* Status code for a core result. */
unsigned http_status_of(enum core_result r);

/* Translate MSGID for this request's language (borrowed result). */
const char *http_tr(struct request *req, const char *msgid);

#endif
