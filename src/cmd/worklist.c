/* cmd/worklist.c — `lotse worklist check|repair --db URL`: the worklist's
 * stored rows (core/worklist.c) against the case data they are derived from.
 * check: exit 0 when every row matches, 1 with the count that does not.
 * repair: rewrite what differs, in short transactions, while the server may
 * run; audited when it changed anything. */
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
    fprintf(stderr, "usage: lotse worklist check|repair --db URL\n");
    return 2;
}

/* The audit entry of a repair that rewrote WRONG of ROWS rows. */
static bool
audit_repair(struct db *db, int64_t rows, int64_t wrong)
{
    struct arena arena = ARENA_INIT;
    struct core_ctx ctx = { .db = db, .arena = &arena, .in_write = true, .now_us = db_now_us() };
    const struct audit_entry e = { "worklist.repair",
                                   "store",
                                   NULL,
                                   NULL,
                                   NULL,
                                   PURPOSE_SYSTEM,
                                   arena_printf(&arena, "worklist rows rewritten: %lld of %lld",
                                                (long long)wrong, (long long)rows) };
    bool ok = db_begin(db, true) >= 0 && audit_record(&ctx, &e) == CORE_OK && db_commit(db) >= 0;
    if (db_in_transaction(db))
        db_rollback(db);
    arena_free(&arena);
    return ok;
}

int
cmd_worklist(int argc, char **argv)
{
    if (argc < 2 || (strcmp(argv[1], "check") != 0 && strcmp(argv[1], "repair") != 0))
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
    enum core_result r;
    if (check) {
        /* one snapshot, so that rows and cases are compared as of one moment */
        r = db_begin(db, false) >= 0 ? worklist_reconcile(db, WORKLIST_CHECK, &rows, &wrong)
                                     : CORE_ERROR;
        if (db_in_transaction(db))
            db_rollback(db);
    } else {
        r = worklist_reconcile(db, WORKLIST_REPAIR, &rows, &wrong);
        if (r == CORE_OK && wrong && !audit_repair(db, rows, wrong))
            r = CORE_ERROR;
    }
    db_close(db);
    if (r != CORE_OK) {
        fprintf(stderr, "lotse: the worklist could not be %s%s\n", check ? "checked" : "repaired",
                check ? "" : "; the rows repaired so far are kept, run it again");
        return 2;
    }
    if (check && wrong) {
        printf("worklist OUT OF STEP: %lld of %lld rows differ from the case data"
               " (lotse worklist repair rewrites them)\n",
               (long long)wrong, (long long)rows);
        return 1;
    }
    if (check)
        printf("worklist in step with the case data: %lld rows\n", (long long)rows);
    else
        printf("worklist repaired: %lld of %lld rows rewritten\n", (long long)wrong,
               (long long)rows);
    return 0;
}
