/* cmd/audit.c — `lotse audit verify --db URL`: exit 0 when the hash chain holds. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "store/store.h"

int
cmd_audit(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "verify") != 0) {
        fprintf(stderr, "usage: lotse audit verify --db URL\n");
        return 2;
    }
    const char *url = "sqlite:var/lotse.db";
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        if (c != 'd') {
            fprintf(stderr, "usage: lotse audit verify --db URL\n");
            return 2;
        }
        url = optarg;
    }
    struct db *db = cmd_open_db(url, false);
    if (!db)
        return 2;
    struct audit_verify v;
    enum core_result r = audit_verify(db, &v);
    db_close(db);
    if (r != CORE_OK) {
        fprintf(stderr, "lotse: the audit log could not be read\n");
        return 2;
    }
    if (v.ok) {
        printf("audit chain intact: %lld entries, head %s\n", (long long)v.entries,
               v.head[0] ? v.head : "(none)");
        return 0;
    }
    printf("audit chain BROKEN at entry %lld: %s\n", (long long)v.first_bad, v.reason);
    return 1;
}
