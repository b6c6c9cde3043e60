/*
 * tests/http/harness.h — the real lotse server on an ephemeral port, for
 * the HTTP tests. A group setup makes a temporary directory,
 * fills a store with `lotse demo`, starts `lotse serve --listen 127.0.0.1:0`
 * and reads the port from its announcement; the group teardown sends
 * SIGTERM, requires exit status 0 and a stderr free of sanitizer reports,
 * and removes the directory (kept when LOTSE_TEST_KEEP is set).
 *
 * The store is the backend named by LOTSE_TEST_DB: "sqlite" (the default),
 * a file in the temporary directory, or "postgresql", a fresh database
 * lotse_h_PID_N in the private cluster at LOTSE_TEST_PG_HOST (a socket
 * folder), LOTSE_TEST_PG_PORT, as superuser LOTSE_TEST_PG_USER
 * (tools/pg-cluster.sh prints them). h_stop() drops that database once the
 * server has exited and `lotse worklist check` has run. Without the
 * LOTSE_TEST_PG_* variables a PostgreSQL run exits 77 (skipped) before any
 * test.
 *
 * Requests go through one libcurl handle (connections are reused) with the
 * path sent exactly as given (no dot-segment removal). Store counts are read
 * straight from the store over a read-only connection of the harness's own
 * (SQLite: the file opened read-only, the audit file attached; PostgreSQL:
 * a session with default_transaction_read_only and the server's
 * search_path): the server commits every write and audit entry before it
 * answers, so counts taken right after a response are exact. The SQL the
 * helpers take is formatted by sqlite3_mprintf (%Q, %q) on both backends:
 * its quoting is standard SQL. Where the dialects differ, a test branches on
 * h_on_postgresql().
 *
 * Two servers (LOTSE_TEST_SERVERS=2, PostgreSQL only): h_start() and
 * h_serve() also start a second `lotse serve` over the same database, with
 * the same arguments (h->peer), and the requests sent through H go to the
 * two servers in turn: the first to H's own, the next to the peer's, and so
 * on. A token or a session made on one server is then used on the other, and
 * every suite has to hold with its requests spread over two processes.
 * h_stop() and h_test_server_exits_cleanly() stop both and check both
 * stderrs. Tests about one process (its connections, its signals, its
 * counters) pin their requests to H's server with h_pin(), or address the
 * peer directly (requests through h->peer go to the peer only).
 *
 * The helpers use cmocka's assertions; the EXPECT_* macros report the line
 * of the caller and print the response when they fail.
 */
#ifndef LOTSE_TESTS_HTTP_HARNESS_H
#define LOTSE_TESTS_HTTP_HARNESS_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#define H_PASSWORD "Http-Test-Pass-1"

struct h_token {
    char user[32];
    const char *token; /* kept by the harness */
};

struct h_owned {
    struct h_owned *next;
    void *p;
};

struct h_resp;

struct harness {
    char dir[256];
    char db_path[300]; /* SQLite: the store's file */
    char db_url[600];  /* what `lotse … --db` is given */
    char pg_db[64];    /* PostgreSQL: this harness's database; "" once dropped */
    char stderr_path[300];
    char base[64]; /* http://127.0.0.1:PORT */
    unsigned port;
    pid_t pid;      /* 0 once the server has been reaped */
    int out_fd;     /* the server's stdout (a pipe) */
    bool exited_ok; /* reaped with exit status 0 */
    void *curl;     /* CURL * */
    void *db;       /* sqlite3 *, read-only (SQLite) */
    void *pg;       /* PGconn *, read-only session (PostgreSQL) */
    struct h_token tokens[16];
    int n_tokens;
    struct h_owned *owned; /* freed by h_stop() */
    struct h_resp *live;   /* responses not yet freed: freed by h_stop() */
    struct harness *peer;  /* two servers: the second one, stopped by h_stop(); else NULL */
    unsigned turn;         /* two servers: requests sent through H so far */
    int pinned;            /* > 0: requests go to H's own server only (h_pin) */
};

struct h_resp {
    long status;
    char *body; /* NUL-terminated */
    size_t body_len;
    size_t n_headers;
    char **names, **values; /* headers of the final response, in order */
    json_t *json;           /* the body parsed, when it is JSON; else NULL */
    struct harness *h;
    struct h_resp *prev, *next; /* in h->live */
};

/* ---- life cycle ---- */

/* Make the directory and the demo store (on PostgreSQL in a new database),
 * then start the server with EXTRA (NULL-terminated arguments after the
 * standard ones, or NULL). Returns NULL (having printed why) on failure; a
 * PostgreSQL run without LOTSE_TEST_PG_* exits 77 instead. */
struct harness *h_start(const char *const *extra);

/* The two halves of h_start(): the directory and the demo store (the store
 * can then be read, e.g. to choose settings), and starting the server. */
struct harness *h_prepare(void);
bool h_serve(struct harness *h, const char *const *extra);

/* A second server on FIRST's store (PostgreSQL: several app servers over one
 * database), with a directory of its own; its h_stop() leaves the store to
 * FIRST's. It has no peer of its own, whatever the mode. NULL (having printed
 * why) on failure. */
