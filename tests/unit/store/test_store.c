/*
 * tests/unit/store/test_store.c — the store contract (store.h, writer.h) on
 * the backend named by LOTSE_TEST_DB: migrations are idempotent, parameters
 * bind by name, results fill typed columns, constraints and savepoints
 * behave, the writer commits groups, rolls back only a refused job and
 * answers only after the commit, protected connections refuse DDL, and (on
 * SQLite) backups are consistent and the checkpointer keeps the log short.
 * Also what core/ builds on the store per backend: the sign-in brake's
 * counters (core/auth.c), the job lock and the periodic jobs (core/jobs.c).
 *
 * LOTSE_TEST_DB=sqlite (the default): each test on a fresh file under /tmp.
 * LOTSE_TEST_DB=postgresql: each test on a fresh database of the server at
 * LOTSE_TEST_PG_HOST (a socket folder), LOTSE_TEST_PG_PORT, as superuser
 * LOTSE_TEST_PG_USER — tools/pg-cluster.sh starts such a server and prints
 * them; without them the test exits 77 (skipped).
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include <sodium.h>

#include "store/queries.h"
#include "store/store.h"
#include "core/auth.h"
#include "core/jobs.h"
#include "core/writer.h"
#include "util/arena.h"

enum backend { BACKEND_SQLITE, BACKEND_POSTGRESQL };
static enum backend backend = BACKEND_SQLITE;
static const char *backend_name = "sqlite";
static const char *pg_host, *pg_port, *pg_user;

static bool
on_postgresql(void)
{
    return backend == BACKEND_POSTGRESQL;
}

struct t {
    char dir[64], path[96], url[512];
    char dbname[64]; /* PostgreSQL: this test's database */
    struct db *db;
    struct arena arena;
};

/* S with every byte but [A-Za-z0-9-._~/] as %XX, for a URI's query. */
static void
uri_escape(char *out, size_t size, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                     c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
        assert_true(n + 4 <= size);
        if (plain) {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
}

/* postgresql://USER@/DBNAME?host=HOST&port=PORT */
static void
pg_url(char *out, size_t size, const char *dbname)
{
    char user[128], host[256], port[32];
    uri_escape(user, sizeof user, pg_user);
    uri_escape(host, sizeof host, pg_host);
    uri_escape(port, sizeof port, pg_port);
    int n = snprintf(out, size, "postgresql://%s@/%s?host=%s&port=%s", user, dbname, host, port);
    assert_true(n > 0 && (size_t)n < size);
}

/* Run one statement on the server's "postgres" database, outside a
 * transaction (CREATE/DROP DATABASE refuse to run inside one). The SQL is
 * built at run time, which store.h otherwise never does: the connection is
 * opened for this one statement, so the backend's per-connection statement
 * cache (keyed by the SQL's address) cannot mix it up with another. */
static void
pg_admin(const char *sql)
{
    char url[512], err[256] = "";
    pg_url(url, sizeof url, "postgres");
    struct db *admin = db_open(url, err, sizeof err);
    if (!admin)
        fail_msg("cannot connect to %s: %s", url, err);
    enum db_status st = db_exec(admin, sql, NULL);
    db_close(admin);
    if (st != DB_NO_ROWS)
        fail_msg("%s: failed (%d)", sql, (int)st);
}

static int
setup(void **state)
{
    struct t *t = calloc(1, sizeof *t);
    assert_non_null(t);
    char err[256] = "";
    if (on_postgresql()) {
        static int counter;
        char sql[128];
        snprintf(t->dbname, sizeof t->dbname, "lotse_t_%ld_%d", (long)getpid(), ++counter);
        /* one left by an earlier run of the same pid on a long-lived server */
        snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", t->dbname);
        pg_admin(sql);
        snprintf(sql, sizeof sql, "CREATE DATABASE %s", t->dbname);
        pg_admin(sql);
        pg_url(t->url, sizeof t->url, t->dbname);
        t->db = db_open(t->url, err, sizeof err);
        if (!t->db)
            fail_msg("cannot connect to %s: %s", t->url, err);
        int applied = -1;
        if (db_migrate_with(t->db, NULL, 0, &applied, err, sizeof err) < 0)
            fail_msg("migrations failed on %s: %s", t->dbname, err);
        if (applied < 1)
            fail_msg("no migration applied to the new database %s: are db/migrations/*.pg.sql"
                     " embedded (migrations_list in src/meson.build)?",
                     t->dbname);
        db_set_arena(t->db, &t->arena);
        *state = t;
        return 0;
    }
    snprintf(t->dir, sizeof t->dir, "/tmp/lotse-store-XXXXXX");
    assert_non_null(mkdtemp(t->dir));
    snprintf(t->path, sizeof t->path, "%s/s.db", t->dir);
    snprintf(t->url, sizeof t->url, "sqlite:%s", t->path);
    t->db = db_open(t->url, err, sizeof err);
    assert_non_null(t->db);
    int applied = -1;
    assert_true(db_migrate_with(t->db, NULL, 0, &applied, err, sizeof err) >= 0);
    assert_true(applied >= 1);
    db_set_arena(t->db, &t->arena);
    *state = t;
    return 0;
}

static int
teardown(void **state)
{
    struct t *t = *state;
    db_close(t->db);
    arena_free(&t->arena);
    if (on_postgresql()) {
        char sql[128];
        /* FORCE: a connection a failed test left open does not keep it */
        snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", t->dbname);
        pg_admin(sql);
    } else {
        char cmd[160];
        snprintf(cmd, sizeof cmd, "rm -rf %s", t->dir);
        assert_int_equal(system(cmd), 0);
    }
    free(t);
    return 0;
}

static void
migrations_are_idempotent(void **state)
{
    struct t *t = *state;
    char err[256];
    int applied = -1;
    assert_true(db_migrate_with(t->db, NULL, 0, &applied, err, sizeof err) >= 0);
    assert_int_equal(applied, 0);
    assert_string_equal(db_backend(t->db), backend_name);
}

/* Clients stored before migration 0002 get their search keys from its step
 * in C; clients stored afterwards get them when inserted. */
static void
search_keys_are_filled_and_folded(void **state)
{
    struct t *t = *state;
    assert_int_equal(db_jobcenter_insert(t->db, "jc_a", "A", 1), DB_NO_ROWS);
    struct client_row c = { .id = "cl_1",
                            .jobcenter_id = "jc_a",
                            .customer_number = "123A456789",
                            .first_name = "Şükrü",
                            .last_name = "Müller-Łaś",
                            .birth_date = "1970-01-01",
                            .street = "S",
                            .postcode = "10115",
                            .city = "Berlin",
                            .created_at = 1 };
    assert_int_equal(db_client_insert(t->db, &c), DB_NO_ROWS);
    char key[64];
    const struct db_param p[] = { DB_TEXT("cl_1"), DB_PARAM_END };
    const struct db_column k[] = { DB_COL_TEXT(key, sizeof key), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT last_key FROM clients WHERE id = $1", p, k),
                     DB_ONE_ROW);
    assert_string_equal(key, "mueller-las");
    /* as if stored before the keys existed */
    assert_int_equal(db_exec(t->db, "UPDATE clients SET last_key = NULL, first_key = NULL", NULL),
                     DB_NO_ROWS);
    assert_int_equal(db_clients_fill_keys(t->db), DB_NO_ROWS);
    assert_int_equal(db_query_one(t->db,
                                  "SELECT first_key || '/' || last_key FROM clients"
                                  " WHERE id = $1",
                                  p, k),
                     DB_ONE_ROW);
    assert_string_equal(key, "suekrue/mueller-las");
}

static void
parameters_bind_by_name(void **state)
{
    struct t *t = *state;
    const struct db_param p[] = { DB_TEXT("second"), DB_INT64(41), DB_PARAM_END };
    char text[16];
    int64_t n = 0;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_TEXT(text, sizeof text), DB_COL_END };
    /* $2 is used before $1 and $1 twice */
    assert_int_equal(db_query_one(t->db, "SELECT $2 + 1, $1 || '-' || $1", p, c), DB_ONE_ROW);
    assert_int_equal(n, 42);
    assert_string_equal(text, "second-second");
    /* too few parameters is an error, not a silent NULL */
    const struct db_param few[] = { DB_TEXT("x"), DB_PARAM_END };
    assert_int_equal(db_query_one(t->db, "SELECT $1, $2", few, c), DB_HARD_ERROR);
}

