/*
 * core/notes.c — contact notes and text templates; see notes.h.
 * A note's versions are rows of note_versions (a trigger refuses updates);
 * notes.version names the current one. Sensitive text (Art. 9) leaves this
 * file only when the caller asked for it, and the audit entry says so.
 */
#include "core/notes.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/deadlines.h"
#include "store/queries.h"

const char *const note_channels[] = { "in_person", "phone", "video", "letter", "email", NULL };
const char *const note_kinds[] = { "consultation", "contact_attempt", "other", NULL };

static const char *
check_instant(const char *s)
{
    int64_t t;
    return instant_parse(s, &t) ? NULL : "must be an RFC 3339 instant, e.g. 2026-11-25T09:30:00Z";
}

#define NOTE_COMMON_FIELDS                                                                            \
    {                                                                                                 \
        "at", F_STRING, offsetof(struct note_input, at), true, 40, NULL, NULL, 0, 0, check_instant    \
    },                                                                                                \
        { "channel", F_ENUM, offsetof(struct note_input, channel), true, 0, note_channels, NULL, 0,   \
          0,         NULL },                                                                          \
        { "kind", F_ENUM, offsetof(struct note_input, kind), true, 0, note_kinds, NULL, 0, 0, NULL }, \
        { "text", F_TEXT, offsetof(struct note_input, text), true, NOTE_TEXT_MAX, NULL, NULL, 0,      \
          0,      NULL },                                                                             \
        { "sensitive", F_BOOL, offsetof(struct note_input, sensitive), false, 0, NULL, NULL, 0,       \
          0,           NULL },                                                                        \
        { "minutes_consultation",                                                                     \
          F_NUMBER,                                                                                   \
          offsetof(struct note_input, minutes_consultation),                                          \
          false,                                                                                      \
          0,                                                                                          \
          NULL,                                                                                       \
          NULL,                                                                                       \
          0,                                                                                          \
          NOTE_MINUTES_MAX,                                                                           \
          NULL },                                                                                     \
    {                                                                                                 \
        "minutes_documentation", F_NUMBER, offsetof(struct note_input, minutes_documentation),        \
            false, 0, NULL, NULL, 0, NOTE_MINUTES_MAX, NULL                                           \
    }

const struct field note_fields[] = {
    NOTE_COMMON_FIELDS,
    FIELD_END,
};

const struct field note_correction_fields[] = {
    NOTE_COMMON_FIELDS,
    { "reason", F_TEXT, offsetof(struct note_input, reason), true, NOTE_REASON_MAX, NULL, NULL, 0,
      0, NULL },
    FIELD_END,
};

const struct field text_template_fields[] = {
    { "title", F_STRING, offsetof(struct text_template_input, title), true, TEMPLATE_TITLE_MAX,
      NULL, NULL, 0, 0, NULL },
    { "body", F_TEXT, offsetof(struct text_template_input, body), true, TEMPLATE_BODY_MAX, NULL,
      NULL, 0, 0, NULL },
    { "shared", F_BOOL, offsetof(struct text_template_input, shared), false, 0, NULL, NULL, 0, 0,
      NULL },
    FIELD_END,
};

/* ---- rules ---- */

static void
check_minutes(struct core_ctx *ctx, const char *field, double v, struct problem *pb)
{
    /* the field table has kept V within 0..600, so the cast is exact for whole numbers */
    if (!isnan(v) && v != (double)(int64_t)v)
        problem_field(pb, ctx->arena, field, "must be a whole number");
}

void
notes_check(struct core_ctx *ctx, const struct note_input *in, struct date started_on,
            bool correction, int64_t *at_us, struct problem *pb)
{
    int64_t t = 0;
    *at_us = 0;
    if (in->at && instant_parse(in->at, &t)) {
        *at_us = t * 1000000;
        if (*at_us > ctx->now_us + (int64_t)NOTE_FUTURE_SLACK_S * 1000000)
            problem_field(pb, ctx->arena, "at", "must not be in the future");
        else if (!date_is_none(started_on) &&
                 date_cmp(date_today_berlin((time_t)t), started_on) < 0)
            problem_field(pb, ctx->arena, "at", "must not be before the start of the case");
    }
    check_minutes(ctx, "minutes_consultation", in->minutes_consultation, pb);
    check_minutes(ctx, "minutes_documentation", in->minutes_documentation, pb);
    if (correction && in->reason && utf8_length(in->reason) < NOTE_REASON_MIN)
        problem_field(pb, ctx->arena, "reason", "must be at least 5 characters");
}

