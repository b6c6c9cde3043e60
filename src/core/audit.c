/*
 * core/audit.c — the hash-chained audit trail; see audit.h.
 * Entries of reads are collected per request and appended by the writer in
 * the same group commit as other requests' entries; the HTTP layer holds the
 * response until that commit (docs/architecture.md: nothing personal leaves before its
 * audit entry is committed).
 */
#include "core/audit.h"

#include <sodium.h>
#include <string.h>

#include "store/store.h"
#include "util/crypto.h"
#include "util/date.h"
#include "util/log.h"

struct audit_pending {
    struct audit_entry e;
    struct audit_pending *next;
};

static void
put_str(crypto_generichash_state *st, const char *s)
{
    unsigned char len[4];
    uint32_t n = s ? (uint32_t)strlen(s) : 0xffffffffu;
    len[0] = (unsigned char)(n >> 24);
    len[1] = (unsigned char)(n >> 16);
    len[2] = (unsigned char)(n >> 8);
    len[3] = (unsigned char)n;
    crypto_generichash_update(st, len, 4);
    if (s)
        crypto_generichash_update(st, (const unsigned char *)s, strlen(s));
}

static void
put_i64(crypto_generichash_state *st, int64_t v)
{
    unsigned char b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (unsigned char)((uint64_t)v >> (56 - 8 * i));
    crypto_generichash_update(st, b, 8);
}

void
audit_hash(const unsigned char *prev, int64_t seq, int64_t at, const char *actor_id,
           const char *jobcenter_id, const struct audit_entry *e, const char *request_id,
           unsigned char out[32])
{
    static const unsigned char zero[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, 32);
    crypto_generichash_update(&st, prev ? prev : zero, 32);
    put_i64(&st, seq);
    put_i64(&st, at);
    put_str(&st, actor_id);
    put_str(&st, jobcenter_id);
    put_str(&st, e->action);
    put_str(&st, e->object_type);
    put_str(&st, e->object_id);
    put_str(&st, e->case_id);
    put_str(&st, e->client_id);
    put_str(&st, e->purpose);
    put_str(&st, request_id);
    put_str(&st, e->detail);
    crypto_generichash_final(&st, out, 32);
}

/* The chain head cached by the writer thread within one transaction. */
static __thread struct {
    struct db *db; /* the connection whose transaction the cache belongs to */
    bool valid;
    int64_t seq;
    unsigned char hash[32];
} head;

void
audit_chain_begin(struct db *db)
{
    head.db = db;
    head.valid = false;
}

void
audit_chain_forget(void)
{
    head.valid = false;
}

void
audit_chain_end(void)
{
    head.db = NULL;
    head.valid = false;
}

static enum db_status
append(struct db *db, const struct core_ctx *ctx, const struct audit_entry *e)
{
    int64_t seq = 0;
    unsigned char prev[32];
    bool first;
    if (head.db == db && head.valid) {
        seq = head.seq;
        memcpy(prev, head.hash, 32);
        first = false;
    } else {
        size_t prev_len = 0;
        const struct db_column head_cols[] = { DB_COL_INT64(&seq), DB_COL_BLOB(prev, 32, &prev_len),
                                               DB_COL_END };
        enum db_status st = db_query_one(
            db, "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1", NULL, head_cols);
        if (st < 0)
            return st;
        first = st == DB_NO_ROWS;
    }
    seq = first ? 1 : seq + 1;
    int64_t at = ctx->now_us ? ctx->now_us : db_now_us();
    const char *actor_id = ctx->actor ? ctx->actor->id : NULL;
    const char *jc = ctx->actor ? ctx->actor->jobcenter_id : NULL;
    unsigned char hash[32];
    audit_hash(first ? NULL : prev, seq, at, actor_id, jc, e, ctx->request_id, hash);
    const struct db_param p[] = { DB_INT64(seq),
                                  DB_INT64(at),
                                  DB_TEXT(actor_id),
                                  DB_TEXT(jc),
                                  DB_TEXT(e->action),
                                  DB_TEXT(e->object_type),
                                  DB_TEXT(e->object_id),
                                  DB_TEXT(e->case_id),
                                  DB_TEXT(e->client_id),
                                  DB_TEXT(e->purpose),
                                  DB_TEXT(ctx->request_id),
                                  DB_TEXT(e->detail),
                                  DB_BLOB(hash, 32),
                                  DB_PARAM_END };
    enum db_status st = db_exec(db,
                                "INSERT INTO audit (seq, at, actor_id, jobcenter_id, action,"
                                " object_type, object_id, case_id, client_id, purpose, request_id,"
                                " detail, hash)"
                                " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
                                p);
    if (head.db == db) {
        head.valid = st >= 0;
        head.seq = seq;
        memcpy(head.hash, hash, 32);
    }
    return st;
}

