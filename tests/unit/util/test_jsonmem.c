/* tests/unit/util/test_jsonmem.c — jansson's memory: from the arena while
 * one is in use on this thread, from malloc otherwise, and values of either
 * kind may be freed in either mode. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <jansson.h>
#include <pthread.h>
#include <string.h>

#include "util/jsonmem.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOTSE_ASAN 1 /* clang */
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(LOTSE_ASAN)
enum { ARENA_IN_USE = 0 }; /* the sanitizer build keeps malloc (jsonmem.h) */
#else
enum { ARENA_IN_USE = 1 };
#endif

static void
values_come_from_the_arena_only_while_it_is_in_use(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    json_t *heap = json_string("from malloc");
    assert_null(a.head);

    jsonmem_use(&a);
    json_t *view = json_object();
    for (int i = 0; i < 200; i++) {
        char key[16];
        snprintf(key, sizeof key, "k%d", i);
        json_object_set_new(view, key, json_sprintf("value %d", i));
    }
    json_object_set(view, "heap", heap); /* a malloc'ed value inside an arena one */
    jsonmem_use(NULL);
    assert_int_equal(a.head != NULL, ARENA_IN_USE);
    assert_int_equal(json_object_size(view), 201);
    assert_string_equal(json_string_value(json_object_get(view, "k199")), "value 199");

    /* values made now come from malloc again: the arena does not grow */
    struct arena_block *head = a.head;
    json_t *later = json_string("later");
    assert_ptr_equal(a.head, head);

    /* freeing in the other mode: the arena's are dropped with the arena, the heap's freed
       (the sanitizer build reports a leak or a bad free otherwise) */
    json_decref(view);
    assert_string_equal(json_string_value(heap), "from malloc"); /* still held here */
    jsonmem_use(&a);
    json_decref(heap);
    json_decref(later);
    jsonmem_use(NULL);
    arena_free(&a);
}

static void *
other_thread(void *arg)
{
    /* another thread has no arena in use: its values come from malloc */
    json_t *v = json_string("elsewhere");
    *(json_t **)arg = v;
    return NULL;
}

static void
the_arena_belongs_to_one_thread(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    jsonmem_use(&a);
    json_t *made = NULL;
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, other_thread, &made), 0);
    assert_int_equal(pthread_join(t, NULL), 0);
    jsonmem_use(NULL);
    assert_null(a.head); /* nothing of the other thread's went into this arena */
    assert_string_equal(json_string_value(made), "elsewhere");
    json_decref(made);
    arena_free(&a);
}

int
main(void)
{
    jsonmem_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values_come_from_the_arena_only_while_it_is_in_use),
        cmocka_unit_test(the_arena_belongs_to_one_thread),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
