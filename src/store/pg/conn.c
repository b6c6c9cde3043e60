/*
 * store/pg/conn.c — the PostgreSQL backend of store.h, on libpq.
 *
 * One PGconn per connection. Every statement is prepared once per
 * connection and cached by the address of its SQL literal (as sqlite/conn.c
 * caches sqlite3_stmt), under a name "s1", "s2", …; parameters go to the
 * server with declared types, so that an untyped use like `$3 IS NULL` is
 * understood: text as text, int64 as decimal text typed int8, blobs in
 * binary typed bytea. The types are fixed when the statement is prepared,
 * from the first call; a later call that binds another type at a position
 * gets a second statement for the same literal. A NULL at prepare time says
 * nothing about its type: it is prepared as text, which `$2 IS NULL OR
 * name = $2` needs (left to infer, the server refuses that, 42P08); where
 * text does not fit the SQL (an integer column's VALUES ($2), 42804) the
 * server is asked to infer the type instead. `$2 IS NULL OR n = $2` with an
 * integer n and a NULL first fits neither: such SQL casts, `$2::bigint`.
 *
 * Results come as text and are read into struct db_column as the SQLite
 * backend reads them. Every failure is mapped to enum db_status in one
 * place, status_of(). A connection that was lost (a restarted server, a
 * terminated backend) fails the call that finds out, and the next call
 * resets it once before it runs; a connection lost inside a transaction
 * refuses every call until the caller has rolled back, so that nothing the
 * caller meant to be part of that transaction runs on its own afterwards.
 *
 * Transactions: reads run in REPEATABLE READ, so that one request sees one
 * snapshot, as SQLite's read transactions do. Their BEGIN is sent with
 * their first statement, in one round trip (libpq's pipeline mode), and a
 * read transaction in which nothing ran sends nothing; writes run in READ COMMITTED
 * and take a transaction-level advisory lock first, which serialises the
 * writers of one database as SQLite's BEGIN IMMEDIATE does (the audit chain
 * and the worklist repair read the head and write after it).
 *
 * No global mutable state: a connection is used by one thread at a time.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/backend.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/log.h"

enum { STMT_SLOTS = 512, MAX_PARAMS = 32 };

/* Plans: every statement is planned once, generically, when it is prepared
 * (plan_cache_mode = force_generic_plan). PostgreSQL's default plans each
 * call for its values until it trusts a generic plan, and for lotse's
 * joins it kept doing so: 0.25–0.3 ms of planning per statement, more than
 * running it. The queries are key lookups, whose plan does not depend on
 * the values. So that plans follow the statistics as the tables grow (a
 * store that starts empty), a connection prepares its statements afresh
 * after PLANS_MAX_AGE_S seconds, at the start of a transaction. A bulk
 * load fills tables without statistics and keeps the default. */
enum { PLANS_MAX_AGE_S = 600 };
#define BULK_SETTINGS "SET synchronous_commit = off; SET plan_cache_mode = auto"

/* db_load(): tables gathered at once, and the bytes gathered before they are sent. */
enum { LOAD_TABLES = 24, LOAD_BATCH_BYTES = 8 << 20 };

/* Type OIDs of pg_type (catalog/pg_type_d.h is a server header). */
enum { OID_INFER = 0, OID_BYTEA = 17, OID_INT8 = 20, OID_TEXT = 25 };

/* A read transaction: one snapshot for the whole request. */
#define READ_BEGIN_SQL "BEGIN ISOLATION LEVEL REPEATABLE READ"

/* Held by every write transaction until it ends. The key is an arbitrary constant
   (not a spelling of anything); servers of one database must agree on it, so it
   never changes. */
#define WRITE_LOCK_SQL "SELECT pg_advisory_xact_lock(465558893413)"
/* The job lock (store.h), held by a session until it releases it or ends:
   'lotsejb' in ASCII, another key than the writers'. */
#define JOB_LOCK_KEY "30521843427666530"

struct stmt_slot {
    const char *sql; /* key: the literal's address; NULL marks a free slot */
    int n_params;
    Oid types[MAX_PARAMS]; /* as prepared; OID_INFER: the server chose from the SQL */
    char name[16];         /* "s1", "s2", …; "" is the unnamed statement */
};

struct pg_db {
    struct db base;
    PGconn *conn;
    bool broken;        /* lost: PQreset() before the next call */
    bool in_tx;         /* a transaction was open when the current call began */
    bool tx_lost;       /* lost inside a transaction: refuse all but rollback */
    bool bulk;          /* db_bulk_mode(): again after a reset */
    bool begin_pending; /* a read transaction begun, its BEGIN not sent yet (pg_begin) */
    bool warned_full;
    bool job_lock_held;        /* this session took the job lock */
    unsigned sessions;         /* PQreset() calls: each starts a new session */
    unsigned job_lock_session; /* the session that took it */
    unsigned next_name;
    int64_t changes;
    int64_t plans_since; /* monotonic seconds: when the statements were last forgotten */
    struct stmt_slot slots[STMT_SLOTS];
    /* db_load(): COPY text per table, in the order first loaded into */
    struct {
        const struct db_table *table;
        struct buf rows;
    } loads[LOAD_TABLES];
    int n_loads;
    size_t load_bytes;
    /* db_load_defer_foreign_keys(): the ALTER TABLE … ADD CONSTRAINT to run before COMMIT */
    char **fk_adds;
    size_t n_fk_adds;
};

/* First line of a libpq message, without its trailing newline, into OUT. */
static void
one_line(char *out, size_t outlen, const char *msg)
{
    snprintf(out, outlen, "%s", msg ? msg : "");
    out[strcspn(out, "\r\n")] = '\0';
}

/* The message of RES, or of the connection when there is no result. Data
 * exceptions (class 22) quote the value they refused, which may be personal
 * data: for those only the code is kept. */
static void
error_text(char *out, size_t outlen, const struct pg_db *p, const PGresult *res)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state && strncmp(state, "22", 2) == 0) {
        snprintf(out, outlen, "data exception (message withheld: it may quote a value)");
        return;
    }
    const char *msg = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (!msg && res)
        msg = PQresultErrorMessage(res);
    if (!msg || !msg[0])
        msg = PQerrorMessage(p->conn);
    one_line(out, outlen, msg);
}

/*
 * The one mapping from a result to enum db_status. Serialization failures,
 * deadlocks and lock timeouts are worth a rerun; integrity violations and
 * the exceptions our triggers raise (P0001) are a refused write; a lost
 * connection marks the connection for a reset; everything else is ours.
 */
