/* store/cases.c — bFM cases; see queries.h. */
#include "store/queries.h"

enum db_status
db_case_insert(struct db *db, const struct case_row *c)
{
    const struct db_param p[] = { DB_TEXT(c->id),
                                  DB_TEXT(c->jobcenter_id),
                                  DB_TEXT(c->client_id),
                                  DB_TEXT(c->case_manager_id),
                                  DB_TEXT(c->status),
                                  DB_TEXT(c->referral_source),
                                  DB_TEXT(c->referral_date),
                                  DB_TEXT(c->referral_reason),
                                  DB_TEXT(c->referred_by),
                                  DB_TEXT(c->consent_date),
                                  DB_TEXT(c->started_on),
                                  DB_TEXT(c->next_review_due),
                                  DB_TEXT(c->limit_date),
                                  DB_TEXT(c->override_reason),
                                  DB_INT64(c->created_at),
                                  DB_TEXT(c->closed_on),
                                  DB_TEXT(c->closure_reason),
                                  DB_TEXT(c->previous_case_id),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO cases (id, jobcenter_id, client_id, case_manager_id, status,"
                   " referral_source, referral_date, referral_reason, referred_by, consent_date,"
                   " started_on, next_review_due, limit_date, override_reason, created_at,"
                   " updated_at, closed_on, closure_reason, previous_case_id)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
                   " $15, $16, $17, $18)",
                   p);
}

#define CASE_COLS(o)                                                                               \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->client_id),             \
        DB_COL_STR(&(o)->case_manager_id), DB_COL_STR(&(o)->status),                               \
        DB_COL_STR(&(o)->referral_source), DB_COL_STR(&(o)->referral_date),                        \
        DB_COL_STR(&(o)->referral_reason), DB_COL_STR(&(o)->referred_by),                          \
        DB_COL_STR(&(o)->consent_date), DB_COL_STR(&(o)->started_on),                              \
        DB_COL_STR(&(o)->next_review_due), DB_COL_STR(&(o)->plan_review_due),                      \
        DB_COL_STR(&(o)->limit_date), DB_COL_STR(&(o)->closed_on),                                 \
        DB_COL_STR(&(o)->closure_reason), DB_COL_STR(&(o)->profile),                               \
        DB_COL_STR(&(o)->override_reason), DB_COL_INT64(&(o)->created_at),                         \
        DB_COL_INT64(&(o)->updated_at), DB_COL_STR(&(o)->customer_number),                         \
        DB_COL_STR(&(o)->first_name), DB_COL_STR(&(o)->last_name),                                 \
        DB_COL_STR(&(o)->case_manager_team), DB_COL_STR(&(o)->case_manager_name),                  \
        DB_COL_STR(&(o)->sort_key), DB_COL_STR(&(o)->previous_case_id),                            \
        DB_COL_STR(&(o)->closure_justification), DB_COL_STR(&(o)->limit_justified_on),             \
        DB_COL_STR(&(o)->last_contact_on), DB_COL_INT64(&(o)->closure_due),                        \
        DB_COL_INT64(&(o)->failed_contacts)

/* Lists are ordered by what is due: open cases by their next review (referred
 * ones by their referral date), then closed cases by closing date. */
#define CASE_SORT_KEY                                                                              \
    "(CASE k.status WHEN 'closed' THEN '2' || COALESCE(k.closed_on, '')"                           \
    " ELSE '1' || COALESCE(k.next_review_due, k.referral_date) END)"

#define CASE_SELECT                                                                                \
    "SELECT k.id, k.jobcenter_id, k.client_id, k.case_manager_id, k.status,"                       \
    " k.referral_source, k.referral_date, k.referral_reason, k.referred_by, k.consent_date,"       \
    " k.started_on, k.next_review_due, k.plan_review_due, k.limit_date, k.closed_on,"              \
    " k.closure_reason, k.profile, k.override_reason, k.created_at, k.updated_at,"                 \
    " c.customer_number, c.first_name, c.last_name, u.team_id, u.display_name, " CASE_SORT_KEY     \
    ", k.previous_case_id, k.closure_justification, k.limit_justified_on, k.last_contact_on,"      \
    " k.closure_due, k.failed_contacts"                                                            \
    " FROM cases k JOIN clients c ON c.id = k.client_id"                                           \
    " LEFT JOIN users u ON u.id = k.case_manager_id"

enum db_status
db_case_get(struct db *db, const char *jobcenter_id, const char *id, struct case_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { CASE_COLS(out), DB_COL_END };
    return db_query_one(db, CASE_SELECT " WHERE k.id = $1 AND k.jobcenter_id = $2", p, c);
}

enum db_status
db_case_activate(struct db *db, const char *jobcenter_id, const char *id, const char *consent_date,
                 const char *next_review_due, const char *limit_date, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id),           DB_TEXT(jobcenter_id),
                                  DB_TEXT(consent_date), DB_TEXT(next_review_due),
                                  DB_TEXT(limit_date),   DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET status = 'active', consent_date = $3, started_on = $3,"
                   " next_review_due = $4, limit_date = $5, updated_at = $6"
                   " WHERE id = $1 AND jobcenter_id = $2 AND status = 'referred'",
                   p);
}

