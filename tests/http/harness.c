/*
 * tests/http/harness.c — the real server for the HTTP tests; see harness.h.
 *
 * The store is read through one backend-neutral function, store_query(),
 * which runs an SQL text and hands each row over as text cells: sqlite3 on
 * the SQLite file, libpq on the PostgreSQL database. Everything above it
 * (h_count, h_sql_str, h_user_id, the snapshot and its digest, the audit
 * checks) is the same on both backends; only the digest's list of tables
 * and the order of their rows are asked in each dialect.
 */
#include "harness.h"

#include <ctype.h>
#include <limits.h>
#include <curl/curl.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <poll.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- small utilities ---- */

static void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        abort();
    return p;
}

static char *
xstrdup(const char *s)
{
    char *p = strdup(s);
    if (!p)
        abort();
    return p;
}

static int64_t
now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static char *
read_file(const char *path, size_t *len_out)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *s = xcalloc(cap, 1);
    size_t n;
    while ((n = fread(s + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (cap - len - 1 == 0) {
            cap *= 2;
            char *t = realloc(s, cap);
            if (!t)
                abort();
            s = t;
        }
    }
    fclose(f);
    s[len] = '\0';
    if (len_out)
        *len_out = len;
    return s;
}

static void
print_server_log(const struct harness *h)
{
    char *log = read_file(h->stderr_path, NULL);
    fprintf(stderr, "---- server stderr (%s) ----\n%s\n---- end of server stderr ----\n",
            h->stderr_path, log ? log : "(unreadable)");
    free(log);
}

/* LOTSE_BIN made absolute (the children run in the temporary directory). */
static const char *
lotse_bin(void)
{
    static char path[PATH_MAX];
    const char *bin = getenv("LOTSE_BIN");
    if (!bin || !bin[0])
        return NULL;
    if (!path[0] && !realpath(bin, path))
        return NULL;
    return path;
}

/* The environment for the children: the server refuses LOTSE_* variables
 * that are no setting (LOTSE_BIN is ours), and a developer's LOTSE_CONFIG
 * or settings must not change what the tests see. Built before fork(); the
 * strings stay those of environ. */
static char **
child_environment(void)
{
    extern char **environ;
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **env = xcalloc(n + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(environ[i], "LOTSE_", 6) != 0)
            env[k++] = environ[i];
    env[k] = NULL;
    return env;
}

/* Run ARGV with stdout and stderr to LOG_PATH, in DIR; the exit status or -1. */
static int
run_wait(const char *dir, char *const argv[], const char *log_path)
{
    char **env = child_environment();
    pid_t pid = fork();
    if (pid < 0) {
        free(env);
        return -1;
    }
    if (pid == 0) {
        int fd = open(log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || chdir(dir) != 0)
            _exit(126);
        dup2(fd, 1);
        dup2(fd, 2);
        execve(argv[0], argv, env);
        _exit(127);
    }
    free(env);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void
remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char p[600];
        snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
        unlink(p);
    }
    closedir(d);
    rmdir(dir);
}

/* ---- the backend under test ---- */

enum backend { BACKEND_UNSET, BACKEND_SQLITE, BACKEND_POSTGRESQL, BACKEND_INVALID };

/* LOTSE_TEST_DB, read once: sqlite (also when unset) or postgresql. */
static enum backend
backend(void)
{
    static enum backend b = BACKEND_UNSET;
    if (b == BACKEND_UNSET) {
        const char *which = getenv("LOTSE_TEST_DB");
        if (!which || !which[0] || strcmp(which, "sqlite") == 0)
            b = BACKEND_SQLITE;
        else if (strcmp(which, "postgresql") == 0)
            b = BACKEND_POSTGRESQL;
        else
            b = BACKEND_INVALID;
    }
    return b;
}

bool
h_on_postgresql(void)
{
    return backend() == BACKEND_POSTGRESQL;
}

/* LOTSE_TEST_SERVERS, read once: 1 (also when unset) or 2; 0 when invalid. */
static int
servers(void)
{
    static int n = -1;
    if (n < 0) {
        const char *v = getenv("LOTSE_TEST_SERVERS");
        n = !v || !v[0] || strcmp(v, "1") == 0 ? 1 : strcmp(v, "2") == 0 ? 2 : 0;
    }
    return n;
}

bool
h_two_servers(void)
{
    return servers() == 2;
}

void
h_pin(struct harness *h, bool on)
{
    h->pinned += on ? 1 : -1;
    assert_true(h->pinned >= 0);
}

/* S with every byte but [A-Za-z0-9-._~/] as %XX, for a URI; false when
 * SIZE is too small. */
static bool
uri_escape(char *out, size_t size, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = 0;
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (n + 4 > size)
            return false;
        if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
            out[n++] = (char)c;
        } else {
            out[n++] = '%';
            out[n++] = hex[c >> 4];
            out[n++] = hex[c & 15];
        }
    }
    out[n] = '\0';
    return true;
}

/* postgresql://USER@/DBNAME?host=HOST&port=PORT from LOTSE_TEST_PG_*: the
 * URL the children get with --db, and the harness's own connections. */
static bool
pg_url(char *out, size_t size, const char *dbname)
{
    char user[128], host[256], port[32];
    if (!uri_escape(user, sizeof user, getenv("LOTSE_TEST_PG_USER")) ||
        !uri_escape(host, sizeof host, getenv("LOTSE_TEST_PG_HOST")) ||
        !uri_escape(port, sizeof port, getenv("LOTSE_TEST_PG_PORT")))
        return false;
    int n = snprintf(out, size, "postgresql://%s@/%s?host=%s&port=%s", user, dbname, host, port);
    return n > 0 && (size_t)n < size;
}

/* libpq prints NOTICEs to stderr; "does not exist, skipping" is expected. */
static void
ignore_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

/* Run one statement on the cluster's "postgres" database, on a connection
 * of its own and outside a transaction (CREATE/DROP DATABASE refuse to run
 * inside one). False, having printed why, on failure. */
static bool
pg_admin(const char *sql)
{
    char url[600];
    if (!pg_url(url, sizeof url, "postgres")) {
        fprintf(stderr, "harness: LOTSE_TEST_PG_* too long for a URL\n");
        return false;
    }
    PGconn *c = PQconnectdb(url);
    if (PQstatus(c) != CONNECTION_OK) {
        fprintf(stderr, "harness: cannot connect to %s: %s", url, PQerrorMessage(c));
        PQfinish(c);
        return false;
    }
    PQsetNoticeProcessor(c, ignore_notice, NULL);
    PGresult *res = PQexec(c, sql);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok)
        fprintf(stderr, "harness: %s: %s", sql, PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return ok;
}

/* A new, empty database for H (lotse_h_PID_N); its URL in h->db_url. */
static bool
pg_create_database(struct harness *h)
{
    static unsigned counter;
    char name[64], sql[160];
    snprintf(name, sizeof name, "lotse_h_%ld_%u", (long)getpid(), ++counter);
    if (!pg_url(h->db_url, sizeof h->db_url, name)) {
        fprintf(stderr, "harness: LOTSE_TEST_PG_* too long for a URL\n");
        return false;
    }
    /* one left by an earlier run of the same pid on a long-lived cluster */
    snprintf(sql, sizeof sql, "DROP DATABASE IF EXISTS %s WITH (FORCE)", name);
    if (!pg_admin(sql))
        return false;
    snprintf(sql, sizeof sql, "CREATE DATABASE %s", name);
    if (!pg_admin(sql))
        return false;
    snprintf(h->pg_db, sizeof h->pg_db, "%s", name);
    return true;
}

