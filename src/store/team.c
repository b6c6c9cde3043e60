/* store/team.c — transfers, deputies and caseloads; see queries.h. */
#include "store/queries.h"

enum db_status
db_transfer_insert(struct db *db, const struct transfer_row *t)
{
    const struct db_param p[] = { DB_TEXT(t->id),
                                  DB_TEXT(t->jobcenter_id),
                                  DB_TEXT(t->case_id),
                                  DB_TEXT(t->from_user_id),
                                  DB_TEXT(t->to_user_id),
                                  DB_TEXT(t->reason),
                                  DB_TEXT(t->override_reason),
                                  DB_TEXT(t->created_by),
                                  DB_INT64(t->created_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO case_transfers (id, jobcenter_id, case_id, from_user_id,"
                   " to_user_id, reason, override_reason, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   p);
}

enum db_status
db_case_reassign(struct db *db, const char *jobcenter_id, const char *id, const char *to_user_id,
                 int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_TEXT(to_user_id),
                                  DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE cases SET case_manager_id = $3, updated_at = $4"
                   " WHERE id = $1 AND jobcenter_id = $2 AND status <> 'closed'",
                   p);
}

enum db_status
db_deputy_insert(struct db *db, const struct deputy_row *d)
{
    const struct db_param p[] = {
        DB_TEXT(d->id),         DB_TEXT(d->jobcenter_id), DB_TEXT(d->user_id),
        DB_TEXT(d->deputy_id),  DB_TEXT(d->from_date),    DB_TEXT(d->until_date),
        DB_TEXT(d->created_by), DB_INT64(d->created_at),  DB_PARAM_END
    };
    return db_exec(db,
                   "INSERT INTO deputies (id, jobcenter_id, user_id, deputy_id, from_date,"
                   " until_date, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                   p);
}

#define DEPUTY_COLS(o)                                                                             \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->user_id),               \
        DB_COL_STR(&(o)->deputy_id), DB_COL_STR(&(o)->from_date), DB_COL_STR(&(o)->until_date),    \
        DB_COL_STR(&(o)->created_by), DB_COL_INT64(&(o)->created_at),                              \
        DB_COL_INT64(&(o)->revoked_at), DB_COL_STR(&(o)->deputy_name), DB_COL_STR(&(o)->user_name)
#define DEPUTY_SELECT                                                                              \
    "SELECT d.id, d.jobcenter_id, d.user_id, d.deputy_id, d.from_date, d.until_date,"              \
    " d.created_by, d.created_at, d.revoked_at, v.display_name, u.display_name"                    \
    " FROM deputies d JOIN users v ON v.id = d.deputy_id JOIN users u ON u.id = d.user_id"

enum db_status
db_deputy_get(struct db *db, const char *jobcenter_id, const char *id, struct deputy_row *out)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(id), DB_PARAM_END };
    const struct db_column c[] = { DEPUTY_COLS(out), DB_COL_END };
    return db_query_one(db, DEPUTY_SELECT " WHERE d.jobcenter_id = $1 AND d.id = $2", p, c);
}

enum db_status
db_deputies_of_user(struct db *db, const char *jobcenter_id, const char *user_id, const char *day,
                    struct deputy_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(user_id), DB_TEXT(day),
                                  DB_PARAM_END };
    const struct db_column c[] = { DEPUTY_COLS(out), DB_COL_END };
    return db_query_each(db,
                         DEPUTY_SELECT " WHERE d.jobcenter_id = $1 AND d.user_id = $2"
                                       " AND d.until_date >= $3 AND d.revoked_at IS NULL"
                                       " ORDER BY d.from_date, d.id",
                         p, c, row, user);
}

enum db_status
db_deputy_revoke(struct db *db, const char *jobcenter_id, const char *id, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(id), DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE deputies SET revoked_at = $3 WHERE jobcenter_id = $1 AND id = $2"
                   " AND revoked_at IS NULL",
                   p);
}

enum db_status
db_caseloads(struct db *db, const char *jobcenter_id, const char *team_id, struct caseload_row *out,
             bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(team_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->user_id), DB_COL_STR(&out->display_name),
                                   DB_COL_STR(&out->team_id), DB_COL_INT64(&out->fte_milli),
                                   DB_COL_INT64(&out->open),  DB_COL_END };
    return db_query_each(db,
                         "SELECT u.id, u.display_name, u.team_id, u.fte_milli,"
                         " (SELECT count(*) FROM cases k WHERE k.jobcenter_id = $1"
                         "  AND k.case_manager_id = u.id AND k.status <> 'closed')"
                         " FROM users u WHERE u.jobcenter_id = $1 AND u.active = 1"
                         " AND (u.roles & 1) = 1 AND ($2 IS NULL OR u.team_id = $2)"
                         " ORDER BY u.display_name, u.id",
                         p, c, row, user);
}
