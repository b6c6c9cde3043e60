/* core/worklist.c — what is due; see worklist.h.
 *
 * The worklist is read from a read model: one row per open case with a case
 * manager (table worklist_cases) holding the client's name and every item
 * the case has due, at any date, packed one per line:
 *
 *     kind TAB due TAB object id TAB number TAB detail LF
 *
 * where due is a date or empty for "whenever it is read" (closure,
 * unreached), number is an appointment's start (µs) or the failed contacts,
 * and detail a step's title with backslash, TAB and LF escaped. What depends
 * on the moment of reading stays out of the row: the window, "overdue",
 * whether an appointment has begun (then its attendance is due) and the
 * Jobcenter's threshold for "not reached". So a row changes only when its
 * case changes, and every write job recomputes the rows of the cases it left
 * an audit entry for (worklist_sync). */
#include "core/worklist.h"

#include <inttypes.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audit.h"
#include "core/deadlines.h"
#include "store/queries.h"
#include "util/buf.h"

/* Cases named in the audit entry of one worklist (a case manager holds ~75). */
enum { WORKLIST_AUDIT_CASES = 400 };

/* Days after the start until a plan is expected (POLICY: "without undue delay"). */
enum { PLAN_EXPECTED_DAYS = 28 };

/* Deputising for more than this many colleagues at once is not a case. */
enum { DEPUTISED_MAX = 16 };

/* The kinds, in the order they are listed on one day. */
static const char *const kinds[] = { "attendance", "appointment", "closure",      "limit",
                                     "review",     "unreached",   "plan_missing", "plan_review",
                                     "step",       "activation" };
enum { N_KINDS = sizeof kinds / sizeof *kinds };

static int
kind_index(const char *k, size_t n)
{
    for (int i = 0; i < N_KINDS; i++)
        if (strlen(kinds[i]) == n && memcmp(kinds[i], k, n) == 0)
            return i;
    return -1;
}

/* ---- the rows: what a case has due ---- */

static void
put_item(struct buf *b, const char *kind, const char *due, const char *object_id, int64_t n,
         const char *detail, char first_due[11])
{
    const char *d = due ? due : "0000-00-00";
    if (strcmp(d, first_due) < 0)
        snprintf(first_due, 11, "%s", d); /* dates are 10 characters; never more than that */
    buf_printf(b, "%s\t%s\t%s\t%" PRId64 "\t", kind, due ? due : "", object_id ? object_id : "", n);
    for (const char *p = detail; p && *p; p++) {
        if (*p == '\\')
            buf_puts(b, "\\\\");
        else if (*p == '\t')
            buf_puts(b, "\\t");
        else if (*p == '\n')
            buf_puts(b, "\\n");
        else
            buf_putc(b, *p);
    }
    buf_putc(b, '\n');
}

struct compute {
    struct buf items;
    char first_due[11];
    struct wl_appointment_row a;
    struct wl_step_row s;
};

static void
add_appointment(struct compute *c, const struct wl_appointment_row *a)
{
    struct date day;
    int h, m;
    instant_berlin_parts(a->start_at / 1000000, &day, &h, &m);
    char d[11];
    date_format(day, d);
    put_item(&c->items, "appointment", d, a->id, a->start_at, NULL, c->first_due);
}

static void
add_step(struct compute *c, const struct wl_step_row *s)
{
    if (s->due)
        put_item(&c->items, "step", s->due, s->id, 0, s->title, c->first_due);
}

static bool
appointment_item(void *user)
{
    struct compute *c = user;
    add_appointment(c, &c->a);
    return true;
}

static bool
step_item(void *user)
{
    struct compute *c = user;
    add_step(c, &c->s);
    return true;
}

/* The items of case K that come from the case itself. False when the case
 * has no row (closed, no case manager); true for an active case, whose
 * appointments and steps come next (add_appointment, add_step). */
