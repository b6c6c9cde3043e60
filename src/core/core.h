/*
 * core/core.h — what every domain service shares: the acting user, the
 * result and problem shapes, and the context a service runs in. No HTTP and
 * no SQL text here; services call store/ and record audit entries.
 */
#ifndef LOTSE_CORE_CORE_H
#define LOTSE_CORE_CORE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/id.h"

struct db;

enum role {
    ROLE_CASE_MANAGER = 1,
    ROLE_TEAM_LEAD = 2,
    ROLE_PLACEMENT_OFFICER = 4,
    ROLE_DPO = 8,
    ROLE_ADMIN = 16,
    ROLE_ANALYST = 32,
};
enum { ROLE_ALL = 63 };

/* "case_manager" … for a single role bit; NULL otherwise. */
const char *role_name(unsigned role);
/* The bit for NAME, 0 when unknown. */
unsigned role_from_name(const char *name);
/* A JSON array of the names of the bits in ROLES (new reference). */
json_t *roles_to_json(unsigned roles);

struct actor {
    char id[ID_MAX];
    char jobcenter_id[ID_MAX];
    char team_id[ID_MAX];   /* "" when none */
    char username[68];      /* 64 characters of [a-z0-9._-] */
    char display_name[484]; /* 120 characters of up to 4 bytes */
    unsigned roles;
    int fte_milli;
};

enum core_result {
    CORE_OK = 0,
    CORE_BAD_REQUEST,        /* 400: not JSON, unknown field */
    CORE_UNAUTHORIZED,       /* 401 */
    CORE_FORBIDDEN,          /* 403 */
    CORE_NOT_FOUND,          /* 404 */
    CORE_CONFLICT,           /* 409 with a code */
    CORE_TOO_LARGE,          /* 413 */
    CORE_INVALID,            /* 422 with field errors */
    CORE_TOO_MANY,           /* 429 with retry_after */
    CORE_ERROR,              /* 500 */
    CORE_UNAVAILABLE,        /* 503 */
    CORE_UNSUPPORTED_MEDIA,  /* 415 */
    CORE_METHOD_NOT_ALLOWED, /* 405 */
};

struct field_error {
    const char *field;   /* JSON path, e.g. "address.postcode" */
    const char *message; /* English msgid; the web layer translates it */
    struct field_error *next;
};

/* What went wrong, in one shape for every service. Strings are literals or
 * live in the request arena. */
struct problem {
    enum core_result result;
    const char *code;   /* for 409/403: "caseload_full", "break_glass_possible" … */
    const char *detail; /* English msgid, may be NULL */
    struct field_error *errors, *errors_tail;
    int n_errors;
    unsigned retry_after; /* seconds, for 429 */
};

#define PROBLEM_INIT                                                                               \
    {                                                                                              \
        CORE_OK, NULL, NULL, NULL, NULL, 0, 0                                                      \
    }

/* Set PB and return RESULT, for `return problem_set(pb, CORE_CONFLICT, "x", "...")`. */
enum core_result problem_set(struct problem *pb, enum core_result result, const char *code,
                             const char *detail);
/* Add a field error (strings borrowed: literals or arena); makes PB a 422. */
void problem_field(struct problem *pb, struct arena *arena, const char *field, const char *message);

struct audit_pending;

/* A case or client that a write job left an audit entry for (core/audit.c
 * notes each one): at the end of the job worklist_sync() recomputes the
 * worklist rows of these cases. */
struct core_touched {
    const char *jobcenter_id, *case_id, *client_id; /* in the arena */
    struct core_touched *next;
};

/* The context a service runs in: who acts, on which connection, and where
 * its audit entries go. In a read (worker thread) entries are collected in
 * PENDING and committed by the HTTP layer before the response leaves; in a
 * write job (writer thread, IN_WRITE true) they are appended in the same
 * transaction as the data. */
struct core_ctx {
    struct db *db;
    struct arena *arena;
    const struct actor *actor; /* NULL for the system */
    const char *request_id;
    bool in_write;
    struct audit_pending *pending, *pending_tail;
    int n_pending;
    struct core_touched *touched; /* in a write job: see struct core_touched */
    unsigned caseload_per_fte;    /* from the configuration */
    int64_t now_us;               /* the instant the request arrived */
};

/* A connection for request handling: DDL and ATTACH refused (db_protect).
 * NULL with ERR on failure. Close with core_db_close(). */
struct db *core_db_open(const char *url, char *err, size_t errlen);
void core_db_close(struct db *db);
/* Note that a write job changed something of CASE_ID or CLIENT_ID (either may
 * be NULL) in JOBCENTER_ID; repeated pairs are noted once. */
void core_touch(struct core_ctx *ctx, const char *jobcenter_id, const char *case_id,
                const char *client_id);
/* db_migrate with the steps above the store (the worklist's rows after 0003). */
enum db_status core_migrate(struct db *db, int *applied, char *err, size_t errlen);
/* S as a JSON string, or JSON null for NULL (new reference). */
json_t *core_json_text(const char *s);

/* A read transaction around one step of a request, so that all its reads see
 * one snapshot and take the store's read lock once. */
void core_db_read_begin(struct db *db);
void core_db_read_end(struct db *db);

/* Arena for strings that queries on DB return (the request's); NULL to unset. */
void core_db_use_arena(struct db *db, struct arena *arena);

/* The current instant in microseconds since 1970 UTC. */
int64_t core_now_us(void);

/* True when the last store call on DB failed because the store could not be
 * reached: the answer is 503, not 500. */
bool core_store_unreachable(struct db *db);

/* True when the store answers a trivial query on CTX's connection (/healthz). */
bool core_store_healthy(struct core_ctx *ctx);

#endif
