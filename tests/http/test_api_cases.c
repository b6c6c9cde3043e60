/*
 * tests/http/test_api_cases.c — the API contract "Clients and cases": POST/GET
 * /clients, GET /clients?customer_number=, POST/GET /cases, GET
 * /cases/{id}, POST /cases/{id}/activate, and the oversight reads GET
 * /audit and /audit/verify. Access follows the API contract "Access": the owner 200,
 * another case manager or team lead of the Jobcenter 403 with
 * "break_glass_possible", another Jobcenter 404, dpo/admin/analyst 403.
 * Every refusal stores nothing; every read of personal data leaves exactly
 * one audit entry carrying the response's X-Request-Id.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const everyone[] = { "admin", "tl1",  "fm1", "fm2", "fm3",
                                        "fm4",   "dpo1", "av1", "an1", NULL };

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    for (const char *const *u = everyone; *u; u++)
        h_token(h, *u); /* sign in once, before any snapshot */
    return 0;
}

/* A calendar date DAYS from today (UTC; far enough from today that Berlin agrees). */
/* A customer number no demo client has ("9NNA" + six digits). */
static const char *
fresh_number(void)
{
    static char s[16];
    static int n;
    n++;
    snprintf(s, sizeof s, "9%02dA%06d", n / 1000000 % 100, n % 1000000);
    return s;
}

static json_t *
client_body(const char *number)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s},s:s,s:s,s:s}", "customer_number", number,
                     "first_name", "Erika", "last_name", "Testfrau", "birth_date", "1980-04-01",
                     "address", "street", "Hauptstraße 1", "postcode", "12043", "city",
                     "Musterstadt", "phone", "0151 1234567", "email", "erika@example.org",
                     "language", "de");
}

/* A new client registered by USER; its id (the caller frees). */
static const char *
new_client(struct harness *h, const char *user)
{
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/clients", h_token(h, user), client_body(fresh_number()));
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

static json_t *
case_body(const char *client_id, const char *consent, const char *cm)
{
    json_t *b =
        json_pack("{s:s,s:{s:s,s:s,s:s}}", "client_id", client_id, "referral", "source", "self",
                  "date", h_day(-30), "reason", "Mehrere Handlungsbedarfe: Gesundheit und Wohnen");
    if (consent)
        json_object_set_new(b, "consent_date", json_string(consent));
    if (cm)
        json_object_set_new(b, "case_manager_id", json_string(cm));
    return b;
}

/* A new case for CLIENT_ID opened by USER; its id (the caller frees). */
static const char *
new_case(struct harness *h, const char *user, const char *client_id, const char *consent,
         const char *cm)
{
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/cases", h_token(h, user), case_body(client_id, consent, cm));
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

/* A demo case of USER with STATUS (the caller frees). */
static const char *
demo_case(struct harness *h, const char *user, const char *status)
{
    const char *id = h_sql_str(h,
                               "SELECT id FROM cases WHERE case_manager_id = %Q AND status = %Q"
                               " ORDER BY id LIMIT 1",
                               h_user_id(h, user), status);
    assert_non_null(id);
    return id;
}

static long long
open_cases(struct harness *h, const char *user)
{
    return h_count(h,
                   "SELECT count(*) FROM cases WHERE case_manager_id = %Q AND status <> 'closed'",
                   h_user_id(h, user));
}

/* ---- POST /clients ---- */

static void
case_manager_registers_a_client(void **state)
{
    struct harness *h = *state;
    struct h_snap s;
    h_snap_take(h, &s);
    const char *number = fresh_number();
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), client_body(number));
    EXPECT_STATUS(r, 201);
    assert_non_null(h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "customer_number"), number);
    assert_string_equal(h_jstr(r->json, "first_name"), "Erika");
    assert_string_equal(h_jstr(r->json, "last_name"), "Testfrau");
    assert_string_equal(h_jstr(r->json, "birth_date"), "1980-04-01");
    assert_string_equal(h_jstr(r->json, "address.street"), "Hauptstraße 1");
    assert_string_equal(h_jstr(r->json, "address.postcode"), "12043");
    assert_string_equal(h_jstr(r->json, "address.city"), "Musterstadt");
    assert_string_equal(h_jstr(r->json, "email"), "erika@example.org");
    assert_int_equal(h_count(h, "SELECT count(*) FROM clients"), s.clients + 1);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM clients WHERE id = %Q AND customer_number = %Q",
                             h_jstr(r->json, "id"), number),
                     1);
    assert_int_equal(h_count(h, "SELECT count(*) FROM audit"), s.audit + 1);
    h_free(r);

    /* a placement officer registers clients too */
    new_client(h, "av1");
}