static enum db_status
status_of(struct pg_db *p, const PGresult *res, const char *what, const char *sql)
{
    ExecStatusType es = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (es == PGRES_COMMAND_OK || es == PGRES_TUPLES_OK || es == PGRES_EMPTY_QUERY)
        return DB_NO_ROWS;
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    char msg[300];
    error_text(msg, sizeof msg, p, res);
    /* 08P01 with the connection still up is the server refusing one message of
       ours (a bind with fewer parameters than the SQL uses): a bug, not an outage */
    /* 57P01..57P03: the server ends this session (terminated, shutting down, restarting);
       the connection is gone even if libpq has not noticed yet */
    bool lost = PQstatus(p->conn) == CONNECTION_BAD ||
                (state && strncmp(state, "08", 2) == 0 && strcmp(state, "08P01") != 0) ||
                (state && strncmp(state, "57P0", 4) == 0);
    if (lost) {
        p->broken = true;
        p->tx_lost = p->in_tx;
        log_error("store(pg): %s: connection lost (SQLSTATE %s): %s", what, state ? state : "-",
                  msg);
        return DB_HARD_ERROR;
    }
    if (state && (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0 ||
                  strcmp(state, "55P03") == 0)) {
        log_debug("store(pg): %s: SQLSTATE %s: %s (will rerun)", what, state, msg);
        return DB_RETRY;
    }
    if (state && (strncmp(state, "23", 2) == 0 || strcmp(state, "P0001") == 0)) {
        log_debug("store(pg): %s: SQLSTATE %s: %s", what, state, msg);
        return DB_CONSTRAINT;
    }
    if (es != PGRES_FATAL_ERROR && es != PGRES_NONFATAL_ERROR)
        log_error("store(pg): %s: unexpected result %s", what, PQresStatus(es));
    else
        log_error("store(pg): %s: SQLSTATE %s: %s [%.80s]", what, state ? state : "-", msg,
                  sql ? sql : "");
    return DB_HARD_ERROR;
}

/* Run SQL without parameters or results (transaction control, settings). */
static enum db_status
simple(struct pg_db *p, const char *sql, const char *what)
{
    PGresult *res = PQexec(p->conn, sql);
    enum db_status st = status_of(p, res, what, sql);
    PQclear(res);
    return st;
}

/* Replace every occurrence of SECRET[0..N) in MSG (MSGLEN bytes) by "***". */
static void
scrub(char *msg, size_t msglen, const char *secret, size_t n)
{
    if (!secret || !n || !msglen)
        return;
    char out[1024];
    size_t o = 0;
    for (const char *s = msg; *s && o + 4 < sizeof out;) {
        if (strncmp(s, secret, n) == 0) {
            memcpy(out + o, "***", 3);
            o += 3;
            s += n;
        } else {
            out[o++] = *s++;
        }
    }
    if (o >= msglen)
        o = msglen - 1;
    memcpy(msg, out, o);
    msg[o] = '\0';
}

/* Where the password of URL's user information begins, and how long it is
 * as written (percent-encoded); 0 when it has none. */
static size_t
url_password(const char *url, const char **start)
{
    const char *a = strstr(url, "://");
    if (!a)
        return 0;
    a += 3;
    size_t auth = strcspn(a, "/?#");
    const char *at = NULL;
    for (const char *s = a; s < a + auth; s++)
        if (*s == '@')
            at = s;
    const char *colon = at ? memchr(a, ':', (size_t)(at - a)) : NULL;
    if (!colon)
        return 0;
    *start = colon + 1;
    return (size_t)(at - colon - 1);
}

/* The settings every session starts with, on connect and after a reset. */
static int64_t
monotonic_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec;
}

static bool
session_setup(struct pg_db *p, char *err, size_t errlen)
{
    PGresult *res = PQexec(p->conn, "SET search_path = public, audit_log;"
                                    " SET client_encoding = 'UTF8';"
                                    " SET TIME ZONE 'UTC';"
                                    " SET default_transaction_isolation = 'read committed';"
                                    " SET plan_cache_mode = force_generic_plan");
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    if (!ok) {
        char msg[300];
        error_text(msg, sizeof msg, p, res);
        snprintf(err, errlen, "postgresql: session settings: %s", msg);
    }
    PQclear(res);
    if (ok && p->bulk)
        ok = simple(p, BULK_SETTINGS, "bulk mode") >= 0;
    p->plans_since = monotonic_s();
    return ok;
}

/* Server notices ("relation … already exists, skipping") go to the debug
 * log, not to libpq's default of stderr. */
static void
notice(void *arg, const PGresult *res)
{
    (void)arg;
    const char *sev = PQresultErrorField(res, PG_DIAG_SEVERITY_NONLOCALIZED);
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    char msg[300];
    one_line(msg, sizeof msg, PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY));
    log_debug("store(pg): server %s (SQLSTATE %s): %s", sev ? sev : "notice", state ? state : "-",
              msg);
}

static struct db *
pg_open(const char *url, bool writer, char *err, size_t errlen)
{
    struct pg_db *p = calloc(1, sizeof *p);
    if (!p)
        abort();
    p->base.ops = &pg_ops;
    /* The URL as given; the application name only if the URL sets none. */
    const char *const keys[] = { "dbname", "fallback_application_name", NULL };
    const char *const values[] = { url, writer ? "lotse-writer" : "lotse", NULL };
    p->conn = PQconnectdbParams(keys, values, 1);
    if (!p->conn)
        abort(); /* libpq could not allocate its connection object */
    if (PQstatus(p->conn) != CONNECTION_OK) {
        char msg[600];
        snprintf(msg, sizeof msg, "%s", PQerrorMessage(p->conn));
        for (char *s = msg; *s; s++)
            if (*s == '\n' || *s == '\r')
                *s = s[1] ? ' ' : '\0';
        /* libpq does not quote the password, but should it ever: neither as
           written in the URL nor decoded */
        const char *pw = NULL;
        size_t n = url_password(url, &pw);
        scrub(msg, sizeof msg, pw, n);
        const char *dec = PQpass(p->conn);
        scrub(msg, sizeof msg, dec, dec ? strlen(dec) : 0);
        snprintf(err, errlen, "postgresql: cannot connect: %s", msg);
        PQfinish(p->conn);
        free(p);
        return NULL;
    }
    PQsetNoticeReceiver(p->conn, notice, NULL);
    if (!session_setup(p, err, errlen)) {
        PQfinish(p->conn);
        free(p);
        return NULL;
    }
    return &p->base;
}

static void fk_forget(struct pg_db *p);
static enum db_status begin_now(struct pg_db *p);

static void
pg_close(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    PQfinish(p->conn); /* the server drops the prepared statements with the session */
    for (int i = 0; i < p->n_loads; i++)
        buf_free(&p->loads[i].rows);
    fk_forget(p);
    free(p);
}

static void
forget_statements(struct pg_db *p)
{
    memset(p->slots, 0, sizeof p->slots);
}

/* Before every call: refuse while a lost transaction is not rolled back;
 * reset a lost connection once; note whether a transaction is open. */
static bool
ready(struct pg_db *p)
{
    if (p->tx_lost) {
        log_error("store(pg): the connection was lost inside a transaction; roll back first");
        return false;
    }
    if (p->broken || PQstatus(p->conn) != CONNECTION_OK) {
        forget_statements(p); /* the new session has none of them */
        PQreset(p->conn);
        p->sessions++; /* session-level state (the job lock) went with the old one */
        char msg[300];
        if (PQstatus(p->conn) != CONNECTION_OK) {
            one_line(msg, sizeof msg, PQerrorMessage(p->conn));
            log_error("store(pg): reconnect failed: %s", msg);
            p->broken = true;
            return false;
        }
        p->broken = false;
        if (!session_setup(p, msg, sizeof msg)) {
            log_error("store(pg): after reconnecting: %s", msg);
            p->broken = true;
            return false;
        }
        log_info("store(pg): reconnected");
    }
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);
    p->in_tx = ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR;
    return true;
}

static bool
param_is_null(const struct db_param *q)
{
    return q->type == DB_T_NULL || (q->type == DB_T_TEXT && !q->text) ||
           (q->type == DB_T_BLOB && !q->blob);
}

static Oid
param_oid(const struct db_param *q)
{
    switch (q->type) {
    case DB_T_TEXT: return OID_TEXT;
    case DB_T_INT64: return OID_INT8;
    case DB_T_BLOB: return OID_BYTEA;
    default: return OID_INFER;
    }
}

