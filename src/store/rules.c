/* store/rules.c — local rules a Jobcenter set; see queries.h. */
#include "store/queries.h"

enum db_status
db_rules_list(struct db *db, const char *jobcenter_id, struct rule_row *out, bool (*row)(void *),
              void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->rule), DB_COL_INT64(&out->value), DB_COL_END };
    return db_query_each(db,
                         "SELECT rule, value FROM jobcenter_rules WHERE jobcenter_id = $1"
                         " ORDER BY rule",
                         p, c, row, user);
}

enum db_status
db_rule_set(struct db *db, const char *jobcenter_id, const char *rule, int64_t value,
            const char *by, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(rule), DB_INT64(value),
                                  DB_TEXT(by),           DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO jobcenter_rules (jobcenter_id, rule, value, changed_by, changed_at)"
                   " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (jobcenter_id, rule)"
                   " DO UPDATE SET value = $3, changed_by = $4, changed_at = $5",
                   p);
}
