/* http/signin.c — sign-in flow; see signin.h.
 *
 * begin (writer)  count the attempt in the brake, or refuse it (429)
 * find (request)  load the user row
 * check (pool)    argon2id, off the request threads
 * end (writer)    a failure: settle the count; a success: clear the name's
 *                 count, renew the hash if due and issue the token or session,
 *                 in one job
 * The answer waits for each write, so that the next attempt, on whichever
 * server, sees this one's count. */
#include "http/signin.h"

#include <string.h>

#include "http/internal.h"
#include "util/crypto.h"
#include "util/log.h"

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
begin(struct core_ctx *ctx, void *arg)
{
    struct signin *s = arg;
    return auth_attempt_begin(ctx, &s->attempt, &s->retry_after);
}

static enum core_result
end_failed(struct core_ctx *ctx, void *arg)
{
    struct signin *s = arg;
    return auth_attempt_end(ctx, &s->attempt, ATTEMPT_FAILED);
}

static enum core_result
end_not_checked(struct core_ctx *ctx, void *arg)
{
    struct signin *s = arg;
    return auth_attempt_end(ctx, &s->attempt, ATTEMPT_NOT_CHECKED);
}

static enum core_result
issue(struct core_ctx *ctx, void *arg)
{
    struct signin *s = arg;
    struct problem pb = PROBLEM_INIT;
    if (auth_attempt_end(ctx, &s->attempt, ATTEMPT_SUCCEEDED) != CORE_OK)
        return CORE_ERROR;
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

/* S->result is known; the end of the attempt is stored (or, if that failed,
 * the attempt stays counted as a failure, the safe side). */
static enum http_result
after_end(struct request *req)
{
    struct signin *s = req->deferred_arg;
    if (req->deferred_result != CORE_OK)
        log_warn("signin: the outcome of an attempt could not be stored; it counts as failed");
    return s->then(req);
}

static enum http_result
after_check(struct request *req)
{
    struct signin *s = req->deferred_arg;
    if (!s->ok) {
        s->result = CORE_UNAUTHORIZED;
        return http_write(req, end_failed, s, after_end);
    }
    return http_write(req, issue, s, after_issue);
}

static enum http_result
after_begin(struct request *req)
{
    struct signin *s = req->deferred_arg;
    if (req->deferred_result != CORE_OK) {
        /* CORE_TOO_MANY (with s->retry_after), or the store failed */
        s->result = req->deferred_result;
        return s->then(req);
    }
    if (auth_find_user(&req->core, s->username, &s->user, &s->found) != CORE_OK) {
        s->result = core_store_unreachable(req->core.db) ? CORE_UNAVAILABLE : CORE_ERROR;
        return http_write(req, end_not_checked, s, after_end);
    }
    return http_compute(req, signin_check, s, after_check);
}

enum http_result
signin_start(struct request *req, struct signin *s, enum http_result (*then)(struct request *req))
{
    s->req = req;
    s->then = then;
    auth_attempt_prepare(&s->attempt, s->username, req->client_address);
    return http_write(req, begin, s, after_begin);
}
