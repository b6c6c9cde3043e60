/* store/worklist.c — what is due, per case manager; see queries.h. The
 * worklist reads one range of its read model (worklist_cases, primary key
 * jobcenter, case manager, case); the queries by case feed the rows. */
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

#define WL_CASE_COLUMNS(o)                                                                         \
    DB_COL_STR(&(o)->case_id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->case_manager_id),  \
        DB_COL_STR(&(o)->client_id), DB_COL_STR(&(o)->first_name), DB_COL_STR(&(o)->last_name),    \
        DB_COL_STR(&(o)->customer_number), DB_COL_STR(&(o)->status),                               \
        DB_COL_STR(&(o)->referral_date), DB_COL_STR(&(o)->started_on),                             \
        DB_COL_STR(&(o)->next_review_due), DB_COL_STR(&(o)->plan_review_due),                      \
        DB_COL_STR(&(o)->limit_date), DB_COL_STR(&(o)->limit_justified_on),                        \
        DB_COL_INT64(&(o)->failed_contacts), DB_COL_INT64(&(o)->closure_due), DB_COL_END
#define WL_CASE_SELECT                                                                             \
    "SELECT k.id, k.jobcenter_id, k.case_manager_id, k.client_id,"                                 \
    " c.first_name, c.last_name, c.customer_number, k.status,"                                     \
    " k.referral_date, k.started_on, k.next_review_due, k.plan_review_due,"                        \
    " k.limit_date, k.limit_justified_on, k.failed_contacts, k.closure_due"                        \
    " FROM cases k JOIN clients c ON c.id = k.client_id"

enum db_status
db_worklist_case(struct db *db, const char *jobcenter_id, const char *case_id,
                 struct wl_case_row *out)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { WL_CASE_COLUMNS(out) };
    return db_query_one(db, WL_CASE_SELECT " WHERE k.jobcenter_id = $1 AND k.id = $2", p, c);
}

enum db_status
db_worklist_managers(struct db *db, char **jobcenter_id, char **case_manager_id,
                     bool (*row)(void *), void *user)
{
    const struct db_column c[] = { DB_COL_STR(jobcenter_id), DB_COL_STR(case_manager_id),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT DISTINCT jobcenter_id, case_manager_id FROM cases"
                         " WHERE status IN ('referred', 'active') AND case_manager_id IS NOT NULL"
                         " ORDER BY jobcenter_id, case_manager_id",
                         NULL, c, row, user);
}

enum db_status
db_worklist_manager_cases(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                          struct wl_case_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_PARAM_END };
    const struct db_column c[] = { WL_CASE_COLUMNS(out) };
    return db_query_each(db,
                         WL_CASE_SELECT " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
                                        " AND k.status IN ('referred', 'active') ORDER BY k.id",
                         p, c, row, user);
}

enum db_status
db_worklist_manager_appointments(struct db *db, const char *jobcenter_id,
                                 const char *case_manager_id, struct wl_appointment_row *out,
                                 bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->case_id), DB_COL_STR(&out->id),
                                   DB_COL_INT64(&out->start_at), DB_COL_END };
    return db_query_each(
        db,
        "SELECT a.case_id, a.id, a.start_at FROM cases k"
        " JOIN appointments a ON a.case_id = k.id AND a.jobcenter_id = k.jobcenter_id"
        " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
        " AND k.status IN ('referred', 'active') AND a.attendance IS NULL"
        " ORDER BY a.case_id, a.start_at, a.id",
        p, c, row, user);
}

enum db_status
db_worklist_manager_steps(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                          struct wl_step_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->case_id), DB_COL_STR(&out->id),
                                   DB_COL_STR(&out->title), DB_COL_STR(&out->due), DB_COL_END };
    return db_query_each(
        db,
        "SELECT s.case_id, s.id, s.title, s.due FROM cases k"
        " JOIN plan_steps s ON s.case_id = k.id AND s.jobcenter_id = k.jobcenter_id"
        " JOIN plans p ON p.id = s.plan_id AND p.is_current = 1"
        " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
        " AND k.status IN ('referred', 'active') AND s.status = 'open'"
        " ORDER BY s.case_id, s.due, s.id",
        p, c, row, user);
}

enum db_status
db_worklist_case_appointments(struct db *db, const char *jobcenter_id, const char *case_id,
                              struct wl_appointment_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id), DB_COL_INT64(&out->start_at), DB_COL_END };
    return db_query_each(db,
                         "SELECT id, start_at FROM appointments WHERE case_id = $2"
                         " AND jobcenter_id = $1 AND attendance IS NULL ORDER BY start_at, id",
                         p, c, row, user);
}

enum db_status
db_worklist_case_steps(struct db *db, const char *jobcenter_id, const char *case_id,
                       struct wl_step_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id), DB_COL_STR(&out->title),
                                   DB_COL_STR(&out->due), DB_COL_END };
    return db_query_each(db,
                         "SELECT s.id, s.title, s.due FROM plan_steps s"
                         " JOIN plans p ON p.id = s.plan_id AND p.is_current = 1"
                         " WHERE s.case_id = $2 AND s.jobcenter_id = $1 AND s.status = 'open'"
                         " ORDER BY s.due, s.id",
                         p, c, row, user);
}