static void
duplicate_customer_number_is_409_client_exists(void **state)
{
    struct harness *h = *state;
    char number[16];
    snprintf(number, sizeof number, "%s", fresh_number());
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), client_body(number));
    EXPECT_STATUS(r, 201);
    h_free(r);

    struct h_snap before;
    h_snap_take(h, &before);
    r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm2"), client_body(number));
    EXPECT_PROBLEM(r, 409, "client_exists");
    h_free(r);
    /* a demo client of the same Jobcenter */
    const char *demo = h_sql_str(h, "SELECT customer_number FROM clients WHERE jobcenter_id ="
                                    " (SELECT jobcenter_id FROM users WHERE username = 'fm1')"
                                    " ORDER BY id LIMIT 1");
    r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "av1"), client_body(demo));
    EXPECT_PROBLEM(r, 409, "client_exists");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
only_case_managers_and_placement_officers_register_clients(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    static const char *const refused[] = { "tl1", "dpo1", "admin", "an1", NULL };
    for (const char *const *u = refused; *u; u++) {
        struct h_resp *r =
            h_apij(h, "POST", "/api/v1/clients", h_token(h, *u), client_body(fresh_number()));
        EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
}

static void
invalid_client_is_422_listing_every_bad_field(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    char long_name[100];
    memset(long_name, 'x', 81);
    long_name[81] = '\0';
    json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s},s:s,s:s,s:s}", "customer_number", "12345",
                          "first_name", "   ", "last_name", long_name, "birth_date", "2001-13-01",
                          "address", "street", "Hauptstraße 1", "postcode", "1234", "phone",
                          "call me", "email", "no-at-sign", "language", "klingonisch");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "customer_number", "first_name", "last_name", "birth_date", "address.postcode",
                  "address.city", "phone", "email", "language");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* the API contract: "Invalid values: 422 listing every bad field" — also when some
 * of them are only found by the rules (a birth date less than 15 years ago)
 * and others by their format. */
static void
format_and_rule_errors_are_listed_together(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    json_t *b = client_body("not-a-number");
    json_object_set_new(b, "birth_date", json_string(h_day(-365)));
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "customer_number", "birth_date");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* One user whose read must be refused, with the status and problem code expected. */
struct refusal {
    const char *user;
    long status;
    const char *code;
};

/* Each user of REFUSED (ended by a NULL user) GETs PATH: the expected problem,
 * no LEAK text in the body, and nothing stored (no audit entry either). */
static void
expect_refused_reads(struct harness *h, const char *path, const struct refusal *refused,
                     const char *leak)
{
    for (const struct refusal *x = refused; x->user; x++) {
        struct h_snap before;
        h_snap_take(h, &before);
        struct h_resp *r = h_api(h, "GET", path, h_token(h, x->user), NULL);
        EXPECT_PROBLEM(r, x->status, x->code);
        if (!x->code)
            EXPECT_NO_CODE(r);
        assert_null(strstr(r->body, leak));
        h_free(r);
        EXPECT_NOTHING_STORED(h, &before);
    }
}

/* ---- GET /clients/{id} ---- */

static void
client_read_follows_the_access_rules(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active");
    const char *client = h_sql_str(h, "SELECT client_id FROM cases WHERE id = %Q", kase);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clients/%s", client);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "id"), client);
    assert_non_null(h_jstr(r->json, "customer_number"));
    assert_non_null(h_jstr(r->json, "last_name"));
    assert_non_null(h_jstr(r->json, "address.city"));
    EXPECT_ONE_AUDIT(h, audit, r, "client.read", "fm1");
    h_free(r);

    static const struct refusal refused[] = {
        { "fm2", 403, "break_glass_possible" },
        { "tl1", 403, "break_glass_possible" },
        { "fm4", 404, NULL },
        { "dpo1", 403, NULL },
        { "admin", 403, NULL },
        { "an1", 403, NULL },
        { NULL, 0, NULL },
    };
    expect_refused_reads(h, path, refused, "Musterstadt");
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "GET", "/api/v1/clients/cl_doesnotexist", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
registrar_reads_a_client_without_a_case(void **state)
{
    struct harness *h = *state;
    const char *client = new_client(h, "av1");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clients/%s", client);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "av1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "client.read", "av1");
    h_free(r);
}

