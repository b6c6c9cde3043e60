/*
 * http/reply.c — answering: JSON, RFC 9457 problem details, pages rendered
 * from the embedded templates, redirects and plain bytes. problem details
 * are produced here and nowhere else.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/internal.h"
#include "lotse_config.h"
#include "render/tmpl.h"
#include "util/embedded.h"
#include "util/i18n.h"
#include "util/json_out.h"
#include "util/log.h"

static struct tmpl_set *templates;

bool
pages_init(const struct config *cfg, char *err, size_t errlen)
{
    size_t n = 0;
    while (embedded_templates[n].name)
        n++;
    struct tmpl_source *src = calloc(n ? n : 1, sizeof *src);
    if (!src)
        abort();
    for (size_t i = 0; i < n; i++)
        src[i] = (struct tmpl_source){ embedded_templates[i].name,
                                       (const char *)embedded_templates[i].data,
                                       embedded_templates[i].len };
    templates = tmpl_set_new(src, n, NULL, err, errlen);
    free(src);
    if (!templates)
        return false;
    if (!i18n_init(cfg->locale_dir[0] ? cfg->locale_dir : LOTSE_LOCALE_DIR))
        log_warn("i18n: the de_DE.UTF-8 locale is missing; pages fall back to English");
    return true;
}

void
pages_free(void)
{
    tmpl_set_free(templates);
    templates = NULL;
    i18n_free();
}

void
http_header(struct request *req, const char *name, const char *value)
{
    struct header *h = arena_alloc(&req->arena, sizeof *h);
    h->name = name;
    h->value = arena_strdup(&req->arena, value);
    h->next = req->headers;
    req->headers = h;
}

const char *
http_tr(struct request *req, const char *msgid)
{
    return i18n_tr(req->lang ? req->lang : "de", msgid);
}

unsigned
http_status_of(enum core_result r)
{
    switch (r) {
    case CORE_OK: return 200;
    case CORE_BAD_REQUEST: return 400;
    case CORE_UNAUTHORIZED: return 401;
    case CORE_FORBIDDEN: return 403;
    case CORE_NOT_FOUND: return 404;
    case CORE_METHOD_NOT_ALLOWED: return 405;
    case CORE_CONFLICT: return 409;
    case CORE_TOO_LARGE: return 413;
    case CORE_UNSUPPORTED_MEDIA: return 415;
    case CORE_INVALID: return 422;
    case CORE_TOO_MANY: return 429;
    case CORE_UNAVAILABLE: return 503;
    case CORE_ERROR:
    default: return 500;
    }
}

static const char *
title_of(unsigned status)
{
    switch (status) {
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 503: return "Service Unavailable";
    default: return "Internal Server Error";
    }
}

enum http_result
reply_json(struct request *req, unsigned status, json_t *view)
{
    buf_reset(&req->out);
    json_out(&req->out, view); /* the bytes of json_dumps(JSON_COMPACT), faster */
    json_decref(view);
    req->status = status;
    req->content_type = "application/json";
    return HTTP_DONE;
}

static bool
wants_json(struct request *req)
{
    return strncmp(req->path, "/api/", 5) == 0;
}

/* The view of a problem: the same for JSON and for the error page. */
static json_t *
problem_view(struct request *req, const struct problem *pb, unsigned status, bool translate)
{
    json_t *v = json_object();
    json_object_set_new(
        v, "type",
        json_string(pb->code ? arena_printf(&req->arena, "urn:lotse:problem:%s", pb->code)
                             : "about:blank"));
    json_object_set_new(v, "title",
                        json_string(translate ? http_tr(req, title_of(status)) : title_of(status)));
    json_object_set_new(v, "status", json_integer(status));
    const char *detail =
        pb->detail ? pb->detail : (status >= 500 ? "Something went wrong on our side." : "");
    json_object_set_new(v, "detail", json_string(translate ? http_tr(req, detail) : detail));
    if (pb->code)
        json_object_set_new(v, "code", json_string(pb->code));
    if (pb->errors) {
        json_t *errs = json_array();
        for (const struct field_error *e = pb->errors; e; e = e->next) {
            json_t *o = json_object();
            json_object_set_new(o, "field", json_string(e->field));
            json_object_set_new(o, "message",
                                json_string(translate ? http_tr(req, e->message) : e->message));
            json_array_append_new(errs, o);
        }
        json_object_set_new(v, "errors", errs);
    }
    return v;
}

enum http_result
reply_problem(struct request *req, const struct problem *given)
{
    const struct problem *pb = given;
    struct problem lost = PROBLEM_INIT;
    if (given->result == CORE_ERROR && (req->store_lost || core_store_unreachable(req->core.db))) {
        /* not a bug: the store could not be reached (it reconnects on the next request) */
        problem_set(&lost, CORE_UNAVAILABLE, NULL, "The store is not reachable.");
        http_header(req, "Retry-After", "1");
        pb = &lost;
    }
    unsigned status = http_status_of(pb->result);
    if (pb->result == CORE_TOO_MANY) {
        char ra[16];
        snprintf(ra, sizeof ra, "%u", pb->retry_after ? pb->retry_after : 1);
        http_header(req, "Retry-After", ra);
    }
    if (status == 405 && req->wrong_method) {
        /* name the methods the path has */
        struct buf allow = BUF_INIT;
        char *copy = arena_alloc(&req->arena, strlen(req->path) + 1);
        const char *args[4];
        bool known;
        static const char *const methods[] = { "GET", "POST", "PUT", "PATCH", "DELETE" };
        for (size_t i = 0; i < 5; i++)
            if (routes_match(srv.routes, srv.n_routes, methods[i], req->path, copy, args, &known) >=
                0) {
                if (allow.len)
                    buf_puts(&allow, ", ");
                buf_puts(&allow, methods[i]);
            }
        http_header(req, "Allow", buf_cstr(&allow));
        buf_free(&allow);
    }
    if (wants_json(req)) {
        reply_json(req, status, problem_view(req, pb, status, false));
        req->content_type = "application/problem+json";
        return HTTP_DONE;
    }
    json_t *v = problem_view(req, pb, status, true);
    json_object_set(v, "title_page", json_object_get(v, "title"));
    return reply_page(req, status, "error.html", v);
}