/* Drop H's database, if it has one (FORCE: a connection that a failed
 * child left open does not keep it). */
static bool
pg_drop_database(struct harness *h)
{
    if (!h->pg_db[0])
        return true;
    char sql[160];
    snprintf(sql, sizeof sql, "DROP DATABASE %s WITH (FORCE)", h->pg_db);
    if (!pg_admin(sql))
        return false;
    h->pg_db[0] = '\0';
    return true;
}

/* ---- memory kept until the end ---- */

void *
h_keep(struct harness *h, void *p)
{
    struct h_owned *o = xcalloc(1, sizeof *o);
    o->p = p;
    o->next = h->owned;
    h->owned = o;
    return p;
}

char *
h_printf(struct harness *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    if (vasprintf(&s, fmt, ap) < 0)
        abort(); /* out of memory */
    va_end(ap);
    return h_keep(h, s);
}

char *
h_strdup(struct harness *h, const char *s)
{
    return h_keep(h, xstrdup(s));
}

/* ---- life cycle ---- */

static bool
start_server(struct harness *h, const char *const *extra)
{
    const char *argv[64];
    int n = 0;
    char listen_arg[] = "127.0.0.1:0";
    argv[n++] = lotse_bin();
    argv[n++] = "serve";
    argv[n++] = "--db";
    argv[n++] = h->db_url;
    argv[n++] = "--listen";
    argv[n++] = listen_arg;
    for (int i = 0; extra && extra[i] && n < 62; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;

    int p[2];
    if (pipe2(p, O_CLOEXEC) != 0)
        return false;
    char **env = child_environment();
    pid_t pid = fork();
    if (pid < 0) {
        free(env);
        close(p[0]);
        close(p[1]);
        return false;
    }
    if (pid == 0) {
        int fd = open(h->stderr_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (fd < 0 || chdir(h->dir) != 0)
            _exit(126);
        dup2(p[1], 1);
        dup2(fd, 2);
        execve(argv[0], (char *const *)argv, env);
        _exit(127);
    }
    free(env);
    close(p[1]);
    h->pid = pid;
    h->out_fd = p[0];

    /* read "lotse listening on http://127.0.0.1:PORT" */
    char line[512];
    size_t len = 0;
    int64_t deadline = now_ms() + 30000;
    while (now_ms() < deadline) {
        struct pollfd pfd = { .fd = h->out_fd, .events = POLLIN };
        int r = poll(&pfd, 1, 200);
        if (r < 0 && errno != EINTR)
            break;
        if (r > 0) {
            ssize_t got = read(h->out_fd, line + len, sizeof line - 1 - len);
            if (got <= 0)
                break; /* EOF: the server is gone */
            len += (size_t)got;
            line[len] = '\0';
            char *nl = strchr(line, '\n');
            if (nl) {
                *nl = '\0';
                unsigned port = 0;
                if (sscanf(line, "lotse listening on http://127.0.0.1:%u", &port) == 1 && port) {
                    h->port = port;
                    snprintf(h->base, sizeof h->base, "http://127.0.0.1:%u", port);
                    return true;
                }
                fprintf(stderr, "harness: unexpected first line from the server: %s\n", line);
                return false;
            }
            if (len == sizeof line - 1)
                break;
        }
        int st;
        if (waitpid(h->pid, &st, WNOHANG) == h->pid) {
            h->pid = 0;
            fprintf(stderr, "harness: the server exited before it listened (status %d)\n", st);
            return false;
        }
    }
    fprintf(stderr, "harness: no announcement from the server\n");
    return false;
}

/* A harness with a directory of its own under TMPDIR; NULL (having printed
 * why) when the directory cannot be made. */
static struct harness *
new_harness(void)
{
    struct harness *h = xcalloc(1, sizeof *h);
    h->out_fd = -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(h->dir, sizeof h->dir, "%s/lotse-http-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (!mkdtemp(h->dir)) {
        fprintf(stderr, "harness: mkdtemp: %s\n", strerror(errno));
        free(h);
        return NULL;
    }
    snprintf(h->stderr_path, sizeof h->stderr_path, "%s/server.stderr", h->dir);
    return h;
}

struct harness *
h_prepare(void)
{
    if (backend() == BACKEND_INVALID) {
        fprintf(stderr, "harness: LOTSE_TEST_DB=%s: use sqlite or postgresql\n",
                getenv("LOTSE_TEST_DB"));
        return NULL;
    }
    if (servers() == 0 || (servers() == 2 && !h_on_postgresql())) {
        fprintf(stderr,
                "harness: LOTSE_TEST_SERVERS=%s: use 1, or 2 with LOTSE_TEST_DB=postgresql"
                " (several servers share a PostgreSQL database only)\n",
                getenv("LOTSE_TEST_SERVERS"));
        return NULL;
    }
    if (h_on_postgresql()) {
        const char *host = getenv("LOTSE_TEST_PG_HOST"), *port = getenv("LOTSE_TEST_PG_PORT"),
                   *user = getenv("LOTSE_TEST_PG_USER");
        if (!host || !host[0] || !port || !port[0] || !user || !user[0]) {
            fprintf(stderr,
                    "harness: skipped: LOTSE_TEST_DB=postgresql needs LOTSE_TEST_PG_HOST,"
                    " LOTSE_TEST_PG_PORT and LOTSE_TEST_PG_USER (eval \"$(tools/pg-cluster.sh"
                    " start DIR)\" prints them; ./setup.sh test starts such a cluster)\n");
            exit(77); /* meson: SKIP */
        }
    }
    if (!lotse_bin()) {
        fprintf(stderr, "harness: set LOTSE_BIN to the lotse binary\n");
        return NULL;
    }
    struct harness *h = new_harness();
    if (!h)
        return NULL;
    if (h_on_postgresql()) {
        if (!pg_create_database(h)) {
            remove_dir(h->dir);
            free(h);
            return NULL;
        }
    } else {
        snprintf(h->db_path, sizeof h->db_path, "%s/t.db", h->dir);
        snprintf(h->db_url, sizeof h->db_url, "sqlite:%s", h->db_path);
    }

    char demo_log[320];
    snprintf(demo_log, sizeof demo_log, "%s/demo.log", h->dir);
    char *demo_argv[] = { (char *)lotse_bin(), "demo",     "--db", h->db_url,
                          "--password",        H_PASSWORD, NULL };
    int rc = run_wait(h->dir, demo_argv, demo_log);
    if (rc != 0) {
        char *log = read_file(demo_log, NULL);
        fprintf(stderr, "harness: lotse demo failed (%d):\n%s\n", rc, log ? log : "");
        free(log);
        pg_drop_database(h);
        remove_dir(h->dir);
        free(h);
        return NULL;
    }
    return h;
}

/* Start H's own server and its libcurl handle. */
static bool
serve_one(struct harness *h, const char *const *extra)
{
    if (!start_server(h, extra)) {
        print_server_log(h);
        return false;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    h->curl = curl_easy_init();
    return h->curl != NULL;
}

bool
h_serve(struct harness *h, const char *const *extra)
{
    if (!serve_one(h, extra))
        return false;
    if (h_two_servers()) {
        h->peer = h_start_beside(h, extra);
        if (!h->peer)
            return false;
    }
    return true;
}

struct harness *
h_start_beside(const struct harness *first, const char *const *extra)
{
    struct harness *h = new_harness();
    if (!h)
        return NULL;
    snprintf(h->db_path, sizeof h->db_path, "%s", first->db_path);
    snprintf(h->db_url, sizeof h->db_url, "%s", first->db_url);
    /* pg_db stays empty: the database is FIRST's to drop */
    if (!serve_one(h, extra)) {
        h_stop(h);
        return NULL;
    }
    return h;
}

int
h_lotse(struct harness *h, const char *const *args, const char **output)
{
    const char *argv[32];
    int n = 0;
    argv[n++] = lotse_bin();
    for (int i = 0; args[i] && n < 31; i++)
        argv[n++] = args[i];
    argv[n] = NULL;
    char log[320];
    snprintf(log, sizeof log, "%s/lotse-command.log", h->dir);
    int rc = run_wait(h->dir, (char *const *)argv, log);
    if (output) {
        char *text = read_file(log, NULL);
        *output = text ? h_keep(h, text) : "";
    }
    return rc;
}

struct harness *
h_start(const char *const *extra)
{
    struct harness *h = h_prepare();
    if (h && !h_serve(h, extra)) {
        h_stop(h);
        return NULL;
    }
    return h;
}

static bool
reap(struct harness *h, int timeout_ms, int *status)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (now_ms() < deadline) {
        pid_t r = waitpid(h->pid, status, WNOHANG);
        if (r == h->pid)
            return true;
        if (r < 0 && errno != EINTR)
            return false;
        usleep(10000);
    }
    return false;
}

static bool terminate_one(struct harness *h);

bool
h_terminate(struct harness *h)
{
    bool peer_ok = !h->peer || h_terminate(h->peer);
    return terminate_one(h) && peer_ok;
}

static bool
terminate_one(struct harness *h)
{
    if (!h->pid)
        return h->exited_ok;
    kill(h->pid, SIGTERM);
    int st = 0;
    if (!reap(h, 60000, &st)) {
        fprintf(stderr,
                "harness: the server did not stop within 60 s of SIGTERM (%s); killing it\n",
                strerror(errno));
        kill(h->pid, SIGKILL);
        reap(h, 5000, &st);
        h->pid = 0;
        h->exited_ok = false;
        return false;
    }
    h->pid = 0;
    h->exited_ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!h->exited_ok) {
        if (WIFEXITED(st))
            fprintf(stderr, "harness: the server exited with status %d\n", WEXITSTATUS(st));
        else if (WIFSIGNALED(st))
            fprintf(stderr, "harness: the server died of signal %d\n", WTERMSIG(st));
    }
    return h->exited_ok;
}

/* Sanitizer reports in the server's stderr. */
static bool
stderr_clean(const struct harness *h)
{
    char *log = read_file(h->stderr_path, NULL);
    if (!log)
        return true;
    static const char *const marks[] = { "runtime error",
                                         "ERROR: AddressSanitizer",
                                         "ERROR: LeakSanitizer",
                                         "WARNING: ThreadSanitizer",
                                         "ERROR: UndefinedBehaviorSanitizer",
                                         NULL };
    bool clean = true;
    for (const char *const *m = marks; *m; m++)
        if (strstr(log, *m)) {
            fprintf(stderr, "harness: the server's stderr contains \"%s\"\n", *m);
            clean = false;
        }
    free(log);
    return clean;
}

static bool stop_failed;

void
h_test_server_exits_cleanly(void **state)
{
    struct harness *h = *state;
    assert_non_null(h);
    bool ok = h_terminate(h);
    for (struct harness *s = h; s; s = s->peer)
        if (!stderr_clean(s)) {
            print_server_log(s);
            ok = false;
        }
    assert_true(ok);
}

int
h_exit_code(int cmocka_failures)
{
    return cmocka_failures != 0 || stop_failed ? 1 : 0;
}

/* After the suite's requests: the worklist's read model still matches the
 * case data (`lotse worklist check`), so no write path forgot its rows. */
static bool
worklist_in_step(struct harness *h)
{
    char log[320];
    snprintf(log, sizeof log, "%s/worklist-check.log", h->dir);
    char *argv[] = { (char *)lotse_bin(), "worklist", "check", "--db", h->db_url, NULL };
    int rc = run_wait(h->dir, argv, log);
    if (rc == 0)
        return true;
    char *out = read_file(log, NULL);
    fprintf(stderr, "harness: lotse worklist check exited %d after the suite:\n%s\n", rc,
            out ? out : "(no output)");
    free(out);
    return false;
}

int
h_stop(struct harness *h)
{
    if (!h)
        return -1;
    bool ok = true;
    if (h->peer) { /* the peer first: the database is H's to drop */
        ok = h_stop(h->peer) == 0;
        h->peer = NULL;
    }
    if (h->pid)
        ok = terminate_one(h) && ok;
    else
        ok = h->exited_ok && ok;
    if (h->port && !stderr_clean(h))
        ok = false;
    if (!ok && h->port)
        print_server_log(h);
    if (h->port && !worklist_in_step(h))
        ok = false;
    if (h->out_fd >= 0)
        close(h->out_fd);
    if (h->curl) {
        curl_easy_cleanup(h->curl);
        curl_global_cleanup();
    }
    if (h->db)
        sqlite3_close(h->db);
    if (h->pg)
        PQfinish(h->pg);
    while (h->live)
        h_free(h->live);
    for (struct h_owned *o = h->owned, *next; o; o = next) {
        next = o->next;
        free(o->p);
        free(o);
    }
    const char *keep = getenv("LOTSE_TEST_KEEP");
    if (keep && keep[0]) {
        fprintf(stderr, "harness: kept %s\n", h->dir);
        if (h->pg_db[0])
            fprintf(stderr, "harness: kept the database %s\n", h->db_url);
    } else {
        /* after the server has exited and `lotse worklist check` has run */
        if (!pg_drop_database(h))
            ok = false;
        remove_dir(h->dir);
    }
    free(h);
    if (!ok)
        stop_failed = true;
    return ok ? 0 : -1;
}

int
h_group_setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    return h ? 0 : -1;
}

