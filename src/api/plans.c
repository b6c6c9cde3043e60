/* api/plans.c — POST/GET /cases/{id}/plans, GET /cases/{id}/plans/current,
 * GET /plans/{id}, PATCH /plan-steps/{id}. */
#include "api/api.h"
#include "core/plans.h"

struct plan_create {
    struct api_write w;
    struct plan_input in;
};

static enum core_result
plan_insert(struct core_ctx *ctx, void *arg)
{
    struct plan_create *c = arg;
    return plans_create(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_plan_create(struct request *req)
{
    struct plan_create *c = arena_alloc(&req->arena, sizeof *c);
    c->w = (struct api_write){ .pb = PROBLEM_INIT };
    /* a 400 is answered at once; format errors go along to the service,
       which adds its rule errors so that one 422 lists them all */
    if (plans_read(req->json, &c->in, &req->arena, &c->w.pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &c->w.pb);
    c->w.id = req->args[0];
    return http_write(req, plan_insert, c, api_reply_created);
}

enum http_result
api_plan_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (plans_list(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_plan_current(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (plans_current(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_plan_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (plans_get(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct step_update {
    struct api_write w;
    struct plan_step_update in;
};

static enum core_result
step_update(struct core_ctx *ctx, void *arg)
{
    struct step_update *u = arg;
    return plans_step_update(ctx, u->w.id, &u->in, &u->w.view, &u->w.pb);
}

enum http_result
api_plan_step_update(struct request *req)
{
    struct step_update *u = arena_alloc(&req->arena, sizeof *u);
    u->w = (struct api_write){ .pb = PROBLEM_INIT };
    if (!api_input_collect(req, plan_step_update_fields, &u->in, &u->w.pb))
        return HTTP_DONE;
    u->w.id = req->args[0];
    return http_write(req, step_update, u, api_reply_ok);
}
