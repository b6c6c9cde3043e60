/*
 * core/appointments.h — the case's appointments (Termine, Meldeaufforderung)
 * and their attendance. An appointment has a start, a duration, a channel,
 * topics to prepare, and whether the invitation carries the written notice
 * of legal consequences (Rechtsfolgenbelehrung); such an invitation must
 * name one of the five lawful purposes (§ 59 SGB II with § 309 SGB III,
 * domain rules section 7). Attendance is recorded afterwards; a missed
 * appointment counts as a failed contact and an attended one resets the
 * count (case_record_contact), which the worklist compares with the rule
 * RULE_UNREACHED_AFTER.
 *
 * POLICY (domain rules section 7): more than 3 invitations with a notice
 * within 4 weeks may be an abuse of discretion. Such an appointment is still
 * stored; its view carries the warning "many_legal_notices".
 */
#ifndef LOTSE_CORE_APPOINTMENTS_H
#define LOTSE_CORE_APPOINTMENTS_H

#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

/* POST /cases/{id}/appointments. Strings borrow from the JSON body. */
struct appointment_input {
    const char *start; /* RFC 3339 instant */
    double minutes;    /* 5..480, whole */
    const char *channel;
    const json_t *topics; /* NULL (none) or the body's array; checked by appointments_input() */
    int legal_notice;     /* -1 absent, 0, 1 */
    const char *purpose;  /* NULL or one of the five lawful purposes */
    const char *location; /* NULL or at most 200 characters */
};

/* PATCH /appointments/{id}. */
struct attendance_input {
    const char *attendance; /* attended | excused | missed | cancelled */
};
extern const struct field attendance_fields[];

/* The allowed values, NULL-terminated (for the pages' choices). */
extern const char *const appointment_channels[];
extern const char *const appointment_purposes[];
extern const char *const appointment_attendances[];

enum {
    APPOINTMENT_TOPICS_MAX = 10,    /* topics per appointment */
    APPOINTMENT_TOPIC_LEN = 200,    /* characters per topic */
    APPOINTMENT_NOTICE_WINDOW = 28, /* days: "within 4 weeks" */
    APPOINTMENT_NOTICE_LIMIT = 3,   /* more than this many in the window: warn */
};

/* Read OBJ (the API's JSON body, or a form turned into that shape) into IN:
 * the field table for every field but "topics", which must be an array of
 * at most 10 strings of 1..200 characters without line breaks. Returns like
 * input_read(): CORE_OK, CORE_BAD_REQUEST (not an object, unknown field) or
 * CORE_INVALID with every format error in PB. Strings borrow from OBJ. */
enum core_result appointments_input(const json_t *obj, struct appointment_input *in,
                                    struct arena *arena, struct problem *pb);

/* Write jobs. Each checks access (case_open) and that the case is active
 * (409 case_closed / case_not_active), then adds its rule errors to those
 * PB may already hold from the format check and answers CORE_INVALID with
 * all of them; on success *VIEW is the appointment's view (new reference)
 * and one audit entry is recorded ("appointment.create",
 * "appointment.attendance").
 *
 * Create rules: the start lies at most one day in the past, at most two
 * years ahead and not before the case started; purpose is required when
 * legal_notice is true; minutes is a whole number.
 *
 * Attendance rules: attended, excused and missed only once the start has
 * passed, cancelled at any time. A recorded attendance may be changed (a
 * correction; the audit entry says "corrected from X"). After every change
 * the case's failed contacts are counted afresh (case_record_contact):
 * missed appointments and contact attempts since the client was last
 * reached (a consultation, an attended appointment), so a correction away
 * from missed takes its failed contact back. */
enum core_result appointments_create(struct core_ctx *ctx, const char *case_id,
                                     const struct appointment_input *in, json_t **view,
                                     struct problem *pb);
enum core_result appointments_set_attendance(struct core_ctx *ctx, const char *id,
                                             const struct attendance_input *in, json_t **view,
                                             struct problem *pb);

/* A consultation was documented for appointment ID of case CASE_ID (the
 * note form opened from the worklist): when the appointment belongs to that
 * case, has begun and has no attendance yet, it is recorded as attended
 * (with its own audit entry); otherwise nothing happens. CORE_ERROR only
 * when the store fails. A write job. */
enum core_result appointments_documented(struct core_ctx *ctx, const char *case_id, const char *id);

/* Reads (one audit entry each: "appointment.read", "appointment.list").
 * appointments_get() also gives the page's facts about the case in *KASE
 * when KASE is not NULL: {id, status, client:{first_name,last_name,
 * customer_number}}. */
enum core_result appointments_get(struct core_ctx *ctx, const char *id, json_t **view,
                                  json_t **kase, struct problem *pb);
struct appointment_list_query {
    const char *cursor; /* NULL or the next_cursor of the page before */
    int limit;
};
/* {items, next_cursor}: latest start first. */
enum core_result appointments_list(struct core_ctx *ctx, const char *case_id,
                                   const struct appointment_list_query *q, json_t **view,
                                   struct problem *pb);

/* The new-appointment page: checks that the actor may add content to case
 * CASE_ID and that it is active, and gives the case's facts as in
 * appointments_get() (audited as "case.read", detail "appointment form"). */
enum core_result appointments_case_for_form(struct core_ctx *ctx, const char *case_id,
                                            json_t **kase, struct problem *pb);

/* ---- pure rules, for the pages and the tests ---- */

/* The next working day (Monday to Friday) after DAY; public holidays are not known. */
struct date appointments_next_working_day(struct date day);

/* The most invitations among DAYS (N day numbers, date_to_days(), in any
 * order) that fall into one window of WINDOW consecutive days containing
 * day DAY (which itself is one of DAYS when it is an invitation). */
int appointments_max_in_window(const int64_t *days, size_t n, int64_t day, int window);

#endif