int
h_group_teardown(void **state)
{
    int r = h_stop(*state);
    *state = NULL;
    return r;
}

/* ---- requests ---- */

struct collect {
    struct h_resp *r;
    size_t cap;
};

static size_t
on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct collect *c = user;
    size_t n = size * nmemb;
    if (c->r->body_len + n + 1 > c->cap) {
        while (c->r->body_len + n + 1 > c->cap)
            c->cap = c->cap ? c->cap * 2 : 4096;
        char *t = realloc(c->r->body, c->cap);
        if (!t)
            abort();
        c->r->body = t;
    }
    memcpy(c->r->body + c->r->body_len, data, n);
    c->r->body_len += n;
    c->r->body[c->r->body_len] = '\0';
    return n;
}

static void
clear_headers(struct h_resp *r)
{
    for (size_t i = 0; i < r->n_headers; i++) {
        free(r->names[i]);
        free(r->values[i]);
    }
    free(r->names);
    free(r->values);
    r->names = r->values = NULL;
    r->n_headers = 0;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *user)
{
    struct collect *c = user;
    struct h_resp *r = c->r;
    size_t n = size * nmemb;
    if (n >= 5 && strncmp(data, "HTTP/", 5) == 0) {
        clear_headers(r); /* a new response (after 100 Continue) */
        return n;
    }
    size_t len = n;
    while (len && (data[len - 1] == '\n' || data[len - 1] == '\r'))
        len--;
    const char *colon = memchr(data, ':', len);
    if (!colon)
        return n;
    size_t nlen = (size_t)(colon - data);
    const char *v = colon + 1;
    while (v < data + len && (*v == ' ' || *v == '\t'))
        v++;
    size_t vlen = (size_t)(data + len - v);
    char **names = realloc(r->names, (r->n_headers + 1) * sizeof *names);
    if (!names)
        abort();
    r->names = names;
    char **values = realloc(r->values, (r->n_headers + 1) * sizeof *values);
    if (!values)
        abort();
    r->values = values;
    r->names[r->n_headers] = strndup(data, nlen);
    r->values[r->n_headers] = strndup(v, vlen);
    if (!r->names[r->n_headers] || !r->values[r->n_headers])
        abort();
    r->n_headers++;
    return n;
}

