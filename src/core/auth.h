/*
 * core/auth.h — who is calling: sign-in with a password, API tokens and
 * browser sessions (both random secrets stored only as BLAKE2b digests), and
 * the brake on guessing (per user name and per address, counted in the
 * store). No HTTP here: the
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

/* The guessing brake, per user name and per address (IPv6 per /64), with
 * its counters in the store so that every server of one store shares them
 * (core/auth.c says how). The address gets ten times the allowance.
 *
 * Load the key of the counters' digests (write job body, once at start-up,
 * before any attempt): the store's, made now if it has none yet. */
enum core_result auth_brake_key_load(struct db *db);

/* One sign-in attempt: the digests of its user name and address, and the
 * windows it was counted in. */
struct auth_attempt {
    unsigned char user[BRAKE_DIGEST_BYTES], addr[BRAKE_DIGEST_BYTES];
    int64_t user_window, addr_window;
};
/* Fill A for USERNAME and ADDRESS (either may be NULL). */
void auth_attempt_prepare(struct auth_attempt *a, const char *username, const char *address);
/* Write job body, before the password is checked: count attempt A at
 * CTX->now_us. CORE_OK: go on, and end it with auth_attempt_end() (in a
 * later write job). CORE_TOO_MANY with *RETRY_AFTER (seconds) while the user
 * name or the address has used up its attempts in the window (attempts still
 * being checked count too); such an attempt is not counted. CORE_ERROR when
 * the store fails. */
enum core_result auth_attempt_begin(struct core_ctx *ctx, struct auth_attempt *a,
                                    unsigned *retry_after);
enum attempt_outcome { ATTEMPT_FAILED, ATTEMPT_SUCCEEDED, ATTEMPT_NOT_CHECKED };
/* Write job body: the outcome of attempt A. A failure stays counted until
 * its window ends; a success clears the user name's failures; an attempt
 * that was not checked (the store failed) is taken back. An attempt that is
 * never ended counts as a failure. */
enum core_result auth_attempt_end(struct core_ctx *ctx, const struct auth_attempt *a,
                                  enum attempt_outcome outcome);

/* Write job body (the job loop, core/jobs.c): delete what can never be used
 * again at NOW_US: expired or idle browser sessions, expired API tokens and
 * the brake's counters whose window has ended. OUT counts them. */
struct auth_expired {
    int64_t sessions, tokens, brake_rows;
};
enum core_result auth_delete_expired(struct db *db, int64_t now_us, struct auth_expired *out);

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
