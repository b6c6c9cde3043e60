/* web/notes.c — the note form (prefilled, with a template picker that needs
 * no JavaScript), a note with its version history and the correction form,
 * and the text templates page. Forms are turned into the API's JSON shape
 * (date + time into the RFC 3339 `at`) and validated by the field tables of
 * core/notes.c; on error the form comes back with the input kept. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/appointments.h"
#include "core/notes.h"
#include "util/date.h"
#include "web/web.h"

/* ---- form → JSON ---- */

static const char *
form_str(json_t *form, const char *name)
{
    const char *s = json_string_value(json_object_get(form, name));
    return s && s[0] ? s : NULL;
}

/* A number typed into a form: a JSON number when it is one, else the text
 * as it is (the field table then says "must be a number"). */
static json_t *
form_number(const char *s)
{
    char *end;
    long long n = strtoll(s, &end, 10);
    if (end != s && !*end)
        return json_integer(n);
    double d = strtod(s, &end);
    if (end != s && !*end && isfinite(d))
        return json_real(d);
    return json_string(s);
}

/* The JSON body of a note or correction from FORM. Date and time errors go
 * into PB; *DATE_BAD says whether there were any. */
static json_t *
note_body(struct request *req, json_t *form, bool correction, struct problem *pb, bool *date_bad)
{
    json_t *b = json_object();
    const char *date = form_str(form, "date"), *time = form_str(form, "time");
    struct date d;
    int hour = 0, minute = 0;
    *date_bad = false;
    if (!date) {
        problem_field(pb, &req->arena, "date", "is required");
        *date_bad = true;
    } else if (!date_parse_de(date, &d) && !date_parse(date, &d)) {
        problem_field(pb, &req->arena, "date", "must be a date YYYY-MM-DD");
        *date_bad = true;
    }
    if (!time) {
        problem_field(pb, &req->arena, "time", "is required");
        *date_bad = true;
    } else if (!time_parse_hm(time, &hour, &minute)) {
        problem_field(pb, &req->arena, "time", "must be a time HH:MM");
        *date_bad = true;
    }
    int64_t t;
    if (!*date_bad && instant_from_berlin(d, hour, minute, &t)) {
        char at[21];
        instant_format_utc(t, at);
        json_object_set_new(b, "at", json_string(at));
    } else if (!*date_bad) {
        problem_field(pb, &req->arena, "date", "must be a date YYYY-MM-DD");
        *date_bad = true;
    }
    static const char *const texts[] = { "channel", "kind", "text", "reason", NULL };
    for (const char *const *k = texts; *k; k++) {
        const char *s = form_str(form, *k);
        if (s && (correction || strcmp(*k, "reason") != 0))
            json_object_set_new(b, *k, json_string(s));
    }
    json_object_set_new(b, "sensitive", json_boolean(form_str(form, "sensitive") != NULL));
    static const char *const minutes[] = { "minutes_consultation", "minutes_documentation", NULL };
    for (const char *const *k = minutes; *k; k++) {
        const char *s = form_str(form, *k);
        if (s)
            json_object_set_new(b, *k, form_number(s));
    }
    return b;
}

/* The service speaks of "at"; the form has date and time. An "at is
 * required" after a bad date or time says nothing new; other "at" errors
 * belong beside the date. Returns PB with the errors rewritten. */
static void
at_errors_to_date(struct problem *pb, bool date_bad)
{
    struct field_error *kept = NULL, **tail = &kept;
    int n = 0;
    for (struct field_error *e = pb->errors; e; e = e->next) {
        if (strcmp(e->field, "at") == 0) {
            if (date_bad)
                continue;
            e->field = "date";
        }
        *tail = e;
        tail = &e->next;
        n++;
    }
    *tail = NULL;
    pb->errors = kept;
    pb->n_errors = n;
    pb->errors_tail = NULL;
    for (struct field_error *e = kept; e; e = e->next)
        pb->errors_tail = e;
}

/* ---- view helpers ---- */

static json_t *
choices(struct request *req, const char *const *values, const char *current, const char *name)
{
    json_t *a = json_array();
    for (const char *const *v = values; *v; v++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", json_string(*v));
        json_object_set_new(o, "label", json_string(http_tr(req, *v)));
        json_object_set_new(o, "checked", json_boolean(current && strcmp(current, *v) == 0));
        /* the first input carries the field's own id: the error summary links to it */
        json_object_set_new(
            o, "input_id",
            json_string(v == values ? name : arena_printf(&req->arena, "%s_%s", name, *v)));
        json_array_append_new(a, o);
    }
    return a;
}