struct h_resp *
h_request(struct harness *h, const char *method, const char *path, const char *const *headers,
          const void *body, size_t body_len)
{
    CURL *c = h->curl;
    struct h_resp *r = xcalloc(1, sizeof *r);
    r->h = h;
    r->next = h->live;
    if (h->live)
        h->live->prev = r;
    h->live = r;
    struct collect col = { .r = r };
    /* two servers: every other request to the peer, unless pinned */
    const struct harness *to = h->peer && !h->pinned && (h->turn++ & 1) ? h->peer : h;
    char url[8192 + 128];
    snprintf(url, sizeof url, "%s%s", to->base, path);
    curl_easy_reset(c);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &col);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &col);
    struct curl_slist *list = NULL;
    list = curl_slist_append(list, "Expect:");
    for (int i = 0; headers && headers[i]; i++)
        list = curl_slist_append(list, headers[i]);
    if (body) {
        curl_easy_setopt(c, CURLOPT_POST, 1L);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body_len);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        /* no default form content type: tests say what they send */
        bool has_ct = false;
        for (int i = 0; headers && headers[i]; i++)
            has_ct = has_ct || strncasecmp(headers[i], "Content-Type:", 13) == 0;
        if (!has_ct)
            list = curl_slist_append(list, "Content-Type:");
    }
    if (strcmp(method, "GET") == 0 && !body)
        curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
    else if (strcmp(method, "HEAD") == 0)
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    else if (!(strcmp(method, "POST") == 0 && body))
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
    CURLcode rc = curl_easy_perform(c);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) {
        print_error("harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
        r->status = 0;
    } else {
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r->status);
    }
    if (!r->body)
        r->body = xcalloc(1, 1);
    if (r->body_len)
        r->json = json_loadb(r->body, r->body_len, 0, NULL);
    return r;
}

struct h_resp *
h_api(struct harness *h, const char *method, const char *path, const char *token, const char *body)
{
    char auth[256];
    const char *headers[4];
    int n = 0;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        headers[n++] = auth;
    }
    if (body)
        headers[n++] = "Content-Type: application/json";
    headers[n] = NULL;
    return h_request(h, method, path, headers, body, body ? strlen(body) : 0);
}

struct h_resp *
h_apij(struct harness *h, const char *method, const char *path, const char *token, json_t *body)
{
    char *s = json_dumps(body, JSON_COMPACT);
    json_decref(body);
    if (!s)
        abort();
    struct h_resp *r = h_api(h, method, path, token, s);
    free(s);
    return r;
}

void
h_free(struct h_resp *r)
{
    if (!r)
        return;
    if (r->prev)
        r->prev->next = r->next;
    else if (r->h && r->h->live == r)
        r->h->live = r->next;
    if (r->next)
        r->next->prev = r->prev;
    clear_headers(r);
    free(r->body);
    json_decref(r->json);
    free(r);
}

const char *
h_header_nth(const struct h_resp *r, const char *name, size_t i)
{
    for (size_t k = 0; k < r->n_headers; k++)
        if (strcasecmp(r->names[k], name) == 0 && i-- == 0)
            return r->values[k];
    return NULL;
}

const char *
h_header(const struct h_resp *r, const char *name)
{
    return h_header_nth(r, name, 0);
}

size_t
h_header_count(const struct h_resp *r, const char *name)
{
    size_t n = 0;
    for (size_t k = 0; k < r->n_headers; k++)
        n += strcasecmp(r->names[k], name) == 0;
    return n;
}

void
h_dump(const struct h_resp *r)
{
    print_error("  response status %ld\n", r->status);
    for (size_t k = 0; k < r->n_headers; k++)
        print_error("  %s: %s\n", r->names[k], r->values[k]);
    print_error("  body (%zu bytes): %.2000s\n", r->body_len, r->body);
}

const char *
h_login(struct harness *h, const char *user, const char *password)
{
    json_t *b = json_pack("{s:s,s:s}", "username", user, "password", password);
    struct h_resp *r = h_apij(h, "POST", "/api/v1/tokens", NULL, b);
    if (r->status != 201 || !h_jstr(r->json, "token")) {
        print_error("harness: sign-in of %s failed\n", user);
        h_dump(r);
        h_free(r);
        fail();
    }
    char *t = h_strdup(h, h_jstr(r->json, "token"));
    h_free(r);
    return t;
}

const char *
h_token(struct harness *h, const char *user)
{
    for (int i = 0; i < h->n_tokens; i++)
        if (strcmp(h->tokens[i].user, user) == 0)
            return h->tokens[i].token;
    assert_true(h->n_tokens < (int)(sizeof h->tokens / sizeof h->tokens[0]));
    const char *t = h_login(h, user, H_PASSWORD);
    struct h_token *slot = &h->tokens[h->n_tokens++];
    snprintf(slot->user, sizeof slot->user, "%s", user);
    slot->token = t;
    return t;
}

/* ---- JSON ---- */

json_t *
h_jget(json_t *j, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && j; part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(j) && isdigit((unsigned char)part[0]))
            j = json_array_get(j, strtoul(part, NULL, 10));
        else
            j = json_object_get(j, part);
    }
    return j;
}

const char *
h_jstr(json_t *j, const char *path)
{
    return json_string_value(h_jget(j, path));
}

bool
h_has_error_field(const struct h_resp *r, const char *field)
{
    json_t *errs = json_object_get(r->json, "errors");
    size_t i;
    json_t *e;
    json_array_foreach(errs, i, e)
    {
        const char *f = json_string_value(json_object_get(e, "field"));
        if (f && strcmp(f, field) == 0)
            return true;
    }
    return false;
}

/* ---- HTML ---- */

static bool
in_list(const char *name, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(name, *list) == 0)
            return true;
    return false;
}

