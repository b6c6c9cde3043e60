/*
 * http/session.c — who is calling. API routes take a bearer token; browser
 * routes take the session cookie, and every browser POST must carry the
 * session's CSRF token in the form field "_csrf". The sign-in form, which
 * has no session yet, uses a double-submit cookie ("lotse_pre") instead.
 */
#include <microhttpd.h>
#include <stdio.h>
#include <string.h>

#include "core/auth.h"
#include "http/internal.h"
#include "util/crypto.h"
#include "util/log.h"

void
http_cookie(struct request *req, const char *name, const char *value, long max_age)
{
    const char *secure = srv.cfg->tls ? "; Secure" : "";
    const char *v;
    if (max_age < 0)
        v = arena_printf(&req->arena, "%s=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict%s", name,
                         secure);
    else if (max_age == 0)
        v = arena_printf(&req->arena, "%s=%s; Path=/; HttpOnly; SameSite=Strict%s", name, value,
                         secure);
    else
        v = arena_printf(&req->arena, "%s=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
                         name, value, max_age, secure);
    http_header(req, "Set-Cookie", v);
}

static bool
is_post(struct request *req)
{
    return strcmp(req->method, "POST") == 0;
}

static enum core_result
resolve(struct request *req, const char *secret, enum token_kind kind, struct token_row *tok)
{
    bool touch = false;
    enum core_result r =
        auth_resolve(req->core.db, secret, kind, req->core.now_us, &req->actor, tok, &touch);
    if (r != CORE_OK)
        return r;
    req->signed_in = true;
    token_digest(secret, req->token_digest);
    if (touch)
        http_touch_session(req->token_digest, req->core.now_us);
    return CORE_OK;
}

enum core_result
session_authenticate(struct request *req)
{
    struct MHD_Connection *conn = req->conn;
    struct token_row tok;
    switch (req->route->auth) {
    case AUTH_NONE: return CORE_OK;
    case AUTH_API: {
        const char *h = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Authorization");
        if (!h || strncasecmp(h, "Bearer ", 7) != 0)
            return CORE_UNAUTHORIZED;
        const char *t = h + 7;
        while (*t == ' ')
            t++;
        return resolve(req, t, TOKEN_API, &tok);
    }
    case AUTH_WEB: {
        const char *c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "lotse_session");
        if (!c)
            return CORE_UNAUTHORIZED;
        enum core_result r = resolve(req, c, TOKEN_SESSION, &tok);
        if (r != CORE_OK)
            return r;
        req->csrf = tok.csrf;
        if (tok.language)
            req->lang = tok.language;
        if (is_post(req)) {
            const char *sent = http_form(req, "_csrf");
            if (!sent || !tok.csrf || !secure_str_equal(sent, tok.csrf)) {
                log_warn("csrf: token missing or wrong on %s", req->route->pattern);
                return CORE_FORBIDDEN;
            }
        }
        return CORE_OK;
    }
    case AUTH_WEB_PRE: {
        const char *c = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "lotse_session");
        if (c && resolve(req, c, TOKEN_SESSION, &tok) == CORE_OK)
            req->csrf = tok.csrf;
        const char *pre = MHD_lookup_connection_value(conn, MHD_COOKIE_KIND, "lotse_pre");
        if (is_post(req)) {
            const char *sent = http_form(req, "_csrf");
            if (!pre || !sent || strlen(pre) != 43 || !secure_str_equal(sent, pre)) {
                log_warn("csrf: pre-session token missing or wrong on %s", req->route->pattern);
                return CORE_FORBIDDEN;
            }
        }
        if (!req->signed_in) {
            if (pre && strlen(pre) == 43) {
                req->csrf = arena_strdup(&req->arena, pre);
            } else {
                char fresh[44];
                token_new(fresh);
                req->csrf = arena_strdup(&req->arena, fresh);
                http_cookie(req, "lotse_pre", fresh, 3600);
            }
        }
        return CORE_OK;
    }
    default: return CORE_FORBIDDEN;
    }
}
