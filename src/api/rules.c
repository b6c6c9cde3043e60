/* api/rules.c — GET /rules/deadlines, PUT /rules/deadlines/{key}. */
#include "api/api.h"
#include "core/deadlines.h"

enum http_result
api_rules(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (rules_get(&req->core, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct rule_req {
    struct api_write w;
    struct rule_value_input in;
};

static enum core_result
rule_run(struct core_ctx *ctx, void *arg)
{
    struct rule_req *r = arg;
    return rules_set(ctx, r->w.id, &r->in, &r->w.view, &r->w.pb);
}

enum http_result
api_rule_set(struct request *req)
{
    struct rule_req *r = arena_alloc(&req->arena, sizeof *r);
    if (!api_input_collect(req, rule_value_fields, &r->in, &r->w.pb))
        return HTTP_DONE;
    r->w.id = req->args[0];
    return http_write(req, rule_run, r, api_reply_ok);
}
