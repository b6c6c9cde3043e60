/*
 * core/access.h — the access policy: may this actor do this to this case,
 * and on what ground. Every service that touches personal data asks here
 * first; the answer's purpose is what the audit entry records. Pure
 * functions over facts the caller loaded: no SQL, no HTTP, so the whole
 * role × relation matrix is unit-tested.
 */
#ifndef LOTSE_CORE_ACCESS_H
#define LOTSE_CORE_ACCESS_H

#include <stdbool.h>

#include "core/core.h"

enum access_decision {
    ACCESS_ALLOW = 0,
    ACCESS_DENY,   /* 403: the case exists in the caller's Jobcenter */
    ACCESS_HIDDEN, /* 404: another Jobcenter's, or none */
};

enum case_action {
    CASE_READ,        /* the case with the client's name and its content */
    CASE_WRITE,       /* change the case or its content */
    CASE_READ_STATUS, /* status, dates, case manager: no name, no content */
};

/* The facts about a case that the policy needs. */
struct case_facts {
    const char *jobcenter_id;
    const char *case_manager_id;   /* may be NULL or "" */
    const char *case_manager_team; /* team of the assigned case manager; may be NULL */
    const char *referred_by;       /* may be NULL */
    bool deputy;                   /* the actor deputises for the assigned case manager today */
};

struct access_grant {
    enum access_decision decision;
    const char *purpose;       /* PURPOSE_* when allowed */
    bool break_glass_possible; /* when denied: the role may ask for break-glass */
};

struct access_grant access_case(const struct actor *a, const struct case_facts *c,
                                enum case_action action);

/* The relation of A to the case, for tests and the DPO's reports:
 * "own", "deputy", "same_team", "same_jobcenter", "other_jobcenter". */
const char *access_relation(const struct actor *a, const struct case_facts *c);

/* Turn a refusal into a problem (403 with break_glass_possible, or 404). */
enum core_result access_refuse(const struct access_grant *g, struct problem *pb);

#endif
