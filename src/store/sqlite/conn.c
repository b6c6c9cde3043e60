/*
 * store/sqlite/conn.c — the SQLite backend of store.h: one sqlite3 handle
 * per connection, WAL mode, statements prepared once and cached by the
 * address of their SQL literal, $n parameters bound by name.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "store/backend.h"
#include "util/arena.h"
#include "util/log.h"

enum { STMT_SLOTS = 256, MAX_PARAMS = 32 };

struct stmt_slot {
    const char *sql; /* key: the literal's address */
    sqlite3_stmt *st;
    unsigned char param_index[MAX_PARAMS]; /* sqlite index i+1 takes params[param_index[i]] */
    int n_params;
};

struct sqlite_db {
    struct db base;
    sqlite3 *h;
    char path[1024];
    bool protected_;
    int job_lock_fd; /* PATH-jobs.lock while this connection holds the job lock, else -1 */
    struct stmt_slot slots[STMT_SLOTS];
};

static _Atomic unsigned busy_timeout_ms = 5000;

void
db_set_busy_timeout(unsigned ms)
{
    busy_timeout_ms = ms;
}

static enum db_status
status_of(struct sqlite_db *s, int rc, const char *what)
{
    switch (rc & 0xff) {
    case SQLITE_OK:
    case SQLITE_DONE: return DB_NO_ROWS;
    case SQLITE_ROW: return DB_ONE_ROW;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return DB_RETRY;
    case SQLITE_CONSTRAINT: return DB_CONSTRAINT;
    default: log_error("store(sqlite): %s: %s", what, sqlite3_errmsg(s->h)); return DB_HARD_ERROR;
    }
}

static int
authorizer(void *user, int action, const char *a, const char *b, const char *c, const char *d)
{
    (void)a, (void)b, (void)c, (void)d;
    struct sqlite_db *s = user;
    if (!s->protected_)
        return SQLITE_OK;
    switch (action) {
    case SQLITE_ATTACH:
    case SQLITE_DETACH:
    case SQLITE_CREATE_INDEX:
    case SQLITE_CREATE_TABLE:
    case SQLITE_CREATE_TEMP_INDEX:
    case SQLITE_CREATE_TEMP_TABLE:
    case SQLITE_CREATE_TEMP_TRIGGER:
    case SQLITE_CREATE_TEMP_VIEW:
    case SQLITE_CREATE_TRIGGER:
    case SQLITE_CREATE_VIEW:
    case SQLITE_DROP_INDEX:
    case SQLITE_DROP_TABLE:
    case SQLITE_DROP_TEMP_INDEX:
    case SQLITE_DROP_TEMP_TABLE:
    case SQLITE_DROP_TEMP_TRIGGER:
    case SQLITE_DROP_TEMP_VIEW:
    case SQLITE_DROP_TRIGGER:
    case SQLITE_DROP_VIEW:
    case SQLITE_ALTER_TABLE:
    case SQLITE_CREATE_VTABLE:
    case SQLITE_DROP_VTABLE: return SQLITE_DENY;
    default: return SQLITE_OK;
    }
}

/* Attach FILE as schema NAME (bound, never formatted into SQL). */
static bool
attach(sqlite3 *h, const char *file, const char *name, char *err, size_t errlen)
{
    sqlite3_stmt *st = NULL;
    const char *sql = strcmp(name, "audit_log") == 0 ? "ATTACH DATABASE ?1 AS audit_log"
                                                     : "ATTACH DATABASE ?1 AS lotse_data";
    int rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    if (rc != SQLITE_OK)
        snprintf(err, errlen, "sqlite: cannot attach %s: %s", file, sqlite3_errmsg(h));
    sqlite3_finalize(st);
    return rc == SQLITE_OK;
}

/* A connection. Readers: the store file is "main" and the audit file is
 * attached as "audit_log". The writer: the audit file is "main" and the store
 * is attached as "lotse_data", because SQLite commits the files of a
 * transaction in schema order. SQL names tables without a schema, and every
 * table name exists in one file only, so the same SQL works on both. */
/* Process-wide SQLite settings, before the first connection: no memory
 * statistics (they take a global mutex on every allocation, which all request
 * threads would contend for). */
static pthread_once_t sqlite_once = PTHREAD_ONCE_INIT;

static void
sqlite_configure(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    sqlite3_initialize();
}

