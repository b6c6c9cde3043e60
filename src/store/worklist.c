/* store/worklist.c — what is due, per case manager; see queries.h. Each
 * query starts from the case manager's cases (index cases_manager), so its
 * cost follows the caseload, not the size of the store. */
#include "store/queries.h"

enum db_status
db_deputised_users(struct db *db, const char *jobcenter_id, const char *deputy_id, const char *day,
                   char **user_id, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(deputy_id), DB_TEXT(day),
                                  DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(user_id), DB_COL_END };
    return db_query_each(db,
                         "SELECT DISTINCT user_id FROM deputies WHERE jobcenter_id = $1"
                         " AND deputy_id = $2 AND from_date <= $3 AND until_date >= $3"
                         " AND revoked_at IS NULL ORDER BY user_id",
                         p, c, row, user);
}

enum db_status
db_worklist_cases(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                  struct wl_case_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->client_id),
                                   DB_COL_STR(&out->first_name),
                                   DB_COL_STR(&out->last_name),
                                   DB_COL_STR(&out->customer_number),
                                   DB_COL_STR(&out->status),
                                   DB_COL_STR(&out->referral_date),
                                   DB_COL_STR(&out->started_on),
                                   DB_COL_STR(&out->next_review_due),
                                   DB_COL_STR(&out->plan_review_due),
                                   DB_COL_STR(&out->limit_date),
                                   DB_COL_STR(&out->limit_justified_on),
                                   DB_COL_INT64(&out->failed_contacts),
                                   DB_COL_INT64(&out->closure_due),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT k.id, k.client_id, c.first_name, c.last_name, c.customer_number,"
                         " k.status, k.referral_date, k.started_on, k.next_review_due,"
                         " k.plan_review_due, k.limit_date, k.limit_justified_on,"
                         " k.failed_contacts, k.closure_due"
                         " FROM cases k JOIN clients c ON c.id = k.client_id"
                         " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
                         " AND k.status IN ('referred', 'active')",
                         p, c, row, user);
}

enum db_status
db_worklist_appointments(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                         int64_t until_us, struct wl_appointment_row *out, bool (*row)(void *),
                         void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id),
                                  DB_INT64(until_us), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id),        DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->channel),   DB_COL_INT64(&out->start_at),
                                   DB_COL_INT64(&out->minutes), DB_COL_END };
    return db_query_each(db,
                         "SELECT a.id, a.case_id, a.channel, a.start_at, a.minutes"
                         " FROM cases k JOIN appointments a ON a.case_id = k.id"
                         " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
                         " AND k.status = 'active' AND a.attendance IS NULL AND a.start_at < $3"
                         " ORDER BY a.start_at",
                         p, c, row, user);
}

enum db_status
db_worklist_steps(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                  const char *until_day, struct wl_step_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id),
                                  DB_TEXT(until_day), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id), DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->title), DB_COL_STR(&out->due), DB_COL_END };
    return db_query_each(db,
                         "SELECT s.id, s.case_id, s.title, s.due"
                         " FROM cases k JOIN plan_steps s ON s.case_id = k.id"
                         " AND s.status = 'open' AND s.due <= $3"
                         " JOIN plans p ON p.id = s.plan_id AND p.is_current = 1"
                         " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
                         " AND k.status = 'active' ORDER BY s.due",
                         p, c, row, user);
}
