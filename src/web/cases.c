/* web/cases.c — the start page (my cases), intake (client + case in one
 * form), the case page and activation. */
#include <stdio.h>
#include <string.h>

#include "core/cases.h"
#include "core/clients.h"
#include "core/input.h"
#include "core/timeline.h"
#include "util/date.h"
#include "web/web.h"

static void
decorate_case(struct request *req, json_t *c)
{
    static const char *const keys[] = { "consent_date",       "started_on",      "next_review_due",
                                        "plan_review_due",    "limit_date",      "closed_on",
                                        "limit_justified_on", "last_contact_on", NULL };
    for (const char *const *k = keys; *k; k++)
        web_de_date(c, *k);
    json_t *r = json_object_get(c, "referral");
    if (r)
        web_de_date(r, "date");
    const char *st = json_string_value(json_object_get(c, "status"));
    if (st) {
        json_object_set_new(c, "status_label", json_string(http_tr(req, st)));
        json_object_set_new(c, "is_referred", json_boolean(strcmp(st, "referred") == 0));
        json_object_set_new(c, "is_active", json_boolean(strcmp(st, "active") == 0));
        json_object_set_new(c, "is_closed", json_boolean(strcmp(st, "closed") == 0));
    }
    const char *reason = json_string_value(json_object_get(c, "closure_reason"));
    if (reason)
        json_object_set_new(c, "closure_reason_label", json_string(http_tr(req, reason)));
    const char *src = r ? json_string_value(json_object_get(r, "source")) : NULL;
    if (src)
        json_object_set_new(
            r, "source_label",
            json_string(http_tr(req, strcmp(src, "self") == 0 ? "self-referral" : "placement")));
}

enum http_result
web_home(struct request *req)
{
    const char *status = http_query(req, "status");
    if (status && !status[0])
        status = NULL;
    struct case_list_query q = { .status = status,
                                 .cursor = http_query(req, "cursor"),
                                 .limit = 50 };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    json_t *v;
    if (req->actor.roles & (ROLE_CASE_MANAGER | ROLE_TEAM_LEAD | ROLE_PLACEMENT_OFFICER)) {
        if (cases_list(&req->core, &q, &view, &pb) != CORE_OK) {
            json_decref(view);
            return reply_problem(req, &pb);
        }
        v = view;
        size_t i;
        json_t *c;
        json_array_foreach(json_object_get(v, "items"), i, c) decorate_case(req, c);
        json_object_set_new(v, "has_items",
                            json_boolean(json_array_size(json_object_get(v, "items")) > 0));
        json_object_set_new(v, "names", json_boolean((req->actor.roles & ROLE_CASE_MANAGER) != 0));
        json_object_set_new(v, "can_transfer",
                            json_boolean((req->actor.roles & ROLE_TEAM_LEAD) &&
                                         !(req->actor.roles & ROLE_CASE_MANAGER)));
    } else {
        v = json_object();
        json_object_set_new(v, "no_cases_role", json_true());
    }
    json_object_set_new(
        v, "title",
        json_string(http_tr(req, (req->actor.roles & ROLE_CASE_MANAGER) ? "My cases" : "Cases")));
    static const char *const filters[] = { "", "referred", "active", "closed", NULL };
    json_t *fl = json_array();
    for (const char *const *f = filters; *f; f++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", json_string(*f));
        json_object_set_new(o, "label",
                            json_string(http_tr(req, (*f)[0] ? *f : "all open and closed")));
        bool cur = (status && strcmp(status, *f) == 0) || (!status && !(*f)[0]);
        json_object_set_new(o, "current", json_boolean(cur));
        json_array_append_new(fl, o);
    }
    json_object_set_new(v, "filters", fl);
    return reply_page(req, 200, "home.html", v);
}

