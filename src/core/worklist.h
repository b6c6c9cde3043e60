/*
 * core/worklist.h — the case manager's start page: what is due today and in
 * the next days, across their own cases and those of colleagues they
 * deputise for. Every item names the case, the client, what is due and
 * when; the web layer adds the one action that settles it.
 *
 * Kinds: activation (a referral waits for the first meeting), appointment
 * (coming up), attendance (past, not yet recorded), review (continuation
 * review), plan_review, plan_missing (active for 4 weeks without a plan),
 * step (open plan step), limit (maximum duration reached without a
 * justification), unreached (failed contacts in a row), closure (a review
 * decided to close).
 *
 * Read from stored rows, one per open case (table worklist_cases), that
 * every write job brings up to date for the cases it touched; see
 * worklist.c for the row's format and what is decided only when reading.
 */
#ifndef LOTSE_CORE_WORKLIST_H
#define LOTSE_CORE_WORKLIST_H

#include <stdint.h>

#include "core/core.h"
#include "store/store.h"

enum { WORKLIST_DAYS_DEFAULT = 7, WORKLIST_DAYS_MAX = 90 };

/* One thing due. Strings live in the request arena (kind: a literal). */
struct worklist_item {
    const char *kind;
    char due[11];
    bool overdue, deputy; /* deputy: a colleague's case, seen as their deputy */
    const char *case_id, *client_id, *first_name, *last_name, *customer_number;
    const char *object_id; /* the appointment or step; NULL for the others */
    const char *title;     /* a step's title; NULL for the others */
    int64_t start_at;      /* an appointment's start (µs); 0 for the others */
};

struct worklist {
    char today[11], until[11];
    struct worklist_item *items; /* by due date, then kind, then client */
    size_t n;
};

/* What is due for the caller from today to DAYS (0..WORKLIST_DAYS_MAX) days
 * ahead, and what is overdue. Empty for a user without a caseload. One audit
 * entry naming the cases shown. */
enum core_result worklist_read(struct core_ctx *ctx, int days, struct worklist *out,
                               struct problem *pb);

/* worklist_read as the API's view: *VIEW = {items:[{kind,due,overdue,case_id,
 * client:{id,first_name,last_name,customer_number},object_id,detail,deputy}],
 * today,until}; detail is a step's title or an appointment's start (UTC). */
enum core_result worklist_get(struct core_ctx *ctx, int days, json_t **view, struct problem *pb);

/* At the end of a write job (before it commits): recompute the worklist rows
 * of the cases noted in CTX->touched (and of every case of a noted client),
 * then forget them. Every write that changes what a case has due leaves an
 * audit entry naming the case, so no write can leave a row behind. */
enum core_result worklist_sync(struct core_ctx *ctx);

/* Maintenance of the stored rows, all Jobcenters. *ROWS = the rows there
 * should be (open cases with a case manager); *WRONG = rows that differ
 * from the case data, are missing or are left over.
 *   WORKLIST_FILL    every row afresh, in DB's open write transaction
 *                    (migration 0003, `lotse demo`);
 *   WORKLIST_CHECK   only compare (`lotse worklist check`);
 *   WORKLIST_REPAIR  compare without the write lock, then rewrite what is
 *                    wrong in short transactions of its own, so that a
 *                    running server's writes hardly wait (`lotse worklist
 *                    repair`); DB must not be in a transaction. */
enum worklist_mode { WORKLIST_FILL, WORKLIST_CHECK, WORKLIST_REPAIR };
enum core_result worklist_reconcile(struct db *db, enum worklist_mode mode, int64_t *rows,
                                    int64_t *wrong);

#endif