static bool
begin_row(struct compute *c, const struct wl_case_row *k, bool *active)
{
    buf_reset(&c->items);
    memcpy(c->first_due, "9999-12-31", 11);
    *active = false;
    if (!k->case_manager_id || strcmp(k->status, "closed") == 0)
        return false;
    if (strcmp(k->status, "referred") == 0) {
        put_item(&c->items, "activation", k->referral_date, NULL, 0, NULL, c->first_due);
        return true;
    }
    if (k->closure_due)
        put_item(&c->items, "closure", NULL, NULL, 0, NULL, c->first_due);
    else if (k->next_review_due)
        put_item(&c->items, "review", k->next_review_due, NULL, 0, NULL, c->first_due);
    if (k->plan_review_due)
        put_item(&c->items, "plan_review", k->plan_review_due, NULL, 0, NULL, c->first_due);
    struct date started;
    if (!k->plan_review_due && k->started_on && date_parse(k->started_on, &started)) {
        char d[11];
        date_format(date_add_days(started, PLAN_EXPECTED_DAYS), d);
        put_item(&c->items, "plan_missing", d, NULL, 0, NULL, c->first_due);
    }
    if (k->limit_date && !k->limit_justified_on && !k->closure_due)
        put_item(&c->items, "limit", k->limit_date, NULL, 0, NULL, c->first_due);
    if (k->failed_contacts > 0)
        put_item(&c->items, "unreached", NULL, NULL, k->failed_contacts, NULL, c->first_due);
    *active = true;
    return true;
}

static struct wl_row
end_row(struct compute *c, const struct wl_case_row *k)
{
    return (struct wl_row){ k->jobcenter_id,    k->case_manager_id, k->case_id,
                            k->client_id,       k->first_name,      k->last_name,
                            k->customer_number, c->first_due,       (char *)buf_cstr(&c->items) };
}

/* The row of case CASE_ID as it should be: *HAS false when the case has none
 * (closed, no case manager, gone). */
static enum db_status
compute_row(struct db *db, const char *jobcenter_id, const char *case_id, struct compute *c,
            struct wl_row *row, bool *has)
{
    struct wl_case_row k = { 0 };
    bool active;
    *has = false;
    enum db_status st = db_worklist_case(db, jobcenter_id, case_id, &k);
    if (st != DB_ONE_ROW || !begin_row(c, &k, &active))
        return st < 0 ? st : DB_NO_ROWS;
    if (active &&
        ((st = db_worklist_case_appointments(db, jobcenter_id, case_id, &c->a, appointment_item,
                                             c)) < 0 ||
         (st = db_worklist_case_steps(db, jobcenter_id, case_id, &c->s, step_item, c)) < 0))
        return st;
    *row = end_row(c, &k);
    *has = true;
    return DB_NO_ROWS;
}

/* ---- all open cases of one case manager at once (fill and check) ---- */

/* A growing array of rows as they come from a query. */
#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            size_t cap_ = (cap) ? 2 * (cap) : 64;                                                  \
            void *grown_ = realloc((arr), cap_ * sizeof *(arr));                                   \
            if (!grown_)                                                                           \
                abort(); /* out of memory: stopping here would look like the end of the rows */    \
            (arr) = grown_;                                                                        \
            (cap) = cap_;                                                                          \
        }                                                                                          \
    } while (0)

struct manager {
    struct wl_case_row k;
    struct wl_appointment_row a;
    struct wl_step_row s;
    struct wl_case_row *cases;
    struct wl_appointment_row *appts;
    struct wl_step_row *steps;
    size_t n_cases, cap_cases, n_appts, cap_appts, n_steps, cap_steps;
};

static bool
manager_case(void *user)
{
    struct manager *m = user;
    GROW(m->cases, m->n_cases, m->cap_cases);
    m->cases[m->n_cases++] = m->k;
    return true;
}

static bool
manager_appointment(void *user)
{
    struct manager *m = user;
    GROW(m->appts, m->n_appts, m->cap_appts);
    m->appts[m->n_appts++] = m->a;
    return true;
}

static bool
manager_step(void *user)
{
    struct manager *m = user;
    GROW(m->steps, m->n_steps, m->cap_steps);
    m->steps[m->n_steps++] = m->s;
    return true;
}

/* Orders by case id in C's byte order, and, within a case, as the store
 * gave them (the position breaks ties; the store's text order need not be
 * C's). */
struct by_case {
    const char *case_id;
    size_t pos;
};

static int
by_case_cmp(const void *pa, const void *pb)
{
    const struct by_case *a = pa, *b = pb;
    int c = strcmp(a->case_id, b->case_id);
    return c ? c : (a->pos > b->pos) - (a->pos < b->pos);
}