struct harness *h_start_beside(const struct harness *first, const char *const *extra);

/* Does this run use two servers per harness (LOTSE_TEST_SERVERS=2)? */
bool h_two_servers(void);

/* Pin (ON true) or unpin the requests sent through H to H's own server;
 * pins nest. Without a peer it changes nothing. */
void h_pin(struct harness *h, bool on);

/* Run `lotse ARGS…` (NULL-terminated, after the binary) in H's directory:
 * its exit status; *OUTPUT (kept by the harness) its stdout and stderr when
 * OUTPUT is not NULL. */
int h_lotse(struct harness *h, const char *const *args, const char **output);

/* Send SIGTERM (unless the server has already been stopped), reap it, check
 * its stderr for sanitizer reports, run `lotse worklist check`, close
 * everything, drop the PostgreSQL database and remove the directory (both
 * kept when LOTSE_TEST_KEEP is set); the peer, if any, first. Returns 0 when
 * the servers exited 0, their stderr is clean, the check passed and the
 * database was dropped. */
int h_stop(struct harness *h);

/* Only send SIGTERM and wait (to the peer too): true when the exit status
 * was 0. The harness stays usable for store reads; h_stop() then only cleans
 * up. */
bool h_terminate(struct harness *h);

/* cmocka group setup/teardown with no extra arguments. */
int h_group_setup(void **state);
int h_group_teardown(void **state);

/* The last test of every group: SIGTERM (unless the server has already been
 * stopped), exit status 0, and no sanitizer report in the server's stderr
 * (both servers'). */
void h_test_server_exits_cleanly(void **state);

/* What main returns: nonzero when cmocka counted failures or any h_stop()
 * found a problem (cmocka 1.1 does not count a failed group teardown). */
int h_exit_code(int cmocka_failures);

/* ---- requests ---- */

/* Memory that lives until h_stop(): tests that fail half-way (cmocka jumps
 * out of them) leak nothing, so sanitizer reports are about real leaks.
 * h_keep() takes P (malloc'd) and returns it. */