bool
h_html_well_formed(const char *html, char *err, size_t errlen)
{
    static const char *const voids[] = { "area",  "base", "br",   "col",    "embed", "hr",  "img",
                                         "input", "link", "meta", "source", "track", "wbr", NULL };
    static const char *const optional_end[] = { "p",        "li",    "dt",    "dd",
                                                "option",   "tr",    "td",    "th",
                                                "thead",    "tbody", "tfoot", "colgroup",
                                                "optgroup", "rt",    "rp",    NULL };
    char stack[128][24];
    int depth = 0;
    int line = 1;
    for (const char *p = html; *p; p++) {
        if (*p == '\n')
            line++;
        if (*p != '<')
            continue;
        if (strncmp(p, "<!--", 4) == 0) {
            const char *end = strstr(p + 4, "-->");
            if (!end) {
                snprintf(err, errlen, "line %d: unterminated comment", line);
                return false;
            }
            for (const char *q = p; q < end; q++)
                line += *q == '\n';
            p = end + 2;
            continue;
        }
        if (p[1] == '!') { /* doctype */
            const char *end = strchr(p, '>');
            if (!end) {
                snprintf(err, errlen, "line %d: unterminated declaration", line);
                return false;
            }
            p = end;
            continue;
        }
        bool closing = p[1] == '/';
        const char *n = p + 1 + closing;
        size_t len = 0;
        while (isalnum((unsigned char)n[len]) || n[len] == '-')
            len++;
        if (len == 0 || len >= sizeof stack[0]) {
            snprintf(err, errlen, "line %d: stray '<' (escape it as &lt;)", line);
            return false;
        }
        char name[24];
        for (size_t i = 0; i < len; i++)
            name[i] = (char)tolower((unsigned char)n[i]);
        name[len] = '\0';
        /* to the end of the tag, over quoted attribute values */
        const char *q = n + len;
        char quote = 0;
        for (; *q && (quote || *q != '>'); q++) {
            if (*q == '\n')
                line++;
            if (quote && *q == quote)
                quote = 0;
            else if (!quote && (*q == '"' || *q == '\''))
                quote = *q;
            else if (!quote && *q == '<') {
                snprintf(err, errlen, "line %d: '<' inside the tag <%s>", line, name);
                return false;
            }
        }
        if (!*q) {
            snprintf(err, errlen, "line %d: unterminated tag <%s>", line, name);
            return false;
        }
        bool self_closing = q > p && q[-1] == '/';
        p = q;
        if (!closing && strcmp(name, "script") == 0) {
            snprintf(err, errlen, "line %d: <script> in a page", line);
            return false;
        }
        if (closing) {
            /* close implicitly what may be left open, up to NAME */
            int k = depth - 1;
            while (k >= 0 && strcmp(stack[k], name) != 0 && in_list(stack[k], optional_end))
                k--;
            if (k < 0 || strcmp(stack[k], name) != 0) {
                snprintf(err, errlen, "line %d: </%s> closes <%s>", line, name,
                         depth ? stack[depth - 1] : "nothing");
                return false;
            }
            depth = k;
        } else if (!self_closing && !in_list(name, voids)) {
            if (depth == (int)(sizeof stack / sizeof stack[0])) {
                snprintf(err, errlen, "line %d: nested too deeply", line);
                return false;
            }
            snprintf(stack[depth++], sizeof stack[0], "%s", name);
        }
    }
    while (depth > 0 && in_list(stack[depth - 1], optional_end))
        depth--;
    if (depth > 0) {
        snprintf(err, errlen, "<%s> is never closed", stack[depth - 1]);
        return false;
    }
    return true;
}

/* ---- the store ---- */

/* One cell of a row: its bytes as text (NUL-terminated; NULL for SQL NULL),
 * their number, and the backend's type code (SQLite: the value's storage
 * class; PostgreSQL: the column's type oid), which only the digest uses. */
struct cell {
    const char *text;
    size_t len;
    int type;
};

/* Called with each row of an answer; CELLS live until it returns. False:
 * no more rows are wanted. */
typedef bool row_fn(void *ctx, const struct cell *cells, int n_cells);

/* The SQLite file, read-only, with the audit file attached as audit_log. */
static sqlite3 *
sqlite_store(struct harness *h)
{
    if (h->db)
        return h->db;
    char uri[400];
    snprintf(uri, sizeof uri, "file:%s?mode=ro", h->db_path);
    sqlite3 *db = NULL;
    if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, NULL) != SQLITE_OK) {
        print_error("harness: cannot open %s: %s\n", h->db_path, db ? sqlite3_errmsg(db) : "");
        sqlite3_close(db);
        fail();
    }
    sqlite3_busy_timeout(db, 10000);
    /* the audit trail lives in its own file beside the store */
    char attach[512];
    snprintf(attach, sizeof attach, "ATTACH DATABASE 'file:%s-audit?mode=ro' AS audit_log",
             h->db_path);
    char *msg = NULL;
    if (sqlite3_exec(db, attach, NULL, NULL, &msg) != SQLITE_OK) {
        print_error("harness: cannot attach the audit file: %s\n", msg ? msg : "");
        sqlite3_free(msg);
        sqlite3_close(db);
        fail();
    }
    h->db = db;
    return db;
}

static bool
sqlite_query(struct harness *h, const char *sql, row_fn *row, void *ctx, char *err, size_t errlen)
{
    sqlite3 *db = sqlite_store(h);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return false;
    }
    int n = sqlite3_column_count(st);
    struct cell *cells = xcalloc((size_t)n, sizeof *cells);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int c = 0; c < n; c++) {
            /* the type first: the blob call converts numbers to their text */
            cells[c].type = sqlite3_column_type(st, c);
            const char *b = sqlite3_column_blob(st, c);
            cells[c].len = (size_t)sqlite3_column_bytes(st, c);
            cells[c].text = cells[c].type == SQLITE_NULL ? NULL : b ? b : "";
        }
        if (!row(ctx, cells, n)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    free(cells);
    if (rc != SQLITE_DONE)
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc == SQLITE_DONE;
}

/* A read-only session on the PostgreSQL database, with the server's
 * search_path (the unqualified `audit` is audit_log.audit). */
static PGconn *
pg_store(struct harness *h)
{
    if (h->pg)
        return h->pg;
    PGconn *c = PQconnectdb(h->db_url);
    if (PQstatus(c) != CONNECTION_OK) {
        print_error("harness: cannot connect to %s: %s", h->db_url, PQerrorMessage(c));
        PQfinish(c);
        fail();
    }
    PGresult *res = PQexec(c, "SET search_path = public, audit_log;"
                              " SET default_transaction_read_only = on");
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        print_error("harness: cannot set up the session on %s: %s", h->db_url, PQerrorMessage(c));
        PQclear(res);
        PQfinish(c);
        fail();
    }
    PQclear(res);
    h->pg = c;
    return c;
}

static bool
pg_query(struct harness *h, const char *sql, row_fn *row, void *ctx, char *err, size_t errlen)
{
    PGconn *c = pg_store(h);
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        snprintf(err, errlen, "%s", PQerrorMessage(c));
        err[strcspn(err, "\n")] = '\0';
        PQclear(res);
        return false;
    }
    int n = PQnfields(res), rows = PQntuples(res);
    struct cell *cells = xcalloc((size_t)n, sizeof *cells);
    for (int r = 0; r < rows; r++) {
        for (int f = 0; f < n; f++) {
            bool null = PQgetisnull(res, r, f);
            cells[f].text = null ? NULL : PQgetvalue(res, r, f);
            cells[f].len = null ? 0 : (size_t)PQgetlength(res, r, f);
            cells[f].type = (int)PQftype(res, f);
        }
        if (!row(ctx, cells, n))
            break;
    }
    free(cells);
    PQclear(res);
    return true;
}

/* Run SQL on the store of the backend under test and call ROW with each row
 * of its answer (in the answer's order) until it returns false. False with
 * the backend's message in ERR when the SQL fails. */
static bool
store_query(struct harness *h, const char *sql, row_fn *row, void *ctx, char *err, size_t errlen)
{
    err[0] = '\0';
    return h_on_postgresql() ? pg_query(h, sql, row, ctx, err, errlen)
                             : sqlite_query(h, sql, row, ctx, err, errlen);
}

