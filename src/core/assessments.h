/*
 * core/assessments.h — the assessment (Potenzialanalyse) of a case: per key
 * area the client's strengths first, then the needs for action and their
 * severity; the resulting profile group (Profillage); sensitive notes kept
 * apart. Every save is a new version; nothing is changed in place, so two
 * versions can be compared field by field.
 *
 * Special categories (GDPR Art. 9): the texts of the capacity area (health,
 * addiction) and the sensitive notes are withheld from every answer unless
 * the caller asks for them explicitly; the one audit entry of such a request
 * says so in its detail. The capacity area's severity is not withheld: the
 * profile group depends on it.
 *
 * Profile derivation (domain rules section 3; the definitions are UNCERTAIN,
 * POLICY, and the profile is optional: a given one overrides the derived one,
 * and both are stored). A "relevant need" is a severity of medium or high;
 * none and low are not relevant. labour_market never enters the derivation.
 * Among qualification, capacity, motivation and framework, let R be the areas
 * with a relevant need:
 *   - R empty                                   -> MP (market profile)
 *   - R = { motivation }                        -> AP (activation profile)
 *   - R = one area of qualification, capacity,
 *     framework (and nothing else)              -> FP (support profile)
 *   - R has two or more areas (motivation counts
 *     as one of them): a complex profile by the
 *     main need, the highest severity among
 *     qualification, capacity and framework,
 *     ties broken in that order                 -> EP (qualification),
 *                                                  SP (capacity), UP (framework)
 */
#ifndef LOTSE_CORE_ASSESSMENTS_H
#define LOTSE_CORE_ASSESSMENTS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"

/* The key areas, in the order the page shows them and the store keeps them. */
enum assessment_area {
    AREA_QUALIFICATION = 0,
    AREA_CAPACITY,
    AREA_MOTIVATION,
    AREA_FRAMEWORK,
    AREA_LABOUR_MARKET,
    ASSESSMENT_AREAS
};

/* NULL-terminated lists of the codes the API accepts. */
extern const char *const assessment_area_names[];  /* qualification … labour_market */
extern const char *const assessment_severities[];  /* none low medium high */
extern const char *const assessment_profiles[];    /* MP AP FP EP SP UP */
extern const char *const assessment_topic_codes[]; /* childcare care housing debts mobility
                                                      legal_status language family */

#define ASSESSMENT_TEXT_MAX  5000  /* strengths, needs: characters */
#define ASSESSMENT_NOTES_MAX 10000 /* sensitive notes: characters */

/* One area of one version. Strings are never NULL ("" when empty). */
struct assessment_area_data {
    const char *strengths, *needs;
    const char *severity; /* one of assessment_severities */
    unsigned topics;      /* bit i: assessment_topic_codes[i]; framework only */
};

/* One version (or the input of a new one). */
struct assessment_data {
    int64_t version;
    const char *profile;         /* NULL: none (input: derive) */
    const char *profile_derived; /* NULL in input */
    const char *sensitive_notes; /* "" when none */
    struct assessment_area_data areas[ASSESSMENT_AREAS];
};

/* The input of PUT /cases/{id}/assessment. */
struct assessment_input {
    struct assessment_data data;
    /* The form did not load the sensitive parts (they were withheld): carry
     * the capacity texts and the sensitive notes over from the current
     * version instead of taking them from DATA. Set by the pages only. */
    bool keep_sensitive;
    /* The body left these special-category parts out: keep them (an API
     * client that did not read them cannot wipe them; "" clears one). */
    bool keep_notes, keep_capacity_strengths, keep_capacity_needs;
    /* The version the update was based on (base_version; -1 when not given):
     * 409 assessment_changed when it is not the current one. */
    int64_t base_version;
};

/* Read the body {areas:[{area,strengths?,needs?,severity,topics?}],profile?,
 * sensitive_notes?} into IN (strings borrowed from BODY). Areas that are
 * absent count as severity none with empty texts. CORE_BAD_REQUEST (not an
 * object, unknown field) or CORE_INVALID with every bad field in PB, paths
 * like "areas[2].severity"; CORE_OK otherwise. */
