/*
 * core/notes.h — contact notes (Gesprächsvermerke) and text templates
 * (Textbausteine).
 *
 * A note records one contact with the client: when (an instant), the
 * channel, the kind, the text, whether it holds special-category data
 * (GDPR Art. 9, DP-6: "sensitive", whose text is shown only on an explicit,
 * logged request) and optionally the minutes spent counselling and
 * documenting. A note is never changed in place: a correction adds a
 * version with a reason, and every version stays readable. A consultation
 * counts as the client reached, a contact attempt as a failed contact.
 *
 * Text templates prefill a note's text and stay editable; they are personal
 * (one case manager's) or shared in the Jobcenter (kept by team leads and
 * admins). They hold no client data, so they leave no audit entries; the
 * placeholders [Name], [Datum] and [Fallmanager] are filled when a template
 * prefills a note.
 */
#ifndef LOTSE_CORE_NOTES_H
#define LOTSE_CORE_NOTES_H

#include <stdbool.h>
#include <stdint.h>

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

/* Allowed values, NULL-terminated. */
extern const char *const note_channels[]; /* in_person phone video letter email */
extern const char *const note_kinds[];    /* consultation contact_attempt other */

enum {
    NOTE_TEXT_MAX = 20000,
    NOTE_MINUTES_MAX = 600,
    NOTE_REASON_MIN = 5,
    NOTE_REASON_MAX = 500,
    NOTE_FUTURE_SLACK_S = 600, /* `at` may be at most 10 minutes ahead (clock skew) */
    TEMPLATE_TITLE_MAX = 120,
    TEMPLATE_BODY_MAX = 5000,
};

/* POST /cases/{id}/notes (note_fields) and POST /notes/{id}/corrections
 * (note_correction_fields, which adds the required reason). */
struct note_input {
    const char *at; /* RFC 3339; the field table checks its form */
    const char *channel, *kind, *text;
    int sensitive;                                      /* -1 absent (false), 0, 1 */
    double minutes_consultation, minutes_documentation; /* NAN when absent */
    const char *reason;                                 /* corrections only */
};
extern const struct field note_fields[];
extern const struct field note_correction_fields[];

/* The rule checks after the field table: minutes whole numbers, `at` not
 * more than 10 minutes after CTX->now_us and not before STARTED_ON (the
 * Berlin calendar day of `at`; DATE_NONE skips that check), and for a
 * CORRECTION a reason of at least 5 characters. Errors are added to PB
 * (paths "at", "minutes_consultation" …); fields that failed their format
 * check are absent in IN and skipped. *AT_US gets the instant in
 * microseconds (0 when absent or malformed). */
void notes_check(struct core_ctx *ctx, const struct note_input *in, struct date started_on,
                 bool correction, int64_t *at_us, struct problem *pb);

/* Write jobs. Each adds its rule errors to those PB may already hold from
 * the format check and answers CORE_INVALID with all of them; refusals of
 * access (404/403) and of a case that is not active (409 case_closed,
 * case_not_active) come first. *VIEW is the note view (see notes_get). */
enum core_result notes_create(struct core_ctx *ctx, const char *case_id,
                              const struct note_input *in, json_t **view, struct problem *pb);
enum core_result notes_correct(struct core_ctx *ctx, const char *note_id,
                               const struct note_input *in, json_t **view, struct problem *pb);

/* Reads, one audit entry each. SHOW_SENSITIVE asks for the text of
 * sensitive versions, which is null otherwise; the audit entry says when
 * sensitive text was shown.
 * notes_get: {id, case_id, version, at, channel, kind, text, sensitive,
 *   minutes_consultation, minutes_documentation, created_by, created_by_name,
 *   created_at, corrected, versions:[{version, at, channel, kind, text,
 *   sensitive, minutes_…, created_by, created_by_name, created_at,
 *   correction_reason}] oldest first, case_active (may it be corrected)};
 *   audit "note.read".
 * notes_list: {items:[note view without versions], next_cursor}, newest
 *   first; audit "note.list". */
enum core_result notes_get(struct core_ctx *ctx, const char *note_id, bool show_sensitive,
                           json_t **view, struct problem *pb);
struct note_list_query {
    const char *cursor; /* NULL or the next_cursor of the previous page */
    int limit;
    bool show_sensitive;
};
enum core_result notes_list(struct core_ctx *ctx, const char *case_id,
                            const struct note_list_query *q, json_t **view, struct problem *pb);

/* What the note form of case CASE_ID starts with (the case must be active
 * and writable by the actor): {case_id, client_name, date (TT.MM.JJJJ),
 * time (HH:MM, Berlin, now), channel (the last note's, else in_person),
 * kind "consultation", text (template TEMPLATE_ID filled, else ""),
 * template_id, templates:[{id,title,shared}]}. With APPOINTMENT_ID (the
 * form opened to document an appointment of this case that has begun): date,
 * time and channel are the appointment's, and appointment:{id,when} says
 * which one. A read of the case: one audit entry "case.read" (detail "note
 * form"). An unknown TEMPLATE_ID or APPOINTMENT_ID is ignored. */
enum core_result notes_form(struct core_ctx *ctx, const char *case_id, const char *template_id,
                            const char *appointment_id, json_t **view, struct problem *pb);

/* ---- text templates ---- */

struct text_template_input {
    const char *title, *body;
    int shared; /* -1 absent (false), 0, 1 */
};
extern const struct field text_template_fields[];

/* The values of the placeholders. */
struct template_values {
    const char *name;         /* [Name]: the client's full name */
    const char *date;         /* [Datum]: today, TT.MM.JJJJ */
    const char *case_manager; /* [Fallmanager]: the case manager's display name */
};
/* BODY with every [Name], [Datum] and [Fallmanager] replaced (a NULL value
 * leaves its placeholder as it is); other text, including unknown
 * brackets, is kept. The result lives in ARENA. */
char *text_template_fill(struct arena *arena, const char *body, const struct template_values *v);

/* {items:[{id,title,body,shared,owner_id}]}: the actor's own and the
 * Jobcenter's shared templates. */
enum core_result text_templates_list(struct core_ctx *ctx, json_t **view, struct problem *pb);
/* Write jobs. Shared templates only by team leads and admins, personal ones
 * only by case managers (403 otherwise). Delete: the owner, or a team lead
 * or admin for a shared one (403); someone else's personal one is 404. */
enum core_result text_templates_create(struct core_ctx *ctx, const struct text_template_input *in,
                                       json_t **view, struct problem *pb);
enum core_result text_templates_delete(struct core_ctx *ctx, const char *id, struct problem *pb);

#endif
