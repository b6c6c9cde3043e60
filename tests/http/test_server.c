/*
 * tests/http/test_server.c — what every response and the server as a whole
 * promise (the API contract "Conventions", "Outside /api/v1", `lotse serve`):
 * X-Request-Id on every response, /healthz, /metrics in the Prometheus text
 * format, the OpenAPI document, 404 and 405 with Allow, and SIGTERM that
 * finishes the requests in flight and exits 0. With two servers
 * (LOTSE_TEST_SERVERS=2) the metrics of both are read, and the tests about
 * one process (a lost store connection, SIGTERM) stay on the first.
 */
#include "harness.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    h_token(h, "fm1"); /* signed in before any snapshot */
    return 0;
}

/* ---- X-Request-Id ---- */

static void
assert_request_id(const struct h_resp *r, char seen[][64], int *n_seen)
{
    const char *rid = h_header(r, "X-Request-Id");
    if (!rid || !rid[0]) {
        print_error("no X-Request-Id\n");
        h_dump(r);
        fail();
    }
    assert_true(strlen(rid) < 64);
    for (const char *p = rid; *p; p++)
        assert_true(isalnum((unsigned char)*p) || *p == '-' || *p == '_');
    for (int i = 0; i < *n_seen; i++)
        if (strcmp(seen[i], rid) == 0) {
            print_error("X-Request-Id %s repeated\n", rid);
            fail();
        }
    snprintf(seen[(*n_seen)++], 64, "%s", rid);
}

static void
every_response_carries_a_distinct_request_id(void **state)
{
    struct harness *h = *state;
    char seen[32][64];
    int n = 0;
    const char *fm1 = h_token(h, "fm1");
    static const char big_prefix[] = "{\"name\":\"";
    size_t big_len = 1048576 + 10;
    char *big = h_keep(h, malloc(big_len));
    if (!big)
        abort(); /* out of memory */
    memset(big, 'a', big_len);
    memcpy(big, big_prefix, sizeof big_prefix - 1);
    big[big_len - 2] = '"';
    big[big_len - 1] = '}';
    struct {
        const char *method, *path, *token, *body;
        long status;
    } cases[] = {
        { "GET", "/healthz", NULL, NULL, 200 },
        { "GET", "/metrics", NULL, NULL, 200 },
        { "GET", "/api/v1/openapi.json", NULL, NULL, 200 },
        { "GET", "/api/v1/me", fm1, NULL, 200 },
        { "GET", "/api/v1/me", NULL, NULL, 401 },
        { "GET", "/api/v1/nothing-here", fm1, NULL, 404 },
        { "GET", "/nothing-here", NULL, NULL, 404 },
        { "DELETE", "/healthz", NULL, NULL, 405 },
        { "POST", "/api/v1/teams", fm1, "{not json", 400 },
        { "POST", "/api/v1/teams", fm1, "{}", 403 }, /* the role is refused before the body */
        { "POST", "/api/v1/teams", fm1, "{\"name\":\"x\"}", 403 },
        { "GET", "/", NULL, NULL, 303 },
        { "GET", "/login", NULL, NULL, 200 },
        { "GET", "/static/kern.min.css", NULL, NULL, 200 },
        { "GET", "/static/nope.css", NULL, NULL, 404 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct h_resp *r = h_api(h, cases[i].method, cases[i].path, cases[i].token, cases[i].body);
        EXPECT_STATUS(r, cases[i].status);
        assert_request_id(r, seen, &n);
        h_free(r);
    }
    /* 413 and 415 come from the pipeline before any handler */
    const char *hdr[] = { "Content-Type: application/json", NULL };
    struct h_resp *r = h_request(h, "POST", "/api/v1/tokens", hdr, big, big_len);
    EXPECT_STATUS(r, 413);
    assert_request_id(r, seen, &n);
    h_free(r);
    const char *txt[] = { "Content-Type: text/plain", NULL };
    r = h_request(h, "POST", "/api/v1/tokens", txt, "x", 1);
    EXPECT_STATUS(r, 415);
    assert_request_id(r, seen, &n);
    h_free(r);
}

/* ---- /healthz ---- */

static void
healthz_answers_200_when_the_store_answers(void **state)
{
    struct harness *h = *state;
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "GET", "/healthz", NULL, NULL);
    EXPECT_STATUS(r, 200);
    assert_non_null(r->json);
    assert_string_equal(h_jstr(r->json, "status"), "ok");
    assert_non_null(h_header(r, "Content-Type"));
    assert_true(strncmp(h_header(r, "Content-Type"), "application/json", 16) == 0);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- /metrics ---- */

struct family {
    char name[128];
    char type[256];
    bool has_help;
};

static bool
metric_name_ok(const char *s, size_t n)
{
    if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == ':'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == ':'))
            return false;
    return true;
}

