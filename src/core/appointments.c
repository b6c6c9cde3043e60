/*
 * core/appointments.c — the case's appointments; see appointments.h.
 * Start instants are stored in microseconds (store.h); calendar rules (two
 * years ahead, not before the case started, the 4-week window) use the
 * start's date in Europe/Berlin.
 */
#include "core/appointments.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/deadlines.h"
#include "store/queries.h"

const char *const appointment_channels[] = { "in_person", "phone", "video", NULL };
const char *const appointment_purposes[] = { "vocational_guidance", "placement",         "measures",
                                             "benefit_decision",    "entitlement_check", NULL };
const char *const appointment_attendances[] = { "attended", "excused", "missed", "cancelled",
                                                NULL };

static const char *
check_instant(const char *s)
{
    int64_t t;
    return instant_parse(s, &t) ? NULL : "must be an instant like 2026-11-25T09:30:00Z";
}

/* Every field but "topics", which appointments_input() reads itself. */
static const struct field appointment_fields[] = {
    { "start", F_STRING, offsetof(struct appointment_input, start), true, 40, NULL, NULL, 0, 0,
      check_instant },
    { "minutes", F_NUMBER, offsetof(struct appointment_input, minutes), true, 0, NULL, NULL, 5, 480,
      NULL },
    { "channel", F_ENUM, offsetof(struct appointment_input, channel), true, 0, appointment_channels,
      NULL, 0, 0, NULL },
    { "legal_notice", F_BOOL, offsetof(struct appointment_input, legal_notice), true, 0, NULL, NULL,
      0, 0, NULL },
    { "purpose", F_ENUM, offsetof(struct appointment_input, purpose), false, 0,
      appointment_purposes, NULL, 0, 0, NULL },
    { "location", F_STRING, offsetof(struct appointment_input, location), false, 200, NULL, NULL, 0,
      0, NULL },
    FIELD_END,
};

const struct field attendance_fields[] = {
    { "attendance", F_ENUM, offsetof(struct attendance_input, attendance), true, 0,
      appointment_attendances, NULL, 0, 0, NULL },
    FIELD_END,
};

/* ---- input ---- */

static bool
topic_ok(const json_t *t)
{
    if (!json_is_string(t))
        return false;
    const char *s = json_string_value(t);
    if (strlen(s) != json_string_length(t))
        return false;
    bool visible = false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false; /* line breaks and other control characters */
        if (*p != ' ')
            visible = true;
    }
    size_t n = utf8_length(s);
    return visible && n >= 1 && n <= APPOINTMENT_TOPIC_LEN;
}

enum core_result
appointments_input(const json_t *obj, struct appointment_input *in, struct arena *arena,
                   struct problem *pb)
{
    memset(in, 0, sizeof *in);
    if (!json_is_object(obj))
        return input_read(obj, appointment_fields, in, arena, pb); /* the 400 */
    /* the table without "topics": a shallow copy shares the values, so the
       strings read stay valid as long as OBJ */
    json_t *rest = json_copy((json_t *)obj);
    json_object_del(rest, "topics");
    enum core_result r = input_read(rest, appointment_fields, in, arena, pb);
    json_decref(rest);
    if (r == CORE_BAD_REQUEST)
        return r;
    const json_t *topics = json_object_get(obj, "topics");
    if (topics && !json_is_null(topics)) {
        if (!json_is_array(topics)) {
            problem_field(pb, arena, "topics", "must be a list of texts");
        } else if (json_array_size(topics) > APPOINTMENT_TOPICS_MAX) {
            problem_field(pb, arena, "topics", "must be at most 10 topics");
        } else {
            size_t i;
            const json_t *t;
            bool ok = true;
            json_array_foreach(topics, i, t) ok = ok && topic_ok(t);
            if (ok)
                in->topics = topics;
            else
                problem_field(pb, arena, "topics",
                              "each topic must be 1 to 200 characters on one line");
        }
    }
    return pb->result == CORE_OK ? CORE_OK : pb->result;
}

