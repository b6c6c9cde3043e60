/* store/plans.c — the cooperation plan's versions, goals and steps; see store/plans.h. */
#include "store/queries.h"

enum db_status
db_plan_next_version(struct db *db, const char *jobcenter_id, const char *case_id, int64_t *version)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(version), DB_COL_END };
    return db_query_one(db,
                        "SELECT COALESCE(MAX(version), 0) + 1 FROM plans"
                        " WHERE case_id = $1 AND jobcenter_id = $2",
                        p, c);
}

enum db_status
db_plan_clear_current(struct db *db, const char *jobcenter_id, const char *case_id)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE plans SET is_current = 0"
                   " WHERE case_id = $1 AND jobcenter_id = $2 AND is_current = 1",
                   p);
}

enum db_status
db_plan_insert(struct db *db, const struct plan_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->id),
                                  DB_TEXT(r->jobcenter_id),
                                  DB_TEXT(r->case_id),
                                  DB_INT64(r->version),
                                  DB_INT64(r->is_current),
                                  DB_TEXT(r->agreed_on),
                                  DB_TEXT(r->review_due),
                                  DB_TEXT(r->review_outcome),
                                  DB_TEXT(r->created_by),
                                  DB_INT64(r->created_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO plans (id, jobcenter_id, case_id, version, is_current, agreed_on,"
                   " review_due, review_outcome, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   p);
}

enum db_status
db_plan_goal_insert(struct db *db, const char *jobcenter_id, const struct plan_goal_row *g)
{
    /* plan_goals has no tenant column: the row is inserted only for a plan of the tenant */
    const struct db_param p[] = { DB_TEXT(g->id),   DB_TEXT(g->plan_id), DB_INT64(g->position),
                                  DB_TEXT(g->kind), DB_TEXT(g->title),   DB_TEXT(jobcenter_id),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO plan_goals (id, plan_id, position, kind, title)"
                   " SELECT $1, id, CAST($3 AS INTEGER), $4, $5 FROM plans WHERE id = $2 AND "
                   "jobcenter_id = $6",
                   p);
}

enum db_status
db_plan_step_insert(struct db *db, const struct plan_step_row *s)
{
    const struct db_param p[] = {
        DB_TEXT(s->id),      DB_TEXT(s->jobcenter_id), DB_TEXT(s->case_id), DB_TEXT(s->plan_id),
        DB_TEXT(s->goal_id), DB_INT64(s->position),    DB_TEXT(s->title),   DB_TEXT(s->responsible),
        DB_TEXT(s->partner), DB_TEXT(s->due),          DB_PARAM_END
    };
    return db_exec(db,
                   "INSERT INTO plan_steps (id, jobcenter_id, case_id, plan_id, goal_id, position,"
                   " title, responsible, partner, due, status)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'open')",
                   p);
}

#define PLAN_COLS(o)                                                                               \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->case_id),               \
        DB_COL_INT64(&(o)->version), DB_COL_INT64(&(o)->is_current), DB_COL_STR(&(o)->agreed_on),  \
        DB_COL_STR(&(o)->review_due), DB_COL_STR(&(o)->review_outcome),                            \
        DB_COL_STR(&(o)->created_by), DB_COL_STR(&(o)->created_by_name),                           \
        DB_COL_INT64(&(o)->created_at)

#define PLAN_SELECT                                                                                \
    "SELECT p.id, p.jobcenter_id, p.case_id, p.version, p.is_current, p.agreed_on,"                \
    " p.review_due, p.review_outcome, p.created_by, u.display_name, p.created_at"                  \
    " FROM plans p LEFT JOIN users u ON u.id = p.created_by"

enum db_status
db_plan_get(struct db *db, const char *jobcenter_id, const char *id, struct plan_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { PLAN_COLS(out), DB_COL_END };
    return db_query_one(db, PLAN_SELECT " WHERE p.id = $1 AND p.jobcenter_id = $2", p, c);
}

enum db_status
db_plan_current(struct db *db, const char *jobcenter_id, const char *case_id, struct plan_row *out)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { PLAN_COLS(out), DB_COL_END };
    return db_query_one(db,
                        PLAN_SELECT " WHERE p.case_id = $1 AND p.jobcenter_id = $2"
                                    " AND p.is_current = 1",
                        p, c);
}

