/* store/timeline.c — a case's events from every table in one ordered list;
 * see queries.h. Columns per kind:
 *   note:        a channel, b kind, c text (first 300 characters, NULL when
 *                sensitive), n version, flag sensitive
 *   appointment: a channel, b attendance, c topics, n minutes, flag legal notice
 *   plan:        a agreed_on, b review_due, c review_outcome, n version, flag goals
 *   assessment:  a profile, n version
 *   review:      a decision, b next_review_due, c justification, flag beyond limit
 *   transfer:    a from (name), b to (name), c reason
 *   integration: a kind, b subsidy, c start date
 *   case:        a "referred" (b source) or "closed" (b reason, c justification)
 * Each branch uses an index on case_id. */
#include "store/queries.h"

enum db_status
db_timeline(struct db *db, const char *jobcenter_id, const char *case_id, const char *kind,
            int64_t limit, struct timeline_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_TEXT(kind),
                                  DB_INT64(limit), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&out->at),
                                   DB_COL_STR(&out->kind),
                                   DB_COL_STR(&out->id),
                                   DB_COL_STR(&out->day),
                                   DB_COL_STR(&out->a),
                                   DB_COL_STR(&out->b),
                                   DB_COL_STR(&out->c),
                                   DB_COL_INT64(&out->n),
                                   DB_COL_INT64(&out->flag),
                                   DB_COL_STR(&out->by_name),
                                   DB_COL_END };
    return db_query_each(
        db,
        "SELECT * FROM ("
        " SELECT n.at AS at, 'note' AS kind, n.id, NULL AS day, v.channel AS a, v.kind AS b,"
        "  CASE WHEN v.sensitive = 1 THEN NULL ELSE substr(v.text, 1, 300) END AS c,"
        "  n.version AS n, v.sensitive AS flag, u.display_name AS by_name"
        "  FROM notes n JOIN note_versions v ON v.note_id = n.id AND v.version = n.version"
        "  LEFT JOIN users u ON u.id = n.created_by"
        "  WHERE n.jobcenter_id = $1 AND n.case_id = $2 AND ($3 IS NULL OR $3 = 'note')"
        " UNION ALL"
        " SELECT a.start_at, 'appointment', a.id, NULL, a.channel, a.attendance, a.topics,"
        "  a.minutes, a.legal_notice, u.display_name"
        "  FROM appointments a LEFT JOIN users u ON u.id = a.created_by"
        "  WHERE a.jobcenter_id = $1 AND a.case_id = $2 AND ($3 IS NULL OR $3 = 'appointment')"
        " UNION ALL"
        " SELECT p.created_at, 'plan', p.id, p.agreed_on, p.agreed_on, p.review_due,"
        "  p.review_outcome, p.version,"
        "  (SELECT count(*) FROM plan_goals g WHERE g.plan_id = p.id), u.display_name"
        "  FROM plans p LEFT JOIN users u ON u.id = p.created_by"
        "  WHERE p.jobcenter_id = $1 AND p.case_id = $2 AND ($3 IS NULL OR $3 = 'plan')"
        " UNION ALL"
        " SELECT s.created_at, 'assessment', s.id, NULL, s.profile, NULL, NULL, s.version, 0,"
        "  u.display_name"
        "  FROM assessments s LEFT JOIN users u ON u.id = s.created_by"
        "  WHERE s.jobcenter_id = $1 AND s.case_id = $2 AND ($3 IS NULL OR $3 = 'assessment')"
        " UNION ALL"
        " SELECT r.created_at, 'review', r.id, r.review_date, r.decision, r.next_review_due,"
        "  substr(r.justification, 1, 300), 0, r.beyond_limit, u.display_name"
        "  FROM case_reviews r LEFT JOIN users u ON u.id = r.created_by"
        "  WHERE r.jobcenter_id = $1 AND r.case_id = $2 AND ($3 IS NULL OR $3 = 'review')"
        " UNION ALL"
        " SELECT t.created_at, 'transfer', t.id, NULL, f.display_name, o.display_name,"
        "  t.reason, 0, 0, u.display_name"
        "  FROM case_transfers t LEFT JOIN users f ON f.id = t.from_user_id"
        "  LEFT JOIN users o ON o.id = t.to_user_id LEFT JOIN users u ON u.id = t.created_by"
        "  WHERE t.jobcenter_id = $1 AND t.case_id = $2 AND ($3 IS NULL OR $3 = 'transfer')"
        " UNION ALL"
        " SELECT k.created_at, 'case', k.id, k.referral_date, 'referred', k.referral_source,"
        "  NULL, 0, 0, u.display_name"
        "  FROM cases k LEFT JOIN users u ON u.id = k.referred_by"
        "  WHERE k.jobcenter_id = $1 AND k.id = $2 AND ($3 IS NULL OR $3 = 'case')"
        " UNION ALL"
        " SELECT k.updated_at, 'case', k.id, k.closed_on, 'closed', k.closure_reason,"
        "  k.closure_justification, 0, 0, NULL"
        "  FROM cases k WHERE k.jobcenter_id = $1 AND k.id = $2 AND k.status = 'closed'"
        "  AND ($3 IS NULL OR $3 = 'case')"
        " UNION ALL"
        " SELECT i.created_at, 'integration', i.id, i.start_date, i.kind, i.subsidy,"
        "  i.start_date, 0, 0, u.display_name"
        "  FROM integrations i LEFT JOIN users u ON u.id = i.created_by"
        "  WHERE i.jobcenter_id = $1 AND i.case_id = $2 AND ($3 IS NULL OR $3 = 'integration')"
        ") AS events ORDER BY at DESC, id DESC LIMIT $4",
        p, c, row, user);
}

enum db_status
db_next_appointment(struct db *db, const char *jobcenter_id, const char *case_id, int64_t from_us,
                    char **id, int64_t *start_at)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_INT64(from_us),
                                  DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_INT64(start_at), DB_COL_END };
    return db_query_one(db,
                        "SELECT id, start_at FROM appointments WHERE jobcenter_id = $1"
                        " AND case_id = $2 AND start_at >= $3 AND attendance IS NULL"
                        " ORDER BY start_at LIMIT 1",
                        p, c);
}