enum core_result
audit_record(struct core_ctx *ctx, const struct audit_entry *e)
{
    if (ctx->in_write) {
        /* what the job changed: its worklist rows are recomputed at the end (worklist_sync) */
        core_touch(ctx, ctx->actor ? ctx->actor->jobcenter_id : NULL, e->case_id, e->client_id);
        return append(ctx->db, ctx, e) < 0 ? CORE_ERROR : CORE_OK;
    }
    struct audit_pending *p = arena_alloc(ctx->arena, sizeof *p);
    p->e.action = arena_strdup(ctx->arena, e->action);
    p->e.object_type = arena_strdup(ctx->arena, e->object_type);
    p->e.object_id = arena_strdup(ctx->arena, e->object_id);
    p->e.case_id = arena_strdup(ctx->arena, e->case_id);
    p->e.client_id = arena_strdup(ctx->arena, e->client_id);
    p->e.purpose = arena_strdup(ctx->arena, e->purpose);
    p->e.detail = arena_strdup(ctx->arena, e->detail);
    if (ctx->pending_tail)
        ctx->pending_tail->next = p;
    else
        ctx->pending = p;
    ctx->pending_tail = p;
    ctx->n_pending++;
    return CORE_OK;
}

enum job_result
audit_append_pending(struct db *db, struct core_ctx *ctx)
{
    for (struct audit_pending *p = ctx->pending; p; p = p->next)
        if (append(db, ctx, &p->e) < 0)
            return JOB_FAILED;
    return JOB_KEEP;
}

struct verify_state {
    struct audit_verify *out;
    int64_t seq, at;
    char *actor_id, *jc, *action, *object_type, *object_id, *case_id, *client_id, *purpose,
        *request_id, *detail;
    unsigned char hash[32];
    size_t hash_len;
    unsigned char prev[32];
    bool have_prev;
    struct arena *arena;
};

static bool
verify_row(void *user)
{
    struct verify_state *v = user;
    struct audit_verify *out = v->out;
    out->entries++;
    const struct audit_entry e = { v->action,    v->object_type, v->object_id, v->case_id,
                                   v->client_id, v->purpose,     v->detail };
    bool ok = true;
    if (v->seq != out->entries) {
        out->reason = v->seq > out->entries ? "entry missing before this one (gap in sequence)"
                                            : "entry out of sequence";
        ok = false;
    } else {
        unsigned char h[32];
        audit_hash(v->have_prev ? v->prev : NULL, v->seq, v->at, v->actor_id, v->jc, &e,
                   v->request_id, h);
        if (v->hash_len != 32 || sodium_memcmp(h, v->hash, 32) != 0) {
            out->reason = "hash does not match content and previous entry";
            ok = false;
        }
    }
    /* free the row's strings: a long chain must not grow the arena without bound */
    arena_free(v->arena);
    if (!ok) {
        out->ok = false;
        out->first_bad = v->seq;
        return false;
    }
    memcpy(v->prev, v->hash, 32);
    hex_encode(v->hash, 32, out->head);
    v->have_prev = true;
    return true;
}

enum core_result
audit_verify(struct db *db, struct audit_verify *out)
{
    struct arena arena = ARENA_INIT;
    struct verify_state v = { .out = out, .arena = &arena };
    *out = (struct audit_verify){ .ok = true };
    const struct db_column cols[] = { DB_COL_INT64(&v.seq),
                                      DB_COL_INT64(&v.at),
                                      DB_COL_STR(&v.actor_id),
                                      DB_COL_STR(&v.jc),
                                      DB_COL_STR(&v.action),
                                      DB_COL_STR(&v.object_type),
                                      DB_COL_STR(&v.object_id),
                                      DB_COL_STR(&v.case_id),
                                      DB_COL_STR(&v.client_id),
                                      DB_COL_STR(&v.purpose),
                                      DB_COL_STR(&v.request_id),
                                      DB_COL_STR(&v.detail),
                                      DB_COL_BLOB(v.hash, 32, &v.hash_len),
                                      DB_COL_END };
    struct arena *callers = db_arena(db);
    db_set_arena(db, &arena);
    bool own_tx = !db_in_transaction(db); /* one snapshot for the whole walk */
    enum db_status st = own_tx ? db_begin(db, false) : DB_NO_ROWS;
    if (st >= 0)
        st = db_query_each(db,
                           "SELECT seq, at, actor_id, jobcenter_id, action, object_type,"
                           " object_id, case_id, client_id, purpose, request_id, detail, hash"
                           " FROM audit ORDER BY seq",
                           NULL, cols, verify_row, &v);
    if (own_tx)
        db_rollback(db);
    db_set_arena(db, callers);
    arena_free(&arena);
    if (st < 0)
        return CORE_ERROR;
    return CORE_OK;
}