/* ---- pure rules ---- */

struct date
appointments_next_working_day(struct date day)
{
    struct date d = date_add_days(day, 1);
    for (;;) {
        int64_t n = date_to_days(d);
        int weekday = (int)(((n % 7) + 7 + 3) % 7); /* 1970-01-01 was a Thursday; 0 = Monday */
        if (weekday < 5)
            return d;
        d = date_add_days(d, 1);
    }
}

int
appointments_max_in_window(const int64_t *days, size_t n, int64_t day, int window)
{
    int best = 0;
    /* a window [a, a + window - 1] that holds DAY starts after day - window;
       the fullest one starts at an invitation's day or at DAY itself */
    for (size_t i = 0; i <= n; i++) {
        int64_t a = i < n ? days[i] : day;
        if (a > day || a <= day - window)
            continue;
        int count = 0;
        for (size_t j = 0; j < n; j++)
            if (days[j] >= a && days[j] < a + window)
                count++;
        if (count > best)
            best = count;
    }
    return best;
}

/* ---- views ---- */

static int64_t
day_of(int64_t start_us)
{
    struct date d;
    int h, m;
    instant_berlin_parts(start_us / 1000000, &d, &h, &m);
    return date_to_days(d);
}

static json_t *
instant_json(int64_t us)
{
    char s[21];
    instant_format_utc(us / 1000000, s);
    return json_string(s);
}

/* The days of the case's invitations with a notice (not cancelled). */
struct notice_days {
    int64_t start;
    int64_t *days;
    size_t n, cap;
    bool oom;
};

static bool
notice_row(void *user)
{
    struct notice_days *nd = user;
    if (nd->n == nd->cap) {
        size_t cap = nd->cap ? nd->cap * 2 : 16;
        int64_t *p = realloc(nd->days, cap * sizeof *p);
        if (!p) {
            nd->oom = true;
            return false;
        }
        nd->days = p;
        nd->cap = cap;
    }
    nd->days[nd->n++] = day_of(nd->start);
    return true;
}

static enum core_result
notice_days_load(struct core_ctx *ctx, const char *case_id, struct notice_days *nd)
{
    memset(nd, 0, sizeof *nd);
    enum db_status st = db_appointment_notice_starts(ctx->db, ctx->actor->jobcenter_id, case_id,
                                                     &nd->start, notice_row, nd);
    return st < 0 || nd->oom ? CORE_ERROR : CORE_OK;
}

static json_t *
warnings_of(const struct appointment_row *a, const struct notice_days *nd)
{
    json_t *w = json_array();
    bool cancelled = a->attendance && strcmp(a->attendance, "cancelled") == 0;
    if (!a->legal_notice || cancelled || !nd)
        return w;
    int n =
        appointments_max_in_window(nd->days, nd->n, day_of(a->start_at), APPOINTMENT_NOTICE_WINDOW);
    if (n > APPOINTMENT_NOTICE_LIMIT)
        json_array_append_new(
            w, json_pack("{s:s,s:s,s:i}", "code", "many_legal_notices", "message",
                         "More than 3 invitations with a legal-consequences notice fall within 4 "
                         "weeks; courts have found too many invitations an abuse of discretion.",
                         "count", n));
    return w;
}