enum db_status
db_cases_of_client(struct db *db, const char *jobcenter_id, const char *client_id,
                   bool (*row)(void *), void *user, struct case_row *out)
{
    const struct db_param p[] = { DB_TEXT(client_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { CASE_COLS(out), DB_COL_END };
    return db_query_each(db,
                         CASE_SELECT " WHERE k.client_id = $1 AND k.jobcenter_id = $2"
                                     " ORDER BY k.created_at",
                         p, c, row, user);
}

enum db_status
db_case_open_exists(struct db *db, const char *jobcenter_id, const char *client_id)
{
    int64_t one = 0;
    const struct db_param p[] = { DB_TEXT(client_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&one), DB_COL_END };
    return db_query_one(db,
                        "SELECT 1 FROM cases WHERE client_id = $1 AND jobcenter_id = $2"
                        " AND status <> 'closed'",
                        p, c);
}

enum db_status
db_cases_list(struct db *db, const char *jobcenter_id, const struct case_filter *f,
              struct case_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(f->case_manager_id),
                                  DB_TEXT(f->team_id),   DB_TEXT(f->referred_by),
                                  DB_TEXT(f->status),    DB_TEXT(f->after_key ? f->after_key : ""),
                                  DB_INT64(f->limit),    DB_TEXT(f->after ? f->after : ""),
                                  DB_PARAM_END };
    const struct db_column c[] = { CASE_COLS(out), DB_COL_END };
    if (f->case_manager_id)
        return db_query_each(db,
                             CASE_SELECT " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
                                         " AND ($5 IS NULL OR k.status = $5)"
                                         " AND (" CASE_SORT_KEY ", k.id) > ($6, $8)"
                                         " ORDER BY " CASE_SORT_KEY ", k.id LIMIT $7",
                             p, c, row, user);
    if (f->team_id)
        return db_query_each(db,
                             CASE_SELECT " WHERE k.jobcenter_id = $1 AND u.team_id = $3"
                                         " AND ($5 IS NULL OR k.status = $5)"
                                         " AND (" CASE_SORT_KEY ", k.id) > ($6, $8)"
                                         " ORDER BY " CASE_SORT_KEY ", k.id LIMIT $7",
                             p, c, row, user);
    return db_query_each(db,
                         CASE_SELECT " WHERE k.jobcenter_id = $1 AND k.referred_by = $4"
                                     " AND ($5 IS NULL OR k.status = $5)"
                                     " AND (" CASE_SORT_KEY ", k.id) > ($6, $8)"
                                     " ORDER BY " CASE_SORT_KEY ", k.id LIMIT $7",
                         p, c, row, user);
}

enum db_status
db_caseload(struct db *db, const char *jobcenter_id, const char *user_id, int64_t *open)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(user_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(open), DB_COL_END };
    return db_query_one(db,
                        "SELECT count(*) FROM cases WHERE jobcenter_id = $1"
                        " AND case_manager_id = $2 AND status <> 'closed'",
                        p, c);
}

