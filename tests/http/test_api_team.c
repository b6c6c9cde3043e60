/*
 * tests/http/test_api_team.c — team work: a team lead transfers cases (the
 * caseload cap applies, an override needs a reason), sets deputies whose
 * access holds only during their period and is audited on that ground,
 * reads the team's caseloads; an admin sets the local deadline rules while
 * the law stays fixed. API and pages; nothing stored on refusal.
 *
 * The server runs with cases.caseload_per_fte set so that one of fm2/fm3
 * is exactly full and the other has room (see setup).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* DAY (YYYY-MM-DD) plus N months, on the last day of the month when the day
 * does not exist there (31 Jan + 1 month = 28/29 Feb), as the domain rules
 * count months; written out here so that the test does not reuse the code
 * it checks. */
static void
plus_months(const char *day, int n, char out[11])
{
    int y, m, d;
    assert_int_equal(sscanf(day, "%4d-%2d-%2d", &y, &m, &d), 3);
    assert_true(y >= 1000 && y <= 9998 && m >= 1 && m <= 12 && d >= 1 && d <= 31);
    m += n;
    y += (m - 1) / 12;
    m = (m - 1) % 12 + 1;
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int last = days[m - 1] + (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
    char tmp[40];
    snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d < last ? d : last);
    assert_int_equal(strlen(tmp), 10);
    memcpy(out, tmp, 11);
}

static long long cap;
static const char *room_target, *full_target; /* user names */
static struct h_browser tl1_web, admin_web;

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
    long long o2 = open_cases(h, "fm2"), o3 = open_cases(h, "fm3");
    full_target = o2 > o3 ? "fm2" : "fm3";
    cap = o2 > o3 ? o2 : o3;
    if (o2 == o3) {
        /* both have room until the first transfer fills FULL_TARGET */
        cap++;
        room_target = full_target;
    } else {
        room_target = o2 > o3 ? "fm3" : "fm2";
    }
    char set[64];
    snprintf(set, sizeof set, "cases.caseload_per_fte=%lld", cap);
    const char *const extra[] = { "--set", set, NULL };
    if (!h_serve(h, extra))
        return -1;
    static const char *const users[] = { "fm1", "fm2", "fm3", "fm4", "tl1", "admin", NULL };
    for (const char *const *u = users; *u; u++)
        h_token(h, *u);
    h_sign_in(h, &tl1_web, "tl1");
    h_sign_in(h, &admin_web, "admin");
    return 0;
}

static const char *
case_of(struct harness *h, const char *user, const char *status, int offset)
{
    const char *id = h_sql_str(h,
                               "SELECT id FROM cases WHERE case_manager_id = %Q AND status = %Q"
                               " ORDER BY id LIMIT 1 OFFSET %d",
                               h_user_id(h, user), status, offset);
    assert_non_null(id);
    return id;
}

static char *
fmt(struct harness *h, const char *f, const char *a, const char *b)
{
    return h_printf(h, f, a, b); /* B unused when F has one %s */
}

/* ---- transfer ---- */

static void
team_lead_transfers_a_case(void **state)
{
    struct harness *h = *state;
    const char *id = case_of(h, "fm1", "active", 0);
    const char *path = fmt(h, "/api/v1/cases/%s/transfer", id, NULL);
    const char *body = fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"Elternzeit von %s\"}",
                           h_user_id(h, room_target), "fm1");
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "POST", path, h_token(h, "tl1"), body);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.transfer", "tl1");
    /* the team lead gets the status view: no client name */
    assert_null(h_jget(r->json, "client"));
    assert_string_equal(h_jstr(r->json, "case_manager_id"), h_user_id(h, room_target));
    h_free(r);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM case_transfers WHERE case_id = %Q AND"
                             " from_user_id = %Q AND to_user_id = %Q",
                             id, h_user_id(h, "fm1"), h_user_id(h, room_target)),
                     1);
    /* the old case manager has lost the case, the new one has it */
    r = h_api(h, "GET", fmt(h, "/api/v1/cases/%s", id, NULL), h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", fmt(h, "/api/v1/cases/%s", id, NULL), h_token(h, room_target), NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);
    /* the transfer is in the case's history */
    r = h_api(h, "GET", fmt(h, "/api/v1/cases/%s/timeline?kind=transfer", id, NULL),
              h_token(h, room_target), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 1);
    h_free(r);
}

