/*
 * store/assessments.h — queries of the case's assessment (Potenzialanalyse):
 * versions (assessments) and their five areas (assessment_areas); included
 * by queries.h (see there). A version is written once and never changed;
 * the current one is the highest version number of the case. The areas'
 * table has no tenant column of its own: every query on it joins the
 * version and names the Jobcenter there.
 */
#ifndef LOTSE_STORE_ASSESSMENTS_H
#define LOTSE_STORE_ASSESSMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

struct assessment_row {
    char *id, *jobcenter_id, *case_id, *profile, *profile_derived, *sensitive_notes, *created_by,
        *created_by_name;
    int64_t version, created_at;
};

struct assessment_area_row {
    char *area, *strengths, *needs, *severity, *topics;
    int64_t sensitive;
};

/* The next version number of CASE_ID (1 when it has none). */
enum db_status db_assessment_next_version(struct db *db, const char *jobcenter_id,
                                          const char *case_id, int64_t *version);
/* Insert version A (all its columns but created_by_name). */
enum db_status db_assessment_insert(struct db *db, const struct assessment_row *a);
/* Insert area R of version ASSESSMENT_ID; DB_NO_ROWS with db_changes() 0
 * when that version is not in the Jobcenter. */
enum db_status db_assessment_area_insert(struct db *db, const char *jobcenter_id,
                                         const char *assessment_id,
                                         const struct assessment_area_row *r);
/* Version VERSION of CASE_ID, or the current one when VERSION is 0; with
 * the author's display name. */
enum db_status db_assessment_get(struct db *db, const char *jobcenter_id, const char *case_id,
                                 int64_t version, struct assessment_row *out);
/* The areas of version ASSESSMENT_ID, one ROW(USER) per area (any order). */
enum db_status db_assessment_areas(struct db *db, const char *jobcenter_id,
                                   const char *assessment_id, struct assessment_area_row *out,
                                   bool (*row)(void *), void *user);
/* The versions of CASE_ID, newest first (no sensitive notes). */
enum db_status db_assessment_versions(struct db *db, const char *jobcenter_id, const char *case_id,
                                      struct assessment_row *out, bool (*row)(void *), void *user);

#endif
