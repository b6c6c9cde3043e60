/*
 * store/db.c — the backend-independent half of store.h: picks the backend
 * from the URL, runs transactions with retry, applies migrations.
 */
#include "store/backend.h"
#include "store/queries.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "util/buf.h"
#include "util/embedded.h"
#include "util/log.h"

static struct db *
open_url(const char *url, bool writer, char *err, size_t errlen)
{
    if (strncmp(url, "sqlite:", 7) == 0)
        return sqlite_ops.open(url + 7, writer, err, errlen);
    /* libpq takes the URL as it is */
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0)
        return pg_ops.open(url, writer, err, errlen);
    snprintf(err, errlen,
             "unknown store URL (use sqlite:PATH, postgresql://... or postgres://...)");
    return NULL;
}

struct db *
db_open(const char *url, char *err, size_t errlen)
{
    return open_url(url, false, err, errlen);
}

struct db *
db_open_writer(const char *url, char *err, size_t errlen)
{
    return open_url(url, true, err, errlen);
}

struct db_insert_sql {
    const struct db_table *table;
    char *sql;
};

void
db_close(struct db *db)
{
    if (!db)
        return;
    for (size_t i = 0; i < db->n_inserts; i++)
        free(db->inserts[i].sql);
    free(db->inserts);
    db->ops->close(db);
}

const char *
db_backend(const struct db *db)
{
    return db->ops->name;
}

void
db_set_arena(struct db *db, struct arena *arena)
{
    db->arena = arena;
}

struct arena *
db_arena(const struct db *db)
{
    return db->arena;
}

enum db_status
db_exec(struct db *db, const char *sql, const struct db_param *params)
{
    return db->ops->exec(db, sql, params);
}

int64_t
db_changes(struct db *db)
{
    return db->ops->changes(db);
}

enum db_status
db_query_one(struct db *db, const char *sql, const struct db_param *params,
             const struct db_column *cols)
{
    return db->ops->query(db, sql, params, cols, NULL, NULL, true);
}

enum db_status
db_query_each(struct db *db, const char *sql, const struct db_param *params,
              const struct db_column *cols, bool (*row)(void *user), void *user)
{
    return db->ops->query(db, sql, params, cols, row, user, false);
}

enum db_status
db_begin(struct db *db, bool write)
{
    return db->ops->begin(db, write);
}

enum db_status
db_commit(struct db *db)
{
    return db->ops->commit(db);
}

bool
db_in_transaction(struct db *db)
{
    return db->ops->in_transaction(db);
}

void
db_rollback(struct db *db)
{
    db->ops->rollback(db);
    db->savepoint_depth = 0;
}

/* Savepoints nest; names are fixed literals so the SQL stays a literal. */
enum db_status
db_savepoint(struct db *db)
{
    db->savepoint_depth++;
    return db_exec(db, "SAVEPOINT lotse_sp", NULL);
}

void
db_savepoint_release(struct db *db)
{
    db->savepoint_depth--;
    db_exec(db, "RELEASE SAVEPOINT lotse_sp", NULL);
}

void
db_savepoint_rollback(struct db *db)
{
    db->savepoint_depth--;
    db_exec(db, "ROLLBACK TO SAVEPOINT lotse_sp", NULL);
    db_exec(db, "RELEASE SAVEPOINT lotse_sp", NULL);
}

enum db_status
db_run_tx(struct db *db, bool write, enum db_status (*fn)(struct db *, void *), void *arg)
{
    for (int attempt = 0; attempt < 50; attempt++) {
        enum db_status st = db_begin(db, write);
        if (st == DB_NO_ROWS) {
            st = fn(db, arg);
            if (st >= 0) {
                st = db_commit(db);
                if (st >= 0)
                    return DB_NO_ROWS;
            }
            db_rollback(db);
        }
        if (st != DB_RETRY)
            return st;
        usleep(1000u * (unsigned)(1 + attempt % 10));
    }
    log_error("store: transaction still busy after 50 attempts");
    return DB_HARD_ERROR;
}

/* The bookkeeping table of applied migrations, made before anything else. */
static const char create_migrations_table[] =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