static json_t *
intake_view(struct request *req, json_t *form, const struct problem *pb)
{
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "New client and case")));
    json_t *f = form ? json_deep_copy(form) : json_object();
    if (!form) {
        /* defaults: today as referral date, self-referral for case managers */
        char today[11];
        date_format_de(date_today_berlin((time_t)(req->core.now_us / 1000000)), today);
        json_t *r = json_object();
        json_object_set_new(r, "date", json_string(today));
        json_object_set_new(
            r, "source",
            json_string((req->actor.roles & ROLE_PLACEMENT_OFFICER) ? "placement" : "self"));
        json_object_set_new(f, "referral", r);
    }
    const char *src = json_string_value(json_object_get(json_object_get(f, "referral"), "source"));
    json_object_set_new(v, "source_self", json_boolean(src && strcmp(src, "self") == 0));
    json_object_set_new(v, "source_placement", json_boolean(!src || strcmp(src, "placement") == 0));
    json_object_set_new(v, "form", f);
    if (pb)
        web_view_errors(req, v, pb);
    return v;
}

enum http_result
web_intake_form(struct request *req)
{
    return reply_page(req, 200, "intake.html", intake_view(req, NULL, NULL));
}

struct intake {
    struct client_input client;
    struct case_input kase;
    json_t *client_view, *case_view;
    struct problem pb;
    json_t *form_copy;
};

static enum core_result
intake_run(struct core_ctx *ctx, void *arg)
{
    struct intake *in = arg;
    enum core_result r = clients_create(ctx, &in->client, &in->client_view, &in->pb);
    if (r == CORE_INVALID)
        cases_check_dates(ctx, &in->kase, &in->pb); /* list the case's errors as well */
    if (r != CORE_OK)
        return r;
    in->kase.client_id = json_string_value(json_object_get(in->client_view, "id"));
    return cases_create(ctx, &in->kase, &in->case_view, &in->pb);
}

static enum http_result
intake_done(struct request *req)
{
    struct intake *in = req->deferred_arg;
    json_decref(in->client_view);
    if (req->deferred_result == CORE_OK) {
        const char *id = json_string_value(json_object_get(in->case_view, "id"));
        /* whoever may not open the new case (a placement officer or team lead
           who opened it for a case manager) goes back to their list */
        char *loc = json_object_get(in->case_view, "client")
                        ? arena_printf(&req->arena, "/cases/%s", id)
                        : arena_strdup(&req->arena, "/");
        json_decref(in->case_view);
        json_decref(in->form_copy);
        return reply_redirect(req, loc);
    }
    json_decref(in->case_view);
    if (in->pb.result == CORE_OK)
        problem_set(&in->pb, req->deferred_result, NULL, NULL);
    if (in->pb.result == CORE_CONFLICT) {
        /* show a conflict next to the field it concerns */
        const char *field = strcmp(in->pb.code, "client_exists") == 0 ? "customer_number" : NULL;
        struct problem fp = PROBLEM_INIT;
        if (field)
            problem_field(&fp, &req->arena, field, in->pb.detail);
        else
            fp = in->pb;
        json_t *v = intake_view(req, in->form_copy, &fp);
        json_decref(in->form_copy);
        return reply_page(req, 409, "intake.html", v);
    }
    if (in->pb.result == CORE_INVALID) {
        json_t *v = intake_view(req, in->form_copy, &in->pb);
        json_decref(in->form_copy);
        return reply_page(req, 422, "intake.html", v);
    }
    json_decref(in->form_copy);
    return reply_problem(req, &in->pb);
}

