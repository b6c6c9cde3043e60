/*
 * tests/unit/core/test_access.c — the access policy as a full matrix:
 * every role (alone and the usual combinations) × every relation to the case
 * × every action. The expected table is written from the rules in
 * the data protection rules DP-1..DP-4, independently of access.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/access.h"
#include "core/audit.h"

enum relation {
    REL_OWN,
    REL_SAME_TEAM,
    REL_OTHER_TEAM,
    REL_OTHER_JC,
    REL_REFERRER,
    REL_DEPUTY,       /* the actor deputises for the case manager today */
    REL_DEPUTY_OTHER, /* the same, for a case of another team */
    N_REL
};
static const char *const rel_names[] = {
    "own",    "same_team",        "other_team", "other_jobcenter", "referred_by_actor",
    "deputy", "deputy_other_team"
};

/* The actor is always us_me in jc_a, team tm_1. */
static struct case_facts
facts_for(enum relation r)
{
    switch (r) {
    case REL_OWN: return (struct case_facts){ "jc_a", "us_me", "tm_1", "us_av" };
    case REL_SAME_TEAM: return (struct case_facts){ "jc_a", "us_colleague", "tm_1", "us_av" };
    case REL_OTHER_TEAM: return (struct case_facts){ "jc_a", "us_other", "tm_2", "us_av" };
    case REL_OTHER_JC: return (struct case_facts){ "jc_b", "us_me", "tm_1", "us_me" };
    case REL_DEPUTY: return (struct case_facts){ "jc_a", "us_colleague", "tm_1", "us_av", true };
    case REL_DEPUTY_OTHER: return (struct case_facts){ "jc_a", "us_other", "tm_2", "us_av", true };
    case REL_REFERRER:
    default: return (struct case_facts){ "jc_a", "us_colleague", "tm_2", "us_me" };
    }
}

/* Expected decision: 'A' allow, 'D' deny (403), 'H' hidden (404); and purpose. */
struct expect {
    char decision;
    const char *purpose;
    bool break_glass;
};

static struct expect
expected(unsigned roles, enum relation r, enum case_action act)
{
    if (r == REL_OTHER_JC)
        return (struct expect){ 'H', NULL, false }; /* DP-4: nothing crosses a Jobcenter */
    if ((roles & ROLE_CASE_MANAGER) && r == REL_OWN)
        return (struct expect){ 'A', PURPOSE_OWN_CASE, false }; /* DP-1 */
    if ((roles & ROLE_CASE_MANAGER) && (r == REL_DEPUTY || r == REL_DEPUTY_OTHER))
        return (struct expect){ 'A', PURPOSE_DEPUTY, false }; /* DP-1: a recorded deputy */
    if (act == CASE_READ_STATUS) {
        if ((roles & ROLE_TEAM_LEAD) && (r == REL_OWN || r == REL_SAME_TEAM || r == REL_DEPUTY))
            return (struct expect){ 'A', PURPOSE_TEAM_LEAD, false }; /* DP-2 */
        if ((roles & ROLE_PLACEMENT_OFFICER) && r == REL_REFERRER)
            return (struct expect){ 'A', PURPOSE_INTAKE, false }; /* DP-3 */
    }
    return (struct expect){ 'D', NULL, (roles & (ROLE_CASE_MANAGER | ROLE_TEAM_LEAD)) != 0 };
}

