/* cmd/common.c — opening the store for a command. */
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/core.h"
#include "store/store.h"

struct db *
cmd_open_db(const char *url, bool migrate)
{
    char err[512] = "";
    struct db *db = db_open(url, err, sizeof err);
    if (!db) {
        fprintf(stderr, "lotse: %s\n", err);
        return NULL;
    }
    if (migrate) {
        int applied = 0;
        if (core_migrate(db, &applied, err, sizeof err) < 0) {
            fprintf(stderr, "lotse: migration failed: %s\n", err);
            db_close(db);
            return NULL;
        }
    }
    return db;
}
