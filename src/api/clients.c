/* api/clients.c — POST /clients, GET /clients/{id}, GET /clients?customer_number=. */
#include "api/api.h"
#include "core/clients.h"
#include "core/input.h"

struct client_create {
    struct api_write w;
    struct client_input in;
};

static enum core_result
client_insert(struct core_ctx *ctx, void *arg)
{
    struct client_create *c = arg;
    return clients_create(ctx, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_client_create(struct request *req)
{
    struct client_create *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, client_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    return http_write(req, client_insert, c, api_reply_created);
}

enum http_result
api_client_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (clients_get(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_client_find(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (clients_find(&req->core, http_query(req, "customer_number"), &view, &pb) != CORE_OK) {
        json_decref(view);
        return reply_problem(req, &pb);
    }
    return reply_json(req, 200, view);
}