/* ---- GET /clients?customer_number= ---- */

static void
customer_number_lookup_is_exact_and_minimal(void **state)
{
    struct harness *h = *state;
    const char *number = h_sql_str(h, "SELECT customer_number FROM clients WHERE jobcenter_id ="
                                      " (SELECT jobcenter_id FROM users WHERE username = 'fm1')"
                                      " ORDER BY id LIMIT 1");
    const char *id = h_sql_str(h, "SELECT id FROM clients WHERE customer_number = %Q", number);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/clients?customer_number=%s", number);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "av1"), NULL);
    EXPECT_STATUS(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    json_t *it = json_array_get(items, 0);
    assert_string_equal(h_jstr(it, "id"), id);
    assert_string_equal(h_jstr(it, "customer_number"), number);
    assert_int_equal(json_object_size(it), 2); /* nothing else about the person */
    assert_true(json_object_get(r->json, "next_cursor") &&
                json_is_null(json_object_get(r->json, "next_cursor")));
    EXPECT_ONE_AUDIT(h, audit, r, "client.lookup", "av1");
    h_free(r);

    /* not found: an empty list (the lookup itself is recorded) */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", "/api/v1/clients?customer_number=999Z999999", h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
    EXPECT_ONE_AUDIT(h, audit, r, "client.lookup", "fm1");
    h_free(r);

    /* exact match only: a prefix is no customer number */
    struct h_snap before;
    h_snap_take(h, &before);
    snprintf(path, sizeof path, "/api/v1/clients?customer_number=%.9s", number);
    r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "customer_number");
    h_free(r);
    snprintf(path, sizeof path, "/api/v1/clients?customer_number=%s%%25", number);
    r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "customer_number");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/clients?customer_number=%27%20OR%20%271%27%3D%271",
              h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "customer_number");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/clients", h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "customer_number");
    h_free(r);
    snprintf(path, sizeof path, "/api/v1/clients?customer_number=%s", number);
    static const char *const refused[] = { "tl1", "dpo1", "admin", "an1", NULL };
    for (const char *const *u = refused; *u; u++) {
        r = h_api(h, "GET", path, h_token(h, *u), NULL);
        EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- POST /cases ---- */

static void
case_opens_referred_or_active(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_user_id(h, "fm1");
    const char *client = new_client(h, "fm1");
    long long cases = h_count(h, "SELECT count(*) FROM cases");
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, NULL, NULL));
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "status"), "referred");
    assert_string_equal(h_jstr(r->json, "case_manager_id"), fm1);
    assert_string_equal(h_jstr(r->json, "client.id"), client);
    assert_string_equal(h_jstr(r->json, "client.last_name"), "Testfrau");
    assert_string_equal(h_jstr(r->json, "referral.source"), "self");
    assert_string_equal(h_jstr(r->json, "referral.date"), h_day(-30));
    assert_true(json_is_null(json_object_get(r->json, "consent_date")));
    assert_true(json_is_null(json_object_get(r->json, "started_on")));
    assert_int_equal(h_count(h, "SELECT count(*) FROM cases"), cases + 1);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM cases WHERE id = %Q AND status = 'referred'"
                             " AND client_id = %Q AND case_manager_id = %Q",
                             h_jstr(r->json, "id"), client, fm1),
                     1);
    h_free(r);

    /* with the consent date: active, with the dates the rules give */
    client = new_client(h, "fm1");
    char consent[11];
    snprintf(consent, sizeof consent, "%s", h_day(-20));
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, consent, NULL));
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "status"), "active");
    assert_string_equal(h_jstr(r->json, "consent_date"), consent);
    assert_string_equal(h_jstr(r->json, "started_on"), consent);
    const char *review = h_jstr(r->json, "next_review_due");
    const char *limit = h_jstr(r->json, "limit_date");
    assert_non_null(review);
    assert_non_null(limit);
    assert_true(strcmp(review, consent) > 0);
    assert_true(strcmp(limit, review) > 0);
    assert_int_equal(h_count(h, "SELECT count(*) FROM cases WHERE id = %Q AND status = 'active'",
                             h_jstr(r->json, "id")),
                     1);
    h_free(r);
}

