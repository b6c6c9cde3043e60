/* cmd/backup.c — `lotse backup --db URL FILE`: a consistent copy while the server runs. */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

#include "cmd/cmd.h"
#include "store/store.h"

int
cmd_backup(int argc, char **argv)
{
    const char *url = "sqlite:var/lotse.db";
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'd') {
            fprintf(stderr, "usage: lotse backup --db URL FILE\n");
            return 2;
        }
        url = optarg;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "usage: lotse backup --db URL FILE\n");
        return 2;
    }
    const char *path = argv[optind];
    if (access(path, F_OK) == 0) {
        fprintf(stderr, "lotse: %s exists; refusing to overwrite it\n", path);
        return 1;
    }
    struct db *db = cmd_open_db(url, false);
    if (!db)
        return 1;
    char err[512] = "";
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