static struct db *
sq_open(const char *path, bool writer, char *err, size_t errlen)
{
    pthread_once(&sqlite_once, sqlite_configure);
    if (!path[0]) {
        snprintf(err, errlen, "sqlite: empty path");
        return NULL;
    }
    struct sqlite_db *s = calloc(1, sizeof *s);
    if (!s)
        abort();
    s->base.ops = &sqlite_ops;
    s->job_lock_fd = -1;
    snprintf(s->path, sizeof s->path, "%s", path);
    char audit_path[1100];
    snprintf(audit_path, sizeof audit_path, "%s-audit", path);
    int rc =
        sqlite3_open_v2(writer ? audit_path : path, &s->h,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: cannot open %s: %s", path,
                 s->h ? sqlite3_errmsg(s->h) : "out of memory");
        sqlite3_close(s->h);
        free(s);
        return NULL;
    }
    sqlite3_busy_timeout(s->h, (int)busy_timeout_ms);
    sqlite3_extended_result_codes(s->h, 1);
    if (!attach(s->h, writer ? path : audit_path, writer ? "lotse_data" : "audit_log", err,
                errlen)) {
        sqlite3_close(s->h);
        free(s);
        return NULL;
    }
    char *msg = NULL;
    /* No memory map: every commit makes each reader drop and fault in its
       mapping again, which costs more than reading through SQLite's own page
       cache, and the mapped file counted in the server's RSS
       (docs/performance.md). */
    rc = sqlite3_exec(s->h,
                      "PRAGMA main.journal_mode=WAL;"
                      "PRAGMA main.synchronous=NORMAL;"
                      "PRAGMA main.mmap_size=0;"
                      "PRAGMA main.cache_size=-8192;",
                      NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->h,
                          writer ? "PRAGMA lotse_data.journal_mode=WAL;"
                                   "PRAGMA lotse_data.synchronous=NORMAL;"
                                   "PRAGMA lotse_data.mmap_size=0;"
                                   "PRAGMA lotse_data.cache_size=-8192;"
                                 : "PRAGMA audit_log.journal_mode=WAL;"
                                   "PRAGMA audit_log.synchronous=NORMAL;"
                                   "PRAGMA audit_log.mmap_size=0;"
                                   "PRAGMA audit_log.cache_size=-2048;",
                          NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(s->h, "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;", NULL, NULL,
                          &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s: %s", path, msg ? msg : sqlite3_errmsg(s->h));
        sqlite3_free(msg);
        sqlite3_close(s->h);
        free(s);
        return NULL;
    }
    sqlite3_set_authorizer(s->h, authorizer, s);
    return &s->base;
}

static void sq_job_lock_release(struct db *db);

static void
sq_close(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    sq_job_lock_release(db);
    for (int i = 0; i < STMT_SLOTS; i++)
        sqlite3_finalize(s->slots[i].st);
    sqlite3_close(s->h);
    free(s);
}

static struct stmt_slot *
prepare(struct sqlite_db *s, const char *sql)
{
    uintptr_t k = (uintptr_t)sql;
    unsigned h = (unsigned)((k >> 3) * 2654435761u) % STMT_SLOTS;
    for (int probe = 0; probe < STMT_SLOTS; probe++) {
        struct stmt_slot *slot = &s->slots[(h + (unsigned)probe) % STMT_SLOTS];
        if (slot->sql == sql)
            return slot;
        if (slot->sql)
            continue;
        int rc = sqlite3_prepare_v3(s->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &slot->st, NULL);
        if (rc != SQLITE_OK) {
            log_error("store(sqlite): prepare failed: %s", sqlite3_errmsg(s->h));
            sqlite3_finalize(slot->st);
            slot->st = NULL;
            return NULL;
        }
        int n = sqlite3_bind_parameter_count(slot->st);
        if (n > MAX_PARAMS) {
            log_error("store(sqlite): too many parameters");
            sqlite3_finalize(slot->st);
            slot->st = NULL;
            return NULL;
        }
        for (int i = 1; i <= n; i++) {
            const char *name = sqlite3_bind_parameter_name(slot->st, i);
            int k2 = name && name[0] == '$' ? atoi(name + 1) : 0;
            if (k2 < 1 || k2 > MAX_PARAMS) {
                log_error("store(sqlite): parameter %d is not $n", i);
                sqlite3_finalize(slot->st);
                slot->st = NULL;
                return NULL;
            }
            slot->param_index[i - 1] = (unsigned char)(k2 - 1);
        }
        slot->n_params = n;
        slot->sql = sql;
        return slot;
    }
    log_error("store(sqlite): statement cache full");
    return NULL;
}

