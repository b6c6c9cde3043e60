/* cmd/worklist.c — `lotse worklist check|rebuild --db URL`: the worklist's
 * read model (core/worklist.c) against the case data it is derived from.
 * check: exit 0 when every row matches, 1 with the count that does not;
 * rebuild: write every row afresh in one transaction (audited). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/worklist.h"
#include "store/store.h"
#include "util/arena.h"

static int
usage(void)
{
    fprintf(stderr, "usage: lotse worklist check|rebuild --db URL\n");
    return 2;
}

int
cmd_worklist(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "rebuild") != 0))
        return usage();
    bool check = strcmp(argv[1], "check") == 0;
    const char *url = "sqlite:var/lotse.db";
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        if (c != 'd')
            return usage();
        url = optarg;
    }
    if (optind != argc - 1)
        return usage();
    struct db *db = cmd_open_db(url, false);
    if (!db)
        return 2;
    int64_t rows = 0, wrong = 0;
    enum db_status st = db_begin(db, !check);
    if (st >= 0)
        st = worklist_rebuild(db, check, &rows, &wrong);
    if (st >= 0 && !check) {
        struct arena arena = ARENA_INIT;
        struct core_ctx ctx = {
            .db = db, .arena = &arena, .in_write = true, .now_us = db_now_us()
        };
        const struct audit_entry e = {
            "worklist.rebuild",
            "store",
            NULL,
            NULL,
            NULL,
            PURPOSE_SYSTEM,
            arena_printf(&arena, "the worklist's rows written afresh: %lld", (long long)rows)
        };
        st = audit_record(&ctx, &e) == CORE_OK ? db_commit(db) : DB_HARD_ERROR;
        arena_free(&arena);
    }
    if (db_in_transaction(db))
        db_rollback(db);
    db_close(db);
    if (st < 0) {
        fprintf(stderr, "lotse: the worklist could not be %s; nothing was changed\n",
                check ? "checked" : "rebuilt");
        return 2;
    }
    if (!check) {
        printf("worklist rebuilt: %lld rows\n", (long long)rows);
        return 0;
    }
    if (wrong) {
        printf("worklist OUT OF STEP: %lld of %lld rows differ from the case data"
               " (lotse worklist rebuild writes them afresh)\n",
               (long long)wrong, (long long)rows);
        return 1;
    }
    printf("worklist in step with the case data: %lld rows\n", (long long)rows);
    return 0;
}
