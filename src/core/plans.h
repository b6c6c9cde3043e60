/*
 * core/plans.h — the cooperation plan (Kooperationsplan, § 15 SGB II):
 * goals (job goals and others: health, language, childcare …), each with
 * steps (who: the client, the case manager or a partner; by when; status).
 *
 * Every version is kept and never changed; an agreement or a review adds a
 * new version, which becomes the current one in the same write, and sets the
 * case's plan_review_due. Only the status (and note) of a step of the
 * current version moves. The review is due at the latest six months after
 * the plan was agreed (deadline_plan_review(), core/deadlines.h); an earlier
 * date may be agreed. The plan is not legally binding and carries no notice
 * of legal consequences (domain rules, section 5).
 *
 * Every service opens the case through the access policy and records
 * exactly one audit entry: plan.create, plan.step_update (in the write
 * job), plan.read, plan.list, plan.print.
 */
#ifndef LOTSE_CORE_PLANS_H
#define LOTSE_CORE_PLANS_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

enum {
    PLAN_MAX_GOALS = 10,
    PLAN_MAX_STEPS = 20, /* per goal */
    PLAN_TITLE_MAX = 300,
    PLAN_PARTNER_MAX = 200,
    PLAN_NOTE_MAX = 1000,
    PLAN_STEP_MAX_YEARS = 3, /* a step is due at most three years after the agreement */
};

extern const char *const plan_goal_kinds[];      /* job, health, language … (NULL-terminated) */
extern const char *const plan_responsibles[];    /* client, case_manager, partner */
extern const char *const plan_step_statuses[];   /* open, done, dropped */
extern const char *const plan_review_outcomes[]; /* kept, changed, mediation_requested, … */

struct plan_step_input {
    const char *title, *responsible, *partner; /* partner may be NULL */
    struct date due;
};

struct plan_goal_input {
    const char *kind; /* "job" when not given */
    const char *title;
    struct plan_step_input *steps; /* in the arena */
    size_t n_steps;
};

/* POST /cases/{id}/plans. */
struct plan_input {
    struct date agreed_on;
    struct date review_due;        /* DATE_NONE: the default from the rules */
    const char *review_outcome;    /* NULL: none for the first version, "changed" later */
    struct plan_goal_input *goals; /* in the arena */
    size_t n_goals;
};

/* Read BODY (the API's JSON shape) into IN: the top level through a field
 * table, then every goal and step through their own tables, with error
 * paths like "goals[1].steps[0].due". Returns CORE_OK, CORE_BAD_REQUEST (not
 * an object, an unknown field anywhere; PB->detail names it) or
 * CORE_INVALID with every format error in PB. Strings in IN borrow from BODY;
 * arrays live in ARENA. */
enum core_result plans_read(const json_t *body, struct plan_input *in, struct arena *arena,
                            struct problem *pb);

/* The rules of a new version, added to PB as field errors: AGREED_ON not
 * after TODAY nor before the case started (STARTED_ON) nor before the
 * current version's day (PREV_AGREED, DATE_NONE without one); review_due
 * after agreed_on and not after LATEST_REVIEW; every step due from agreed_on
 * to three years after it; review_outcome only when HAS_PLAN. Fields whose
 * format check failed (DATE_NONE) are skipped. Pure, for the unit tests. */
void plans_check(const struct plan_input *in, struct date today, struct date started_on,
                 struct date prev_agreed, bool has_plan, struct date latest_review,
                 struct arena *arena, struct problem *pb);

/* PATCH /plan-steps/{id}. */
struct plan_step_update {
    const char *status;
    const char *note; /* NULL: keep the note */
};
extern const struct field plan_step_update_fields[];

/* Write jobs. Each first adds its rule errors to those PB may already hold
 * from the format check, and answers CORE_INVALID with all of them.
 * plans_create: 201 view of the new version (see plans_get). 409
 * case_closed / case_not_active for a case that is not active.
 * plans_step_update: the step's view; 409 plan_superseded for a step of an
 * older version. */
enum core_result plans_create(struct core_ctx *ctx, const char *case_id,
                              const struct plan_input *in, json_t **view, struct problem *pb);
enum core_result plans_step_update(struct core_ctx *ctx, const char *step_id,
                                   const struct plan_step_update *in, json_t **view,
                                   struct problem *pb);

/* Reads. A version's view: {id, case_id, version, is_current, agreed_on,
 * review_due, review_outcome, created_by, created_by_name, created_at,
 * goals:[{id, kind, title, steps:[{id, title, responsible, partner, due,
 * status, note}]}]}. plans_current: 404 "No plan yet." when the case has
 * none. plans_list: {items:[{id, version, is_current, agreed_on, review_due,
 * review_outcome, created_at}], next_cursor:null}, newest first. */
enum core_result plans_current(struct core_ctx *ctx, const char *case_id, json_t **view,
                               struct problem *pb);
enum core_result plans_get(struct core_ctx *ctx, const char *plan_id, json_t **view,
                           struct problem *pb);
enum core_result plans_list(struct core_ctx *ctx, const char *case_id, json_t **view,
                            struct problem *pb);

/* For the pages: one read with one audit entry ACTION ("plan.read" or
 * "plan.print"). VERSION 0 means the current one. *VIEW is {case:{id,
 * status, first_name, last_name, customer_number, case_manager_name,
 * started_on}, plan: a version's view or null, versions: the list's items,
 * today: YYYY-MM-DD}. 404 for a VERSION the case does not have. */
enum core_result plans_page(struct core_ctx *ctx, const char *case_id, int64_t version,
                            const char *action, json_t **view, struct problem *pb);

#endif