/* ---- views ---- */

static json_t *
instant_json(int64_t us)
{
    char s[21];
    instant_format_utc(us / 1000000, s);
    return json_string(s);
}

static json_t *
minutes_json(int64_t v)
{
    return v >= 0 ? json_integer(v) : json_null();
}

/* The fields of one version; its text only when not sensitive or SHOW. */
static void
version_fields(json_t *v, const struct note_row *r, bool show)
{
    bool sensitive = r->sensitive != 0;
    json_object_set_new(v, "at", instant_json(r->at));
    json_object_set_new(v, "channel", json_string(r->channel));
    json_object_set_new(v, "kind", json_string(r->kind));
    json_object_set_new(v, "text", sensitive && !show ? json_null() : json_string(r->text));
    json_object_set_new(v, "sensitive", json_boolean(sensitive));
    json_object_set_new(v, "minutes_consultation", minutes_json(r->minutes_consultation));
    json_object_set_new(v, "minutes_documentation", minutes_json(r->minutes_documentation));
}

static json_t *
note_view(const struct note_row *r, bool show)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(r->id));
    json_object_set_new(v, "case_id", json_string(r->case_id));
    json_object_set_new(v, "version", json_integer(r->version));
    version_fields(v, r, show);
    json_object_set_new(v, "created_by", core_json_text(r->created_by));
    json_object_set_new(v, "created_by_name", core_json_text(r->created_by_name));
    json_object_set_new(v, "created_at", instant_json(r->created_at));
    json_object_set_new(v, "corrected", json_boolean(r->version > 1));
    return v;
}

static json_t *
version_view(const struct note_row *r, bool show)
{
    json_t *v = json_object();
    json_object_set_new(v, "version", json_integer(r->version));
    version_fields(v, r, show);
    json_object_set_new(v, "created_by", core_json_text(r->version_by));
    json_object_set_new(v, "created_by_name", core_json_text(r->version_by_name));
    json_object_set_new(v, "created_at", instant_json(r->version_at));
    json_object_set_new(v, "correction_reason", core_json_text(r->correction_reason));
    return v;
}

/* ---- writes ---- */

static int64_t
minutes_of(double v)
{
    return isnan(v) ? -1 : (int64_t)v;
}

/* A consultation reaches the client, a contact attempt fails; "other" is neither. */
static enum core_result
record_contact(struct core_ctx *ctx, const struct case_ref *ref, const char *kind, int64_t at_us)
{
    bool reached = strcmp(kind, "consultation") == 0;
    if (!reached && strcmp(kind, "contact_attempt") != 0)
        return CORE_OK;
    return case_record_contact(ctx, ref, reached, date_today_berlin((time_t)(at_us / 1000000)));
}

static struct date
started_on_of(const struct case_ref *ref)
{
    struct date d = DATE_NONE;
    if (ref->row.started_on)
        date_parse(ref->row.started_on, &d);
    return d;
}

