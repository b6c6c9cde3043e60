/*
 * core/auth.c — sign-in, tokens, sessions and the guessing brake; see auth.h.
 * The brake's counters live in the store, so that several app servers over
 * one PostgreSQL database share them.
 */
#include "core/auth.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/input.h"
#include "core/staff.h"

const struct field login_fields[] = {
    { "username", F_STRING, offsetof(struct login_input, username), true, 64, NULL, NULL, 0, 0,
      NULL },
    { "password", F_STRING, offsetof(struct login_input, password), true, 200, NULL, NULL, 0, 0,
      NULL },
    FIELD_END,
};

static struct auth_limits limits = { 5, 900, 30, 12, 24 };

void
auth_configure(const struct auth_limits *l)
{
    limits = *l;
}

const struct auth_limits *
auth_get_limits(void)
{
    return &limits;
}

/* ---- the brake ----
 * Counters in the store (migration 0004), so that all servers of one store
 * count the same attempts: alternating between two servers must not double
 * anyone's allowance. The writes run in write jobs, which the writer
 * serialises (with PostgreSQL across servers too, by the writers' advisory
 * lock), so reading a counter, checking it and counting the attempt cannot
 * interleave with another attempt's.
 *
 * Counters are found by a keyed BLAKE2b digest (16 bytes) of "user" or "addr"
 * and the user name or address, never by the name or address itself. The key
 * is in the store (one row, made by the first server that needs it), the same
 * for every server; it is loaded once at start-up. An attempt is counted when
 * it starts, as a failure until its outcome is known (IN_FLIGHT says how many
 * of the counted attempts are still being checked), so that a burst of
 * parallel guesses cannot slip past the limit, and an attempt whose server
 * dies before the outcome stays counted as a failure until its window ends. */

static unsigned char brake_key[BRAKE_KEY_BYTES];
static bool brake_key_loaded;

enum core_result
auth_brake_key_load(struct db *db)
{
    unsigned char fresh[BRAKE_KEY_BYTES];
    random_bytes(fresh, sizeof fresh);
    enum db_status st = db_brake_key_insert(db, fresh, db_now_us());
    sodium_memzero(fresh, sizeof fresh);
    if (st >= 0)
        st = db_brake_key(db, brake_key); /* ours, or the one another server made first */
    brake_key_loaded = st == DB_ONE_ROW;
    return brake_key_loaded ? CORE_OK : CORE_ERROR;
}

/* IPv6 addresses count per /64: one subscriber usually holds a whole /64. */
static void
address_key(const char *address, char out[64])
{
    unsigned char a6[16];
    if (address && strchr(address, ':') && inet_pton(AF_INET6, address, a6) == 1)
        snprintf(out, 64, "v6:%02x%02x:%02x%02x:%02x%02x:%02x%02x::/64", a6[0], a6[1], a6[2], a6[3],
                 a6[4], a6[5], a6[6], a6[7]);
    else
        snprintf(out, 64, "%s", address ? address : "");
}

static void
key_of(const char *kind, const char *value, unsigned char out[BRAKE_DIGEST_BYTES])
{
    if (!brake_key_loaded)
        abort(); /* auth_brake_key_load() runs at start-up, before any sign-in */
    crypto_generichash_state st;
    crypto_generichash_init(&st, brake_key, sizeof brake_key, BRAKE_DIGEST_BYTES);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, out, BRAKE_DIGEST_BYTES);
}

void
auth_attempt_prepare(struct auth_attempt *a, const char *username, const char *address)
{
    char akey[64];
    address_key(address, akey);
    key_of("user", username ? username : "", a->user);
    key_of("addr", akey, a->addr);
    a->user_window = a->addr_window = 0;
}

static int64_t
window_us(void)
{
    return (int64_t)limits.window_seconds * 1000000;
}

/* The counter of DIGEST as it stands at NOW: a new window when there is
 * none or its window has ended. */
static enum db_status
counter_now(struct db *db, const unsigned char *digest, int64_t now, struct brake_row *row)
{
    enum db_status st = db_brake_get(db, digest, row);
    if (st < 0)
        return st;
    if (st == DB_NO_ROWS || now - row->window_start >= window_us()) {
        row->window_start = now;
        row->attempts = row->in_flight = 0;
    }
    return DB_NO_ROWS;
}

/* Seconds until ROW's window ends, at least 1 and at most the window. */
static unsigned
left_in_window(const struct brake_row *row, int64_t now)
{
    int64_t left = (row->window_start + window_us() - now + 999999) / 1000000;
    if (left < 1)
        return 1;
    return left > (int64_t)limits.window_seconds ? limits.window_seconds : (unsigned)left;
}

enum core_result
auth_attempt_begin(struct core_ctx *ctx, struct auth_attempt *a, unsigned *retry_after)
{
    struct brake_row u, ad;
    int64_t now = ctx->now_us;
    *retry_after = 0;
    if (counter_now(ctx->db, a->user, now, &u) < 0 || counter_now(ctx->db, a->addr, now, &ad) < 0)
        return CORE_ERROR;
    bool ok = true;
    if (u.attempts >= (int64_t)limits.max_failures) {
        ok = false;
        *retry_after = left_in_window(&u, now);
    }
    /* the address gets ten times the allowance: offices share addresses */
    if (ad.attempts >= (int64_t)limits.max_failures * 10) {
        ok = false;
        unsigned left = left_in_window(&ad, now);
        if (left > *retry_after)
            *retry_after = left;
    }
    if (!ok)
        return CORE_TOO_MANY; /* not counted: nothing is written */
    u.attempts++, u.in_flight++;
    ad.attempts++, ad.in_flight++;
    if (db_brake_put(ctx->db, a->user, &u) < 0 || db_brake_put(ctx->db, a->addr, &ad) < 0)
        return CORE_ERROR;
    a->user_window = u.window_start;
    a->addr_window = ad.window_start;
    return CORE_OK;
}

