/* web/session.c — sign-in form, sign-out and the language switch. */
#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "core/input.h"
#include "http/signin.h"
#include "web/web.h"

static enum http_result
login_page(struct request *req, unsigned status, const char *username, const struct problem *pb)
{
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "Sign in")));
    json_object_set_new(v, "username", json_string(username ? username : ""));
    if (pb)
        web_view_errors(req, v, pb);
    return reply_page(req, status, "login.html", v);
}

enum http_result
web_login_form(struct request *req)
{
    if (req->signed_in)
        return reply_redirect(req, "/");
    return login_page(req, 200, NULL, NULL);
}

static enum http_result
signed_in(struct request *req)
{
    struct signin *s = req->deferred_arg;
    struct problem pb = PROBLEM_INIT;
    switch (s->result) {
    case CORE_OK:
        http_cookie(req, "lotse_session", s->token, 0);
        http_cookie(req, "lotse_pre", NULL, -1);
        return reply_redirect(req, "/");
    case CORE_TOO_MANY: {
        problem_set(&pb, CORE_TOO_MANY, NULL,
                    "Too many failed sign-ins. Please wait a few minutes and try again.");
        char ra[16];
        snprintf(ra, sizeof ra, "%u", s->retry_after ? s->retry_after : 1);
        http_header(req, "Retry-After", ra);
        return login_page(req, 429, s->username, &pb);
    }
    case CORE_UNAUTHORIZED:
        problem_set(&pb, CORE_UNAUTHORIZED, NULL, "User name or password is wrong.");
        return login_page(req, 401, s->username, &pb);
    default:
        problem_set(&pb, CORE_UNAVAILABLE, NULL, "Signing in is not possible right now.");
        return login_page(req, 503, s->username, &pb);
    }
}

enum http_result
web_login(struct request *req)
{
    struct login_input in;
    struct problem pb = PROBLEM_INIT;
    if (input_read(req->form, login_fields, &in, &req->arena, &pb) != CORE_OK)
        return login_page(req, pb.result == CORE_INVALID ? 422 : 400, http_form(req, "username"),
                          &pb);
    struct signin *s = arena_alloc(&req->arena, sizeof *s);
    s->username = in.username;
    s->password = in.password;
    s->kind = TOKEN_SESSION;
    return signin_start(req, s, signed_in);
}

static enum core_result
revoke(struct core_ctx *ctx, void *arg)
{
    struct problem pb = PROBLEM_INIT;
    return auth_revoke(ctx, arg, &pb);
}

static enum http_result
signed_out(struct request *req)
{
    http_cookie(req, "lotse_session", NULL, -1);
    return reply_redirect(req, "/login");
}

enum http_result
web_logout(struct request *req)
{
    return http_write(req, revoke, req->token_digest, signed_out);
}

enum http_result
web_language(struct request *req)
{
    const char *set = http_query(req, "set");
    const char *back = http_query(req, "back");
    if (set && (strcmp(set, "de") == 0 || strcmp(set, "en") == 0)) {
        char *v =
            arena_printf(&req->arena, "lotse_lang=%s; Path=/; Max-Age=31536000; SameSite=Lax", set);
        http_header(req, "Set-Cookie", v);
    }
    return reply_redirect(req, back ? back : "/");
}
