/*
 * http/signin.h — the sign-in flow shared by POST /api/v1/tokens and the
 * browser's sign-in form: the guessing brake, the password check on the
 * slow pool (argon2id never runs on a request thread), and issuing the
 * token or session through the writer.
 */
#ifndef LOTSE_HTTP_SIGNIN_H
#define LOTSE_HTTP_SIGNIN_H

#include "core/auth.h"
#include "http/http.h"

struct signin {
    const char *username;
    const char *password;
    enum token_kind kind;
    /* results, for THEN */
    enum core_result result; /* CORE_OK, CORE_UNAUTHORIZED, CORE_TOO_MANY, CORE_ERROR… */
    unsigned retry_after;
    char token[44];
    char csrf[44];
    int64_t expires_us;
    /* internal */
    struct auth_attempt attempt;
    struct user_row user;
    bool found, ok, rehash;
    char new_hash[128];
    struct request *req;
    enum http_result (*then)(struct request *req);
};

/* Start signing in with S (in the request arena; USERNAME and PASSWORD
 * borrowed for the request). THEN runs with req->deferred_arg == S when the
 * outcome is known, after every write of the attempt is committed. */
enum http_result signin_start(struct request *req, struct signin *s,
                              enum http_result (*then)(struct request *req));

#endif