static struct family *
family_of(struct family *fams, int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(fams[i].name, name) == 0)
            return &fams[i];
    static const char *const suffixes[] = { "_bucket", "_sum", "_count", NULL };
    size_t len = strlen(name);
    for (const char *const *s = suffixes; *s; s++) {
        size_t sl = strlen(*s);
        if (len > sl && strcmp(name + len - sl, *s) == 0)
            for (int i = 0; i < n; i++)
                if (strlen(fams[i].name) == len - sl &&
                    strncmp(fams[i].name, name, len - sl) == 0 &&
                    strcmp(fams[i].type, "histogram") == 0)
                    return &fams[i];
    }
    return NULL;
}

/* A histogram series: everything of a _bucket line but "le". */
struct hist {
    char key[512];
    double last_le;
    double last_count;
    double inf_count;
    bool has_inf;
};

/* Parse one sample line; fills NAME, LABELS (without braces, "le" dropped
 * into LE when present) and VALUE. False when malformed. */
static bool
parse_sample(const char *line, char *name, size_t name_sz, char *labels, size_t labels_sz, char *le,
             size_t le_sz, double *value)
{
    const char *p = line;
    size_t n = strcspn(p, "{ ");
    if (!metric_name_ok(p, n) || n >= name_sz)
        return false;
    memcpy(name, p, n);
    name[n] = '\0';
    p += n;
    labels[0] = '\0';
    le[0] = '\0';
    size_t lused = 0;
    if (*p == '{') {
        p++;
        while (*p != '}') {
            size_t ln = strcspn(p, "=");
            if (!p[ln] || ln == 0)
                return false;
            for (size_t i = 0; i < ln; i++)
                if (!(isalnum((unsigned char)p[i]) || p[i] == '_') ||
                    (i == 0 && isdigit((unsigned char)p[0])))
                    return false;
            char lname[64];
            if (ln >= sizeof lname)
                return false;
            memcpy(lname, p, ln);
            lname[ln] = '\0';
            p += ln + 1;
            if (*p != '"')
                return false;
            p++;
            char val[256];
            size_t vn = 0;
            while (*p && *p != '"') {
                if (*p == '\\') {
                    p++;
                    if (*p != '\\' && *p != '"' && *p != 'n')
                        return false;
                }
                if (!*p || *p == '\n' || vn + 1 >= sizeof val)
                    return false;
                val[vn++] = *p++;
            }
            if (*p != '"')
                return false;
            val[vn] = '\0';
            p++;
            if (strcmp(lname, "le") == 0) {
                snprintf(le, le_sz, "%s", val);
            } else {
                int w = snprintf(labels + lused, labels_sz - lused, "%s=%s,", lname, val);
                if (w < 0 || (size_t)w >= labels_sz - lused)
                    return false;
                lused += (size_t)w;
            }
            if (*p == ',')
                p++;
            else if (*p != '}')
                return false;
        }
        p++;
    }
    if (*p != ' ')
        return false;
    p++;
    char *end;
    if (strncmp(p, "+Inf", 4) == 0) {
        *value = INFINITY;
        end = (char *)p + 4;
    } else if (strncmp(p, "-Inf", 4) == 0) {
        *value = -INFINITY;
        end = (char *)p + 4;
    } else if (strncmp(p, "NaN", 3) == 0) {
        *value = NAN;
        end = (char *)p + 3;
    } else {
        *value = strtod(p, &end);
        if (end == p)
            return false;
    }
    if (*end == ' ') { /* an optional timestamp */
        char *e2;
        strtoll(end + 1, &e2, 10);
        if (e2 == end + 1)
            return false;
        end = e2;
    }
    return *end == '\0';
}