static void
second_open_case_is_409_open_case_exists(void **state)
{
    struct harness *h = *state;
    const char *client = new_client(h, "fm1");
    new_case(h, "fm1", client, NULL, NULL);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), case_body(client, NULL, NULL));
    EXPECT_PROBLEM(r, 409, "open_case_exists");
    h_free(r);
    /* whoever asks, and for a demo client with an open case too */
    const char *demo = demo_case(h, "fm2", "active");
    const char *demo_client = h_sql_str(h, "SELECT client_id FROM cases WHERE id = %Q", demo);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "av1"), case_body(demo_client, NULL, NULL));
    EXPECT_PROBLEM(r, 409, "open_case_exists");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
invalid_case_is_422_listing_every_bad_field(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    /* format errors */
    struct h_resp *r = h_api(h, "POST", "/api/v1/cases", h_token(h, "fm1"),
                             "{\"client_id\":42,\"referral\":{\"source\":\"mail\","
                             "\"date\":\"01.02.2026\",\"reason\":\"\"},"
                             "\"consent_date\":\"yesterday\"}");
    EXPECT_ERRORS(r, "client_id", "referral.source", "referral.date", "referral.reason",
                  "consent_date");
    h_free(r);
    r = h_api(h, "POST", "/api/v1/cases", h_token(h, "fm1"), "{}");
    EXPECT_ERRORS(r, "client_id", "referral");
    h_free(r);
    /* rule errors: an unknown client, a referral in the future, consent before referral */
    json_t *b =
        json_pack("{s:s,s:{s:s,s:s,s:s},s:s}", "client_id", "cl_doesnotexist", "referral", "source",
                  "placement", "date", h_day(40), "reason", "Test", "consent_date", h_day(-400));
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "client_id", "referral.date");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* the API contract: "422 listing every bad field" — a format error must not hide a
 * rule error in the same body. */
static void
case_format_and_rule_errors_are_listed_together(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    json_t *b = json_pack("{s:s,s:{s:s,s:s,s:s}}", "client_id", "cl_doesnotexist", "referral",
                          "source", "fax", "date", h_day(40), "reason", "Test");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "referral.source", "referral.date", "client_id");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
case_opening_roles_and_assignees(void **state)
{
    struct harness *h = *state;
    const char *client = new_client(h, "fm1");
    struct h_snap before;
    h_snap_take(h, &before);
    static const char *const refused[] = { "dpo1", "admin", "an1", NULL };
    for (const char *const *u = refused; *u; u++) {
        struct h_resp *r =
            h_apij(h, "POST", "/api/v1/cases", h_token(h, *u), case_body(client, NULL, NULL));
        EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
    }
    /* a case manager opens cases for themselves only */
    struct h_resp *r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"),
                              case_body(client, NULL, h_user_id(h, "fm2")));
    EXPECT_ERRORS(r, "case_manager_id");
    h_free(r);
    /* nobody assigns to another Jobcenter's case manager, or to a non-case-manager */
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
               case_body(client, NULL, h_user_id(h, "fm4")));
    EXPECT_ERRORS(r, "case_manager_id");
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "av1"),
               case_body(client, NULL, h_user_id(h, "dpo1")));
    EXPECT_ERRORS(r, "case_manager_id");
    h_free(r);
    /* another Jobcenter's case manager cannot see this client */
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm4"), case_body(client, NULL, NULL));
    EXPECT_ERRORS(r, "client_id");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    /* a team lead assigns one of the team */
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "tl1"),
               case_body(client, NULL, h_user_id(h, "fm3")));
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "case_manager_id"), h_user_id(h, "fm3"));
    h_free(r);
}