static void
transfer_refusals_store_nothing(void **state)
{
    struct harness *h = *state;
    const char *id = case_of(h, "fm1", "active", 1);
    const char *path = fmt(h, "/api/v1/cases/%s/transfer", id, NULL);
    struct h_snap before;
    h_snap_take(h, &before);
    /* the cap: the full case manager needs an override */
    struct h_resp *r = h_api(h, "POST", path, h_token(h, "tl1"),
                             fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"Ausgleich\"}",
                                 h_user_id(h, full_target), NULL));
    EXPECT_PROBLEM(r, 409, "caseload_full");
    h_free(r);
    /* only team leads */
    r = h_api(h, "POST", path, h_token(h, "fm1"),
              fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"x\"}", h_user_id(h, "fm3"), NULL));
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    /* to the same case manager, to someone who is none, without a reason */
    r = h_api(h, "POST", path, h_token(h, "tl1"),
              fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"x\"}", h_user_id(h, "fm1"), NULL));
    EXPECT_ERRORS(r, "case_manager_id");
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "tl1"),
              fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\" \"}", h_user_id(h, "tl1"), NULL));
    EXPECT_ERRORS(r, "case_manager_id", "reason");
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "tl1"), "{\"case_manager_id\":\"x\",\"to\":1}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    /* a closed case; another Jobcenter's case */
    r = h_api(h, "POST", fmt(h, "/api/v1/cases/%s/transfer", case_of(h, "fm1", "closed", 0), NULL),
              h_token(h, "tl1"),
              fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"x\"}", h_user_id(h, "fm3"), NULL));
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    r = h_api(h, "POST", fmt(h, "/api/v1/cases/%s/transfer", case_of(h, "fm4", "active", 0), NULL),
              h_token(h, "tl1"),
              fmt(h, "{\"case_manager_id\":\"%s\",\"reason\":\"x\"}", h_user_id(h, "fm3"), NULL));
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* with an override reason the cap gives way, and the audit says so */
    r = h_api(h, "POST", path, h_token(h, "tl1"),
              fmt(h,
                  "{\"case_manager_id\":\"%s\",\"reason\":\"Ausgleich\",\"override_reason\":"
                  "\"Sprachkenntnisse: nur %s spricht Ukrainisch\"}",
                  h_user_id(h, full_target), full_target));
    EXPECT_STATUS(r, 200);
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM audit WHERE action = 'case.transfer' AND"
                                " detail LIKE '%%overridden%%'"),
                     1);
}

/* ---- deputies ---- */

