/* web/reviews.c — the continuation review form (prefilled with the case's
 * facts) and the closure form (with the integration, when the reason is one). */
#include <string.h>

#include "core/reviews.h"
#include "util/date.h"
#include "web/web.h"

/* "YYYY-MM-DD" values under KEYS of OBJ as "TT.MM.JJJJ". */
static void
de_dates(json_t *obj, const char *const *keys)
{
    for (; obj && *keys; keys++)
        web_de_date(obj, *keys);
}

static const char *const case_dates[] = { "started_on",         "next_review_due", "limit_date",
                                          "limit_justified_on", "last_contact_on", NULL };

/* Options for a radio group or select: VALUES with translated labels, the
 * one equal to CURRENT checked. */
static json_t *
options(struct request *req, const char *const *values, const char *current)
{
    json_t *a = json_array();
    for (; *values; values++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", json_string(*values));
        json_object_set_new(o, "label", json_string(http_tr(req, *values)));
        json_object_set_new(o, "checked", json_boolean(current && strcmp(current, *values) == 0));
        json_array_append_new(a, o);
    }
    return a;
}

static const char *
today_de(struct request *req)
{
    char *s = arena_alloc(&req->arena, 11);
    date_format_de(date_today_berlin((time_t)(req->core.now_us / 1000000)), s);
    return s;
}

/* ---- continuation review ---- */