/* store_query() that fails the test when the SQL fails. */
static void
store_query_or_fail(struct harness *h, const char *sql, row_fn *row, void *ctx)
{
    char err[512];
    if (!store_query(h, sql, row, ctx, err, sizeof err)) {
        print_error("harness: SQL error in \"%s\": %s\n", sql, err);
        fail();
    }
}

struct first_cell {
    bool found;
    char *text; /* malloc'd; NULL for SQL NULL */
};

static bool
keep_first_cell(void *ctx, const struct cell *cells, int n_cells)
{
    struct first_cell *fc = ctx;
    fc->found = true;
    if (n_cells > 0 && cells[0].text) {
        fc->text = xcalloc(cells[0].len + 1, 1);
        memcpy(fc->text, cells[0].text, cells[0].len);
    }
    return false; /* the first row is all */
}

/* Run SQL; the first column of the first row as text (NULL: none or NULL). */
static char *
query_text(struct harness *h, const char *sql, bool *found)
{
    struct first_cell fc = { 0 };
    store_query_or_fail(h, sql, keep_first_cell, &fc);
    *found = fc.found;
    return fc.text;
}

long long
h_count(struct harness *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    bool found;
    char *t = query_text(h, sql, &found);
    sqlite3_free(sql);
    long long v = found && t ? strtoll(t, NULL, 10) : -1;
    free(t);
    return v;
}

const char *
h_sql_str(struct harness *h, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    bool found;
    char *t = query_text(h, sql, &found);
    sqlite3_free(sql);
    return t ? h_keep(h, t) : NULL;
}

const char *
h_user_id(struct harness *h, const char *username)
{
    const char *id = h_sql_str(h, "SELECT id FROM users WHERE username = %Q", username);
    if (!id) {
        print_error("harness: no user %s\n", username);
        fail();
    }
    return id;
}

static unsigned long long
fnv(unsigned long long hash, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++)
        hash = (hash ^ p[i]) * 1099511628211ull; /* FNV-1a */
    return hash;
}

/* The tables of the store: for each, the name hashed into the digest and
 * the query of all its rows in a fixed order. */
struct table_list {
    size_t n, cap;
    char **names;
    char **queries;
};

static void
add_table(struct table_list *t, const char *name, char *query)
{
    if (t->n == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        char **names = realloc(t->names, t->cap * sizeof *names);
        if (!names)
            abort();
        t->names = names;
        char **queries = realloc(t->queries, t->cap * sizeof *queries);
        if (!queries)
            abort();
        t->queries = queries;
    }
    t->names[t->n] = xstrdup(name);
    t->queries[t->n] = query;
    t->n++;
}

/* SQLite: the tables of the main file (not the attached audit file, whose
 * rows h_snap counts), in rowid order. */
struct sqlite_tables {
    struct table_list *list;
    sqlite3 *db;
};

static bool
add_sqlite_table(void *ctx, const struct cell *cells, int n_cells)
{
    struct sqlite_tables *st = ctx;
    assert_true(n_cells == 1 && cells[0].text);
    const char *name = cells[0].text;
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", name);
    sqlite3_stmt *probe = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &probe, NULL) != SQLITE_OK) {
        /* a table WITHOUT ROWID: a scan goes in primary-key order */
        sqlite3_free(sql);
        sql = sqlite3_mprintf("SELECT * FROM \"%w\"", name);
    }
    sqlite3_finalize(probe);
    add_table(st->list, name, xstrdup(sql));
    sqlite3_free(sql);
    return true;
}

/* PostgreSQL: the base tables of the schemas public and audit_log, rows
 * ordered by all their columns (SCHEMA, NAME, number of columns). */
static bool
add_pg_table(void *ctx, const struct cell *cells, int n_cells)
{
    assert_true(n_cells == 3 && cells[0].text && cells[1].text && cells[2].text);
    long n_cols = strtol(cells[2].text, NULL, 10);
    char *sql = sqlite3_mprintf("SELECT * FROM \"%w\".\"%w\"", cells[0].text, cells[1].text);
    size_t len = strlen(sql), cap = len + 16 + (size_t)n_cols * 8;
    char *query = xcalloc(cap, 1);
    memcpy(query, sql, len);
    sqlite3_free(sql);
    for (long c = 1; c <= n_cols; c++)
        len += (size_t)snprintf(query + len, cap - len, "%s%ld", c == 1 ? " ORDER BY " : ", ", c);
    char name[300];
    snprintf(name, sizeof name, "%s.%s", cells[0].text, cells[1].text);
    add_table(ctx, name, query);
    return true;
}

static bool
hash_row(void *ctx, const struct cell *cells, int n_cells)
{
    unsigned long long *hash = ctx;
    for (int c = 0; c < n_cells; c++) {
        *hash = fnv(*hash, &cells[c].type, sizeof cells[c].type);
        if (cells[c].text && cells[c].len > 0)
            *hash = fnv(*hash, cells[c].text, cells[c].len);
    }
    return true;
}

/* A hash of every row of every table: on SQLite in rowid (or primary-key)
 * order; on PostgreSQL ordered by all columns. Comparable only within one
 * backend, which is all h_expect_nothing_stored() needs. The sign-in
 * brake's tables (migration 0004) are left out: every sign-in attempt,
 * refused or not, is counted there by design (keyed digests and counts, no
 * name or address); the brake's tests check those rows themselves. */
static unsigned long long
store_digest(struct harness *h)
{
    struct table_list tables = { 0 };
    if (h_on_postgresql()) {
        store_query_or_fail(h,
                            "SELECT t.table_schema, t.table_name, (SELECT count(*) FROM"
                            " information_schema.columns c WHERE c.table_schema = t.table_schema"
                            " AND c.table_name = t.table_name) FROM information_schema.tables t"
                            " WHERE t.table_schema IN ('public', 'audit_log')"
                            " AND t.table_type = 'BASE TABLE'"
                            " AND t.table_name NOT LIKE 'signin\\_brake%'"
                            " ORDER BY 1, 2",
                            add_pg_table, &tables);
    } else {
        struct sqlite_tables st = { .list = &tables, .db = sqlite_store(h) };
        store_query_or_fail(h,
                            "SELECT name FROM sqlite_master WHERE type = 'table'"
                            " AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'signin_brake%'"
                            " ORDER BY name",
                            add_sqlite_table, &st);
    }
    unsigned long long hash = 14695981039346656037ull;
    for (size_t i = 0; i < tables.n; i++) {
        hash = fnv(hash, tables.names[i], strlen(tables.names[i]) + 1);
        store_query_or_fail(h, tables.queries[i], hash_row, &hash);
    }
    for (size_t i = 0; i < tables.n; i++) {
        free(tables.names[i]);
        free(tables.queries[i]);
    }
    free(tables.names);
    free(tables.queries);
    return hash;
}

void
h_snap_take(struct harness *h, struct h_snap *s)
{
    s->clients = h_count(h, "SELECT count(*) FROM clients");
    s->cases = h_count(h, "SELECT count(*) FROM cases");
    s->audit = h_count(h, "SELECT count(*) FROM audit");
    s->users = h_count(h, "SELECT count(*) FROM users");
    s->teams = h_count(h, "SELECT count(*) FROM teams");
    s->tokens = h_count(h, "SELECT count(*) FROM tokens WHERE revoked_at IS NULL");
    s->jobcenters = h_count(h, "SELECT count(*) FROM jobcenters");
    s->store_digest = store_digest(h);
}

