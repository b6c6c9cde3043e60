/* http/signin.c — sign-in flow; see signin.h. */
#include "http/signin.h"

#include <string.h>

#include "http/internal.h"
#include "util/crypto.h"

/* On the slow pool. */
static void
signin_check(void *arg)
{
    struct signin *s = arg;
    s->ok = auth_check_password(s->found ? &s->user : NULL, s->password, &s->rehash);
    if (s->ok && s->rehash && !password_hash(s->password, s->new_hash))
        s->rehash = false;
}

/* On the writer. */
static enum core_result
issue(struct core_ctx *ctx, void *arg)
{
    struct signin *s = arg;
    struct problem pb = PROBLEM_INIT;
    if (s->rehash && auth_store_rehash(ctx, s->user.id, s->new_hash) != CORE_OK)
        return CORE_ERROR;
    return auth_issue(ctx, s->user.id, s->kind, NULL, s->token, s->csrf, &s->expires_us, &pb);
}

static enum http_result
after_issue(struct request *req)
{
    struct signin *s = req->deferred_arg;
    s->result = req->deferred_result;
    return s->then(req);
}

static enum http_result
after_check(struct request *req)
{
    struct signin *s = req->deferred_arg;
    int64_t now_s = req->core.now_us / 1000000;
    auth_attempt_end(s->username, req->client_address, s->ok ? ATTEMPT_SUCCEEDED : ATTEMPT_FAILED,
                     now_s);
    if (!s->ok) {
        s->result = CORE_UNAUTHORIZED;
        return s->then(req);
    }
    return http_write(req, issue, s, after_issue);
}

enum http_result
signin_start(struct request *req, struct signin *s, enum http_result (*then)(struct request *req))
{
    s->req = req;
    s->then = then;
    req->deferred_arg = s;
    int64_t now_s = req->core.now_us / 1000000;
    if (!auth_attempt_begin(s->username, req->client_address, now_s, &s->retry_after)) {
        s->result = CORE_TOO_MANY;
        return then(req);
    }
    if (auth_find_user(&req->core, s->username, &s->user, &s->found) != CORE_OK) {
        auth_attempt_end(s->username, req->client_address, ATTEMPT_NOT_CHECKED, now_s);
        s->result = CORE_ERROR;
        return then(req);
    }
    return http_compute(req, signin_check, s, after_check);
}