static void
unnamed_case_goes_to_the_least_loaded_case_manager(void **state)
{
    struct harness *h = *state;
    static const char *const team[] = { "fm1", "fm2", "fm3", NULL };
    for (int round = 0; round < 3; round++) {
        const char *who = round == 1 ? "tl1" : "av1";
        const char *client = new_client(h, round == 1 ? "fm1" : "av1");
        long long least = -1;
        for (const char *const *u = team; *u; u++) {
            long long n = open_cases(h, *u);
            if (least < 0 || n < least)
                least = n;
        }
        long long load[3];
        for (int i = 0; i < 3; i++)
            load[i] = open_cases(h, team[i]);
        struct h_resp *r =
            h_apij(h, "POST", "/api/v1/cases", h_token(h, who), case_body(client, NULL, NULL));
        EXPECT_STATUS(r, 201);
        const char *cm = h_jstr(r->json, "case_manager_id");
        assert_non_null(cm);
        int chosen = -1;
        for (int i = 0; i < 3; i++)
            if (strcmp(cm, h_user_id(h, team[i])) == 0)
                chosen = i;
        if (chosen < 0 || load[chosen] != least) {
            print_error("%s's case went to %s (load %lld), the least load is %lld\n", who, cm,
                        chosen < 0 ? -1 : load[chosen], least);
            fail();
        }
        assert_int_equal(h_count(h,
                                 "SELECT count(*) FROM cases WHERE id = %Q AND"
                                 " case_manager_id = %Q AND referred_by = %Q",
                                 h_jstr(r->json, "id"), cm, h_user_id(h, who)),
                         1);
        h_free(r);
    }
}

/* ---- GET /cases/{id} ---- */

static void
case_read_follows_the_access_rules(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s", kase);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    static const char *const keys[] = { "id",
                                        "client",
                                        "case_manager_id",
                                        "status",
                                        "referral",
                                        "consent_date",
                                        "started_on",
                                        "next_review_due",
                                        "plan_review_due",
                                        "limit_date",
                                        "closed_on",
                                        "closure_reason",
                                        "profile",
                                        NULL };
    for (const char *const *k = keys; *k; k++)
        if (!json_object_get(r->json, *k)) {
            print_error("the case has no \"%s\"\n", *k);
            fail();
        }
    static const char *const client_keys[] = { "id", "customer_number", "first_name", "last_name",
                                               NULL };
    for (const char *const *k = client_keys; *k; k++)
        assert_non_null(json_object_get(json_object_get(r->json, "client"), *k));
    assert_string_equal(h_jstr(r->json, "id"), kase);
    assert_string_equal(h_jstr(r->json, "status"), "active");
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm1");
    const char *audited_case = h_sql_str(h, "SELECT case_id FROM audit ORDER BY seq DESC LIMIT 1");
    assert_string_equal(audited_case, kase);
    h_free(r);

    static const struct refusal refused[] = {
        { "fm2", 403, "break_glass_possible" },
        { "fm3", 403, "break_glass_possible" },
        { "tl1", 403, "break_glass_possible" },
        { "fm4", 404, NULL },
        { "dpo1", 403, NULL },
        { "admin", 403, NULL },
        { "an1", 403, NULL },
        { "av1", 403, NULL },
        { NULL, 0, NULL },
    };
    expect_refused_reads(h, path, refused, "first_name");

    /* another Jobcenter's case and a case that does not exist look the same */
    const char *other = demo_case(h, "fm4", "active");
    snprintf(path, sizeof path, "/api/v1/cases/%s", other);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/cases/cs_doesnotexist", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- GET /cases ---- */