static json_t *
appointment_view(const struct appointment_row *a, const struct notice_days *nd)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(a->id));
    json_object_set_new(v, "case_id", json_string(a->case_id));
    json_object_set_new(v, "start", instant_json(a->start_at));
    json_object_set_new(v, "end", instant_json(a->start_at + a->minutes * 60 * 1000000));
    json_object_set_new(v, "minutes", json_integer(a->minutes));
    json_object_set_new(v, "channel", json_string(a->channel));
    json_t *topics = json_array();
    const char *s = a->topics ? a->topics : "";
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t len = nl ? (size_t)(nl - s) : strlen(s);
        if (len)
            json_array_append_new(topics, json_stringn(s, len));
        s += len + (nl ? 1 : 0);
    }
    json_object_set_new(v, "topics", topics);
    json_object_set_new(v, "legal_notice", json_boolean(a->legal_notice));
    json_object_set_new(v, "purpose", core_json_text(a->purpose));
    json_object_set_new(v, "location", core_json_text(a->location));
    json_object_set_new(v, "attendance", core_json_text(a->attendance));
    json_object_set_new(v, "attendance_at",
                        a->attendance ? instant_json(a->attendance_at) : json_null());
    json_object_set_new(v, "created_by", core_json_text(a->created_by));
    json_object_set_new(v, "created_at", instant_json(a->created_at));
    json_object_set_new(v, "warnings", warnings_of(a, nd));
    return v;
}

/* The facts about the case that the pages show. */
static json_t *
case_facts_view(const struct case_ref *ref)
{
    const struct case_row *k = &ref->row;
    return json_pack("{s:s,s:s,s:b,s:{s:s?,s:s?,s:s?}}", "id", k->id, "status", k->status,
                     "is_active", strcmp(k->status, "active") == 0, "client", "first_name",
                     k->first_name, "last_name", k->last_name, "customer_number",
                     k->customer_number);
}

/* The view of appointment A with its warnings (one query for the window). */
static enum core_result
view_of(struct core_ctx *ctx, const struct appointment_row *a, json_t **view)
{
    struct notice_days nd;
    if (notice_days_load(ctx, a->case_id, &nd) != CORE_OK) {
        free(nd.days);
        return CORE_ERROR;
    }
    *view = appointment_view(a, &nd);
    free(nd.days);
    return CORE_OK;
}

static bool
has_error(const struct problem *pb, const char *field)
{
    for (const struct field_error *e = pb->errors; e; e = e->next)
        if (strcmp(e->field, field) == 0)
            return true;
    return false;
}

/* ---- writes ---- */

static void
check_start(struct core_ctx *ctx, const struct case_ref *ref, int64_t start, struct problem *pb)
{
    int64_t now = ctx->now_us / 1000000;
    struct date d;
    int h, m;
    instant_berlin_parts(start, &d, &h, &m);
    struct date started = DATE_NONE;
    if (ref->row.started_on)
        date_parse(ref->row.started_on, &started);
    if (start < now - 24 * 3600)
        problem_field(pb, ctx->arena, "start", "must not lie more than one day in the past");
    else if (date_cmp(d, date_add_months(ref->today, 24)) > 0)
        problem_field(pb, ctx->arena, "start", "must not lie more than two years ahead");
    else if (!date_is_none(started) && date_cmp(d, started) < 0)
        problem_field(pb, ctx->arena, "start", "must not be before the case started");
}

