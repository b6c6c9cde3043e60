/*
 * tests/http/test_api_casework.c — the end of a case's cycle and the work
 * around it: continuation reviews (dates, the two-year limit and its
 * justification), integrations, closure with reason codes (read-only
 * afterwards, a later case linked to the old one), the worklist, the case
 * timeline and search — over the API and the pages, each with its errors,
 * its audit entry and nothing stored on refusal.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
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
        h_token(h, *u);
    h_sign_in(h, &fm1, "fm1");
    return 0;
}

/* An active case of USER that no earlier test has used (OFFSET picks one). */
static const char *
active_case(struct harness *h, const char *user, int offset)
{
    const char *id = h_sql_str(h,
                               "SELECT id FROM cases WHERE case_manager_id = %Q AND status ="
                               " 'active' ORDER BY id LIMIT 1 OFFSET %d",
                               h_user_id(h, user), offset);
    assert_non_null(id);
    return id;
}

static struct h_resp *
post(struct harness *h, const char *user, const char *path, const char *body)
{
    return h_api(h, "POST", path, h_token(h, user), body);
}

/* ---- continuation review ---- */

static void
review_sets_the_next_date_and_is_audited(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 0);
    char body[256];
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Stabil, Ziele offen, "
             "Beratung laeuft weiter\"}",
             h_day(0));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/reviews", id), body);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "case.review", "fm1");
    const char *next = h_jstr(r->json, "next_review_due");
    assert_non_null(next);
    assert_string_equal(h_jstr(r->json, "decision"), "continue");
    /* six months on, kept on the case */
    assert_string_equal(h_sql_str(h, "SELECT next_review_due FROM cases WHERE id = %Q", id), next);
    assert_int_equal(h_count(h, "SELECT count(*) FROM case_reviews WHERE case_id = %Q", id), 1);
    assert_true(strcmp(next, h_day(180)) >= 0 && strcmp(next, h_day(186)) <= 0);
    h_free(r);
    /* a review dated before this one would move the next date backwards */
    struct h_snap before;
    h_snap_take(h, &before);
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Nachgetragen,"
             " Prüfung aus der Vorwoche\"}",
             h_day(-7));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/reviews", id), body);
    EXPECT_ERRORS(r, "date");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
review_refuses_bad_dates_and_fields(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 1);
    const char *p = h_printf(h, "/api/v1/cases/%s/reviews", id);
    struct h_snap before;
    h_snap_take(h, &before);
    char body[256];
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"decision\":\"maybe\",\"justification\":\" \"}",
             h_day(3));
    struct h_resp *r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "date", "decision", "justification");
    h_free(r);
    /* a review before the case started */
    snprintf(body, sizeof body,
             "{\"date\":\"2005-01-01\",\"decision\":\"continue\",\"justification\":\"Gut\"}");
    r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "date");
    h_free(r);
    r = post(h, "fm1", p, "{\"date\":\"2026-01-01\",\"decision\":\"continue\",\"x\":1}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    /* not one's own case, another Jobcenter */
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Gut\"}", h_day(0));
    r = post(h, "fm2", p, body);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = post(h, "fm4", p, body);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    /* a closed case */
    const char *closed = h_sql_str(h,
                                   "SELECT id FROM cases WHERE case_manager_id = %Q AND status ="
                                   " 'closed' LIMIT 1",
                                   h_user_id(h, "fm1"));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/reviews", closed), body);
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
continuing_past_the_limit_needs_a_justification(void **state)
{
    struct harness *h = *state;
    /* a case whose limit falls before the next review would */
    const char *id = h_sql_str(h,
                               "SELECT id FROM cases WHERE case_manager_id = %Q AND status ="
                               " 'active' AND limit_date < %Q AND limit_justified_on IS NULL"
                               " ORDER BY id DESC LIMIT 1",
                               h_user_id(h, "fm1"), h_day(150));
    assert_non_null(id);
    const char *p = h_printf(h, "/api/v1/cases/%s/reviews", id);
    char body[512];
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Weiter so\"}",
             h_day(0));
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "justification");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Die Suchtberatung"
             " beginnt erst im Januar; ein Abbruch jetzt gefährdet den Erfolg.\"}",
             h_day(0));
    r = post(h, "fm1", p, body);
    EXPECT_STATUS(r, 201);
    assert_true(json_is_true(h_jget(r->json, "beyond_limit")));
    assert_string_equal(h_sql_str(h, "SELECT limit_justified_on FROM cases WHERE id = %Q", id),
                        h_day(0));
    h_free(r);
}