enum core_result assessments_read_input(const json_t *body, struct assessment_input *in,
                                        struct arena *arena, struct problem *pb);

/* 0 none, 1 low, 2 medium, 3 high; -1 for anything else (NULL too). */
int assessment_severity_rank(const char *severity);
/* The profile group for SEVERITY (per area in enum order; NULL = none),
 * by the rule above. Never NULL. */
const char *assessment_derive_profile(const char *const severity[ASSESSMENT_AREAS]);
/* "childcare,housing" for a topic set, in list order (arena). */
const char *assessment_topics_text(struct arena *arena, unsigned topics);
/* The topic set of such a text; unknown codes are ignored. */
unsigned assessment_topics_parse(const char *text);
/* Is the area's text a special category (capacity)? */
bool assessment_area_sensitive(int area);

/* Every field that differs between FROM and TO, as a JSON array (new
 * reference) of {area, field, before, after}: per area severity, strengths,
 * needs, topics (arrays of codes); for the whole assessment (area null)
 * profile, profile_derived and sensitive_notes. Sensitive fields (capacity
 * texts, sensitive notes) carry their content only when SENSITIVE; otherwise
 * they are listed with before and after null and "sensitive": true. */
json_t *assessment_diff(const struct assessment_data *from, const struct assessment_data *to,
                        bool sensitive);

/* ---- services: each opens the case (access policy) and records exactly one
 * audit entry ---- */

/* A new version (write job). Only on an active case. Sets the case's
 * profile. *VIEW is the version as GET shows it without sensitive content.
 * Errors PB already holds (from assessments_read_input) are answered as one
 * 422 once the case is found and active. Audit "assessment.update". */
enum core_result assessments_put(struct core_ctx *ctx, const char *case_id,
                                 const struct assessment_input *in, json_t **view,
                                 struct problem *pb);

/* Version VERSION (0: the current one) as {id, case_id, version, profile,
 * profile_derived, areas:[{area, strengths, needs, severity, topics,
 * sensitive}], sensitive_notes, has_sensitive_notes, has_sensitive_content,
 * sensitive_included, created_by, created_by_name, created_at}. Sensitive
 * texts are null unless SENSITIVE. 404 "No assessment yet." / "No such
 * version.". Audit "assessment.read" (detail names the version and whether
 * sensitive content was shown). */
enum core_result assessments_get(struct core_ctx *ctx, const char *case_id, int64_t version,
                                 bool sensitive, json_t **view, struct problem *pb);

/* {items:[{version, profile, created_by, created_by_name, created_at}],
 * next_cursor:null}, newest first. Audit "assessment.list". */
enum core_result assessments_versions(struct core_ctx *ctx, const char *case_id, json_t **view,
                                      struct problem *pb);

/* {from, to, changes:[…]} (see assessment_diff). 404 when a version does not
 * exist. Audit "assessment.diff". */
enum core_result assessments_diff(struct core_ctx *ctx, const char *case_id, int64_t from,
                                  int64_t to, bool sensitive, json_t **view, struct problem *pb);

/* What a page needs in one read: {case:{id, status, client:{first_name,
 * last_name, customer_number}}, assessment: the view of assessments_get or
 * null, versions: as assessments_versions' items, sensitive_exists}. PURPOSE
 * is "view" or "edit" (for the audit detail). With DIFF_FROM and DIFF_TO
 * (both > 0) it also has "diff" as assessments_diff and audits
 * "assessment.diff"; otherwise "assessment.read". One audit entry. */
struct assessment_page_query {
    int64_t version; /* 0: current */
    bool sensitive;
    const char *purpose; /* "view" or "edit" */
    int64_t diff_from, diff_to;
};
enum core_result assessments_page(struct core_ctx *ctx, const char *case_id,
                                  const struct assessment_page_query *q, json_t **view,
                                  struct problem *pb);

#endif