static void
case_manager_lists_own_cases_page_by_page(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_user_id(h, "fm1");
    long long total = h_count(h, "SELECT count(*) FROM cases WHERE case_manager_id = %Q", fm1);
    assert_true(total > 20);
    char **seen = h_keep(h, calloc((size_t)total + 1, sizeof *seen));
    if (!seen)
        abort(); /* out of memory */
    long long n = 0;
    char cursor[128] = "";
    int pages = 0;
    for (;;) {
        char path[256];
        if (cursor[0])
            snprintf(path, sizeof path, "/api/v1/cases?limit=17&cursor=%s", cursor);
        else
            snprintf(path, sizeof path, "/api/v1/cases?limit=17");
        long long audit = h_count(h, "SELECT count(*) FROM audit");
        struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
        EXPECT_STATUS(r, 200);
        EXPECT_ONE_AUDIT(h, audit, r, "case.list", "fm1");
        json_t *items = json_object_get(r->json, "items");
        assert_true(json_is_array(items));
        assert_true(json_array_size(items) <= 17);
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it)
        {
            assert_string_equal(h_jstr(it, "case_manager_id"), fm1);
            assert_non_null(h_jstr(it, "client.last_name")); /* the own cases: with names */
            const char *id = h_jstr(it, "id");
            for (long long k = 0; k < n; k++)
                if (strcmp(seen[k], id) == 0) {
                    print_error("case %s on two pages\n", id);
                    fail();
                }
            assert_true(n < total);
            seen[n++] = h_strdup(h, id);
        }
        json_t *next = json_object_get(r->json, "next_cursor");
        assert_non_null(next);
        pages++;
        if (json_is_null(next)) {
            h_free(r);
            break;
        }
        assert_true(json_is_string(next));
        snprintf(cursor, sizeof cursor, "%s", json_string_value(next));
        h_free(r);
        assert_true(pages < 100);
    }
    assert_int_equal(n, total);
    assert_int_equal(pages, (total + 16) / 17);

    /* the status filter */
    long long active = h_count(h,
                               "SELECT count(*) FROM cases WHERE case_manager_id = %Q"
                               " AND status = 'active'",
                               fm1);
    struct h_resp *r =
        h_api(h, "GET", "/api/v1/cases?status=active&limit=500", h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), active);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) assert_string_equal(h_jstr(it, "status"), "active");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/cases?assigned_to=me&status=closed", h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    json_array_foreach(json_object_get(r->json, "items"), i, it)
        assert_string_equal(h_jstr(it, "status"), "closed");
    h_free(r);
}

static void
team_lead_lists_the_team_without_client_names(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_user_id(h, "fm1"), *fm2 = h_user_id(h, "fm2"), *fm3 = h_user_id(h, "fm3");
    long long total = h_count(h, "SELECT count(*) FROM cases WHERE case_manager_id IN (%Q, %Q, %Q)",
                              fm1, fm2, fm3);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", "/api/v1/cases?limit=500", h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.list", "tl1");
    json_t *items = json_object_get(r->json, "items");
    assert_int_equal(json_array_size(items), total);
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        const char *cm = h_jstr(it, "case_manager_id");
        assert_non_null(cm);
        assert_true(strcmp(cm, fm1) == 0 || strcmp(cm, fm2) == 0 || strcmp(cm, fm3) == 0);
        assert_non_null(h_jstr(it, "status"));
        if (json_object_get(it, "client")) {
            print_error("a team lead's list shows the client: %s\n", r->body);
            fail();
        }
        assert_null(json_object_get(json_object_get(it, "referral"), "reason"));
    }
    assert_null(strstr(r->body, "first_name"));
    assert_null(strstr(r->body, "last_name"));
    assert_null(strstr(r->body, "customer_number"));
    assert_null(strstr(r->body, "birth_date"));
    /* no client of the team is named */
    EXPECT_NO_SURNAMES(h, r, fm1);
    EXPECT_NO_SURNAMES(h, r, fm2);
    EXPECT_NO_SURNAMES(h, r, fm3);
    h_free(r);

    /* one member of the team */
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases?assigned_to=%s&limit=500", fm2);
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", path, h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "case.list", "tl1");
    assert_int_equal(json_array_size(json_object_get(r->json, "items")),
                     h_count(h, "SELECT count(*) FROM cases WHERE case_manager_id = %Q", fm2));
    json_array_foreach(json_object_get(r->json, "items"), i, it)
    {
        assert_string_equal(h_jstr(it, "case_manager_id"), fm2);
        assert_null(json_object_get(it, "client"));
    }
    h_free(r);
}

