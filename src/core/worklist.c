/* core/worklist.c — what is due; see worklist.h. */
#include "core/worklist.h"

#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/deadlines.h"
#include "store/queries.h"
#include "util/buf.h"

/* Cases named in the audit entry of one worklist (a case manager holds ~75). */
enum { WORKLIST_AUDIT_CASES = 400 };

/* Days after the start until a plan is expected (POLICY: "without undue delay"). */
enum { PLAN_EXPECTED_DAYS = 28 };

struct client_ref {
    char *case_id;
    json_t *client;
    bool deputy;
};

struct wl {
    struct core_ctx *ctx;
    struct rules rules;
    struct date today, until;
    char today_s[11], until_s[11];
    json_t *items;
    /* the cases seen, for the client of an appointment or a step */
    struct client_ref *refs;
    size_t n_refs, cap_refs;
    bool deputy; /* the user whose cases are being read is not the caller */
    struct wl_case_row c;
    struct wl_appointment_row a;
    struct wl_step_row s;
    char *user_id;
    char **users;
    size_t n_users;
};

static struct date
date_of(const char *s)
{
    struct date d = DATE_NONE;
    if (s)
        date_parse(s, &d);
    return d;
}

static json_t *
client_of(struct wl *w, const char *case_id, bool *deputy)
{
    for (size_t i = 0; i < w->n_refs; i++)
        if (strcmp(w->refs[i].case_id, case_id) == 0) {
            *deputy = w->refs[i].deputy;
            return w->refs[i].client;
        }
    return NULL;
}

static void
add(struct wl *w, const char *kind, struct date due, const char *case_id, json_t *client,
    bool deputy, const char *object_id, const char *detail)
{
    json_t *o = json_object();
    char d[11];
    date_format(due, d);
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "due", json_string(d));
    json_object_set_new(o, "overdue", json_boolean(date_cmp(due, w->today) < 0));
    json_object_set_new(o, "case_id", json_string(case_id));
    json_object_set_new(o, "client", json_incref(client));
    json_object_set_new(o, "object_id", core_json_text(object_id));
    json_object_set_new(o, "detail", core_json_text(detail));
    json_object_set_new(o, "deputy", json_boolean(deputy));
    json_array_append_new(w->items, o);
}

static bool
due_by(struct wl *w, const char *day)
{
    return day && strcmp(day, w->until_s) <= 0;
}

static bool
case_row(void *user)
{
    struct wl *w = user;
    struct wl_case_row *c = &w->c;
    json_t *client = json_object();
    json_object_set_new(client, "id", json_string(c->client_id));
    json_object_set_new(client, "first_name", json_string(c->first_name));
    json_object_set_new(client, "last_name", json_string(c->last_name));
    json_object_set_new(client, "customer_number", json_string(c->customer_number));
    if (w->n_refs == w->cap_refs) {
        w->cap_refs = w->cap_refs ? w->cap_refs * 2 : 64;
        struct client_ref *n = arena_alloc(w->ctx->arena, w->cap_refs * sizeof *n);
        if (w->n_refs)
            memcpy(n, w->refs, w->n_refs * sizeof *n);
        w->refs = n;
    }
    w->refs[w->n_refs++] = (struct client_ref){ c->case_id, client, w->deputy };
    if (strcmp(c->status, "referred") == 0) {
        add(w, "activation", date_of(c->referral_date), c->case_id, client, w->deputy, NULL, NULL);
    } else {
        if (c->closure_due)
            add(w, "closure", w->today, c->case_id, client, w->deputy, NULL, NULL);
        else if (due_by(w, c->next_review_due))
            add(w, "review", date_of(c->next_review_due), c->case_id, client, w->deputy, NULL,
                NULL);
        if (due_by(w, c->plan_review_due))
            add(w, "plan_review", date_of(c->plan_review_due), c->case_id, client, w->deputy, NULL,
                NULL);
        if (!c->plan_review_due && c->started_on) {
            struct date expected = date_add_days(date_of(c->started_on), PLAN_EXPECTED_DAYS);
            if (date_cmp(expected, w->until) <= 0)
                add(w, "plan_missing", expected, c->case_id, client, w->deputy, NULL, NULL);
        }
        if (due_by(w, c->limit_date) && !c->limit_justified_on && !c->closure_due)
            add(w, "limit", date_of(c->limit_date), c->case_id, client, w->deputy, NULL, NULL);
        if (deadline_unreached(&w->rules, (int)c->failed_contacts))
            add(w, "unreached", w->today, c->case_id, client, w->deputy, NULL, NULL);
    }
    return true; /* refs keep the reference; worklist_get drops it */
}

static bool
appointment_row(void *user)
{
    struct wl *w = user;
    bool deputy = false;
    json_t *client = client_of(w, w->a.case_id, &deputy);
    if (!client)
        return true;
    struct date day;
    int h, m;
    instant_berlin_parts(w->a.start_at / 1000000, &day, &h, &m);
    char start[21];
    instant_format_utc(w->a.start_at / 1000000, start);
    bool past = w->a.start_at <= w->ctx->now_us;
    add(w, past ? "attendance" : "appointment", day, w->a.case_id, client, deputy, w->a.id, start);
    return true;
}

static bool
step_row(void *user)
{
    struct wl *w = user;
    bool deputy = false;
    json_t *client = client_of(w, w->s.case_id, &deputy);
    if (client)
        add(w, "step", date_of(w->s.due), w->s.case_id, client, deputy, w->s.id, w->s.title);
    return true;
}

static bool
user_row(void *user)
{
    struct wl *w = user;
    if (w->n_users < 16) /* deputising for more than 16 colleagues at once is not a case */
        w->users[w->n_users++] = w->user_id;
    return true;
}