/* ---- closure and integration ---- */

static void
closure_with_an_integration_makes_the_case_read_only(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 2);
    const char *p = h_printf(h, "/api/v1/cases/%s/close", id);
    char body[512];
    struct h_snap before;
    h_snap_take(h, &before);
    /* an integration reason needs the integration */
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"reason\":\"integrated_employment\"}", h_day(0));
    struct h_resp *r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "integration.date");
    h_free(r);
    /* "declined" is only for a referral; "other" needs a justification; no future dates */
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"reason\":\"declined\"}", h_day(0));
    r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "reason");
    h_free(r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"reason\":\"other\"}", h_day(2));
    r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "date", "justification");
    h_free(r);
    r = post(h, "fm1", p, "{\"date\":\"2026-01-01\",\"reason\":\"retired\"}");
    EXPECT_ERRORS(r, "reason");
    h_free(r);
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"reason\":\"need_ended\",\"integration\":{\"date\":\"%s\"}}",
             h_day(0), h_day(0));
    r = post(h, "fm1", p, body);
    EXPECT_ERRORS(r, "integration");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* now properly: closed with the integration, audited once */
    snprintf(
        body, sizeof body,
        "{\"date\":\"%s\",\"reason\":\"integrated_employment\",\"integration\":{\"date\":\"%s\","
        "\"subsidy\":\"integration_subsidy\"}}",
        h_day(0), h_day(7));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = post(h, "fm1", p, body);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.close", "fm1");
    assert_string_equal(h_jstr(r->json, "status"), "closed");
    assert_string_equal(h_jstr(r->json, "closure_reason"), "integrated_employment");
    h_free(r);
    assert_int_equal(
        h_count(h,
                "SELECT count(*) FROM integrations WHERE case_id = %Q AND kind ="
                " 'employment' AND subsidy = 'integration_subsidy' AND start_date = %Q",
                id, h_day(7)),
        1);
    /* read-only from now on */
    h_snap_take(h, &before);
    r = post(h, "fm1", p, body);
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"employment\"}", h_day(0));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/integrations", id), body);
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* the reviews list shows the integration; 16i would not count */
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/reviews", id), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_true(json_is_true(h_jget(json_array_get(h_jget(r->json, "integrations"), 0), "counts")));
    h_free(r);
    /* the client comes back: a new case, linked to the old one */
    const char *client = h_sql_str(h, "SELECT client_id FROM cases WHERE id = %Q", id);
    char create[512];
    snprintf(create, sizeof create,
             "{\"client_id\":\"%s\",\"referral\":{\"source\":\"self\",\"date\":\"%s\",\"reason\":"
             "\"Job nach der Probezeit verloren\"}}",
             client, h_day(0));
    r = post(h, "fm1", "/api/v1/cases", create);
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "previous_case_id"), id);
    h_free(r);
}

static void
integration_of_a_16i_job_does_not_count(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 3);
    char body[256];
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"kind\":\"employment\",\"subsidy\":\"sgb2_16i\"}", h_day(-3));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/integrations", id), body);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "integration.create", "fm1");
    assert_false(json_is_true(h_jget(r->json, "counts")));
    assert_non_null(h_jstr(r->json, "aftercare_until"));
    h_free(r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"minijob\"}", h_day(200));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/integrations", id), body);
    EXPECT_ERRORS(r, "kind");
    h_free(r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"employment\"}", h_day(200));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/integrations", id), body);
    EXPECT_ERRORS(r, "date");
    h_free(r);
}