enum core_result
appointments_create(struct core_ctx *ctx, const char *case_id, const struct appointment_input *in,
                    json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_WRITE, &ref, pb);
    if (r != CORE_OK)
        return r;
    if ((r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    int64_t start = 0;
    if (in->start && instant_parse(in->start, &start))
        check_start(ctx, &ref, start, pb);
    if (!isnan(in->minutes) && in->minutes != (double)(int64_t)in->minutes) /* 5..480 */
        problem_field(pb, ctx->arena, "minutes", "must be a whole number of minutes");
    if (in->legal_notice == 1 && !in->purpose && !has_error(pb, "purpose"))
        problem_field(pb, ctx->arena, "purpose",
                      "is required with a legal-consequences notice (one of the five lawful "
                      "purposes)");
    if (pb->n_errors)
        return CORE_INVALID;

    /* the topics, one per line (a topic holds no line break) */
    size_t len = 1, i;
    const json_t *t;
    json_array_foreach(in->topics, i, t) len += json_string_length(t) + 1;
    char *topics = arena_alloc(ctx->arena, len), *p = topics;
    json_array_foreach(in->topics, i, t)
    {
        size_t n = json_string_length(t);
        if (i)
            *p++ = '\n';
        memcpy(p, json_string_value(t), n);
        p += n;
    }
    *p = '\0';

    char id[ID_MAX];
    id_new("ap", id);
    struct appointment_row a = {
        .id = id,
        .jobcenter_id = ref.row.jobcenter_id,
        .case_id = ref.row.id,
        .channel = (char *)in->channel,
        .topics = topics,
        .purpose = (char *)in->purpose,
        .location = (char *)in->location,
        .created_by = (char *)ctx->actor->id,
        .start_at = start * 1000000,
        .minutes = (int64_t)in->minutes,
        .legal_notice = in->legal_notice == 1,
        .created_at = ctx->now_us,
    };
    if (db_appointment_insert(ctx->db, &a) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (view_of(ctx, &a, view) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    bool warned = json_array_size(json_object_get(*view, "warnings")) > 0;
    const struct audit_entry e = { "appointment.create",
                                   "appointment",
                                   id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   warned ? "warning: many_legal_notices" : NULL };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(*view);
        *view = NULL;
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    return CORE_OK;
}

/* Load appointment ID of the actor's Jobcenter and open its case for ACTION. */
static enum core_result
appointment_open(struct core_ctx *ctx, const char *id, enum case_action action,
                 struct appointment_row *a, struct case_ref *ref, struct problem *pb)
{
    enum db_status st = db_appointment_get(ctx->db, ctx->actor->jobcenter_id, id, a);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such appointment.");
    return case_open(ctx, a->case_id, action, ref, pb);
}

enum core_result
appointments_set_attendance(struct core_ctx *ctx, const char *id, const struct attendance_input *in,
                            json_t **view, struct problem *pb)
{
    struct appointment_row a;
    struct case_ref ref;
    enum core_result r = appointment_open(ctx, id, CASE_WRITE, &a, &ref, pb);
    if (r != CORE_OK)
        return r;
    if ((r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    const char *next = in->attendance;
    if (next && strcmp(next, "cancelled") != 0 && a.start_at > ctx->now_us)
        problem_field(pb, ctx->arena, "attendance",
                      "can be recorded only once the appointment has started; before that it "
                      "can only be cancelled");
    if (pb->n_errors)
        return CORE_INVALID;
    const char *before = a.attendance;
    bool same = before && strcmp(before, next) == 0;
    if (db_appointment_set_attendance(ctx->db, ref.row.jobcenter_id, a.id, next, ctx->now_us,
                                      ctx->actor->id) < 0 ||
        db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    /* any change (also a correction away from missed) counts the contacts afresh */
    if (!same) {
        struct date on;
        int h, m;
        instant_berlin_parts(a.start_at / 1000000, &on, &h, &m);
        if (case_record_contact(ctx, &ref, strcmp(next, "attended") == 0, on) != CORE_OK)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const char *detail = next;
    if (before && !same)
        detail = arena_printf(ctx->arena, "%s (corrected from %s)", next, before);
    else if (same)
        detail = arena_printf(ctx->arena, "%s (unchanged)", next);
    const struct audit_entry e = { "appointment.attendance", "appointment",     a.id,  ref.row.id,
                                   ref.row.client_id,        ref.grant.purpose, detail };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    a.attendance = (char *)next;
    a.attendance_at = ctx->now_us;
    a.attendance_by = (char *)ctx->actor->id;
    if (view_of(ctx, &a, view) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

/* ---- reads ---- */

enum core_result
appointments_get(struct core_ctx *ctx, const char *id, json_t **view, json_t **kase,
                 struct problem *pb)
{
    struct appointment_row a;
    struct case_ref ref;
    enum core_result r = appointment_open(ctx, id, CASE_READ, &a, &ref, pb);
    if (r != CORE_OK)
        return r;
    if (view_of(ctx, &a, view) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "appointment.read", "appointment",     a.id, ref.row.id,
                                   ref.row.client_id,  ref.grant.purpose, NULL };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(*view);
        *view = NULL;
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    if (kase)
        *kase = case_facts_view(&ref);
    return CORE_OK;
}

struct list_state {
    struct appointment_row row;
    const struct notice_days *nd;
    json_t *items;
    int n, limit;
    char last[ID_MAX + 24]; /* the next cursor: "<start_at>~<id>" */
};

static bool
list_row(void *user)
{
    struct list_state *s = user;
    if (s->n == s->limit) {
        s->n++;
        return false;
    }
    json_array_append_new(s->items, appointment_view(&s->row, s->nd));
    snprintf(s->last, sizeof s->last, "%lld~%s", (long long)s->row.start_at, s->row.id);
    s->n++;
    return true;
}

enum core_result
appointments_list(struct core_ctx *ctx, const char *case_id, const struct appointment_list_query *q,
                  json_t **view, struct problem *pb)
{
    int64_t after_start = 0;
    const char *after_id = NULL;
    if (q->cursor) {
        const char *tilde = strchr(q->cursor, '~');
        char *end = NULL;
        long long v = tilde ? strtoll(q->cursor, &end, 10) : 0;
        if (!tilde || end != tilde || tilde == q->cursor || !tilde[1]) {
            problem_field(pb, ctx->arena, "cursor", "is not a cursor of this list");
            return CORE_INVALID;
        }
        after_start = v;
        after_id = tilde + 1;
    }
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    struct notice_days nd;
    if (notice_days_load(ctx, ref.row.id, &nd) != CORE_OK) {
        free(nd.days);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    struct list_state s = { .nd = &nd, .items = json_array(), .limit = q->limit };
    enum db_status st =
        db_appointments_of_case(ctx->db, ref.row.jobcenter_id, ref.row.id, after_start, after_id,
                                q->limit + 1, &s.row, list_row, &s);
    free(nd.days);
    if (st < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", s.items);
    json_object_set_new(v, "next_cursor", s.n > s.limit ? json_string(s.last) : json_null());
    char *detail = arena_printf(ctx->arena, "%d appointments", s.n > s.limit ? s.limit : s.n);
    const struct audit_entry e = { "appointment.list", "appointment_list", ref.row.id, ref.row.id,
                                   ref.row.client_id,  ref.grant.purpose,  detail };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}

enum core_result
appointments_case_for_form(struct core_ctx *ctx, const char *case_id, json_t **kase,
                           struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_WRITE, &ref, pb);
    if (r != CORE_OK)
        return r;
    if ((r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    const struct audit_entry e = { "case.read",       "case",
                                   ref.row.id,        ref.row.id,
                                   ref.row.client_id, ref.grant.purpose,
                                   "appointment form" };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *kase = case_facts_view(&ref);
    return CORE_OK;
}

enum core_result
appointments_documented(struct core_ctx *ctx, const char *case_id, const char *id)
{
    struct appointment_row a;
    struct case_ref ref;
    struct problem pb = PROBLEM_INIT;
    if (appointment_open(ctx, id, CASE_WRITE, &a, &ref, &pb) != CORE_OK)
        return pb.result == CORE_ERROR ? CORE_ERROR : CORE_OK;
    /* only an appointment of this case that has begun and has no attendance yet */
    if (strcmp(ref.row.id, case_id) != 0 || a.attendance || a.start_at > ctx->now_us)
        return CORE_OK;
    const struct attendance_input in = { "attended" };
    json_t *view = NULL;
    enum core_result r = appointments_set_attendance(ctx, id, &in, &view, &pb);
    json_decref(view);
    return r == CORE_ERROR ? CORE_ERROR : CORE_OK;
}