static void
case_list_refusals_store_nothing(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    char path[160];
    /* a case manager may not list a colleague's cases */
    snprintf(path, sizeof path, "/api/v1/cases?assigned_to=%s", h_user_id(h, "fm2"));
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    /* a team lead only the team's */
    snprintf(path, sizeof path, "/api/v1/cases?assigned_to=%s", h_user_id(h, "av1"));
    r = h_api(h, "GET", path, h_token(h, "tl1"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    snprintf(path, sizeof path, "/api/v1/cases?assigned_to=%s", h_user_id(h, "fm4"));
    r = h_api(h, "GET", path, h_token(h, "tl1"), NULL);
    EXPECT_PROBLEM_IN(r, 403, 404);
    h_free(r);
    static const char *const bad[] = { "/api/v1/cases?status=open",
                                       "/api/v1/cases?limit=0",
                                       "/api/v1/cases?limit=501",
                                       "/api/v1/cases?limit=ten",
                                       "/api/v1/cases?limit=",
                                       "/api/v1/cases?status=active%27--",
                                       NULL };
    for (const char *const *p = bad; *p; p++) {
        r = h_api(h, "GET", *p, h_token(h, "fm1"), NULL);
        EXPECT_PROBLEM(r, 422, NULL);
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
}

/* GET /cases is for everyone signed in, "the cases the caller may see":
 * roles that see no cases get none (an empty list or a role refusal). */
static void
roles_without_cases_see_none(void **state)
{
    struct harness *h = *state;
    static const char *const roles[] = { "dpo1", "admin", "an1", NULL };
    for (const char *const *u = roles; *u; u++) {
        struct h_resp *r = h_api(h, "GET", "/api/v1/cases", h_token(h, *u), NULL);
        if (r->status == 200)
            assert_int_equal(json_array_size(json_object_get(r->json, "items")), 0);
        else
            EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
    }
}

/* ---- POST /cases/{id}/activate ---- */

static void
owner_activates_a_referred_case(void **state)
{
    struct harness *h = *state;
    const char *client = new_client(h, "fm1");
    const char *kase = new_case(h, "fm1", client, NULL, NULL);
    char path[128];
    snprintf(path, sizeof path, "/api/v1/cases/%s/activate", kase);
    char body[64];

    struct h_snap before;
    h_snap_take(h, &before);
    snprintf(body, sizeof body, "{\"consent_date\":\"%s\"}", h_day(-10));
    struct h_resp *r = h_api(h, "POST", path, h_token(h, "fm2"), body);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "tl1"), body);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "fm4"), body);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "dpo1"), body);
    EXPECT_PROBLEM(r, 403, NULL);
    EXPECT_NO_CODE(r);
    h_free(r);
    snprintf(body, sizeof body, "{\"consent_date\":\"%s\"}", h_day(30));
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_ERRORS(r, "consent_date");
    h_free(r);
    snprintf(body, sizeof body, "{\"consent_date\":\"%s\"}", h_day(-60));
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_ERRORS(r, "consent_date");
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "fm1"), "{\"consent_date\":\"25.11.2026\"}");
    EXPECT_ERRORS(r, "consent_date");
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "fm1"), "{}");
    EXPECT_ERRORS(r, "consent_date");
    h_free(r);
    snprintf(body, sizeof body, "{\"consent_date\":\"%s\",\"note\":\"x\"}", h_day(-10));
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    snprintf(body, sizeof body, "{\"consent_date\":\"%s\"}", h_day(-10));
    r = h_api(h, "POST", "/api/v1/cases/cs_doesnotexist/activate", h_token(h, "fm1"), body);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "status"), "active");
    assert_string_equal(h_jstr(r->json, "consent_date"), h_day(-10));
    assert_string_equal(h_jstr(r->json, "started_on"), h_day(-10));
    assert_non_null(h_jstr(r->json, "next_review_due"));
    assert_non_null(h_jstr(r->json, "limit_date"));
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM cases WHERE id = %Q AND status = 'active'"
                             " AND consent_date = %Q",
                             kase, h_day(-10)),
                     1);
    EXPECT_ONE_AUDIT(h, audit, r, "case.activate", "fm1");
    h_free(r);

    /* again: a conflict, nothing stored */
    h_snap_take(h, &before);
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_PROBLEM(r, 409, NULL);
    h_free(r);
    /* a closed case */
    const char *closed = demo_case(h, "fm1", "closed");
    snprintf(path, sizeof path, "/api/v1/cases/%s/activate", closed);
    r = h_api(h, "POST", path, h_token(h, "fm1"), body);
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- GET /audit, GET /audit/verify ---- */

