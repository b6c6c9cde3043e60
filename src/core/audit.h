/*
 * core/audit.h — the audit trail: every read and write of personal data
 * leaves one entry (actor, time, action, object, case, client, purpose,
 * request id). Entries are append-only and hash-chained: each entry's hash
 * is BLAKE2b-256 over the previous entry's hash and its own content, so a
 * changed, removed or inserted entry breaks the chain at that point.
 */
#ifndef LOTSE_CORE_AUDIT_H
#define LOTSE_CORE_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "core/writer.h"

/* Grounds (purposes) an access is allowed on. */
#define PURPOSE_OWN_CASE    "own_case"
#define PURPOSE_DEPUTY      "deputy"
#define PURPOSE_INTAKE      "intake"
#define PURPOSE_STAFF_ADMIN "staff_admin"
#define PURPOSE_DPO_TASK    "dpo_task"
#define PURPOSE_TEAM_LEAD   "team_lead"
#define PURPOSE_SYSTEM      "system_job"

struct audit_entry {
    const char *action;      /* "case.read", "client.create" … */
    const char *object_type; /* "case", "client", "user" … */
    const char *object_id;
    const char *case_id;   /* may be NULL */
    const char *client_id; /* may be NULL */
    const char *purpose;   /* one of PURPOSE_* */
    const char *detail;    /* short, no personal data; may be NULL */
};

/* Record E for CTX: appended at once inside a write job, otherwise kept in
 * CTX->pending (copied into CTX->arena) for audit_commit_pending(). */
enum core_result audit_record(struct core_ctx *ctx, const struct audit_entry *e);

/* Append CTX's pending entries in the current write transaction of DB. */
enum job_result audit_append_pending(struct db *db, struct core_ctx *ctx);

/* The writer appends many entries per transaction; between these two calls
 * (inside one write transaction on DB) the chain's head is kept in memory
 * instead of being read before every append. audit_chain_forget() drops it
 * (after a savepoint rollback). Thread-local: only the calling thread caches. */
void audit_chain_begin(struct db *db);
void audit_chain_forget(void);
void audit_chain_end(void);

/* Result of a chain check. */
struct audit_verify {
    bool ok;
    int64_t entries;
    int64_t first_bad;  /* seq of the first bad entry, 0 when ok */
    const char *reason; /* literal: "hash mismatch", "gap in sequence" … */
    char head[65];      /* hex hash of the last good entry ("" when none): write it down
                           somewhere else now and then; a chain recomputed by someone who
                           rewrote the file will not end in it */
};
/* Walk the whole chain on DB (a read transaction) and check every link. */
enum core_result audit_verify(struct db *db, struct audit_verify *out);

/* The digest of one entry, for tests. PREV may be NULL for the first entry. */
void audit_hash(const unsigned char *prev, int64_t seq, int64_t at, const char *actor_id,
                const char *jobcenter_id, const struct audit_entry *e, const char *request_id,
                unsigned char out[32]);

/* GET /audit for the dpo role: entries of the caller's Jobcenter, filtered,
 * newest first, paged by CURSOR (a seq). *VIEW is {items, next_cursor}. */
struct audit_query {
    const char *case_id, *actor_id, *client_id;
    int64_t from_us, to_us; /* 0 = open */
    int64_t cursor;         /* 0 = from the newest */
    int limit;
};
enum core_result audit_list(struct core_ctx *ctx, const struct audit_query *q, json_t **view,
                            struct problem *pb);

#endif
