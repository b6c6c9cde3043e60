/*
 * core/caseref.h — for the services of a case's content (notes, plans,
 * appointments …): find the case, check the access policy, and refuse
 * changes to a case that is not active. Inside core/ only: it hands out the
 * store's row.
 */
#ifndef LOTSE_CORE_CASEREF_H
#define LOTSE_CORE_CASEREF_H

#include "core/access.h"
#include "core/core.h"
#include "store/queries.h"
#include "util/date.h"

/* A case as a service found it, and the ground it may act on. */
struct case_ref {
    struct case_row row;       /* strings in the request's arena */
    struct access_grant grant; /* grant.purpose is what the audit entry records */
    struct date today;         /* Europe/Berlin, at the request's time */
};
/* Load case ID of the actor's Jobcenter and check ACTION (deputies
 * included): CORE_OK with REF filled, else the refusal (404/403) in PB. */
enum core_result case_open(struct core_ctx *ctx, const char *id, enum case_action action,
                           struct case_ref *ref, struct problem *pb);
/* Content may be added only to an active case: 409 case_closed for a closed
 * one, 409 case_not_active before the client's consent. */
enum core_result case_require_active(const struct case_ref *ref, struct problem *pb);
/* After a contact with the client was recorded or corrected (a note, an
 * appointment's attendance): the case's count of failed contacts since the
 * client was last reached, and the day they were last reached, are counted
 * afresh from the notes and appointments. REACHED and ON are what the caller
 * recorded (kept for the callers' clarity; the count reads the store). In a
 * write job. */
enum core_result case_record_contact(struct core_ctx *ctx, const struct case_ref *ref, bool reached,
                                     struct date on);

/* The full view of a case (GET /cases/{id}). */
json_t *case_view(const struct case_row *k);
/* What a team lead or the referring placement officer sees: no name, no content. */
json_t *case_status_view(const struct case_row *k);

#endif