static void
dpo_reads_and_verifies_the_audit_log(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm2", "active");
    char path[160];
    snprintf(path, sizeof path, "/api/v1/cases/%s", kase);
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm2"), NULL);
    EXPECT_STATUS(r, 200);
    char rid[64];
    snprintf(rid, sizeof rid, "%s", h_header(r, "X-Request-Id"));
    h_free(r);

    /* the read shows up, with its request id */
    snprintf(path, sizeof path, "/api/v1/audit?case_id=%s", kase);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", path, h_token(h, "dpo1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "audit.read", "dpo1");
    json_t *items = json_object_get(r->json, "items");
    assert_true(json_array_size(items) >= 1);
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
        assert_string_equal(h_jstr(it, "case_id"), kase);
        if (h_jstr(it, "request_id") && strcmp(h_jstr(it, "request_id"), rid) == 0) {
            found = true;
            assert_string_equal(h_jstr(it, "action"), "case.read");
            assert_string_equal(h_jstr(it, "actor_id"), h_user_id(h, "fm2"));
        }
    }
    assert_true(found);
    h_free(r);

    /* paging */
    r = h_api(h, "GET", "/api/v1/audit?limit=3", h_token(h, "dpo1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(json_object_get(r->json, "items")), 3);
    assert_true(json_is_string(json_object_get(r->json, "next_cursor")));
    h_free(r);

    /* the chain holds and counts every entry; the check itself is recorded after it */
    long long before_verify = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", "/api/v1/audit/verify", h_token(h, "dpo1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_true(json_is_true(json_object_get(r->json, "ok")));
    assert_int_equal(json_integer_value(json_object_get(r->json, "entries")), before_verify);
    EXPECT_ONE_AUDIT(h, before_verify, r, "audit.verify", "dpo1");
    h_free(r);

    struct h_snap before;
    h_snap_take(h, &before);
    static const char *const refused[] = { "fm1", "tl1", "admin", "an1", NULL };
    for (const char *const *u = refused; *u; u++) {
        r = h_api(h, "GET", "/api/v1/audit", h_token(h, *u), NULL);
        EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
        r = h_api(h, "GET", "/api/v1/audit/verify", h_token(h, *u), NULL);
        EXPECT_PROBLEM(r, 403, NULL);
        h_free(r);
    }
    r = h_api(h, "GET", "/api/v1/audit?from=yesterday", h_token(h, "dpo1"), NULL);
    EXPECT_ERRORS(r, "from");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/audit?cursor=abc&to=2026-13-01", h_token(h, "dpo1"), NULL);
    EXPECT_ERRORS(r, "cursor", "to");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(case_manager_registers_a_client),
        cmocka_unit_test(duplicate_customer_number_is_409_client_exists),
        cmocka_unit_test(only_case_managers_and_placement_officers_register_clients),
        cmocka_unit_test(invalid_client_is_422_listing_every_bad_field),
        cmocka_unit_test(format_and_rule_errors_are_listed_together),
        cmocka_unit_test(client_read_follows_the_access_rules),
        cmocka_unit_test(registrar_reads_a_client_without_a_case),
        cmocka_unit_test(customer_number_lookup_is_exact_and_minimal),
        cmocka_unit_test(case_opens_referred_or_active),
        cmocka_unit_test(second_open_case_is_409_open_case_exists),
        cmocka_unit_test(invalid_case_is_422_listing_every_bad_field),
        cmocka_unit_test(case_format_and_rule_errors_are_listed_together),
        cmocka_unit_test(case_opening_roles_and_assignees),
        cmocka_unit_test(unnamed_case_goes_to_the_least_loaded_case_manager),
        cmocka_unit_test(case_read_follows_the_access_rules),
        cmocka_unit_test(case_manager_lists_own_cases_page_by_page),
        cmocka_unit_test(team_lead_lists_the_team_without_client_names),
        cmocka_unit_test(case_list_refusals_store_nothing),
        cmocka_unit_test(roles_without_cases_see_none),
        cmocka_unit_test(owner_activates_a_referred_case),
        cmocka_unit_test(dpo_reads_and_verifies_the_audit_log),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_cases", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
