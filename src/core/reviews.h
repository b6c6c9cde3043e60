/*
 * core/reviews.h — the end of the case's cycle: continuation reviews
 * (Fortführungsprüfung), integrations into work (for the integration rate)
 * and closure with a reason code. A closed case is read-only; opening a
 * case for the same client later makes a new case linked to the old one
 * (cases_create).
 */
#ifndef LOTSE_CORE_REVIEWS_H
#define LOTSE_CORE_REVIEWS_H

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

struct review_input {
    struct date date;
    const char *decision; /* continue | close */
    const char *justification;
};
extern const struct field review_fields[];

struct integration_input {
    struct date date;
    const char *kind; /* employment | apprenticeship | self_employment */
    const char
        *subsidy; /* none (default) | integration_subsidy | start_up_grant | sgb2_16e | sgb2_16i */
};
extern const struct field integration_fields[];

struct close_input {
    struct date date;
    const char *reason; /* a closure code of the domain rules */
    const char *justification;
    struct integration_input integration; /* optional: date DATE_NONE when absent */
};
extern const struct field close_fields[];

/* The closure codes, in the order forms offer them. */
extern const char *const closure_reasons[];
/* Does closing with REASON need a justification / an integration record? */
bool closure_needs_justification(const char *reason);
/* The integration kind REASON stands for, or NULL. */
const char *closure_integration_kind(const char *reason);
/* Does an integration of KIND with SUBSIDY count for the integration rate?
 * (§ 16i and work opportunities do not.) */
bool integration_counts(const char *kind, const char *subsidy);

/* Write jobs; each collects its rule errors into PB beside the format errors. */
enum core_result reviews_create(struct core_ctx *ctx, const char *case_id,
                                const struct review_input *in, json_t **view, struct problem *pb);
enum core_result integrations_create(struct core_ctx *ctx, const char *case_id,
                                     const struct integration_input *in, json_t **view,
                                     struct problem *pb);
enum core_result cases_close(struct core_ctx *ctx, const char *case_id,
                             const struct close_input *in, json_t **view, struct problem *pb);

/* Reads: the case's reviews and integrations, newest first ({items}). */
enum core_result reviews_list(struct core_ctx *ctx, const char *case_id, json_t **view,
                              struct problem *pb);

/* What the review form (FOR_CLOSURE: the closure form) starts from: the
 * case's facts for the decision (dates, limit, open and overdue steps,
 * contacts, last review). Refused, without reading, where the form would be
 * refused: a review needs an active case, a closure a case not yet closed. */
enum core_result reviews_prepare(struct core_ctx *ctx, const char *case_id, bool for_closure,
                                 json_t **view, struct problem *pb);

#endif
