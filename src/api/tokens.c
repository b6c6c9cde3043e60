/* api/tokens.c — POST /tokens, DELETE /tokens/current, GET /me. */
#include <sodium.h>
#include <string.h>

#include "api/api.h"
#include "core/auth.h"
#include "core/staff.h"
#include "http/signin.h"
#include "util/date.h"

static enum http_result
token_issued(struct request *req)
{
    struct signin *s = req->deferred_arg;
    struct problem pb = PROBLEM_INIT;
    switch (s->result) {
    case CORE_OK: {
        char exp[21];
        instant_format_utc(s->expires_us / 1000000, exp);
        json_t *v = json_object();
        json_object_set_new(v, "token", json_string(s->token));
        json_object_set_new(v, "expires_at", json_string(exp));
        sodium_memzero(s->token, sizeof s->token);
        return reply_json(req, 201, v);
    }
    case CORE_TOO_MANY:
        problem_set(&pb, CORE_TOO_MANY, NULL, "Too many failed sign-ins. Try again later.");
        pb.retry_after = s->retry_after;
        return reply_problem(req, &pb);
    case CORE_UNAUTHORIZED:
        problem_set(&pb, CORE_UNAUTHORIZED, NULL, "User name or password is wrong.");
        return reply_problem(req, &pb);
    default:
        problem_set(&pb, s->result == CORE_UNAVAILABLE ? CORE_UNAVAILABLE : CORE_ERROR, NULL, NULL);
        return reply_problem(req, &pb);
    }
}

enum http_result
api_token_create(struct request *req)
{
    struct login_input in;
    if (!api_input(req, login_fields, &in))
        return HTTP_DONE;
    struct signin *s = arena_alloc(&req->arena, sizeof *s);
    s->username = in.username;
    s->password = in.password;
    s->kind = TOKEN_API;
    return signin_start(req, s, token_issued);
}

static enum core_result
revoke(struct core_ctx *ctx, void *arg)
{
    struct api_write *w = arg;
    return auth_revoke(ctx, (const unsigned char *)w->id, &w->pb);
}

static enum http_result
revoked(struct request *req)
{
    struct api_write *w = req->deferred_arg;
    if (req->deferred_result != CORE_OK) {
        problem_set(&w->pb, CORE_UNAVAILABLE, NULL, NULL);
        return reply_problem(req, &w->pb);
    }
    return reply_bytes(req, 204, "application/json", "", 0);
}

enum http_result
api_token_delete(struct request *req)
{
    struct api_write *w = arena_alloc(&req->arena, sizeof *w);
    w->id = (const char *)req->token_digest;
    return http_write(req, revoke, w, revoked);
}

enum http_result
api_me(struct request *req)
{
    return reply_json(req, 200, staff_me_view(&req->actor));
}
