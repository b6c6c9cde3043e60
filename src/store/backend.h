/*
 * store/backend.h — what a backend (sqlite/, pg/) provides behind
 * store.h. Only store/ includes this file.
 */
#ifndef LOTSE_STORE_BACKEND_H
#define LOTSE_STORE_BACKEND_H

#include "store/store.h"

struct db_ops {
    const char *name;
    struct db *(*open)(const char *url, bool writer, char *err, size_t errlen);
    void (*close)(struct db *db);
    enum db_status (*exec)(struct db *db, const char *sql, const struct db_param *params);
    int64_t (*changes)(struct db *db);
    enum db_status (*query)(struct db *db, const char *sql, const struct db_param *params,
                            const struct db_column *cols, bool (*row)(void *), void *user,
                            bool one);
    enum db_status (*begin)(struct db *db, bool write);
    enum db_status (*commit)(struct db *db);
    void (*rollback)(struct db *db);
    bool (*in_transaction)(struct db *db);
    /* Run a script of several statements without parameters (migrations only). */
    enum db_status (*exec_script)(struct db *db, const char *sql, char *err, size_t errlen);
    enum db_status (*backup)(struct db *db, const char *path, char *err, size_t errlen);
    /* Load a backup of `backup` into an empty store; NULL: not offered (db_restore). */
    enum db_status (*restore)(struct db *db, const char *path, char *err, size_t errlen);
    void (*bulk_mode)(struct db *db);
    /* Gather a row for db_load(); NULL: db_load() inserts each row at once. */
    enum db_status (*load)(struct db *db, const struct db_table *table,
                           const struct db_param *values);
    enum db_status (*load_flush)(struct db *db);
    enum db_status (*defer_foreign_keys)(struct db *db); /* NULL: nothing to defer */
    enum db_status (*plan_each_call)(struct db *db);     /* NULL: nothing to change */
    void (*protect)(struct db *db);
    /* Copy what the WAL holds back into the files without blocking anyone; NULL as above. */
    enum db_status (*checkpoint)(struct db *db);
    /* Whether the last call failed because the store could not be reached; NULL: never. */
    bool (*unreachable)(struct db *db);
    /* The job lock of store.h: try to take it (or confirm it is still held); release it. */
    enum db_status (*job_lock_try)(struct db *db, bool *held);
    void (*job_lock_release)(struct db *db);
    const char *migration_suffix; /* ".sqlite.sql", ".pg.sql" */
};

/* The part of every connection that store/db.c uses; backends embed it first. */
struct db {
    const struct db_ops *ops;
    struct arena *arena;
    int savepoint_depth;
    struct db_insert_sql *inserts; /* db_load(): tables seen, their names checked, their INSERTs */
    size_t n_inserts;
};

extern const struct db_ops sqlite_ops;
extern const struct db_ops pg_ops;

#endif
