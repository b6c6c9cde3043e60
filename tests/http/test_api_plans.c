/*
 * tests/http/test_api_plans.c — the cooperation plan over the API and the
 * pages: versions (v1, v2 with a review outcome, the current pointer moves),
 * review_due from the rules (agreed_on + 6 months, month ends) and the
 * case's plan_review_due following it, refusals (422 with every bad field
 * path, 400 unknown field, 403 break_glass_possible, 404, 409 closed case,
 * 409 plan_superseded) that store nothing, one audit entry per request;
 * the plan page, the form (prefilled, "more" re-render, errors kept), the
 * print view without navigation, CSRF.
 */
#include "harness.h"

#include <stdio.h>
#include <string.h>

static struct h_browser fm1;

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    static const char *const users[] = { "fm1", "fm2", "fm4", "tl1", NULL };
    for (const char *const *u = users; *u; u++)
        h_token(h, *u); /* sign in once, before any snapshot */
    h_sign_in(h, &fm1, "fm1");
    return 0;
}

/* A new active case of fm1 that started on 01.08.2026 (so that a plan may be
 * agreed on 31.08.2026), without a plan; the same N gives the same
 * case. */
static const char *
active_case(struct harness *h, int n)
{
    static const char *made[32]; /* the same N gives the same case within a run */
    assert_true(n >= 0 && n < 32);
    if (!made[n])
        made[n] = h_new_active_case_on(h, "fm1", "2026-08-01");
    return made[n];
}

static json_t *
step(const char *title, const char *responsible, const char *due)
{
    return json_pack("{s:s,s:s,s:s}", "title", title, "responsible", responsible, "due", due);
}

/* Two goals, three steps, all due on DUE. */
static json_t *
plan_body(const char *agreed_on, const char *due)
{
    json_t *s2 = step("Sprachkurs B1 suchen", "partner", due);
    json_object_set_new(s2, "partner", json_string("Bildungswerk Nord"));
    return json_pack("{s:s,s:[{s:s,s:[o,o]},{s:s,s:s,s:[o]}]}", "agreed_on", agreed_on, "goals",
                     "title", "Eine Arbeit im Lager finden", "steps",
                     step("Fünf Bewerbungen schreiben", "client", due), s2, "kind", "health",
                     "title", "Gesundheit stabilisieren", "steps",
                     step("Termin beim Gesundheitsamt vereinbaren", "case_manager", due));
}

/* ---- the API ---- */

static void
versions_are_kept_and_the_current_pointer_moves(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 0);
    const char *plans = h_printf(h, "/api/v1/cases/%s/plans", cs);
    struct h_snap s;
    h_snap_take(h, &s);
    /* v1 on 31.08.: the review falls due on the last day of February */
    struct h_resp *r =
        h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body("2026-08-31", "2026-12-31"));
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.create", "fm1");
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 1);
    assert_string_equal(h_jstr(r->json, "review_due"), "2027-02-28");
    assert_true(json_is_null(h_jget(r->json, "review_outcome")));
    assert_int_equal(json_array_size(h_jget(r->json, "goals")), 2);
    json_t *g0 = json_array_get(h_jget(r->json, "goals"), 0);
    assert_string_equal(h_jstr(g0, "kind"), "job");
    assert_non_null(h_jstr(g0, "id"));
    json_t *s1 = json_array_get(h_jget(g0, "steps"), 1);
    assert_string_equal(h_jstr(s1, "partner"), "Bildungswerk Nord");
    assert_string_equal(h_jstr(s1, "status"), "open");
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "goals"), 1), "kind"), "health");
    const char *v1 = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT plan_review_due FROM cases WHERE id = %Q", cs),
                        "2027-02-28");

    /* v2 today, a review that kept the plan, with an earlier review date */
    json_t *b = plan_body(h_day(0), h_day(60));
    json_object_set_new(b, "review_outcome", json_string("kept"));
    json_object_set_new(b, "review_due", json_string(h_day(90)));
    h_snap_take(h, &s);
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.create", "fm1");
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 2);
    assert_string_equal(h_jstr(r->json, "review_outcome"), "kept");
    assert_string_equal(h_jstr(r->json, "review_due"), h_day(90));
    const char *v2 = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT plan_review_due FROM cases WHERE id = %Q", cs),
                        h_day(90));
    assert_int_equal(h_count(h, "SELECT is_current FROM plans WHERE id = %Q", v1), 0);
    assert_int_equal(h_count(h, "SELECT is_current FROM plans WHERE id = %Q", v2), 1);

    /* v3 without an outcome: "changed" */
    h_snap_take(h, &s);
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body(h_day(0), h_day(30)));
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "review_outcome"), "changed");
    const char *v3 = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    assert_int_equal(
        h_count(h, "SELECT count(*) FROM plans WHERE case_id = %Q AND is_current = 1", cs), 1);

    /* the current one, the list, an old version */
    h_snap_take(h, &s);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/plans/current", cs), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.read", "fm1");
    assert_string_equal(h_jstr(r->json, "id"), v3);
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 3);
    h_free(r);
    h_snap_take(h, &s);
    r = h_api(h, "GET", plans, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.list", "fm1");
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 3);
    assert_int_equal(
        json_integer_value(h_jget(json_array_get(h_jget(r->json, "items"), 0), "version")), 3);
    h_free(r);
    h_snap_take(h, &s);
    r = h_api(h, "GET", h_printf(h, "/api/v1/plans/%s", v1), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.read", "fm1");
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 1);
    assert_false(json_is_true(h_jget(r->json, "is_current")));
    assert_string_equal(h_jstr(r->json, "agreed_on"), "2026-08-31");
    h_free(r);
}

