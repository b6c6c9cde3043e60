/*
 * tests/http/test_two_servers.c — several app servers over one PostgreSQL
 * database: a token or a browser session made on one server works on the
 * other, a sign-out on one ends it on both, and writes through both at once
 * keep one audit chain and the worklist's rows in step. SQLite has one
 * process per store: skipped there.
 */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct pair {
    struct harness *a, *b;
};

static int
setup(void **state)
{
    if (!h_on_postgresql()) {
        *state = NULL;
        return 0;
    }
    struct pair *p = calloc(1, sizeof *p);
    p->a = h_start(NULL);
    p->b = p->a ? h_start_beside(p->a, NULL) : NULL;
    *state = p;
    return p->a && p->b ? 0 : -1;
}

static int
teardown(void **state)
{
    struct pair *p = *state;
    if (!p)
        return 0;
    int rb = p->b ? h_stop(p->b) : 0; /* the second first: the first drops the database */
    int ra = p->a ? h_stop(p->a) : 0;
    free(p);
    return ra || rb ? -1 : 0;
}

static void
a_token_and_a_session_from_one_server_work_on_the_other(void **state)
{
    struct pair *p = *state;
    if (!p)
        skip(); /* SQLite: one server per store */
    const char *token = h_login(p->a, "fm1", H_PASSWORD);
    struct h_resp *r = h_api(p->b, "GET", "/api/v1/me", token, NULL);
    EXPECT_STATUS(r, 200);
    assert_string_equal(h_jstr(r->json, "username"), "fm1");
    h_free(r);

    /* a browser signed in on A opens the start page on B */
    struct h_browser br;
    h_sign_in(p->a, &br, "fm1");
    r = h_browse(p->b, "GET", "/", br.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    h_free(r);

    /* signing out on B ends the token on A too */
    r = h_api(p->b, "DELETE", "/api/v1/tokens/current", token, NULL);
    EXPECT_STATUS(r, 204);
    h_free(r);
    r = h_api(p->a, "GET", "/api/v1/me", token, NULL);
    EXPECT_STATUS(r, 401);
    h_free(r);
}

struct writer_thread {
    struct harness *h;
    const char *token, *path;
    int created, other;
};

enum { NOTES_PER_SERVER = 25 };

static void *
write_notes(void *arg)
{
    struct writer_thread *w = arg;
    for (int i = 0; i < NOTES_PER_SERVER; i++) {
        char at[32], body[256];
        time_t t = time(NULL) - 60;
        strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
        snprintf(body, sizeof body,
                 "{\"at\":\"%s\",\"channel\":\"phone\",\"kind\":\"contact_attempt\","
                 "\"text\":\"Nicht erreicht (%d).\"}",
                 at, i);
        struct h_resp *r = h_api(w->h, "POST", w->path, w->token, body);
        if (r->status == 201)
            w->created++;
        else
            w->other++;
        h_free(r);
    }
    return NULL;
}

static void
writes_through_both_servers_keep_one_audit_chain(void **state)
{
    struct pair *p = *state;
    if (!p)
        skip(); /* SQLite: one server per store */
    /* two cases, so that no row lock orders the two servers' transactions: only the
       writers' lock keeps the chain's head from being read twice */
    const char *cs = h_new_active_case(p->a, "fm1"), *other = h_new_active_case(p->b, "fm1");
    const char *token = h_token(p->a, "fm1");
    long long audit = h_count(p->a, "SELECT count(*) FROM audit");

    struct writer_thread wa = { p->a, token, h_printf(p->a, "/api/v1/cases/%s/notes", cs), 0, 0 };
    struct writer_thread wb = { p->b, token, h_printf(p->b, "/api/v1/cases/%s/notes", other), 0,
                                0 };
    pthread_t ta, tb;
    assert_int_equal(pthread_create(&ta, NULL, write_notes, &wa), 0);
    assert_int_equal(pthread_create(&tb, NULL, write_notes, &wb), 0);
    assert_int_equal(pthread_join(ta, NULL), 0);
    assert_int_equal(pthread_join(tb, NULL), 0);
    assert_int_equal(wa.other + wb.other, 0);
    assert_int_equal(wa.created + wb.created, 2 * NOTES_PER_SERVER);
    assert_int_equal(
        h_count(p->a, "SELECT count(*) FROM notes WHERE case_id IN (%Q, %Q)", cs, other),
        2 * NOTES_PER_SERVER);
    /* one entry per note, each in the one chain */
    assert_int_equal(h_count(p->a, "SELECT count(*) FROM audit"), audit + 2 * NOTES_PER_SERVER);
    const char *out = NULL;
    const char *verify[] = { "audit", "verify", "--db", p->a->db_url, NULL };
    int rc = h_lotse(p->a, verify, &out);
    if (rc != 0)
        print_error("lotse audit verify: %s\n", out);
    assert_int_equal(rc, 0);
    const char *check[] = { "worklist", "check", "--db", p->a->db_url, NULL };
    rc = h_lotse(p->a, check, &out);
    if (rc != 0)
        print_error("lotse worklist check: %s\n", out);
    assert_int_equal(rc, 0);

    /* what was written through A is read through B at once, and the other way round */
    struct h_resp *r =
        h_api(p->b, "GET", h_printf(p->b, "/api/v1/cases/%s/timeline?kind=note&limit=100", cs),
              token, NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), NOTES_PER_SERVER);
    h_free(r);
    r = h_api(p->a, "GET", h_printf(p->a, "/api/v1/cases/%s", other), token, NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_integer_value(h_jget(r->json, "failed_contacts")), NOTES_PER_SERVER);
    h_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_token_and_a_session_from_one_server_work_on_the_other),
        cmocka_unit_test(writes_through_both_servers_keep_one_audit_chain),
    };
    int failed = cmocka_run_group_tests_name("http/two_servers", tests, setup, teardown);
    return h_exit_code(failed);
}
