/*
 * store/store.h — the one interface to the database. Everything above
 * store/ talks to a `struct db` (one connection) through these functions;
 * the backend behind it (sqlite/ or pg/) is chosen by the URL.
 *
 * SQL is always a string literal with $1…$n parameters, bound with typed
 * specs, and the statement is prepared once per connection (cached by the
 * address of the literal). SQL written above this interface uses only what
 * both SQLite and PostgreSQL accept: no INSERT OR …, no AUTOINCREMENT
 * semantics, ON CONFLICT and RETURNING are fine, dates are TEXT
 * 'YYYY-MM-DD', instants INTEGER microseconds since 1970 UTC, booleans
 * INTEGER 0/1.
 *
 * A connection is used by one thread at a time. Writes go through
 * store/writer.h, which serialises them and commits them in groups.
 */
#ifndef LOTSE_STORE_STORE_H
#define LOTSE_STORE_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;

enum db_status {
    DB_CONSTRAINT = -3, /* a UNIQUE/CHECK/foreign key constraint refused the write */
    DB_HARD_ERROR = -2, /* bug or outage: log, answer 500/503 */
    DB_RETRY = -1,      /* busy / serialization failure: db_run_tx() reruns */
    DB_NO_ROWS = 0,
    DB_ONE_ROW = 1,
};

enum db_type { DB_T_END = 0, DB_T_NULL, DB_T_TEXT, DB_T_INT64, DB_T_BLOB };

struct db_param {
    enum db_type type;
    const char *text; /* DB_T_TEXT: NUL-terminated; NULL binds SQL NULL */
    int64_t i;
    const void *blob;
    size_t len;
};

#define DB_TEXT(s)                                                                                 \
    {                                                                                              \
        DB_T_TEXT, (s), 0, NULL, 0                                                                 \
    }
#define DB_INT64(v)                                                                                \
    {                                                                                              \
        DB_T_INT64, NULL, (v), NULL, 0                                                             \
    }
#define DB_BLOB(p, n)                                                                              \
    {                                                                                              \
        DB_T_BLOB, NULL, 0, (p), (n)                                                               \
    }
#define DB_NULL                                                                                    \
    {                                                                                              \
        DB_T_NULL, NULL, 0, NULL, 0                                                                \
    }
#define DB_PARAM_END                                                                               \
    {                                                                                              \
        DB_T_END, NULL, 0, NULL, 0                                                                 \
    }

enum db_col_type { DB_C_END = 0, DB_C_TEXT, DB_C_STR, DB_C_INT64, DB_C_BLOB };

/* Result columns are taken by position, in SELECT order. */
struct db_column {
    enum db_col_type type;
    void *dst; /* DB_C_TEXT: char[size]; DB_C_STR: char ** (arena copy, NULL for SQL NULL);
                  DB_C_INT64: int64_t *; DB_C_BLOB: unsigned char[size] */
    size_t size;
    size_t *len; /* DB_C_BLOB: bytes copied */
};

/* Fixed buffer: SQL NULL gives "", a longer value is DB_HARD_ERROR. */
#define DB_COL_TEXT(buf, sz)                                                                       \
    {                                                                                              \
        DB_C_TEXT, (buf), (sz), NULL                                                               \
    }
/* Arena copy (db_set_arena) or NULL for SQL NULL. */
#define DB_COL_STR(pp)                                                                             \
    {                                                                                              \
        DB_C_STR, (pp), 0, NULL                                                                    \
    }
/* SQL NULL gives 0. */
#define DB_COL_INT64(p)                                                                            \
    {                                                                                              \
        DB_C_INT64, (p), 0, NULL                                                                   \
    }
#define DB_COL_BLOB(buf, sz, lenp)                                                                 \
    {                                                                                              \
        DB_C_BLOB, (buf), (sz), (lenp)                                                             \
    }