/* The outcome of an attempt for one counter, if that counter is still in
 * the window the attempt was counted in. */
static enum db_status
end_one(struct db *db, const unsigned char *digest, int64_t window, bool is_user,
        enum attempt_outcome outcome)
{
    struct brake_row row;
    enum db_status st = db_brake_get(db, digest, &row);
    if (st <= 0 || row.window_start != window)
        return st < 0 ? st : DB_NO_ROWS; /* that window has ended: nothing to settle */
    if (row.in_flight > 0)
        row.in_flight--;
    if (outcome == ATTEMPT_SUCCEEDED && is_user)
        row.attempts = row.in_flight; /* a correct password clears the name's failures */
    else if (outcome != ATTEMPT_FAILED && row.attempts > 0)
        row.attempts--; /* not a failure after all */
    if (row.attempts == 0)
        return db_brake_delete(db, digest);
    return db_brake_put(db, digest, &row);
}

enum core_result
auth_attempt_end(struct core_ctx *ctx, const struct auth_attempt *a, enum attempt_outcome outcome)
{
    if (end_one(ctx->db, a->user, a->user_window, true, outcome) < 0 ||
        end_one(ctx->db, a->addr, a->addr_window, false, outcome) < 0)
        return CORE_ERROR;
    return CORE_OK;
}

enum core_result
auth_delete_expired(struct db *db, int64_t now_us, struct auth_expired *out)
{
    memset(out, 0, sizeof *out);
    int64_t idle_before = now_us - (int64_t)limits.idle_minutes * 60 * 1000000;
    if (db_tokens_delete_expired(db, now_us, idle_before, &out->sessions, &out->tokens) < 0 ||
        db_brake_delete_expired(db, now_us - window_us(), &out->brake_rows) < 0)
        return CORE_ERROR;
    return CORE_OK;
}

/* ---- passwords and tokens ---- */

static char dummy_hash[CRYPTO_PWHASH_STR];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy_hash(void)
{
    password_hash("not the password of anyone", dummy_hash);
}

bool
auth_check_password(const struct user_row *user, const char *password, bool *rehash)
{
    *rehash = false;
    if (!user || !user->active) {
        /* spend the same time as for a real user, so names cannot be probed by timing */
        pthread_once(&dummy_once, make_dummy_hash);
        password_check(dummy_hash, password);
        return false;
    }
    enum pw_check r = password_check(user->password_hash, password);
    *rehash = r == PW_OK_REHASH;
    return r != PW_WRONG;
}

enum core_result
auth_issue(struct core_ctx *ctx, const char *user_id, enum token_kind kind, const char *language,
           char token_out[44], char csrf_out[44], int64_t *expires_us, struct problem *pb)
{
    unsigned char digest[CRYPTO_HASH_BYTES];
    token_new(token_out);
    token_digest(token_out, digest);
    csrf_out[0] = '\0';
    if (kind == TOKEN_SESSION)
        token_new(csrf_out);
    int64_t lifetime = kind == TOKEN_SESSION ? (int64_t)limits.absolute_hours * 3600
                                             : (int64_t)limits.token_hours * 3600;
    *expires_us = ctx->now_us + lifetime * 1000000;
    enum db_status st =
        db_token_insert(ctx->db, digest, user_id, kind, kind == TOKEN_SESSION ? csrf_out : NULL,
                        language, ctx->now_us, *expires_us);
    sodium_memzero(digest, sizeof digest);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

enum core_result
auth_resolve(struct db *db, const char *secret, enum token_kind kind, int64_t now_us,
             struct actor *actor, struct token_row *tok, bool *touch)
{
    unsigned char digest[CRYPTO_HASH_BYTES];
    struct user_row u;
    *touch = false;
    if (!secret || strlen(secret) != 43)
        return CORE_UNAUTHORIZED;
    token_digest(secret, digest);
    enum db_status st = db_token_lookup(db, digest, tok, &u);
    if (st < 0)
        return CORE_ERROR;
    if (st == DB_NO_ROWS || tok->kind != kind || !u.active || tok->expires_at <= now_us)
        return CORE_UNAUTHORIZED;
    if (kind == TOKEN_SESSION) {
        int64_t idle = (int64_t)limits.idle_minutes * 60 * 1000000;
        if (now_us - tok->last_seen_at > idle)
            return CORE_UNAUTHORIZED;
        *touch = now_us - tok->last_seen_at > 30 * 1000000;
    }
    staff_actor_from_row(actor, &u);
    return CORE_OK;
}

enum core_result
auth_revoke(struct core_ctx *ctx, const unsigned char digest[32], struct problem *pb)
{
    if (db_token_revoke(ctx->db, digest, ctx->now_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

enum core_result
auth_find_user(struct core_ctx *ctx, const char *username, struct user_row *out, bool *found)
{
    enum db_status st = db_user_by_username(ctx->db, username, out);
    *found = st == DB_ONE_ROW;
    return st < 0 ? CORE_ERROR : CORE_OK;
}

enum core_result
auth_store_rehash(struct core_ctx *ctx, const char *user_id, const char *hash)
{
    return db_user_set_password(ctx->db, user_id, hash) < 0 ? CORE_ERROR : CORE_OK;
}

enum core_result
auth_touch(struct db *db, const unsigned char digest[32], int64_t now_us)
{
    return db_token_touch(db, digest, now_us) < 0 ? CORE_ERROR : CORE_OK;
}
