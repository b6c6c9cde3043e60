/*
 * core/deadlines.h — every deadline and limit of a case, in one place:
 * the continuation review (Fortführungsprüfung), the cooperation plan's
 * review, the two-year limit, aftercare, and when a client counts as not
 * reached. All are calendar dates in Europe/Berlin counted with
 * date_add_months() (31 Aug + 6 months = 28/29 Feb).
 *
 * Each rule carries its mark from the domain rules: LAW and LAW? rules are
 * built in; POLICY and UNCERTAIN rules are local and a Jobcenter may set
 * them (table jobcenter_rules), within the bounds given here.
 */
#ifndef LOTSE_CORE_DEADLINES_H
#define LOTSE_CORE_DEADLINES_H

#include <stdbool.h>

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

enum rule_id {
    RULE_CONTINUATION_MONTHS, /* next continuation review: start or last review + n months */
    RULE_LIMIT_MONTHS,        /* maximum bFM duration: start + n months */
    RULE_PLAN_REVIEW_MONTHS,  /* plan review at the latest agreed_on + n months */
    RULE_AFTERCARE_MONTHS,    /* aftercare after a job start, up to n months */
    RULE_UNREACHED_AFTER,     /* failed contacts in a row after which a client is flagged */
    RULE_COUNT
};

struct rule_def {
    const char *key;   /* "continuation_months" … (API and table) */
    const char *mark;  /* "LAW", "LAW?", "POLICY", "UNCERTAIN" */
    const char *basis; /* the legal or local source */
    int def, min, max;
    bool local; /* a Jobcenter may set it */
};

extern const struct rule_def rule_defs[RULE_COUNT];

/* The rules in force for one Jobcenter. */
struct rules {
    int v[RULE_COUNT];
};

/* The defaults. */
void rules_default(struct rules *r);
/* The rules of JOBCENTER_ID: the defaults with the Jobcenter's own settings
 * of local rules over them. CORE_ERROR when the store fails. */
enum core_result rules_load(struct db *db, const char *jobcenter_id, struct rules *r);
/* The rule called KEY, or RULE_COUNT. */
enum rule_id rule_by_key(const char *key);

/* Today in Europe/Berlin at CTX's request time. */
struct date deadline_today(const struct core_ctx *ctx);

/* The first continuation review after the case started on STARTED_ON, and
 * the one after a review held on REVIEWED_ON. */
struct date deadline_first_review(const struct rules *r, struct date started_on);
struct date deadline_next_review(const struct rules *r, struct date reviewed_on);
/* The day the maximum duration is reached. */
struct date deadline_limit(const struct rules *r, struct date started_on);
/* The latest day the plan agreed (or last reviewed) on AGREED_ON must be
 * reviewed; an earlier review_due is allowed. */
struct date deadline_plan_review(const struct rules *r, struct date agreed_on);
/* The last day of aftercare after a job started on START. */
struct date deadline_aftercare_end(const struct rules *r, struct date start);
/* Is a client with FAILED_CONTACTS failed attempts in a row not reached? */
bool deadline_unreached(const struct rules *r, int failed_contacts);
/* Has a case whose limit is LIMIT reached it on TODAY? */
bool deadline_limit_reached(struct date limit, struct date today);

/* GET /rules/deadlines: every rule with its value, default, mark and basis. */
json_t *rules_view(const struct rules *r);
enum core_result rules_get(struct core_ctx *ctx, json_t **view, struct problem *pb);

/* PUT /rules/deadlines/{key}: an admin sets a local rule of their Jobcenter
 * (409 rule_is_law for built-in rules; 422 outside its bounds). A write job. */
struct rule_value_input {
    double value;
};
extern const struct field rule_value_fields[];
enum core_result rules_set(struct core_ctx *ctx, const char *key, const struct rule_value_input *in,
                           json_t **view, struct problem *pb);

#endif
