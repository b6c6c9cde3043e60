/* web/team.c — the team lead's page (caseloads and deputies) and the
 * transfer of a case. */
#include <string.h>

#include "core/team.h"
#include "util/date.h"
#include "web/web.h"

static enum http_result
team_page(struct request *req, const char *form_user, json_t *form, const struct problem *form_pb,
          unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    if (team_caseloads(&req->core, &v, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *members = json_object_get(v, "items");
    size_t i;
    json_t *m;
    json_array_foreach(members, i, m)
    {
        const char *uid = json_string_value(json_object_get(m, "user_id"));
        json_t *deps = NULL;
        struct problem dpb = PROBLEM_INIT;
        if (team_deputies(&req->core, uid, &deps, &dpb) == CORE_OK) {
            size_t k;
            json_t *d;
            json_array_foreach(json_object_get(deps, "items"), k, d)
            {
                web_de_date(d, "from");
                web_de_date(d, "until");
            }
            json_object_set(m, "deputies", json_object_get(deps, "items"));
            json_object_set_new(m, "has_deputies",
                                json_boolean(json_array_size(json_object_get(deps, "items"))));
            json_decref(deps);
        }
        /* who can stand in: every other member */
        json_t *choices = json_array();
        size_t j;
        json_t *o;
        json_array_foreach(members, j, o)
        {
            if (j == i)
                continue;
            json_t *c = json_object();
            json_object_set(c, "id", json_object_get(o, "user_id"));
            json_object_set(c, "name", json_object_get(o, "display_name"));
            json_array_append_new(choices, c);
        }
        json_object_set_new(m, "choices", choices);
        json_object_set_new(m, "full",
                            json_boolean(json_integer_value(json_object_get(m, "open")) >=
                                         json_integer_value(json_object_get(m, "cap"))));
        if (form_user && strcmp(form_user, uid) == 0) {
            json_object_set(m, "form", form);
            if (form_pb)
                web_view_errors(req, m, form_pb);
        }
    }
    if (form_pb) {
        /* the summary links to the fields of that member's form */
        web_view_errors(req, v, form_pb);
        size_t k;
        json_t *item;
        json_array_foreach(json_object_get(v, "error_list"), k, item)
        {
            const char *anchor = json_string_value(json_object_get(item, "anchor"));
            json_object_set_new(item, "anchor",
                                json_string(arena_printf(&req->arena, "%s-%s", anchor, form_user)));
        }
    }
    json_object_set_new(v, "title", json_string(http_tr(req, "Team")));
    char today[11];
    date_format_de(date_today_berlin((time_t)(req->core.now_us / 1000000)), today);
    json_object_set_new(v, "today", json_string(today));
    return reply_page(req, status, "team.html", v);
}

enum http_result
web_team(struct request *req)
{
    return team_page(req, NULL, NULL, NULL, 200);
}

struct deputy_post {
    struct deputy_input in;
    const char *user_id;
    json_t *typed, *view;
    struct problem pb;
};

static enum core_result
deputy_run(struct core_ctx *ctx, void *arg)
{
    struct deputy_post *p = arg;
    return team_deputy_create(ctx, p->user_id, &p->in, &p->view, &p->pb);
}

static enum http_result
deputy_done(struct request *req)
{
    struct deputy_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/team");
    if (p->pb.result == CORE_INVALID)
        return team_page(req, p->user_id, p->typed, &p->pb, 422);
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_deputy_create(struct request *req)
{
    struct deputy_post *p = arena_alloc(&req->arena, sizeof *p);
    p->user_id = req->args[0];
    p->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", p->typed);
    web_form_drop_empty(req->form);
    web_form_date(req->form, "from");
    web_form_date(req->form, "until");
    json_t *body = json_object();
    static const char *const fields[] = { "deputy_id", "from", "until", NULL };
    for (const char *const *f = fields; *f; f++)
        if (json_object_get(req->form, *f))
            json_object_set(body, *f, json_object_get(req->form, *f));
    json_object_set_new(req->form, "__body", body);
    if (input_read(body, deputy_fields, &p->in, &req->arena, &p->pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &p->pb);
    return http_write(req, deputy_run, p, deputy_done);
}

struct revoke_post {
    const char *id;
    struct problem pb;
};

static enum core_result
revoke_run(struct core_ctx *ctx, void *arg)
{
    struct revoke_post *p = arg;
    return team_deputy_revoke(ctx, p->id, &p->pb);
}

static enum http_result
revoke_done(struct request *req)
{
    struct revoke_post *p = req->deferred_arg;
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/team");
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_deputy_revoke(struct request *req)
{
    struct revoke_post *p = arena_alloc(&req->arena, sizeof *p);
    p->id = req->args[0];
    return http_write(req, revoke_run, p, revoke_done);
}

/* ---- transfer ---- */

static enum http_result
transfer_page(struct request *req, const char *id, json_t *form, const struct problem *form_pb,
              unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *kase = NULL, *loads = NULL;
    if (!(req->actor.roles & ROLE_TEAM_LEAD)) { /* before anything is read */
        problem_set(&pb, CORE_FORBIDDEN, NULL, "Only team leads transfer cases.");
        return reply_problem(req, &pb);
    }
    if (team_case_status(&req->core, id, &kase, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    if (team_caseloads(&req->core, &loads, &pb) != CORE_OK) {
        json_decref(kase);
        return reply_problem(req, &pb);
    }
    json_t *v = json_object();
    web_de_date(kase, "started_on");
    json_object_set_new(v, "case", kase);
    const char *current = json_string_value(json_object_get(kase, "case_manager_id"));
    const char *chosen = form ? json_string_value(json_object_get(form, "case_manager_id")) : NULL;
    json_t *choices = json_array();
    size_t i;
    json_t *m;
    json_array_foreach(json_object_get(loads, "items"), i, m)
    {
        const char *uid = json_string_value(json_object_get(m, "user_id"));
        if (current && strcmp(uid, current) == 0)
            continue;
        json_t *c = json_deep_copy(m);
        json_object_set_new(c, "checked", json_boolean(chosen && strcmp(chosen, uid) == 0));
        json_array_append_new(choices, c);
    }
    json_decref(loads);
    json_object_set_new(v, "choices", choices);
    json_object_set_new(v, "title", json_string(http_tr(req, "Transfer case")));
    json_object_set_new(v, "form", form ? json_incref(form) : json_object());
    if (form_pb)
        web_view_errors(req, v, form_pb);
    return reply_page(req, status, "transfer.html", v);
}

enum http_result
web_transfer_form(struct request *req)
{
    return transfer_page(req, req->args[0], NULL, NULL, 200);
}

struct transfer_post {
    struct transfer_input in;
    const char *id;
    json_t *typed, *view;
    struct problem pb;
};

static enum core_result
transfer_run(struct core_ctx *ctx, void *arg)
{
    struct transfer_post *p = arg;
    return team_transfer(ctx, p->id, &p->in, &p->view, &p->pb);
}

static enum http_result
transfer_done(struct request *req)
{
    struct transfer_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/cases");
    if (p->pb.result == CORE_INVALID ||
        (p->pb.result == CORE_CONFLICT && strcmp(p->pb.code, "caseload_full") == 0)) {
        struct problem fp = PROBLEM_INIT;
        if (p->pb.result == CORE_CONFLICT)
            problem_field(&fp, &req->arena, "override_reason", p->pb.detail);
        else
            fp = p->pb;
        return transfer_page(req, p->id, p->typed, &fp, p->pb.result == CORE_CONFLICT ? 409 : 422);
    }
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_transfer(struct request *req)
{
    struct transfer_post *p = arena_alloc(&req->arena, sizeof *p);
    p->id = req->args[0];
    p->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", p->typed);
    web_form_drop_empty(req->form);
    json_t *body = json_object();
    static const char *const fields[] = { "case_manager_id", "reason", "override_reason", NULL };
    for (const char *const *f = fields; *f; f++)
        if (json_object_get(req->form, *f))
            json_object_set(body, *f, json_object_get(req->form, *f));
    json_object_set_new(req->form, "__body", body);
    if (input_read(body, transfer_fields, &p->in, &req->arena, &p->pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &p->pb);
    return http_write(req, transfer_run, p, transfer_done);
}