static void
bad_input_is_one_422_naming_every_path_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 1);
    const char *plans = h_printf(h, "/api/v1/cases/%s/plans", cs);
    struct h_snap s;
    h_snap_take(h, &s);

    /* a step due before the plan was agreed, a review later than six months */
    json_t *b = plan_body("2026-08-31", "2026-12-31");
    json_t *steps = h_jget(json_array_get(h_jget(b, "goals"), 0), "steps");
    json_object_set_new(json_array_get(steps, 1), "due", json_string("2026-08-30"));
    json_object_set_new(b, "review_due", json_string("2027-03-01"));
    struct h_resp *r = h_apij(h, "POST", plans, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "goals[0].steps[1].due", "review_due");
    assert_false(h_has_error_field(r, "goals[0].steps[0].due"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* review_due exactly on the latest day is fine: see the next case; here empty goals */
    r = h_apij(h, "POST", plans, h_token(h, "fm1"),
               json_pack("{s:s,s:[]}", "agreed_on", "2026-08-31", "goals"));
    EXPECT_ERRORS(r, "goals");
    h_free(r);
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), json_pack("{s:s}", "agreed_on", "2026-08-31"));
    EXPECT_ERRORS(r, "goals");
    h_free(r);
    /* a goal without steps, bad values, a first plan with a review outcome, a future day */
    r = h_apij(h, "POST", plans, h_token(h, "fm1"),
               json_pack("{s:s,s:s,s:[{s:s,s:[]},{s:s,s:s,s:[{s:s,s:s,s:s}]}]}", "agreed_on",
                         h_day(1), "review_outcome", "kept", "goals", "title", "Ziel", "steps",
                         "kind", "sport", "title", "", "steps", "title", "Schritt", "responsible",
                         "nobody", "due", "31.12.2026"));
    EXPECT_ERRORS(r, "agreed_on", "review_outcome", "goals[0].steps", "goals[1].kind",
                  "goals[1].title", "goals[1].steps[0].responsible", "goals[1].steps[0].due");
    h_free(r);
    /* more than three years ahead; before the case started */
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body("2026-08-31", "2029-09-01"));
    EXPECT_ERRORS(r, "goals[0].steps[0].due", "goals[1].steps[0].due");
    h_free(r);
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body("2001-01-01", "2001-02-01"));
    EXPECT_ERRORS(r, "agreed_on");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* unknown fields anywhere: 400 */
    b = plan_body("2026-08-31", "2026-12-31");
    json_object_set_new(b, "signature", json_string("x"));
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), b);
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    b = plan_body("2026-08-31", "2026-12-31");
    steps = h_jget(json_array_get(h_jget(b, "goals"), 1), "steps");
    json_object_set_new(json_array_get(steps, 0), "status", json_string("done"));
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), b);
    EXPECT_PROBLEM(r, 400, NULL);
    assert_non_null(strstr(h_jstr(r->json, "detail"), "goals[1].steps[0].status"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* the latest review day is allowed */
    b = plan_body("2026-08-31", "2026-12-31");
    json_object_set_new(b, "review_due", json_string("2027-02-28"));
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    h_free(r);
}

static void
other_case_managers_and_jobcenters_are_refused(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 2);
    const char *plans = h_printf(h, "/api/v1/cases/%s/plans", cs);
    struct h_resp *r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body(h_day(0), h_day(10)));
    EXPECT_STATUS(r, 201);
    const char *plan_id = h_strdup(h, h_jstr(r->json, "id"));
    const char *step_id = h_strdup(
        h, h_jstr(json_array_get(h_jget(json_array_get(h_jget(r->json, "goals"), 0), "steps"), 0),
                  "id"));
    h_free(r);
    struct h_snap s;
    h_snap_take(h, &s);
    static const struct {
        const char *user;
        long status;
        const char *code;
    } refused[] = { { "fm2", 403, "break_glass_possible" },
                    { "tl1", 403, "break_glass_possible" },
                    { "fm4", 404, NULL } };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        const char *tok = h_token(h, refused[i].user);
        r = h_apij(h, "POST", plans, tok, plan_body(h_day(0), h_day(10)));
        EXPECT_PROBLEM(r, refused[i].status, refused[i].code);
        h_free(r);
        r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/plans/current", cs), tok, NULL);
        EXPECT_PROBLEM(r, refused[i].status, refused[i].code);
        h_free(r);
        r = h_api(h, "GET", plans, tok, NULL);
        EXPECT_PROBLEM(r, refused[i].status, refused[i].code);
        h_free(r);
        r = h_api(h, "GET", h_printf(h, "/api/v1/plans/%s", plan_id), tok, NULL);
        EXPECT_PROBLEM(r, refused[i].status, refused[i].code);
        h_free(r);
        r = h_api(h, "PATCH", h_printf(h, "/api/v1/plan-steps/%s", step_id), tok,
                  "{\"status\":\"done\"}");
        EXPECT_PROBLEM(r, refused[i].status, refused[i].code);
        h_free(r);
    }
    r = h_api(h, "GET", "/api/v1/plans/pl_nothing", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "PATCH", "/api/v1/plan-steps/ps_nothing", h_token(h, "fm1"),
              "{\"status\":\"done\"}");
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);
}