/* ---- assertions ---- */

void
h_expect_status(const struct h_resp *r, long status, const char *file, int line)
{
    if (r->status == status)
        return;
    print_error("expected status %ld, got %ld\n", status, r->status);
    h_dump(r);
    _fail(file, line);
}

void
h_expect_status_in(const struct h_resp *r, const long *statuses, const char *file, int line)
{
    for (const long *s = statuses; *s; s++)
        if (r->status == *s) {
            h_expect_problem(r, r->status, NULL, file, line);
            return;
        }
    print_error("expected one of the statuses");
    for (const long *s = statuses; *s; s++)
        print_error(" %ld", *s);
    print_error(", got %ld\n", r->status);
    h_dump(r);
    _fail(file, line);
}

void
h_expect_problem(const struct h_resp *r, long status, const char *code, const char *file, int line)
{
    h_expect_status(r, status, file, line);
    const char *ct = h_header(r, "Content-Type");
    const char *why = NULL;
    if (!ct || strncmp(ct, "application/problem+json", 24) != 0)
        why = "Content-Type is not application/problem+json";
    else if (!json_is_object(r->json))
        why = "the body is not a JSON object";
    else if (!json_is_string(json_object_get(r->json, "type")) ||
             !json_is_string(json_object_get(r->json, "title")) ||
             !json_is_string(json_object_get(r->json, "detail")))
        why = "type, title or detail missing";
    else if (json_integer_value(json_object_get(r->json, "status")) != status)
        why = "the status member differs from the HTTP status";
    else if (code && (!h_jstr(r->json, "code") || strcmp(h_jstr(r->json, "code"), code) != 0))
        why = "the code differs";
    if (!why)
        return;
    print_error("problem details: %s (expected code %s)\n", why, code ? code : "(any)");
    h_dump(r);
    _fail(file, line);
}

void
h_expect_no_code(const struct h_resp *r, const char *file, int line)
{
    if (!json_object_get(r->json, "code"))
        return;
    print_error("expected no \"code\" in the problem\n");
    h_dump(r);
    _fail(file, line);
}

void
h_expect_errors(const struct h_resp *r, const char *const *fields, const char *file, int line)
{
    h_expect_problem(r, 422, NULL, file, line);
    bool ok = json_is_array(json_object_get(r->json, "errors"));
    for (const char *const *f = fields; ok && *f; f++)
        if (!h_has_error_field(r, *f)) {
            print_error("errors[] does not name the field %s\n", *f);
            ok = false;
        }
    if (ok)
        return;
    h_dump(r);
    _fail(file, line);
}

