/* api/staff.c — POST /users, GET /users/{id}, POST /teams. */
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "core/input.h"
#include "core/staff.h"
#include "util/crypto.h"

struct user_create {
    struct api_write w;
    struct user_input in;
    char hash[CRYPTO_PWHASH_STR];
    bool hashed;
};

static void
hash_password(void *arg)
{
    struct user_create *u = arg;
    u->hashed = password_hash(u->in.password, u->hash);
}

static enum core_result
user_insert(struct core_ctx *ctx, void *arg)
{
    struct user_create *u = arg;
    return staff_user_create(ctx, &u->in, u->hash, &u->w.view, &u->w.pb);
}

static enum http_result
user_hashed(struct request *req)
{
    struct user_create *u = req->deferred_arg;
    if (!u->hashed) {
        problem_set(&u->w.pb, CORE_ERROR, NULL, NULL);
        return reply_problem(req, &u->w.pb);
    }
    return http_write(req, user_insert, u, api_reply_created);
}

enum http_result
api_user_create(struct request *req)
{
    struct user_create *u = arena_alloc(&req->arena, sizeof *u);
    if (!api_input_collect(req, user_fields, &u->in, &u->w.pb))
        return HTTP_DONE;
    if (!(req->actor.roles & ROLE_ADMIN)) {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_FORBIDDEN, NULL, "Only administrators create users.");
        return reply_problem(req, &pb);
    }
    if (u->w.pb.n_errors) {
        /* no hashing for a request that will be refused: the service lists the errors */
        u->hashed = true;
        return http_write(req, user_insert, u, api_reply_created);
    }
    return http_compute(req, hash_password, u, user_hashed);
}

enum http_result
api_user_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (staff_user_get(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct team_create {
    struct api_write w;
    struct team_input in;
};

static enum core_result
team_insert(struct core_ctx *ctx, void *arg)
{
    struct team_create *t = arg;
    return staff_team_create(ctx, &t->in, &t->w.view, &t->w.pb);
}

enum http_result
api_team_create(struct request *req)
{
    struct team_create *t = arena_alloc(&req->arena, sizeof *t);
    if (!api_input_collect(req, team_fields, &t->in, &t->w.pb))
        return HTTP_DONE;
    return http_write(req, team_insert, t, api_reply_created);
}