enum core_result
notes_create(struct core_ctx *ctx, const char *case_id, const struct note_input *in, json_t **view,
             struct problem *pb)
{
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, &refusal) != CORE_OK ||
        case_require_active(&ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    int64_t at_us;
    notes_check(ctx, in, started_on_of(&ref), false, &at_us, pb);
    if (pb->n_errors)
        return CORE_INVALID;
    const struct actor *a = ctx->actor;
    char id[ID_MAX];
    id_new("nt", id);
    struct note_row r = {
        .id = id,
        .version = 1,
        .at = at_us,
        .channel = (char *)in->channel,
        .kind = (char *)in->kind,
        .text = (char *)in->text,
        .sensitive = in->sensitive == 1,
        .minutes_consultation = minutes_of(in->minutes_consultation),
        .minutes_documentation = minutes_of(in->minutes_documentation),
        .version_by = (char *)a->id,
        .version_at = ctx->now_us,
    };
    if (db_note_insert(ctx->db, a->jobcenter_id, id, ref.row.id, at_us, a->id, ctx->now_us) < 0 ||
        db_note_version_insert(ctx->db, &r) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (record_contact(ctx, &ref, in->kind, at_us) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "note.create",
                                   "note",
                                   id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   r.sensitive ? "sensitive" : NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct note_row stored;
    if (db_note_get(ctx->db, a->jobcenter_id, id, &stored) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = note_view(&stored, true); /* the author has just written the text */
    return CORE_OK;
}

enum core_result
notes_correct(struct core_ctx *ctx, const char *note_id, const struct note_input *in, json_t **view,
              struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct note_row cur;
    enum db_status st = db_note_get(ctx->db, a->jobcenter_id, note_id, &cur);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such note.");
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, cur.case_id, CASE_WRITE, &ref, &refusal) != CORE_OK ||
        case_require_active(&ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    int64_t at_us;
    notes_check(ctx, in, started_on_of(&ref), true, &at_us, pb);
    if (pb->n_errors)
        return CORE_INVALID;
    struct note_row r = {
        .id = cur.id,
        .version = cur.version + 1,
        .at = at_us,
        .channel = (char *)in->channel,
        .kind = (char *)in->kind,
        .text = (char *)in->text,
        .sensitive = in->sensitive == 1,
        .minutes_consultation = minutes_of(in->minutes_consultation),
        .minutes_documentation = minutes_of(in->minutes_documentation),
        .correction_reason = (char *)in->reason,
        .version_by = (char *)a->id,
        .version_at = ctx->now_us,
    };
    if (db_note_version_insert(ctx->db, &r) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (db_note_set_version(ctx->db, a->jobcenter_id, cur.id, r.version, at_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_CONFLICT, "note_changed",
                           "The note was corrected by someone else meanwhile.");
    /* a correction of the kind or the time counts the contacts as they really were */
    if (case_record_contact(ctx, &ref, strcmp(in->kind, "consultation") == 0,
                            date_today_berlin((time_t)(at_us / 1000000))) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "note.correct",
                                   "note",
                                   cur.id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   arena_printf(ctx->arena, "version %lld%s", (long long)r.version,
                                                r.sensitive ? ", sensitive" : "") };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct note_row stored;
    if (db_note_get(ctx->db, a->jobcenter_id, cur.id, &stored) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = note_view(&stored, true);
    return CORE_OK;
}

/* ---- reads ---- */

struct versions_state {
    struct note_row row;
    json_t *items;
    bool show;
    int shown; /* sensitive texts included */
};

static bool
version_row(void *user)
{
    struct versions_state *s = user;
    json_array_append_new(s->items, version_view(&s->row, s->show));
    if (s->row.sensitive && s->show)
        s->shown++;
    return true;
}

enum core_result
notes_get(struct core_ctx *ctx, const char *note_id, bool show_sensitive, json_t **view,
          struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct note_row cur;
    enum db_status st = db_note_get(ctx->db, a->jobcenter_id, note_id, &cur);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such note.");
    struct case_ref ref;
    if (case_open(ctx, cur.case_id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    struct versions_state s = { .items = json_array(), .show = show_sensitive };
    if (db_note_versions(ctx->db, a->jobcenter_id, cur.id, &s.row, version_row, &s) < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const struct audit_entry e = { "note.read",
                                   "note",
                                   cur.id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   s.shown ? "sensitive text shown" : NULL };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = note_view(&cur, show_sensitive);
    json_object_set_new(v, "versions", s.items);
    json_object_set_new(v, "case_active", json_boolean(strcmp(ref.row.status, "active") == 0));
    *view = v;
    return CORE_OK;
}

struct list_state {
    struct note_row row;
    json_t *items;
    bool show;
    int n, limit, shown;
    char last[48]; /* the next cursor: "<at>~<id>" */
};

static bool
list_row(void *user)
{
    struct list_state *s = user;
    if (s->n == s->limit) {
        s->n++;
        return false;
    }
    json_array_append_new(s->items, note_view(&s->row, s->show));
    if (s->row.sensitive && s->show)
        s->shown++;
    snprintf(s->last, sizeof s->last, "%lld~%s", (long long)s->row.at, s->row.id);
    s->n++;
    return true;
}

/* "<at>~<id>" into its parts; false when it is not a cursor of this list. */
static bool
parse_cursor(struct arena *arena, const char *cursor, int64_t *at, const char **id)
{
    const char *tilde = strchr(cursor, '~');
    if (!tilde || tilde == cursor || tilde - cursor > 20 || !tilde[1] ||
        strlen(tilde + 1) >= ID_MAX)
        return false;
    for (const char *p = cursor; p < tilde; p++)
        if (*p < '0' || *p > '9')
            return false;
    errno = 0;
    long long v = strtoll(cursor, NULL, 10);
    if (errno)
        return false;
    *at = v;
    *id = arena_strdup(arena, tilde + 1);
    return true;
}

enum core_result
notes_list(struct core_ctx *ctx, const char *case_id, const struct note_list_query *q,
           json_t **view, struct problem *pb)
{
    int64_t before_at = 0;
    const char *before_id = NULL;
    if (q->cursor && !parse_cursor(ctx->arena, q->cursor, &before_at, &before_id)) {
        problem_field(pb, ctx->arena, "cursor", "is not a cursor of this list");
        return CORE_INVALID;
    }
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    struct list_state s = { .items = json_array(), .show = q->show_sensitive, .limit = q->limit };
    enum db_status st = db_notes_list(ctx->db, ctx->actor->jobcenter_id, ref.row.id, before_at,
                                      before_id, q->limit + 1, &s.row, list_row, &s);
    if (st < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    int n = s.n > s.limit ? s.limit : s.n;
    const struct audit_entry e = {
        "note.list",
        "case",
        ref.row.id,
        ref.row.id,
        ref.row.client_id,
        ref.grant.purpose,
        s.shown ? arena_printf(ctx->arena, "%d notes, sensitive text shown (%d)", n, s.shown)
                : arena_printf(ctx->arena, "%d notes", n)
    };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", s.items);
    json_object_set_new(v, "next_cursor", s.n > s.limit ? json_string(s.last) : json_null());
    *view = v;
    return CORE_OK;
}

/* ---- the note form ---- */

struct template_state {
    struct text_template_row row;
    json_t *items;
    const char *want; /* the template asked for */
    char *body;       /* its body (arena) when found */
};

static bool
template_row(void *user)
{
    struct template_state *s = user;
    json_t *t = json_object();
    json_object_set_new(t, "id", json_string(s->row.id));
    json_object_set_new(t, "title", json_string(s->row.title));
    json_object_set_new(t, "body", json_string(s->row.body));
    json_object_set_new(t, "shared", json_boolean(s->row.owner_id == NULL));
    json_object_set_new(t, "owner_id", core_json_text(s->row.owner_id));
    bool chosen = s->want && strcmp(s->want, s->row.id) == 0;
    if (chosen)
        s->body = s->row.body;
    json_object_set_new(t, "selected", json_boolean(chosen));
    json_array_append_new(s->items, t);
    return true;
}

enum core_result
notes_form(struct core_ctx *ctx, const char *case_id, const char *template_id,
           const char *appointment_id, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, pb) != CORE_OK ||
        case_require_active(&ref, pb) != CORE_OK)
        return pb->result;
    char *channel = NULL;
    if (db_note_last_channel(ctx->db, a->jobcenter_id, ref.row.id, &channel) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct template_state s = { .items = json_array(), .want = template_id };
    if (db_text_templates_list(ctx->db, a->jobcenter_id, a->id, &s.row, template_row, &s) < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    /* documenting an appointment: its time and channel are the consultation's */
    struct appointment_row ap;
    bool for_appointment = false;
    if (appointment_id) {
        enum db_status st = db_appointment_get(ctx->db, a->jobcenter_id, appointment_id, &ap);
        if (st < 0) {
            json_decref(s.items);
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        }
        for_appointment = st == DB_ONE_ROW && strcmp(ap.case_id, ref.row.id) == 0;
    }
    const struct audit_entry e = { "case.read",
                                   "case",
                                   ref.row.id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   for_appointment ? "note form for an appointment" : "note form" };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    struct date d;
    int hour, minute;
    instant_berlin_parts(
        (for_appointment && ap.start_at <= ctx->now_us ? ap.start_at : ctx->now_us) / 1000000, &d,
        &hour, &minute);
    char day[11], hm[6];
    date_format_de(d, day);
    snprintf(hm, sizeof hm, "%02d:%02d", hour, minute);
    char *name = arena_printf(ctx->arena, "%s %s", ref.row.first_name ? ref.row.first_name : "",
                              ref.row.last_name ? ref.row.last_name : "");
    char today[11];
    date_format_de(ref.today, today);
    const struct template_values tv = { name, today, ref.row.case_manager_name };
    json_t *v = json_object();
    json_object_set_new(v, "case_id", json_string(ref.row.id));
    json_object_set_new(v, "client_name", json_string(name));
    json_object_set_new(v, "date", json_string(day));
    json_object_set_new(v, "time", json_string(hm));
    json_object_set_new(v, "channel",
                        json_string(for_appointment ? ap.channel
                                    : channel       ? channel
                                                    : "in_person"));
    if (for_appointment) {
        json_t *o = json_object();
        char when[18];
        instant_format_berlin(ap.start_at / 1000000, when);
        json_object_set_new(o, "id", json_string(ap.id));
        json_object_set_new(o, "when", json_string(when));
        json_object_set_new(v, "appointment", o);
    }
    json_object_set_new(v, "kind", json_string("consultation"));
    json_object_set_new(v, "text",
                        json_string(s.body ? text_template_fill(ctx->arena, s.body, &tv) : ""));
    json_object_set_new(v, "template_id", s.body ? json_string(template_id) : json_null());
    json_object_set_new(v, "templates", s.items);
    *view = v;
    return CORE_OK;
}

/* ---- text templates ---- */

char *
text_template_fill(struct arena *arena, const char *body, const struct template_values *v)
{
    static const char *const keys[] = { "[Name]", "[Datum]", "[Fallmanager]" };
    const char *vals[] = { v->name, v->date, v->case_manager };
    /* the longest value bounds the growth of each placeholder */
    size_t grow = 0, n = strlen(body);
    for (int i = 0; i < 3; i++)
        if (vals[i] && strlen(vals[i]) > grow)
            grow = strlen(vals[i]);
    size_t cap = n + 1 + (n / 6 + 1) * grow; /* "[Name]" is the shortest key: 6 bytes */
    char *out = arena_alloc(arena, cap), *o = out;
    for (const char *p = body; *p;) {
        bool done = false;
        for (int i = 0; i < 3 && !done; i++) {
            size_t k = strlen(keys[i]);
            if (vals[i] && strncmp(p, keys[i], k) == 0) {
                size_t m = strlen(vals[i]);
                memcpy(o, vals[i], m);
                o += m;
                p += k;
                done = true;
            }
        }
        if (!done)
            *o++ = *p++;
    }
    *o = '\0';
    return out;
}

static json_t *
template_view(const struct text_template_row *t)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(t->id));
    json_object_set_new(v, "title", json_string(t->title));
    json_object_set_new(v, "body", json_string(t->body));
    json_object_set_new(v, "shared", json_boolean(t->owner_id == NULL));
    json_object_set_new(v, "owner_id", core_json_text(t->owner_id));
    return v;
}

struct tlist_state {
    struct text_template_row row;
    json_t *items;
};

static bool
tlist_row(void *user)
{
    struct tlist_state *s = user;
    json_array_append_new(s->items, template_view(&s->row));
    return true;
}

enum core_result
text_templates_list(struct core_ctx *ctx, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct tlist_state s = { .items = json_array() };
    if (db_text_templates_list(ctx->db, a->jobcenter_id, a->id, &s.row, tlist_row, &s) < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", s.items);
    *view = v;
    return CORE_OK;
}

static bool
may_share(const struct actor *a)
{
    return (a->roles & (ROLE_TEAM_LEAD | ROLE_ADMIN)) != 0;
}

enum core_result
text_templates_create(struct core_ctx *ctx, const struct text_template_input *in, json_t **view,
                      struct problem *pb)
{
    const struct actor *a = ctx->actor;
    bool shared = in->shared == 1;
    if (shared && !may_share(a))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only team leads and admins keep the shared templates.");
    if (!shared && !(a->roles & ROLE_CASE_MANAGER))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Personal templates are for case managers.");
    if (pb->n_errors)
        return CORE_INVALID;
    char id[ID_MAX];
    id_new("tt", id);
    struct text_template_row t = { .id = id,
                                   .owner_id = shared ? NULL : (char *)a->id,
                                   .title = (char *)in->title,
                                   .body = (char *)in->body,
                                   .created_by = (char *)a->id,
                                   .created_at = ctx->now_us };
    if (db_text_template_insert(ctx->db, a->jobcenter_id, &t) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = template_view(&t);
    return CORE_OK;
}

enum core_result
text_templates_delete(struct core_ctx *ctx, const char *id, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct text_template_row t;
    enum db_status st = db_text_template_get(ctx->db, a->jobcenter_id, id, &t);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS || (t.owner_id && strcmp(t.owner_id, a->id) != 0))
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such template.");
    if (!t.owner_id && !may_share(a))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only team leads and admins keep the shared templates.");
    if (db_text_template_delete(ctx->db, a->jobcenter_id, id, ctx->now_us) < 0 ||
        db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}