static int
case_row_cmp(const void *pa, const void *pb)
{
    return strcmp(((const struct wl_case_row *)pa)->case_id,
                  ((const struct wl_case_row *)pb)->case_id);
}

/* Sort the N elements of ARR (SIZE bytes each, case id at CASE_ID_AT) by case id, stably. */
static void
sort_by_case(void *arr, size_t n, size_t size, size_t case_id_at, struct by_case **keys,
             size_t *cap_keys)
{
    if (n < 2)
        return;
    if (n > *cap_keys) {
        free(*keys);
        *cap_keys = n;
        if (!(*keys = malloc(n * sizeof **keys)))
            abort();
    }
    char *base = arr;
    for (size_t i = 0; i < n; i++)
        (*keys)[i] = (struct by_case){ *(char **)(base + i * size + case_id_at), i };
    qsort(*keys, n, sizeof **keys, by_case_cmp);
    char *copy = malloc(n * size);
    if (!copy)
        abort();
    memcpy(copy, base, n * size);
    for (size_t i = 0; i < n; i++)
        memcpy(base + i * size, copy + (*keys)[i].pos * size, size);
    free(copy);
}

/* Read the open cases of one case manager, with their appointments and
 * steps, into M (strings in the connection's arena), each sorted by case. */
static enum db_status
manager_read(struct db *db, const char *jobcenter_id, const char *case_manager_id,
             struct manager *m, struct by_case **keys, size_t *cap_keys)
{
    m->n_cases = m->n_appts = m->n_steps = 0;
    enum db_status st;
    if ((st = db_worklist_manager_cases(db, jobcenter_id, case_manager_id, &m->k, manager_case,
                                        m)) < 0 ||
        (st = db_worklist_manager_appointments(db, jobcenter_id, case_manager_id, &m->a,
                                               manager_appointment, m)) < 0 ||
        (st = db_worklist_manager_steps(db, jobcenter_id, case_manager_id, &m->s, manager_step,
                                        m)) < 0)
        return st;
    qsort(m->cases, m->n_cases, sizeof *m->cases, case_row_cmp);
    sort_by_case(m->appts, m->n_appts, sizeof *m->appts,
                 offsetof(struct wl_appointment_row, case_id), keys, cap_keys);
    sort_by_case(m->steps, m->n_steps, sizeof *m->steps, offsetof(struct wl_step_row, case_id),
                 keys, cap_keys);
    return DB_NO_ROWS;
}

static void
manager_free(struct manager *m)
{
    free(m->cases);
    free(m->appts);
    free(m->steps);
}

static enum db_status
refresh(struct db *db, const char *jobcenter_id, const char *case_id, struct compute *c)
{
    struct wl_row row;
    bool has;
    enum db_status st = compute_row(db, jobcenter_id, case_id, c, &row, &has);
    if (st < 0)
        return st;
    return has ? db_worklist_put(db, &row) : db_worklist_delete(db, jobcenter_id, case_id);
}

struct ids {
    char *jc, *id; /* the row being read */
    char **jcs, **ids;
    size_t n, cap;
};

static bool
id_row(void *user)
{
    struct ids *x = user;
    if (x->n == x->cap) {
        size_t cap = x->cap ? x->cap * 2 : 64;
        char **jcs = realloc(x->jcs, cap * sizeof *jcs);
        char **ids = jcs ? realloc(x->ids, cap * sizeof *ids) : NULL;
        if (jcs)
            x->jcs = jcs;
        if (!ids)
            abort(); /* out of memory: stopping here would look like the end of the rows */
        x->ids = ids;
        x->cap = cap;
    }
    x->jcs[x->n] = x->jc;
    x->ids[x->n++] = x->id;
    return true;
}

enum core_result
worklist_sync(struct core_ctx *ctx)
{
    struct compute c = { .items = BUF_INIT };
    enum db_status st = DB_NO_ROWS;
    for (struct core_touched *t = ctx->touched; t && st >= 0; t = t->next) {
        if (t->case_id) {
            st = refresh(ctx->db, t->jobcenter_id, t->case_id, &c);
            continue;
        }
        struct ids x = { 0 };
        st = db_worklist_client_cases(ctx->db, t->jobcenter_id, t->client_id, &x.id, id_row, &x);
        for (size_t i = 0; st >= 0 && i < x.n; i++)
            st = refresh(ctx->db, t->jobcenter_id, x.ids[i], &c);
        free(x.jcs);
        free(x.ids);
    }
    ctx->touched = NULL;
    buf_free(&c.items);
    return st < 0 ? CORE_ERROR : CORE_OK;
}

