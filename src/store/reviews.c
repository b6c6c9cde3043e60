/* store/reviews.c — continuation reviews, integrations, closure; see queries.h. */
#include "store/queries.h"

enum db_status
db_review_insert(struct db *db, const struct review_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->id),
                                  DB_TEXT(r->jobcenter_id),
                                  DB_TEXT(r->case_id),
                                  DB_TEXT(r->review_date),
                                  DB_TEXT(r->decision),
                                  DB_TEXT(r->justification),
                                  DB_INT64(r->beyond_limit),
                                  DB_TEXT(r->next_review_due),
                                  DB_TEXT(r->created_by),
                                  DB_INT64(r->created_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO case_reviews (id, jobcenter_id, case_id, review_date, decision,"
                   " justification, beyond_limit, next_review_due, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   p);
}

enum db_status
db_reviews_list(struct db *db, const char *jobcenter_id, const char *case_id,
                struct review_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id),
                                   DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->review_date),
                                   DB_COL_STR(&out->decision),
                                   DB_COL_STR(&out->justification),
                                   DB_COL_INT64(&out->beyond_limit),
                                   DB_COL_STR(&out->next_review_due),
                                   DB_COL_STR(&out->created_by),
                                   DB_COL_STR(&out->created_by_name),
                                   DB_COL_INT64(&out->created_at),
                                   DB_COL_END };
    return db_query_each(
        db,
        "SELECT r.id, r.case_id, r.review_date, r.decision, r.justification,"
        " r.beyond_limit, r.next_review_due, r.created_by, u.display_name,"
        " r.created_at FROM case_reviews r LEFT JOIN users u ON u.id = r.created_by"
        " WHERE r.jobcenter_id = $1 AND r.case_id = $2"
        " ORDER BY r.review_date DESC, r.created_at DESC",
        p, c, row, user);
}

enum db_status
db_case_after_review(struct db *db, const char *jobcenter_id, const char *id,
                     const char *next_review_due, bool closure_due, const char *limit_justified_on,
                     int64_t now)
{
    const struct db_param p[] = {
        DB_TEXT(id),           DB_TEXT(jobcenter_id),       DB_TEXT(next_review_due),
        DB_INT64(closure_due), DB_TEXT(limit_justified_on), DB_INT64(now),
        DB_PARAM_END
    };
    return db_exec(db,
                   "UPDATE cases SET next_review_due = COALESCE($3, next_review_due),"
                   " closure_due = $4, limit_justified_on = COALESCE($5, limit_justified_on),"
                   " updated_at = $6 WHERE id = $1 AND jobcenter_id = $2 AND status = 'active'",
                   p);
}

enum db_status
db_integration_insert(struct db *db, const struct integration_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->id),
                                  DB_TEXT(r->jobcenter_id),
                                  DB_TEXT(r->case_id),
                                  DB_TEXT(r->client_id),
                                  DB_TEXT(r->start_date),
                                  DB_TEXT(r->kind),
                                  DB_TEXT(r->subsidy),
                                  DB_TEXT(r->aftercare_until),
                                  DB_TEXT(r->created_by),
                                  DB_INT64(r->created_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO integrations (id, jobcenter_id, case_id, client_id, start_date,"
                   " kind, subsidy, aftercare_until, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                   p);
}

enum db_status
db_integrations_of_case(struct db *db, const char *jobcenter_id, const char *case_id,
                        struct integration_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id),
                                   DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->start_date),
                                   DB_COL_STR(&out->kind),
                                   DB_COL_STR(&out->subsidy),
                                   DB_COL_STR(&out->aftercare_until),
                                   DB_COL_STR(&out->created_by),
                                   DB_COL_INT64(&out->created_at),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT id, case_id, start_date, kind, subsidy, aftercare_until,"
                         " created_by, created_at FROM integrations"
                         " WHERE jobcenter_id = $1 AND case_id = $2"
                         " ORDER BY start_date DESC, created_at DESC",
                         p, c, row, user);
}

enum db_status
db_case_close(struct db *db, const char *jobcenter_id, const char *id, const char *closed_on,
              const char *reason, const char *justification, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id),     DB_TEXT(jobcenter_id),  DB_TEXT(closed_on),
                                  DB_TEXT(reason), DB_TEXT(justification), DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET status = 'closed', closed_on = $3, closure_reason = $4,"
                   " closure_justification = $5, closure_due = 0, updated_at = $6"
                   " WHERE id = $1 AND jobcenter_id = $2 AND status <> 'closed'",
                   p);
}

enum db_status
db_case_last_closed(struct db *db, const char *jobcenter_id, const char *client_id, char **id)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(client_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_END };
    return db_query_one(db,
                        "SELECT id FROM cases WHERE jobcenter_id = $1 AND client_id = $2"
                        " AND status = 'closed' ORDER BY closed_on DESC, created_at DESC LIMIT 1",
                        p, c);
}

enum db_status
db_case_steps_open(struct db *db, const char *jobcenter_id, const char *case_id, const char *day,
                   int64_t *open, int64_t *overdue)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_TEXT(day),
                                  DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(open), DB_COL_INT64(overdue), DB_COL_END };
    return db_query_one(db,
                        "SELECT count(*), COALESCE(sum(CASE WHEN s.due < $3 THEN 1 ELSE 0 END), 0)"
                        " FROM plan_steps s JOIN plans p ON p.id = s.plan_id AND p.is_current = 1"
                        " WHERE s.jobcenter_id = $1 AND s.case_id = $2 AND s.status = 'open'",
                        p, c);
}
