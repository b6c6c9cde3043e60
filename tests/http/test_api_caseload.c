/*
 * tests/http/test_api_caseload.c — the caseload cap on POST /cases
 * (the API contract: 409 "caseload_full"; the domain rules: cap = caseload_per_fte × FTE,
 * rounded down) and the team lead's override with override_reason.
 *
 * To stay fast the server runs with cases.caseload_per_fte set to the open
 * demo cases of the fullest of fm1–fm3 + 2: a few cases fill fm1's caseload
 * while the others keep room.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static long long cap;

static long long
open_cases(struct harness *h, const char *user)
{
    return h_count(h,
                   "SELECT count(*) FROM cases WHERE case_manager_id = %Q AND status <> 'closed'",
                   h_user_id(h, user));
}

static int
setup(void **state)
{
    struct harness *h = h_prepare();
    *state = h;
    if (!h)
        return -1;
    /* two above the fullest of the team: fm1 fills up in a few cases, the others keep room */
    cap = 0;
    static const char *const team[] = { "fm1", "fm2", "fm3", NULL };
    for (const char *const *u = team; *u; u++)
        if (open_cases(h, *u) > cap)
            cap = open_cases(h, *u);
    cap += 2;
    char set[64];
    snprintf(set, sizeof set, "cases.caseload_per_fte=%lld", cap);
    const char *const extra[] = { "--set", set, NULL };
    if (!h_serve(h, extra))
        return -1;
    static const char *const users[] = { "fm1", "fm2", "tl1", "av1", NULL };
    for (const char *const *u = users; *u; u++)
        h_token(h, *u);
    return 0;
}

static const char *
new_client(struct harness *h)
{
    static int n;
    char number[16];
    snprintf(number, sizeof number, "950B%06d", ++n);
    json_t *b =
        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", number, "first_name",
                  "Max", "last_name", "Lastfall", "birth_date", "1975-06-15", "address", "street",
                  "Ringstraße 5", "postcode", "12045", "city", "Musterstadt");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

static json_t *
case_body(const char *client, const char *cm, const char *override)
{
    json_t *b = json_pack("{s:s,s:{s:s,s:s,s:s}}", "client_id", client, "referral", "source",
                          "placement", "date", h_day(-14), "reason", "Schulden, Gesundheit");
    if (cm)
        json_object_set_new(b, "case_manager_id", json_string(cm));
    if (override)
        json_object_set_new(b, "override_reason", json_string(override));
    return b;
}

static void
cases_fill_the_caseload_then_409_caseload_full(void **state)
{
    struct harness *h = *state;
    while (open_cases(h, "fm1") < cap) {
        const char *client = new_client(h);
        struct h_resp *r =
            h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, NULL, NULL));
        EXPECT_STATUS(r, 201);
        assert_string_equal(h_jstr(r->json, "case_manager_id"), h_user_id(h, "fm1"));
        h_free(r);
    }
    assert_int_equal(open_cases(h, "fm1"), cap);

    const char *client = new_client(h);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, NULL, NULL));
    EXPECT_PROBLEM(r, 409, "caseload_full");
    h_free(r);
    /* named explicitly, by a placement officer or the team lead: still full */
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "av1"),
               case_body(client, h_user_id(h, "fm1"), NULL));
    EXPECT_PROBLEM(r, 409, "caseload_full");
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
               case_body(client, h_user_id(h, "fm1"), NULL));
    EXPECT_PROBLEM(r, 409, "caseload_full");
    h_free(r);
    /* only a team lead may override */
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"),
               case_body(client, NULL, "Ich übernehme den Fall trotzdem"));
    EXPECT_PROBLEM_IN(r, 403, 409, 422);
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "av1"),
               case_body(client, h_user_id(h, "fm1"), "Dringend"));
    EXPECT_PROBLEM_IN(r, 403, 409, 422);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    assert_int_equal(open_cases(h, "fm1"), cap);
}

static void
team_lead_overrides_the_cap_with_a_reason(void **state)
{
    struct harness *h = *state;
    assert_int_equal(open_cases(h, "fm1"), cap);
    const char *client = new_client(h);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    static const char reason[] = "Vertretung während Elternzeit von fm2, abgestimmt mit fm1";
    struct h_resp *r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
                              case_body(client, h_user_id(h, "fm1"), reason));
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "case_manager_id"), h_user_id(h, "fm1"));
    assert_int_equal(open_cases(h, "fm1"), cap + 1);
    assert_int_equal(h_count(h, "SELECT count(*) FROM cases WHERE id = %Q AND override_reason = %Q",
                             h_jstr(r->json, "id"), reason),
                     1);
    /* the override is in the audit trail */
    assert_int_equal(h_count(h, "SELECT count(*) FROM audit"), audit + 1);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM audit WHERE action = 'case.create'"
                             " AND case_id = %Q AND actor_id = %Q AND detail IS NOT NULL",
                             h_jstr(r->json, "id"), h_user_id(h, "tl1")),
                     1);
    h_free(r);

    /* the cap still holds for everyone else afterwards */
    client = new_client(h);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, NULL, NULL));
    EXPECT_PROBLEM(r, 409, "caseload_full");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
override_needs_a_reason_text(void **state)
{
    struct harness *h = *state;
    const char *client = new_client(h);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
                              case_body(client, h_user_id(h, "fm1"), "   "));
    EXPECT_PROBLEM_IN(r, 409, 422);
    h_free(r);
    char long_reason[600];
    memset(long_reason, 'r', 501);
    long_reason[501] = '\0';
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
               case_body(client, h_user_id(h, "fm1"), long_reason));
    EXPECT_ERRORS(r, "override_reason");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
automatic_assignment_skips_full_caseloads(void **state)
{
    struct harness *h = *state;
    assert_true(open_cases(h, "fm1") >= cap);
    for (int i = 0; i < 2; i++) {
        const char *client = new_client(h);
        struct h_resp *r =
            h_apij(h, "POST", "/api/v1/cases", h_token(h, "av1"), case_body(client, NULL, NULL));
        EXPECT_STATUS(r, 201);
        const char *cm = h_jstr(r->json, "case_manager_id");
        assert_non_null(cm);
        assert_string_not_equal(cm, h_user_id(h, "fm1"));
        long long load = h_count(h,
                                 "SELECT count(*) FROM cases WHERE case_manager_id = %Q"
                                 " AND status <> 'closed'",
                                 cm);
        assert_true(load <= cap);
        h_free(r);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cases_fill_the_caseload_then_409_caseload_full),
        cmocka_unit_test(team_lead_overrides_the_cap_with_a_reason),
        cmocka_unit_test(override_needs_a_reason_text),
        cmocka_unit_test(automatic_assignment_skips_full_caseloads),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_caseload", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