/* Append S percent-encoded (everything but unreserved characters). */
static void
percent_encode(struct buf *b, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '.' || *p == '_' || *p == '~') {
            buf_putc(b, (char)*p);
        } else {
            buf_putc(b, '%');
            buf_putc(b, hex[*p >> 4]);
            buf_putc(b, hex[*p & 15]);
        }
    }
}

static enum MHD_Result
add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
    (void)kind;
    struct buf *b = cls;
    buf_putc(b, strchr(buf_cstr(b), '?') ? '&' : '?');
    percent_encode(b, key);
    if (value) {
        buf_putc(b, '=');
        percent_encode(b, value);
    }
    return MHD_YES;
}

/* The page's path with its query (filters, paging), for the language switch. */
static json_t *
path_with_query(struct request *req)
{
    struct buf b = BUF_INIT;
    buf_puts(&b, req->path);
    MHD_get_connection_values(req->conn, MHD_GET_ARGUMENT_KIND, add_query_arg, &b);
    json_t *j = json_string(buf_cstr(&b));
    buf_free(&b);
    return j ? j : json_string("/");
}

static json_t *
page_ctx(struct request *req)
{
    json_t *c = json_object();
    bool de = strcmp(req->lang, "de") == 0;
    json_object_set_new(c, "lang", json_string(req->lang));
    json_object_set_new(c, "other_lang", json_string(de ? "en" : "de"));
    json_object_set_new(c, "other_lang_label", json_string(de ? "English" : "Deutsch"));
    json_object_set_new(c, "csrf", json_string(req->csrf ? req->csrf : ""));
    json_object_set_new(c, "signed_in", json_boolean(req->signed_in));
    json_object_set_new(c, "path", json_string(req->path));
    json_object_set_new(c, "path_query", path_with_query(req));
    /* aria-current of the navigation: "page" for where the user is */
    json_object_set_new(c, "current_home",
                        json_string(strcmp(req->path, "/") == 0 ? "page" : "false"));
    json_object_set_new(c, "current_cases",
                        json_string(strcmp(req->path, "/cases") == 0 ? "page" : "false"));
    json_object_set_new(c, "current_rules",
                        json_string(strcmp(req->path, "/rules") == 0 ? "page" : "false"));
    json_object_set_new(c, "current_team",
                        json_string(strcmp(req->path, "/team") == 0 ? "page" : "false"));
    json_object_set_new(c, "current_intake",
                        json_string(strcmp(req->path, "/intake") == 0 ? "page" : "false"));
    if (req->signed_in) {
        const struct actor *a = &req->actor;
        json_t *u = json_object();
        json_object_set_new(u, "display_name", json_string(a->display_name));
        json_object_set_new(u, "username", json_string(a->username));
        json_object_set_new(c, "user", u);
        json_object_set_new(c, "is_case_manager", json_boolean(a->roles & ROLE_CASE_MANAGER));
        json_object_set_new(c, "is_placement_officer",
                            json_boolean(a->roles & ROLE_PLACEMENT_OFFICER));
        json_object_set_new(c, "is_team_lead", json_boolean(a->roles & ROLE_TEAM_LEAD));
        json_object_set_new(c, "is_admin", json_boolean(a->roles & ROLE_ADMIN));
        json_object_set_new(c, "can_intake",
                            json_boolean(a->roles & (ROLE_CASE_MANAGER | ROLE_PLACEMENT_OFFICER)));
    }
    return c;
}

static const char *
translate(const char *msgid, void *lang)
{
    return i18n_tr(lang, msgid);
}

enum http_result
reply_page(struct request *req, unsigned status, const char *template_name, json_t *view)
{
    json_object_set_new(view, "ctx", page_ctx(req));
    buf_reset(&req->out);
    if (!tmpl_render(templates, &req->out, template_name, view, translate, (void *)req->lang)) {
        log_error("render: no template %s", template_name);
        buf_reset(&req->out);
        buf_puts(&req->out, "internal error");
        status = 500;
        req->content_type = "text/plain; charset=utf-8";
    } else {
        req->content_type = "text/html; charset=utf-8";
    }
    json_decref(view);
    req->status = status;
    return HTTP_DONE;
}

enum http_result
reply_redirect(struct request *req, const char *location)
{
    if (!location || location[0] != '/' || location[1] == '/' || location[1] == '\\')
        location = "/"; /* only local paths: no open redirects */
    http_header(req, "Location", location);
    buf_reset(&req->out);
    req->status = 303;
    req->content_type = "text/plain; charset=utf-8";
    return HTTP_DONE;
}

enum http_result
reply_bytes(struct request *req, unsigned status, const char *content_type, const void *data,
            size_t len)
{
    buf_reset(&req->out);
    buf_append(&req->out, data, len);
    req->status = status;
    req->content_type = content_type;
    return HTTP_DONE;
}
