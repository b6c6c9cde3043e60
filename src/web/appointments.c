/*
 * web/appointments.c — the new-appointment form, an appointment's page and
 * its attendance form. The form asks for a German date (TT.MM.JJJJ) and a
 * time (HH:MM) in Europe/Berlin and turns them into the API's "start"
 * instant; topics come one per line. Errors about "start" are shown at the
 * date field. After saving, the pages go to the appointment's page (with a
 * success alert and any warning), or back to the start page when the form
 * was reached from there (return=/), so that recording a missed appointment
 * from the worklist takes two clicks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/appointments.h"
#include "core/input.h"
#include "util/date.h"
#include "web/web.h"

/* ---- helpers ---- */

/* The choices of field NAME: value, translated label (msgid PREFIX + value),
 * checked, and an element id (the first one is NAME itself, so that the
 * error summary's link reaches it). */
static json_t *
choices(struct request *req, const char *name, const char *const *values, const char *prefix,
        const char *current)
{
    json_t *list = json_array();
    for (const char *const *v = values; *v; v++) {
        const char *msgid = prefix ? arena_printf(&req->arena, "%s%s", prefix, *v) : *v;
        const char *id = v == values ? name : arena_printf(&req->arena, "%s_%s", name, *v);
        json_array_append_new(list, json_pack("{s:s,s:s,s:b,s:s}", "value", *v, "label",
                                              http_tr(req, msgid), "checked",
                                              current && strcmp(current, *v) == 0, "id", id));
    }
    return list;
}

/* Errors as the form shows them: "start" belongs to the date field, and
 * is left out when the date or time already has an error; one message per
 * field. */
static struct problem
form_errors(struct request *req, const struct problem *pb)
{
    struct problem out = PROBLEM_INIT;
    out.result = pb->result;
    out.code = pb->code;
    out.detail = pb->detail;
    for (const struct field_error *e = pb->errors; e; e = e->next) {
        const char *field = strcmp(e->field, "start") == 0 ? "date" : e->field;
        bool seen = false;
        for (const struct field_error *o = out.errors; o && !seen; o = o->next)
            seen = strcmp(o->field, field) == 0 ||
                   (strcmp(e->field, "start") == 0 && strcmp(o->field, "time") == 0);
        if (!seen)
            problem_field(&out, &req->arena, field, e->message);
    }
    return out;
}

/* ---- the new-appointment form ---- */

static enum http_result
form_page(struct request *req, const char *case_id, json_t *typed, const struct problem *pb,
          unsigned status)
{
    struct problem rp = PROBLEM_INIT;
    json_t *kase = NULL;
    if (appointments_case_for_form(&req->core, case_id, &kase, &rp) != CORE_OK)
        return reply_problem(req, &rp);
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "New appointment")));
    json_object_set_new(v, "case", kase);
    json_t *f;
    if (typed) {
        f = json_deep_copy(typed);
    } else {
        /* defaults: the next working day at 09:00, 30 minutes, in person */
        char day[11];
        date_format_de(
            appointments_next_working_day(date_today_berlin((time_t)(req->core.now_us / 1000000))),
            day);
        f = json_pack("{s:s,s:s,s:s,s:s}", "date", day, "time", "09:00", "minutes", "30", "channel",
                      "in_person");
        const char *ret = web_return_to(req, http_query(req, "return"), case_id);
        if (ret)
            json_object_set_new(f, "return", json_string(ret));
    }
    const char *channel = json_string_value(json_object_get(f, "channel"));
    const char *purpose = json_string_value(json_object_get(f, "purpose"));
    json_object_set_new(v, "channels",
                        choices(req, "channel", appointment_channels, NULL, channel));
    json_object_set_new(v, "purposes",
                        choices(req, "purpose", appointment_purposes, "purpose.", purpose));
    json_object_set_new(v, "legal_notice_checked",
                        json_boolean(json_object_get(f, "legal_notice") != NULL));
    const char *ret = json_string_value(json_object_get(f, "return"));
    json_object_set_new(v, "back",
                        json_string(ret ? ret : arena_printf(&req->arena, "/cases/%s", case_id)));
    json_object_set_new(v, "form", f);
    if (pb) {
        struct problem shown = form_errors(req, pb);
        web_view_errors(req, v, &shown);
    }
    return reply_page(req, status, "appointment_form.html", v);
}

enum http_result
web_appointment_form(struct request *req)
{
    return form_page(req, req->args[0], NULL, NULL, 200);
}

struct create {
    struct appointment_input in;
    const char *case_id;
    const char *ret;
    json_t *typed; /* owned by req->form */
    json_t *view;
    struct problem pb;
};

static enum core_result
create_run(struct core_ctx *ctx, void *arg)
{
    struct create *c = arg;
    return appointments_create(ctx, c->case_id, &c->in, &c->view, &c->pb);
}

