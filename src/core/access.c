/*
 * core/access.c — may this actor do this to this case, and why.
 * Every read or write of personal data asks access_case() first; the answer
 * carries the ground that the audit entry records. No SQL, no HTTP.
 *
 * Rules (data protection rules DP-1..DP-4):
 * - nothing crosses a Jobcenter: another Jobcenter's case is "not found";
 * - the assigned case manager reads and writes the case (own_case);
 * - so does a case manager recorded as their deputy, during the deputy
 *   period (deputy);
 * - a team lead sees status and dates of their team's cases, never content;
 * - a placement officer sees the status of the referrals they made;
 * - dpo, admin and analyst never see case content;
 * - case managers and team leads may ask for break-glass (a later step),
 *   which is why their refusal says so.
 * Break-glass grants come with their own step.
 */
#include "core/access.h"

#include <string.h>

#include "core/audit.h"

static bool
same(const char *a, const char *b)
{
    return a && b && a[0] && strcmp(a, b) == 0;
}

const char *
access_relation(const struct actor *a, const struct case_facts *c)
{
    if (!same(a->jobcenter_id, c->jobcenter_id))
        return "other_jobcenter";
    if (same(a->id, c->case_manager_id))
        return "own";
    if (c->deputy)
        return "deputy";
    if (same(a->team_id, c->case_manager_team))
        return "same_team";
    return "same_jobcenter";
}

struct access_grant
access_case(const struct actor *a, const struct case_facts *c, enum case_action action)
{
    struct access_grant g = { ACCESS_DENY, NULL, false };
    if (!same(a->jobcenter_id, c->jobcenter_id)) {
        g.decision = ACCESS_HIDDEN;
        return g;
    }
    if ((a->roles & ROLE_CASE_MANAGER) && same(a->id, c->case_manager_id)) {
        g.decision = ACCESS_ALLOW;
        g.purpose = PURPOSE_OWN_CASE;
        return g;
    }
    if ((a->roles & ROLE_CASE_MANAGER) && c->deputy && c->case_manager_id &&
        c->case_manager_id[0]) {
        g.decision = ACCESS_ALLOW;
        g.purpose = PURPOSE_DEPUTY;
        return g;
    }
    if (action == CASE_READ_STATUS) {
        if ((a->roles & ROLE_TEAM_LEAD) && same(a->team_id, c->case_manager_team)) {
            g.decision = ACCESS_ALLOW;
            g.purpose = PURPOSE_TEAM_LEAD;
            return g;
        }
        if ((a->roles & ROLE_PLACEMENT_OFFICER) && same(a->id, c->referred_by)) {
            g.decision = ACCESS_ALLOW;
            g.purpose = PURPOSE_INTAKE;
            return g;
        }
    }
    g.break_glass_possible = (a->roles & (ROLE_CASE_MANAGER | ROLE_TEAM_LEAD)) != 0;
    return g;
}

enum core_result
access_refuse(const struct access_grant *g, struct problem *pb)
{
    if (g->decision == ACCESS_HIDDEN)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such case.");
    return problem_set(pb, CORE_FORBIDDEN, g->break_glass_possible ? "break_glass_possible" : NULL,
                       "You may not open this case.");
}