/* ---- worklist, timeline, search ---- */

static void
worklist_lists_what_is_due_for_the_caller_only(void **state)
{
    struct harness *h = *state;
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", "/api/v1/worklist?days=30", h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "worklist.read", "fm1");
    json_t *items = h_jget(r->json, "items");
    assert_true(json_array_size(items) > 0);
    /* every item is one of fm1's cases, and ordered by due date */
    size_t i;
    json_t *it;
    const char *prev = "";
    bool review = false;
    json_array_foreach(items, i, it)
    {
        const char *cs = h_jstr(it, "case_id");
        assert_int_equal(h_count(h,
                                 "SELECT count(*) FROM cases WHERE id = %Q AND"
                                 " case_manager_id = %Q",
                                 cs, h_user_id(h, "fm1")),
                         1);
        assert_true(strcmp(prev, h_jstr(it, "due")) <= 0);
        prev = h_jstr(it, "due");
        review = review || strcmp(h_jstr(it, "kind"), "review") == 0;
    }
    /* a case whose continuation review falls in the window is on the list */
    long long due = h_count(h,
                            "SELECT count(*) FROM cases WHERE case_manager_id = %Q AND status ="
                            " 'active' AND closure_due = 0 AND next_review_due <= %Q",
                            h_user_id(h, "fm1"), h_day(30));
    assert_true(due == 0 || review);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/worklist?days=abc", h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "days");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/worklist?days=91", h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "days");
    h_free(r);
    /* a team lead has no caseload: nothing of anyone's clients */
    r = h_api(h, "GET", "/api/v1/worklist", h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 0);
    h_free(r);
}

static void
timeline_shows_the_history_filtered_by_kind(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 4);
    char body[256];
    snprintf(body, sizeof body,
             "{\"date\":\"%s\",\"decision\":\"continue\",\"justification\":\"Weiter mit Plan, "
             "Beratung läuft gut an\"}",
             h_day(0));
    struct h_resp *r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/reviews", id), body);
    EXPECT_STATUS(r, 201);
    h_free(r);
    snprintf(body, sizeof body, "{\"date\":\"%s\",\"kind\":\"apprenticeship\"}", h_day(10));
    r = post(h, "fm1", h_printf(h, "/api/v1/cases/%s/integrations", id), body);
    EXPECT_STATUS(r, 201);
    h_free(r);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/timeline", id), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.timeline", "fm1");
    json_t *items = h_jget(r->json, "items");
    /* newest first: the integration was recorded after the review; the referral is there */
    int integration = -1, review = -1, referral = -1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *k = h_jstr(it, "kind");
        if (strcmp(k, "integration") == 0)
            integration = (int)i;
        else if (strcmp(k, "review") == 0)
            review = (int)i;
        else if (strcmp(k, "case") == 0)
            referral = (int)i;
    }
    assert_true(integration >= 0 && review > integration && referral >= 0);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/timeline?kind=review", id), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 1);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/timeline?kind=gossip", id), h_token(h, "fm1"),
              NULL);
    EXPECT_ERRORS(r, "kind");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/timeline", id), h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    /* the case page shows the newest 50 events and the rest on request */
    const char *busy = h_sql_str(h,
                                 "SELECT case_id FROM notes GROUP BY case_id HAVING count(*) > 60"
                                 " AND case_id IN (SELECT id FROM cases WHERE case_manager_id = %Q)"
                                 " LIMIT 1",
                                 h_user_id(h, "fm1"));
    assert_non_null(busy); /* the demo's showcase case */
    {
        r = h_browse(h, "GET", h_printf(h, "/cases/%s", busy), fm1.cookies, NULL);
        EXPECT_STATUS(r, 200);
        size_t shown = 0;
        for (const char *q = r->body; (q = strstr(q, "lotse-timeline__item")); q++)
            shown++;
        assert_int_equal(shown, 50);
        assert_non_null(strstr(r->body, "?all=1"));
        h_free(r);
        r = h_browse(h, "GET", h_printf(h, "/cases/%s?all=1", busy), fm1.cookies, NULL);
        EXPECT_STATUS(r, 200);
        h_expect_html(r);
        shown = 0;
        for (const char *q = r->body; (q = strstr(q, "lotse-timeline__item")); q++)
            shown++;
        assert_true(shown > 60);
        h_free(r);
    }
    /* the case page shows the history */
    r = h_browse(h, "GET", h_printf(h, "/cases/%s", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "Weiter mit Plan, Beratung läuft gut an"));
    h_free(r);
}