/* May the statement in SLOT run with PARAMS? A NULL fits any type; a text
 * or int64 value, sent as text, fits a position the server typed itself. */
static bool
fits(const struct stmt_slot *slot, const struct db_param *params, int n)
{
    if (slot->n_params != n)
        return false;
    for (int i = 0; i < n; i++) {
        Oid want = param_oid(&params[i]);
        if (param_is_null(&params[i]) || slot->types[i] == want)
            continue;
        if (slot->types[i] == OID_INFER && want != OID_BYTEA)
            continue;
        return false;
    }
    return true;
}

/* A position that was NULL at prepare time. */
static const Oid OID_NULL_FIRST = OID_TEXT;

/* PQprepare SQL into SLOT with the types of PARAMS, a NULL as text. When
 * text does not fit where a NULL went (42804: a column of another type
 * takes it; 42883: no operator for text and that type), prepare again with
 * those positions left to the server. Inside a transaction the first try
 * runs under a savepoint, because a failed prepare aborts the transaction. */
static enum db_status
prepare_slot(struct pg_db *p, struct stmt_slot *slot, const char *sql,
             const struct db_param *params, int n)
{
    bool had_null = false;
    for (int i = 0; i < n; i++) {
        slot->types[i] = param_oid(&params[i]);
        if (slot->types[i] == OID_INFER) {
            slot->types[i] = OID_NULL_FIRST;
            had_null = true;
        }
    }
    slot->n_params = n;
    bool sp = had_null && PQtransactionStatus(p->conn) == PQTRANS_INTRANS;
    enum db_status st = sp ? simple(p, "SAVEPOINT lotse_prepare", "prepare") : DB_NO_ROWS;
    if (st < 0)
        return st;
    PGresult *res = PQprepare(p->conn, slot->name, sql, n, slot->types);
    bool failed = PQresultStatus(res) != PGRES_COMMAND_OK;
    const char *state = failed ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    bool again = had_null && state && (strcmp(state, "42804") == 0 || strcmp(state, "42883") == 0);
    if (sp && PQstatus(p->conn) == CONNECTION_OK)
        simple(p,
               failed ? "ROLLBACK TO SAVEPOINT lotse_prepare; RELEASE SAVEPOINT lotse_prepare"
                      : "RELEASE SAVEPOINT lotse_prepare",
               "prepare");
    if (again) {
        PQclear(res);
        for (int i = 0; i < n; i++)
            if (param_oid(&params[i]) == OID_INFER)
                slot->types[i] = OID_INFER;
        res = PQprepare(p->conn, slot->name, sql, n, slot->types);
    }
    st = status_of(p, res, "prepare", sql);
    PQclear(res);
    return st;
}

/* The prepared statement for SQL that fits PARAMS: from the cache, or
 * prepared now. With the cache full, SCRATCH holds the unnamed statement,
 * prepared again on every call. */
static struct stmt_slot *
statement(struct pg_db *p, const char *sql, const struct db_param *params, int n,
          struct stmt_slot *scratch, enum db_status *st)
{
    uintptr_t k = (uintptr_t)sql;
    unsigned h = (unsigned)((k >> 3) * 2654435761u) % STMT_SLOTS;
    struct stmt_slot *slot = NULL;
    for (int probe = 0; probe < STMT_SLOTS; probe++) {
        struct stmt_slot *s = &p->slots[(h + (unsigned)probe) % STMT_SLOTS];
        if (s->sql == sql && fits(s, params, n))
            return s;
        if (!s->sql) {
            slot = s;
            snprintf(slot->name, sizeof slot->name, "s%u", ++p->next_name);
            break;
        }
    }
    if (!slot) {
        if (!p->warned_full)
            log_warn("store(pg): statement cache full; preparing on every call from now on");
        p->warned_full = true;
        memset(scratch, 0, sizeof *scratch);
        slot = scratch;
    }
    *st = prepare_slot(p, slot, sql, params, n);
    if (*st < 0)
        return NULL;
    if (slot != scratch)
        slot->sql = sql;
    return slot;
}

/* Rows changed, as SQLite counts them: only INSERT, UPDATE, DELETE and
 * MERGE set the count; other statements leave it. */
static void
note_changes(struct pg_db *p, PGresult *res)
{
    static const char *const dml[] = { "INSERT ", "UPDATE ", "DELETE ", "MERGE " };
    const char *cmd = PQcmdStatus(res);
    for (size_t i = 0; i < sizeof dml / sizeof *dml; i++)
        if (strncmp(cmd, dml[i], strlen(dml[i])) == 0) {
            p->changes = strtoll(PQcmdTuples(res), NULL, 10);
            return;
        }
}

/* ---- db_load(): COPY in batches ---- */

static void
loads_discard(struct pg_db *p)
{
    for (int i = 0; i < p->n_loads; i++)
        buf_reset(&p->loads[i].rows);
    p->load_bytes = 0;
}

/* One table's gathered rows through COPY … FROM STDIN. */
static enum db_status
copy_rows(struct pg_db *p, const struct db_table *table, const struct buf *rows)
{
    struct buf sql = BUF_INIT;
    /* plain names only: db_load() checked them */
    buf_puts(&sql, "COPY ");
    buf_puts(&sql, table->name);
    buf_puts(&sql, " (");
    for (const char *const *c = table->columns; *c; c++) {
        if (c != table->columns)
            buf_puts(&sql, ", ");
        buf_puts(&sql, *c);
    }
    buf_puts(&sql, ") FROM STDIN");
    PGresult *res = PQexec(p->conn, buf_cstr(&sql));
    enum db_status st;
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        st = status_of(p, res, "load", buf_cstr(&sql));
        PQclear(res);
        buf_free(&sql);
        return st < 0 ? st : DB_HARD_ERROR;
    }
    PQclear(res);
    bool sent =
        PQputCopyData(p->conn, rows->data, (int)rows->len) == 1 && PQputCopyEnd(p->conn, NULL) == 1;
    st = DB_NO_ROWS;
    /* the outcome, then NULL; a failure to send still ends in a result */
    while ((res = PQgetResult(p->conn))) {
        enum db_status r = status_of(p, res, "load", buf_cstr(&sql));
        if (r < 0 && st >= 0)
            st = r;
        PQclear(res);
    }
    if (!sent && st >= 0) {
        char msg[300];
        one_line(msg, sizeof msg, PQerrorMessage(p->conn));
        log_error("store(pg): load %s: %s", table->name, msg);
        st = DB_HARD_ERROR;
    }
    buf_free(&sql);
    return st;
}

/* Send every table's gathered rows, in the order the tables were first
 * loaded into (parents first). What is not sent after a failure is
 * dropped: the transaction is lost anyway. */
static enum db_status
loads_send(struct pg_db *p)
{
    enum db_status st = DB_NO_ROWS;
    if (!p->load_bytes)
        return st;
    st = begin_now(p);
    for (int i = 0; i < p->n_loads && st >= 0; i++)
        if (p->loads[i].rows.len)
            st = copy_rows(p, p->loads[i].table, &p->loads[i].rows);
    loads_discard(p);
    return st;
}

