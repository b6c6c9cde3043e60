/*
 * core/auth.c — sign-in, tokens, sessions and the guessing brake; see auth.h.
 * The brake lives in memory: it protects one server process. (Several app
 * servers over PostgreSQL will each keep their own, which multiplies the
 * allowance by the number of servers; acceptable, and noted for that issue.)
 */
#include "core/auth.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
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
 * A fixed table of counters, keyed by a keyed BLAKE2b digest (the key is
 * random per process, so nobody can choose names that collide with a
 * victim's slot). An attempt is counted when it starts (in flight), not when
 * its slow password check ends, so a burst of parallel guesses cannot slip
 * past the limit. A live slot is never evicted; when the table is crowded,
 * new keys are refused (429) rather than resetting someone else's count. */

enum { SLOTS = 8192, PROBES = 32 };

struct counter {
    unsigned char key[16];
    int64_t window_start;
    unsigned failures;
    unsigned in_flight;
    bool used;
};

static struct counter counters[SLOTS];
static pthread_mutex_t counters_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char table_key[crypto_generichash_KEYBYTES];
static pthread_once_t table_key_once = PTHREAD_ONCE_INIT;

static void
make_table_key(void)
{
    randombytes_buf(table_key, sizeof table_key);
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
key_of(const char *kind, const char *value, unsigned char out[16])
{
    pthread_once(&table_key_once, make_table_key);
    crypto_generichash_state st;
    crypto_generichash_init(&st, table_key, sizeof table_key, 16);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, out, 16);
}

static bool
live(const struct counter *c, int64_t now_s)
{
    return c->used &&
           (c->in_flight > 0 || now_s - c->window_start < (int64_t)limits.window_seconds);
}

/* The slot for KEY, or a free one taken for it when CREATE; NULL when the
 * neighbourhood is full of live counters. */
static struct counter *
slot_for(const unsigned char key[16], int64_t now_s, bool create)
{
    unsigned h = ((unsigned)key[0] | (unsigned)key[1] << 8 | (unsigned)key[2] << 16) % SLOTS;
    struct counter *free_slot = NULL;
    for (int probe = 0; probe < PROBES; probe++) {
        struct counter *c = &counters[(h + (unsigned)probe) % SLOTS];
        if (c->used && memcmp(c->key, key, 16) == 0) {
            if (!live(c, now_s)) { /* an old window: start a new one */
                c->failures = 0;
                c->window_start = now_s;
            }
            return c;
        }
        if (!live(c, now_s) && !free_slot)
            free_slot = c;
    }
    if (!create || !free_slot)
        return NULL;
    memcpy(free_slot->key, key, 16);
    free_slot->used = true;
    free_slot->failures = 0;
    free_slot->in_flight = 0;
    free_slot->window_start = now_s;
    return free_slot;
}

static unsigned
left_in_window(const struct counter *c, int64_t now_s)
{
    int64_t left = c->window_start + (int64_t)limits.window_seconds - now_s;
    return left > 0 ? (unsigned)left : 1;
}

bool
auth_attempt_begin(const char *username, const char *address, int64_t now_s, unsigned *retry_after)
{
    unsigned char ku[16], ka[16];
    char akey[64];
    address_key(address, akey);
    key_of("user", username ? username : "", ku);
    key_of("addr", akey, ka);
    *retry_after = 0;
    pthread_mutex_lock(&counters_mu);
    struct counter *cu = slot_for(ku, now_s, true);
    struct counter *ca = slot_for(ka, now_s, true);
    bool ok = cu && ca;
    if (!ok) {
        *retry_after = 60; /* the table is crowded with live counters: an attack */
    } else {
        /* the address gets ten times the allowance: offices share addresses */
        if (cu->failures + cu->in_flight >= limits.max_failures) {
            ok = false;
            *retry_after = left_in_window(cu, now_s);
        }
        if (ca->failures + ca->in_flight >= limits.max_failures * 10) {
            ok = false;
            unsigned left = left_in_window(ca, now_s);
            if (left > *retry_after)
                *retry_after = left;
        }
        if (ok) {
            cu->in_flight++;
            ca->in_flight++;
        }
    }
    pthread_mutex_unlock(&counters_mu);
    return ok;
}

void
auth_attempt_end(const char *username, const char *address, enum attempt_outcome outcome,
                 int64_t now_s)
{
    unsigned char ku[16], ka[16];
    char akey[64];
    address_key(address, akey);
    key_of("user", username ? username : "", ku);
    key_of("addr", akey, ka);
    pthread_mutex_lock(&counters_mu);
    struct counter *cu = slot_for(ku, now_s, false), *ca = slot_for(ka, now_s, false);
    if (cu && cu->in_flight)
        cu->in_flight--;
    if (ca && ca->in_flight)
        ca->in_flight--;
    if (outcome == ATTEMPT_SUCCEEDED) {
        if (cu && !cu->in_flight)
            cu->used = false; /* a correct password clears the name's count */
    } else if (outcome == ATTEMPT_FAILED) {
        if (cu)
            cu->failures++;
        if (ca)
            ca->failures++;
    }
    pthread_mutex_unlock(&counters_mu);
}

void
auth_reset_throttle(void)
{
    pthread_mutex_lock(&counters_mu);
    memset(counters, 0, sizeof counters);
    pthread_mutex_unlock(&counters_mu);
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