static bool
same_row(const struct wl_row *a, const struct wl_row *b)
{
    return strcmp(a->case_manager_id, b->case_manager_id) == 0 &&
           strcmp(a->client_id, b->client_id) == 0 && strcmp(a->first_name, b->first_name) == 0 &&
           strcmp(a->last_name, b->last_name) == 0 &&
           strcmp(a->customer_number, b->customer_number) == 0 &&
           strcmp(a->first_due, b->first_due) == 0 && strcmp(a->items, b->items) == 0;
}

/* Repairing while a server runs: rows are compared without the write lock;
 * only the cases found wrong are rewritten, this many per transaction, each
 * followed by a pause as long as the transaction took, so that the server's
 * writer (which waits for the lock with growing sleeps) keeps its turn. */
enum { REPAIR_CHUNK = 100 };

static int64_t
monotonic_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

/* Rewrite the rows of the N cases in JCS/IDS, REPAIR_CHUNK per transaction. */
static enum db_status
repair(struct db *db, char **jcs, char **ids, size_t n, struct compute *c, struct arena *arena)
{
    enum db_status st = DB_NO_ROWS;
    for (size_t i = 0; st >= 0 && i < n; i += REPAIR_CHUNK) {
        arena_free(arena);
        db_set_arena(db, arena);
        int64_t t0 = monotonic_us();
        if ((st = db_begin(db, true)) < 0)
            break;
        for (size_t k = i; st >= 0 && k < n && k < i + REPAIR_CHUNK; k++)
            st = refresh(db, jcs[k], ids[k], c); /* computed again under the write lock */
        if (st >= 0)
            st = db_commit(db);
        if (st < 0) {
            db_rollback(db);
            break;
        }
        int64_t took = monotonic_us() - t0;
        struct timespec pause = { took / 1000000, (long)(took % 1000000) * 1000 };
        nanosleep(&pause, NULL);
    }
    return st;
}

/* The row M's case K should have, from the appointments and steps at *AI and
 * *SI on (advanced past K's): false when K has none. */
static bool
merge_row(struct compute *c, const struct manager *m, const struct wl_case_row *k, size_t *ai,
          size_t *si, struct wl_row *want)
{
    bool active;
    bool has = begin_row(c, k, &active);
    /* rows of a case not listed (its manager changed between the queries) are passed over */
    while (*ai < m->n_appts && strcmp(m->appts[*ai].case_id, k->case_id) < 0)
        (*ai)++;
    for (; *ai < m->n_appts && strcmp(m->appts[*ai].case_id, k->case_id) == 0; (*ai)++)
        if (has && active)
            add_appointment(c, &m->appts[*ai]);
    while (*si < m->n_steps && strcmp(m->steps[*si].case_id, k->case_id) < 0)
        (*si)++;
    for (; *si < m->n_steps && strcmp(m->steps[*si].case_id, k->case_id) == 0; (*si)++)
        if (has && active)
            add_step(c, &m->steps[*si]);
    if (has)
        *want = end_row(c, k);
    return has;
}