static enum db_status
migration_applied(struct db *db, int64_t version, bool *applied)
{
    int64_t n = 0;
    const struct db_param p[] = { DB_INT64(version), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    enum db_status st =
        db_query_one(db, "SELECT count(*) FROM schema_migrations WHERE version = $1", p, c);
    *applied = n > 0;
    return st < 0 ? st : DB_NO_ROWS;
}

/* Steps in C that follow a migration's SQL in the same transaction, where
 * the SQL cannot do the work itself. */
static const struct {
    int64_t version;
    enum db_status (*after)(struct db *db);
} migration_steps[] = {
    { 2, db_clients_fill_keys }, /* 0002: search keys of the clients already stored */
};

enum db_status
db_migrate_with(struct db *db, const struct db_migration_step *steps, size_t n_steps, int *applied,
                char *err, size_t errlen)
{
    *applied = 0;
    enum db_status st = db->ops->exec_script(db, create_migrations_table, err, errlen);
    if (st < 0)
        return st;
    const char *suffix = db->ops->migration_suffix;
    size_t slen = strlen(suffix);
    for (const struct embedded_file *f = embedded_migrations; f->name; f++) {
        size_t n = strlen(f->name);
        if (n <= slen || strcmp(f->name + n - slen, suffix) != 0)
            continue;
        int64_t version = 0;
        if (sscanf(f->name, "%4ld", &version) != 1 || version <= 0) {
            snprintf(err, errlen, "migration %s: name must start with a 4-digit version", f->name);
            return DB_HARD_ERROR;
        }
        bool done = false;
        if (db_begin(db, true) < 0 || migration_applied(db, version, &done) < 0) {
            db_rollback(db);
            snprintf(err, errlen, "cannot read schema_migrations");
            return DB_HARD_ERROR;
        }
        if (done) {
            db_rollback(db);
            continue;
        }
        st = db->ops->exec_script(db, (const char *)f->data, err, errlen);
        for (size_t k = 0; st >= 0 && k < sizeof migration_steps / sizeof *migration_steps; k++)
            if (migration_steps[k].version == version)
                st = migration_steps[k].after(db);
        for (size_t k = 0; st >= 0 && k < n_steps; k++)
            if (steps[k].version == version)
                st = steps[k].after(db);
        if (st >= 0) {
            const struct db_param p[] = { DB_INT64(version), DB_TEXT(f->name),
                                          DB_INT64(db_now_us()), DB_PARAM_END };
            st = db_exec(db,
                         "INSERT INTO schema_migrations (version, name, applied_at)"
                         " VALUES ($1, $2, $3)",
                         p);
        }
        if (st >= 0)
            st = db_commit(db);
        if (st < 0) {
            db_rollback(db);
            if (!err[0])
                snprintf(err, errlen, "migration %s failed", f->name);
            return DB_HARD_ERROR;
        }
        (*applied)++;
    }
    return DB_NO_ROWS;
}

enum db_status
db_migrations_pending(struct db *db, int *pending)
{
    *pending = 0;
    const char *suffix = db->ops->migration_suffix;
    size_t slen = strlen(suffix);
    char err[256] = "";
    /* the bookkeeping table, as db_migrate_with() makes it first (an empty store has none) */
    bool have_table = db->ops->exec_script(db, create_migrations_table, err, sizeof err) >= 0;
    for (const struct embedded_file *f = embedded_migrations; f->name; f++) {
        size_t n = strlen(f->name);
        if (n <= slen || strcmp(f->name + n - slen, suffix) != 0)
            continue;
        int64_t version = 0;
        bool done = false;
        if (sscanf(f->name, "%4ld", &version) == 1 && have_table &&
            migration_applied(db, version, &done) < 0)
            return DB_HARD_ERROR;
        if (!done)
            (*pending)++;
    }
    return DB_NO_ROWS;
}

enum db_status
db_backup(struct db *db, const char *path, char *err, size_t errlen)
{
    return db->ops->backup(db, path, err, errlen);
}

enum db_status
db_restore(struct db *db, const char *path, char *err, size_t errlen)
{
    if (!db->ops->restore) {
        snprintf(err, errlen,
                 "a %s store cannot be restored by lotse: copy the backup's files"
                 " in place (docs/operations.md)",
                 db->ops->name);
        return DB_HARD_ERROR;
    }
    return db->ops->restore(db, path, err, errlen);
}

bool
db_unreachable(struct db *db)
{
    return db && db->ops->unreachable && db->ops->unreachable(db);
}

enum db_status
db_checkpoint(struct db *db)
{
    return db->ops->checkpoint ? db->ops->checkpoint(db) : DB_NO_ROWS;
}

/* Whether S is a plain lower-case SQL name: TABLE's names go into SQL as they are. */
static bool
plain_name(const char *s)
{
    if (!*s || strlen(s) > 63)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_'))
            return false;
    return true;
}

/* The INSERT of TABLE's columns, made once per connection when the table is
 * first loaded into, after its names were checked (NULL when they are not
 * plain): its address is what the statement caches key on, so it lives
 * until db_close(). */
static const char *
insert_sql(struct db *db, const struct db_table *table)
{
    for (size_t i = 0; i < db->n_inserts; i++)
        if (db->inserts[i].table == table)
            return db->inserts[i].sql;
    bool plain = plain_name(table->name) && table->columns[0];
    for (const char *const *c = table->columns; plain && *c; c++)
        plain = plain_name(*c);
    if (!plain) {
        log_error("store: db_load: a table or column name that is not a plain name");
        return NULL;
    }
    struct db_insert_sql *grown = realloc(db->inserts, (db->n_inserts + 1) * sizeof *grown);
    if (!grown)
        return NULL;
    db->inserts = grown;
    struct buf b = BUF_INIT;
    buf_puts(&b, "INSERT INTO ");
    buf_puts(&b, table->name);
    buf_puts(&b, " (");
    int n = 0;
    for (const char *const *c = table->columns; *c; c++) {
        if (n++)
            buf_puts(&b, ", ");
        buf_puts(&b, *c);
    }
    buf_puts(&b, ") VALUES (");
    for (int i = 1; i <= n; i++)
        buf_printf(&b, "%s$%d", i > 1 ? ", " : "", i);
    buf_putc(&b, ')');
    db->inserts[db->n_inserts] = (struct db_insert_sql){ table, buf_steal(&b) };
    return db->inserts[db->n_inserts++].sql;
}

/* Whether DB has a transaction open, for WHAT, which needs one. */
static bool
transaction_open(struct db *db, const char *what)
{
    if (db->ops->in_transaction(db))
        return true;
    log_error("store: %s outside a transaction", what);
    return false;
}

enum db_status
db_load(struct db *db, const struct db_table *table, const struct db_param *values)
{
    if (!transaction_open(db, "db_load"))
        return DB_HARD_ERROR;
    /* for every backend: the table's names are checked once, here */
    const char *sql = insert_sql(db, table);
    if (!sql)
        return DB_HARD_ERROR;
    return db->ops->load ? db->ops->load(db, table, values) : db_exec(db, sql, values);
}

enum db_status
db_load_flush(struct db *db)
{
    return db->ops->load_flush ? db->ops->load_flush(db) : DB_NO_ROWS;
}

enum db_status
db_load_defer_foreign_keys(struct db *db)
{
    if (!transaction_open(db, "db_load_defer_foreign_keys"))
        return DB_HARD_ERROR;
    return db->ops->defer_foreign_keys ? db->ops->defer_foreign_keys(db) : DB_NO_ROWS;
}

enum db_status
db_plan_each_call(struct db *db)
{
    if (!transaction_open(db, "db_plan_each_call"))
        return DB_HARD_ERROR;
    return db->ops->plan_each_call ? db->ops->plan_each_call(db) : DB_NO_ROWS;
}

enum db_status
db_job_lock_try(struct db *db, bool *held)
{
    *held = false;
    return db->ops->job_lock_try(db, held);
}

void
db_job_lock_release(struct db *db)
{
    db->ops->job_lock_release(db);
}

void
db_bulk_mode(struct db *db)
{
    db->ops->bulk_mode(db);
}

void
db_protect(struct db *db)
{
    db->ops->protect(db);
}

int64_t
db_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
