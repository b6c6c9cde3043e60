/* api/team.c — POST /cases/{id}/transfer, POST/GET /users/{id}/deputies,
 * DELETE /deputies/{id}, GET /stats/caseload. */
#include "api/api.h"
#include "core/team.h"

struct transfer_req {
    struct api_write w;
    struct transfer_input in;
};

static enum core_result
transfer_run(struct core_ctx *ctx, void *arg)
{
    struct transfer_req *r = arg;
    return team_transfer(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_case_transfer(struct request *req)
{
    struct transfer_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, transfer_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, transfer_run, r, api_reply_ok);
}

struct deputy_req {
    struct api_write w;
    struct deputy_input in;
};

static enum core_result
deputy_run(struct core_ctx *ctx, void *arg)
{
    struct deputy_req *r = arg;
    return team_deputy_create(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_deputy_create(struct request *req)
{
    struct deputy_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, deputy_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, deputy_run, r, api_reply_created);
}

enum http_result
api_deputy_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (team_deputies(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

static enum core_result
revoke_run(struct core_ctx *ctx, void *arg)
{
    struct api_write *w = arg;
    return team_deputy_revoke(ctx, w->id, &w->pb);
}

enum http_result
api_deputy_delete(struct request *req)
{
    struct api_write *w = arena_alloc(&req->arena, sizeof *w);
    w->id = req->args[0];
    return http_write(req, revoke_run, w, api_reply_no_content);
}

enum http_result
api_caseload(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (team_caseloads(&req->core, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}