enum db_status
db_plan_by_version(struct db *db, const char *jobcenter_id, const char *case_id, int64_t version,
                   struct plan_row *out)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_INT64(version),
                                  DB_PARAM_END };
    const struct db_column c[] = { PLAN_COLS(out), DB_COL_END };
    return db_query_one(db,
                        PLAN_SELECT " WHERE p.case_id = $1 AND p.jobcenter_id = $2"
                                    " AND p.version = $3",
                        p, c);
}

enum db_status
db_plans_list(struct db *db, const char *jobcenter_id, const char *case_id, struct plan_row *out,
              bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { PLAN_COLS(out), DB_COL_END };
    return db_query_each(db,
                         PLAN_SELECT " WHERE p.case_id = $1 AND p.jobcenter_id = $2"
                                     " ORDER BY p.version DESC",
                         p, c, row, user);
}

enum db_status
db_plan_goals(struct db *db, const char *jobcenter_id, const char *plan_id,
              struct plan_goal_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(plan_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id),         DB_COL_STR(&out->plan_id),
                                   DB_COL_INT64(&out->position), DB_COL_STR(&out->kind),
                                   DB_COL_STR(&out->title),      DB_COL_END };
    return db_query_each(db,
                         "SELECT g.id, g.plan_id, g.position, g.kind, g.title"
                         " FROM plan_goals g JOIN plans p ON p.id = g.plan_id"
                         " WHERE g.plan_id = $1 AND p.jobcenter_id = $2 ORDER BY g.position",
                         p, c, row, user);
}

#define STEP_COLS(o)                                                                               \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->case_id),               \
        DB_COL_STR(&(o)->plan_id), DB_COL_STR(&(o)->goal_id), DB_COL_INT64(&(o)->position),        \
        DB_COL_STR(&(o)->title), DB_COL_STR(&(o)->responsible), DB_COL_STR(&(o)->partner),         \
        DB_COL_STR(&(o)->due), DB_COL_STR(&(o)->status), DB_COL_STR(&(o)->note),                   \
        DB_COL_STR(&(o)->status_changed_by), DB_COL_INT64(&(o)->status_changed_at),                \
        DB_COL_INT64(&(o)->plan_is_current)

#define STEP_SELECT                                                                                \
    "SELECT s.id, s.jobcenter_id, s.case_id, s.plan_id, s.goal_id, s.position, s.title,"           \
    " s.responsible, s.partner, s.due, s.status, s.note, s.status_changed_by,"                     \
    " s.status_changed_at, p.is_current"                                                           \
    " FROM plan_steps s JOIN plans p ON p.id = s.plan_id"

enum db_status
db_plan_steps(struct db *db, const char *jobcenter_id, const char *plan_id,
              struct plan_step_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(plan_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { STEP_COLS(out), DB_COL_END };
    return db_query_each(db,
                         STEP_SELECT " JOIN plan_goals g ON g.id = s.goal_id"
                                     " WHERE s.plan_id = $1 AND s.jobcenter_id = $2"
                                     " ORDER BY g.position, s.position",
                         p, c, row, user);
}

enum db_status
db_plan_step_get(struct db *db, const char *jobcenter_id, const char *id, struct plan_step_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { STEP_COLS(out), DB_COL_END };
    return db_query_one(db, STEP_SELECT " WHERE s.id = $1 AND s.jobcenter_id = $2", p, c);
}

enum db_status
db_plan_step_update(struct db *db, const char *jobcenter_id, const char *id, const char *status,
                    const char *note, const char *by, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id),   DB_TEXT(jobcenter_id), DB_TEXT(status),
                                  DB_TEXT(note), DB_TEXT(by),           DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(db,
                   "UPDATE plan_steps SET status = $3, note = COALESCE($4, note),"
                   " status_changed_by = $5, status_changed_at = $6"
                   " WHERE id = $1 AND jobcenter_id = $2 AND plan_id IN"
                   " (SELECT id FROM plans WHERE jobcenter_id = $2 AND is_current = 1)",
                   p);
}