static enum http_result
create_done(struct request *req)
{
    struct create *c = req->deferred_arg;
    if (req->deferred_result == CORE_OK) {
        const char *id = json_string_value(json_object_get(c->view, "id"));
        char *loc = arena_printf(&req->arena, "/appointments/%s?created=1%s", id,
                                 c->ret && strcmp(c->ret, "/") == 0 ? "&return=%2F" : "");
        json_decref(c->view);
        return reply_redirect(req, loc);
    }
    json_decref(c->view);
    if (c->pb.result == CORE_OK)
        problem_set(&c->pb, req->deferred_result, NULL, NULL);
    if (c->pb.result == CORE_INVALID)
        return form_page(req, c->case_id, c->typed, &c->pb, 422);
    return reply_problem(req, &c->pb);
}

/* FORM's text S with surrounding blanks removed (arena copy). */
static char *
trimmed(struct request *req, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    return arena_strndup(&req->arena, s, n);
}

/* The form as the API's JSON body; format errors of the date, time and
 * duration go into PB. */
static json_t *
form_body(struct request *req, struct problem *pb)
{
    json_t *body = json_object();
    const char *date = http_form(req, "date"), *time = http_form(req, "time");
    struct date d = DATE_NONE;
    int hour = 0, minute = 0;
    bool date_ok = date && date[0] && date_parse_de(trimmed(req, date, strlen(date)), &d);
    bool time_ok =
        time && time[0] && time_parse_hm(trimmed(req, time, strlen(time)), &hour, &minute);
    if (!date || !date[0])
        problem_field(pb, &req->arena, "date", "is required");
    else if (!date_ok)
        problem_field(pb, &req->arena, "date", "must be a date DD.MM.YYYY");
    if (!time || !time[0])
        problem_field(pb, &req->arena, "time", "is required");
    else if (!time_ok)
        problem_field(pb, &req->arena, "time", "must be a time HH:MM");
    int64_t t;
    if (date_ok && time_ok && instant_from_berlin(d, hour, minute, &t)) {
        char s[21];
        instant_format_utc(t, s);
        json_object_set_new(body, "start", json_string(s));
    }
    const char *minutes = http_form(req, "minutes");
    if (minutes && minutes[0]) {
        char *m = trimmed(req, minutes, strlen(minutes)), *end = NULL;
        long v = strtol(m, &end, 10);
        if (!m[0] || *end || v < 0 || v > 100000)
            problem_field(pb, &req->arena, "minutes", "must be a whole number of minutes");
        else
            json_object_set_new(body, "minutes", json_integer(v));
    }
    static const char *const texts[] = { "channel", "purpose", "location", NULL };
    for (const char *const *k = texts; *k; k++) {
        const char *s = http_form(req, *k);
        if (s && s[0])
            json_object_set_new(body, *k, json_string(s));
    }
    json_object_set_new(body, "legal_notice", json_boolean(http_form(req, "legal_notice") != NULL));
    json_t *topics = json_array();
    const char *s = http_form(req, "topics");
    while (s && *s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        char *line = trimmed(req, s, n);
        if (line[0])
            json_array_append_new(topics, json_string(line));
        s += n + (nl ? 1 : 0);
    }
    json_object_set_new(body, "topics", topics);
    return body;
}

enum http_result
web_appointment_create(struct request *req)
{
    struct create *c = arena_alloc(&req->arena, sizeof *c);
    c->case_id = req->args[0];
    c->ret = web_return_to(req, http_form(req, "return"), c->case_id);
    c->typed = json_deep_copy(req->form);
    json_object_del(c->typed, "_csrf");
    json_object_set_new(req->form, "__typed", c->typed); /* lives as long as the request */
    struct problem pb = PROBLEM_INIT;
    json_t *body = form_body(req, &pb);
    json_object_set_new(req->form, "__body", body); /* the input borrows its strings */
    if (appointments_input(body, &c->in, &req->arena, &pb) == CORE_BAD_REQUEST)
        return form_page(req, c->case_id, c->typed, &pb, 400);
    /* format errors go along: the service adds its rule errors, and one page lists all */
    c->pb = pb;
    return http_write(req, create_run, c, create_done);
}

/* ---- an appointment's page and its attendance ---- */

/* Display fields for VIEW (an appointment's view) in the request's language. */
static void
decorate(struct request *req, json_t *v)
{
    bool de = strcmp(req->lang, "de") == 0;
    int64_t start = 0, end = 0;
    instant_parse(json_string_value(json_object_get(v, "start")), &start);
    instant_parse(json_string_value(json_object_get(v, "end")), &end);
    char when[18];
    instant_format_berlin(start, when);
    json_object_set_new(v, "start_label",
                        json_string(arena_printf(&req->arena, "%s%s", when, de ? " Uhr" : "")));
    struct date d;
    int h, m;
    instant_berlin_parts(end, &d, &h, &m);
    json_object_set_new(v, "range_label",
                        json_string(arena_printf(&req->arena, "%s\u2013%02d:%02d%s", when, h, m,
                                                 de ? " Uhr" : "")));
    json_object_set_new(v, "started", json_boolean(start <= req->core.now_us / 1000000));
    const char *channel = json_string_value(json_object_get(v, "channel"));
    if (channel)
        json_object_set_new(v, "channel_label", json_string(http_tr(req, channel)));
    const char *purpose = json_string_value(json_object_get(v, "purpose"));
    if (purpose)
        json_object_set_new(
            v, "purpose_label",
            json_string(http_tr(req, arena_printf(&req->arena, "purpose.%s", purpose))));
    const char *att = json_string_value(json_object_get(v, "attendance"));
    if (att)
        json_object_set_new(v, "attendance_label", json_string(http_tr(req, att)));
    json_object_set_new(v, "has_topics",
                        json_boolean(json_array_size(json_object_get(v, "topics")) > 0));
    size_t i;
    json_t *w;
    json_array_foreach(json_object_get(v, "warnings"), i, w)
    {
        const char *msg = json_string_value(json_object_get(w, "message"));
        if (msg)
            json_object_set_new(w, "message", json_string(http_tr(req, msg)));
    }
}

