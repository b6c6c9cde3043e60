/*
 * tests/unit/core/test_input.c — the declarative input validation: unknown
 * fields are a 400, every bad field is listed in one 422, limits and types
 * are enforced, nested objects give dotted field paths.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "core/clients.h"
#include "core/input.h"

static struct arena arena;

static enum core_result
read_client(const char *json, struct client_input *in, struct problem *pb, json_t **keep)
{
    json_error_t err;
    *keep = json_loads(json, JSON_REJECT_DUPLICATES, &err);
    assert_non_null(*keep);
    return input_read(*keep, client_fields, in, &arena, pb);
}

static bool
has_error(const struct problem *pb, const char *field)
{
    for (const struct field_error *e = pb->errors; e; e = e->next)
        if (strcmp(e->field, field) == 0)
            return true;
    return false;
}

static void
valid_client_is_read(void **state)
{
    (void)state;
    struct client_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *j;
    assert_int_equal(read_client("{\"customer_number\":\"123A456789\",\"first_name\":\"Ayşe\","
                                 "\"last_name\":\"Yılmaz\",\"birth_date\":\"1990-02-28\","
                                 "\"address\":{\"street\":\"Weg 1\",\"postcode\":\"12345\","
                                 "\"city\":\"Köln\"},\"phone\":\"0151 1234567\"}",
                                 &in, &pb, &j),
                     CORE_OK);
    assert_string_equal(in.first_name, "Ayşe");
    assert_string_equal(in.city, "Köln");
    assert_int_equal(in.birth_date.y, 1990);
    assert_null(in.email);
    json_decref(j);
}

static void
unknown_field_is_bad_request(void **state)
{
    (void)state;
    struct client_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *j;
    assert_int_equal(
        read_client("{\"customer_number\":\"123A456789\",\"nickname\":\"x\"}", &in, &pb, &j),
        CORE_BAD_REQUEST);
    assert_non_null(strstr(pb.detail, "nickname"));
    json_decref(j);
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(read_client("{\"address\":{\"street\":\"a\",\"floor\":3}}", &in, &pb2, &j),
                     CORE_BAD_REQUEST);
    assert_non_null(strstr(pb2.detail, "address.floor"));
    json_decref(j);
}

static void
every_bad_field_is_listed(void **state)
{
    (void)state;
    struct client_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *j;
    assert_int_equal(read_client("{\"customer_number\":\"12\",\"first_name\":\"   \","
                                 "\"birth_date\":\"1990-02-30\",\"address\":{\"street\":5,"
                                 "\"postcode\":\"1234x\",\"city\":\"Köln\"},"
                                 "\"email\":\"no-at-sign\",\"language\":\"klingon\"}",
                                 &in, &pb, &j),
                     CORE_INVALID);
    assert_true(has_error(&pb, "customer_number"));
    assert_true(has_error(&pb, "first_name"));
    assert_true(has_error(&pb, "last_name")); /* missing */
    assert_true(has_error(&pb, "birth_date"));
    assert_true(has_error(&pb, "address.street"));
    assert_true(has_error(&pb, "address.postcode"));
    assert_true(has_error(&pb, "email"));
    assert_true(has_error(&pb, "language"));
    assert_false(has_error(&pb, "address.city"));
    assert_int_equal(pb.n_errors, 8);
    json_decref(j);
}

static void
limits_and_control_characters(void **state)
{
    (void)state;
    char big[400];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    char *doc = NULL;
    /* 81 two-byte characters are 81 characters: too long for an 80-character field */
    char umlauts[200] = "";
    for (int i = 0; i < 81; i++)
        strcat(umlauts, "ä");
    json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", "123A456789",
                          "first_name", umlauts, "last_name", "Tab\there", "birth_date",
                          "1990-01-01", "address", "street", big, "postcode", "12345", "city", "x");
    doc = json_dumps(o, 0);
    json_decref(o);
    struct client_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *j;
    assert_int_equal(read_client(doc, &in, &pb, &j), CORE_INVALID);
    assert_true(has_error(&pb, "first_name"));
    assert_true(has_error(&pb, "last_name"));
    assert_true(has_error(&pb, "address.street"));
    assert_int_equal(pb.n_errors, 3);
    json_decref(j);
    free(doc);
    /* exactly 80 characters pass */
    umlauts[strlen(umlauts) - 2] = '\0';
    assert_int_equal(utf8_length(umlauts), 80);
}

static void
checks(void **state)
{
    (void)state;
    assert_null(check_customer_number("999Z000000"));
    assert_non_null(check_customer_number("999z000000"));
    assert_non_null(check_customer_number("'; DROP TABLE clients; --"));
    assert_null(check_postcode("01067"));
    assert_non_null(check_postcode("1067"));
    assert_null(check_email("a.b@example.org"));
    assert_non_null(check_email("a@b"));
    assert_non_null(check_email("a b@example.org"));
    assert_null(check_phone("+49 (0)30 123-456"));
    assert_non_null(check_phone("call me"));
    assert_null(check_username("fm1"));
    assert_non_null(check_username("FM1"));
    assert_non_null(check_password("short"));
    assert_null(check_password("long enough pass"));
}

static void
not_an_object(void **state)
{
    (void)state;
    struct client_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *a = json_array();
    assert_int_equal(input_read(a, client_fields, &in, &arena, &pb), CORE_BAD_REQUEST);
    json_decref(a);
}

static int
cleanup(void **state)
{
    (void)state;
    arena_free(&arena);
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(valid_client_is_read),
        cmocka_unit_test(unknown_field_is_bad_request),
        cmocka_unit_test(every_bad_field_is_listed),
        cmocka_unit_test(limits_and_control_characters),
        cmocka_unit_test(checks),
        cmocka_unit_test(not_an_object),
    };
    return cmocka_run_group_tests(tests, NULL, cleanup);
}
