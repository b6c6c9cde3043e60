/*
 * core/cases.h — bFM cases: referral or opening, activation with the
 * client's consent, reading and listing within the access policy, and the
 * caseload cap (75 open cases per full-time case manager by default).
 */
#ifndef LOTSE_CORE_CASES_H
#define LOTSE_CORE_CASES_H

#include <stdint.h>

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

struct case_input {
    const char *client_id;
    const char *referral_source;
    struct date referral_date;
    const char *referral_reason;
    const char *case_manager_id;
    struct date consent_date;
    const char *override_reason;
};
extern const struct field case_fields[];

struct activate_input {
    struct date consent_date;
};
extern const struct field activate_fields[];

/* The cap of a case manager with FTE_MILLI (1000 = full time). */
int64_t cases_cap(unsigned per_fte, int64_t fte_milli);

/* The date rules of a new case (referral not in the future nor before
 * 2005, consent between referral and today), added to PB; fields that
 * failed their format check (DATE_NONE) are skipped. */
void cases_check_dates(struct core_ctx *ctx, const struct case_input *in, struct problem *pb);

/* Write jobs. Each first adds its rule errors to those PB may already hold
 * from the format check, and answers CORE_INVALID with all of them. */
enum core_result cases_create(struct core_ctx *ctx, const struct case_input *in, json_t **view,
                              struct problem *pb);
enum core_result cases_activate(struct core_ctx *ctx, const char *id,
                                const struct activate_input *in, json_t **view, struct problem *pb);
/* A closed case's client comes back: a new case for the same client (the
 * referral from IN, client_id taken from the closed case), linked to the
 * newest closed one. */
enum core_result cases_reopen(struct core_ctx *ctx, const char *closed_id, struct case_input *in,
                              json_t **view, struct problem *pb);
/* Reads. */
enum core_result cases_get(struct core_ctx *ctx, const char *id, json_t **view, struct problem *pb);

struct case_list_query {
    const char *assigned_to; /* NULL, "me" or a user id */
    const char *status;      /* NULL or referred|active|closed */
    const char *cursor;
    int limit;
};
enum core_result cases_list(struct core_ctx *ctx, const struct case_list_query *q, json_t **view,
                            struct problem *pb);

#endif