static double
le_value(const char *le)
{
    if (strcmp(le, "+Inf") == 0)
        return INFINITY;
    char *end;
    double v = strtod(le, &end);
    assert_true(end != le && *end == '\0');
    return v;
}

/* Check TEXT against the Prometheus text exposition format 0.0.4. */
static void
check_prometheus(struct harness *h, const char *text)
{
    size_t len = strlen(text);
    assert_true(len > 0);
    assert_int_equal(text[len - 1], '\n');
    char *copy = h_strdup(h, text);
    struct family fams[64];
    int n_fams = 0;
    struct hist hists[128];
    int n_hists = 0;
    int samples = 0;
    char *save = NULL;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '#') {
            char kind[8], name[128], rest[256];
            if (sscanf(line, "# %7s %127s %255[^\n]", kind, name, rest) < 2)
                continue; /* a plain comment */
            if (strcmp(kind, "TYPE") != 0 && strcmp(kind, "HELP") != 0)
                continue;
            if (!metric_name_ok(name, strlen(name))) {
                print_error("metrics: bad metric name in \"%s\"\n", line);
                fail();
            }
            struct family *f = NULL;
            for (int i = 0; i < n_fams; i++)
                if (strcmp(fams[i].name, name) == 0)
                    f = &fams[i];
            if (!f) {
                assert_true(n_fams < 64);
                f = &fams[n_fams++];
                snprintf(f->name, sizeof f->name, "%s", name);
                f->type[0] = '\0';
                f->has_help = false;
            }
            if (strcmp(kind, "TYPE") == 0) {
                if (f->type[0]) {
                    print_error("metrics: second TYPE line for %s\n", name);
                    fail();
                }
                static const char *const types[] = { "counter", "gauge",   "histogram",
                                                     "summary", "untyped", NULL };
                bool ok = false;
                for (const char *const *t = types; *t; t++)
                    ok = ok || strcmp(rest, *t) == 0;
                if (!ok) {
                    print_error("metrics: unknown type in \"%s\"\n", line);
                    fail();
                }
                snprintf(f->type, sizeof f->type, "%s", rest);
            } else {
                f->has_help = true;
            }
            continue;
        }
        char name[128], labels[512], le[256];
        double v;
        if (!parse_sample(line, name, sizeof name, labels, sizeof labels, le, sizeof le, &v)) {
            print_error("metrics: malformed sample line \"%s\"\n", line);
            fail();
        }
        samples++;
        struct family *f = family_of(fams, n_fams, name);
        if (!f || !f->type[0]) {
            print_error("metrics: sample %s before (or without) its TYPE line\n", name);
            fail();
        }
        if (strcmp(f->type, "counter") == 0 || strcmp(f->type, "histogram") == 0)
            assert_true(v >= 0);
        size_t nl = strlen(name);
        if (strcmp(f->type, "histogram") != 0)
            continue;
        char key[512];
        bool bucket = nl > 7 && strcmp(name + nl - 7, "_bucket") == 0;
        bool count = nl > 6 && strcmp(name + nl - 6, "_count") == 0;
        snprintf(key, sizeof key, "%s|%s", f->name, labels);
        struct hist *hs = NULL;
        for (int i = 0; i < n_hists; i++)
            if (strcmp(hists[i].key, key) == 0)
                hs = &hists[i];
        if (!hs) {
            assert_true(n_hists < 128);
            hs = &hists[n_hists++];
            snprintf(hs->key, sizeof hs->key, "%s", key);
            hs->last_le = -INFINITY;
            hs->last_count = 0;
            hs->has_inf = false;
            hs->inf_count = -1;
        }
        if (bucket) {
            if (!le[0]) {
                print_error("metrics: bucket without le: \"%s\"\n", line);
                fail();
            }
            double lv = le_value(le);
            if (!(lv > hs->last_le) || v < hs->last_count) {
                print_error("metrics: buckets not ascending and cumulative at \"%s\"\n", line);
                fail();
            }
            hs->last_le = lv;
            hs->last_count = v;
            if (isinf(lv)) {
                hs->has_inf = true;
                hs->inf_count = v;
            }
        } else if (count) {
            if (!hs->has_inf || hs->inf_count != v) {
                print_error("metrics: %s: _count %g differs from the +Inf bucket\n", key, v);
                fail();
            }
        }
    }
    assert_true(samples > 0);
    for (int i = 0; i < n_hists; i++)
        if (!hists[i].has_inf) {
            print_error("metrics: histogram %s has no +Inf bucket\n", hists[i].key);
            fail();
        }
}