static enum http_result
show_page(struct request *req, const char *id, const char *ret, const char *chosen,
          const struct problem *pb, unsigned status)
{
    struct problem rp = PROBLEM_INIT;
    json_t *view = NULL, *kase = NULL;
    if (appointments_get(&req->core, id, &view, &kase, &rp) != CORE_OK)
        return reply_problem(req, &rp);
    decorate(req, view);
    const char *case_id = json_string_value(json_object_get(view, "case_id"));
    ret = web_return_to(req, ret, case_id);
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "Appointment")));
    json_object_set_new(v, "appointment", view);
    json_object_set_new(v, "case", kase);
    json_object_set_new(v, "return", ret ? json_string(ret) : json_null());
    json_object_set_new(v, "back",
                        json_string(ret ? ret : arena_printf(&req->arena, "/cases/%s", case_id)));
    const char *q = http_query(req, "created");
    json_object_set_new(v, "created", json_boolean(q && strcmp(q, "1") == 0 && !pb));
    q = http_query(req, "saved");
    json_object_set_new(v, "saved", json_boolean(q && strcmp(q, "1") == 0 && !pb));
    /* the attendance form: every outcome once the start has passed, before that only
       cancelling; only on an active case */
    bool started = json_is_true(json_object_get(view, "started"));
    const char *current = chosen ? chosen : json_string_value(json_object_get(view, "attendance"));
    static const char *const only_cancel[] = { "cancelled", NULL };
    json_object_set_new(
        v, "outcomes",
        choices(req, "attendance", started ? appointment_attendances : only_cancel, NULL, current));
    json_object_set_new(v, "can_record",
                        json_boolean(json_is_true(json_object_get(kase, "is_active"))));
    if (pb)
        web_view_errors(req, v, pb);
    return reply_page(req, status, "appointment.html", v);
}

enum http_result
web_appointment_show(struct request *req)
{
    return show_page(req, req->args[0], http_query(req, "return"), NULL, NULL, 200);
}

struct attend {
    struct attendance_input in;
    const char *id;
    const char *ret;
    const char *chosen;
    json_t *view;
    struct problem pb;
};

static enum core_result
attend_run(struct core_ctx *ctx, void *arg)
{
    struct attend *a = arg;
    return appointments_set_attendance(ctx, a->id, &a->in, &a->view, &a->pb);
}

static enum http_result
attend_done(struct request *req)
{
    struct attend *a = req->deferred_arg;
    if (req->deferred_result == CORE_OK) {
        const char *case_id = json_string_value(json_object_get(a->view, "case_id"));
        const char *ret = web_return_to(req, a->ret, case_id);
        char *loc = !ret ? arena_printf(&req->arena, "/appointments/%s?saved=1", a->id)
                    : strcmp(ret, "/") == 0 ? arena_strdup(&req->arena, "/?saved=attendance")
                                            : arena_strdup(&req->arena, ret);
        json_decref(a->view);
        return reply_redirect(req, loc);
    }
    json_decref(a->view);
    if (a->pb.result == CORE_OK)
        problem_set(&a->pb, req->deferred_result, NULL, NULL);
    if (a->pb.result == CORE_INVALID)
        return show_page(req, a->id, a->ret, a->chosen, &a->pb, 422);
    return reply_problem(req, &a->pb);
}

enum http_result
web_appointment_attendance(struct request *req)
{
    struct attend *a = arena_alloc(&req->arena, sizeof *a);
    a->id = req->args[0];
    a->ret = http_form(req, "return");
    a->chosen = http_form(req, "attendance");
    json_t *body = json_object();
    if (a->chosen && a->chosen[0])
        json_object_set_new(body, "attendance", json_string(a->chosen));
    json_object_set_new(req->form, "__body", body); /* the input borrows its strings */
    struct problem pb = PROBLEM_INIT;
    if (input_read(body, attendance_fields, &a->in, &req->arena, &pb) == CORE_BAD_REQUEST)
        return show_page(req, a->id, a->ret, a->chosen, &pb, 400);
    a->pb = pb;
    return http_write(req, attend_run, a, attend_done);
}