enum db_status
db_case_managers_load(struct db *db, const char *jobcenter_id, const char *team_id,
                      struct load_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(team_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->user_id), DB_COL_INT64(&out->fte_milli),
                                   DB_COL_INT64(&out->open), DB_COL_END };
    return db_query_each(
        db,
        "SELECT u.id, u.fte_milli,"
        " (SELECT count(*) FROM cases k WHERE k.jobcenter_id = $1"
        "  AND k.case_manager_id = u.id AND k.status <> 'closed') AS open"
        " FROM users u WHERE u.jobcenter_id = $1 AND u.active = 1 AND u.fte_milli > 0"
        " AND (u.roles & 1) = 1 AND ($2 IS NULL OR u.team_id = $2)"
        " ORDER BY (SELECT count(*) FROM cases k WHERE k.jobcenter_id = $1"
        "  AND k.case_manager_id = u.id AND k.status <> 'closed') * 1000 / u.fte_milli, u.id",
        p, c, row, user);
}

enum db_status
db_deputy_active(struct db *db, const char *jobcenter_id, const char *deputy_id,
                 const char *user_id, const char *day)
{
    int64_t one = 0;
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(deputy_id), DB_TEXT(user_id),
                                  DB_TEXT(day), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&one), DB_COL_END };
    return db_query_one(db,
                        "SELECT 1 FROM deputies WHERE jobcenter_id = $1 AND deputy_id = $2"
                        " AND user_id = $3 AND from_date <= $4 AND until_date >= $4"
                        " AND revoked_at IS NULL",
                        p, c);
}

enum db_status
db_case_contacts(struct db *db, const char *jobcenter_id, const char *id, int64_t *last_reached_at,
                 int64_t *failed)
{
    /* a note's at is its current version's (notes_correct keeps them equal), so both
       queries walk the indexes on (case_id, at) from the newest entry down and stop
       early, whatever the number of notes the case holds */
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(id), DB_PARAM_END };
    int64_t note = 0, appointment = 0;
    const struct db_column c[] = { DB_COL_INT64(&note), DB_COL_INT64(&appointment), DB_COL_END };
    enum db_status st =
        db_query_one(db,
                     "SELECT COALESCE((SELECT n.at FROM notes n JOIN note_versions v"
                     "  ON v.note_id = n.id AND v.version = n.version"
                     "  WHERE n.jobcenter_id = $1 AND n.case_id = $2 AND v.kind = 'consultation'"
                     "  ORDER BY n.at DESC LIMIT 1), 0),"
                     " COALESCE((SELECT start_at FROM appointments WHERE jobcenter_id = $1"
                     "  AND case_id = $2 AND attendance = 'attended'"
                     "  ORDER BY start_at DESC LIMIT 1), 0)",
                     p, c);
    if (st < 0)
        return st;
    *last_reached_at = note > appointment ? note : appointment;
    const struct db_param q[] = { DB_TEXT(jobcenter_id), DB_TEXT(id), DB_INT64(*last_reached_at),
                                  DB_PARAM_END };
    const struct db_column d[] = { DB_COL_INT64(failed), DB_COL_END };
    return db_query_one(db,
                        "SELECT (SELECT count(*) FROM notes n JOIN note_versions v"
                        "  ON v.note_id = n.id AND v.version = n.version"
                        "  WHERE n.jobcenter_id = $1 AND n.case_id = $2"
                        "  AND v.kind = 'contact_attempt' AND n.at > $3)"
                        " + (SELECT count(*) FROM appointments WHERE jobcenter_id = $1"
                        "  AND case_id = $2 AND attendance = 'missed' AND start_at > $3)",
                        q, d);
}

enum db_status
db_case_set_contacts(struct db *db, const char *jobcenter_id, const char *id, int64_t failed,
                     const char *last_contact_on, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id),      DB_TEXT(jobcenter_id),
                                  DB_INT64(failed), DB_TEXT(last_contact_on),
                                  DB_INT64(now),    DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET failed_contacts = $3, last_contact_on = $4, updated_at = $5"
                   " WHERE id = $1 AND jobcenter_id = $2",
                   p);
}

enum db_status
db_case_set_plan_review(struct db *db, const char *jobcenter_id, const char *id, const char *due,
                        int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_TEXT(due), DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET plan_review_due = $3, updated_at = $4"
                   " WHERE id = $1 AND jobcenter_id = $2",
                   p);
}

enum db_status
db_case_set_profile(struct db *db, const char *jobcenter_id, const char *id, const char *profile,
                    int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_TEXT(profile),
                                  DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET profile = $3, updated_at = $4"
                   " WHERE id = $1 AND jobcenter_id = $2",
                   p);
}