static void
full_matrix(void **state)
{
    (void)state;
    static const unsigned role_sets[] = { ROLE_CASE_MANAGER,
                                          ROLE_TEAM_LEAD,
                                          ROLE_PLACEMENT_OFFICER,
                                          ROLE_DPO,
                                          ROLE_ADMIN,
                                          ROLE_ANALYST,
                                          ROLE_CASE_MANAGER | ROLE_TEAM_LEAD,
                                          ROLE_CASE_MANAGER | ROLE_PLACEMENT_OFFICER,
                                          ROLE_DPO | ROLE_ADMIN };
    static const enum case_action actions[] = { CASE_READ, CASE_WRITE, CASE_READ_STATUS };
    static const char *const action_names[] = { "read", "write", "read_status" };
    int checked = 0, wrong = 0;
    for (size_t i = 0; i < sizeof role_sets / sizeof role_sets[0]; i++)
        for (int r = 0; r < N_REL; r++)
            for (size_t k = 0; k < 3; k++) {
                struct actor a = {
                    .id = "us_me", .jobcenter_id = "jc_a", .team_id = "tm_1", .roles = role_sets[i]
                };
                struct case_facts f = facts_for((enum relation)r);
                struct access_grant g = access_case(&a, &f, actions[k]);
                struct expect e = expected(role_sets[i], (enum relation)r, actions[k]);
                char got = g.decision == ACCESS_ALLOW ? 'A' : g.decision == ACCESS_DENY ? 'D' : 'H';
                bool ok = got == e.decision &&
                          (e.decision != 'A' || (g.purpose && strcmp(g.purpose, e.purpose) == 0)) &&
                          (e.decision != 'D' || g.break_glass_possible == e.break_glass);
                if (!ok) {
                    wrong++;
                    fprintf(stderr, "roles=%u relation=%s action=%s: got %c, expected %c\n",
                            role_sets[i], rel_names[r], action_names[k], got, e.decision);
                }
                checked++;
            }
    assert_int_equal(checked, 9 * N_REL * 3);
    assert_int_equal(wrong, 0);
}

static void
relation_names(void **state)
{
    (void)state;
    struct actor a = {
        .id = "us_me", .jobcenter_id = "jc_a", .team_id = "tm_1", .roles = ROLE_CASE_MANAGER
    };
    struct case_facts f = facts_for(REL_OWN);
    assert_string_equal(access_relation(&a, &f), "own");
    f = facts_for(REL_SAME_TEAM);
    assert_string_equal(access_relation(&a, &f), "same_team");
    f = facts_for(REL_OTHER_TEAM);
    assert_string_equal(access_relation(&a, &f), "same_jobcenter");
    f = facts_for(REL_OTHER_JC);
    assert_string_equal(access_relation(&a, &f), "other_jobcenter");
    f = facts_for(REL_DEPUTY);
    assert_string_equal(access_relation(&a, &f), "deputy");
}

static void
unassigned_case_is_nobodys_own(void **state)
{
    (void)state;
    struct actor a = { .id = "us_me",
                       .jobcenter_id = "jc_a",
                       .team_id = "",
                       .roles = ROLE_CASE_MANAGER | ROLE_TEAM_LEAD };
    struct case_facts f = { "jc_a", NULL, NULL, NULL };
    assert_int_equal(access_case(&a, &f, CASE_READ).decision, ACCESS_DENY);
    assert_int_equal(access_case(&a, &f, CASE_READ_STATUS).decision, ACCESS_DENY);
    /* an empty team id never matches another empty team id */
    struct case_facts g = { "jc_a", "us_x", "", NULL };
    assert_int_equal(access_case(&a, &g, CASE_READ_STATUS).decision, ACCESS_DENY);
}

static void
refusal_maps_to_problem(void **state)
{
    (void)state;
    struct problem pb = PROBLEM_INIT;
    struct access_grant hidden = { ACCESS_HIDDEN, NULL, false };
    assert_int_equal(access_refuse(&hidden, &pb), CORE_NOT_FOUND);
    assert_null(pb.code);
    struct problem pb2 = PROBLEM_INIT;
    struct access_grant deny = { ACCESS_DENY, NULL, true };
    assert_int_equal(access_refuse(&deny, &pb2), CORE_FORBIDDEN);
    assert_string_equal(pb2.code, "break_glass_possible");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_matrix),
        cmocka_unit_test(relation_names),
        cmocka_unit_test(unassigned_case_is_nobodys_own),
        cmocka_unit_test(refusal_maps_to_problem),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