static void
metrics_are_prometheus_text_and_count_requests(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_token(h, "fm1");
    /* a path with an id-like secret: labels carry the route pattern, never the path */
    struct h_resp *r = h_api(h, "GET", "/api/v1/cases/cs_metricsecret42", fm1, NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", "/healthz", NULL, NULL);
    h_free(r);
    r = h_api(h, "GET", "/no/such/path/secret43", NULL, NULL);
    h_free(r);

    /* Each server counts the requests it answered: with two servers the
       requests above went to both, so every server's text is checked and the
       routes are looked for in the two together. */
    struct h_snap before;
    h_snap_take(h, &before);
    bool healthz = false, cases = false;
    h_pin(h, true); /* through H to H's own server; through h->peer to the peer */
    for (struct harness *s = h; s; s = s->peer) {
        r = h_api(s, "GET", "/metrics", NULL, NULL);
        EXPECT_STATUS(r, 200);
        const char *ct = h_header(r, "Content-Type");
        assert_non_null(ct);
        assert_true(strncmp(ct, "text/plain", 10) == 0);
        assert_non_null(strstr(ct, "version=0.0.4"));
        check_prometheus(h, r->body);
        assert_non_null(strstr(r->body, "# TYPE lotse_requests_total counter"));
        assert_non_null(strstr(r->body, "# TYPE lotse_jobs_lock_held gauge"));
        healthz = healthz || strstr(r->body, "route=\"/healthz\"");
        cases = cases || strstr(r->body, "route=\"/api/v1/cases/{id}\"");
        assert_null(strstr(r->body, "cs_metricsecret42"));
        assert_null(strstr(r->body, "secret43"));
        h_free(r);
    }
    h_pin(h, false);
    assert_true(healthz);
    assert_true(cases);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- the OpenAPI document ---- */

static void
openapi_document_is_openapi_3_1_and_names_the_endpoints(void **state)
{
    struct harness *h = *state;
    struct h_resp *r = h_api(h, "GET", "/api/v1/openapi.json", NULL, NULL);
    EXPECT_STATUS(r, 200);
    assert_non_null(r->json);
    const char *v = h_jstr(r->json, "openapi");
    assert_non_null(v);
    assert_true(strncmp(v, "3.1", 3) == 0);
    json_t *paths = json_object_get(r->json, "paths");
    assert_true(json_is_object(paths));
    /* every route of this issue, with the base path or relative to a server /api/v1 */
    static const char *const want[] = { "/tokens",
                                        "/tokens/current",
                                        "/me",
                                        "/users",
                                        "/users/{id}",
                                        "/teams",
                                        "/clients",
                                        "/clients/{id}",
                                        "/cases",
                                        "/cases/{id}",
                                        "/cases/{id}/activate",
                                        "/audit",
                                        "/audit/verify",
                                        NULL };
    for (const char *const *w = want; *w; w++) {
        char full[128];
        snprintf(full, sizeof full, "/api/v1%s", *w);
        if (!json_object_get(paths, full) && !json_object_get(paths, *w)) {
            print_error("openapi.json has no path %s\n", full);
            fail();
        }
    }
    h_free(r);
}

/* ---- 404 and 405 ---- */

static void
unknown_paths_are_404_problems(void **state)
{
    struct harness *h = *state;
    const char *fm1 = h_token(h, "fm1");
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "GET", "/api/v1/does-not-exist", fm1, NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v2/cases", fm1, NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    /* a long path (well within the header limit) */
    char path[6000];
    int n = snprintf(path, sizeof path, "/api/v1/cases/");
    memset(path + n, 'x', 5000);
    path[n + 5000] = '\0';
    r = h_api(h, "GET", path, fm1, NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    assert_null(strstr(r->body, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
expect_405(struct harness *h, const char *method, const char *path, const char *allow)
{
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, method, path, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 405);
    const char *a = h_header(r, "Allow");
    if (!a || strcmp(a, allow) != 0) {
        print_error("%s %s: Allow is \"%s\", expected \"%s\"\n", method, path, a ? a : "(none)",
                    allow);
        h_dump(r);
        fail();
    }
    if (strncmp(path, "/api/", 5) == 0)
        EXPECT_PROBLEM(r, 405, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
wrong_method_is_405_with_allow(void **state)
{
    struct harness *h = *state;
    expect_405(h, "DELETE", "/api/v1/me", "GET");
    expect_405(h, "PUT", "/api/v1/cases", "GET, POST");
    expect_405(h, "PATCH", "/api/v1/cases/cs_whatever", "GET");
    expect_405(h, "GET", "/api/v1/tokens", "POST");
    expect_405(h, "POST", "/healthz", "GET");
    expect_405(h, "DELETE", "/metrics", "GET");
    expect_405(h, "DELETE", "/login", "GET, POST");
    expect_405(h, "PUT", "/static/kern.min.css", "GET");
}

/* ---- SIGTERM ---- */

static int
connect_to(unsigned port)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    struct timeval tv = { .tv_sec = 30 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void
send_all(int fd, const char *s, size_t n)
{
    while (n) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        assert_true(w > 0);
        s += w;
        n -= (size_t)w;
    }
}

/* Read until EOF (the request says Connection: close). */
static char *
read_all(struct harness *h, int fd)
{
    size_t cap = 65536, len = 0;
    char *s = h_keep(h, calloc(cap, 1));
    if (!s)
        abort(); /* out of memory */
    for (;;) {
        ssize_t got = recv(fd, s + len, cap - len - 1, 0);
        if (got <= 0)
            break;
        len += (size_t)got;
        if (len + 1 >= cap)
            break;
    }
    s[len] = '\0';
    return s;
}

/* Is the server still running? When it has ended, it is reaped and how it
 * ended is printed. */
static bool
still_running(struct harness *h)
{
    int st;
    if (waitpid(h->pid, &st, WNOHANG) == 0)
        return true;
    h->pid = 0;
    h->exited_ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    print_error("the server has ended early (%s %d)\n", WIFEXITED(st) ? "exit status" : "signal",
                WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    return false;
}

/* ---- a lost store connection (PostgreSQL) ---- */

struct in_flight {
    struct harness *h;
    const char *method, *path, *body;
    long status;
    char retry_after[16];
    char type[64];
};

static void *
send_in_flight(void *arg)
{
    struct in_flight *f = arg;
    struct h_resp *r = h_api(f->h, f->method, f->path, h_token(f->h, "fm1"), f->body);
    f->status = r->status;
    const char *ra = h_header(r, "Retry-After");
    snprintf(f->retry_after, sizeof f->retry_after, "%s", ra ? ra : "");
    const char *ct = h_header(r, "Content-Type");
    snprintf(f->type, sizeof f->type, "%s", ct ? ct : "");
    h_free(r);
    return NULL;
}

static PGresult *
must(PGconn *c, const char *sql, ExecStatusType want)
{
    PGresult *res = PQexec(c, sql);
    if (PQresultStatus(res) != want) {
        print_error("%s: %s\n", sql, PQerrorMessage(c));
        fail();
    }
    return res;
}

/* While TABLE is locked, send METHOD PATH (which needs TABLE); when the
 * server's connection waits for the lock, terminate that connection: the
 * answer must be a clean 503 problem with Retry-After. */
static void
lose_connection_mid_request(struct harness *h, const char *table, const char *method,
                            const char *path, const char *body)
{
    PGconn *c = PQconnectdb(h->db_url);
    assert_int_equal(PQstatus(c), CONNECTION_OK);
    PQclear(must(c, "BEGIN", PGRES_COMMAND_OK));
    char *lock = h_printf(h, "LOCK TABLE %s IN ACCESS EXCLUSIVE MODE", table);
    PQclear(must(c, lock, PGRES_COMMAND_OK));

    struct in_flight f = { h, method, path, body, 0, "", "" };
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, send_in_flight, &f), 0);
    /* the other connection: the lock is held by this one's transaction */
    PGconn *watch = PQconnectdb(h->db_url);
    assert_int_equal(PQstatus(watch), CONNECTION_OK);
    int killed = 0;
    for (int i = 0; i < 1000 && !killed; i++) {
        PGresult *res = must(watch,
                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                             " WHERE datname = current_database() AND wait_event_type = 'Lock'"
                             " AND pid <> pg_backend_pid()",
                             PGRES_TUPLES_OK);
        killed = atoi(PQgetvalue(res, 0, 0));
        PQclear(res);
        if (!killed)
            usleep(10000);
    }
    if (killed != 1) {
        pthread_join(t, NULL);
        print_error("no connection waited for the lock on %s; %s %s answered %ld\n", table, method,
                    path, f.status);
    }
    assert_int_equal(killed, 1); /* the server's connection, waiting inside the request */
    assert_int_equal(pthread_join(t, NULL), 0);
    PQclear(must(c, "ROLLBACK", PGRES_COMMAND_OK));
    PQfinish(watch);
    PQfinish(c);
    if (f.status != 503)
        print_error("%s %s with its connection lost: %ld\n", method, path, f.status);
    assert_int_equal(f.status, 503);
    assert_string_equal(f.retry_after, "1");
    assert_non_null(strstr(f.type, "application/problem+json"));
}

static void
a_lost_store_connection_is_503_and_the_next_request_reconnects(void **state)
{
    struct harness *h = *state;
    if (!h_on_postgresql())
        skip(); /* SQLite has no connection to lose */
    /* about one process: the request that loses its connection and the one
       after it, which must reconnect, go to the same server */
    h_pin(h, true);
    const char *cs =
        h_sql_str(h, "SELECT k.id FROM cases k JOIN users u ON u.id = k.case_manager_id"
                     " WHERE u.username = 'fm1' AND k.status = 'active'"
                     " ORDER BY k.id LIMIT 1");
    char *path = h_printf(h, "/api/v1/cases/%s", cs);
    /* a read: the request thread's connection */
    lose_connection_mid_request(h, "cases", "GET", path, NULL);
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    h_free(r);

    /* a write: the writer's connection; nothing of the lost write is stored */
    char *notes = h_printf(h, "/api/v1/cases/%s/notes", cs);
    char at[32];
    time_t now = time(NULL) - 60;
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    const char *note = h_printf(h,
                                "{\"at\":\"%s\",\"channel\":\"phone\",\"kind\":\"consultation\","
                                "\"text\":\"Telefonat zur Terminabstimmung.\"}",
                                at);
    long long before = h_count(h, "SELECT count(*) FROM notes");
    lose_connection_mid_request(h, "notes", "POST", notes, note);
    assert_int_equal(h_count(h, "SELECT count(*) FROM notes"), before);
    r = h_api(h, "POST", notes, h_token(h, "fm1"), note);
    EXPECT_STATUS(r, 201);
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM notes"), before + 1);
    h_pin(h, false);
}

/* Send a request whose body is only half there, then SIGTERM (COUNT times):
 * the server must wait for the rest, answer it in full and exit 0. About one
 * process: the connection goes to H's own server (h->port) and the signal to
 * its pid; with two servers the peer keeps running until the group's last
 * test stops it. */
static void
sigterm_with_request_in_flight(struct harness *h, int count)
{
    static const char body[] = "{\"username\":\"fm2\",\"password\":\"" H_PASSWORD "\"}";
    char head[512];
    int hn = snprintf(head, sizeof head,
                      "POST /api/v1/tokens HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                      "Content-Type: application/json\r\nConnection: close\r\n"
                      "Content-Length: %zu\r\n\r\n",
                      sizeof body - 1);
    long long tokens_before = h_count(h, "SELECT count(*) FROM tokens");
    int fd = connect_to(h->port);
    assert_true(fd >= 0);
    send_all(fd, head, (size_t)hn);
    send_all(fd, body, 10);
    usleep(300000); /* the server has the headers: the request is in flight */
    pid_t pid = h->pid;
    for (int i = 0; i < count; i++) {
        kill(pid, SIGTERM);
        usleep(200000);
    }
    assert_true(still_running(h));
    send_all(fd, body + 10, sizeof body - 1 - 10);
    char *resp = read_all(h, fd);
    close(fd);
    if (strncmp(resp, "HTTP/1.1 201", 12) != 0) {
        print_error("the request in flight was not answered in full; got: %.300s\n", resp);
        fail();
    }
    assert_non_null(strstr(resp, "\"token\""));
    /* the server now exits by itself, with status 0 */
    int st = 0;
    pid_t got = 0;
    for (int i = 0; i < 3000 && (got = waitpid(pid, &st, WNOHANG)) == 0; i++)
        usleep(10000);
    assert_int_equal(got, pid);
    h->pid = 0;
    h->exited_ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
    if (!h->exited_ok)
        print_error("the server ended with %s %d\n", WIFEXITED(st) ? "exit status" : "signal",
                    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
    assert_true(h->exited_ok);
    /* the token was committed before the answer */
    assert_int_equal(h_count(h, "SELECT count(*) FROM tokens"), tokens_before + 1);
}

static void
sigterm_finishes_the_request_in_flight_and_exits_0(void **state)
{
    struct harness *h = *state;
    sigterm_with_request_in_flight(h, 1);
    /* the listening socket is closed: no new connections */
    int fd = connect_to(h->port);
    if (fd >= 0)
        close(fd);
    assert_true(fd < 0);
}

/* An impatient operator (or a supervisor) may send SIGTERM twice: the second
 * must not kill the requests in flight or change the exit status. Runs its
 * own server. */
static struct harness *second;

static void
second_sigterm_still_finishes_the_request_in_flight(void **state)
{
    (void)state;
    second = h_start(NULL);
    assert_non_null(second);
    sigterm_with_request_in_flight(second, 2);
}

static int
stop_second(void **state)
{
    (void)state;
    int r = h_stop(second);
    second = NULL;
    return r;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_response_carries_a_distinct_request_id),
        cmocka_unit_test(healthz_answers_200_when_the_store_answers),
        cmocka_unit_test(metrics_are_prometheus_text_and_count_requests),
        cmocka_unit_test(openapi_document_is_openapi_3_1_and_names_the_endpoints),
        cmocka_unit_test(unknown_paths_are_404_problems),
        cmocka_unit_test(wrong_method_is_405_with_allow),
        cmocka_unit_test(a_lost_store_connection_is_503_and_the_next_request_reconnects),
        cmocka_unit_test_teardown(second_sigterm_still_finishes_the_request_in_flight, stop_second),
        /* last: it stops the group's server */
        cmocka_unit_test(sigterm_finishes_the_request_in_flight_and_exits_0),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/server", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