/* VALUE as a field of COPY's text format. */
static void
copy_field(struct buf *b, const struct db_param *v)
{
    if (param_is_null(v)) {
        buf_puts(b, "\\N");
        return;
    }
    switch (v->type) {
    case DB_T_INT64: buf_printf(b, "%lld", (long long)v->i); break;
    case DB_T_BLOB: {
        static const char hex[] = "0123456789abcdef";
        const unsigned char *x = v->blob;
        buf_puts(b, "\\\\x"); /* bytea's \x, its backslash escaped for COPY */
        for (size_t i = 0; i < v->len; i++) {
            buf_putc(b, hex[x[i] >> 4]);
            buf_putc(b, hex[x[i] & 15]);
        }
        break;
    }
    default: {
        const char *s = v->text, *run = s;
        for (; *s; s++) {
            const char *esc = *s == '\\'   ? "\\\\"
                              : *s == '\t' ? "\\t"
                              : *s == '\n' ? "\\n"
                              : *s == '\r' ? "\\r"
                                           : NULL;
            if (esc) {
                buf_append(b, run, (size_t)(s - run));
                buf_puts(b, esc);
                run = s + 1;
            }
        }
        buf_append(b, run, (size_t)(s - run));
        break;
    }
    }
}

static void
truncate_to(struct buf *b, size_t len)
{
    if (b->data)
        b->data[b->len = len] = '\0';
}

static enum db_status
pg_load(struct db *db, const struct db_table *table, const struct db_param *values)
{
    struct pg_db *p = (struct pg_db *)db;
    int k = 0;
    while (k < p->n_loads && p->loads[k].table != table)
        k++;
    if (k == p->n_loads) {
        if (k == LOAD_TABLES) {
            log_error("store(pg): load %s: more than %d tables at once", table->name, LOAD_TABLES);
            return DB_HARD_ERROR;
        }
        p->loads[p->n_loads].table = table;
        p->loads[p->n_loads++].rows = (struct buf)BUF_INIT;
    }
    struct buf *b = &p->loads[k].rows;
    size_t before = b->len;
    int n = 0;
    for (const char *const *c = table->columns; *c; c++, n++) {
        if (values[n].type == DB_T_END) {
            log_error("store(pg): load %s: fewer values than columns", table->name);
            truncate_to(b, before);
            return DB_HARD_ERROR;
        }
        if (n)
            buf_putc(b, '\t');
        copy_field(b, &values[n]);
    }
    if (values[n].type != DB_T_END) {
        log_error("store(pg): load %s: more values than columns", table->name);
        truncate_to(b, before);
        return DB_HARD_ERROR;
    }
    buf_putc(b, '\n');
    p->load_bytes += b->len - before;
    return p->load_bytes >= LOAD_BATCH_BYTES ? loads_send(p) : DB_NO_ROWS;
}

static void
fk_forget(struct pg_db *p)
{
    for (size_t i = 0; i < p->n_fk_adds; i++)
        free(p->fk_adds[i]);
    free(p->fk_adds);
    p->fk_adds = NULL;
    p->n_fk_adds = 0;
}

/* ALTER TABLE REL (regclass text: quoted where needed) VERB CONSTRAINT NAME [DEF]. */
static char *
fk_statement(struct pg_db *p, const char *rel, const char *verb, const char *name, const char *def)
{
    char *quoted = PQescapeIdentifier(p->conn, name, strlen(name));
    if (!quoted)
        return NULL;
    struct buf b = BUF_INIT;
    buf_puts(&b, "ALTER TABLE ");
    buf_puts(&b, rel);
    buf_puts(&b, verb);
    buf_puts(&b, quoted);
    if (def) {
        buf_putc(&b, ' ');
        buf_puts(&b, def);
    }
    PQfreemem(quoted);
    return buf_steal(&b);
}

static enum db_status
pg_defer_foreign_keys(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    static const char list[] =
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)"
        " FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace"
        " WHERE c.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema')"
        " ORDER BY 1, 2";
    if (!ready(p) || begin_now(p) < 0)
        return DB_HARD_ERROR;
    if (p->n_fk_adds) {
        log_error("store(pg): foreign keys are deferred already");
        return DB_HARD_ERROR;
    }
    PGresult *res = PQexec(p->conn, list);
    enum db_status st = status_of(p, res, "defer foreign keys", list);
    int n = st >= 0 ? PQntuples(res) : 0;
    if (n && !(p->fk_adds = calloc((size_t)n, sizeof *p->fk_adds)))
        st = DB_HARD_ERROR;
    for (int i = 0; st >= 0 && i < n; i++) {
        const char *rel = PQgetvalue(res, i, 0), *name = PQgetvalue(res, i, 1);
        char *drop = fk_statement(p, rel, " DROP CONSTRAINT ", name, NULL);
        char *add = fk_statement(p, rel, " ADD CONSTRAINT ", name, PQgetvalue(res, i, 2));
        if (!drop || !add) {
            free(drop);
            free(add);
            st = DB_HARD_ERROR;
            break;
        }
        p->fk_adds[p->n_fk_adds++] = add;
        st = simple(p, drop, "defer foreign keys");
        free(drop);
    }
    PQclear(res);
    if (st < 0)
        fk_forget(p); /* the caller rolls back, which restores what was dropped */
    else
        log_info("store(pg): %zu foreign keys are checked at commit", p->n_fk_adds);
    return st;
}

/* Before COMMIT: add the deferred foreign keys again, which checks every row. */
static enum db_status
fk_restore(struct pg_db *p)
{
    enum db_status st = DB_NO_ROWS;
    for (size_t i = 0; st >= 0 && i < p->n_fk_adds; i++)
        st = simple(p, p->fk_adds[i], "check foreign keys");
    fk_forget(p);
    return st;
}

static enum db_status
pg_load_flush(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    return ready(p) ? loads_send(p) : DB_HARD_ERROR;
}

/* The pending BEGIN of a read transaction and the prepared statement SLOT in
 * one round trip (libpq's pipeline mode): *BEGIN gets BEGIN's result (NULL
 * when none came), the return value the statement's. */
static PGresult *
exec_after_begin(struct pg_db *p, const struct stmt_slot *slot, int n, const char *const *values,
                 const int *lengths, const int *formats, PGresult **begin)
{
    p->begin_pending = false;
    *begin = NULL;
    if (PQenterPipelineMode(p->conn) != 1) { /* not idle: cannot happen between calls */
        *begin = PQexec(p->conn, READ_BEGIN_SQL);
        return PQresultStatus(*begin) == PGRES_COMMAND_OK
                   ? PQexecPrepared(p->conn, slot->name, n, values, lengths, formats, 0)
                   : NULL;
    }
    PGresult *res = NULL;
    if (PQsendQueryParams(p->conn, READ_BEGIN_SQL, 0, NULL, NULL, NULL, NULL, 0) == 1 &&
        PQsendQueryPrepared(p->conn, slot->name, n, values, lengths, formats, 0) == 1 &&
        PQpipelineSync(p->conn) == 1) {
        /* BEGIN's result, NULL, the statement's, NULL, then the sync; a NULL
           in a row more than that means nothing more will come */
        for (int nulls = 0; nulls < 3;) {
            PGresult *r = PQgetResult(p->conn);
            if (!r) {
                if (PQstatus(p->conn) == CONNECTION_BAD)
                    break;
                nulls++;
                continue;
            }
            nulls = 0;
            if (PQresultStatus(r) == PGRES_PIPELINE_SYNC) {
                PQclear(r);
                break;
            }
            if (!*begin)
                *begin = r;
            else if (!res)
                res = r;
            else
                PQclear(r);
        }
    }
    if (PQexitPipelineMode(p->conn) != 1)
        p->broken = true; /* results left unread: only a lost connection leaves those */
    return res;
}