struct list_state {
    json_t *items;
    int n, limit;
    int64_t seq, at, last_seq;
    char *actor_id, *action, *object_type, *object_id, *case_id, *client_id, *purpose, *request_id,
        *detail;
};

static bool
list_row(void *user)
{
    struct list_state *s = user;
    if (s->n == s->limit) {
        s->n++; /* one more than asked: there is a next page */
        return false;
    }
    char at[21];
    instant_format_utc(s->at / 1000000, at);
    json_t *o = json_object();
    json_object_set_new(o, "seq", json_integer(s->seq));
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "actor_id", core_json_text(s->actor_id));
    json_object_set_new(o, "action", json_string(s->action));
    json_object_set_new(o, "object_type", json_string(s->object_type));
    json_object_set_new(o, "object_id", core_json_text(s->object_id));
    json_object_set_new(o, "case_id", core_json_text(s->case_id));
    json_object_set_new(o, "client_id", core_json_text(s->client_id));
    json_object_set_new(o, "purpose", json_string(s->purpose));
    json_object_set_new(o, "request_id", core_json_text(s->request_id));
    json_object_set_new(o, "detail", core_json_text(s->detail));
    json_array_append_new(s->items, o);
    s->last_seq = s->seq;
    s->n++;
    return true;
}

enum core_result
audit_list(struct core_ctx *ctx, const struct audit_query *q, json_t **view, struct problem *pb)
{
    if (!(ctx->actor->roles & ROLE_DPO))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only data protection officers read the audit log.");
    struct list_state s = { .items = json_array(), .limit = q->limit };
    const struct db_param p[] = { DB_TEXT(ctx->actor->jobcenter_id),
                                  DB_TEXT(q->case_id),
                                  DB_TEXT(q->actor_id),
                                  DB_TEXT(q->client_id),
                                  DB_INT64(q->from_us),
                                  DB_INT64(q->to_us),
                                  DB_INT64(q->cursor),
                                  DB_INT64(q->limit + 1),
                                  DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&s.seq),       DB_COL_INT64(&s.at),
                                   DB_COL_STR(&s.actor_id),    DB_COL_STR(&s.action),
                                   DB_COL_STR(&s.object_type), DB_COL_STR(&s.object_id),
                                   DB_COL_STR(&s.case_id),     DB_COL_STR(&s.client_id),
                                   DB_COL_STR(&s.purpose),     DB_COL_STR(&s.request_id),
                                   DB_COL_STR(&s.detail),      DB_COL_END };
    db_set_arena(ctx->db, ctx->arena);
    enum db_status st = db_query_each(
        ctx->db,
        "SELECT seq, at, actor_id, action, object_type, object_id, case_id, client_id,"
        " purpose, request_id, detail FROM audit"
        " WHERE jobcenter_id = $1"
        " AND ($2 IS NULL OR case_id = $2) AND ($3 IS NULL OR actor_id = $3)"
        " AND ($4 IS NULL OR client_id = $4)"
        " AND ($5 = 0 OR at >= $5) AND ($6 = 0 OR at < $6) AND ($7 = 0 OR seq < $7)"
        " ORDER BY seq DESC LIMIT $8",
        p, c, list_row, &s);
    if (st < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", s.items);
    if (s.n > s.limit) {
        char cur[24];
        snprintf(cur, sizeof cur, "%lld", (long long)s.last_seq);
        json_object_set_new(v, "next_cursor", json_string(cur));
    } else {
        json_object_set_new(v, "next_cursor", json_null());
    }
    *view = v;
    /* reading the audit log is itself recorded: the log is personal data about staff */
    const struct audit_entry e = { "audit.read", "audit",          NULL, q->case_id,
                                   q->client_id, PURPOSE_DPO_TASK, NULL };
    return audit_record(ctx, &e);
}