void
h_expect_nothing_stored(struct harness *h, struct h_snap *before, const char *file, int line)
{
    struct h_snap now;
    h_snap_take(h, &now);
    bool same = true;
#define SAME(m)                                                                                    \
    if (now.m != before->m) {                                                                      \
        print_error("store changed: %s was %lld, is %lld\n", #m, before->m, now.m);                \
        same = false;                                                                              \
    }
    SAME(clients)
    SAME(cases)
    SAME(audit)
    SAME(users)
    SAME(teams)
    SAME(tokens)
    SAME(jobcenters)
#undef SAME
    if (same && now.store_digest != before->store_digest) {
        print_error("store changed: a row differs (same counts)\n");
        same = false;
    }
    if (!same)
        _fail(file, line);
}

/* The first cells of all rows, joined by '|' (what group_concat() gives). */
struct joined {
    char *s; /* malloc'd; NULL when there was no row */
    size_t len;
};

static bool
join_first_cells(void *ctx, const struct cell *cells, int n_cells)
{
    struct joined *j = ctx;
    if (n_cells < 1 || !cells[0].text)
        return true;
    char *t = realloc(j->s, j->len + cells[0].len + 2);
    if (!t)
        abort();
    j->s = t;
    if (j->len)
        j->s[j->len++] = '|';
    memcpy(j->s + j->len, cells[0].text, cells[0].len);
    j->len += cells[0].len;
    j->s[j->len] = '\0';
    return true;
}

void
h_expect_no_surnames(struct harness *h, const struct h_resp *r, const char *case_manager_id,
                     const char *file, int line)
{
    /* instr() is strpos() in PostgreSQL; both compare case-sensitively */
    char *sql =
        sqlite3_mprintf("SELECT DISTINCT c.last_name FROM clients c"
                        " JOIN cases k ON k.client_id = c.id WHERE k.case_manager_id = %Q"
                        " AND k.status <> 'closed' AND length(c.last_name) >= 7 AND NOT EXISTS"
                        " (SELECT 1 FROM users u WHERE %s(u.display_name, c.last_name) > 0)",
                        case_manager_id, h_on_postgresql() ? "strpos" : "instr");
    struct joined joined = { 0 };
    store_query_or_fail(h, sql, join_first_cells, &joined);
    sqlite3_free(sql);
    const char *names = joined.s ? h_keep(h, joined.s) : NULL;
    if (!names || !names[0]) {
        print_error("harness: no surnames to look for\n");
        _fail(file, line);
    }
    char *copy = h_strdup(h, names);
    int n = 0;
    char *save = NULL;
    for (char *name = strtok_r(copy, "|", &save); name; name = strtok_r(NULL, "|", &save)) {
        n++;
        if (strstr(r->body, name)) {
            print_error("the answer names the client %s\n", name);
            h_dump(r);
            _fail(file, line);
        }
    }
    if (n < 3) {
        print_error("harness: only %d surnames to look for\n", n);
        _fail(file, line);
    }
}

void
h_expect_one_audit(struct harness *h, long long audit_before, const struct h_resp *r,
                   const char *action, const char *actor, const char *file, int line)
{
    long long n = h_count(h, "SELECT count(*) FROM audit");
    if (n != audit_before + 1) {
        print_error("expected exactly one new audit entry, found %lld\n", n - audit_before);
        h_dump(r);
        _fail(file, line);
    }
    const char *got_action = h_sql_str(h, "SELECT action FROM audit ORDER BY seq DESC LIMIT 1");
    const char *got_rid = h_sql_str(h, "SELECT request_id FROM audit ORDER BY seq DESC LIMIT 1");
    const char *got_actor = h_sql_str(h, "SELECT actor_id FROM audit ORDER BY seq DESC LIMIT 1");
    const char *rid = h_header(r, "X-Request-Id");
    const char *want_actor = actor ? h_user_id(h, actor) : NULL;
    bool ok = true;
    if (action && (!got_action || strcmp(got_action, action) != 0)) {
        print_error("audit action is %s, expected %s\n", got_action ? got_action : "NULL", action);
        ok = false;
    }
    if (!rid || !got_rid || strcmp(rid, got_rid) != 0) {
        print_error("audit request_id %s differs from X-Request-Id %s\n",
                    got_rid ? got_rid : "NULL", rid ? rid : "NULL");
        ok = false;
    }
    if (want_actor && (!got_actor || strcmp(got_actor, want_actor) != 0)) {
        print_error("audit actor is %s, expected %s (%s)\n", got_actor ? got_actor : "NULL",
                    want_actor, actor);
        ok = false;
    }
    if (!ok) {
        h_dump(r);
        _fail(file, line);
    }
}

/* ---- browser sessions ---- */

/* The value of cookie NAME set by R (first Set-Cookie for it), or NULL; a
 * static buffer. ATTRS receives the whole header. */
const char *
h_set_cookie(const struct h_resp *r, const char *name, const char **attrs)
{
    static char value[256];
    size_t n = strlen(name);
    const char *v;
    for (size_t i = 0; (v = h_header_nth(r, "Set-Cookie", i)); i++)
        if (strncmp(v, name, n) == 0 && v[n] == '=') {
            size_t len = strcspn(v + n + 1, ";");
            if (len >= sizeof value)
                len = sizeof value - 1;
            memcpy(value, v + n + 1, len);
            value[len] = '\0';
            if (attrs)
                *attrs = v;
            return value;
        }
    return NULL;
}

void
h_urlencode(char *out, size_t size, const char *s)
{
    size_t o = 0;
    for (; *s && o + 4 < size; s++) {
        unsigned char c = (unsigned char)*s;
        if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~')
            out[o++] = (char)c;
        else
            o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
    }
    out[o] = '\0';
}

/* A form body from NULL-terminated name/value pairs (values are encoded). */
char *
h_form(struct harness *h, const char *const *pairs)
{
    size_t cap = 8192, len = 0;
    char *s = h_keep(h, calloc(cap, 1));
    if (!s)
        abort(); /* out of memory */
    for (int i = 0; pairs[i]; i += 2) {
        char enc[3072];
        h_urlencode(enc, sizeof enc, pairs[i + 1]);
        len += (size_t)snprintf(s + len, cap - len, "%s%s=%s", len ? "&" : "", pairs[i], enc);
        assert_true(len < cap);
    }
    return s;
}

/* A browser request: COOKIES ("a=b; c=d" or NULL), BODY a form or NULL. */
struct h_resp *
h_browse(struct harness *h, const char *method, const char *path, const char *cookies,
         const char *body)
{
    char cookie_hdr[512];
    const char *headers[3];
    int n = 0;
    if (cookies) {
        snprintf(cookie_hdr, sizeof cookie_hdr, "Cookie: %s", cookies);
        headers[n++] = cookie_hdr;
    }
    if (body)
        headers[n++] = "Content-Type: application/x-www-form-urlencoded";
    headers[n] = NULL;
    return h_request(h, method, path, headers, body, body ? strlen(body) : 0);
}

void
h_expect_html(const struct h_resp *r)
{
    const char *ct = h_header(r, "Content-Type");
    assert_non_null(ct);
    assert_true(strncmp(ct, "text/html", 9) == 0);
    const char *csp = h_header(r, "Content-Security-Policy");
    if (!csp || strstr(csp, "unsafe-inline") || strstr(csp, "unsafe-eval") ||
        !strstr(csp, "default-src")) {
        print_error("Content-Security-Policy missing or weak: %s\n", csp ? csp : "(none)");
        h_dump(r);
        fail();
    }
    const char *xfo = h_header(r, "X-Frame-Options");
    assert_non_null(xfo);
    assert_string_equal(xfo, "DENY");
    assert_non_null(h_header(r, "X-Content-Type-Options"));
    assert_non_null(h_header(r, "X-Request-Id"));
    char err[256];
    if (!h_html_well_formed(r->body, err, sizeof err)) {
        print_error("HTML not well-formed: %s\n", err);
        h_dump(r);
        fail();
    }
}

void
h_expect_redirect(const struct h_resp *r, const char *location)
{
    EXPECT_STATUS(r, 303);
    const char *loc = h_header(r, "Location");
    if (!loc || strcmp(loc, location) != 0) {
        print_error("Location is %s, expected %s\n", loc ? loc : "(none)", location);
        h_dump(r);
        fail();
    }
}

/* The session's CSRF token: from a page's hidden field when the page has
 * one, else from the store (the newest session of USER). */
void
h_find_csrf(struct harness *h, struct h_browser *b, const char *user)
{
    struct h_resp *r = h_browse(h, "GET", "/intake", b->cookies, NULL);
    const char *p = strstr(r->body, "name=\"_csrf\"");
    b->csrf[0] = '\0';
    if (p) {
        const char *v = strstr(p, "value=\"");
        if (v) {
            v += 7;
            size_t n = strcspn(v, "\"");
            if (n < sizeof b->csrf) {
                memcpy(b->csrf, v, n);
                b->csrf[n] = '\0';
            }
        }
    }
    h_free(r);
    if (!b->csrf[0]) {
        const char *c = h_sql_str(h,
                                  "SELECT csrf FROM tokens WHERE kind = 2 AND revoked_at IS NULL"
                                  " AND user_id = %Q ORDER BY created_at DESC LIMIT 1",
                                  h_user_id(h, user));
        assert_non_null(c);
        snprintf(b->csrf, sizeof b->csrf, "%s", c);
    }
}

/* The pre-session token from GET /login. */
void
h_pre_token(struct harness *h, char out[128])
{
    struct h_resp *r = h_browse(h, "GET", "/login", NULL, NULL);
    EXPECT_STATUS(r, 200);
    const char *pre = h_set_cookie(r, "lotse_pre", NULL);
    assert_non_null(pre);
    snprintf(out, 128, "%s", pre);
    h_free(r);
}

void
h_sign_in(struct harness *h, struct h_browser *b, const char *user)
{
    char pre[128], cookies[200];
    h_pre_token(h, pre);
    snprintf(cookies, sizeof cookies, "lotse_pre=%s", pre);
    char *body =
        h_form(h, (const char *[]){ "_csrf", pre, "username", user, "password", H_PASSWORD, NULL });
    struct h_resp *r = h_browse(h, "POST", "/login", cookies, body);
    h_expect_redirect(r, "/");
    const char *s = h_set_cookie(r, "lotse_session", NULL);
    assert_non_null(s);
    snprintf(b->session, sizeof b->session, "%s", s);
    snprintf(b->cookies, sizeof b->cookies, "lotse_session=%s", b->session);
    h_free(r);
    h_find_csrf(h, b, user);
}

const char *
h_day(int days)
{
    static char ring[8][11];
    static int next;
    setenv("TZ", "Europe/Berlin", 1); /* the server's calendar */
    tzset();
    time_t t = time(NULL) + (time_t)days * 86400;
    struct tm tm;
    localtime_r(&t, &tm);
    char *s = ring[next++ % 8];
    strftime(s, 11, "%Y-%m-%d", &tm);
    return s;
}

const char *
h_new_active_case(struct harness *h, const char *user)
{
    return h_new_active_case_on(h, user, NULL);
}

const char *
h_new_active_case_on(struct harness *h, const char *user, const char *started_on)
{
    static unsigned seq;
    char number[16];
    /* 9xxZ…: a range the demo data never uses */
    snprintf(number, sizeof number, "9%02uZ%06u", (unsigned)(getpid() % 100), ++seq);
    json_t *client =
        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", number, "first_name",
                  "Test", "last_name", "Neufall", "birth_date", "1980-05-17", "address", "street",
                  "Teststraße 1", "postcode", "10115", "city", "Berlin");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, user), client);
    h_expect_status(r, 201, __FILE__, __LINE__);
    const char *client_id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    json_t *kase = json_pack("{s:s,s:{s:s,s:s,s:s},s:s}", "client_id", client_id, "referral",
                             "source", "self", "date", started_on ? started_on : h_day(-1),
                             "reason", "Test", "consent_date", started_on ? started_on : h_day(0));
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, user), kase);
    h_expect_status(r, 201, __FILE__, __LINE__);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}