/* Send a pending BEGIN now: for calls that need the transaction but do not
 * go through run(). */
static enum db_status
begin_now(struct pg_db *p)
{
    if (!p->begin_pending)
        return DB_NO_ROWS;
    p->begin_pending = false;
    enum db_status st = simple(p, READ_BEGIN_SQL, "begin");
    if (st >= 0)
        p->in_tx = true;
    return st;
}

/* Prepare (once) and run SQL with PARAMS. The result on success, which the
 * caller clears; NULL with *ST negative on failure. */
static PGresult *
run(struct pg_db *p, const char *sql, const struct db_param *params, const char *what,
    enum db_status *st)
{
    *st = DB_HARD_ERROR;
    if (!ready(p) || (p->load_bytes && (*st = loads_send(p)) < 0))
        return NULL;
    int n = 0;
    while (params && params[n].type != DB_T_END)
        if (++n > MAX_PARAMS) {
            log_error("store(pg): more than %d parameters", MAX_PARAMS);
            return NULL;
        }
    const char *values[MAX_PARAMS];
    int lengths[MAX_PARAMS], formats[MAX_PARAMS];
    char ints[MAX_PARAMS][24];
    for (int i = 0; i < n; i++) {
        const struct db_param *q = &params[i];
        lengths[i] = 0;
        formats[i] = 0;
        switch (q->type) {
        case DB_T_TEXT: values[i] = q->text; break;
        case DB_T_INT64:
            snprintf(ints[i], sizeof ints[i], "%lld", (long long)q->i);
            values[i] = ints[i];
            break;
        case DB_T_BLOB:
            if (q->len > INT32_MAX) {
                log_error("store(pg): blob parameter $%d too long", i + 1);
                return NULL;
            }
            values[i] = q->blob;
            lengths[i] = (int)q->len;
            formats[i] = 1;
            break;
        default: values[i] = NULL; break;
        }
    }
    PGresult *res = NULL;
    /* a lost connection found by the BEGIN lost nothing: run once more on the reset one */
    for (int attempt = 0; attempt < 2; attempt++) {
        struct stmt_slot scratch;
        struct stmt_slot *slot = statement(p, sql, params, n, &scratch, st);
        if (!slot) {
            /* a prepare that found the connection lost before the BEGIN: the same */
            if (p->begin_pending && p->broken && attempt == 0 && ready(p))
                continue;
            return NULL;
        }
        if (!p->begin_pending) {
            res = PQexecPrepared(p->conn, slot->name, n, values, lengths, formats, 0);
            break;
        }
        PGresult *begin = NULL;
        res = exec_after_begin(p, slot, n, values, lengths, formats, &begin);
        if (begin && PQresultStatus(begin) == PGRES_COMMAND_OK) {
            PQclear(begin);
            p->in_tx = true; /* the statement ran inside the transaction */
            break;
        }
        *st = status_of(p, begin, "begin", READ_BEGIN_SQL);
        PQclear(begin);
        PQclear(res);
        res = NULL;
        if (*st >= 0)
            *st = DB_HARD_ERROR;
        if (!p->broken || attempt == 1)
            return NULL;
        p->begin_pending = true;
        if (!ready(p))
            return NULL;
    }
    *st = status_of(p, res, what, sql);
    if (*st < 0) {
        PQclear(res);
        return NULL;
    }
    note_changes(p, res);
    return res;
}

static enum db_status
pg_exec(struct db *db, const char *sql, const struct db_param *params)
{
    enum db_status st;
    PQclear(run((struct pg_db *)db, sql, params, "exec", &st));
    return st < 0 ? st : DB_NO_ROWS;
}

static int64_t
pg_changes(struct db *db)
{
    return ((struct pg_db *)db)->changes;
}

/* An integer column as text: decimal, or a boolean 't'/'f' (EXISTS, a
 * comparison); a numeric (sum() of bigint) loses its fraction, as SQLite's
 * integer conversion does. */
static bool
parse_int64(const char *v, int64_t *out)
{
    if ((v[0] == 't' || v[0] == 'f') && !v[1]) {
        *out = v[0] == 't';
        return true;
    }
    char *end;
    errno = 0;
    long long x = strtoll(v, &end, 10);
    if (end == v || errno == ERANGE)
        return false;
    if (*end == '.')
        for (end++; *end >= '0' && *end <= '9'; end++)
            ;
    if (*end)
        return false;
    *out = x;
    return true;
}

static enum db_status
read_row(struct pg_db *p, const PGresult *res, int r, const struct db_column *cols)
{
    int nf = PQnfields(res);
    for (int i = 0; cols && cols[i].type != DB_C_END; i++) {
        const struct db_column *c = &cols[i];
        if (i >= nf) {
            log_error("store(pg): query gives %d columns, more are read", nf);
            return DB_HARD_ERROR;
        }
        bool null = PQgetisnull(res, r, i);
        const char *v = PQgetvalue(res, r, i);
        size_t n = (size_t)PQgetlength(res, r, i);
        switch (c->type) {
        case DB_C_TEXT:
            if (n >= c->size) {
                log_error("store(pg): column %d too long for its buffer", i);
                return DB_HARD_ERROR;
            }
            memcpy(c->dst, v, null ? 0 : n);
            ((char *)c->dst)[null ? 0 : n] = '\0';
            break;
        case DB_C_STR: {
            char **pp = c->dst;
            if (null) {
                *pp = NULL;
            } else {
                if (!p->base.arena) {
                    log_error("store(pg): DB_COL_STR without an arena");
                    return DB_HARD_ERROR;
                }
                *pp = arena_strndup(p->base.arena, v, n);
            }
            break;
        }
        case DB_C_INT64:
            if (null) {
                *(int64_t *)c->dst = 0;
            } else if (!parse_int64(v, c->dst)) {
                log_error("store(pg): column %d is not an integer", i);
                return DB_HARD_ERROR;
            }
            break;
        case DB_C_BLOB: {
            size_t len = 0;
            if (!null) {
                unsigned char *b = PQunescapeBytea((const unsigned char *)v, &len);
                if (!b) {
                    log_error("store(pg): column %d: cannot decode bytea", i);
                    return DB_HARD_ERROR;
                }
                if (len > c->size) {
                    PQfreemem(b);
                    log_error("store(pg): blob column %d too long", i);
                    return DB_HARD_ERROR;
                }
                if (len)
                    memcpy(c->dst, b, len);
                PQfreemem(b);
            }
            if (c->len)
                *c->len = len;
            break;
        }
        default: break;
        }
    }
    return DB_ONE_ROW;
}

static enum db_status
pg_query(struct db *db, const char *sql, const struct db_param *params,
         const struct db_column *cols, bool (*row)(void *), void *user, bool one)
{
    struct pg_db *p = (struct pg_db *)db;
    enum db_status st;
    PGresult *res = run(p, sql, params, "query", &st);
    if (!res)
        return st;
    enum db_status result = DB_NO_ROWS;
    int rows = PQntuples(res);
    for (int r = 0; r < rows; r++) {
        st = read_row(p, res, r, cols);
        if (st < 0)
            break;
        result = DB_ONE_ROW;
        if (one || (row && !row(user)))
            break;
    }
    PQclear(res);
    return st < 0 ? st : result;
}

/* A begin that failed may have left a transaction open (the lock wait was
 * cancelled); db_run_tx() does not roll back after a failed begin. */
static void
end_failed_begin(struct pg_db *p)
{
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        simple(p, "ROLLBACK", "begin");
}

