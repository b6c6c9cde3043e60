/*
 * tests/http/test_api_auth.c — sign-in and staff endpoints of the API contract
 * "Session and staff": POST /tokens (201, 401, 422, 429 with Retry-After),
 * DELETE /tokens/current (then 401), GET /me, POST /users, GET /users/{id},
 * POST /teams. Every refusal stores nothing; every read of a user record
 * leaves exactly one audit entry.
 *
 * The server runs with session.login_max_failures=3, so the brake is
 * reached quickly; it is tried on an1 and av1, whom no other test here
 * needs.
 * Wrong passwords in this file stay far below the address allowance
 * (ten times the user's).
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int
setup(void **state)
{
    static const char *const extra[] = { "--set", "session.login_max_failures=3", NULL };
    struct harness *h = h_start(extra);
    *state = h;
    if (!h)
        return -1;
    static const char *const users[] = { "fm1", "fm2", "tl1", "admin", NULL };
    for (const char *const *u = users; *u; u++)
        h_token(h, *u); /* signed in before any snapshot */
    return 0;
}

static struct h_resp *
sign_in(struct harness *h, const char *user, const char *password)
{
    json_t *b = json_pack("{s:s,s:s}", "username", user, "password", password);
    return h_apij(h, "POST", "/api/v1/tokens", NULL, b);
}

/* "2026-11-25T09:30:00Z" → seconds since 1970, or -1. */
static long long
rfc3339_utc(const char *s)
{
    struct tm tm = { 0 };
    if (!s || strlen(s) != 20)
        return -1;
    const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
    if (!end || *end)
        return -1;
    return (long long)timegm(&tm);
}

/* ---- POST /tokens ---- */

static void
token_is_issued_for_right_credentials(void **state)
{
    struct harness *h = *state;
    long long before = h_count(h, "SELECT count(*) FROM tokens WHERE kind = 1");
    struct h_resp *r = sign_in(h, "fm1", H_PASSWORD);
    EXPECT_STATUS(r, 201);
    const char *token = h_jstr(r->json, "token");
    assert_non_null(token);
    assert_true(strlen(token) >= 32);
    long long exp = rfc3339_utc(h_jstr(r->json, "expires_at"));
    long long now = (long long)time(NULL);
    assert_true(exp > now + 3600); /* default lifetime: 24 hours */
    assert_true(exp <= now + 25 * 3600);
    assert_null(json_object_get(r->json, "password"));
    /* stored only as a digest (PostgreSQL's digest is bytea, whose text is
     * hex: compare it with the token's bytes instead) */
    assert_int_equal(h_count(h, "SELECT count(*) FROM tokens WHERE kind = 1"), before + 1);
    assert_int_equal(
        h_count(h,
                h_on_postgresql()
                    ? "SELECT count(*) FROM tokens WHERE digest = convert_to(%Q, 'UTF8')"
                    : "SELECT count(*) FROM tokens WHERE CAST(digest AS TEXT) = %Q",
                token),
        0);
    /* the token works */
    char auth[128];
    snprintf(auth, sizeof auth, "%s", token);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/me", auth, NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "username"), "fm1");
    h_free(r);
}