enum http_result
web_intake(struct request *req)
{
    struct intake *in = arena_alloc(&req->arena, sizeof *in);
    json_t *form = req->form;
    in->form_copy = json_deep_copy(form); /* what the user typed, for re-display */
    web_form_drop_empty(form);
    web_form_date(form, "birth_date");
    web_form_date(form, "referral.date");
    web_form_date(form, "consent_date");
    /* split the one form into the client's and the case's part */
    json_t *client = json_object(), *kase = json_object();
    const char *key;
    json_t *val;
    json_object_foreach(form, key, val)
    {
        bool case_field = strcmp(key, "referral") == 0 || strcmp(key, "consent_date") == 0;
        json_object_set(case_field ? kase : client, key, val);
    }
    json_object_set_new(kase, "client_id", json_string("pending"));
    struct problem pb = PROBLEM_INIT;
    input_read(client, client_fields, &in->client, &req->arena, &pb);
    if (pb.result != CORE_BAD_REQUEST)
        input_read(kase, case_fields, &in->kase, &req->arena, &pb);
    /* the field tables borrow strings from these objects: keep them for the request */
    json_object_set_new(req->form, "__client", client);
    json_object_set_new(req->form, "__case", kase);
    if (pb.result == CORE_BAD_REQUEST) {
        json_t *v = intake_view(req, in->form_copy, &pb);
        json_decref(in->form_copy);
        return reply_page(req, 400, "intake.html", v);
    }
    /* format errors go along: the services add their rule errors, and one page lists all */
    in->pb = pb;
    return http_write(req, intake_run, in, intake_done);
}

/* A timeline entry for display: when (Berlin), what, a summary and a link. */
static void
decorate_event(struct request *req, const char *case_id, json_t *e)
{
    const char *kind = json_string_value(json_object_get(e, "kind"));
    const char *id = json_string_value(json_object_get(e, "id"));
    int64_t t;
    char when[18] = "";
    struct date d;
    const char *day = json_string_value(json_object_get(e, "date"));
    if (day && date_parse(day, &d) && strcmp(kind, "plan") != 0)
        date_format_de(d, when);
    else if (instant_parse(json_string_value(json_object_get(e, "at")), &t))
        instant_format_berlin(t, when);
    json_object_set_new(e, "when", json_string(when));
    json_object_set_new(e, "kind_label",
                        json_string(http_tr(req, arena_printf(&req->arena, "event.%s", kind))));
    const char *href = NULL, *summary = NULL;
    if (strcmp(kind, "note") == 0) {
        href = arena_printf(&req->arena, "/notes/%s", id);
        const char *text = json_string_value(json_object_get(e, "text"));
        summary = arena_printf(&req->arena, "%s · %s%s%s",
                               http_tr(req, json_string_value(json_object_get(e, "note_kind"))),
                               http_tr(req, json_string_value(json_object_get(e, "channel"))),
                               text ? ": " : "", text ? text : "");
        if (!text)
            json_object_set_new(e, "hidden", json_true());
    } else if (strcmp(kind, "appointment") == 0) {
        href = arena_printf(&req->arena, "/appointments/%s", id);
        const char *att = json_string_value(json_object_get(e, "attendance"));
        summary =
            arena_printf(&req->arena, "%s, %lld %s%s%s",
                         http_tr(req, json_string_value(json_object_get(e, "channel"))),
                         (long long)json_integer_value(json_object_get(e, "minutes")),
                         http_tr(req, "min."), att ? " · " : "", att ? http_tr(req, att) : "");
    } else if (strcmp(kind, "plan") == 0) {
        href = arena_printf(&req->arena, "/cases/%s/plan?version=%lld", case_id,
                            (long long)json_integer_value(json_object_get(e, "version")));
        summary = arena_printf(&req->arena, "%s %lld · %lld %s", http_tr(req, "Version"),
                               (long long)json_integer_value(json_object_get(e, "version")),
                               (long long)json_integer_value(json_object_get(e, "goals")),
                               http_tr(req, "goals"));
    } else if (strcmp(kind, "assessment") == 0) {
        href = arena_printf(&req->arena, "/cases/%s/assessment?version=%lld", case_id,
                            (long long)json_integer_value(json_object_get(e, "version")));
        const char *profile = json_string_value(json_object_get(e, "profile"));
        summary = arena_printf(&req->arena, "%s %lld%s%s", http_tr(req, "Version"),
                               (long long)json_integer_value(json_object_get(e, "version")),
                               profile ? " · " : "", profile ? http_tr(req, profile) : "");
    } else if (strcmp(kind, "review") == 0) {
        summary = arena_printf(&req->arena, "%s: %s",
                               http_tr(req, json_string_value(json_object_get(e, "decision"))),
                               json_string_value(json_object_get(e, "justification")));
    } else if (strcmp(kind, "transfer") == 0) {
        const char *from = json_string_value(json_object_get(e, "from"));
        summary = arena_printf(&req->arena, "%s → %s: %s", from ? from : "–",
                               json_string_value(json_object_get(e, "to")),
                               json_string_value(json_object_get(e, "reason")));
    } else if (strcmp(kind, "case") == 0) {
        const char *ev = json_string_value(json_object_get(e, "event"));
        const char *reason = json_string_value(json_object_get(e, "reason"));
        const char *just = json_string_value(json_object_get(e, "justification"));
        bool closed = ev && strcmp(ev, "closed") == 0;
        summary = arena_printf(
            &req->arena, "%s: %s%s%s", http_tr(req, closed ? "Case closed" : "Referral received"),
            reason ? http_tr(req, strcmp(reason, "self") == 0 && !closed ? "self-referral" : reason)
                   : "",
            just ? " – " : "", just ? just : "");
    } else if (strcmp(kind, "integration") == 0) {
        summary =
            arena_printf(&req->arena, "%s (%s)",
                         http_tr(req, json_string_value(json_object_get(e, "integration_kind"))),
                         http_tr(req, json_string_value(json_object_get(e, "subsidy"))));
    }
    json_object_set_new(e, "summary", json_string(summary ? summary : ""));
    if (href)
        json_object_set_new(e, "href", json_string(href));
}

