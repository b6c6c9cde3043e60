/* cmd/migrate.c — `lotse migrate --db URL`: bring the schema up to date. */
#include <getopt.h>
#include <stdio.h>

#include "cmd/cmd.h"
#include "core/core.h"
#include "store/store.h"

int
cmd_migrate(int argc, char **argv)
{
    const char *url = "sqlite:var/lotse.db";
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'd') {
            fprintf(stderr, "usage: lotse migrate --db URL\n");
            return 2;
        }
        url = optarg;
    }
    char err[512] = "";
    struct db *db = db_open(url, err, sizeof err);
    if (!db) {
        fprintf(stderr, "lotse: %s\n", err);
        return 1;
    }
    int applied = 0;
    if (core_migrate(db, &applied, err, sizeof err) < 0) {
        fprintf(stderr, "lotse: migration failed: %s\n", err);
        db_close(db);
        return 1;
    }
    printf("%d migration%s applied; the schema is up to date\n", applied, applied == 1 ? "" : "s");
    db_close(db);
    return 0;
}