enum core_result
worklist_reconcile(struct db *db, enum worklist_mode mode, int64_t *rows, int64_t *wrong)
{
    struct arena ids_arena = ARENA_INIT, arena = ARENA_INIT;
    struct arena *before = db_arena(db);
    struct ids managers = { 0 }, bad = { 0 };
    struct manager m = { 0 };
    struct by_case *keys = NULL;
    size_t cap_keys = 0;
    struct compute c = { .items = BUF_INIT };
    *rows = *wrong = 0;
    db_set_arena(db, &ids_arena);
    /* jc: the Jobcenter, id: the case manager */
    enum db_status st = db_worklist_managers(db, &managers.jc, &managers.id, id_row, &managers);
    if (st >= 0 && mode == WORKLIST_FILL)
        st = db_worklist_clear(db);
    for (size_t i = 0; st >= 0 && i < managers.n; i++) {
        arena_free(&arena); /* the strings of the case manager before */
        db_set_arena(db, &arena);
        st = manager_read(db, managers.jcs[i], managers.ids[i], &m, &keys, &cap_keys);
        size_t ai = 0, si = 0;
        for (size_t k = 0; st >= 0 && k < m.n_cases; k++) {
            struct wl_row want, have;
            if (!merge_row(&c, &m, &m.cases[k], &ai, &si, &want))
                continue; /* closed since it was listed: a left-over row is found below */
            (*rows)++;
            if (mode == WORKLIST_FILL) {
                st = db_worklist_load(db, &want); /* after db_worklist_clear */
                continue;
            }
            st = db_worklist_row(db, want.jobcenter_id, want.case_id, &have);
            if (st < 0 || (st == DB_ONE_ROW && same_row(&want, &have)))
                continue;
            bad.jc = arena_strdup(&ids_arena, want.jobcenter_id);
            bad.id = arena_strdup(&ids_arena, want.case_id);
            id_row(&bad);
        }
    }
    if (st >= 0 && mode == WORKLIST_FILL)
        st = db_load_flush(db);
    /* rows of cases that have none: closed, without a case manager, gone */
    db_set_arena(db, &ids_arena);
    if (st >= 0 && mode != WORKLIST_FILL)
        st = db_worklist_stale(db, &bad.jc, &bad.id, id_row, &bad);
    *wrong = (int64_t)bad.n;
    if (st >= 0 && mode == WORKLIST_REPAIR)
        st = repair(db, bad.jcs, bad.ids, bad.n, &c, &arena);
    db_set_arena(db, before);
    arena_free(&arena);
    arena_free(&ids_arena);
    manager_free(&m);
    free(keys);
    free(managers.jcs);
    free(managers.ids);
    free(bad.jcs);
    free(bad.ids);
    buf_free(&c.items);
    return st < 0 ? CORE_ERROR : CORE_OK;
}

/* ---- reading: the worklist of a case manager ---- */

struct item {
    int kind;        /* index into kinds */
    struct date due; /* for closure and unreached: today */
    const char *object_id, *detail;
    int64_t start_at;                /* appointments */
    size_t row;                      /* index into the rows read */
    const char *last_name, *case_id; /* of the row, for the order */
};

struct wl {
    struct core_ctx *ctx;
    struct rules rules;
    struct date today, until;
    char today_s[11], until_s[11];
    struct wl_row r; /* the row being read */
    struct wl_row *rows;
    bool *deputy; /* per row: a colleague's case */
    size_t n_rows, cap_rows;
    struct item *items;
    size_t n_items, cap_items;
    bool reading_deputy;
    bool failed;
    char *user_id;
    char **users;
    size_t n_users;
};

/* Up to the next TAB or LF of *P (advanced past it): the field and its length. */
static const char *
field(const char **p, const char *end, size_t *len)
{
    const char *s = *p, *e = s;
    while (e < end && *e != '\t' && *e != '\n')
        e++;
    *len = (size_t)(e - s);
    *p = e < end ? e + 1 : e;
    return s;
}

static const char *
unescape(struct arena *a, const char *s, size_t n)
{
    if (!n)
        return NULL;
    char *o = arena_alloc(a, n + 1), *q = o;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\\' && i + 1 < n) {
            i++;
            *q++ = s[i] == 't' ? '\t' : s[i] == 'n' ? '\n' : s[i];
        } else {
            *q++ = s[i];
        }
    }
    *q = '\0';
    return o;
}

static void
add_item(struct wl *w, const struct item *it)
{
    if (w->n_items == w->cap_items) {
        w->cap_items = w->cap_items ? w->cap_items * 2 : 128;
        struct item *n = arena_alloc(w->ctx->arena, w->cap_items * sizeof *n);
        if (w->n_items)
            memcpy(n, w->items, w->n_items * sizeof *n);
        w->items = n;
    }
    w->items[w->n_items++] = *it;
}

