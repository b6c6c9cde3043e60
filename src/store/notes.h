/* store/notes.h — queries of the case's notes; included by queries.h (see there). */
#ifndef LOTSE_STORE_NOTES_H
#define LOTSE_STORE_NOTES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* One version of a note, with the note it belongs to. Strings are arena
 * copies; minutes are -1 when not given (SQL NULL). */
struct note_row {
    char *id, *case_id;
    int64_t current_version;            /* notes.version: the current one */
    char *created_by, *created_by_name; /* who wrote the note (version 1) */
    int64_t created_at;
    /* the version */
    int64_t version, at; /* at: microseconds since 1970 UTC */
    char *channel, *kind, *text, *correction_reason;
    int64_t sensitive, minutes_consultation, minutes_documentation;
    char *version_by, *version_by_name;
    int64_t version_at;
};

/* A new note (version 1 is added with db_note_version_insert). */
enum db_status db_note_insert(struct db *db, const char *jobcenter_id, const char *id,
                              const char *case_id, int64_t at, const char *created_by, int64_t now);
/* Version R->version of note R->id from R's version fields (at, channel …,
 * version_by, version_at). The table has no tenant column: call it only for
 * a note just inserted or loaded with the Jobcenter's id. */
enum db_status db_note_version_insert(struct db *db, const struct note_row *r);
/* Make VERSION (the one after the current) the current version, with its AT;
 * db_changes() is 0 when another correction came first. */
enum db_status db_note_set_version(struct db *db, const char *jobcenter_id, const char *id,
                                   int64_t version, int64_t at);
/* The note ID of JOBCENTER_ID at its current version. */
enum db_status db_note_get(struct db *db, const char *jobcenter_id, const char *id,
                           struct note_row *out);
/* Every version of note ID, oldest first. */
enum db_status db_note_versions(struct db *db, const char *jobcenter_id, const char *id,
                                struct note_row *out, bool (*row)(void *), void *user);
/* The notes of CASE_ID at their current version, newest first (by at, then
 * id), after the position (BEFORE_AT, BEFORE_ID) of the previous page's
 * last row (BEFORE_ID NULL: from the newest), at most LIMIT rows. */
enum db_status db_notes_list(struct db *db, const char *jobcenter_id, const char *case_id,
                             int64_t before_at, const char *before_id, int64_t limit,
                             struct note_row *out, bool (*row)(void *), void *user);
/* The channel of the case's newest note: DB_ONE_ROW and *CHANNEL, or DB_NO_ROWS. */
enum db_status db_note_last_channel(struct db *db, const char *jobcenter_id, const char *case_id,
                                    char **channel);

/* Text templates (Textbausteine): personal (owner_id) or shared (owner_id NULL). */
struct text_template_row {
    char *id, *owner_id, *title, *body, *created_by;
    int64_t created_at;
};
enum db_status db_text_template_insert(struct db *db, const char *jobcenter_id,
                                       const struct text_template_row *t);
/* The templates OWNER_ID may use: their own and the Jobcenter's shared
 * ones (not deleted), own first, each group by title. */
enum db_status db_text_templates_list(struct db *db, const char *jobcenter_id, const char *owner_id,
                                      struct text_template_row *out, bool (*row)(void *),
                                      void *user);
/* Template ID of JOBCENTER_ID, unless deleted. */
enum db_status db_text_template_get(struct db *db, const char *jobcenter_id, const char *id,
                                    struct text_template_row *out);
/* Mark template ID deleted (kept for the record); db_changes() is 1 when it was. */
enum db_status db_text_template_delete(struct db *db, const char *jobcenter_id, const char *id,
                                       int64_t now);

#endif