static enum db_status
pg_begin(struct db *db, bool write)
{
    struct pg_db *p = (struct pg_db *)db;
    enum db_status st = DB_HARD_ERROR;
    /* A connection found lost by BEGIN had no transaction, so nothing is
       lost with it: BEGIN runs once more on the reset connection. */
    for (int attempt = 0; attempt < 2; attempt++) {
        if (!ready(p))
            return DB_HARD_ERROR;
        if (p->in_tx || p->begin_pending) {
            log_error("store(pg): begin inside a transaction");
            return DB_HARD_ERROR;
        }
        if (!p->bulk && monotonic_s() - p->plans_since >= PLANS_MAX_AGE_S) {
            /* plans made on older statistics go; statements are prepared again when used */
            if (simple(p, "DEALLOCATE ALL", "renew plans") >= 0)
                forget_statements(p);
            p->plans_since = monotonic_s();
        }
        if (!write) {
            /* sent with the first statement (run), one round trip fewer */
            p->begin_pending = true;
            return DB_NO_ROWS;
        }
        st = simple(p, "BEGIN; " WRITE_LOCK_SQL, "begin");
        if (st < 0 && !p->broken)
            end_failed_begin(p);
        if (st >= 0 || !p->broken)
            break;
    }
    return st;
}

static enum db_status
pg_commit(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    if (p->begin_pending && !p->load_bytes) { /* nothing ran: nothing to end */
        p->begin_pending = false;
        return DB_NO_ROWS;
    }
    if (!ready(p) || begin_now(p) < 0)
        return DB_HARD_ERROR;
    if (!p->in_tx) {
        log_error("store(pg): commit without a transaction");
        return DB_HARD_ERROR;
    }
    enum db_status sent = loads_send(p);
    if (sent >= 0 && p->n_fk_adds)
        sent = fk_restore(p);
    if (sent < 0)
        return sent;
    PGresult *res = PQexec(p->conn, "COMMIT");
    enum db_status st = status_of(p, res, "commit", "COMMIT");
    /* a transaction in which a statement failed ends in ROLLBACK, not an error */
    if (st >= 0 && strcmp(PQcmdStatus(res), "ROLLBACK") == 0) {
        log_error("store(pg): commit: a statement of the transaction had failed; rolled back");
        st = DB_HARD_ERROR;
    }
    PQclear(res);
    return st;
}

static void
pg_rollback(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    loads_discard(p);
    fk_forget(p);             /* the rollback restores them */
    p->begin_pending = false; /* nothing of it was sent */
    if (p->tx_lost) {
        /* the server rolled it back when the connection went; the next call reconnects */
        p->tx_lost = false;
        p->in_tx = false;
        return;
    }
    if (p->broken)
        return;
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);
    if (ts == PQTRANS_INTRANS || ts == PQTRANS_INERROR)
        simple(p, "ROLLBACK", "rollback");
    /* lost during the rollback: nothing left to roll back either */
    p->tx_lost = false;
    p->in_tx = false;
}

static bool
pg_in_transaction(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    PGTransactionStatusType ts = PQtransactionStatus(p->conn);
    return p->begin_pending || p->tx_lost || ts == PQTRANS_ACTIVE || ts == PQTRANS_INTRANS ||
           ts == PQTRANS_INERROR;
}

/* The line of SCRIPT that holds character POS (1-based, as the server
 * counts: characters, not bytes). */
static int
script_line(const char *script, long pos)
{
    int line = 1;
    for (const unsigned char *s = (const unsigned char *)script; *s && pos > 1; s++) {
        if ((*s & 0xc0) == 0x80)
            continue; /* a UTF-8 continuation byte is no character of its own */
        if (*s == '\n')
            line++;
        pos--;
    }
    return line;
}

static enum db_status
pg_exec_script(struct db *db, const char *sql, char *err, size_t errlen)
{
    struct pg_db *p = (struct pg_db *)db;
    if (!ready(p)) {
        snprintf(err, errlen, "postgresql: the connection is lost");
        return DB_HARD_ERROR;
    }
    if (begin_now(p) < 0 || loads_send(p) < 0) {
        snprintf(err, errlen, "postgresql: loading rows failed");
        return DB_HARD_ERROR;
    }
    PGresult *res = PQexec(p->conn, sql);
    enum db_status st = status_of(p, res, "script", "");
    if (st < 0) {
        const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
        const char *pos = res ? PQresultErrorField(res, PG_DIAG_STATEMENT_POSITION) : NULL;
        char msg[300];
        one_line(msg, sizeof msg,
                 res && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                     ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
                     : PQerrorMessage(p->conn));
        if (pos)
            snprintf(err, errlen, "postgresql: %s (SQLSTATE %s, line %d)", msg, state ? state : "-",
                     script_line(sql, atol(pos)));
        else
            snprintf(err, errlen, "postgresql: %s (SQLSTATE %s)", msg, state ? state : "-");
    }
    PQclear(res);
    return st;
}

/*
 * Backup and restore run Debian's pg_dump and pg_restore, not a dump of our
 * own: a backup is pg_dump's custom format of the whole database, both
 * schemas (public and audit_log), read in one snapshot. So it is consistent
 * while lotse runs, and it holds the audit entries of every write it holds.
 * It carries no owners and no grants, so that it restores into a database
 * of another cluster, owned by another role.
 *
 * The tools connect where this connection is connected, with every option
 * libpq has a variable for (PGHOST, PGPORT, PGUSER, PGDATABASE, PGPASSWORD,
 * PGSSLMODE, …) in their environment, as this connection resolved them;
 * not as the URL on their command line, which every local user can read
 * (ps, /proc/PID/cmdline), while a process's environment is readable only
 * by its owner and root. They run by fork and execve, without a shell, so
 * nothing in the URL or the file's name is interpreted; the file is their
 * standard output or input, opened here. These are called by the backup
 * and restore commands, which have no other threads.
 */

/* Where program NAME is, into OUT: the first NAME in an absolute folder of
 * PATH (a relative one would depend on the folder lotse is started in),
 * else the newest /usr/lib/postgresql/VERSION/bin/NAME (Debian's layout,
 * for a PATH without the postgresql-common wrappers). */
static bool
find_tool(const char *name, char *out, size_t outlen)
{
    const char *path = getenv("PATH");
    for (const char *s = path ? path : ""; *s;) {
        size_t n = strcspn(s, ":");
        struct stat st;
        int w = snprintf(out, outlen, "%.*s/%s", (int)n, s, name);
        if (s[0] == '/' && w > 0 && (size_t)w < outlen && stat(out, &st) == 0 &&
            S_ISREG(st.st_mode) && access(out, X_OK) == 0)
            return true;
        s += n + (s[n] == ':');
    }
    char pattern[80];
    snprintf(pattern, sizeof pattern, "/usr/lib/postgresql/*/bin/%s", name);
    glob_t g;
    const char *best = NULL;
    if (glob(pattern, 0, NULL, &g) == 0)
        for (size_t i = 0; i < g.gl_pathc; i++)
            /* strverscmp: 9.6 < 15 < 16 */
            if (access(g.gl_pathv[i], X_OK) == 0 && (!best || strverscmp(g.gl_pathv[i], best) > 0))
                best = g.gl_pathv[i];
    bool found = best && strlen(best) < outlen;
    if (found)
        snprintf(out, outlen, "%s", best);
    globfree(&g);
    return found;
}