/* The items of the row just read that are due by UNTIL. */
static bool
row_read(void *user)
{
    struct wl *w = user;
    if (w->n_rows == w->cap_rows) {
        w->cap_rows = w->cap_rows ? w->cap_rows * 2 : 128;
        struct wl_row *n = arena_alloc(w->ctx->arena, w->cap_rows * sizeof *n);
        bool *d = arena_alloc(w->ctx->arena, w->cap_rows * sizeof *d);
        if (w->n_rows) {
            memcpy(n, w->rows, w->n_rows * sizeof *n);
            memcpy(d, w->deputy, w->n_rows * sizeof *d);
        }
        w->rows = n;
        w->deputy = d;
    }
    size_t row = w->n_rows;
    w->rows[row] = w->r;
    w->deputy[row] = w->reading_deputy;
    w->n_rows++;
    const char *p = w->r.items, *end = p + strlen(p);
    while (p < end) {
        size_t lk, ld, lo, ln, lt;
        const char *k = field(&p, end, &lk), *d = field(&p, end, &ld), *o = field(&p, end, &lo),
                   *n = field(&p, end, &ln), *t = field(&p, end, &lt);
        struct item it = { .kind = kind_index(k, lk),
                           .row = row,
                           .last_name = w->r.last_name,
                           .case_id = w->r.case_id };
        if (it.kind < 0) {
            w->failed = true; /* a row this code did not write */
            return false;
        }
        if (ld) {
            if (ld != 10 || memcmp(d, w->until_s, 10) > 0)
                continue; /* not due yet */
            char ds[11];
            memcpy(ds, d, 10);
            ds[10] = '\0';
            if (!date_parse(ds, &it.due)) {
                w->failed = true;
                return false;
            }
        } else {
            it.due = w->today;
        }
        int64_t num = strtoll(n, NULL, 10); /* ends at the TAB */
        (void)ln;
        const char *kind = kinds[it.kind];
        if (strcmp(kind, "unreached") == 0 && !deadline_unreached(&w->rules, (int)num))
            continue;
        if (strcmp(kind, "appointment") == 0) {
            it.start_at = num;
            if (num <= w->ctx->now_us)
                it.kind = 0; /* begun: its attendance is due */
        }
        it.object_id = lo ? arena_strndup(w->ctx->arena, o, lo) : NULL;
        it.detail = unescape(w->ctx->arena, t, lt);
        add_item(w, &it);
    }
    return true;
}

static bool
user_row(void *user)
{
    struct wl *w = user;
    if (w->n_users < DEPUTISED_MAX)
        w->users[w->n_users++] = w->user_id;
    return true;
}

/* Order: due date, then the fixed order of kinds, then appointments by start
 * and steps by title, then client name and case. */
static int
item_cmp(const void *pa, const void *pb)
{
    const struct item *a = pa, *b = pb;
    int c = date_cmp(a->due, b->due);
    if (c)
        return c;
    if (a->kind != b->kind)
        return a->kind - b->kind;
    if (a->start_at != b->start_at)
        return a->start_at < b->start_at ? -1 : 1;
    if (a->detail && b->detail && (c = strcmp(a->detail, b->detail)))
        return c;
    if ((c = strcmp(a->last_name, b->last_name)) || (c = strcmp(a->case_id, b->case_id)))
        return c;
    return a->object_id && b->object_id ? strcmp(a->object_id, b->object_id) : 0;
}

