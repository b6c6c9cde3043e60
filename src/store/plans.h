/*
 * store/plans.h — queries of the cooperation plan (Kooperationsplan):
 * versions (plans), their goals and steps; included by queries.h (see there).
 * A version is written once and never changed; only the status and note of
 * a step move. plans.is_current marks the current version of a case (at most
 * one, a partial unique index); db_plan_clear_current() and the insert of the
 * next version run in the same write.
 */
#ifndef LOTSE_STORE_PLANS_H
#define LOTSE_STORE_PLANS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct plan_row {
    char *id, *jobcenter_id, *case_id, *agreed_on, *review_due, *review_outcome, *created_by,
        *created_by_name;
    int64_t version, is_current, created_at;
};

struct plan_goal_row {
    char *id, *plan_id, *kind, *title;
    int64_t position;
};

struct plan_step_row {
    char *id, *jobcenter_id, *case_id, *plan_id, *goal_id, *title, *responsible, *partner, *due,
        *status, *note, *status_changed_by;
    int64_t position, status_changed_at;
    int64_t plan_is_current; /* joined: is the step's version the current one */
};

/* The next version number of CASE_ID (1 when it has none). */
enum db_status db_plan_next_version(struct db *db, const char *jobcenter_id, const char *case_id,
                                    int64_t *version);
/* Clear is_current on the case's current version (none is fine). */
enum db_status db_plan_clear_current(struct db *db, const char *jobcenter_id, const char *case_id);
/* Insert version P (is_current as given), a goal of it, a step of it. */
enum db_status db_plan_insert(struct db *db, const struct plan_row *p);
enum db_status db_plan_goal_insert(struct db *db, const char *jobcenter_id,
                                   const struct plan_goal_row *g);
enum db_status db_plan_step_insert(struct db *db, const struct plan_step_row *s);

/* One version: by id, the case's current one, or the case's version VERSION. */
enum db_status db_plan_get(struct db *db, const char *jobcenter_id, const char *id,
                           struct plan_row *out);
enum db_status db_plan_current(struct db *db, const char *jobcenter_id, const char *case_id,
                               struct plan_row *out);
enum db_status db_plan_by_version(struct db *db, const char *jobcenter_id, const char *case_id,
                                  int64_t version, struct plan_row *out);
/* The case's versions, newest first. */
enum db_status db_plans_list(struct db *db, const char *jobcenter_id, const char *case_id,
                             struct plan_row *out, bool (*row)(void *), void *user);
/* The goals of version PLAN_ID in order, and its steps in order (by goal, then step). */
enum db_status db_plan_goals(struct db *db, const char *jobcenter_id, const char *plan_id,
                             struct plan_goal_row *out, bool (*row)(void *), void *user);
enum db_status db_plan_steps(struct db *db, const char *jobcenter_id, const char *plan_id,
                             struct plan_step_row *out, bool (*row)(void *), void *user);

/* One step with whether its version is current. */
enum db_status db_plan_step_get(struct db *db, const char *jobcenter_id, const char *id,
                                struct plan_step_row *out);
/* Set a step's status, and its note unless NOTE is NULL; only a step of the
 * current version changes (see db_changes). */
enum db_status db_plan_step_update(struct db *db, const char *jobcenter_id, const char *id,
                                   const char *status, const char *note, const char *by,
                                   int64_t now);

#endif
