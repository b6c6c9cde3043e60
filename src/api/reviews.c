/* api/reviews.c — POST/GET /cases/{id}/reviews, POST /cases/{id}/integrations,
 * POST /cases/{id}/close. */
#include "api/api.h"
#include "core/reviews.h"

struct review_req {
    struct api_write w;
    struct review_input in;
};

static enum core_result
review_run(struct core_ctx *ctx, void *arg)
{
    struct review_req *r = arg;
    return reviews_create(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_review_create(struct request *req)
{
    struct review_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, review_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, review_run, r, api_reply_created);
}

enum http_result
api_review_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (reviews_list(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct integration_req {
    struct api_write w;
    struct integration_input in;
};

static enum core_result
integration_run(struct core_ctx *ctx, void *arg)
{
    struct integration_req *r = arg;
    return integrations_create(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_integration_create(struct request *req)
{
    struct integration_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, integration_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, integration_run, r, api_reply_created);
}

struct close_req {
    struct api_write w;
    struct close_input in;
};

static enum core_result
close_run(struct core_ctx *ctx, void *arg)
{
    struct close_req *r = arg;
    return cases_close(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_case_close(struct request *req)
{
    struct close_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, close_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, close_run, r, api_reply_ok);
}
