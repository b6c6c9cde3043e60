/* store/assessments.c — see store/assessments.h. */
#include "store/queries.h"

enum db_status
db_assessment_next_version(struct db *db, const char *jobcenter_id, const char *case_id,
                           int64_t *version)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(version), DB_COL_END };
    return db_query_one(db,
                        "SELECT COALESCE(MAX(version), 0) + 1 FROM assessments"
                        " WHERE case_id = $1 AND jobcenter_id = $2",
                        p, c);
}

enum db_status
db_assessment_insert(struct db *db, const struct assessment_row *a)
{
    const struct db_param p[] = { DB_TEXT(a->id),
                                  DB_TEXT(a->jobcenter_id),
                                  DB_TEXT(a->case_id),
                                  DB_INT64(a->version),
                                  DB_TEXT(a->profile),
                                  DB_TEXT(a->profile_derived),
                                  DB_TEXT(a->sensitive_notes),
                                  DB_TEXT(a->created_by),
                                  DB_INT64(a->created_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO assessments (id, jobcenter_id, case_id, version, profile,"
                   " profile_derived, sensitive_notes, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                   p);
}

enum db_status
db_assessment_area_insert(struct db *db, const char *jobcenter_id, const char *assessment_id,
                          const struct assessment_area_row *r)
{
    const struct db_param p[] = {
        DB_TEXT(assessment_id), DB_TEXT(jobcenter_id),  DB_TEXT(r->area),
        DB_TEXT(r->strengths),  DB_TEXT(r->needs),      DB_TEXT(r->severity),
        DB_TEXT(r->topics),     DB_INT64(r->sensitive), DB_PARAM_END
    };
    return db_exec(db,
                   "INSERT INTO assessment_areas (assessment_id, area, strengths, needs, severity,"
                   " topics, sensitive)"
                   " SELECT a.id, $3, $4, $5, $6, $7, $8 FROM assessments a"
                   " WHERE a.id = $1 AND a.jobcenter_id = $2",
                   p);
}

#define ASSESSMENT_COLS(o)                                                                         \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->case_id),               \
        DB_COL_INT64(&(o)->version), DB_COL_STR(&(o)->profile), DB_COL_STR(&(o)->profile_derived), \
        DB_COL_STR(&(o)->sensitive_notes), DB_COL_STR(&(o)->created_by),                           \
        DB_COL_INT64(&(o)->created_at), DB_COL_STR(&(o)->created_by_name)

enum db_status
db_assessment_get(struct db *db, const char *jobcenter_id, const char *case_id, int64_t version,
                  struct assessment_row *out)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_INT64(version),
                                  DB_PARAM_END };
    const struct db_column c[] = { ASSESSMENT_COLS(out), DB_COL_END };
    return db_query_one(db,
                        "SELECT a.id, a.jobcenter_id, a.case_id, a.version, a.profile,"
                        " a.profile_derived, a.sensitive_notes, a.created_by, a.created_at,"
                        " u.display_name"
                        " FROM assessments a LEFT JOIN users u ON u.id = a.created_by"
                        " WHERE a.case_id = $1 AND a.jobcenter_id = $2"
                        " AND ($3 = 0 OR a.version = $3)"
                        " ORDER BY a.version DESC LIMIT 1",
                        p, c);
}

enum db_status
db_assessment_areas(struct db *db, const char *jobcenter_id, const char *assessment_id,
                    struct assessment_area_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(assessment_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->area),
                                   DB_COL_STR(&out->strengths),
                                   DB_COL_STR(&out->needs),
                                   DB_COL_STR(&out->severity),
                                   DB_COL_STR(&out->topics),
                                   DB_COL_INT64(&out->sensitive),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT r.area, r.strengths, r.needs, r.severity, r.topics, r.sensitive"
                         " FROM assessment_areas r JOIN assessments a ON a.id = r.assessment_id"
                         " WHERE r.assessment_id = $1 AND a.jobcenter_id = $2",
                         p, c, row, user);
}

enum db_status
db_assessment_versions(struct db *db, const char *jobcenter_id, const char *case_id,
                       struct assessment_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id),
                                   DB_COL_INT64(&out->version),
                                   DB_COL_STR(&out->profile),
                                   DB_COL_STR(&out->profile_derived),
                                   DB_COL_STR(&out->created_by),
                                   DB_COL_INT64(&out->created_at),
                                   DB_COL_STR(&out->created_by_name),
                                   DB_COL_END };
    return db_query_each(db,
                         "SELECT a.id, a.version, a.profile, a.profile_derived, a.created_by,"
                         " a.created_at, u.display_name"
                         " FROM assessments a LEFT JOIN users u ON u.id = a.created_by"
                         " WHERE a.case_id = $1 AND a.jobcenter_id = $2"
                         " ORDER BY a.version DESC",
                         p, c, row, user);
}