/* Order: due date, then a fixed order of kinds, then client name. */
static int
kind_rank(const char *k)
{
    static const char *const order[] = { "attendance",   "appointment", "closure",
                                         "limit",        "review",      "unreached",
                                         "plan_missing", "plan_review", "step",
                                         "activation",   NULL };
    for (int i = 0; order[i]; i++)
        if (strcmp(order[i], k) == 0)
            return i;
    return 99;
}

static int
item_cmp(const void *pa, const void *pb)
{
    json_t *a = *(json_t *const *)pa, *b = *(json_t *const *)pb;
    int c = strcmp(json_string_value(json_object_get(a, "due")),
                   json_string_value(json_object_get(b, "due")));
    if (c)
        return c;
    const char *sa = json_string_value(json_object_get(a, "detail"));
    const char *sb = json_string_value(json_object_get(b, "detail"));
    c = kind_rank(json_string_value(json_object_get(a, "kind"))) -
        kind_rank(json_string_value(json_object_get(b, "kind")));
    if (c)
        return c;
    if (sa && sb && (c = strcmp(sa, sb)))
        return c; /* appointments by their start */
    c = strcmp(json_string_value(json_object_get(json_object_get(a, "client"), "last_name")),
               json_string_value(json_object_get(json_object_get(b, "client"), "last_name")));
    return c ? c
             : strcmp(json_string_value(json_object_get(a, "case_id")),
                      json_string_value(json_object_get(b, "case_id")));
}

enum core_result
worklist_get(struct core_ctx *ctx, int days, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (days < 0 || days > WORKLIST_DAYS_MAX) {
        problem_field(pb, ctx->arena, "days", "must be a whole number from 0 to 90");
        return CORE_INVALID;
    }
    struct wl w = { .ctx = ctx, .items = json_array() };
    w.today = deadline_today(ctx);
    w.until = date_add_days(w.today, days);
    date_format(w.today, w.today_s);
    date_format(w.until, w.until_s);
    if (rules_load(ctx->db, a->jobcenter_id, &w.rules) != CORE_OK)
        goto fail;
    if (a->roles & ROLE_CASE_MANAGER) {
        char *users[17];
        users[0] = (char *)a->id;
        w.users = users + 1;
        if (db_deputised_users(ctx->db, a->jobcenter_id, a->id, w.today_s, &w.user_id, user_row,
                               &w) < 0)
            goto fail;
        size_t n = w.n_users + 1;
        /* the end of the window: the start of the day after UNTIL in Berlin */
        int64_t until_s = 0;
        if (!instant_from_berlin(date_add_days(w.until, 1), 0, 0, &until_s))
            goto fail;
        for (size_t i = 0; i < n; i++) {
            w.deputy = i > 0;
            if (db_worklist_cases(ctx->db, a->jobcenter_id, users[i], &w.c, case_row, &w) < 0 ||
                db_worklist_appointments(ctx->db, a->jobcenter_id, users[i], until_s * 1000000,
                                         &w.a, appointment_row, &w) < 0 ||
                db_worklist_steps(ctx->db, a->jobcenter_id, users[i], w.until_s, &w.s, step_row,
                                  &w) < 0)
                goto fail;
        }
    }
    for (size_t i = 0; i < w.n_refs; i++)
        json_decref(w.refs[i].client);
    w.n_refs = 0;
    size_t n = json_array_size(w.items);
    if (n > 1) {
        json_t **sorted = arena_alloc(ctx->arena, n * sizeof *sorted);
        for (size_t i = 0; i < n; i++)
            sorted[i] = json_incref(json_array_get(w.items, i));
        qsort(sorted, n, sizeof *sorted, item_cmp);
        json_array_clear(w.items);
        for (size_t i = 0; i < n; i++)
            json_array_append_new(w.items, sorted[i]);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", w.items);
    json_object_set_new(v, "today", json_string(w.today_s));
    json_object_set_new(v, "until", json_string(w.until_s));
    if (!(a->roles & ROLE_CASE_MANAGER)) {
        *view = v; /* no caseload, no names: nothing to log */
        return CORE_OK;
    }
    /* the log names every case whose client appeared, and the ground: deputy only when a
       deputised case was shown */
    struct buf ids = BUF_INIT;
    bool deputy = false;
    size_t shown = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *it = json_array_get(w.items, i);
        const char *cs = json_string_value(json_object_get(it, "case_id"));
        deputy = deputy || json_is_true(json_object_get(it, "deputy"));
        bool seen = false;
        for (size_t k = 0; k < i && !seen; k++)
            seen = strcmp(cs, json_string_value(
                                  json_object_get(json_array_get(w.items, k), "case_id"))) == 0;
        if (seen)
            continue;
        if (shown++ < WORKLIST_AUDIT_CASES)
            buf_printf(&ids, "%s%s", shown > 1 ? "," : "", cs);
    }
    const struct audit_entry e = { "worklist.read",
                                   "worklist",
                                   NULL,
                                   NULL,
                                   NULL,
                                   deputy ? PURPOSE_DEPUTY : PURPOSE_OWN_CASE,
                                   arena_printf(ctx->arena, "%zu items of %zu cases: %s%s", n,
                                                shown, buf_cstr(&ids),
                                                shown > WORKLIST_AUDIT_CASES ? ",…" : "") };
    enum core_result ar = audit_record(ctx, &e);
    buf_free(&ids);
    if (ar != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
fail:
    for (size_t i = 0; i < w.n_refs; i++)
        json_decref(w.refs[i].client);
    json_decref(w.items);
    return problem_set(pb, CORE_ERROR, NULL, NULL);
}