/* Whether ENTRY ("NAME=value") sets the variable of one of OPTS. */
static bool
is_option_var(const PQconninfoOption *opts, const char *entry)
{
    for (const PQconninfoOption *o = opts; o->keyword; o++) {
        size_t n = o->envvar ? strlen(o->envvar) : 0;
        if (n && strncmp(entry, o->envvar, n) == 0 && entry[n] == '=')
            return true;
    }
    return false;
}

/* Wipe and free ENV, a NULL-terminated array from tool_env(). */
static void
free_env(char **env)
{
    for (char **e = env; *e; e++) {
        explicit_bzero(*e, strlen(*e)); /* one of them holds the password */
        free(*e);
    }
    free(env);
}

/* The environment of a tool that is to connect where P is connected: ours
 * without the variables of libpq's options, then those options as P's
 * connection has them (what the URL, the environment and libpq's defaults
 * made of them). PGSERVICE is left out: a service file's values would beat
 * the variables set here. The few options without a variable do not reach
 * the tool: keepalives and TCP timeouts, and sslpassword (the passphrase of
 * an encrypted client key; the tool then fails on the key, and says so).
 * Free it with free_env(). */
static char **
tool_env(struct pg_db *p)
{
    PQconninfoOption *opts = PQconninfo(p->conn);
    if (!opts)
        abort(); /* libpq could not allocate */
    size_t n = 1;
    for (char **e = environ; *e; e++)
        n++;
    for (const PQconninfoOption *o = opts; o->keyword; o++)
        n++;
    char **env = calloc(n, sizeof *env);
    if (!env)
        abort();
    size_t k = 0;
    for (char **e = environ; *e; e++)
        if (!is_option_var(opts, *e) && !(env[k++] = strdup(*e)))
            abort();
    for (PQconninfoOption *o = opts; o->keyword; o++) {
        if (!o->envvar || !o->val || !o->val[0] || strcmp(o->keyword, "service") == 0)
            continue;
        size_t len = strlen(o->envvar) + strlen(o->val) + 2;
        if (!(env[k] = malloc(len)))
            abort();
        snprintf(env[k++], len, "%s=%s", o->envvar, o->val);
    }
    for (PQconninfoOption *o = opts; o->keyword; o++)
        if (o->val && strcmp(o->keyword, "password") == 0)
            explicit_bzero(o->val, strlen(o->val));
    PQconninfoFree(opts);
    return env;
}

/* In the child: FD as descriptor TARGET, kept open across execve. */
static bool
child_fd(int fd, int target)
{
    if (fd == target)
        return fcntl(fd, F_SETFD, 0) == 0;
    return dup2(fd, target) == target;
}

/*
 * Run PROG with ARGV and ENV, standard input from IN_FD and output to
 * OUT_FD (-1: /dev/null), and wait for it. True when it exits 0. Otherwise
 * MSG says why: what it wrote to standard error, on one line, with
 * PASSWORD (if any) replaced by ***, or how it ended.
 */
static bool
run_tool(const char *prog, char *const argv[], char *const env[], int in_fd, int out_fd,
         const char *password, char *msg, size_t msglen)
{
    int pipe_fd[2];
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0 || pipe2(pipe_fd, O_CLOEXEC) != 0) {
        snprintf(msg, msglen, "cannot run %s: %s", prog, strerror(errno));
        if (null_fd >= 0)
            close(null_fd);
        return false;
    }
    fflush(NULL); /* nothing buffered is written twice */
    pid_t pid = fork();
    if (pid == 0) {
        if (child_fd(in_fd >= 0 ? in_fd : null_fd, 0) &&
            child_fd(out_fd >= 0 ? out_fd : null_fd, 1) && child_fd(pipe_fd[1], 2))
            execve(prog, argv, env);
        dprintf(pipe_fd[1], "cannot run %s: %s", prog, strerror(errno));
        _exit(127);
    }
    int fork_errno = errno;
    close(pipe_fd[1]);
    close(null_fd);
    if (pid < 0) {
        close(pipe_fd[0]);
        snprintf(msg, msglen, "cannot run %s: fork: %s", prog, strerror(fork_errno));
        return false;
    }
    /* all of standard error is read (the tool would block on a full pipe);
       what does not fit is dropped */
    char text[1024];
    size_t used = 0;
    for (;;) {
        char chunk[512];
        ssize_t r = read(pipe_fd[0], chunk, sizeof chunk);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        size_t take = (size_t)r < sizeof text - 1 - used ? (size_t)r : sizeof text - 1 - used;
        memcpy(text + used, chunk, take);
        used += take;
    }
    close(pipe_fd[0]);
    text[used] = '\0';
    int status = 0;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            snprintf(msg, msglen, "%s: waitpid: %s", prog, strerror(errno));
            return false;
        }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return true;
    /* one line: "pg_dump: error: …; pg_dump: detail: …" */
    while (used && (text[used - 1] == '\n' || text[used - 1] == ' '))
        text[--used] = '\0';
    char line[1024];
    size_t o = 0;
    for (const char *s = text; *s && o + 3 < sizeof line; s++) {
        if (*s == '\n') {
            line[o++] = ';';
            line[o++] = ' ';
        } else if (*s != '\r') {
            line[o++] = *s;
        }
    }
    line[o] = '\0';
    scrub(line, sizeof line, password, password ? strlen(password) : 0);
    if (WIFSIGNALED(status))
        snprintf(msg, msglen, "%s was killed by signal %d (%s)%s%s", prog, WTERMSIG(status),
                 strsignal(WTERMSIG(status)), line[0] ? ": " : "", line);
    else if (line[0])
        snprintf(msg, msglen, "%s", line);
    else
        snprintf(msg, msglen, "%s exited with status %d", prog, WEXITSTATUS(status));
    return false;
}

/* Run tool NAME (pg_dump, pg_restore) with ARGS (NULL-terminated, without
 * the program's name) against P's database; the rest as for run_tool().
 * Mentions a tool older than the server, which both refuse to work with. */
static enum db_status
run_pg_tool(struct pg_db *p, const char *name, const char *const args[], int in_fd, int out_fd,
            char *err, size_t errlen)
{
    char prog[256];
    if (!find_tool(name, prog, sizeof prog)) {
        snprintf(err, errlen,
                 "%s is neither on PATH nor in /usr/lib/postgresql/*/bin: install the"
                 " PostgreSQL client programs (Debian: postgresql-client)",
                 name);
        return DB_HARD_ERROR;
    }
    char *argv[16];
    size_t n = 0;
    argv[n++] = (char *)name;
    for (size_t i = 0; args[i] && n < sizeof argv / sizeof *argv - 1; i++)
        argv[n++] = (char *)args[i];
    argv[n] = NULL;
    char **env = tool_env(p);
    char msg[1536];
    bool ok = run_tool(prog, argv, env, in_fd, out_fd, PQpass(p->conn), msg, sizeof msg);
    free_env(env);
    if (ok)
        return DB_NO_ROWS;
    int server = PQserverVersion(p->conn) / 10000;
    if (strstr(msg, "server version mismatch"))
        snprintf(err, errlen,
                 "%s is older than the server (PostgreSQL %d): install the client programs of"
                 " version %d or newer (Debian: postgresql-client-%d) and put them first on PATH"
                 " [%s]",
                 prog, server, server, server, msg);
    else
        snprintf(err, errlen, "%s: %s", prog, msg);
    return DB_HARD_ERROR;
}

