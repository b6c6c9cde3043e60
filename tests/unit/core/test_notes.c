/* tests/unit/core/test_notes.c — the rules of the case's notes (being written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"

static void
store_migrates(void **state)
{
    (void)state;
    struct fixture *f = fixture_new();
    assert_non_null(f->db);
    fixture_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(store_migrates),
    };
    return cmocka_run_group_tests_name("core/notes", tests, NULL, NULL);
}