static void
columns_are_typed(void **state)
{
    struct t *t = *state;
    char small[4];
    const struct db_column c[] = { DB_COL_TEXT(small, sizeof small), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT 'too long for it'", NULL, c), DB_HARD_ERROR);
    char *s = (char *)"unset";
    const struct db_column c2[] = { DB_COL_STR(&s), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT NULL", NULL, c2), DB_ONE_ROW);
    assert_null(s);
    assert_int_equal(db_query_one(t->db, "SELECT 'ä'", NULL, c2), DB_ONE_ROW);
    assert_string_equal(s, "ä");
    assert_int_equal(db_query_one(t->db, "SELECT 'x' WHERE 1 = 0", NULL, c2), DB_NO_ROWS);
}

static void
constraints_and_savepoints(void **state)
{
    struct t *t = *state;
    assert_true(db_jobcenter_insert(t->db, "jc_1", "A", 1) >= 0);
    assert_int_equal(db_jobcenter_insert(t->db, "jc_1", "B", 1), DB_CONSTRAINT);
    assert_true(db_begin(t->db, true) >= 0);
    assert_true(db_savepoint(t->db) >= 0);
    assert_true(db_jobcenter_insert(t->db, "jc_2", "B", 1) >= 0);
    db_savepoint_rollback(t->db);
    assert_true(db_jobcenter_insert(t->db, "jc_3", "C", 1) >= 0);
    assert_true(db_commit(t->db) >= 0);
    int64_t n = 0;
    assert_int_equal(db_jobcenter_count(t->db, &n), DB_ONE_ROW);
    assert_int_equal(n, 2); /* jc_1 and jc_3 */
}

static void
protected_connection_refuses_ddl(void **state)
{
    struct t *t = *state;
    /* PostgreSQL cannot refuse DDL to one session of a role that may do it
       (db_protect is a no-op there, store/pg/conn.c): the serving role lacks
       the rights instead, and this test's role is the superuser. ATTACH is
       SQLite's alone. */
    if (on_postgresql())
        skip();
    db_protect(t->db);
    assert_true(db_exec(t->db, "DROP TABLE audit", NULL) < 0);
    assert_true(db_exec(t->db, "CREATE TABLE x (a)", NULL) < 0);
    assert_true(db_exec(t->db, "ATTACH DATABASE '/tmp/x.db' AS x", NULL) < 0);
    int64_t n = 0;
    assert_int_equal(db_jobcenter_count(t->db, &n), DB_ONE_ROW); /* reads still work */
}

/* ---- the writer ---- */

struct insert_job {
    struct write_job job;
    char id[32];
    bool refuse;
    enum job_result result;
    bool committed, done;
    pthread_mutex_t *mu;
    pthread_cond_t *cv;
    const char *url; /* to check the row is visible from another connection at DONE */
    bool visible_at_done;
};

static enum job_result
insert_run(struct db *db, void *arg)
{
    struct insert_job *j = arg;
    if (db_jobcenter_insert(db, j->id, "x", 1) < 0)
        return JOB_FAILED;
    return j->refuse ? JOB_REFUSED : JOB_KEEP;
}

static void
insert_done(void *arg, enum job_result result, bool committed)
{
    struct insert_job *j = arg;
    /* DONE runs after the commit: another connection sees the row already */
    char err[256];
    struct db *other = db_open(j->url, err, sizeof err);
    int64_t n = 0;
    const struct db_param p[] = { DB_TEXT(j->id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    db_query_one(other, "SELECT count(*) FROM jobcenters WHERE id = $1", p, c);
    db_close(other);
    pthread_mutex_lock(j->mu);
    j->visible_at_done = n == 1;
    j->result = result;
    j->committed = committed;
    j->done = true;
    pthread_cond_broadcast(j->cv);
    pthread_mutex_unlock(j->mu);
}

static void
writer_groups_commits_and_answers_after_commit(void **state)
{
    struct t *t = *state;
    char err[256];
    struct writer *w = writer_start(t->url, 64, 2000, err, sizeof err);
    assert_non_null(w);
    enum { N = 200 };
    static struct insert_job jobs[N];
    pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
    for (int i = 0; i < N; i++) {
        jobs[i] = (struct insert_job){ .job = { .run = insert_run, .done = insert_done },
                                       .refuse = i % 10 == 3,
                                       .mu = &mu,
                                       .cv = &cv,
                                       .url = t->url };
        jobs[i].job.arg = &jobs[i];
        snprintf(jobs[i].id, sizeof jobs[i].id, "jc_w%d", i);
        writer_submit(w, &jobs[i].job);
    }
    pthread_mutex_lock(&mu);
    for (int i = 0; i < N; i++)
        while (!jobs[i].done)
            pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
    struct writer_stats st;
    writer_get_stats(w, &st);
    writer_stop(w);
    writer_free(w);
    int kept = 0;
    for (int i = 0; i < N; i++) {
        assert_true(jobs[i].committed);
        if (jobs[i].refuse) {
            assert_int_equal(jobs[i].result, JOB_REFUSED);
            assert_false(jobs[i].visible_at_done);
        } else {
            assert_int_equal(jobs[i].result, JOB_KEEP);
            assert_true(jobs[i].visible_at_done);
            kept++;
        }
    }
    int64_t n = 0;
    assert_int_equal(db_jobcenter_count(t->db, &n), DB_ONE_ROW);
    assert_int_equal(n, kept);
    assert_int_equal(st.jobs, N);
    assert_true(st.batches < N); /* grouped, not one commit per job */
}

static enum job_result
failing_run(struct db *db, void *arg)
{
    (void)arg;
    db_jobcenter_insert(db, "jc_fail", "x", 1);
    return JOB_FAILED;
}

static void
sync_and_inline_runs(void **state)
{
    struct t *t = *state;
    char err[256];
    struct writer *w = writer_start(t->url, 8, 0, err, sizeof err);
    bool committed = false;
    assert_int_equal(writer_run_sync(w, failing_run, NULL, &committed), JOB_FAILED);
    writer_stop(w);
    writer_free(w);
    assert_int_equal(writer_run_inline(t->db, failing_run, NULL, &committed), JOB_FAILED);
    assert_false(committed);
    int64_t n = -1;
    assert_int_equal(db_jobcenter_count(t->db, &n), DB_ONE_ROW);
    assert_int_equal(n, 0);
}

static enum job_result
numbered_insert(struct db *db, void *arg)
{
    char id[32];
    snprintf(id, sizeof id, "jc_n%d", *(int *)arg);
    return db_jobcenter_insert(db, id, "Numbered", 1) >= 0 ? JOB_KEEP : JOB_FAILED;
}

/* The writer's checkpoint thread copies the write-ahead log back while
 * commits go on; the log stays short (thousands of commits of a page or more
 * would otherwise leave tens of megabytes). */
static void
checkpointer_keeps_the_log_short(void **state)
{
    struct t *t = *state;
    /* SQLite's write-ahead log file; PostgreSQL's server checkpoints its own WAL */
    if (on_postgresql())
        skip();
    char err[256], wal[128];
    struct writer *w = writer_start(t->url, 1, 0, err, sizeof err);
    assert_non_null(w);
    enum { N = 3000 };
    struct timespec pause = { 0, 200000 };
    for (int i = 0; i < N; i++) {
        bool committed = false;
        assert_int_equal(writer_run_sync(w, numbered_insert, &i, &committed), JOB_KEEP);
        assert_true(committed);
        if (i % 100 == 0)
            nanosleep(&pause, NULL);
    }
    struct writer_stats st;
    writer_get_stats(w, &st);
    writer_stop(w);
    writer_free(w);
    assert_true(st.checkpoints > 0);
    int64_t n = 0;
    assert_int_equal(db_jobcenter_count(t->db, &n), DB_ONE_ROW);
    assert_int_equal(n, N);
    snprintf(wal, sizeof wal, "%s-wal", t->path);
    struct stat sb;
    assert_int_equal(stat(wal, &sb), 0);
    /* without checkpoints 3000 commits leave about 27 MB; with them about 1000 pages
       (SQLite's threshold) and what came in meanwhile */
    assert_true(sb.st_size < 12 * 1024 * 1024);
}

static void
backup_is_a_consistent_copy(void **state)
{
    struct t *t = *state;
    /* db_backup copies into a SQLite file; a PostgreSQL store is backed up
       with the server's own tools (pg_dump, base backups) */
    if (on_postgresql())
        skip();
    assert_true(db_jobcenter_insert(t->db, "jc_b1", "Backup", 1) >= 0);
    char path[128], err[256], url[160];
    snprintf(path, sizeof path, "%s/copy.db", t->dir);
    assert_true(db_backup(t->db, path, err, sizeof err) >= 0);
    snprintf(url, sizeof url, "sqlite:%s", path);
    struct db *copy = db_open(url, err, sizeof err);
    assert_non_null(copy);
    int64_t n = 0;
    assert_int_equal(db_jobcenter_count(copy, &n), DB_ONE_ROW);
    assert_int_equal(n, 1);
    db_close(copy);
}

/* db_load(): rows arrive whole (every escape, NULL, numbers, bytes), tables
 * in the order first loaded into, before any query sees them; a refused row
 * fails the load or the next call, and its transaction rolls back whole. */
static const char *const load_jc_cols[] = { "id", "name", "created_at", NULL };
static const struct db_table load_jcs = { "jobcenters", load_jc_cols };
static const char *const load_client_cols[] = { "id",         "jobcenter_id", "customer_number",
                                                "first_name", "last_name",    "birth_date",
                                                "street",     "postcode",     "city",
                                                "phone",      "created_at",   NULL };
static const struct db_table load_clients = { "clients", load_client_cols };

static enum db_status
load_client(struct db *db, int i, const char *jc, const char *street)
{
    char id[32], number[32];
    snprintf(id, sizeof id, "cl_%05d", i);
    snprintf(number, sizeof number, "%09d", i);
    const struct db_param p[] = { DB_TEXT(id),
                                  DB_TEXT(jc),
                                  DB_TEXT(number),
                                  DB_TEXT("Ada"),
                                  DB_TEXT("Tab\there, line\nbreak, cr\r, back\\slash \\N Straße"),
                                  DB_TEXT("1970-01-01"),
                                  DB_TEXT(street),
                                  DB_TEXT("10115"),
                                  DB_TEXT("Berlin"),
                                  DB_TEXT(i % 2 ? NULL : "030 1234"),
                                  DB_INT64(-1700000000000000LL - i),
                                  DB_PARAM_END };
    return db_load(db, &load_clients, p);
}

static void
loaded_rows_arrive_whole_and_in_order(void **state)
{
    struct t *t = *state;
    enum { N = 3000 };
    const struct db_param j1[] = { DB_TEXT("jc_1"), DB_TEXT("A"), DB_INT64(1), DB_PARAM_END };
    const struct db_param j2[] = { DB_TEXT("jc_2"), DB_TEXT("B"), DB_INT64(2), DB_PARAM_END };
    assert_int_equal(db_load(t->db, &load_jcs, j1), DB_HARD_ERROR); /* only in a transaction */
    /* 4 KB per row: PostgreSQL sends batches of 8 MB while loading */
    char *street = malloc(4097);
    assert_non_null(street);
    memset(street, 's', 4096);
    street[4096] = '\0';
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(db_load(t->db, &load_jcs, j1), DB_NO_ROWS);
    for (int i = 0; i < N; i++) {
        /* jc_2 comes after clients were loaded, and before its own */
        if (i == N / 2)
            assert_int_equal(db_load(t->db, &load_jcs, j2), DB_NO_ROWS);
        assert_int_equal(load_client(t->db, i, i < N / 2 ? "jc_1" : "jc_2", street), DB_NO_ROWS);
        if (i == 100) { /* a query sees what was loaded before it */
            int64_t n = 0;
            const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
            assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM clients", NULL, c),
                             DB_ONE_ROW);
            assert_int_equal(n, 101);
        }
    }
    /* bytes, with a NUL, a backslash and a newline, in a table loaded last */
    static const char *const user_cols[] = {
        "id",    "jobcenter_id", "username", "display_name", "password_hash",
        "roles", "created_at",   NULL
    };
    static const struct db_table users = { "users", user_cols };
    static const char *const token_cols[] = { "digest",       "user_id",    "kind", "created_at",
                                              "last_seen_at", "expires_at", NULL };
    static const struct db_table tokens = { "tokens", token_cols };
    static const unsigned char digest[6] = { 0x00, 0x5c, 0x0a, 0xff, 0x4e, 0x09 };
    const struct db_param u[] = { DB_TEXT("u_1"), DB_TEXT("jc_1"), DB_TEXT("u1"), DB_TEXT("U"),
                                  DB_TEXT("x"),   DB_INT64(1),     DB_INT64(1),   DB_PARAM_END };
    const struct db_param k[] = { DB_BLOB(digest, sizeof digest),
                                  DB_TEXT("u_1"),
                                  DB_INT64(1),
                                  DB_INT64(1),
                                  DB_INT64(1),
                                  DB_INT64(2),
                                  DB_PARAM_END };
    assert_int_equal(db_load(t->db, &users, u), DB_NO_ROWS);
    assert_int_equal(db_load(t->db, &tokens, k), DB_NO_ROWS);
    const struct db_param few[] = { DB_TEXT("jc_3"), DB_PARAM_END };
    enum db_status st = db_load(t->db, &load_jcs, few);
    assert_true(st == DB_HARD_ERROR || db_load_flush(t->db) == DB_HARD_ERROR);
    /* refused before it reached the store: the transaction goes on */
    assert_int_equal(db_commit(t->db), DB_NO_ROWS);

    int64_t n = 0, created = 0;
    char *last = NULL, *phone = (char *)"unset", *got_street = NULL;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM clients", NULL, c), DB_ONE_ROW);
    assert_int_equal(n, N);
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM jobcenters", NULL, c), DB_ONE_ROW);
    assert_int_equal(n, 2);
    const struct db_param p[] = { DB_TEXT("cl_01235"), DB_PARAM_END };
    const struct db_column row[] = { DB_COL_STR(&last), DB_COL_STR(&phone), DB_COL_STR(&got_street),
                                     DB_COL_INT64(&created), DB_COL_END };
    assert_int_equal(db_query_one(t->db,
                                  "SELECT last_name, phone, street, created_at FROM clients"
                                  " WHERE id = $1",
                                  p, row),
                     DB_ONE_ROW);
    assert_string_equal(last, "Tab\there, line\nbreak, cr\r, back\\slash \\N Straße");
    assert_null(phone);
    assert_string_equal(got_street, street);
    assert_int_equal(created, -1700000000000000LL - 1235);
    unsigned char got[16];
    size_t got_len = 0;
    const struct db_column b[] = { DB_COL_BLOB(got, sizeof got, &got_len), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT digest FROM tokens", NULL, b), DB_ONE_ROW);
    assert_int_equal(got_len, sizeof digest);
    assert_memory_equal(got, digest, sizeof digest);

    /* a refused row: a customer number taken; nothing of its transaction stays */
    assert_true(db_begin(t->db, true) >= 0);
    st = DB_NO_ROWS;
    for (int i = N; i < N + 10 && st >= 0; i++)
        st = load_client(t->db, i, "jc_1", "x");
    if (st >= 0)
        st = load_client(t->db, 7, "jc_1", "x"); /* cl_00007 again */
    if (st >= 0)
        st = db_commit(t->db);
    assert_int_equal(st, DB_CONSTRAINT);
    db_rollback(t->db);
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM clients", NULL, c), DB_ONE_ROW);
    assert_int_equal(n, N);
    free(street);
}

/* db_load_defer_foreign_keys(): checked at commit, all of them, and still
 * there afterwards, whether the commit went through or not. */
static void
deferred_foreign_keys_are_checked_at_commit(void **state)
{
    struct t *t = *state;
    const struct db_param j1[] = { DB_TEXT("jc_1"), DB_TEXT("A"), DB_INT64(1), DB_PARAM_END };
    assert_int_equal(db_load_defer_foreign_keys(t->db), DB_HARD_ERROR); /* only in a transaction */
    /* a client of a Jobcenter that never comes: refused, at the latest by the commit */
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(db_load_defer_foreign_keys(t->db), DB_NO_ROWS);
    assert_int_equal(db_load(t->db, &load_jcs, j1), DB_NO_ROWS);
    enum db_status st = load_client(t->db, 1, "jc_none", "x");
    if (st >= 0)
        st = db_commit(t->db);
    assert_int_equal(st, DB_CONSTRAINT);
    db_rollback(t->db);
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM jobcenters", NULL, c), DB_ONE_ROW);
    assert_int_equal(n, 0);
    /* the keys are back after the rollback */
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(load_client(t->db, 1, "jc_none", "x") >= 0 ? db_load_flush(t->db)
                                                                : DB_CONSTRAINT,
                     DB_CONSTRAINT);
    db_rollback(t->db);
    if (on_postgresql()) {
        /* deferred, children may come before their parents */
        assert_true(db_begin(t->db, true) >= 0);
        assert_int_equal(db_load_defer_foreign_keys(t->db), DB_NO_ROWS);
        assert_int_equal(load_client(t->db, 1, "jc_1", "x"), DB_NO_ROWS);
        assert_int_equal(db_load_flush(t->db), DB_NO_ROWS);
        assert_int_equal(db_load(t->db, &load_jcs, j1), DB_NO_ROWS);
        assert_int_equal(db_commit(t->db), DB_NO_ROWS);
        assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM clients", NULL, c), DB_ONE_ROW);
        assert_int_equal(n, 1);
    }
    /* and after a commit */
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(load_client(t->db, 2, "jc_none", "x") >= 0 ? db_load_flush(t->db)
                                                                : DB_CONSTRAINT,
                     DB_CONSTRAINT);
    db_rollback(t->db);
}

/* ---- the sign-in brake (core/auth.c) on this backend ---- */

static const struct auth_limits brake_limits = { 3, 60, 30, 12, 24 };
enum { BRAKE_T0 = 1700000000 };
#define AT(seconds) (((int64_t)BRAKE_T0 + (seconds)) * 1000000)

static void
brake_setup(struct t *t)
{
    auth_configure(&brake_limits);
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(auth_brake_key_load(t->db), CORE_OK);
    assert_true(db_commit(t->db) >= 0);
}

/* Each in a write transaction of its own, as the writer runs them. */
static enum core_result
attempt_begin(struct t *t, struct auth_attempt *a, int64_t now, unsigned *retry_after)
{
    struct core_ctx ctx = { .db = t->db, .arena = &t->arena, .in_write = true, .now_us = now };
    unsigned ignored;
    assert_true(db_begin(t->db, true) >= 0);
    enum core_result r = auth_attempt_begin(&ctx, a, retry_after ? retry_after : &ignored);
    assert_true(db_commit(t->db) >= 0);
    return r;
}

static void
attempt_end(struct t *t, const struct auth_attempt *a, int64_t now, enum attempt_outcome outcome)
{
    struct core_ctx ctx = { .db = t->db, .arena = &t->arena, .in_write = true, .now_us = now };
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(auth_attempt_end(&ctx, a, outcome), CORE_OK);
    assert_true(db_commit(t->db) >= 0);
}

static struct auth_attempt
attempt(const char *user, const char *address)
{
    struct auth_attempt a;
    auth_attempt_prepare(&a, user, address);
    return a;
}

static int64_t
brake_rows(struct t *t)
{
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM signin_brake", NULL, c), DB_ONE_ROW);
    return n;
}

/* An attempt counts when it starts: three in flight use up a user name's
 * allowance (3), the fourth is refused with the rest of the window, and is
 * not counted itself; the window's end frees the name. */
static void
brake_counts_attempts_when_they_start(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    struct auth_attempt a[3];
    for (int i = 0; i < 3; i++) {
        a[i] = attempt("fm1", "192.0.2.1");
        assert_int_equal(attempt_begin(t, &a[i], AT(i), NULL), CORE_OK);
    }
    struct auth_attempt more = attempt("fm1", "192.0.2.1");
    unsigned ra = 0;
    assert_int_equal(attempt_begin(t, &more, AT(10), &ra), CORE_TOO_MANY);
    assert_int_equal(ra, 50); /* the window began at AT(0) and lasts 60 s */
    for (int i = 0; i < 3; i++)
        attempt_end(t, &a[i], AT(11), ATTEMPT_FAILED);
    assert_int_equal(attempt_begin(t, &more, AT(59), &ra), CORE_TOO_MANY);
    assert_int_equal(ra, 1);
    /* the address has ten times the allowance: another name from it goes on */
    struct auth_attempt other = attempt("fm2", "192.0.2.1");
    assert_int_equal(attempt_begin(t, &other, AT(20), NULL), CORE_OK);
    attempt_end(t, &other, AT(20), ATTEMPT_FAILED);
    /* a new window */
    assert_int_equal(attempt_begin(t, &more, AT(60), NULL), CORE_OK);
    attempt_end(t, &more, AT(60), ATTEMPT_FAILED);
}

/* The counters are found by a keyed BLAKE2b digest: neither the name nor
 * the address is stored, nor an unkeyed digest of them (which anybody could
 * compute); the key is the store's, the same for every connection. */
static void
brake_stores_keyed_digests_only(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    struct auth_attempt a = attempt("fm1", "192.0.2.7");
    assert_int_equal(attempt_begin(t, &a, AT(0), NULL), CORE_OK);
    attempt_end(t, &a, AT(0), ATTEMPT_FAILED);
    assert_int_equal(brake_rows(t), 2);

    unsigned char key[BRAKE_KEY_BYTES];
    assert_int_equal(db_brake_key(t->db, key), DB_ONE_ROW);
    unsigned char keyed[BRAKE_DIGEST_BYTES], plain[BRAKE_DIGEST_BYTES];
    static const char msg[] = "user\0fm1"; /* kind, NUL, name: as core/auth.c hashes them */
    crypto_generichash(keyed, sizeof keyed, (const unsigned char *)msg, sizeof msg - 1, key,
                       sizeof key);
    crypto_generichash(plain, sizeof plain, (const unsigned char *)msg, sizeof msg - 1, NULL, 0);
    struct brake_row row;
    assert_int_equal(db_brake_get(t->db, keyed, &row), DB_ONE_ROW);
    assert_int_equal(row.attempts, 1);
    assert_int_equal(db_brake_get(t->db, plain, &row), DB_NO_ROWS);
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    const struct db_param p[] = { DB_TEXT("fm1"), DB_TEXT("192.0.2.7"), DB_PARAM_END };
    assert_int_equal(db_query_one(t->db,
                                  on_postgresql()
                                      ? "SELECT count(*) FROM signin_brake WHERE"
                                        " position(convert_to($1, 'UTF8') in digest) > 0 OR"
                                        " position(convert_to($2, 'UTF8') in digest) > 0"
                                      : "SELECT count(*) FROM signin_brake WHERE"
                                        " instr(digest, CAST($1 AS BLOB)) > 0 OR"
                                        " instr(digest, CAST($2 AS BLOB)) > 0",
                                  p, c),
                     DB_ONE_ROW);
    assert_int_equal(n, 0);

    /* loading again (another server) keeps the key, and the digests with it */
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(auth_brake_key_load(t->db), CORE_OK);
    assert_true(db_commit(t->db) >= 0);
    unsigned char again[BRAKE_KEY_BYTES];
    assert_int_equal(db_brake_key(t->db, again), DB_ONE_ROW);
    assert_memory_equal(key, again, sizeof key);
    struct auth_attempt b = attempt("fm1", "192.0.2.7");
    assert_memory_equal(a.user, b.user, sizeof a.user);
    assert_memory_equal(a.addr, b.addr, sizeof a.addr);
}

/* A correct password clears the name's failures, but attempts of the name
 * still in flight stay counted; at the address a success is no failure. An
 * attempt that was not checked is taken back. */
static void
brake_success_clears_the_name_and_not_checked_is_taken_back(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    struct auth_attempt f1 = attempt("fm1", "192.0.2.1"), f2 = attempt("fm1", "192.0.2.1");
    struct auth_attempt flying = attempt("fm1", "192.0.2.1"), ok = attempt("fm1", "192.0.2.1");
    assert_int_equal(attempt_begin(t, &f1, AT(0), NULL), CORE_OK);
    attempt_end(t, &f1, AT(0), ATTEMPT_FAILED);
    assert_int_equal(attempt_begin(t, &f2, AT(1), NULL), CORE_OK);
    attempt_end(t, &f2, AT(1), ATTEMPT_FAILED);
    assert_int_equal(attempt_begin(t, &flying, AT(2), NULL), CORE_OK);
    assert_int_equal(attempt_begin(t, &ok, AT(2), NULL), CORE_TOO_MANY); /* 2 + 1 in flight */
    /* FLYING fails: a success now ... */
    attempt_end(t, &flying, AT(3), ATTEMPT_FAILED);
    struct brake_row row;
    assert_int_equal(db_brake_get(t->db, f1.user, &row), DB_ONE_ROW);
    assert_int_equal(row.attempts, 3);
    assert_int_equal(row.in_flight, 0);
    /* ... is refused as well; after the window, two failures, one in flight
       and a success: the name keeps only the one in flight */
    struct auth_attempt g1 = attempt("fm1", "192.0.2.1"), g2 = attempt("fm1", "192.0.2.1");
    struct auth_attempt g3 = attempt("fm1", "192.0.2.1");
    assert_int_equal(attempt_begin(t, &g1, AT(60), NULL), CORE_OK);
    attempt_end(t, &g1, AT(60), ATTEMPT_FAILED);
    assert_int_equal(attempt_begin(t, &g2, AT(61), NULL), CORE_OK);
    assert_int_equal(attempt_begin(t, &ok, AT(61), NULL), CORE_OK);
    attempt_end(t, &ok, AT(62), ATTEMPT_SUCCEEDED);
    assert_int_equal(db_brake_get(t->db, ok.user, &row), DB_ONE_ROW);
    assert_int_equal(row.attempts, 1); /* G2, still being checked */
    assert_int_equal(row.in_flight, 1);
    assert_int_equal(db_brake_get(t->db, ok.addr, &row), DB_ONE_ROW);
    assert_int_equal(row.attempts, 2); /* G1's failure and G2; the success is none */
    attempt_end(t, &g2, AT(62), ATTEMPT_FAILED);
    assert_int_equal(attempt_begin(t, &g3, AT(63), NULL), CORE_OK);
    attempt_end(t, &g3, AT(63), ATTEMPT_NOT_CHECKED);
    assert_int_equal(db_brake_get(t->db, ok.user, &row), DB_ONE_ROW);
    assert_int_equal(row.attempts, 1); /* G2's failure; G3 was taken back */
    assert_int_equal(row.in_flight, 0);
    /* a success with nothing else counted leaves no row of the name */
    struct auth_attempt h1 = attempt("fm1", "192.0.2.1");
    assert_int_equal(attempt_begin(t, &h1, AT(64), NULL), CORE_OK);
    attempt_end(t, &h1, AT(64), ATTEMPT_SUCCEEDED);
    assert_int_equal(db_brake_get(t->db, h1.user, &row), DB_NO_ROWS);
}

/* The address gets ten times a name's allowance; IPv6 addresses count per
 * /64, IPv4 addresses each on their own. */
static void
brake_counts_addresses_and_ipv6_per_64(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    for (int i = 0; i < 30; i++) {
        char user[16], addr[64];
        snprintf(user, sizeof user, "u%d", i);
        snprintf(addr, sizeof addr, "2001:db8:1:2:%x::%x", i, i + 1);
        struct auth_attempt a = attempt(user, addr);
        assert_int_equal(attempt_begin(t, &a, AT(i), NULL), CORE_OK);
        attempt_end(t, &a, AT(i), ATTEMPT_FAILED);
    }
    unsigned ra = 0;
    struct auth_attempt same64 = attempt("another", "2001:db8:1:2:ffff:ffff:ffff:fffe");
    assert_int_equal(attempt_begin(t, &same64, AT(30), &ra), CORE_TOO_MANY);
    assert_int_equal(ra, 30);
    struct auth_attempt next64 = attempt("another", "2001:db8:1:3::1");
    assert_int_equal(attempt_begin(t, &next64, AT(30), NULL), CORE_OK);
    attempt_end(t, &next64, AT(30), ATTEMPT_FAILED);
    struct auth_attempt v4a = attempt("x", "192.0.2.1"), v4b = attempt("x", "192.0.2.2");
    assert_memory_not_equal(v4a.addr, v4b.addr, sizeof v4a.addr);
    struct auth_attempt v6a = attempt("x", "2001:db8::1"), v6b = attempt("x", "2001:db8::2");
    assert_memory_equal(v6a.addr, v6b.addr, sizeof v6a.addr);
}

/* An attempt that ends after its window has ended leaves the new window's
 * counter alone. */
static void
brake_outcome_after_the_window_changes_nothing(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    struct auth_attempt old = attempt("fm1", "192.0.2.1"), now = attempt("fm1", "192.0.2.1");
    assert_int_equal(attempt_begin(t, &old, AT(0), NULL), CORE_OK);
    assert_int_equal(attempt_begin(t, &now, AT(60), NULL), CORE_OK);
    attempt_end(t, &old, AT(61), ATTEMPT_SUCCEEDED);
    struct brake_row row;
    assert_int_equal(db_brake_get(t->db, now.user, &row), DB_ONE_ROW);
    assert_true(row.window_start == AT(60) && row.attempts == 1 && row.in_flight == 1);
    attempt_end(t, &now, AT(61), ATTEMPT_FAILED);
    assert_int_equal(db_brake_get(t->db, now.user, &row), DB_ONE_ROW);
    assert_true(row.attempts == 1 && row.in_flight == 0);
}

/* ---- the periodic jobs (core/jobs.c) on this backend ---- */

static void
token(struct t *t, int n, int kind, int64_t last_seen, int64_t expires)
{
    unsigned char digest[32] = { (unsigned char)n };
    assert_int_equal(db_token_insert(t->db, digest, "us_1", kind, kind == 2 ? "csrf" : NULL, NULL,
                                     last_seen, expires),
                     DB_NO_ROWS);
}

static int64_t
count(struct t *t, const char *sql)
{
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(t->db, sql, NULL, c), DB_ONE_ROW);
    return n;
}

/* A run deletes expired and idle sessions, expired API tokens and the
 * brake's counters whose window has ended, and leaves one audit entry with
 * the counts only; a run that deletes nothing leaves none. */
static void
jobs_delete_what_has_expired_and_audit_counts(void **state)
{
    struct t *t = *state;
    brake_setup(t); /* window 60 s, idle 30 minutes */
    assert_true(db_jobcenter_insert(t->db, "jc_1", "A", 1) >= 0);
    struct user_row u = { .id = "us_1",
                          .jobcenter_id = "jc_1",
                          .username = "fm1",
                          .display_name = "Fm Eins",
                          .password_hash = "x",
                          .roles = 1,
                          .fte_milli = 1000,
                          .created_at = 1 };
    assert_true(db_user_insert(t->db, &u) >= 0);
    int64_t now = AT(3600);
    token(t, 1, 2, now - 60 * 1000000, now - 1);                   /* session, expired */
    token(t, 2, 2, now - 31 * 60 * 1000000LL, now + 3600000000LL); /* session, idle */
    token(t, 3, 2, now - 60 * 1000000, now + 3600000000LL);        /* session, live */
    token(t, 4, 1, now - 60 * 1000000, now);                       /* API token, expired */
    token(t, 5, 1, now - 60 * 1000000, now + 1);                   /* API token, live */
    struct auth_attempt old = attempt("fm1", "192.0.2.1"), fresh = attempt("fm2", "192.0.2.2");
    assert_int_equal(attempt_begin(t, &old, now - 61 * 1000000, NULL), CORE_OK);
    assert_int_equal(attempt_begin(t, &fresh, now - 59 * 1000000, NULL), CORE_OK);
    int64_t audit = count(t, "SELECT count(*) FROM audit");

    struct auth_expired out;
    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(jobs_run_once(t->db, now, &out), CORE_OK);
    assert_true(db_commit(t->db) >= 0);
    assert_int_equal(out.sessions, 2);
    assert_int_equal(out.tokens, 1);
    assert_int_equal(out.brake_rows, 2); /* OLD's user and address counters */
    assert_int_equal(count(t, "SELECT count(*) FROM tokens"), 2);
    assert_int_equal(brake_rows(t), 2);
    struct brake_row row;
    assert_int_equal(db_brake_get(t->db, fresh.user, &row), DB_ONE_ROW);
    assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit + 1);
    char action[32], purpose[32], detail[200];
    int64_t actor_null = 0;
    const struct db_column c[] = { DB_COL_TEXT(action, sizeof action),
                                   DB_COL_TEXT(purpose, sizeof purpose),
                                   DB_COL_TEXT(detail, sizeof detail), DB_COL_INT64(&actor_null),
                                   DB_COL_END };
    assert_int_equal(db_query_one(t->db,
                                  "SELECT action, purpose, detail, CASE WHEN actor_id IS NULL"
                                  " AND case_id IS NULL AND client_id IS NULL THEN 1 ELSE 0 END"
                                  " FROM audit ORDER BY seq DESC LIMIT 1",
                                  NULL, c),
                     DB_ONE_ROW);
    assert_string_equal(action, "jobs.cleanup");
    assert_string_equal(purpose, "system_job");
    assert_string_equal(detail,
                        "expired, deleted: 2 sessions, 1 API tokens, 2 sign-in brake counters");
    assert_int_equal(actor_null, 1);

    assert_true(db_begin(t->db, true) >= 0);
    assert_int_equal(jobs_run_once(t->db, now, &out), CORE_OK);
    assert_true(db_commit(t->db) >= 0);
    assert_int_equal(out.sessions + out.tokens + out.brake_rows, 0);
    assert_int_equal(count(t, "SELECT count(*) FROM audit"), audit + 1);
}

/* Whether DB takes the job lock within two seconds: a PostgreSQL server ends
 * a closed or terminated session shortly after, not at once. */
static bool
takes_job_lock(struct db *db)
{
    bool held = false;
    for (int i = 0; i < 100 && !held; i++) {
        assert_true(db_job_lock_try(db, &held) >= 0);
        if (!held)
            usleep(20000);
    }
    return held;
}

/* The job lock is held by one connection at a time; it goes with a release,
 * with a closed connection and (PostgreSQL) with a lost one. */
static void
job_lock_is_held_by_one_connection(void **state)
{
    struct t *t = *state;
    char err[256];
    struct db *a = db_open(t->url, err, sizeof err), *b = db_open(t->url, err, sizeof err);
    assert_non_null(a);
    assert_non_null(b);
    bool held = false;
    assert_true(db_job_lock_try(a, &held) >= 0);
    assert_true(held);
    assert_true(db_job_lock_try(b, &held) >= 0);
    assert_false(held);
    assert_true(db_job_lock_try(a, &held) >= 0); /* asked again: still A's */
    assert_true(held);
    db_job_lock_release(a);
    assert_true(db_job_lock_try(b, &held) >= 0);
    assert_true(held);
    assert_true(db_job_lock_try(a, &held) >= 0);
    assert_false(held);
    db_close(b); /* without a release */
    assert_true(takes_job_lock(a));
    if (on_postgresql()) {
        /* A's connection is terminated: the server drops its lock, B takes it,
           and A's next try finds out and does not claim it */
        b = db_open(t->url, err, sizeof err);
        assert_non_null(b);
        int64_t pid = 0;
        const struct db_column c[] = { DB_COL_INT64(&pid), DB_COL_END };
        assert_int_equal(db_query_one(a, "SELECT pg_backend_pid()", NULL, c), DB_ONE_ROW);
        const struct db_param p[] = { DB_INT64(pid), DB_PARAM_END };
        assert_true(db_exec(t->db, "SELECT pg_terminate_backend($1::integer, 5000)", p) >= 0);
        assert_true(takes_job_lock(b));
        db_job_lock_try(a, &held); /* finds the connection lost; may or may not reconnect */
        assert_false(held);
        assert_true(db_job_lock_try(a, &held) >= 0); /* reconnected: B has it */
        assert_false(held);
        db_close(b);
    }
    db_close(a);
}

/* The jobs thread: of two on one store exactly one holds the lock and runs;
 * when it stops, the other takes over at its next try. */
static void
jobs_thread_runs_on_one_and_hands_over(void **state)
{
    struct t *t = *state;
    brake_setup(t);
    char err[256];
    struct writer *w = writer_start(t->url, 8, 0, err, sizeof err);
    assert_non_null(w);
    struct jobs *first = jobs_start(t->url, w, 1, err, sizeof err);
    assert_non_null(first);
    struct jobs_stats s1, s2;
    for (int i = 0; i < 200; i++) {
        jobs_get_stats(first, &s1);
        if (s1.runs > 0)
            break;
        usleep(10000);
    }
    assert_true(s1.lock_held);
    assert_true(s1.runs > 0);
    assert_int_equal(s1.failed_runs, 0);
    struct jobs *second = jobs_start(t->url, w, 1, err, sizeof err);
    assert_non_null(second);
    usleep(300000);
    jobs_get_stats(second, &s2);
    assert_false(s2.lock_held);
    assert_int_equal(s2.runs, 0);
    jobs_stop(first);
    jobs_get_stats(first, &s1);
    assert_false(s1.lock_held);
    for (int i = 0; i < 300; i++) { /* within its interval of 1 s, and some */
        jobs_get_stats(second, &s2);
        if (s2.runs > 0)
            break;
        usleep(10000);
    }
    assert_true(s2.lock_held);
    assert_true(s2.runs > 0);
    jobs_free(second);
    jobs_free(first);
    writer_stop(w);
    writer_free(w);
}

/* PostgreSQL: a read transaction's BEGIN goes with its first statement. A
 * connection that the server ended while it was idle is found out by that
 * BEGIN, which lost nothing: the call reconnects and runs once more, so the
 * next request does not fail. A read transaction in which nothing ran
 * sends nothing at all. */
static void
read_after_the_connection_was_ended_while_idle(void **state)
{
    struct t *t = *state;
    if (!on_postgresql())
        skip();
    int64_t pid = 0, n = -1;
    const struct db_column c[] = { DB_COL_INT64(&pid), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT pg_backend_pid()", NULL, c), DB_ONE_ROW);
    /* an empty read transaction: begins and ends without a round trip */
    assert_int_equal(db_begin(t->db, false), DB_NO_ROWS);
    assert_true(db_in_transaction(t->db));
    assert_int_equal(db_commit(t->db), DB_NO_ROWS);
    assert_false(db_in_transaction(t->db));
    char url[512], err[256];
    pg_url(url, sizeof url, t->dbname);
    struct db *other = db_open(url, err, sizeof err);
    assert_non_null(other);
    int64_t ended = 0;
    const struct db_column e[] = { DB_COL_INT64(&ended), DB_COL_END };
    const struct db_param pp[] = { DB_INT64(pid), DB_PARAM_END };
    assert_int_equal(
        db_query_one(other,
                     "SELECT CAST(pg_terminate_backend(CAST($1 AS integer), 5000) AS integer)", pp,
                     e),
        DB_ONE_ROW);
    assert_int_equal(ended, 1);
    db_close(other);
    /* the first statement of the next read transaction brings the BEGIN */
    assert_int_equal(db_begin(t->db, false), DB_NO_ROWS);
    const struct db_column k[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM jobcenters", NULL, k), DB_ONE_ROW);
    assert_int_equal(n, 0);
    /* inside one snapshot: a row committed meanwhile by another connection stays unseen */
    other = db_open(url, err, sizeof err);
    assert_non_null(other);
    assert_true(db_jobcenter_insert(other, "jc_new", "New", 1) >= 0);
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM jobcenters", NULL, k), DB_ONE_ROW);
    assert_int_equal(n, 0);
    db_rollback(t->db);
    assert_int_equal(db_query_one(t->db, "SELECT count(*) FROM jobcenters", NULL, k), DB_ONE_ROW);
    assert_int_equal(n, 1);
    db_close(other);
    assert_int_equal(db_unreachable(t->db), false);
}

int
main(void)
{
    const char *which = getenv("LOTSE_TEST_DB");
    if (!which || !*which || strcmp(which, "sqlite") == 0) {
        backend = BACKEND_SQLITE;
        backend_name = "sqlite";
    } else if (strcmp(which, "postgresql") == 0) {
        backend = BACKEND_POSTGRESQL;
        backend_name = "postgresql";
        pg_host = getenv("LOTSE_TEST_PG_HOST");
        pg_port = getenv("LOTSE_TEST_PG_PORT");
        pg_user = getenv("LOTSE_TEST_PG_USER");
        if (!pg_host || !*pg_host || !pg_port || !*pg_port || !pg_user || !*pg_user) {
            fprintf(stderr,
                    "test_store: skipped: LOTSE_TEST_DB=postgresql needs LOTSE_TEST_PG_HOST,"
                    " LOTSE_TEST_PG_PORT and LOTSE_TEST_PG_USER (eval \"$(tools/pg-cluster.sh"
                    " start DIR)\" sets them; ./setup.sh test does)\n");
            return 77; /* meson: SKIP */
        }
        /* the server is there (setup.sh started it): not reaching it is a failure,
           said once rather than by every test's setup */
        char url[512], err[256] = "";
        pg_url(url, sizeof url, "postgres");
        struct db *probe = db_open(url, err, sizeof err);
        if (!probe) {
            fprintf(stderr, "test_store: cannot connect to %s: %s\n", url, err);
            return 1;
        }
        db_close(probe);
    } else {
        fprintf(stderr, "test_store: LOTSE_TEST_DB=%s: use sqlite or postgresql\n", which);
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(migrations_are_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(parameters_bind_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(search_keys_are_filled_and_folded, setup, teardown),
        cmocka_unit_test_setup_teardown(columns_are_typed, setup, teardown),
        cmocka_unit_test_setup_teardown(constraints_and_savepoints, setup, teardown),
        cmocka_unit_test_setup_teardown(protected_connection_refuses_ddl, setup, teardown),
        cmocka_unit_test_setup_teardown(writer_groups_commits_and_answers_after_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(sync_and_inline_runs, setup, teardown),
        cmocka_unit_test_setup_teardown(checkpointer_keeps_the_log_short, setup, teardown),
        cmocka_unit_test_setup_teardown(backup_is_a_consistent_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(loaded_rows_arrive_whole_and_in_order, setup, teardown),
        cmocka_unit_test_setup_teardown(deferred_foreign_keys_are_checked_at_commit, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(read_after_the_connection_was_ended_while_idle, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(brake_counts_attempts_when_they_start, setup, teardown),
        cmocka_unit_test_setup_teardown(brake_stores_keyed_digests_only, setup, teardown),
        cmocka_unit_test_setup_teardown(brake_success_clears_the_name_and_not_checked_is_taken_back,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(brake_counts_addresses_and_ipv6_per_64, setup, teardown),
        cmocka_unit_test_setup_teardown(brake_outcome_after_the_window_changes_nothing, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(jobs_delete_what_has_expired_and_audit_counts, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(job_lock_is_held_by_one_connection, setup, teardown),
        cmocka_unit_test_setup_teardown(jobs_thread_runs_on_one_and_hands_over, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
