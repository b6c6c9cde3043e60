/*
 * tests/http/test_web.c — the browser routes: GET / without a session is a
 * 303 to /login; sign-in with the double-submit token; the session cookie
 * is HttpOnly and SameSite=Strict; every POST needs the session's _csrf
 * (403 and nothing stored without it); HTML carries a Content-Security-
 * Policy without 'unsafe-inline' and X-Frame-Options DENY; input is never
 * reflected unescaped; /static serves the embedded files and nothing else.
 */
#include "harness.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- helpers ---- */

static bool
has_attr(const char *cookie, const char *attr)
{
    /* attributes are "; Name" or "; Name=value", case-insensitive */
    size_t n = strlen(attr);
    for (const char *p = strchr(cookie, ';'); p; p = strchr(p + 1, ';')) {
        const char *a = p + 1;
        while (*a == ' ')
            a++;
        if (strncasecmp(a, attr, n) == 0 && (a[n] == ';' || a[n] == '\0' || a[n] == '='))
            return true;
    }
    return false;
}

static struct h_browser fm1;

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    h_token(h, "fm1"); /* API tokens, signed in before any snapshot */
    h_token(h, "fm2");
    return 0;
}

/* ---- no session ---- */

static void
pages_without_a_session_redirect_to_login(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_browse(h, "GET", "/", NULL, NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
    r = h_browse(h, "GET", "/intake", NULL, NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
    r = h_browse(h, "GET", "/cases/cs_anything", NULL, NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
    r = h_browse(h, "GET", "/", "lotse_session=not-a-session-token", NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
    /* a form posted without a session stores nothing */
    r = h_browse(h, "POST", "/intake", NULL, "customer_number=123A000001&first_name=X");
    assert_true(r->status == 303 || r->status == 401 || r->status == 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- sign-in ---- */

static void
login_page_has_security_headers_and_a_strict_pre_cookie(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_browse(h, "GET", "/login", NULL, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    const char *attrs = NULL;
    const char *pre = h_set_cookie(r, "lotse_pre", &attrs);
    assert_non_null(pre);
    assert_true(strlen(pre) >= 32);
    assert_true(has_attr(attrs, "HttpOnly"));
    assert_true(has_attr(attrs, "SameSite=Strict"));
    assert_true(has_attr(attrs, "Path=/"));
    h_free(r);
}

static void
login_without_the_csrf_token_is_403(void **state)
{
    struct harness *h = *state;
    char pre[128], other[128], cookies[200];
    h_pre_token(h, pre);
    h_pre_token(h, other);
    assert_string_not_equal(pre, other);
    struct h_snap before;
    h_snap_take(h, &before);
    snprintf(cookies, sizeof cookies, "lotse_pre=%s", pre);
    /* no field */
    char *body = h_form(h, (const char *[]){ "username", "fm2", "password", H_PASSWORD, NULL });
    struct h_resp *r = h_browse(h, "POST", "/login", cookies, body);
    EXPECT_STATUS(r, 403);
    assert_null(h_set_cookie(r, "lotse_session", NULL));
    h_free(r);
    /* a field but no cookie */
    body = h_form(
        h, (const char *[]){ "_csrf", pre, "username", "fm2", "password", H_PASSWORD, NULL });
    r = h_browse(h, "POST", "/login", NULL, body);
    EXPECT_STATUS(r, 403);
    assert_null(h_set_cookie(r, "lotse_session", NULL));
    h_free(r);
    /* a field that is not the cookie's */
    body = h_form(
        h, (const char *[]){ "_csrf", other, "username", "fm2", "password", H_PASSWORD, NULL });
    r = h_browse(h, "POST", "/login", cookies, body);
    EXPECT_STATUS(r, 403);
    assert_null(h_set_cookie(r, "lotse_session", NULL));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
login_with_a_wrong_password_is_401(void **state)
{
    struct harness *h = *state;
    char pre[128], cookies[200];
    h_pre_token(h, pre);
    snprintf(cookies, sizeof cookies, "lotse_pre=%s", pre);
    struct h_snap before;
    h_snap_take(h, &before);
    char *body = h_form(h, (const char *[]){ "_csrf", pre, "username", "fm3", "password",
                                             "<b>wrong</b> password", NULL });
    struct h_resp *r = h_browse(h, "POST", "/login", cookies, body);
    EXPECT_STATUS(r, 401);
    h_expect_html(r);
    assert_null(h_set_cookie(r, "lotse_session", NULL));
    assert_null(strstr(r->body, "<b>wrong</b>"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
login_sets_an_httponly_strict_session_cookie(void **state)
{
    struct harness *h = *state;
    char pre[128], cookies[200];
    h_pre_token(h, pre);
    snprintf(cookies, sizeof cookies, "lotse_pre=%s", pre);
    long long sessions = h_count(h, "SELECT count(*) FROM tokens WHERE kind = 2");
    char *body = h_form(
        h, (const char *[]){ "_csrf", pre, "username", "fm1", "password", H_PASSWORD, NULL });
    struct h_resp *r = h_browse(h, "POST", "/login", cookies, body);
    h_expect_redirect(r, "/");
    const char *attrs = NULL;
    const char *s = h_set_cookie(r, "lotse_session", &attrs);
    assert_non_null(s);
    assert_true(strlen(s) >= 32);
    assert_true(has_attr(attrs, "HttpOnly"));
    assert_true(has_attr(attrs, "SameSite=Strict"));
    assert_true(has_attr(attrs, "Path=/"));
    snprintf(fm1.session, sizeof fm1.session, "%s", s);
    snprintf(fm1.cookies, sizeof fm1.cookies, "lotse_session=%s", s);
    assert_int_equal(h_count(h, "SELECT count(*) FROM tokens WHERE kind = 2"), sessions + 1);
    h_free(r);
    h_find_csrf(h, &fm1, "fm1");
    assert_true(strlen(fm1.csrf) >= 32);
}

/* ---- pages ---- */

static void
home_page_lists_own_cases_and_is_audited(void **state)
{
    struct harness *h = *state;
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    /* a case manager's start page is the worklist, the case list is at /cases */
    struct h_resp *r = h_browse(h, "GET", "/", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "worklist.read", "fm1");
    h_free(r);
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_browse(h, "GET", "/cases", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "case.list", "fm1");
    h_free(r);
    /* (and the own cases are shown by name: the check above can see names) */
    r = h_browse(h, "GET", "/cases?status=active", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    const char *one = h_sql_str(h,
                                "SELECT c.last_name FROM clients c JOIN cases k ON k.client_id ="
                                " c.id WHERE k.case_manager_id = %Q AND k.status = 'active'"
                                " ORDER BY k.id LIMIT 1",
                                h_user_id(h, "fm1"));
    assert_non_null(strstr(r->body, one));
    h_free(r);
}

static void
case_page_follows_the_access_rules(void **state)
{
    struct harness *h = *state;
    const char *own =
        h_sql_str(h,
                  "SELECT id FROM cases WHERE case_manager_id = %Q AND status = 'active'"
                  " ORDER BY id LIMIT 1",
                  h_user_id(h, "fm1"));
    char path[128];
    snprintf(path, sizeof path, "/cases/%s", own);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_browse(h, "GET", path, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm1");
    h_free(r);

    const char *colleague = h_sql_str(h,
                                      "SELECT id FROM cases WHERE case_manager_id = %Q ORDER BY id"
                                      " LIMIT 1",
                                      h_user_id(h, "fm2"));
    const char *foreign = h_sql_str(h,
                                    "SELECT id FROM cases WHERE case_manager_id = %Q ORDER BY id"
                                    " LIMIT 1",
                                    h_user_id(h, "fm4"));
    struct h_snap before;
    h_snap_take(h, &before);
    snprintf(path, sizeof path, "/cases/%s", colleague);
    r = h_browse(h, "GET", path, fm1.cookies, NULL);
    EXPECT_STATUS(r, 403);
    h_expect_html(r);
    h_free(r);
    snprintf(path, sizeof path, "/cases/%s", foreign);
    r = h_browse(h, "GET", path, fm1.cookies, NULL);
    EXPECT_STATUS(r, 404);
    h_expect_html(r);
    h_free(r);
    r = h_browse(h, "GET", "/cases/%3Cscript%3Ealert(1)%3C%2Fscript%3E", fm1.cookies, NULL);
    EXPECT_STATUS(r, 404);
    assert_null(strstr(r->body, "<script>alert(1)</script>"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- POST /intake ---- */

static char *
intake_form(struct harness *h, const char *csrf, const char *number, const char *first_name,
            const char *postcode)
{
    const char *pairs[] = { "customer_number",
                            number,
                            "first_name",
                            first_name,
                            "last_name",
                            "Formular",
                            "birth_date",
                            "1990-05-06",
                            "address.street",
                            "Schulstraße 3",
                            "address.postcode",
                            postcode,
                            "address.city",
                            "Musterstadt",
                            "referral.source",
                            "self",
                            "referral.date",
                            h_day(-7),
                            "referral.reason",
                            "Wohnungssuche und Gesundheit",
                            csrf ? "_csrf" : NULL,
                            csrf,
                            NULL };
    return h_form(h, pairs);
}

static void
intake_without_the_right_csrf_token_is_403_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    char pre[128];
    h_pre_token(h, pre);
    struct h_browser fm2;
    h_sign_in(h, &fm2, "fm2");
    struct h_snap before;
    h_snap_take(h, &before);
    char *body = intake_form(h, NULL, "321A000001", "Ohne", "12043");
    struct h_resp *r = h_browse(h, "POST", "/intake", fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    static const char *const wrong[] = { "", "x", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                                         NULL };
    for (const char *const *w = wrong; *w; w++) {
        body = intake_form(h, *w, "321A000001", "Falsch", "12043");
        r = h_browse(h, "POST", "/intake", fm1.cookies, body);
        EXPECT_STATUS(r, 403);
        h_free(r);
    }
    /* the pre-session token is not the session's */
    body = intake_form(h, pre, "321A000001", "Vorher", "12043");
    char cookies[400];
    snprintf(cookies, sizeof cookies, "%s; lotse_pre=%s", fm1.cookies, pre);
    r = h_browse(h, "POST", "/intake", cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    /* nor is another session's */
    body = intake_form(h, fm1.csrf, "321A000001", "Quer", "12043");
    r = h_browse(h, "POST", "/intake", fm2.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    body = intake_form(h, fm2.csrf, "321A000001", "Quer", "12043");
    r = h_browse(h, "POST", "/intake", fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    /* nor a form without a session */
    body = intake_form(h, fm1.csrf, "321A000001", "Fremd", "12043");
    r = h_browse(h, "POST", "/intake", NULL, body);
    assert_true(r->status == 303 || r->status == 401 || r->status == 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
intake_with_the_csrf_token_stores_client_and_case(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    char *body = intake_form(h, fm1.csrf, "321A000002", "Gisela", "12043");
    struct h_resp *r = h_browse(h, "POST", "/intake", fm1.cookies, body);
    EXPECT_STATUS(r, 303);
    const char *loc = h_header(r, "Location");
    assert_non_null(loc);
    assert_true(strncmp(loc, "/cases/", 7) == 0);
    assert_int_equal(h_count(h, "SELECT count(*) FROM clients"), before.clients + 1);
    assert_int_equal(h_count(h, "SELECT count(*) FROM cases"), before.cases + 1);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM cases k JOIN clients c ON c.id = k.client_id"
                             " WHERE k.id = %Q AND c.first_name = 'Gisela'"
                             " AND c.customer_number = '321A000002' AND k.case_manager_id = %Q",
                             loc + 7, h_user_id(h, "fm1")),
                     1);
    h_free(r);
}

static void
intake_errors_never_reflect_markup(void **state)
{
    struct harness *h = *state;
    static const char script[] = "<script>alert(\"x\")</script>";
    struct h_snap before;
    h_snap_take(h, &before);
    char *body = intake_form(h, fm1.csrf, "321A000003", script, "12'><svg onload=alert(1)>");
    struct h_resp *r = h_browse(h, "POST", "/intake", fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_null(strstr(r->body, "<script>"));
    assert_null(strstr(r->body, "<svg"));
    h_free(r);
    /* invalid UTF-8 in a form */
    char csrf_enc[256];
    h_urlencode(csrf_enc, sizeof csrf_enc, fm1.csrf);
    char raw[1024];
    snprintf(raw, sizeof raw,
             "_csrf=%s&customer_number=321A000004&first_name=%%FF%%FE&last_name=X"
             "&birth_date=1990-05-06&address.street=S&address.postcode=12043&address.city=C"
             "&referral.source=self&referral.date=%s&referral.reason=R",
             csrf_enc, h_day(-7));
    r = h_browse(h, "POST", "/intake", fm1.cookies, raw);
    assert_true(r->status == 400 || r->status == 422);
    h_free(r);
    /* a field twice */
    snprintf(raw, sizeof raw, "_csrf=%s&first_name=A&first_name=B", csrf_enc);
    r = h_browse(h, "POST", "/intake", fm1.cookies, raw);
    assert_true(r->status == 400 || r->status == 422);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* Intake writes the client and the case in one go: when the case part is
 * refused, the client is not stored either. */
static void
intake_refused_by_the_rules_stores_nothing(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    /* a referral date in the future is found only after the client part passed */
    const char *pairs[] = { "_csrf",
                            fm1.csrf,
                            "customer_number",
                            "321A000005",
                            "first_name",
                            "Zukunft",
                            "last_name",
                            "Formular",
                            "birth_date",
                            "1990-05-06",
                            "address.street",
                            "Schulstraße 3",
                            "address.postcode",
                            "12043",
                            "address.city",
                            "Musterstadt",
                            "referral.source",
                            "self",
                            "referral.date",
                            "2099-01-01",
                            "referral.reason",
                            "Test",
                            NULL };
    struct h_resp *r = h_browse(h, "POST", "/intake", fm1.cookies, h_form(h, pairs));
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* a customer number that is taken */
    h_snap_take(h, &before);
    char *body = intake_form(h, fm1.csrf, "321A000002", "Doppelt", "12043");
    r = h_browse(h, "POST", "/intake", fm1.cookies, body);
    EXPECT_STATUS(r, 409);
    h_expect_html(r);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* The sign-in brake on the form: after five failures (the default) for one
 * user, 429 with Retry-After, even for the right password. */
static void
repeated_failed_sign_ins_are_429_with_retry_after(void **state)
{
    struct harness *h = *state;
    char pre[128], cookies[200];
    h_pre_token(h, pre);
    snprintf(cookies, sizeof cookies, "lotse_pre=%s", pre);
    struct h_snap before;
    h_snap_take(h, &before);
    char *wrong = h_form(h, (const char *[]){ "_csrf", pre, "username", "an1", "password",
                                              "not-the-password", NULL });
    for (int i = 0; i < 5; i++) {
        struct h_resp *r = h_browse(h, "POST", "/login", cookies, wrong);
        EXPECT_STATUS(r, 401);
        h_free(r);
    }
    char *right = h_form(
        h, (const char *[]){ "_csrf", pre, "username", "an1", "password", H_PASSWORD, NULL });
    struct h_resp *r = h_browse(h, "POST", "/login", cookies, right);
    EXPECT_STATUS(r, 429);
    h_expect_html(r);
    const char *ra = h_header(r, "Retry-After");
    assert_non_null(ra);
    assert_true(atol(ra) >= 1 && atol(ra) <= 900);
    assert_null(h_set_cookie(r, "lotse_session", NULL));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* A referred case of fm1 made through the API, referred 30 days ago. */
static const char *
fresh_referred_case(struct harness *h)
{
    static int n;
    char number[16];
    snprintf(number, sizeof number, "654C%06d", ++n);
    json_t *c =
        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", number, "first_name",
                  "Wilhelmine", "last_name", "Aktivierungstest", "birth_date", "1970-01-02",
                  "address", "street", "Weg 1", "postcode", "12043", "city", "Musterstadt");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), c);
    EXPECT_STATUS(r, 201);
    json_t *k = json_pack("{s:s,s:{s:s,s:s,s:s}}", "client_id", h_jstr(r->json, "id"), "referral",
                          "source", "self", "date", h_day(-30), "reason", "Test");
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), k);
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

/* A bad date shows the case page again, with the error. That page shows
 * the case and the client's name: a read of personal data, so it leaves
 * its audit entry like any other (or it must not show them). */
static void
activate_form_error_page_is_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_referred_case(h);
    char path[128];
    snprintf(path, sizeof path, "/cases/%s/activate", kase);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r =
        h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, "consent_date", h_day(30), NULL }));
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_int_equal(
        h_count(h, "SELECT count(*) FROM cases WHERE id = %Q AND status = 'referred'", kase), 1);
    if (strstr(r->body, "Aktivierungstest"))
        EXPECT_ONE_AUDIT(h, before.audit, r, "case.read", "fm1");
    else
        EXPECT_NOTHING_STORED(h, &before);
    h_free(r);
}

/* With the token and a good date (German, as the form asks) the case
 * becomes active. */
static void
activate_form_activates_the_case(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_referred_case(h);
    char path[128];
    snprintf(path, sizeof path, "/cases/%s/activate", kase);
    char de[11];
    const char *iso = h_strdup(h, h_day(-2));
    snprintf(de, sizeof de, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, "consent_date", de, NULL }));
    char want[128];
    snprintf(want, sizeof want, "/cases/%s", kase);
    h_expect_redirect(r, want);
    EXPECT_ONE_AUDIT(h, audit, r, "case.activate", "fm1");
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM cases WHERE id = %Q AND status = 'active'"
                             " AND consent_date = %Q",
                             kase, iso),
                     1);
    h_free(r);
}

/* A team lead's start page lists the team's cases without client names. */
static void
team_lead_home_page_shows_no_client_names(void **state)
{
    struct harness *h = *state;
    struct h_browser tl1;
    h_sign_in(h, &tl1, "tl1");
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_browse(h, "GET", "/?status=active", tl1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "case.list", "tl1");
    EXPECT_NO_SURNAMES(h, r, h_user_id(h, "fm1"));
    EXPECT_NO_SURNAMES(h, r, h_user_id(h, "fm2"));
    EXPECT_NO_SURNAMES(h, r, h_user_id(h, "fm3"));
    h_free(r);
}

static void
intake_form_page(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_browse(h, "GET", "/intake", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);
    /* signed in, the sign-in page sends one home */
    r = h_browse(h, "GET", "/login", fm1.cookies, NULL);
    h_expect_redirect(r, "/");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
activate_form_needs_the_csrf_token(void **state)
{
    struct harness *h = *state;
    const char *kase = h_sql_str(h,
                                 "SELECT id FROM cases WHERE case_manager_id = %Q AND status ="
                                 " 'referred' ORDER BY id LIMIT 1",
                                 h_user_id(h, "fm1"));
    assert_non_null(kase);
    char path[128];
    snprintf(path, sizeof path, "/cases/%s/activate", kase);
    struct h_snap before;
    h_snap_take(h, &before);
    char *body = h_form(h, (const char *[]){ "consent_date", h_day(-1), NULL });
    struct h_resp *r = h_browse(h, "POST", path, fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", "wrong", "consent_date", h_day(-1), NULL });
    r = h_browse(h, "POST", path, fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
session_cookie_is_not_an_api_token(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_api(h, "GET", "/api/v1/me", fm1.session, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    /* and an API token is not a session */
    char cookies[200];
    snprintf(cookies, sizeof cookies, "lotse_session=%s", h_token(h, "fm2"));
    r = h_browse(h, "GET", "/", cookies, NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
}

/* ---- static files ---- */

static void
static_files_are_served_and_nothing_else(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_browse(h, "GET", "/static/kern.min.css", NULL, NULL);
    EXPECT_STATUS(r, 200);
    assert_true(strncmp(h_header(r, "Content-Type"), "text/css", 8) == 0);
    assert_true(r->body_len > 1000);
    h_free(r);
    r = h_browse(h, "GET", "/static/lotse.css", NULL, NULL);
    EXPECT_STATUS(r, 200);
    assert_true(strncmp(h_header(r, "Content-Type"), "text/css", 8) == 0);
    h_free(r);

    static const char *const hostile[] = { "/static/../../etc/passwd",
                                           "/static/%2e%2e/%2e%2e/etc/passwd",
                                           "/static/..%2f..%2f..%2fetc%2fpasswd",
                                           "/static/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                                           "/static/....//....//etc/passwd",
                                           "/static//etc/passwd",
                                           "/static/%2fetc%2fpasswd",
                                           "/static/..%5c..%5cetc%5cpasswd",
                                           "/static/kern.min.css/../../../../etc/passwd",
                                           "/static/%252e%252e/%252e%252e/etc/passwd",
                                           "/static/../../../../../../proc/self/environ",
                                           "/static/../src/main.c",
                                           "/static/nonexistent",
                                           "/static/nonexistent.css",
                                           "/static/",
                                           NULL };
    for (const char *const *p = hostile; *p; p++) {
        r = h_browse(h, "GET", *p, NULL, NULL);
        if (r->status != 404 && r->status != 400) {
            print_error("GET %s\n", *p);
            EXPECT_STATUS(r, 404);
        }
        assert_null(strstr(r->body, "root:"));
        assert_null(strstr(r->body, "LOTSE_"));
        assert_null(strstr(r->body, "#include"));
        h_free(r);
    }
}

/* ---- the language switch: no open redirect, no header injection ---- */

static void
language_switch_redirects_only_locally(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_browse(h, "GET", "/language?set=en&back=/intake", NULL, NULL);
    h_expect_redirect(r, "/intake");
    h_free(r);
    static const char *const evil[] = { "/language?set=en&back=//evil.example/x",
                                        "/language?set=en&back=https://evil.example",
                                        "/language?set=en&back=/%5Cevil.example",
                                        "/language?set=en&back=%0d%0aSet-Cookie:%20x=1", NULL };
    for (const char *const *p = evil; *p; p++) {
        r = h_browse(h, "GET", *p, NULL, NULL);
        if (strstr(*p, "%0d%0a")) {
            /* control characters in a query value: refused as a whole */
            EXPECT_STATUS(r, 400);
            assert_null(h_header(r, "Location"));
            h_free(r);
            continue;
        }
        EXPECT_STATUS(r, 303);
        const char *loc = h_header(r, "Location");
        assert_non_null(loc);
        assert_true(loc[0] == '/' && loc[1] != '/' && loc[1] != '\\');
        assert_null(strstr(loc, "evil"));
        for (size_t i = 0; i < h_header_count(r, "Set-Cookie"); i++)
            assert_true(strncmp(h_header_nth(r, "Set-Cookie", i), "x=", 2) != 0);
        h_free(r);
    }
}

/* ---- sign-out ---- */

static void
logout_ends_the_session(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_browse(h, "POST", "/logout", fm1.cookies, "");
    EXPECT_STATUS(r, 403); /* no _csrf */
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    char *body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, NULL });
    r = h_browse(h, "POST", "/logout", fm1.cookies, body);
    h_expect_redirect(r, "/login");
    const char *attrs = NULL;
    const char *v = h_set_cookie(r, "lotse_session", &attrs);
    assert_non_null(v);
    assert_string_equal(v, "");
    assert_true(has_attr(attrs, "Max-Age=0") || has_attr(attrs, "Expires"));
    h_free(r);
    r = h_browse(h, "GET", "/", fm1.cookies, NULL);
    h_expect_redirect(r, "/login");
    h_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pages_without_a_session_redirect_to_login),
        cmocka_unit_test(login_page_has_security_headers_and_a_strict_pre_cookie),
        cmocka_unit_test(login_without_the_csrf_token_is_403),
        cmocka_unit_test(login_with_a_wrong_password_is_401),
        cmocka_unit_test(login_sets_an_httponly_strict_session_cookie),
        cmocka_unit_test(home_page_lists_own_cases_and_is_audited),
        cmocka_unit_test(case_page_follows_the_access_rules),
        cmocka_unit_test(intake_without_the_right_csrf_token_is_403_and_stores_nothing),
        cmocka_unit_test(intake_with_the_csrf_token_stores_client_and_case),
        cmocka_unit_test(intake_errors_never_reflect_markup),
        cmocka_unit_test(intake_refused_by_the_rules_stores_nothing),
        cmocka_unit_test(intake_form_page),
        cmocka_unit_test(activate_form_needs_the_csrf_token),
        cmocka_unit_test(activate_form_error_page_is_audited),
        cmocka_unit_test(activate_form_activates_the_case),
        cmocka_unit_test(team_lead_home_page_shows_no_client_names),
        cmocka_unit_test(repeated_failed_sign_ins_are_429_with_retry_after),
        cmocka_unit_test(session_cookie_is_not_an_api_token),
        cmocka_unit_test(static_files_are_served_and_nothing_else),
        cmocka_unit_test(language_switch_redirects_only_locally),
        cmocka_unit_test(logout_ends_the_session),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/web", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