static enum http_result
case_page(struct request *req, const char *id, const struct problem *form_pb, json_t *form,
          unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    const char *kind = http_query(req, "kind");
    if (kind && !kind[0])
        kind = NULL;
    const char *all = http_query(req, "all");
    bool whole = all && strcmp(all, "1") == 0;
    if (case_overview(&req->core, id, kind, whole ? TIMELINE_LIMIT_MAX : TIMELINE_PAGE, &v, &pb) !=
        CORE_OK)
        return reply_problem(req, &pb);
    json_t *view = json_object_get(v, "case");
    decorate_case(req, view);
    json_t *client = json_object_get(view, "client");
    json_object_set_new(
        v, "title",
        json_string(arena_printf(&req->arena, "%s %s",
                                 json_string_value(json_object_get(client, "first_name")),
                                 json_string_value(json_object_get(client, "last_name")))));
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(v, "timeline"), i, e) decorate_event(req, id, e);
    json_object_set_new(v, "has_events",
                        json_boolean(json_array_size(json_object_get(v, "timeline"))));
    json_t *next = json_object_get(v, "next_appointment");
    int64_t t;
    if (next && instant_parse(json_string_value(json_object_get(next, "start")), &t)) {
        char when[18];
        instant_format_berlin(t, when);
        json_object_set_new(
            next, "when",
            json_string(arena_printf(&req->arena, "%s %s", when, http_tr(req, "o'clock"))));
    }
    json_t *kinds = json_array();
    static const char *const filter_kinds[] = { "",         "note",        "appointment",
                                                "plan",     "assessment",  "review",
                                                "transfer", "integration", "case",
                                                NULL };
    for (const char *const *k = filter_kinds; *k; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", json_string(*k));
        json_object_set_new(
            o, "label",
            json_string((*k)[0] ? http_tr(req, arena_printf(&req->arena, "events.%s", *k))
                                : http_tr(req, "everything")));
        json_object_set_new(o, "current", json_boolean(kind ? strcmp(kind, *k) == 0 : !(*k)[0]));
        json_array_append_new(kinds, o);
    }
    json_object_set_new(v, "kinds", kinds);
    char today[11];
    date_format_de(date_today_berlin((time_t)(req->core.now_us / 1000000)), today);
    json_object_set_new(v, "today", json_string(today));
    if (form_pb)
        web_view_errors(req, v, form_pb);
    if (form)
        json_object_set(v, "form", form); /* what the user typed, shown again */
    return reply_page(req, status, "case.html", v);
}

enum http_result
web_case_show(struct request *req)
{
    return case_page(req, req->args[0], NULL, NULL, 200);
}