enum core_result
worklist_read(struct core_ctx *ctx, int days, struct worklist *out, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    *out = (struct worklist){ 0 };
    if (days < 0 || days > WORKLIST_DAYS_MAX) {
        problem_field(pb, ctx->arena, "days", "must be a whole number from 0 to 90");
        return CORE_INVALID;
    }
    struct wl w = { .ctx = ctx };
    w.today = deadline_today(ctx);
    w.until = date_add_days(w.today, days);
    date_format(w.today, w.today_s);
    date_format(w.until, w.until_s);
    memcpy(out->today, w.today_s, 11);
    memcpy(out->until, w.until_s, 11);
    if (!(a->roles & ROLE_CASE_MANAGER))
        return CORE_OK; /* no caseload, no names: nothing to log */
    if (rules_load(ctx->db, a->jobcenter_id, &w.rules) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char *users[DEPUTISED_MAX + 1];
    users[0] = (char *)a->id;
    w.users = users + 1;
    if (db_deputised_users(ctx->db, a->jobcenter_id, a->id, w.today_s, &w.user_id, user_row, &w) <
        0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    for (size_t i = 0; i < w.n_users + 1; i++) {
        w.reading_deputy = i > 0;
        if (db_worklist_rows(ctx->db, a->jobcenter_id, users[i], w.until_s, &w.r, row_read, &w) <
                0 ||
            w.failed)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    if (w.n_items > 1)
        qsort(w.items, w.n_items, sizeof *w.items, item_cmp);
    out->n = w.n_items;
    out->items = w.n_items ? arena_alloc(ctx->arena, w.n_items * sizeof *out->items) : NULL;
    /* the log names every case whose client appears, in the order they are listed, and the
       ground: deputy only when a deputised case is shown */
    struct buf ids = BUF_INIT;
    bool deputy = false, *named = NULL;
    size_t shown = 0;
    if (w.n_rows) {
        named = arena_alloc(ctx->arena, w.n_rows * sizeof *named);
        memset(named, 0, w.n_rows * sizeof *named);
    }
    for (size_t i = 0; i < w.n_items; i++) {
        const struct item *it = &w.items[i];
        const struct wl_row *r = &w.rows[it->row];
        struct worklist_item *o = &out->items[i];
        *o = (struct worklist_item){ .kind = kinds[it->kind],
                                     .overdue = date_cmp(it->due, w.today) < 0,
                                     .deputy = w.deputy[it->row],
                                     .case_id = r->case_id,
                                     .client_id = r->client_id,
                                     .first_name = r->first_name,
                                     .last_name = r->last_name,
                                     .customer_number = r->customer_number,
                                     .object_id = it->object_id,
                                     .title = it->detail,
                                     .start_at = it->start_at };
        date_format(it->due, o->due);
        if (named[it->row])
            continue;
        named[it->row] = true;
        deputy = deputy || w.deputy[it->row];
        if (shown++ < WORKLIST_AUDIT_CASES)
            buf_printf(&ids, "%s%s", shown > 1 ? "," : "", r->case_id);
    }
    const struct audit_entry e = { "worklist.read",
                                   "worklist",
                                   NULL,
                                   NULL,
                                   NULL,
                                   deputy ? PURPOSE_DEPUTY : PURPOSE_OWN_CASE,
                                   arena_printf(ctx->arena, "%zu items of %zu cases: %s%s",
                                                w.n_items, shown, buf_cstr(&ids),
                                                shown > WORKLIST_AUDIT_CASES ? ",…" : "") };
    enum core_result ar = audit_record(ctx, &e);
    buf_free(&ids);
    if (ar != CORE_OK) {
        *out = (struct worklist){ 0 };
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    return CORE_OK;
}

enum core_result
worklist_get(struct core_ctx *ctx, int days, json_t **view, struct problem *pb)
{
    struct worklist wl;
    enum core_result r = worklist_read(ctx, days, &wl, pb);
    if (r != CORE_OK)
        return r;
    json_t *items = json_array(), *client = NULL;
    const char *client_case = NULL;
    for (size_t i = 0; i < wl.n; i++) {
        const struct worklist_item *it = &wl.items[i];
        if (!client_case || strcmp(client_case, it->case_id) != 0) {
            /* the same client object for the items of one case in a row */
            json_decref(client);
            client = json_object();
            json_object_set_new_nocheck(client, "id", json_string_nocheck(it->client_id));
            json_object_set_new_nocheck(client, "first_name", json_string(it->first_name));
            json_object_set_new_nocheck(client, "last_name", json_string(it->last_name));
            json_object_set_new_nocheck(client, "customer_number",
                                        json_string(it->customer_number));
            client_case = it->case_id;
        }
        json_t *o = json_object();
        json_object_set_new_nocheck(o, "kind", json_string_nocheck(it->kind));
        json_object_set_new_nocheck(o, "due", json_string_nocheck(it->due));
        json_object_set_new_nocheck(o, "overdue", json_boolean(it->overdue));
        json_object_set_new_nocheck(o, "case_id", json_string_nocheck(it->case_id));
        json_object_set_new_nocheck(o, "client", json_incref(client));
        json_object_set_new_nocheck(o, "object_id", core_json_text(it->object_id));
        json_t *detail = json_null();
        if (it->start_at) {
            char start[21];
            instant_format_utc(it->start_at / 1000000, start);
            detail = json_string_nocheck(start);
        } else if (it->title) {
            detail = core_json_text(it->title);
        }
        json_object_set_new_nocheck(o, "detail", detail);
        json_object_set_new_nocheck(o, "deputy", json_boolean(it->deputy));
        json_array_append_new(items, o);
    }
    json_decref(client);
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    json_object_set_new(v, "today", json_string(wl.today));
    json_object_set_new(v, "until", json_string(wl.until));
    *view = v;
    return CORE_OK;
}
