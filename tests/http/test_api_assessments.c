/*
 * tests/http/test_api_assessments.c — the case's assessments over the API and the pages.
 */
#include "harness.h"

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed =
        cmocka_run_group_tests_name("http/api_assessments", tests, h_group_setup, h_group_teardown);
    return h_exit_code(failed);
}