static enum http_result
review_page(struct request *req, const char *id, json_t *form, const struct problem *form_pb,
            unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    if (reviews_prepare(&req->core, id, false, &v, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *c = json_object_get(v, "case");
    de_dates(c, case_dates);
    static const char *const keys[] = { "next_review_if_continued", NULL };
    de_dates(v, keys);
    json_t *last = json_object_get(v, "last_review");
    if (json_is_object(last)) {
        static const char *const lk[] = { "date", NULL };
        de_dates(last, lk);
        json_object_set_new(
            last, "decision_label",
            json_string(http_tr(req, json_string_value(json_object_get(last, "decision")))));
    }
    json_object_set_new(
        v, "title",
        json_string(arena_printf(
            &req->arena, "%s: %s %s", http_tr(req, "Continuation review"),
            json_string_value(json_object_get(json_object_get(c, "client"), "first_name")),
            json_string_value(json_object_get(json_object_get(c, "client"), "last_name")))));
    json_t *f = form ? json_incref(form) : json_object();
    if (!form)
        json_object_set_new(f, "date", json_string(today_de(req)));
    static const char *const decisions[] = { "continue", "close", NULL };
    const char *decision = json_string_value(json_object_get(f, "decision"));
    json_object_set_new(v, "decisions", options(req, decisions, decision ? decision : "continue"));
    json_object_set_new(v, "form", f);
    const char *ret =
        form ? json_string_value(json_object_get(form, "return")) : http_query(req, "return");
    if (ret && strcmp(ret, "/") == 0)
        json_object_set_new(v, "return_to", json_string("/"));
    if (form_pb)
        web_view_errors(req, v, form_pb);
    return reply_page(req, status, "review.html", v);
}

enum http_result
web_review_form(struct request *req)
{
    return review_page(req, req->args[0], NULL, NULL, 200);
}

struct review_post {
    struct review_input in;
    const char *id;
    json_t *typed, *view;
    struct problem pb;
};

static enum core_result
review_run(struct core_ctx *ctx, void *arg)
{
    struct review_post *p = arg;
    return reviews_create(ctx, p->id, &p->in, &p->view, &p->pb);
}

static enum http_result
review_done(struct request *req)
{
    struct review_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK) {
        if (strcmp(p->in.decision, "close") == 0)
            return reply_redirect(req, arena_printf(&req->arena, "/cases/%s/close", p->id));
        const char *ret = web_return_to(req, http_form(req, "return"), p->id);
        if (!ret)
            ret = arena_printf(&req->arena, "/cases/%s", p->id);
        return reply_redirect(req, strcmp(ret, "/") == 0 ? "/?saved=review" : ret);
    }
    if (p->pb.result == CORE_INVALID)
        return review_page(req, p->id, p->typed, &p->pb, 422);
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

/* Copy the form's FIELDS (top-level names) into a new object. */
static json_t *
pick(json_t *form, const char *const *fields)
{
    json_t *o = json_object();
    for (; *fields; fields++) {
        json_t *v = json_object_get(form, *fields);
        if (v)
            json_object_set(o, *fields, v);
    }
    return o;
}

enum http_result
web_review_create(struct request *req)
{
    struct review_post *p = arena_alloc(&req->arena, sizeof *p);
    p->id = req->args[0];
    p->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", p->typed); /* lives as long as the request */
    web_form_drop_empty(req->form);
    web_form_date(req->form, "date");
    static const char *const fields[] = { "date", "decision", "justification", NULL };
    json_t *body = pick(req->form, fields);
    json_object_set_new(req->form, "__body", body);
    if (input_read(body, review_fields, &p->in, &req->arena, &p->pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &p->pb);
    return http_write(req, review_run, p, review_done);
}

/* ---- closure ---- */

static const char *const subsidy_values[] = { "none",           "integration_subsidy",
                                              "start_up_grant", "sgb2_16e",
                                              "sgb2_16i",       NULL };

static enum http_result
close_page(struct request *req, const char *id, json_t *form, const struct problem *form_pb,
           unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    if (reviews_prepare(&req->core, id, true, &v, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *c = json_object_get(v, "case");
    json_object_set_new(
        v, "title",
        json_string(arena_printf(
            &req->arena, "%s: %s %s", http_tr(req, "Close case"),
            json_string_value(json_object_get(json_object_get(c, "client"), "first_name")),
            json_string_value(json_object_get(json_object_get(c, "client"), "last_name")))));
    json_t *f = form ? json_incref(form) : json_object();
    if (!form)
        json_object_set_new(f, "date", json_string(today_de(req)));
    const char *reason = json_string_value(json_object_get(f, "reason"));
    json_object_set_new(v, "reasons", options(req, closure_reasons, reason));
    const char *subsidy =
        json_string_value(json_object_get(json_object_get(f, "integration"), "subsidy"));
    json_object_set_new(v, "subsidies", options(req, subsidy_values, subsidy ? subsidy : "none"));
    json_object_set_new(v, "form", f);
    if (form_pb)
        web_view_errors(req, v, form_pb);
    return reply_page(req, status, "close.html", v);
}

enum http_result
web_close_form(struct request *req)
{
    return close_page(req, req->args[0], NULL, NULL, 200);
}

struct close_post {
    struct close_input in;
    const char *id;
    json_t *typed, *view;
    struct problem pb;
};

static enum core_result
close_run(struct core_ctx *ctx, void *arg)
{
    struct close_post *p = arg;
    return cases_close(ctx, p->id, &p->in, &p->view, &p->pb);
}

static enum http_result
close_done(struct request *req)
{
    struct close_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, arena_printf(&req->arena, "/cases/%s", p->id));
    if (p->pb.result == CORE_INVALID)
        return close_page(req, p->id, p->typed, &p->pb, 422);
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_close(struct request *req)
{
    struct close_post *p = arena_alloc(&req->arena, sizeof *p);
    p->id = req->args[0];
    p->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", p->typed);
    web_form_drop_empty(req->form);
    web_form_date(req->form, "date");
    web_form_date(req->form, "integration.date");
    static const char *const fields[] = { "date", "reason", "justification", "integration", NULL };
    json_t *body = pick(req->form, fields);
    json_object_set_new(req->form, "__body", body);
    /* the integration part counts only when its start date was filled in */
    json_t *integ = json_object_get(body, "integration");
    if (json_is_object(integ) && !json_object_get(integ, "date"))
        json_object_del(body, "integration");
    if (input_read(body, close_fields, &p->in, &req->arena, &p->pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &p->pb);
    return http_write(req, close_run, p, close_done);
}