static enum db_status
bind(struct sqlite_db *s, struct stmt_slot *slot, const struct db_param *params)
{
    int given = 0;
    if (params)
        while (params[given].type != DB_T_END)
            given++;
    for (int i = 0; i < slot->n_params; i++) {
        int k = slot->param_index[i];
        if (k >= given) {
            log_error("store(sqlite): statement needs $%d, %d given", k + 1, given);
            return DB_HARD_ERROR;
        }
        const struct db_param *p = &params[k];
        int rc;
        switch (p->type) {
        case DB_T_TEXT:
            rc = p->text ? sqlite3_bind_text(slot->st, i + 1, p->text, -1, SQLITE_STATIC)
                         : sqlite3_bind_null(slot->st, i + 1);
            break;
        case DB_T_INT64: rc = sqlite3_bind_int64(slot->st, i + 1, p->i); break;
        case DB_T_BLOB:
            rc = sqlite3_bind_blob(slot->st, i + 1, p->blob, (int)p->len, SQLITE_STATIC);
            break;
        default: rc = sqlite3_bind_null(slot->st, i + 1); break;
        }
        if (rc != SQLITE_OK)
            return status_of(s, rc, "bind");
    }
    return DB_NO_ROWS;
}

static void
finish(struct stmt_slot *slot)
{
    sqlite3_reset(slot->st);
    sqlite3_clear_bindings(slot->st);
}

static enum db_status
sq_exec(struct db *db, const char *sql, const struct db_param *params)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    struct stmt_slot *slot = prepare(s, sql);
    if (!slot)
        return DB_HARD_ERROR;
    enum db_status st = bind(s, slot, params);
    if (st == DB_NO_ROWS) {
        int rc;
        while ((rc = sqlite3_step(slot->st)) == SQLITE_ROW)
            ;
        st = status_of(s, rc, "exec");
    }
    finish(slot);
    return st;
}

static int64_t
sq_changes(struct db *db)
{
    return sqlite3_changes64(((struct sqlite_db *)db)->h);
}

static enum db_status
read_row(struct sqlite_db *s, sqlite3_stmt *st, const struct db_column *cols)
{
    for (int i = 0; cols && cols[i].type != DB_C_END; i++) {
        const struct db_column *c = &cols[i];
        int t = sqlite3_column_type(st, i);
        switch (c->type) {
        case DB_C_TEXT: {
            const unsigned char *v = sqlite3_column_text(st, i);
            size_t n = (size_t)sqlite3_column_bytes(st, i);
            if (n >= c->size) {
                log_error("store(sqlite): column %d too long for its buffer", i);
                return DB_HARD_ERROR;
            }
            if (v)
                memcpy(c->dst, v, n);
            ((char *)c->dst)[v ? n : 0] = '\0';
            break;
        }
        case DB_C_STR: {
            char **pp = c->dst;
            if (t == SQLITE_NULL) {
                *pp = NULL;
            } else {
                const unsigned char *v = sqlite3_column_text(st, i);
                if (!s->base.arena) {
                    log_error("store(sqlite): DB_COL_STR without an arena");
                    return DB_HARD_ERROR;
                }
                *pp = arena_strndup(s->base.arena, (const char *)v,
                                    (size_t)sqlite3_column_bytes(st, i));
            }
            break;
        }
        case DB_C_INT64: *(int64_t *)c->dst = sqlite3_column_int64(st, i); break;
        case DB_C_BLOB: {
            const void *v = sqlite3_column_blob(st, i);
            size_t n = (size_t)sqlite3_column_bytes(st, i);
            if (n > c->size) {
                log_error("store(sqlite): blob column %d too long", i);
                return DB_HARD_ERROR;
            }
            if (n)
                memcpy(c->dst, v, n);
            if (c->len)
                *c->len = n;
            break;
        }
        default: break;
        }
    }
    return DB_ONE_ROW;
}

static enum db_status
sq_query(struct db *db, const char *sql, const struct db_param *params,
         const struct db_column *cols, bool (*row)(void *), void *user, bool one)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    struct stmt_slot *slot = prepare(s, sql);
    if (!slot)
        return DB_HARD_ERROR;
    enum db_status st = bind(s, slot, params);
    enum db_status result = DB_NO_ROWS;
    while (st == DB_NO_ROWS) {
        int rc = sqlite3_step(slot->st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW) {
            st = status_of(s, rc, "query");
            break;
        }
        st = read_row(s, slot->st, cols);
        if (st < 0)
            break;
        st = DB_NO_ROWS;
        result = DB_ONE_ROW;
        if (one || (row && !row(user)))
            break;
    }
    finish(slot);
    return st < 0 ? st : result;
}

static enum db_status
sq_begin(struct db *db, bool write)
{
    return sq_exec(db, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL);
}