static void
a_deputy_sees_the_cases_during_the_period_only(void **state)
{
    struct harness *h = *state;
    const char *id = case_of(h, "fm1", "active", 2);
    const char *case_path = fmt(h, "/api/v1/cases/%s", id, NULL);
    const char *deps = fmt(h, "/api/v1/users/%s/deputies", h_user_id(h, "fm1"), NULL);
    struct h_resp *r = h_api(h, "GET", case_path, h_token(h, "fm3"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    /* a period that starts tomorrow gives nothing today */
    char body[256];
    snprintf(body, sizeof body, "{\"deputy_id\":\"%s\",\"from\":\"%s\",\"until\":\"%s\"}",
             h_user_id(h, "fm3"), h_day(1), h_day(10));
    r = h_api(h, "POST", deps, h_token(h, "tl1"), body);
    EXPECT_STATUS(r, 201);
    const char *later = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    r = h_api(h, "GET", case_path, h_token(h, "fm3"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    /* from today on: the deputy reads, on the ground "deputy" */
    snprintf(body, sizeof body, "{\"deputy_id\":\"%s\",\"from\":\"%s\",\"until\":\"%s\"}",
             h_user_id(h, "fm3"), h_day(0), h_day(7));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "POST", deps, h_token(h, "tl1"), body);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "deputy.create", "tl1");
    const char *now = h_strdup(h, h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "deputy_id"), h_user_id(h, "fm3"));
    h_free(r);
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", case_path, h_token(h, "fm3"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm3");
    assert_string_equal(h_sql_str(h, "SELECT purpose FROM audit ORDER BY seq DESC LIMIT 1"),
                        "deputy");
    h_free(r);
    /* also the client, the worklist and the search */
    r = h_api(h, "GET",
              fmt(h, "/api/v1/clients/%s",
                  h_sql_str(h, "SELECT client_id FROM cases WHERE id = %Q", id), NULL),
              h_token(h, "fm3"), NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/worklist?days=30", h_token(h, "fm3"), NULL);
    EXPECT_STATUS(r, 200);
    size_t i;
    json_t *it;
    bool deputy_items = false;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        deputy_items = deputy_items || json_is_true(h_jget(it, "deputy"));
    }
    assert_true(deputy_items);
    h_free(r);
    /* the list of deputies: for the team lead and the absent colleague, not others */
    r = h_api(h, "GET", deps, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 2);
    h_free(r);
    r = h_api(h, "GET", deps, h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    /* ended: no more access */
    r = h_api(h, "DELETE", fmt(h, "/api/v1/deputies/%s", now, NULL), h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 204);
    h_free(r);
    r = h_api(h, "GET", case_path, h_token(h, "fm3"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "DELETE", fmt(h, "/api/v1/deputies/%s", now, NULL), h_token(h, "tl1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "DELETE", fmt(h, "/api/v1/deputies/%s", later, NULL), h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 204);
    h_free(r);
}

static void
deputy_refusals_store_nothing(void **state)
{
    struct harness *h = *state;
    const char *deps = fmt(h, "/api/v1/users/%s/deputies", h_user_id(h, "fm1"), NULL);
    struct h_snap before;
    h_snap_take(h, &before);
    char body[256];
    snprintf(body, sizeof body, "{\"deputy_id\":\"%s\",\"from\":\"%s\",\"until\":\"%s\"}",
             h_user_id(h, "fm1"), h_day(5), h_day(2));
    struct h_resp *r = h_api(h, "POST", deps, h_token(h, "tl1"), body);
    EXPECT_ERRORS(r, "deputy_id", "until");
    h_free(r);
    snprintf(body, sizeof body, "{\"deputy_id\":\"%s\",\"from\":\"%s\",\"until\":\"%s\"}",
             h_user_id(h, "fm4"), h_day(0), h_day(400));
    r = h_api(h, "POST", deps, h_token(h, "tl1"), body);
    EXPECT_ERRORS(r, "deputy_id", "until");
    h_free(r);
    snprintf(body, sizeof body, "{\"deputy_id\":\"%s\",\"from\":\"%s\",\"until\":\"%s\"}",
             h_user_id(h, "fm2"), h_day(0), h_day(3));
    r = h_api(h, "POST", deps, h_token(h, "fm2"), body);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_api(h, "POST", deps, h_token(h, "tl1"), "{\"deputy_id\":\"x\",\"since\":\"2026-01-01\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    r = h_api(h, "POST", "/api/v1/users/us_nobody/deputies", h_token(h, "tl1"), body);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
caseloads_are_for_the_team_lead(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_api(h, "GET", "/api/v1/stats/caseload", h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 200);
    json_t *items = h_jget(r->json, "items");
    assert_int_equal(json_array_size(items), 3); /* fm1, fm2, fm3 */
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        assert_int_equal(json_integer_value(h_jget(it, "cap")), cap);
        assert_int_equal(json_integer_value(h_jget(it, "open")),
                         h_count(h,
                                 "SELECT count(*) FROM cases WHERE case_manager_id = %Q AND"
                                 " status <> 'closed'",
                                 h_jstr(it, "user_id")));
    }
    h_free(r);
    r = h_api(h, "GET", "/api/v1/stats/caseload", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
}

/* ---- local rules ---- */

static void
admin_sets_local_rules_but_not_the_law(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_api(h, "GET", "/api/v1/rules/deadlines", h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    size_t i;
    json_t *it;
    bool law = false;
    json_array_foreach(h_jget(r->json, "items"), i, it)
    {
        if (strcmp(h_jstr(it, "key"), "plan_review_months") == 0)
            law = !json_is_true(h_jget(it, "local")) && strcmp(h_jstr(it, "mark"), "LAW?") == 0;
    }
    assert_true(law);
    h_free(r);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/continuation_months", h_token(h, "fm1"),
              "{\"value\":3}");
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/plan_review_months", h_token(h, "admin"),
              "{\"value\":12}");
    EXPECT_PROBLEM(r, 409, "rule_is_law");
    h_free(r);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/limit_months", h_token(h, "admin"),
              "{\"value\":99}");
    EXPECT_ERRORS(r, "value");
    h_free(r);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/limit_months", h_token(h, "admin"),
              "{\"value\":30.5}");
    EXPECT_ERRORS(r, "value");
    h_free(r);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/nonsense", h_token(h, "admin"), "{\"value\":3}");
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/continuation_months", h_token(h, "admin"),
              "{\"value\":3}");
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "rule.set", "admin");
    h_free(r);
    /* the next activation counts three months */
    const char *id = case_of(h, "fm2", "referred", 0);
    /* the later of the referral and yesterday (SQLite's two-argument max()) */
    const char *consent = h_sql_str(h,
                                    "SELECT CASE WHEN referral_date > %Q THEN referral_date"
                                    " ELSE %Q END FROM cases WHERE id = %Q",
                                    h_day(-1), h_day(-1), id);
    r = h_api(h, "POST", fmt(h, "/api/v1/cases/%s/activate", id, NULL), h_token(h, "fm2"),
              fmt(h, "{\"consent_date\":\"%s\"}", consent, NULL));
    EXPECT_STATUS(r, 200);
    char want[11];
    plus_months(consent, 3, want);
    assert_string_equal(h_jstr(r->json, "next_review_due"), want);
    h_free(r);
    r = h_api(h, "PUT", "/api/v1/rules/deadlines/continuation_months", h_token(h, "admin"),
              "{\"value\":6}");
    EXPECT_STATUS(r, 200);
    h_free(r);
}

/* ---- pages ---- */

static void
team_rules_and_transfer_pages(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_browse(h, "GET", "/team", tl1_web.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    /* set a deputy through the form; an error keeps the input */
    const char *action = fmt(h, "/users/%s/deputies", h_user_id(h, "fm2"), NULL);
    char *body =
        h_form(h, (const char *[]){ "_csrf", tl1_web.csrf, "deputy_id", h_user_id(h, "fm1"), "from",
                                    "01.01.2026", "until", "31.12.2025", NULL });
    r = h_browse(h, "POST", action, tl1_web.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "31.12.2025"));
    h_free(r);
    char from[11], until[11];
    const char *d0 = h_day(0), *d3 = h_day(3);
    snprintf(from, sizeof from, "%.2s.%.2s.%.4s", d0 + 8, d0 + 5, d0);
    snprintf(until, sizeof until, "%.2s.%.2s.%.4s", d3 + 8, d3 + 5, d3);
    body = h_form(h, (const char *[]){ "_csrf", tl1_web.csrf, "deputy_id", h_user_id(h, "fm1"),
                                       "from", from, "until", until, NULL });
    r = h_browse(h, "POST", action, tl1_web.cookies, body);
    h_expect_redirect(r, "/team");
    h_free(r);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM deputies WHERE user_id = %Q AND deputy_id = %Q"
                             " AND revoked_at IS NULL",
                             h_user_id(h, "fm2"), h_user_id(h, "fm1")),
                     1);
    /* the transfer form is the team lead's: nobody else reads anything through it */
    struct h_browser av1_web;
    h_sign_in(h, &av1_web, "av1");
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_browse(h, "GET", fmt(h, "/cases/%s/transfer", case_of(h, "fm1", "active", 3), NULL),
                 av1_web.cookies, NULL);
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* the transfer form of a team case */
    const char *id = case_of(h, "fm1", "active", 3);
    r = h_browse(h, "GET", fmt(h, "/cases/%s/transfer", id, NULL), tl1_web.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", tl1_web.csrf, "case_manager_id",
                                       h_user_id(h, "fm2"), "reason", "", NULL });
    r = h_browse(h, "POST", fmt(h, "/cases/%s/transfer", id, NULL), tl1_web.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    h_free(r);
    /* the rules page for the admin, and a change through it */
    r = h_browse(h, "GET", "/rules", admin_web.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", admin_web.csrf, "value", "zwei", NULL });
    r = h_browse(h, "POST", "/rules/unreached_after", admin_web.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", admin_web.csrf, "value", "4", NULL });
    r = h_browse(h, "POST", "/rules/unreached_after", admin_web.cookies, body);
    h_expect_redirect(r, "/rules");
    h_free(r);
    assert_int_equal(h_count(h, "SELECT value FROM jobcenter_rules WHERE rule = 'unreached_after'"),
                     4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(team_lead_transfers_a_case),
        cmocka_unit_test(transfer_refusals_store_nothing),
        cmocka_unit_test(a_deputy_sees_the_cases_during_the_period_only),
        cmocka_unit_test(deputy_refusals_store_nothing),
        cmocka_unit_test(caseloads_are_for_the_team_lead),
        cmocka_unit_test(admin_sets_local_rules_but_not_the_law),
        cmocka_unit_test(team_rules_and_transfer_pages),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_team", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