static void
search_finds_own_clients_only(void **state)
{
    struct harness *h = *state;
    const char *last = h_sql_str(h,
                                 "SELECT c.last_name FROM cases k JOIN clients c ON c.id ="
                                 " k.client_id WHERE k.case_manager_id = %Q ORDER BY k.id LIMIT 1",
                                 h_user_id(h, "fm1"));
    char q[64], p[256];
    snprintf(q, sizeof q, "%.3s", last);
    char enc[160];
    h_urlencode(enc, sizeof enc, q);
    snprintf(p, sizeof p, "/api/v1/search?q=%s", enc);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", p, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "client.search", "fm1");
    /* the search words stay out of the audit trail */
    assert_int_equal(h_count(h, "SELECT count(*) FROM audit WHERE detail LIKE %Q", q), 0);
    json_t *items = h_jget(r->json, "items");
    assert_true(json_array_size(items) >= 1);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        assert_int_equal(h_count(h,
                                 "SELECT count(*) FROM cases WHERE id = %Q AND case_manager_id"
                                 " = %Q",
                                 h_jstr(it, "case_id"), h_user_id(h, "fm1")),
                         1);
    }
    h_free(r);
    /* a name only fm2 has finds nothing for fm1 */
    const char *other = h_sql_str(h,
                                  "SELECT c.last_name FROM cases k JOIN clients c ON c.id ="
                                  " k.client_id WHERE k.case_manager_id = %Q AND c.last_name NOT"
                                  " IN (SELECT c2.last_name FROM cases k2 JOIN clients c2 ON"
                                  " c2.id = k2.client_id WHERE k2.case_manager_id = %Q) LIMIT 1",
                                  h_user_id(h, "fm2"), h_user_id(h, "fm1"));
    assert_non_null(other);
    {
        h_urlencode(enc, sizeof enc, other);
        snprintf(p, sizeof p, "/api/v1/search?q=%s", enc);
        r = h_api(h, "GET", p, h_token(h, "fm1"), NULL);
        EXPECT_STATUS(r, 200);
        assert_int_equal(json_array_size(h_jget(r->json, "items")), 0);
        h_free(r);
    }
    /* the customer number prefix works too */
    const char *number = h_sql_str(h,
                                   "SELECT c.customer_number FROM cases k JOIN clients c ON c.id"
                                   " = k.client_id WHERE k.case_manager_id = %Q LIMIT 1",
                                   h_user_id(h, "fm1"));
    snprintf(p, sizeof p, "/api/v1/search?q=%s", number);
    r = h_api(h, "GET", p, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    items = h_jget(r->json, "items");
    assert_true(json_array_size(items) >= 1); /* the client's cases, earlier ones too */
    json_array_foreach(items, i, it)
    {
        assert_string_equal(h_jstr(it, "client.customer_number"), number);
    }
    h_free(r);
    /* an umlaut name is found by its spelt-out form, in any case */
    const char *umlaut = h_sql_str(h,
                                   "SELECT c.last_key FROM cases k JOIN clients c ON c.id ="
                                   " k.client_id WHERE k.case_manager_id = %Q AND (c.last_name"
                                   " LIKE '%%ü%%' OR c.last_name LIKE '%%ö%%' OR c.last_name LIKE"
                                   " '%%ä%%') LIMIT 1",
                                   h_user_id(h, "fm1"));
    assert_non_null(umlaut); /* the demo names are German: there is one */
    {
        char upper[64];
        snprintf(upper, sizeof upper, "%s", umlaut);
        for (char *c = upper; *c; c++)
            if (*c >= 'a' && *c <= 'z')
                *c = (char)(*c - 'a' + 'A');
        h_urlencode(enc, sizeof enc, upper);
        snprintf(p, sizeof p, "/api/v1/search?q=%s", enc);
        r = h_api(h, "GET", p, h_token(h, "fm1"), NULL);
        EXPECT_STATUS(r, 200);
        assert_true(json_array_size(h_jget(r->json, "items")) >= 1);
        h_free(r);
    }
    r = h_api(h, "GET", "/api/v1/search?q=", h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "q");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/search?q=a+b+c", h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "q");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/search?q=Mei", h_token(h, "tl1"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
}

/* ---- pages ---- */

static void
review_and_close_through_the_pages(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, "fm1", 5);
    /* the review form comes prefilled with today and the case's facts */
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/cases/%s/review?return=/", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    char today_de[11];
    const char *t = h_day(0);
    snprintf(today_de, sizeof today_de, "%.2s.%.2s.%.4s", t + 8, t + 5, t);
    assert_non_null(strstr(r->body, today_de));
    h_free(r);
    /* an error keeps the input */
    char *body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", "31.02.2026", "decision",
                                             "continue", "justification", "Läuft <gut>", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/review", id), fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "Läuft &lt;gut&gt;"));
    assert_non_null(strstr(r->body, "31.02.2026"));
    h_free(r);
    /* "close" leads on to the closure form */
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today_de, "decision", "close",
                                       "justification", "Ziele erreicht", "return", "/", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/review", id), fm1.cookies, body);
    h_expect_redirect(r, h_printf(h, "/cases/%s/close", id));
    h_free(r);
    assert_int_equal(h_count(h, "SELECT closure_due FROM cases WHERE id = %Q", id), 1);
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/close", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    /* without the CSRF token nothing happens */
    body = h_form(h, (const char *[]){ "date", today_de, "reason", "goals_reached", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/close", id), fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    body =
        h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today_de, "reason", "goals_reached",
                                    "integration.date", "", "integration.subsidy", "none", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/close", id), fm1.cookies, body);
    h_expect_redirect(r, h_printf(h, "/cases/%s", id));
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT status FROM cases WHERE id = %Q", id), "closed");
    /* the client comes back: a new case from the closed one's page */
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "reason", "", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/reopen", id), fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "reason", "Neue Schulden, Job verloren",
                                       "consent_date", today_de, NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/reopen", id), fm1.cookies, body);
    EXPECT_STATUS(r, 303);
    const char *again = h_sql_str(h, "SELECT id FROM cases WHERE previous_case_id = %Q", id);
    assert_non_null(again);
    h_expect_redirect(r, h_printf(h, "/cases/%s", again));
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT status FROM cases WHERE id = %Q", again), "active");
    /* the forms of a closed case are refused before anything is read or logged */
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/close", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 409);
    h_free(r);
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/review", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 409);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* the start page works and offers actions */
    r = h_browse(h, "GET", "/?days=30", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    r = h_browse(h, "GET", "/search?q=a", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(review_sets_the_next_date_and_is_audited),
        cmocka_unit_test(review_refuses_bad_dates_and_fields),
        cmocka_unit_test(continuing_past_the_limit_needs_a_justification),
        cmocka_unit_test(closure_with_an_integration_makes_the_case_read_only),
        cmocka_unit_test(integration_of_a_16i_job_does_not_count),
        cmocka_unit_test(worklist_lists_what_is_due_for_the_caller_only),
        cmocka_unit_test(timeline_shows_the_history_filtered_by_kind),
        cmocka_unit_test(search_finds_own_clients_only),
        cmocka_unit_test(review_and_close_through_the_pages),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_casework", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