#define DB_COL_END                                                                                 \
    {                                                                                              \
        DB_C_END, NULL, 0, NULL                                                                    \
    }

struct db;

/* Open a connection to URL ("sqlite:PATH" or "postgresql://…"). On failure
 * returns NULL and writes the reason into ERR. */
struct db *db_open(const char *url, char *err, size_t errlen);
/* The same for the single writer (core/writer.c). With SQLite the audit trail
 * lives in a file of its own beside the store (PATH-audit), so that the
 * constant audit commits do not invalidate the readers' cache of case data;
 * the writer's connection commits the audit file first, so a crash between
 * the two files' commits can leave an audit entry for a write that did not
 * happen, never a write without its entry. */
struct db *db_open_writer(const char *url, char *err, size_t errlen);
void db_close(struct db *db);
/* "sqlite" or "postgresql". */
const char *db_backend(const struct db *db);

/* Arena for DB_COL_STR results until the next call; borrowed. */
void db_set_arena(struct db *db, struct arena *arena);
struct arena *db_arena(const struct db *db);

/* Run SQL. DB_NO_ROWS on success (see db_changes), negative on failure. */
enum db_status db_exec(struct db *db, const char *sql, const struct db_param *params);
/* Rows changed by the last db_exec. */
int64_t db_changes(struct db *db);
/* First row into COLS: DB_ONE_ROW or DB_NO_ROWS, negative on failure. */
enum db_status db_query_one(struct db *db, const char *sql, const struct db_param *params,
                            const struct db_column *cols);
/* Each row into COLS, then ROW(USER); ROW returns false to stop early.
 * Returns DB_ONE_ROW when at least one row came, DB_NO_ROWS when none. */
enum db_status db_query_each(struct db *db, const char *sql, const struct db_param *params,
                             const struct db_column *cols, bool (*row)(void *user), void *user);

/* Transactions. db_begin(WRITE=true) takes the write lock at once. */
enum db_status db_begin(struct db *db, bool write);
enum db_status db_commit(struct db *db);
/* True while DB has a transaction open. */
bool db_in_transaction(struct db *db);
void db_rollback(struct db *db);
enum db_status db_savepoint(struct db *db);
void db_savepoint_release(struct db *db);
void db_savepoint_rollback(struct db *db);

/* Run FN(DB, ARG) in a transaction and commit; rerun it from the start when
 * it or the commit returns DB_RETRY (up to a limit). FN's negative result
 * rolls back and is returned. */
enum db_status db_run_tx(struct db *db, bool write, enum db_status (*fn)(struct db *, void *),
                         void *arg);

/* A step in C that follows migration VERSION's SQL in its transaction, for
 * work above the store (core/core.c: the worklist's rows after 0003). */
struct db_migration_step {
    int64_t version;
    enum db_status (*after)(struct db *db);
};
/* Apply the embedded migrations that are not yet applied, each in its own
 * transaction, with STEPS (N of them) after their migrations' SQL. Safe to
 * run twice. *APPLIED counts the new ones. Use core_migrate(), which passes
 * the steps above the store; without them, a store that holds data would be
 * left without what those steps derive. */
enum db_status db_migrate_with(struct db *db, const struct db_migration_step *steps, size_t n,
                               int *applied, char *err, size_t errlen);

/* *PENDING = how many embedded migrations are not applied yet (all of them
 * for an empty store). */
enum db_status db_migrations_pending(struct db *db, int *pending);

/* Make a consistent copy of the store into PATH while others use it: with
 * SQLite PATH and PATH-audit, with PostgreSQL one pg_dump archive (created
 * only if PATH does not exist, mode 0600, removed again on failure). */
enum db_status db_backup(struct db *db, const char *path, char *err, size_t errlen);

/* Load the backup PATH, made by db_backup() of a store of the same backend,
 * into this store, which must be empty (else DB_CONSTRAINT, and nothing is
 * changed). All or nothing: on failure the store is left as it was. ERR
 * says why. Only PostgreSQL offers it; for SQLite the backup's files are
 * copied in place instead (docs/operations.md). */
