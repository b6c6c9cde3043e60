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
 */
#ifndef LOTSE_CORE_WORKLIST_H
#define LOTSE_CORE_WORKLIST_H

#include "core/core.h"

enum { WORKLIST_DAYS_DEFAULT = 7, WORKLIST_DAYS_MAX = 90 };

/* *VIEW = {items:[{kind,due,overdue,case_id,client,object_id,detail,start,
 * deputy}], until}. DAYS 0..WORKLIST_DAYS_MAX. One audit entry. */
enum core_result worklist_get(struct core_ctx *ctx, int days, json_t **view, struct problem *pb);

#endif