static void
no_plan_yet_is_404_and_a_closed_case_is_409(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 3);
    struct h_snap s;
    h_snap_take(h, &s);
    struct h_resp *r =
        h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/plans/current", cs), h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    assert_string_equal(h_jstr(r->json, "detail"), "No plan yet.");
    h_free(r);
    const char *closed = h_sql_str(h,
                                   "SELECT id FROM cases WHERE case_manager_id = %Q AND"
                                   " status = 'closed' LIMIT 1",
                                   h_user_id(h, "fm1"));
    assert_non_null(closed);
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/plans", closed), h_token(h, "fm1"),
               plan_body(h_day(0), h_day(10)));
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);
}

static void
steps_change_only_in_the_current_version(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 4);
    const char *plans = h_printf(h, "/api/v1/cases/%s/plans", cs);
    struct h_resp *r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body(h_day(0), h_day(20)));
    EXPECT_STATUS(r, 201);
    const char *old_step = h_strdup(
        h, h_jstr(json_array_get(h_jget(json_array_get(h_jget(r->json, "goals"), 0), "steps"), 0),
                  "id"));
    h_free(r);
    const char *old_path = h_printf(h, "/api/v1/plan-steps/%s", old_step);
    struct h_snap s;
    h_snap_take(h, &s);
    r = h_api(h, "PATCH", old_path, h_token(h, "fm1"),
              "{\"status\":\"done\",\"note\":\"Nachweise liegen vor\"}");
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.step_update", "fm1");
    assert_string_equal(h_jstr(r->json, "status"), "done");
    assert_string_equal(h_jstr(r->json, "note"), "Nachweise liegen vor");
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT status FROM plan_steps WHERE id = %Q", old_step),
                        "done");

    h_snap_take(h, &s);
    r = h_api(h, "PATCH", old_path, h_token(h, "fm1"), "{\"status\":\"finished\"}");
    EXPECT_ERRORS(r, "status");
    h_free(r);
    r = h_api(h, "PATCH", old_path, h_token(h, "fm1"), "{\"status\":\"done\",\"by\":\"x\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* a new version supersedes the old steps */
    r = h_apij(h, "POST", plans, h_token(h, "fm1"), plan_body(h_day(0), h_day(40)));
    EXPECT_STATUS(r, 201);
    h_free(r);
    h_snap_take(h, &s);
    r = h_api(h, "PATCH", old_path, h_token(h, "fm1"), "{\"status\":\"open\"}");
    EXPECT_PROBLEM(r, 409, "plan_superseded");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);
}