static void
wrong_credentials_are_401_and_store_nothing(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = sign_in(h, "fm2", "not the password at all");
    EXPECT_PROBLEM(r, 401, NULL);
    assert_null(json_object_get(r->json, "token"));
    h_free(r);
    /* an unknown user is answered the same way */
    r = sign_in(h, "nobody-here", H_PASSWORD);
    EXPECT_PROBLEM(r, 401, NULL);
    assert_null(json_object_get(r->json, "token"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
token_request_validation(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "POST", "/api/v1/tokens", NULL, "{}");
    EXPECT_ERRORS(r, "username", "password");
    h_free(r);
    r = h_api(h, "POST", "/api/v1/tokens", NULL, "{\"username\":\"fm1\",\"password\":42}");
    EXPECT_ERRORS(r, "password");
    h_free(r);
    r = h_api(h, "POST", "/api/v1/tokens", NULL,
              "{\"username\":\"fm1\",\"password\":\"x\",\"remember\":true}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    r = h_api(h, "POST", "/api/v1/tokens", NULL, "{\"username\":\"fm1\",");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    /* an overlong user name is not looked up */
    char body[400];
    char name[200];
    memset(name, 'a', 100);
    name[100] = '\0';
    snprintf(body, sizeof body, "{\"username\":\"%s\",\"password\":\"%s\"}", name, H_PASSWORD);
    r = h_api(h, "POST", "/api/v1/tokens", NULL, body);
    EXPECT_ERRORS(r, "username");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- no token, bad token ---- */

static void
missing_or_bad_token_is_401(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "GET", "/api/v1/me", NULL, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    assert_non_null(h_header(r, "WWW-Authenticate"));
    h_free(r);
    r = h_api(h, "GET", "/api/v1/me", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/me", "short", NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    const char *basic[] = { "Authorization: Basic Zm0xOkh0dHAtVGVzdC1QYXNzLTE=", NULL };
    r = h_request(h, "GET", "/api/v1/me", basic, NULL, 0);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    /* a protected write without a token: 401, not 4xx of the body */
    r = h_api(h, "POST", "/api/v1/clients", NULL, "{}");
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- DELETE /tokens/current ---- */

static void
revoked_token_is_401_afterwards(void **state)
{
    struct harness *h = *state;
    const char *t1 = h_login(h, "fm3", H_PASSWORD);
    const char *t2 = h_login(h, "fm3", H_PASSWORD);
    struct h_resp *r = h_api(h, "GET", "/api/v1/me", t1, NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);
    long long revoked = h_count(h, "SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL");
    r = h_api(h, "DELETE", "/api/v1/tokens/current", t1, NULL);
    EXPECT_STATUS(r, 204);
    assert_int_equal(r->body_len, 0);
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM tokens WHERE revoked_at IS NOT NULL"),
                     revoked + 1);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "GET", "/api/v1/me", t1, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/cases", t1, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    r = h_api(h, "DELETE", "/api/v1/tokens/current", t1, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* only the token in use was revoked */
    r = h_api(h, "GET", "/api/v1/me", t2, NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);
    r = h_api(h, "DELETE", "/api/v1/tokens/current", NULL, NULL);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
}

/* ---- the brake ---- */

static void
repeated_failures_are_429_with_retry_after(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    for (int i = 0; i < 3; i++) {
        struct h_resp *r = sign_in(h, "an1", "wrong password number x");
        EXPECT_PROBLEM(r, 401, NULL);
        h_free(r);
    }
    struct h_resp *r = sign_in(h, "an1", "wrong password number 4");
    EXPECT_PROBLEM(r, 429, NULL);
    const char *ra = h_header(r, "Retry-After");
    assert_non_null(ra);
    char *end;
    long secs = strtol(ra, &end, 10);
    assert_true(*end == '\0' && end != ra);
    assert_true(secs >= 1 && secs <= 900);
    h_free(r);
    /* while braked, even the right password gets no token */
    r = sign_in(h, "an1", H_PASSWORD);
    EXPECT_PROBLEM(r, 429, NULL);
    assert_non_null(h_header(r, "Retry-After"));
    assert_null(json_object_get(r->json, "token"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* counted in the store, under digests of 16 bytes: an1's counter holds
       the three failures, none in flight (the refused attempts not counted) */
    assert_true(
        h_count(h, "SELECT count(*) FROM signin_brake WHERE attempts = 3 AND in_flight = 0") >= 1);
    assert_int_equal(
        h_count(h, h_on_postgresql()
                       ? "SELECT count(*) FROM signin_brake WHERE octet_length(digest) <> 16"
                       : "SELECT count(*) FROM signin_brake WHERE length(digest) <> 16"),
        0);
    /* the brake is per user: others still sign in from the same address */
    r = sign_in(h, "dpo1", H_PASSWORD);
    EXPECT_STATUS(r, 201);
    h_free(r);
}

/* Two failures, then the right password: the name's count starts again, so
 * three more failures are 401 before the brake holds (without the clearing,
 * the second of them would be 429). */
static void
a_correct_password_clears_the_names_failures(void **state)
{
    struct harness *h = *state;
    for (int i = 0; i < 2; i++) {
        struct h_resp *r = sign_in(h, "av1", "wrong password before");
        EXPECT_PROBLEM(r, 401, NULL);
        h_free(r);
    }
    struct h_resp *r = sign_in(h, "av1", H_PASSWORD);
    EXPECT_STATUS(r, 201);
    h_free(r);
    for (int i = 0; i < 3; i++) {
        r = sign_in(h, "av1", "wrong password after");
        EXPECT_PROBLEM(r, 401, NULL);
        h_free(r);
    }
    r = sign_in(h, "av1", "wrong password after");
    EXPECT_PROBLEM(r, 429, NULL);
    h_free(r);
}

/* ---- GET /me ---- */

static void
me_describes_the_caller(void **state)
{
    struct harness *h = *state;
    const char *tl1 = h_token(h, "tl1");
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "GET", "/api/v1/me", tl1, NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "id"), h_user_id(h, "tl1"));
    assert_string_equal(h_jstr(r->json, "username"), "tl1");
    assert_non_null(h_jstr(r->json, "display_name"));
    json_t *roles = json_object_get(r->json, "roles");
    assert_true(json_is_array(roles));
    assert_int_equal(json_array_size(roles), 1);
    assert_string_equal(json_string_value(json_array_get(roles, 0)), "team_lead");
    const char *team = h_sql_str(h, "SELECT team_id FROM users WHERE username = 'tl1'");
    const char *jc = h_sql_str(h, "SELECT jobcenter_id FROM users WHERE username = 'tl1'");
    assert_string_equal(h_jstr(r->json, "team_id"), team);
    assert_string_equal(h_jstr(r->json, "jobcenter_id"), jc);
    assert_true(json_is_number(json_object_get(r->json, "fte")));
    assert_null(json_object_get(r->json, "password_hash"));
    assert_null(strstr(r->body, "argon2"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- POST /users ---- */

static json_t *
user_body(const char *username, const char *team_id)
{
    return json_pack("{s:s,s:s,s:s,s:[s],s:s,s:f}", "username", username, "display_name",
                     "Neue Fallmanagerin", "password", "a-good-long-password", "roles",
                     "case_manager", "team_id", team_id, "fte", 0.5);
}

static void
admin_creates_users_without_exposing_the_password(void **state)
{
    struct harness *h = *state;
    const char *team = h_sql_str(h, "SELECT team_id FROM users WHERE username = 'tl1'");
    long long users = h_count(h, "SELECT count(*) FROM users");
    struct h_resp *r =
        h_apij(h, "POST", "/api/v1/users", h_token(h, "admin"), user_body("fm-new1", team));
    EXPECT_STATUS(r, 201);
    assert_non_null(h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "username"), "fm-new1");
    assert_string_equal(h_jstr(r->json, "team_id"), team);
    assert_null(json_object_get(r->json, "password"));
    assert_null(json_object_get(r->json, "password_hash"));
    assert_null(strstr(r->body, "a-good-long-password"));
    assert_null(strstr(r->body, "argon2"));
    assert_int_equal(h_count(h, "SELECT count(*) FROM users"), users + 1);
    assert_int_equal(h_count(h, "SELECT fte_milli FROM users WHERE username = 'fm-new1'"), 500);
    h_free(r);
    /* the new user signs in */
    h_login(h, "fm-new1", "a-good-long-password");

    /* refusals */
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_apij(h, "POST", "/api/v1/users", h_token(h, "tl1"), user_body("fm-new2", team));
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/users", h_token(h, "fm1"), user_body("fm-new2", team));
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/users", h_token(h, "admin"), user_body("fm-new1", team));
    EXPECT_ERRORS(r, "username");
    h_free(r);
    r = h_apij(h, "POST", "/api/v1/users", h_token(h, "admin"), user_body("fm-new3", "tm_nope"));
    EXPECT_ERRORS(r, "team_id");
    h_free(r);
    r = h_api(h, "POST", "/api/v1/users", h_token(h, "admin"),
              "{\"username\":\"Bad Name\",\"display_name\":\"\",\"password\":\"short\","
              "\"roles\":[\"wizard\"],\"fte\":2}");
    EXPECT_ERRORS(r, "username", "display_name", "password", "roles", "fte");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- GET /users/{id} ---- */

static void
user_records_for_admin_and_own_team_lead_only(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_user_id(h, "fm1");
    char path[128];
    snprintf(path, sizeof path, "/api/v1/users/%s", fm1);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "admin"), NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "id"), fm1);
    assert_string_equal(h_jstr(r->json, "username"), "fm1");
    assert_null(json_object_get(r->json, "password_hash"));
    assert_null(strstr(r->body, "argon2"));
    EXPECT_ONE_AUDIT(h, audit, r, "user.read", "admin");
    h_free(r);

    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", path, h_token(h, "tl1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "username"), "fm1");
    EXPECT_ONE_AUDIT(h, audit, r, "user.read", "tl1");
    h_free(r);

    struct h_snap before;
    h_snap_take(h, &before);
    /* a case manager may not read user records */
    r = h_api(h, "GET", path, h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    /* a team lead only of their own team */
    snprintf(path, sizeof path, "/api/v1/users/%s", h_user_id(h, "av1"));
    r = h_api(h, "GET", path, h_token(h, "tl1"), NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    /* another Jobcenter's user does not exist for them */
    snprintf(path, sizeof path, "/api/v1/users/%s", h_user_id(h, "fm4"));
    r = h_api(h, "GET", path, h_token(h, "admin"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/users/us_doesnotexist", h_token(h, "admin"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- POST /teams ---- */

static void
admin_creates_teams(void **state)
{
    struct harness *h = *state;
    long long teams = h_count(h, "SELECT count(*) FROM teams");
    struct h_resp *r = h_api(h, "POST", "/api/v1/teams", h_token(h, "admin"),
                             "{\"name\":\"Fallmanagement Test\"}");
    EXPECT_STATUS(r, 201);
    assert_non_null(h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "name"), "Fallmanagement Test");
    assert_int_equal(h_count(h, "SELECT count(*) FROM teams"), teams + 1);
    h_free(r);

    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "POST", "/api/v1/teams", h_token(h, "tl1"), "{\"name\":\"Nicht erlaubt\"}");
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_api(h, "POST", "/api/v1/teams", h_token(h, "admin"), "{\"name\":\"\"}");
    EXPECT_ERRORS(r, "name");
    h_free(r);
    r = h_api(h, "POST", "/api/v1/teams", h_token(h, "admin"), "{\"name\":\"x\",\"lead\":\"y\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- behind a reverse proxy ---- */

/* A wrong password for user name NAME, sent with X-Forwarded-For: XFF. */
static int
failed_sign_in_from(struct harness *h, const char *name, const char *xff)
{
    const char *headers[] = { "Content-Type: application/json",
                              h_printf(h, "X-Forwarded-For: %s", xff), NULL };
    const char *body = h_printf(h, "{\"username\":\"%s\",\"password\":\"not the password\"}", name);
    struct h_resp *r = h_request(h, "POST", "/api/v1/tokens", headers, body, strlen(body));
    int status = (int)r->status;
    h_free(r);
    return status;
}

/* With the proxy trusted (server.trusted_proxies), the brake counts per the
 * address the proxy names, and a client's own X-Forwarded-For entries left of
 * it change nothing; without, the header is ignored and everything counts
 * for the proxy's address. The address allowance is ten times
 * login_max_failures: ten failures of ten names. */
static void
the_brake_counts_the_address_a_trusted_proxy_names(void **state)
{
    static const char *const trusted[] = { "--set", "session.login_max_failures=1", "--set",
                                           "server.trusted_proxies=127.0.0.1 ::1", NULL };
    struct harness *h = *state = h_start(trusted); /* stopped by the teardown if this fails */
    assert_non_null(h);
    for (int i = 0; i < 10; i++)
        assert_int_equal(failed_sign_in_from(h, h_printf(h, "nobody%d", i), "203.0.113.5"), 401);
    assert_int_equal(failed_sign_in_from(h, "nobody10", "203.0.113.5"), 429);
    /* another address is not braked */
    assert_int_equal(failed_sign_in_from(h, "nobody11", "203.0.113.6"), 401);
    /* a forged entry in front of the proxy's does not move the count */
    assert_int_equal(failed_sign_in_from(h, "nobody12", "198.51.100.1, 203.0.113.5"), 429);
    *state = NULL;
    assert_int_equal(h_stop(h), 0);

    static const char *const untrusted[] = { "--set", "session.login_max_failures=1", NULL };
    h = *state = h_start(untrusted);
    assert_non_null(h);
    for (int i = 0; i < 10; i++)
        assert_int_equal(failed_sign_in_from(h, h_printf(h, "nobody%d", i), "203.0.113.5"), 401);
    assert_int_equal(failed_sign_in_from(h, "nobody11", "203.0.113.6"), 429);
    *state = NULL;
    assert_int_equal(h_stop(h), 0);
}

/* A harness the test left running when it failed half-way. */
static int
stop_left_harness(void **state)
{
    if (*state)
        h_stop(*state);
    *state = NULL;
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_is_issued_for_right_credentials),
        cmocka_unit_test(wrong_credentials_are_401_and_store_nothing),
        cmocka_unit_test(token_request_validation),
        cmocka_unit_test(missing_or_bad_token_is_401),
        cmocka_unit_test(revoked_token_is_401_afterwards),
        cmocka_unit_test(repeated_failures_are_429_with_retry_after),
        cmocka_unit_test(a_correct_password_clears_the_names_failures),
        cmocka_unit_test(me_describes_the_caller),
        cmocka_unit_test(admin_creates_users_without_exposing_the_password),
        cmocka_unit_test(user_records_for_admin_and_own_team_lead_only),
        cmocka_unit_test(admin_creates_teams),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_auth", tests, setup, h_group_teardown);
    const struct CMUnitTest proxies[] = {
        cmocka_unit_test_teardown(the_brake_counts_the_address_a_trusted_proxy_names,
                                  stop_left_harness),
    };
    failed += cmocka_run_group_tests_name("http/api_auth behind a proxy", proxies, NULL, NULL);
    return h_exit_code(failed);
}