struct activate {
    struct activate_input in;
    json_t *typed;
    const char *id;
    json_t *view;
    struct problem pb;
};

static enum core_result
activate_run(struct core_ctx *ctx, void *arg)
{
    struct activate *a = arg;
    return cases_activate(ctx, a->id, &a->in, &a->view, &a->pb);
}

static enum http_result
activate_done(struct request *req)
{
    struct activate *a = req->deferred_arg;
    json_decref(a->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, arena_printf(&req->arena, "/cases/%s", a->id));
    if (a->pb.result == CORE_INVALID)
        return case_page(req, a->id, &a->pb, a->typed, 422);
    if (a->pb.result == CORE_OK)
        problem_set(&a->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &a->pb);
}

enum http_result
web_case_activate(struct request *req)
{
    struct activate *a = arena_alloc(&req->arena, sizeof *a);
    a->id = req->args[0];
    a->typed = json_deep_copy(req->form);
    web_form_drop_empty(req->form);
    web_form_date(req->form, "consent_date");
    json_object_set_new(req->form, "__typed", a->typed); /* lives as long as the request */
    struct problem pb = PROBLEM_INIT;
    json_t *fields = json_object();
    json_t *consent = json_object_get(req->form, "consent_date");
    if (consent)
        json_object_set(fields, "consent_date", consent);
    json_object_set_new(req->form, "__fields", fields);
    if (input_read(fields, activate_fields, &a->in, &req->arena, &pb) != CORE_OK)
        return case_page(req, a->id, &pb, a->typed, pb.result == CORE_INVALID ? 422 : 400);
    return http_write(req, activate_run, a, activate_done);
}

struct reopen {
    struct case_input in;
    const char *id;
    json_t *typed, *view;
    struct problem pb;
};

static enum core_result
reopen_run(struct core_ctx *ctx, void *arg)
{
    struct reopen *r = arg;
    return cases_reopen(ctx, r->id, &r->in, &r->view, &r->pb);
}

static enum http_result
reopen_done(struct request *req)
{
    struct reopen *r = req->deferred_arg;
    if (req->deferred_result == CORE_OK) {
        const char *id = json_string_value(json_object_get(r->view, "id"));
        char *loc = arena_printf(&req->arena, "/cases/%s", id);
        json_decref(r->view);
        return reply_redirect(req, loc);
    }
    json_decref(r->view);
    if (r->pb.result == CORE_INVALID)
        return case_page(req, r->id, &r->pb, r->typed, 422);
    if (r->pb.result == CORE_OK)
        problem_set(&r->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &r->pb);
}

enum http_result
web_case_reopen(struct request *req)
{
    struct reopen *r = arena_alloc(&req->arena, sizeof *r);
    r->id = req->args[0];
    r->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", r->typed); /* lives as long as the request */
    web_form_drop_empty(req->form);
    web_form_date(req->form, "consent_date");
    /* a client who comes back refers themselves, today */
    json_t *body = json_object(), *referral = json_object();
    char today[11];
    date_format(date_today_berlin((time_t)(req->core.now_us / 1000000)), today);
    json_object_set_new(referral, "source", json_string("self"));
    json_object_set_new(referral, "date", json_string(today));
    json_t *reason = json_object_get(req->form, "reason");
    if (reason)
        json_object_set(referral, "reason", reason);
    json_object_set_new(body, "client_id", json_string("from-the-closed-case"));
    json_object_set_new(body, "referral", referral);
    json_t *consent = json_object_get(req->form, "consent_date");
    if (consent)
        json_object_set(body, "consent_date", consent);
    json_object_set_new(req->form, "__body", body);
    if (input_read(body, case_fields, &r->in, &req->arena, &r->pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &r->pb);
    /* the field paths of the form */
    for (struct field_error *e = r->pb.errors; e; e = e->next)
        if (strcmp(e->field, "referral.reason") == 0)
            e->field = "reason";
    return http_write(req, reopen_run, r, reopen_done);
}