void *h_keep(struct harness *h, void *p);
char *h_strdup(struct harness *h, const char *s);
/* printf into memory kept by the harness (paths, bodies). */
char *h_printf(struct harness *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* METHOD PATH with HEADERS (NULL-terminated "Name: value" strings, or NULL)
 * and BODY of BODY_LEN bytes (NULL: none). Never NULL; free with h_free()
 * (or leave it to h_stop()). */
struct h_resp *h_request(struct harness *h, const char *method, const char *path,
                         const char *const *headers, const void *body, size_t body_len);

/* An API call: Authorization: Bearer TOKEN when TOKEN is not NULL, and
 * Content-Type: application/json when BODY (a JSON text) is not NULL. */
struct h_resp *h_api(struct harness *h, const char *method, const char *path, const char *token,
                     const char *body);

/* The same with a JSON body that is consumed (decref'd). */
struct h_resp *h_apij(struct harness *h, const char *method, const char *path, const char *token,
                      json_t *body);

void h_free(struct h_resp *r);

/* The first header NAME (case-insensitive), or NULL; the I-th of them. */
const char *h_header(const struct h_resp *r, const char *name);
const char *h_header_nth(const struct h_resp *r, const char *name, size_t i);
size_t h_header_count(const struct h_resp *r, const char *name);

/* Print status, headers and body (for diagnostics). */
void h_dump(const struct h_resp *r);

/* An API token of USER (signed in once per harness, then cached). */
const char *h_token(struct harness *h, const char *user);

/* Sign in afresh (never cached): a new token (kept by the harness). */
const char *h_login(struct harness *h, const char *user, const char *password);

/* A new client and an active case of USER (a case manager) through the
 * API, started today; the case's id (kept by the harness). */
const char *h_new_active_case(struct harness *h, const char *user);
/* The same, referred and started on STARTED_ON (YYYY-MM-DD; NULL: today). */
const char *h_new_active_case_on(struct harness *h, const char *user, const char *started_on);

/* ---- JSON ---- */

/* The value at a dotted PATH ("client.first_name"), or NULL. */
json_t *h_jget(json_t *j, const char *path);
/* Its string value, or NULL. */
const char *h_jstr(json_t *j, const char *path);
/* Does the 422 answer R name FIELD in its errors[]? */
bool h_has_error_field(const struct h_resp *r, const char *field);

/* ---- HTML ---- */

/* Is HTML well-formed in the sense of tidy: every element closed in order
 * (void elements excepted; end tags that HTML lets one omit, like </li> or
 * </p>, are closed implicitly), quoted attributes, no stray '<', no inline
 * <script>. False with a reason in ERR otherwise. */
bool h_html_well_formed(const char *html, char *err, size_t errlen);

/* ---- the store ---- */

/* Does this run test the PostgreSQL backend (LOTSE_TEST_DB=postgresql)? For
 * SQL whose dialects differ, and for skip() in tests that are about the
 * SQLite file. */
bool h_on_postgresql(void);

/* The first column of the first row of an SQL query (sqlite3_mprintf format:
 * use %Q for strings) as an integer; -1 when there is no row. */
long long h_count(struct harness *h, const char *fmt, ...);
/* ... as a string (kept by the harness), or NULL. */
const char *h_sql_str(struct harness *h, const char *fmt, ...);
/* The id of the user USERNAME (a static buffer rotating among 8). */
const char *h_user_id(struct harness *h, const char *username);

struct h_snap {
    long long clients, cases, audit, users, teams, tokens, jobcenters;
    unsigned long long store_digest; /* a hash of every row of every table */
};

void h_snap_take(struct harness *h, struct h_snap *s);

/* ---- browser sessions (the HTML routes) ---- */

/* A signed-in browser: its session cookie and the session's CSRF token. */
struct h_browser {
    char session[128];
    char csrf[128];
    char cookies[256];
};

/* The value of cookie NAME set by R (first Set-Cookie for it), or NULL; a
 * static buffer. ATTRS (may be NULL) receives the whole header. */
const char *h_set_cookie(const struct h_resp *r, const char *name, const char **attrs);
/* SIZE bytes of OUT: S percent-encoded for a form or a query. */
void h_urlencode(char *out, size_t size, const char *s);
/* A form body from NULL-terminated name/value pairs (values are encoded;
 * kept by the harness). */
char *h_form(struct harness *h, const char *const *pairs);
/* A browser request: COOKIES ("a=b; c=d" or NULL), BODY a form or NULL. */
struct h_resp *h_browse(struct harness *h, const char *method, const char *path,
                        const char *cookies, const char *body);
/* An HTML page with the security headers (CSP without unsafe-inline,
 * X-Frame-Options DENY …), a request id and well-formed markup. */
void h_expect_html(const struct h_resp *r);
/* 303 to LOCATION. */
void h_expect_redirect(const struct h_resp *r, const char *location);
/* The pre-session token from GET /login. */
void h_pre_token(struct harness *h, char out[128]);
/* The session's CSRF token of B (from a form, else the store). */
void h_find_csrf(struct harness *h, struct h_browser *b, const char *user);
/* Sign USER in through /login (password H_PASSWORD). */
void h_sign_in(struct harness *h, struct h_browser *b, const char *user);

/* Today + DAYS in Europe/Berlin as YYYY-MM-DD (a buffer rotating among 8). */
const char *h_day(int days);

/* ---- assertions (with the caller's line) ---- */

void h_expect_status(const struct h_resp *r, long status, const char *file, int line);
void h_expect_status_in(const struct h_resp *r, const long *statuses, const char *file, int line);
void h_expect_problem(const struct h_resp *r, long status, const char *code, const char *file,
                      int line);
void h_expect_no_code(const struct h_resp *r, const char *file, int line);
void h_expect_errors(const struct h_resp *r, const char *const *fields, const char *file, int line);
void h_expect_nothing_stored(struct harness *h, struct h_snap *before, const char *file, int line);
void h_expect_no_surnames(struct harness *h, const struct h_resp *r, const char *case_manager_id,
                          const char *file, int line);
void h_expect_one_audit(struct harness *h, long long audit_before, const struct h_resp *r,
                        const char *action, const char *actor, const char *file, int line);

#define EXPECT_STATUS(r, s) h_expect_status((r), (s), __FILE__, __LINE__)
/* one of the statuses given, then problem details of that status */
#define EXPECT_PROBLEM_IN(r, ...)                                                                  \
    h_expect_status_in((r), (const long[]){ __VA_ARGS__, 0 }, __FILE__, __LINE__)
/* status S, application/problem+json with type, title, status and detail;
 * CODE (when not NULL) equal to "code" */
#define EXPECT_PROBLEM(r, s, code) h_expect_problem((r), (s), (code), __FILE__, __LINE__)
#define EXPECT_NO_CODE(r)          h_expect_no_code((r), __FILE__, __LINE__)
/* a 422 whose errors[] names every one of the fields (and maybe more) */
#define EXPECT_ERRORS(r, ...)                                                                      \
    h_expect_errors((r), (const char *const[]){ __VA_ARGS__, NULL }, __FILE__, __LINE__)
/* the store is unchanged since the snapshot BEFORE */
#define EXPECT_NOTHING_STORED(h, before) h_expect_nothing_stored((h), (before), __FILE__, __LINE__)
/* R's body names none of the clients of CASE_MANAGER_ID's open cases (their
 * surnames of 7 or more letters that are no part of a staff member's name) */
#define EXPECT_NO_SURNAMES(h, r, cm) h_expect_no_surnames((h), (r), (cm), __FILE__, __LINE__)
/* exactly one audit entry since AUDIT_BEFORE: ACTION by ACTOR (a user name),
 * carrying R's X-Request-Id */
#define EXPECT_ONE_AUDIT(h, before, r, action, actor)                                              \
    h_expect_one_audit((h), (before), (r), (action), (actor), __FILE__, __LINE__)

#endif