/* ---- the pages ---- */

static void
the_pages_agree_show_and_print_a_plan(void **state)
{
    struct harness *h = *state;
    const char *cs = active_case(h, 5);
    const char *page = h_printf(h, "/cases/%s/plan", cs);
    struct h_resp *r = h_browse(h, "GET", page, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, h_printf(h, "/cases/%s/plan/new", cs)));
    h_free(r);

    /* the empty form: one goal with two step rows */
    const char *form_path = h_printf(h, "/cases/%s/plan/new", cs);
    r = h_browse(h, "GET", form_path, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "name=\"g0_title\""));
    assert_non_null(strstr(r->body, "name=\"g0_s1_due\""));
    assert_null(strstr(r->body, "name=\"g0_s2_due\""));
    assert_null(strstr(r->body, "name=\"review_outcome\"")); /* no plan yet */
    h_free(r);

    const char *post = h_printf(h, "/cases/%s/plans", cs);
    char today[11], due[11];
    snprintf(today, sizeof today, "%.2s.%.2s.%.4s", h_day(0) + 8, h_day(0) + 5, h_day(0));
    snprintf(due, sizeof due, "%.2s.%.2s.%.4s", h_day(14) + 8, h_day(14) + 5, h_day(14));

    /* "more" renders the typed input again with more rows, saving nothing */
    struct h_snap s;
    h_snap_take(h, &s);
    const char *more[] = { "_csrf",
                           fm1.csrf,
                           "agreed_on",
                           today,
                           "g0_kind",
                           "language",
                           "g0_title",
                           "Deutsch B1 erreichen",
                           "g0_s0_title",
                           "Kurs besuchen",
                           "g0_s0_responsible",
                           "client",
                           "g0_s0_due",
                           due,
                           "g0_s1_title",
                           "",
                           "g0_s1_due",
                           "",
                           "more",
                           "1",
                           NULL };
    r = h_browse(h, "POST", post, fm1.cookies, h_form(h, more));
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "value=\"Deutsch B1 erreichen\""));
    assert_non_null(strstr(r->body, "value=\"language\" selected"));
    assert_non_null(strstr(r->body, "name=\"g0_s3_title\""));
    assert_non_null(strstr(r->body, "name=\"g1_title\""));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* without the CSRF token: 403 */
    r = h_browse(h, "POST", post, fm1.cookies, h_form(h, more + 2));
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* a step due before the agreement: the form again, input kept, error at the step */
    const char *bad[] = { "_csrf",
                          fm1.csrf,
                          "agreed_on",
                          today,
                          "g0_kind",
                          "language",
                          "g0_title",
                          "Deutsch B1 erreichen",
                          "g0_s0_title",
                          "",
                          "g0_s0_due",
                          "",
                          "g0_s1_title",
                          "Kurs besuchen",
                          "g0_s1_responsible",
                          "partner",
                          "g0_s1_partner",
                          "VHS",
                          "g0_s1_due",
                          "01.01.2020",
                          NULL };
    r = h_browse(h, "POST", post, fm1.cookies, h_form(h, bad));
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "href=\"#g0_s1_due\""));
    assert_non_null(strstr(r->body, "id=\"g0_s1_due-error\""));
    assert_non_null(strstr(r->body, "value=\"01.01.2020\""));
    assert_non_null(strstr(r->body, "value=\"VHS\""));
    h_free(r);
    /* no goal at all */
    const char *none[] = { "_csrf", fm1.csrf, "agreed_on", today, NULL };
    r = h_browse(h, "POST", post, fm1.cookies, h_form(h, none));
    EXPECT_STATUS(r, 422);
    assert_non_null(strstr(r->body, "href=\"#goals\""));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &s);

    /* saved: 303 to the plan page, which shows it */
    const char *good[] = { "_csrf",
                           fm1.csrf,
                           "agreed_on",
                           today,
                           "g0_kind",
                           "language",
                           "g0_title",
                           "Deutsch B1 erreichen",
                           "g0_s0_title",
                           "Kurs besuchen",
                           "g0_s0_responsible",
                           "client",
                           "g0_s0_due",
                           due,
                           "g0_s1_title",
                           "Kinderbetreuung klären",
                           "g0_s1_responsible",
                           "partner",
                           "g0_s1_partner",
                           "Jugendamt",
                           "g0_s1_due",
                           due,
                           NULL };
    r = h_browse(h, "POST", post, fm1.cookies, h_form(h, good));
    h_expect_redirect(r, page);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.create", "fm1");
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM plan_steps WHERE case_id = %Q", cs), 2);
    h_snap_take(h, &s);
    r = h_browse(h, "GET", page, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.read", "fm1");
    assert_non_null(strstr(r->body, "Deutsch B1 erreichen"));
    assert_non_null(strstr(r->body, "Jugendamt"));
    assert_non_null(strstr(r->body, "action=\"/plan-steps/"));
    h_free(r);

    /* the new-version form is prefilled from the current one and asks for the outcome */
    r = h_browse(h, "GET", form_path, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "value=\"Deutsch B1 erreichen\""));
    assert_non_null(strstr(r->body, "value=\"Kinderbetreuung klären\""));
    assert_non_null(strstr(r->body, "name=\"review_outcome\""));
    assert_non_null(strstr(r->body, "name=\"g1_title\"")); /* one empty goal more */
    h_free(r);

    /* a step's button: 303 back to the plan */
    const char *step_id = h_sql_str(h,
                                    "SELECT s.id FROM plan_steps s JOIN plans p ON p.id = s.plan_id"
                                    " WHERE s.case_id = %Q AND p.is_current = 1 LIMIT 1",
                                    cs);
    const char *done[] = { "_csrf", fm1.csrf, "status", "done", NULL };
    h_snap_take(h, &s);
    r = h_browse(h, "POST", h_printf(h, "/plan-steps/%s", step_id), fm1.cookies, h_form(h, done));
    h_expect_redirect(r, page);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.step_update", "fm1");
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT status FROM plan_steps WHERE id = %Q", step_id),
                        "done");

    /* the print view: no navigation, the plain-language sentences, audited as a print */
    h_snap_take(h, &s);
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/plan/print", cs), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, s.audit, r, "plan.print", "fm1");
    assert_null(strstr(r->body, "lotse-header"));
    assert_null(strstr(r->body, "<nav"));
    assert_true(strstr(r->body, "rechtlich nicht verbindlich") ||
                strstr(r->body, "not legally binding"));
    assert_true(strstr(r->body, "Jugendamt") != NULL);
    h_free(r);

    /* an old version read-only; an unknown version 404 */
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/plan?version=7", cs), fm1.cookies, NULL);
    EXPECT_STATUS(r, 404);
    h_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(versions_are_kept_and_the_current_pointer_moves),
        cmocka_unit_test(bad_input_is_one_422_naming_every_path_and_stores_nothing),
        cmocka_unit_test(other_case_managers_and_jobcenters_are_refused),
        cmocka_unit_test(no_plan_yet_is_404_and_a_closed_case_is_409),
        cmocka_unit_test(steps_change_only_in_the_current_version),
        cmocka_unit_test(the_pages_agree_show_and_print_a_plan),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_plans", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
