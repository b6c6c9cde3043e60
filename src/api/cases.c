/* api/cases.c — POST /cases, GET /cases, GET /cases/{id}, POST /cases/{id}/activate. */
#include "api/api.h"
#include "core/cases.h"
#include "core/input.h"

struct case_create {
    struct api_write w;
    struct case_input in;
};

static enum core_result
case_insert(struct core_ctx *ctx, void *arg)
{
    struct case_create *c = arg;
    return cases_create(ctx, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_case_create(struct request *req)
{
    struct case_create *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, case_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    return http_write(req, case_insert, c, api_reply_created);
}

enum http_result
api_case_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (cases_get(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_case_list(struct request *req)
{
    struct case_list_query q = { .assigned_to = http_query(req, "assigned_to"),
                                 .status = http_query(req, "status") };
    if (!api_paging(req, &q.limit, &q.cursor))
        return HTTP_DONE;
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (cases_list(&req->core, &q, &view, &pb) != CORE_OK) {
        json_decref(view);
        return reply_problem(req, &pb);
    }
    return reply_json(req, 200, view);
}

struct case_activate {
    struct api_write w;
    struct activate_input in;
};

static enum core_result
case_activate(struct core_ctx *ctx, void *arg)
{
    struct case_activate *c = arg;
    return cases_activate(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_case_activate(struct request *req)
{
    struct case_activate *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, activate_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    c->w.id = req->args[0];
    return http_write(req, case_activate, c, api_reply_ok);
}