/* pg_dump into PATH, which is created here and must not exist yet. It is
 * pg_dump's standard output rather than its --file: so it is created
 * exclusively (no race can make it overwrite a file) and readable by its
 * owner only (it holds every client's personal data). A regular file is
 * seekable, so pg_dump still writes the data offsets into the table of
 * contents. On failure the file is removed. */
static enum db_status
pg_backup(struct db *db, const char *path, char *err, size_t errlen)
{
    struct pg_db *p = (struct pg_db *)db;
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) {
        snprintf(err, errlen, "cannot create %s: %s", path, strerror(errno));
        return DB_HARD_ERROR;
    }
    static const char *const args[] = { "--format=custom", "--no-owner", "--no-privileges",
                                        "--no-password", NULL };
    enum db_status st = run_pg_tool(p, "pg_dump", args, -1, fd, err, errlen);
    /* pg_dump syncs a --file, not its standard output: that is ours to do */
    if (st >= 0 && fsync(fd) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        st = DB_HARD_ERROR;
    }
    if (close(fd) != 0 && st >= 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        st = DB_HARD_ERROR;
    }
    if (st < 0)
        unlink(path);
    return st;
}

/* Whether anything lives in the database: a schema of its own, or a
 * relation or function in public. */
#define DB_OBJECTS_SQL                                                                             \
    "SELECT (SELECT count(*) FROM pg_catalog.pg_namespace"                                         \
    "         WHERE nspname NOT IN ('public', 'information_schema')"                               \
    "           AND nspname NOT LIKE 'pg\\_%')"                                                    \
    "     + (SELECT count(*) FROM pg_catalog.pg_class c"                                           \
    "          JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"                           \
    "         WHERE n.nspname = 'public')"                                                         \
    "     + (SELECT count(*) FROM pg_catalog.pg_proc f"                                            \
    "          JOIN pg_catalog.pg_namespace n ON n.oid = f.pronamespace"                           \
    "         WHERE n.nspname = 'public')"

/* pg_restore of the backup PATH into P's database, which must be empty, in
 * one transaction: a restore that fails leaves the database as it was. */
static enum db_status
pg_restore(struct db *db, const char *path, char *err, size_t errlen)
{
    struct pg_db *p = (struct pg_db *)db;
    if (!ready(p)) {
        snprintf(err, errlen, "postgresql: the connection is lost");
        return DB_HARD_ERROR;
    }
    PGresult *res = PQexec(p->conn, DB_OBJECTS_SQL);
    enum db_status st = status_of(p, res, "restore", DB_OBJECTS_SQL);
    long objects = st >= 0 && PQntuples(res) == 1 ? atol(PQgetvalue(res, 0, 0)) : -1;
    if (st < 0) {
        char msg[300];
        error_text(msg, sizeof msg, p, res);
        snprintf(err, errlen, "postgresql: %s", msg);
    }
    PQclear(res);
    if (st < 0)
        return st;
    if (objects != 0) {
        snprintf(err, errlen,
                 "database %s is not empty: it holds %ld schemas, tables, indexes, sequences or"
                 " functions; restore only into a new, empty database",
                 PQdb(p->conn), objects);
        return DB_CONSTRAINT;
    }
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return DB_HARD_ERROR;
    }
    /* -d takes a connection string: the database's name, quoted, so that a
       name with a '=' in it stays a name; the rest comes from the environment */
    char dbname[300] = "--dbname=dbname='";
    size_t o = strlen(dbname);
    const char *s = PQdb(p->conn);
    for (; *s && o + 3 < sizeof dbname; s++) {
        if (*s == '\'' || *s == '\\')
            dbname[o++] = '\\';
        dbname[o++] = *s;
    }
    dbname[o++] = '\'';
    dbname[o] = '\0';
    if (*s) {
        snprintf(err, errlen, "the database's name is too long");
        close(fd);
        return DB_HARD_ERROR;
    }
    const char *const args[] = { dbname,       "--single-transaction", "--exit-on-error",
                                 "--no-owner", "--no-privileges",      "--no-password",
                                 NULL };
    st = run_pg_tool(p, "pg_restore", args, fd, -1, err, errlen);
    close(fd);
    return st;
}

static void
pg_bulk_mode(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    p->bulk = true;
    if (ready(p))
        simple(p, BULK_SETTINGS, "bulk mode");
}

static enum db_status
pg_plan_each_call(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    return ready(p) && begin_now(p) >= 0
               ? simple(p, "SET LOCAL plan_cache_mode = force_custom_plan", "plan each call")
               : DB_HARD_ERROR;
}

/* PostgreSQL cannot refuse DDL to one session of a role that may do it, so
 * there is nothing to switch here: the deployment's role for serving must
 * lack DDL rights (no CREATE on the schemas, not the tables' owner), and
 * migrations run as the owner (docs/operations.md, to be written). */
static void
pg_protect(struct db *db)
{
    (void)db;
}

static bool
pg_unreachable(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    return p->broken || p->tx_lost;
}

/* The job lock: a session-level advisory lock. Taking it again in the same
 * session would stack it (and need as many unlocks), so a session that holds
 * it only checks that it still lives: a query that finds the connection lost,
 * or a reset since the lock was taken, means the server has dropped the lock
 * with the old session; then a new session tries to take it afresh. */
static enum db_status
pg_job_lock_try(struct db *db, bool *held)
{
    struct pg_db *p = (struct pg_db *)db;
    if (!ready(p))
        return DB_HARD_ERROR;
    if (p->job_lock_held && p->job_lock_session == p->sessions) {
        if (simple(p, "SELECT 1", "job lock") >= 0) {
            *held = true;
            return DB_NO_ROWS;
        }
        if (!p->broken)
            return DB_HARD_ERROR; /* not lost, yet failing: keep it and see next time */
    }
    if (p->job_lock_held)
        log_warn("store(pg): the job lock went with a lost connection");
    p->job_lock_held = false;
    if (!ready(p)) /* reconnects after a loss found just now */
        return DB_HARD_ERROR;
    static const char sql[] = "SELECT pg_try_advisory_lock(" JOB_LOCK_KEY ")";
    PGresult *res = PQexec(p->conn, sql);
    enum db_status st = status_of(p, res, "job lock", sql);
    if (st >= 0 && PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
        p->job_lock_held = true;
        p->job_lock_session = p->sessions;
        *held = true;
    }
    PQclear(res);
    return st < 0 ? st : DB_NO_ROWS;
}

static void
pg_job_lock_release(struct db *db)
{
    struct pg_db *p = (struct pg_db *)db;
    if (!p->job_lock_held)
        return;
    p->job_lock_held = false;
    /* a lost or reset session has no lock left to release */
    if (!p->broken && p->job_lock_session == p->sessions && PQstatus(p->conn) == CONNECTION_OK)
        simple(p, "SELECT pg_advisory_unlock(" JOB_LOCK_KEY ")", "job lock");
}

const struct db_ops pg_ops = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .changes = pg_changes,
    .query = pg_query,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .in_transaction = pg_in_transaction,
    .exec_script = pg_exec_script,
    .backup = pg_backup,
    .restore = pg_restore,
    .bulk_mode = pg_bulk_mode,
    .load = pg_load,
    .load_flush = pg_load_flush,
    .defer_foreign_keys = pg_defer_foreign_keys,
    .plan_each_call = pg_plan_each_call,
    .protect = pg_protect,
    .checkpoint = NULL,
    .unreachable = pg_unreachable,
    .job_lock_try = pg_job_lock_try,
    .job_lock_release = pg_job_lock_release,
    .migration_suffix = ".pg.sql",
};