static void
set_choices(struct request *req, json_t *v, json_t *form)
{
    json_object_set_new(v, "channels",
                        choices(req, note_channels, form_str(form, "channel"), "channel"));
    json_object_set_new(v, "kinds", choices(req, note_kinds, form_str(form, "kind"), "kind"));
}

/* "2026-11-25T09:30:00Z" at KEY of OBJ shown as "25.11.2026, 10:30" at OUT_KEY. */
static void
berlin_display(json_t *obj, const char *key, const char *out_key)
{
    int64_t t;
    const char *s = json_string_value(json_object_get(obj, key));
    if (s && instant_parse(s, &t)) {
        char out[18];
        instant_format_berlin(t, out);
        json_object_set_new(obj, out_key, json_string(out));
    }
}

static void
decorate_version(struct request *req, json_t *n)
{
    berlin_display(n, "at", "at_display");
    berlin_display(n, "created_at", "created_display");
    json_object_set_new(
        n, "channel_label",
        json_string(http_tr(req, json_string_value(json_object_get(n, "channel")))));
    json_object_set_new(n, "kind_label",
                        json_string(http_tr(req, json_string_value(json_object_get(n, "kind")))));
    json_object_set_new(n, "text_withheld",
                        json_boolean(json_is_true(json_object_get(n, "sensitive")) &&
                                     json_is_null(json_object_get(n, "text"))));
    json_object_set_new(n, "has_mc",
                        json_boolean(json_is_integer(json_object_get(n, "minutes_consultation"))));
    json_object_set_new(n, "has_md",
                        json_boolean(json_is_integer(json_object_get(n, "minutes_documentation"))));
}

/* Where to go back to: "/" or, by default, the case's own page. */
static const char *
return_target(struct request *req, const char *case_id, const char *want)
{
    const char *ret = web_return_to(req, want, case_id);
    return ret ? ret : arena_printf(&req->arena, "/cases/%s", case_id);
}

/* ---- the note form ---- */

/* The form page of case CASE_ID: the service's defaults, or TYPED (what the
 * user sent) with PB's errors. */
static enum http_result
note_form_page(struct request *req, const char *case_id, const char *template_id,
               const char *want_return, json_t *typed, const struct problem *pb, unsigned status)
{
    struct problem rp = PROBLEM_INIT;
    json_t *d = NULL;
    /* opened for an appointment (from the worklist): carried along */
    const char *appointment = typed ? json_string_value(json_object_get(typed, "appointment"))
                                    : http_query(req, "appointment");
    if (appointment && (!appointment[0] || strlen(appointment) >= ID_MAX))
        appointment = NULL;
    if (notes_form(&req->core, case_id, template_id, appointment, &d, &rp) != CORE_OK)
        return reply_problem(req, &rp);
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "New contact note")));
    json_object_set(v, "case_id", json_object_get(d, "case_id"));
    json_object_set(v, "client_name", json_object_get(d, "client_name"));
    json_t *templates = json_object_get(d, "templates");
    json_object_set(v, "templates", templates);
    json_object_set_new(v, "has_templates", json_boolean(json_array_size(templates) > 0));
    json_t *form;
    if (typed) {
        form = json_deep_copy(typed);
    } else {
        form = json_object();
        static const char *const keys[] = { "date", "time", "channel", "kind", "text", NULL };
        for (const char *const *k = keys; *k; k++)
            json_object_set(form, *k, json_object_get(d, *k));
    }
    const char *ret = return_target(req, case_id, want_return);
    if (strcmp(ret, "/") == 0)
        json_object_set_new(v, "return_to", json_string("/"));
    if (appointment) {
        json_object_set_new(v, "appointment_id", json_string(appointment));
        json_object_set(v, "appointment", json_object_get(d, "appointment"));
    }
    json_object_set_new(v, "back_href", json_string(ret));
    set_choices(req, v, form);
    json_object_set_new(v, "form", form);
    if (pb)
        web_view_errors(req, v, pb);
    json_decref(d);
    return reply_page(req, status, "note_form.html", v);
}

enum http_result
web_note_form(struct request *req)
{
    return note_form_page(req, req->args[0], http_query(req, "template"), http_query(req, "return"),
                          NULL, NULL, 200);
}

struct web_note {
    struct note_input in;
    const char *id; /* the case's (create) or the note's (correct) */
    const char *ret;
    const char *appointment; /* create: the appointment the consultation was, or NULL */
    json_t *typed;           /* owned by req->form */
    json_t *view;
    bool date_bad, show_sensitive;
    struct problem pb;
};

/* Read the form into W->in; false when the form is not even a note (400 set). */
static bool
read_note_form(struct request *req, struct web_note *w, bool correction)
{
    w->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", w->typed); /* lives as long as the request */
    json_t *body = note_body(req, req->form, correction, &w->pb, &w->date_bad);
    json_object_set_new(req->form, "__body", body); /* the input borrows its strings */
    input_read(body, correction ? note_correction_fields : note_fields, &w->in, &req->arena,
               &w->pb);
    if (w->pb.result == CORE_BAD_REQUEST) {
        reply_problem(req, &w->pb);
        return false;
    }
    return true;
}

