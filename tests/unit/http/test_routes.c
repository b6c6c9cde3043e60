/*
 * tests/unit/http/test_routes.c — the route table: every route carries an
 * access requirement (a row without one is refused), matching extracts path
 * arguments and tells 404 from 405, and the OpenAPI document lists exactly
 * the /api/v1 routes of the table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "http/server.h"
#include "routes.h"
#include "util/embedded.h"

static enum http_result
dummy(struct request *req)
{
    (void)req;
    return HTTP_DONE;
}

static void
lotse_table_is_valid(void **state)
{
    (void)state;
    char err[256] = "";
    assert_true(routes_check(lotse_routes, lotse_n_routes, err, sizeof err));
    for (size_t i = 0; i < lotse_n_routes; i++)
        assert_int_not_equal(lotse_routes[i].auth, AUTH_INVALID);
}

static void
bad_tables_are_refused(void **state)
{
    (void)state;
    char err[256];
    const struct route unset[] = { { "GET", "/x", dummy, AUTH_INVALID, BODY_NONE } };
    assert_false(routes_check(unset, 1, err, sizeof err));
    assert_non_null(strstr(err, "access requirement"));
    const struct route get_body[] = { { "GET", "/x", dummy, AUTH_API, BODY_JSON } };
    assert_false(routes_check(get_body, 1, err, sizeof err));
    const struct route web_json[] = { { "POST", "/x", dummy, AUTH_WEB, BODY_JSON } };
    assert_false(routes_check(web_json, 1, err, sizeof err));
    const struct route twice[] = { { "GET", "/x", dummy, AUTH_API, BODY_NONE },
                                   { "GET", "/x", dummy, AUTH_API, BODY_NONE } };
    assert_false(routes_check(twice, 2, err, sizeof err));
    const struct route method[] = { { "TRACE", "/x", dummy, AUTH_API, BODY_NONE } };
    assert_false(routes_check(method, 1, err, sizeof err));
}

static int
match(const char *method, const char *path, const char *args[4], bool *known)
{
    static char copy[512];
    return routes_match(lotse_routes, lotse_n_routes, method, path, copy, args, known);
}

static void
matching(void **state)
{
    (void)state;
    const char *args[4];
    bool known;
    int i = match("GET", "/api/v1/cases/cs_abc", args, &known);
    assert_true(i >= 0);
    assert_string_equal(lotse_routes[i].pattern, "/api/v1/cases/{id}");
    assert_string_equal(args[0], "cs_abc");
    i = match("POST", "/api/v1/cases/cs_abc/activate", args, &known);
    assert_true(i >= 0);
    assert_string_equal(args[0], "cs_abc");
    i = match("GET", "/static/fonts/fira-sans/FiraSans-Regular.woff2", args, &known);
    assert_true(i >= 0);
    assert_string_equal(args[0], "fonts/fira-sans/FiraSans-Regular.woff2");
    assert_int_equal(match("GET", "/api/v1/cases/", args, &known), -1);
    assert_false(known);
    assert_int_equal(match("GET", "/api/v1/cases/a/b", args, &known), -1);
    assert_int_equal(match("GET", "/nope", args, &known), -1);
    assert_false(known);
    assert_int_equal(match("PUT", "/api/v1/cases/cs_abc", args, &known), -1);
    assert_true(known); /* 405, not 404 */
    assert_int_equal(match("GET", "/static/", args, &known), -1);
}

static void
openapi_lists_exactly_the_api_routes(void **state)
{
    (void)state;
    const struct embedded_file *f = embedded_find(embedded_static, "openapi.json");
    assert_non_null(f);
    json_error_t err;
    json_t *doc = json_loadb((const char *)f->data, f->len, 0, &err);
    assert_non_null(doc);
    assert_string_equal(json_string_value(json_object_get(doc, "openapi")), "3.1.0");
    json_t *paths = json_object_get(doc, "paths");
    size_t in_table = 0;
    for (size_t i = 0; i < lotse_n_routes; i++) {
        const struct route *r = &lotse_routes[i];
        if (strncmp(r->pattern, "/api/v1/", 8) != 0)
            continue;
        in_table++;
        char method[8];
        size_t k = 0;
        for (; r->method[k] && k < sizeof method - 1; k++)
            method[k] = (char)(r->method[k] - 'A' + 'a');
        method[k] = '\0';
        json_t *op = json_object_get(json_object_get(paths, r->pattern), method);
        if (!op)
            fail_msg("route %s %s is missing from docs/openapi.json", r->method, r->pattern);
        assert_non_null(json_object_get(op, "responses"));
    }
    size_t in_doc = 0;
    const char *path;
    json_t *item;
    json_object_foreach(paths, path, item)
    {
        in_doc += json_object_size(item);
        const char *m;
        json_t *op;
        json_object_foreach(item, m, op)
        {
            char upper[8];
            size_t k = 0;
            for (; m[k] && k < sizeof upper - 1; k++)
                upper[k] = (char)(m[k] - 'a' + 'A');
            upper[k] = '\0';
            bool found = false;
            for (size_t i = 0; i < lotse_n_routes; i++)
                found = found || (strcmp(lotse_routes[i].method, upper) == 0 &&
                                  strcmp(lotse_routes[i].pattern, path) == 0);
            if (!found)
                fail_msg("docs/openapi.json names %s %s, which no route serves", upper, path);
        }
    }
    assert_int_equal(in_doc, in_table);
    json_decref(doc);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lotse_table_is_valid),
        cmocka_unit_test(bad_tables_are_refused),
        cmocka_unit_test(matching),
        cmocka_unit_test(openapi_lists_exactly_the_api_routes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
