/*
 * tests/http/test_api_input.c — bad input (the API contract "Conventions"): malformed
 * JSON or not an object 400, unknown fields 400, bodies over 1 MiB 413,
 * invalid values 422 listing every bad field; invalid UTF-8, overlong
 * fields, injection strings and hostile paths give a clear 4xx, are never
 * reflected unescaped, and store nothing.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    h_token(h, "fm1");
    h_token(h, "admin");
    return 0;
}

static const char valid_client[] =
    "{\"customer_number\":\"%s\",\"first_name\":\"%s\",\"last_name\":\"Beispiel\","
    "\"birth_date\":\"1985-02-03\",\"address\":{\"street\":\"Am Markt 2\",\"postcode\":\"12047\","
    "\"city\":\"Musterstadt\"}}";

/* POST /clients as fm1 with BODY; expects STATUS and a problem; nothing stored. */
static void
refused_client(struct harness *h, const char *body, size_t len, long status, int line)
{
    struct h_snap before;
    h_snap_take(h, &before);
    const char *hdr[] = { "Authorization: Bearer PLACEHOLDER", "Content-Type: application/json",
                          NULL };
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", h_token(h, "fm1"));
    hdr[0] = auth;
    struct h_resp *r = h_request(h, "POST", "/api/v1/clients", hdr, body, len);
    h_expect_problem(r, status, NULL, __FILE__, line);
    h_free(r);
    h_expect_nothing_stored(h, &before, __FILE__, line);
}

#define REFUSED(body, status) refused_client(h, (body), strlen(body), (status), __LINE__)

/* ---- JSON syntax ---- */

static void
malformed_json_is_400(void **state)
{
    struct harness *h = *state;
    REFUSED("{\"customer_number\":", 400);
    REFUSED("{customer_number: \"123A456789\"}", 400);
    REFUSED("{\"a\":1,}", 400);
    REFUSED("{\"a\":1} trailing", 400);
    REFUSED("", 400);
    REFUSED("   ", 400);
    REFUSED("{\"first_name\":\"x\",\"first_name\":\"y\"}", 400); /* a key twice */
}

static void
body_that_is_not_an_object_is_400(void **state)
{
    struct harness *h = *state;
    REFUSED("[]", 400);
    REFUSED("[{\"customer_number\":\"123A456789\"}]", 400);
    REFUSED("\"text\"", 400);
    REFUSED("42", 400);
    REFUSED("null", 400);
    REFUSED("true", 400);
}