static enum core_result
note_create_run(struct core_ctx *ctx, void *arg)
{
    struct web_note *w = arg;
    enum core_result r = notes_create(ctx, w->id, &w->in, &w->view, &w->pb);
    /* a consultation documented for an appointment settles its attendance too */
    if (r == CORE_OK && w->appointment && w->in.kind && strcmp(w->in.kind, "consultation") == 0)
        r = appointments_documented(ctx, w->id, w->appointment);
    return r;
}

static enum http_result
note_create_done(struct request *req)
{
    struct web_note *w = req->deferred_arg;
    json_decref(w->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, strcmp(w->ret, "/") == 0 ? "/?saved=note" : w->ret);
    if (w->pb.result == CORE_INVALID) {
        at_errors_to_date(&w->pb, w->date_bad);
        return note_form_page(req, w->id, NULL, w->ret, w->typed, &w->pb, 422);
    }
    if (w->pb.result == CORE_OK)
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

enum http_result
web_note_create(struct request *req)
{
    struct web_note *w = arena_alloc(&req->arena, sizeof *w);
    w->id = req->args[0];
    w->ret = return_target(req, w->id, form_str(req->form, "return"));
    const char *appointment = form_str(req->form, "appointment");
    if (appointment && strlen(appointment) < ID_MAX)
        w->appointment = arena_strdup(&req->arena, appointment);
    if (!read_note_form(req, w, false))
        return HTTP_DONE;
    return http_write(req, note_create_run, w, note_create_done);
}

/* ---- a note and its corrections ---- */

static enum http_result
note_page(struct request *req, const char *id, bool show, json_t *typed, const struct problem *pb,
          unsigned status)
{
    struct problem rp = PROBLEM_INIT;
    json_t *note = NULL;
    if (notes_get(&req->core, id, show, &note, &rp) != CORE_OK)
        return reply_problem(req, &rp);
    decorate_version(req, note);
    json_t *versions = json_object_get(note, "versions");
    size_t i;
    json_t *ver;
    json_array_foreach(versions, i, ver) decorate_version(req, ver);
    json_t *v = json_object();
    const char *when = json_string_value(json_object_get(note, "at_display"));
    json_object_set_new(
        v, "title",
        json_string(
            arena_printf(&req->arena, "%s %s", http_tr(req, "Contact note of"), when ? when : "")));
    bool withheld = json_is_true(json_object_get(note, "text_withheld"));
    bool active = json_is_true(json_object_get(note, "case_active"));
    /* a correction that came back with errors keeps the user's own input even
       when the stored text stays hidden */
    json_object_set_new(v, "can_correct", json_boolean(active && (!withheld || typed)));
    json_object_set_new(v, "correct_after_show", json_boolean(active && withheld && !typed));
    json_object_set_new(v, "show_sensitive", json_boolean(show));
    json_object_set(v, "versions", versions);
    json_t *form;
    if (typed) {
        form = json_deep_copy(typed);
    } else {
        /* the correction starts from the current version */
        form = json_object();
        int64_t t;
        if (instant_parse(json_string_value(json_object_get(note, "at")), &t)) {
            struct date d;
            int hour, minute;
            instant_berlin_parts(t, &d, &hour, &minute);
            char day[11], hm[6];
            date_format_de(d, day);
            snprintf(hm, sizeof hm, "%02d:%02d", hour, minute);
            json_object_set_new(form, "date", json_string(day));
            json_object_set_new(form, "time", json_string(hm));
        }
        static const char *const keys[] = { "channel", "kind", "text", "sensitive", NULL };
        for (const char *const *k = keys; *k; k++)
            json_object_set(form, *k, json_object_get(note, *k));
        static const char *const minutes[] = { "minutes_consultation", "minutes_documentation",
                                               NULL };
        for (const char *const *k = minutes; *k; k++) {
            json_t *m = json_object_get(note, *k);
            if (json_is_integer(m))
                json_object_set_new(form, *k,
                                    json_string(arena_printf(&req->arena, "%lld",
                                                             (long long)json_integer_value(m))));
        }
    }
    set_choices(req, v, form);
    json_object_set_new(v, "form", form);
    json_object_set_new(v, "note", note);
    if (pb)
        web_view_errors(req, v, pb);
    return reply_page(req, status, "note.html", v);
}

enum http_result
web_note_show(struct request *req)
{
    const char *s = http_query(req, "sensitive");
    bool show = s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
    return note_page(req, req->args[0], show, NULL, NULL, 200);
}

static enum core_result
note_correct_run(struct core_ctx *ctx, void *arg)
{
    struct web_note *w = arg;
    return notes_correct(ctx, w->id, &w->in, &w->view, &w->pb);
}

static enum http_result
note_correct_done(struct request *req)
{
    struct web_note *w = req->deferred_arg;
    json_decref(w->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, arena_printf(&req->arena, "/notes/%s", w->id));
    if (w->pb.result == CORE_INVALID) {
        at_errors_to_date(&w->pb, w->date_bad);
        return note_page(req, w->id, w->show_sensitive, w->typed, &w->pb, 422);
    }
    if (w->pb.result == CORE_OK)
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

enum http_result
web_note_correct(struct request *req)
{
    struct web_note *w = arena_alloc(&req->arena, sizeof *w);
    w->id = req->args[0];
    w->show_sensitive = form_str(req->form, "show_sensitive") != NULL;
    if (!read_note_form(req, w, true))
        return HTTP_DONE;
    return http_write(req, note_correct_run, w, note_correct_done);
}

/* ---- text templates ---- */

static bool
may_share(const struct request *req)
{
    return (req->actor.roles & (ROLE_TEAM_LEAD | ROLE_ADMIN)) != 0;
}

static enum http_result
templates_page(struct request *req, json_t *typed, const struct problem *pb, unsigned status)
{
    struct problem rp = PROBLEM_INIT;
    json_t *view = NULL;
    if (text_templates_list(&req->core, &view, &rp) != CORE_OK)
        return reply_problem(req, &rp);
    json_t *items = json_object_get(view, "items");
    size_t i;
    json_t *t;
    json_array_foreach(items, i, t)
    {
        bool shared = json_is_true(json_object_get(t, "shared"));
        json_object_set_new(t, "can_delete", json_boolean(!shared || may_share(req)));
    }
    json_object_set_new(view, "title", json_string(http_tr(req, "Text templates")));
    json_object_set_new(view, "has_items", json_boolean(json_array_size(items) > 0));
    json_object_set_new(view, "may_share", json_boolean(may_share(req)));
    json_object_set_new(
        view, "may_create",
        json_boolean(may_share(req) || (req->actor.roles & ROLE_CASE_MANAGER) != 0));
    json_object_set_new(view, "form", typed ? json_deep_copy(typed) : json_object());
    if (pb)
        web_view_errors(req, view, pb);
    return reply_page(req, status, "text_templates.html", view);
}

enum http_result
web_templates(struct request *req)
{
    return templates_page(req, NULL, NULL, 200);
}

struct web_template {
    struct text_template_input in;
    const char *id;
    json_t *typed;
    json_t *view;
    struct problem pb;
};

static enum core_result
template_create_run(struct core_ctx *ctx, void *arg)
{
    struct web_template *w = arg;
    return text_templates_create(ctx, &w->in, &w->view, &w->pb);
}

static enum http_result
template_create_done(struct request *req)
{
    struct web_template *w = req->deferred_arg;
    json_decref(w->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/text-templates");
    if (w->pb.result == CORE_INVALID)
        return templates_page(req, w->typed, &w->pb, 422);
    if (w->pb.result == CORE_OK)
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

enum http_result
web_template_create(struct request *req)
{
    struct web_template *w = arena_alloc(&req->arena, sizeof *w);
    w->typed = json_deep_copy(req->form);
    json_object_set_new(req->form, "__typed", w->typed);
    json_t *body = json_object();
    const char *title = form_str(req->form, "title"), *text = form_str(req->form, "body");
    if (title)
        json_object_set_new(body, "title", json_string(title));
    if (text)
        json_object_set_new(body, "body", json_string(text));
    json_object_set_new(body, "shared", json_boolean(form_str(req->form, "shared") != NULL));
    json_object_set_new(req->form, "__body", body);
    input_read(body, text_template_fields, &w->in, &req->arena, &w->pb);
    if (w->pb.result == CORE_BAD_REQUEST)
        return reply_problem(req, &w->pb);
    return http_write(req, template_create_run, w, template_create_done);
}

static enum core_result
template_delete_run(struct core_ctx *ctx, void *arg)
{
    struct web_template *w = arg;
    return text_templates_delete(ctx, w->id, &w->pb);
}

static enum http_result
template_delete_done(struct request *req)
{
    struct web_template *w = req->deferred_arg;
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/text-templates");
    if (w->pb.result == CORE_OK)
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

enum http_result
web_template_delete(struct request *req)
{
    struct web_template *w = arena_alloc(&req->arena, sizeof *w);
    w->id = req->args[0];
    return http_write(req, template_delete_run, w, template_delete_done);
}
