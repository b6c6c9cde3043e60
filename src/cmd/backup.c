/*
 * cmd/backup.c — `lotse backup --db URL FILE`: a consistent copy while the
 * server runs; `lotse restore --db URL FILE`: that copy into a new, empty
 * PostgreSQL database, then the audit chain checked as `lotse audit verify`
 * does. A SQLite store is restored by copying its files (docs/operations.md).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/core.h"
#include "store/store.h"

/* --db URL FILE of ARGV into *URL and *PATH; false on a usage error. */
static bool
parse_args(int argc, char **argv, const char **url, const char **path)
{
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'd')
            return false;
        *url = optarg;
    }
    if (optind != argc - 1)
        return false;
    *path = argv[optind];
    return true;
}

int
cmd_backup(int argc, char **argv)
{
    const char *url = "sqlite:var/lotse.db", *path = NULL;
    if (!parse_args(argc, argv, &url, &path)) {
        fprintf(stderr, "usage: lotse backup --db URL FILE\n");
        return 2;
    }
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "lotse: %s exists; refusing to overwrite it\n", path);
        return 1;
    }
    struct db *db = cmd_open_db(url, false);
    if (!db)
        return 1;
    char err[1536] = "";
    int rc = 0;
    if (db_backup(db, path, err, sizeof err) < 0) {
        fprintf(stderr, "lotse: backup failed: %s\n", err);
        unlink(path);
        rc = 1;
    } else {
        printf("backup written to %s\n", path);
    }
    db_close(db);
    return rc;
}

int
cmd_restore(int argc, char **argv)
{
    const char *url = NULL, *path = NULL;
    if (!parse_args(argc, argv, &url, &path) || !url) {
        fprintf(stderr, "usage: lotse restore --db URL FILE\n");
        return 2;
    }
    /* before opening it: opening a SQLite store creates its file */
    if (strncmp(url, "sqlite:", 7) == 0) {
        fprintf(stderr, "lotse: a SQLite store is restored by copying the backup's files in"
                        " place while lotse is stopped (docs/operations.md, Backups)\n");
        return 2;
    }
    if (access(path, R_OK) != 0) {
        fprintf(stderr, "lotse: cannot read %s\n", path);
        return 1;
    }
    struct db *db = cmd_open_db(url, false);
    if (!db)
        return 1;
    char err[1536] = "";
    enum db_status st = db_restore(db, path, err, sizeof err);
    db_close(db);
    if (st < 0) {
        fprintf(stderr, "lotse: restore failed: %s\n", err);
        if (st != DB_CONSTRAINT)
            fprintf(stderr, "lotse: the database was left as it was\n");
        return 1;
    }
    /* the restored store through a connection of its own, as a server sees it */
    db = cmd_open_db(url, false);
    if (!db)
        return 1;
    int pending = 0;
    struct audit_verify v;
    enum core_result r = audit_verify(db, &v);
    bool pending_ok = db_migrations_pending(db, &pending) >= 0;
    db_close(db);
    if (r != CORE_OK) {
        fprintf(stderr, "lotse: restored, but the audit log could not be read\n");
        return 1;
    }
    if (!v.ok) {
        printf("restored %s, but the audit chain is BROKEN at entry %lld: %s\n", path,
               (long long)v.first_bad, v.reason);
        return 1;
    }
    printf("restored %s: audit chain intact: %lld entries, head %s\n", path, (long long)v.entries,
           v.head[0] ? v.head : "(none)");
    if (pending_ok && pending > 0)
        printf("the backup is from an older lotse: run `lotse migrate --db URL` before serving\n");
    return 0;
}