static void
unknown_fields_are_400(void **state)
{
    struct harness *h = *state;
    char body[1024];
    snprintf(body, sizeof body,
             "{\"customer_number\":\"123A000001\",\"first_name\":\"A\",\"last_name\":\"B\","
             "\"birth_date\":\"1985-02-03\",\"address\":{\"street\":\"S 1\",\"postcode\":\"12047\","
             "\"city\":\"C\"},\"is_admin\":true}");
    REFUSED(body, 400);
    /* nested */
    snprintf(body, sizeof body,
             "{\"customer_number\":\"123A000001\",\"first_name\":\"A\",\"last_name\":\"B\","
             "\"birth_date\":\"1985-02-03\",\"address\":{\"street\":\"S 1\",\"postcode\":\"12047\","
             "\"city\":\"C\",\"country\":\"DE\"}}");
    REFUSED(body, 400);
    /* even next to invalid values, an unknown field is a 400 */
    REFUSED("{\"customer_number\":\"bad\",\"colour\":\"blue\"}", 400);
    /* elsewhere too */
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "POST", "/api/v1/teams", h_token(h, "admin"),
                             "{\"name\":\"T\",\"jobcenter_id\":\"jc_other\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    r = h_api(h, "POST", "/api/v1/cases", h_token(h, "fm1"),
              "{\"client_id\":\"cl_x\",\"referral\":{\"source\":\"self\",\"date\":\"2026-01-01\","
              "\"reason\":\"x\",\"priority\":1}}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- content type ---- */

static void
wrong_content_type_is_refused(void **state)
{
    struct harness *h = *state;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", h_token(h, "fm1"));
    char body[512];
    snprintf(body, sizeof body, valid_client, "123A000002", "Anna");
    static const char *const types[] = { "Content-Type: text/plain",
                                         "Content-Type: application/x-www-form-urlencoded",
                                         "Content-Type: application/jsonx", NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    for (const char *const *t = types; *t; t++) {
        const char *hdr[] = { auth, *t, NULL };
        struct h_resp *r = h_request(h, "POST", "/api/v1/clients", hdr, body, strlen(body));
        EXPECT_PROBLEM_IN(r, 400, 415);
        h_free(r);
    }
    const char *none[] = { auth, NULL };
    struct h_resp *r = h_request(h, "POST", "/api/v1/clients", none, body, strlen(body));
    EXPECT_PROBLEM_IN(r, 400, 415);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* a charset parameter is fine */
    const char *cs[] = { auth, "Content-Type: application/json; charset=utf-8", NULL };
    r = h_request(h, "POST", "/api/v1/clients", cs, body, strlen(body));
    EXPECT_STATUS(r, 201);
    h_free(r);
}

/* ---- size ---- */

static char *
padded(struct harness *h, const char *json, size_t total)
{
    size_t n = strlen(json);
    char *s = h_keep(h, malloc(total));
    if (!s)
        abort(); /* out of memory */
    assert_true(total >= n);
    memcpy(s, json, n - 1);            /* all but the closing brace */
    memset(s + n - 1, ' ', total - n); /* whitespace is valid JSON */
    s[total - 1] = '}';
    return s;
}

static void
body_over_one_mib_is_413(void **state)
{
    struct harness *h = *state;
    char auth[128];
    snprintf(auth, sizeof auth, "Authorization: Bearer %s", h_token(h, "fm1"));
    const char *hdr[] = { auth, "Content-Type: application/json", NULL };

    /* exactly 1 MiB is read and validated (422: fields missing) */
    char *at = padded(h, "{}", 1048576);
    struct h_resp *r = h_request(h, "POST", "/api/v1/clients", hdr, at, 1048576);
    EXPECT_PROBLEM(r, 422, NULL);
    h_free(r);

    struct h_snap before;
    h_snap_take(h, &before);
    /* one byte more */
    char body[512];
    snprintf(body, sizeof body, valid_client, "123A000003", "Berta");
    char *over = padded(h, body, 1048577);
    r = h_request(h, "POST", "/api/v1/clients", hdr, over, 1048577);
    EXPECT_PROBLEM(r, 413, NULL);
    assert_true(r->body_len < 4096);
    h_free(r);
    /* much more, and before authentication */
    size_t big = 5u << 20;
    char *huge = padded(h, body, big);
    const char *anon[] = { "Content-Type: application/json", NULL };
    r = h_request(h, "POST", "/api/v1/tokens", anon, huge, big);
    EXPECT_PROBLEM(r, 413, NULL);
    h_free(r);
    /* chunked, without Content-Length */
    const char *chunked[] = { auth, "Content-Type: application/json", "Transfer-Encoding: chunked",
                              NULL };
    r = h_request(h, "POST", "/api/v1/clients", chunked, huge, 2u << 20);
    EXPECT_PROBLEM(r, 413, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* the connection and the server are fine afterwards */
    r = h_api(h, "GET", "/healthz", NULL, NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);
}

/* ---- values ---- */

static void
invalid_values_are_422_listing_every_field(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(
        h, "POST", "/api/v1/clients", h_token(h, "fm1"),
        "{\"customer_number\":123,\"first_name\":null,\"last_name\":[\"x\"],"
        "\"birth_date\":\"1985-02-30\",\"address\":\"Am Markt 2\",\"phone\":\"+49 (30) 1234-5\","
        "\"email\":\"a@b\",\"language\":\"DE\"}");
    EXPECT_ERRORS(r, "customer_number", "first_name", "last_name", "birth_date", "address", "email",
                  "language");
    assert_false(h_has_error_field(r, "phone")); /* that one is fine */
    /* each error has a message */
    size_t i;
    json_t *e;
    json_array_foreach(json_object_get(r->json, "errors"), i, e)
    {
        assert_non_null(h_jstr(e, "field"));
        assert_non_null(h_jstr(e, "message"));
        assert_true(strlen(h_jstr(e, "message")) > 0);
    }
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
overlong_fields_are_422_and_not_echoed(void **state)
{
    struct harness *h = *state;
    /* 80 characters are allowed, counted as characters, not bytes */
    char name[400] = "";
    for (int i = 0; i < 80; i++)
        memcpy(name + 2 * i, "\xc3\xbc", 3); /* ü, and the NUL */
    char body[1024];
    snprintf(body, sizeof body, valid_client, "123A000004", name);
    struct h_resp *r = h_api(h, "POST", "/api/v1/clients", h_token(h, "fm1"), body);
    EXPECT_STATUS(r, 201);
    assert_string_equal(h_jstr(r->json, "first_name"), name);
    h_free(r);
    /* 81 are not */
    memcpy(name + 160, "\xc3\xbc", 3);
    snprintf(body, sizeof body, valid_client, "123A000005", name);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "POST", "/api/v1/clients", h_token(h, "fm1"), body);
    EXPECT_ERRORS(r, "first_name");
    h_free(r);
    /* a 200 000 character value is refused without being sent back */
    size_t n = 200000;
    char *big = h_keep(h, malloc(n + 1));
    if (!big)
        abort(); /* out of memory */
    memset(big, 'Q', n);
    big[n] = '\0';
    size_t blen = n + 512;
    char *bbody = h_keep(h, malloc(blen));
    if (!bbody)
        abort(); /* out of memory */
    snprintf(bbody, blen, valid_client, "123A000006", big);
    r = h_api(h, "POST", "/api/v1/clients", h_token(h, "fm1"), bbody);
    EXPECT_ERRORS(r, "first_name");
    assert_true(r->body_len < 2048);
    assert_null(strstr(r->body, "QQQQQQQQQQQQQQQQ"));
    h_free(r);
    /* over the maximum of a nested field, and of an enum-like code */
    r = h_api(
        h, "POST", "/api/v1/clients", h_token(h, "fm1"),
        "{\"customer_number\":\"123A0000061\",\"first_name\":\"A\",\"last_name\":\"B\","
        "\"birth_date\":\"1985-02-03\",\"address\":{\"street\":\"S 1\",\"postcode\":\"120470\","
        "\"city\":\"C\"}}");
    EXPECT_ERRORS(r, "customer_number", "address.postcode");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
invalid_utf8_and_control_characters_are_refused(void **state)
{
    struct harness *h = *state;
    char body[512];
    /* raw bytes that are not UTF-8 */
    snprintf(body, sizeof body, valid_client, "123A000007", "Ren\xff\xfe");
    REFUSED(body, 400);
    /* an overlong encoding of '/' */
    snprintf(body, sizeof body, valid_client, "123A000008",
             "a\xc0\xaf"
             "b");
    REFUSED(body, 400);
    /* a lone surrogate */
    snprintf(body, sizeof body, valid_client, "123A000009", "x\\ud800y");
    REFUSED(body, 400);
    /* a truncated sequence at the end of a string */
    snprintf(body, sizeof body, valid_client, "123A000010", "abc\xe2\x82");
    REFUSED(body, 400);

    struct h_snap before;
    h_snap_take(h, &before);
    /* NUL and other control characters inside a valid JSON string */
    static const char *const names[] = { "Nu\\u0000ll",  "Bell\\u0007", "Esc\\u001b[31m",
                                         "Line\\nBreak", "Del\\u007f",  NULL };
    for (const char *const *nm = names; *nm; nm++) {
        snprintf(body, sizeof body, valid_client, "123A000011", *nm);
        struct h_resp *r = h_api(h, "POST", "/api/v1/clients", h_token(h, "fm1"), body);
        EXPECT_PROBLEM_IN(r, 400, 422);
        if (r->status == 422)
            EXPECT_ERRORS(r, "first_name");
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- injection strings ---- */

static void
injection_strings_in_formatted_fields_are_422(void **state)
{
    struct harness *h = *state;
    static const char *const numbers[] = { "123A00001' OR '1'='1",
                                           "123A000012; DROP TABLE clients;--",
                                           "../../etc/passwd",
                                           "<script>alert(1)</script>",
                                           "123A%00000",
                                           "${jndi:ldap://x}",
                                           NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    for (const char *const *n = numbers; *n; n++) {
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", *n,
                              "first_name", "A", "last_name", "B", "birth_date", "1985-02-03",
                              "address", "street", "S 1", "postcode", "12' OR 1=1", "city", "C");
        struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), b);
        EXPECT_ERRORS(r, "customer_number", "address.postcode");
        /* problem details are JSON, never HTML */
        assert_true(strncmp(h_header(r, "Content-Type"), "application/problem+json", 24) == 0);
        assert_string_equal(h_header(r, "X-Content-Type-Options"), "nosniff");
        h_free(r);
    }
    /* an unknown field whose name is markup: 400, and the name is not sent back as markup */
    struct h_resp *r =
        h_api(h, "POST", "/api/v1/clients", h_token(h, "fm1"), "{\"<script>alert(1)</script>\":1}");
    EXPECT_PROBLEM(r, 400, NULL);
    assert_true(strncmp(h_header(r, "Content-Type"), "application/problem+json", 24) == 0);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* the tables are all there */
    assert_true(h_count(h, "SELECT count(*) FROM clients") > 0);
    assert_true(h_count(h, "SELECT count(*) FROM users") > 0);
}

/* Free text is stored as given: what looks like SQL or markup is data,
 * returned as a JSON string, and executes nowhere. */
static void
injection_strings_in_free_text_are_plain_data(void **state)
{
    struct harness *h = *state;
    static const char *const names[] = { "Robert'); DROP TABLE clients;--",
                                         "<script>alert(1)</script>", "\" OR \"\"=\"",
                                         "{{ctx.csrf}}", NULL };
    int k = 20;
    for (const char *const *nm = names; *nm; nm++) {
        long long clients = h_count(h, "SELECT count(*) FROM clients");
        char number[16];
        snprintf(number, sizeof number, "123A%06d", k++);
        json_t *b = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", number,
                              "first_name", *nm, "last_name", "B", "birth_date", "1985-02-03",
                              "address", "street", "S 1", "postcode", "12047", "city", "C");
        struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), b);
        EXPECT_STATUS(r, 201);
        assert_string_equal(h_jstr(r->json, "first_name"), *nm);
        assert_true(strncmp(h_header(r, "Content-Type"), "application/json", 16) == 0);
        h_free(r);
        assert_int_equal(h_count(h, "SELECT count(*) FROM clients"), clients + 1);
        assert_int_equal(h_count(h, "SELECT count(*) FROM clients WHERE first_name = %Q", *nm), 1);
    }
}

static void
hostile_paths_and_queries_are_4xx(void **state)
{
    struct harness *h = *state;
    static const char *const paths[] = { "/api/v1/cases/%27%20OR%20%271%27%3D%271",
                                         "/api/v1/cases/1;DROP%20TABLE%20cases",
                                         "/api/v1/clients/..%2F..%2Fetc%2Fpasswd",
                                         "/api/v1/clients/../../../etc/passwd",
                                         "/api/v1/cases/%00",
                                         "/api/v1/cases/%FF%FE",
                                         "/api/v1/users/%3Cscript%3E",
                                         "/api/v1/cases?status=active%27%20OR%201%3D1--",
                                         "/api/v1/audit?case_id=%27%20OR%201%3D1--",
                                         NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    for (const char *const *p = paths; *p; p++) {
        struct h_resp *r = h_api(h, "GET", *p, h_token(h, "fm1"), NULL);
        EXPECT_PROBLEM_IN(r, 400, 403, 404, 422);
        assert_null(strstr(r->body, "root:"));
        assert_null(strstr(r->body, "<script>"));
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);

    /* a cursor is an opaque value: SQL in it is just a cursor that matches
     * nothing more than the caller's own cases */
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_api(h, "GET", "/api/v1/cases?cursor=%27%20OR%201%3D1--", h_token(h, "fm1"), NULL);
    if (r->status == 200) {
        EXPECT_ONE_AUDIT(h, audit, r, "case.list", "fm1");
        size_t i;
        json_t *it;
        json_array_foreach(json_object_get(r->json, "items"), i, it)
            assert_string_equal(h_jstr(it, "case_manager_id"), h_user_id(h, "fm1"));
    } else {
        EXPECT_PROBLEM_IN(r, 400, 422);
    }
    h_free(r);
}

/* A query value that is not UTF-8, or holds control characters, is bad
 * input like any other: a 4xx, not a parameter silently left out (which
 * would turn a filtered list into an unfiltered one). */
static void
query_values_that_are_not_utf8_are_4xx(void **state)
{
    struct harness *h = *state;
    static const char *const paths[] = { "/api/v1/cases?status=%FF",
                                         "/api/v1/cases?status=%01active",
                                         "/api/v1/cases?limit=%FF",
                                         "/api/v1/cases?assigned_to=%C0%AF",
                                         "/api/v1/clients?customer_number=%FF",
                                         NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    for (const char *const *p = paths; *p; p++) {
        struct h_resp *r = h_api(h, "GET", *p, h_token(h, "fm1"), NULL);
        if (r->status < 400 || r->status > 499)
            print_error("GET %s\n", *p);
        EXPECT_PROBLEM_IN(r, 400, 422);
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(malformed_json_is_400),
        cmocka_unit_test(body_that_is_not_an_object_is_400),
        cmocka_unit_test(unknown_fields_are_400),
        cmocka_unit_test(wrong_content_type_is_refused),
        cmocka_unit_test(body_over_one_mib_is_413),
        cmocka_unit_test(invalid_values_are_422_listing_every_field),
        cmocka_unit_test(overlong_fields_are_422_and_not_echoed),
        cmocka_unit_test(invalid_utf8_and_control_characters_are_refused),
        cmocka_unit_test(injection_strings_in_formatted_fields_are_422),
        cmocka_unit_test(injection_strings_in_free_text_are_plain_data),
        cmocka_unit_test(hostile_paths_and_queries_are_4xx),
        cmocka_unit_test(query_values_that_are_not_utf8_are_4xx),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_input", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
