/*
 * core/auth.h — who is calling: sign-in with a password, API tokens and
 * browser sessions (both random secrets stored only as BLAKE2b digests), and
 * the brake on guessing (per user name and per address). No HTTP here: the
 * HTTP layer reads the header or cookie and asks auth_resolve().
 */
#ifndef LOTSE_CORE_AUTH_H
#define LOTSE_CORE_AUTH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "core/input.h"
#include "store/queries.h"
#include "util/crypto.h"

enum token_kind { TOKEN_API = 1, TOKEN_SESSION = 2 };

struct login_input {
    const char *username, *password;
};
extern const struct field login_fields[];

/* Limits, from the configuration. */
struct auth_limits {
    unsigned max_failures, window_seconds;
    unsigned idle_minutes, absolute_hours, token_hours;
};
void auth_configure(const struct auth_limits *limits);
const struct auth_limits *auth_get_limits(void);

/* The guessing brake. Call auth_attempt_begin() before checking a password:
 * false (with *RETRY_AFTER seconds) while USERNAME or ADDRESS (IPv6 per /64)
 * has used up its attempts in the window — attempts still being checked
 * count too. Every true must be followed by auth_attempt_end() with the
 * outcome. */
bool auth_attempt_begin(const char *username, const char *address, int64_t now_s,
                        unsigned *retry_after);
enum attempt_outcome { ATTEMPT_FAILED, ATTEMPT_SUCCEEDED, ATTEMPT_NOT_CHECKED };
void auth_attempt_end(const char *username, const char *address, enum attempt_outcome outcome,
                      int64_t now_s);
/* Forget every counter (tests). */
void auth_reset_throttle(void);

/* Check a sign-in against the user row (slow: argon2id; run off the request
 * threads). USER may be NULL (unknown name): the same work is done, then
 * false. *REHASH is set when the stored hash should be renewed. */
bool auth_check_password(const struct user_row *user, const char *password, bool *rehash);

/* Write job: issue a token or session for USER_ID. TOKEN_OUT gets the
 * secret (44 bytes) and CSRF_OUT (44 bytes, sessions only) the form token;
 * *EXPIRES_US the absolute expiry. */
enum core_result auth_issue(struct core_ctx *ctx, const char *user_id, enum token_kind kind,
                            const char *language, char token_out[44], char csrf_out[44],
                            int64_t *expires_us, struct problem *pb);

/* Resolve a presented secret of KIND. On success fills ACTOR and TOK
 * (strings in the db arena) and returns CORE_OK; expired, idle, revoked,
 * unknown or of the other kind: CORE_UNAUTHORIZED. *TOUCH is set when the
 * last-seen time is old enough to be refreshed (sessions). */
enum core_result auth_resolve(struct db *db, const char *secret, enum token_kind kind,
                              int64_t now_us, struct actor *actor, struct token_row *tok,
                              bool *touch);

/* Sign-in helpers for the HTTP layer. */
/* Load the user called USERNAME (any Jobcenter); *FOUND false when none. */
enum core_result auth_find_user(struct core_ctx *ctx, const char *username, struct user_row *out,
                                bool *found);
/* Write job: store a renewed password hash for USER_ID. */
enum core_result auth_store_rehash(struct core_ctx *ctx, const char *user_id, const char *hash);
/* Write job body: refresh a session's last-seen time. */
enum core_result auth_touch(struct db *db, const unsigned char digest[32], int64_t now_us);

/* Write job: revoke the token whose digest is DIGEST. */
enum core_result auth_revoke(struct core_ctx *ctx, const unsigned char digest[32],
                             struct problem *pb);

#endif