static enum db_status
sq_commit(struct db *db)
{
    return sq_exec(db, "COMMIT", NULL);
}

static void
sq_rollback(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (!sqlite3_get_autocommit(s->h))
        sq_exec(db, "ROLLBACK", NULL);
}

static bool
sq_in_transaction(struct db *db)
{
    return !sqlite3_get_autocommit(((struct sqlite_db *)db)->h);
}

static enum db_status
sq_exec_script(struct db *db, const char *sql, char *err, size_t errlen)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(s->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "sqlite: %s", msg ? msg : sqlite3_errmsg(s->h));
        sqlite3_free(msg);
        return status_of(s, rc, "script");
    }
    return DB_NO_ROWS;
}

static enum db_status
backup_schema(sqlite3 *src, const char *schema, const char *path, char *err, size_t errlen)
{
    sqlite3 *dst = NULL;
    if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        snprintf(err, errlen, "cannot create %s: %s", path,
                 dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return DB_HARD_ERROR;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, schema);
    if (!b) {
        snprintf(err, errlen, "backup: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return DB_HARD_ERROR;
    }
    int rc;
    do {
        rc = sqlite3_backup_step(b, 1024);
        if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
            sqlite3_sleep(10);
    } while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
    sqlite3_backup_finish(b);
    sqlite3_close(dst);
    if (rc != SQLITE_DONE) {
        snprintf(err, errlen, "backup: %s", sqlite3_errstr(rc));
        return DB_HARD_ERROR;
    }
    return DB_NO_ROWS;
}

/* The store and its audit file, each copied consistently; the audit copy is
 * taken second, so it holds at least every entry of the writes in the store
 * copy. */
static enum db_status
sq_backup(struct db *db, const char *path, char *err, size_t errlen)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    char audit_path[1100];
    snprintf(audit_path, sizeof audit_path, "%s-audit", path);
    enum db_status st = backup_schema(s->h, "main", path, err, errlen);
    if (st >= 0)
        st = backup_schema(s->h, "audit_log", audit_path, err, errlen);
    return st;
}

static void
sq_bulk_mode(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    sqlite3_exec(s->h, "PRAGMA main.synchronous=OFF; PRAGMA main.cache_size=-262144;", NULL, NULL,
                 NULL);
}

static void
sq_protect(struct db *db)
{
    ((struct sqlite_db *)db)->protected_ = true;
}

static enum db_status
sq_checkpoint(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    /* NULL: every attached database; PASSIVE: copy what no reader still needs, wait for
       nobody */
    int rc = sqlite3_wal_checkpoint_v2(s->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return rc == SQLITE_OK || rc == SQLITE_BUSY ? DB_NO_ROWS : DB_HARD_ERROR;
}

/* The job lock: an exclusive flock() on PATH-jobs.lock, a file of its own.
 * Not a lock on the store's file: SQLite locks that with POSIX record locks,
 * and closing any other descriptor of the file would drop those. A flock
 * belongs to the open file, so two connections of one process exclude each
 * other too, and the kernel drops it when the process ends. */
static enum db_status
sq_job_lock_try(struct db *db, bool *held)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (s->job_lock_fd >= 0) {
        *held = true;
        return DB_NO_ROWS;
    }
    char lock_path[1100];
    snprintf(lock_path, sizeof lock_path, "%s-jobs.lock", s->path);
    int fd = open(lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        log_error("store(sqlite): cannot open %s: %s", lock_path, strerror(errno));
        return DB_HARD_ERROR;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int e = errno;
        close(fd);
        if (e == EWOULDBLOCK)
            return DB_NO_ROWS; /* another connection holds it */
        log_error("store(sqlite): cannot lock %s: %s", lock_path, strerror(e));
        return DB_HARD_ERROR;
    }
    s->job_lock_fd = fd;
    *held = true;
    return DB_NO_ROWS;
}

static void
sq_job_lock_release(struct db *db)
{
    struct sqlite_db *s = (struct sqlite_db *)db;
    if (s->job_lock_fd < 0)
        return;
    close(s->job_lock_fd); /* the lock goes with the last descriptor of the open file */
    s->job_lock_fd = -1;
}

const struct db_ops sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .changes = sq_changes,
    .query = sq_query,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .in_transaction = sq_in_transaction,
    .exec_script = sq_exec_script,
    .backup = sq_backup,
    .bulk_mode = sq_bulk_mode,
    .protect = sq_protect,
    .checkpoint = sq_checkpoint,
    .job_lock_try = sq_job_lock_try,
    .job_lock_release = sq_job_lock_release,
    .migration_suffix = ".sqlite.sql",
};