enum db_status db_restore(struct db *db, const char *path, char *err, size_t errlen);

/* Bulk-load mode for `lotse demo`: trade durability for speed until closed. */
void db_bulk_mode(struct db *db);

/* Loading many rows (`lotse demo`, the worklist's fill): TABLE's COLUMNS
 * (NULL-terminated) get the values of one row each, in that order. SQLite
 * inserts each row at once; PostgreSQL gathers rows and sends them in
 * batches with COPY, before any other call on DB (and by db_load_flush()),
 * one table after the other in the order they were first loaded into, so
 * load parents before their children. A row's failure (a constraint, say)
 * can therefore surface at a later call: load only inside a write
 * transaction that is rolled back as a whole on any failure. db_changes()
 * does not count loaded rows. */
struct db_table {
    const char *name;
    const char *const *columns;
};
enum db_status db_load(struct db *db, const struct db_table *table, const struct db_param *values);
/* Send what db_load() gathered; a no-op for SQLite. */
enum db_status db_load_flush(struct db *db);
/* For loading into an empty store, inside the loading write transaction:
 * foreign keys are checked once for all rows at db_commit() instead of row
 * by row. PostgreSQL drops them now and adds them again before the commit,
 * which checks every row (a violation fails the commit, and the rollback
 * restores them); until then the transaction holds every table with a
 * foreign key exclusively. A no-op for SQLite. */
enum db_status db_load_defer_foreign_keys(struct db *db);

/* For the rest of the current transaction, plan every statement for the
 * values it runs with. For a transaction that fills tables it also reads
 * (`lotse import`): PostgreSQL plans a prepared statement once for all
 * values after a few runs; in a new store those runs see empty tables, and
 * the plan they give (scan a Jobcenter's clients for a customer number)
 * turns quadratic while the transaction fills them, which autovacuum
 * cannot analyze before the commit. A no-op for SQLite, which plans each
 * statement once and does not change it (its plans use the indexes). */
enum db_status db_plan_each_call(struct db *db);

/* How long a connection opened from now on waits for a lock (SQLite). */
void db_set_busy_timeout(unsigned ms);

/* SQLite's write-ahead log is copied back into the store by the committing
 * connection every 1000 pages, which makes that commit (and everyone
 * waiting for it) slow now and then. The writer's checkpoint thread calls
 * this often on a connection of its own: a passive checkpoint of every
 * attached file, blocking nobody, so the commits find little left to copy.
 * A no-op for a store without such a log. */
enum db_status db_checkpoint(struct db *db);

/* True when the last call on DB failed because the store could not be
 * reached (PostgreSQL: the connection was lost and is not back yet), so
 * that the caller answers 503 rather than 500. False for SQLite. */
bool db_unreachable(struct db *db);

/* The job lock (core/jobs.c): held by at most one connection to a store at
 * a time, whatever process it belongs to, so that of several servers of one
 * store one runs the periodic jobs. Keep a connection for it alone.
 * db_job_lock_try() takes the lock on DB if nobody holds it: *HELD is true
 * when DB holds it now (taken now, or earlier and still held), false when
 * another connection has it. A lock goes with its connection: when that is
 * closed or lost, or its process ends. PostgreSQL: a session-level advisory
 * lock; a connection that was lost is noticed by the next try, which then
 * reconnects and tries again. SQLite: an exclusive flock() on the file
 * PATH-jobs.lock beside the store (created if missing). */
enum db_status db_job_lock_try(struct db *db, bool *held);
/* Release the job lock if DB holds it. */
void db_job_lock_release(struct db *db);

/* Refuse DDL and ATTACH from now on (request handling). */
void db_protect(struct db *db);

/* Current instant in microseconds since 1970 UTC (the unit stored). */
int64_t db_now_us(void);

#endif