enum db_status
db_worklist_put(struct db *db, const struct wl_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->jobcenter_id),    DB_TEXT(r->case_manager_id),
                                  DB_TEXT(r->case_id),         DB_TEXT(r->client_id),
                                  DB_TEXT(r->first_name),      DB_TEXT(r->last_name),
                                  DB_TEXT(r->customer_number), DB_TEXT(r->first_due),
                                  DB_TEXT(r->items),           DB_PARAM_END };
    /* one statement for a row that is there and one that is not (index worklist_cases_case) */
    return db_exec(
        db,
        "INSERT INTO worklist_cases (jobcenter_id, case_manager_id, case_id, client_id,"
        " first_name, last_name, customer_number, first_due, items)"
        " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        " ON CONFLICT (case_id) DO UPDATE SET case_manager_id = excluded.case_manager_id,"
        " client_id = excluded.client_id, first_name = excluded.first_name,"
        " last_name = excluded.last_name, customer_number = excluded.customer_number,"
        " first_due = excluded.first_due, items = excluded.items"
        " WHERE worklist_cases.jobcenter_id = excluded.jobcenter_id",
        p);
}

static const char *const worklist_columns[] = {
    "jobcenter_id", "case_manager_id", "case_id",   "client_id", "first_name",
    "last_name",    "customer_number", "first_due", "items",     NULL
};
static const struct db_table worklist_table = { "worklist_cases", worklist_columns };

enum db_status
db_worklist_load(struct db *db, const struct wl_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->jobcenter_id),    DB_TEXT(r->case_manager_id),
                                  DB_TEXT(r->case_id),         DB_TEXT(r->client_id),
                                  DB_TEXT(r->first_name),      DB_TEXT(r->last_name),
                                  DB_TEXT(r->customer_number), DB_TEXT(r->first_due),
                                  DB_TEXT(r->items),           DB_PARAM_END };
    return db_load(db, &worklist_table, p);
}

enum db_status
db_worklist_delete(struct db *db, const char *jobcenter_id, const char *case_id)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    return db_exec(db, "DELETE FROM worklist_cases WHERE case_id = $2 AND jobcenter_id = $1", p);
}

#define WL_ROW_COLUMNS(r)                                                                          \
    DB_COL_STR(&(r)->jobcenter_id), DB_COL_STR(&(r)->case_manager_id), DB_COL_STR(&(r)->case_id),  \
        DB_COL_STR(&(r)->client_id), DB_COL_STR(&(r)->first_name), DB_COL_STR(&(r)->last_name),    \
        DB_COL_STR(&(r)->customer_number), DB_COL_STR(&(r)->first_due), DB_COL_STR(&(r)->items),   \
        DB_COL_END

enum db_status
db_worklist_rows(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                 const char *until_day, struct wl_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id),
                                  DB_TEXT(until_day), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->case_id),
                                   DB_COL_STR(&out->client_id),
                                   DB_COL_STR(&out->first_name),
                                   DB_COL_STR(&out->last_name),
                                   DB_COL_STR(&out->customer_number),
                                   DB_COL_STR(&out->items),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT case_id, client_id, first_name, last_name, customer_number, items"
                         " FROM worklist_cases WHERE jobcenter_id = $1 AND case_manager_id = $2"
                         " AND first_due <= $3",
                         p, c, row, user);
}

enum db_status
db_worklist_row(struct db *db, const char *jobcenter_id, const char *case_id, struct wl_row *out)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { WL_ROW_COLUMNS(out) };
    return db_query_one(db,
                        "SELECT jobcenter_id, case_manager_id, case_id, client_id, first_name,"
                        " last_name, customer_number, first_due, items FROM worklist_cases"
                        " WHERE case_id = $2 AND jobcenter_id = $1",
                        p, c);
}

enum db_status
db_worklist_clear(struct db *db)
{
    return db_exec(db, "DELETE FROM worklist_cases", NULL);
}

enum db_status
db_worklist_stale(struct db *db, char **jobcenter_id, char **case_id, bool (*row)(void *),
                  void *user)
{
    const struct db_column c[] = { DB_COL_STR(jobcenter_id), DB_COL_STR(case_id), DB_COL_END };
    return db_query_each(db,
                         "SELECT w.jobcenter_id, w.case_id FROM worklist_cases w"
                         " LEFT JOIN cases k ON k.id = w.case_id"
                         " AND k.jobcenter_id = w.jobcenter_id"
                         " AND k.status IN ('referred', 'active')"
                         " AND k.case_manager_id IS NOT NULL"
                         " WHERE k.id IS NULL ORDER BY w.case_id",
                         NULL, c, row, user);
}

enum db_status
db_worklist_client_cases(struct db *db, const char *jobcenter_id, const char *client_id, char **id,
                         bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(client_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_END };
    return db_query_each(db,
                         "SELECT id FROM cases WHERE jobcenter_id = $1 AND client_id = $2"
                         " AND status <> 'closed' ORDER BY id", /* index cases_one_open */
                         p, c, row, user);
}
