/*
 * tests/http/test_two_servers.c — several app servers over one PostgreSQL
 * database: a token or a browser session made on one server works on the
 * other, a sign-out on one ends it on both, writes through both at once
 * keep one audit chain and the worklist's rows in step, failed sign-ins on
 * one count on the other, and the periodic jobs run on exactly one of them
 * and move to another when it stops. SQLite has one process per store:
 * skipped there.
 *
 * With LOTSE_TEST_SERVERS=2 "server A" (p->a) is itself a pair whose
 * requests alternate; where a test needs one process as A, it pins it.
 */
#include "harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* Five failures (the default allowance), three on A and two on B: then
 * both refuse the name, even with the right password. */
static void
failed_sign_ins_on_one_server_count_on_the_other(void **state)
{
    struct pair *p = *state;
    if (!p)
        skip(); /* SQLite: one server per store */
    h_pin(p->a, true);
    for (int i = 0; i < 5; i++) {
        struct harness *s = i < 3 ? p->a : p->b;
        struct h_resp *r = h_api(s, "POST", "/api/v1/tokens", NULL,
                                 "{\"username\":\"an1\",\"password\":\"wrong\"}");
        EXPECT_PROBLEM(r, 401, NULL);
        h_free(r);
    }
    const char *right = "{\"username\":\"an1\",\"password\":\"" H_PASSWORD "\"}";
    for (int i = 0; i < 2; i++) {
        struct h_resp *r = h_api(i ? p->b : p->a, "POST", "/api/v1/tokens", NULL, right);
        EXPECT_PROBLEM(r, 429, NULL);
        assert_non_null(h_header(r, "Retry-After"));
        assert_null(json_object_get(r->json, "token"));
        h_free(r);
    }
    h_pin(p->a, false);
}

/* ---- the job loop ---- */

/* The servers of the job-loop test, stopped by its teardown however it ends. */
static struct harness *job_a, *job_b;

static int
stop_job_servers(void **state)
{
    (void)state;
    int rb = job_b ? h_stop(job_b) : 0; /* B first: A drops the database */
    int ra = job_a ? h_stop(job_a) : 0;
    job_a = job_b = NULL;
    return ra || rb ? -1 : 0;
}

/* The value of the sample NAME (without labels) in S's /metrics, asked of S
 * alone; -1 when S has been stopped. */
static long long
metric(struct harness *s, const char *name)
{
    if (!s->pid)
        return -1;
    h_pin(s, true);
    struct h_resp *r = h_api(s, "GET", "/metrics", NULL, NULL);
    h_pin(s, false);
    EXPECT_STATUS(r, 200);
    char *line = h_printf(s, "\n%s ", name);
    const char *at = strstr(r->body, line);
    if (!at) {
        print_error("no %s in /metrics\n", name);
        h_free(r);
        fail();
    }
    long long v = strtoll(at + strlen(line), NULL, 10);
    h_free(r);
    return v;
}

/* Of SERVERS (N of them, the stopped ones skipped), the one whose metrics
 * say it holds the job lock and has run the jobs, when exactly one does and
 * no other has run them since START_RUNS; NULL otherwise. */
static struct harness *
the_one_runner(struct harness **servers, int n, const long long *start_runs)
{
    struct harness *holder = NULL;
    int holders = 0;
    for (int i = 0; i < n; i++) {
        if (!servers[i]->pid)
            continue;
        long long held = metric(servers[i], "lotse_jobs_lock_held");
        long long runs = metric(servers[i], "lotse_jobs_runs_total");
        if (held == 1 && runs > start_runs[i]) {
            holder = servers[i];
            holders++;
        } else if (held != 0 || runs != start_runs[i]) {
            return NULL; /* a second holder, or one that has just let go */
        }
    }
    return holders == 1 ? holder : NULL;
}

/* Three servers (two with LOTSE_TEST_SERVERS=2): the jobs run on exactly one,
 * the others only try the lock; the runner deletes expired brake counters,
 * whichever server made them, and audits it with counts only; when the
 * runner stops, another takes over within a few intervals. */
static void
the_job_loop_runs_on_one_server_and_moves_when_it_stops(void **state)
{
    (void)state;
    if (!h_on_postgresql())
        skip(); /* SQLite: one server per store */
    static const char *const extra[] = { "--set", "jobs.interval_seconds=1", "--set",
                                         "session.login_window_seconds=1", NULL };
    job_a = h_start(extra);
    assert_non_null(job_a);
    job_b = h_start_beside(job_a, extra);
    assert_non_null(job_b);
    struct harness *servers[3];
    int n = 0;
    servers[n++] = job_a;
    if (job_a->peer)
        servers[n++] = job_a->peer;
    servers[n++] = job_b;
    long long runs[3] = { 0, 0, 0 };

    /* one runner, and it stays the one for a few intervals */
    struct harness *runner = NULL;
    for (int i = 0; i < 100 && !runner; i++) {
        runner = the_one_runner(servers, n, runs);
        if (!runner)
            usleep(50000);
    }
    assert_non_null(runner);
    for (int round = 0; round < 2; round++) { /* the others have tried again meanwhile */
        usleep(600000);
        assert_ptr_equal(the_one_runner(servers, n, runs), runner);
    }

    /* a failed sign-in on a server that is not the runner: its counters
       expire after the window of 1 s, and the runner deletes them */
    struct harness *other = runner == job_b ? job_a->peer ? job_a->peer : job_a : job_b;
    long long head = h_count(job_a, "SELECT coalesce(max(seq), 0) FROM audit");
    h_pin(other, true);
    struct h_resp *r = h_api(other, "POST", "/api/v1/tokens", NULL,
                             "{\"username\":\"fm2\",\"password\":\"wrong\"}");
    h_pin(other, false);
    EXPECT_PROBLEM(r, 401, NULL);
    h_free(r);
    long long left = -1;
    for (int i = 0; i < 200 && left != 0; i++) { /* the window, an interval, and slack */
        usleep(50000);
        left = h_count(job_a, "SELECT count(*) FROM signin_brake");
    }
    assert_int_equal(left, 0);
    assert_int_equal(h_count(job_a,
                             "SELECT count(*) FROM audit WHERE seq > %lld AND action ="
                             " 'jobs.cleanup' AND purpose = 'system_job' AND actor_id IS NULL"
                             " AND detail LIKE '%% 2 sign-in brake counters'",
                             head),
                     1);
    assert_int_equal(h_count(job_a,
                             "SELECT count(*) FROM audit WHERE seq > %lld AND detail LIKE"
                             " '%%fm2%%'",
                             head),
                     0);

    /* the runner stops (with A, its peer goes too): another takes over */
    for (int i = 0; i < n; i++)
        runs[i] = metric(servers[i], "lotse_jobs_runs_total");
    assert_true(h_terminate(runner));
    struct harness *next = NULL;
    for (int i = 0; i < 100 && !next; i++) { /* 5 s: a few intervals of 1 s */
        next = the_one_runner(servers, n, runs);
        if (!next)
            usleep(50000);
    }
    assert_non_null(next);
    assert_ptr_not_equal(next, runner);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_token_and_a_session_from_one_server_work_on_the_other),
        cmocka_unit_test(writes_through_both_servers_keep_one_audit_chain),
        cmocka_unit_test(failed_sign_ins_on_one_server_count_on_the_other),
        cmocka_unit_test_teardown(the_job_loop_runs_on_one_server_and_moves_when_it_stops,
                                  stop_job_servers),
    };
    int failed = cmocka_run_group_tests_name("http/two_servers", tests, setup, teardown);
    return h_exit_code(failed);
}
