/* store/notes.c — contact notes, their versions, and text templates; see store/notes.h.
 * note_versions has no tenant column of its own: every read reaches it
 * through notes, whose jobcenter_id is in the WHERE, and a version is only
 * added to a note the service has just loaded within the Jobcenter. */
#include "store/queries.h"

enum db_status
db_note_insert(struct db *db, const char *jobcenter_id, const char *id, const char *case_id,
               int64_t at, const char *created_by, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id),  DB_TEXT(jobcenter_id), DB_TEXT(case_id),
                                  DB_INT64(at), DB_TEXT(created_by),   DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO notes (id, jobcenter_id, case_id, version, at, created_by,"
                   " created_at) VALUES ($1, $2, $3, 1, $4, $5, $6)",
                   p);
}

static struct db_param
minutes_param(int64_t v)
{
    return v >= 0 ? (struct db_param)DB_INT64(v) : (struct db_param)DB_NULL;
}

enum db_status
db_note_version_insert(struct db *db, const struct note_row *r)
{
    const struct db_param p[] = { DB_TEXT(r->id),
                                  DB_INT64(r->version),
                                  DB_INT64(r->at),
                                  DB_TEXT(r->channel),
                                  DB_TEXT(r->kind),
                                  DB_TEXT(r->text),
                                  DB_INT64(r->sensitive ? 1 : 0),
                                  minutes_param(r->minutes_consultation),
                                  minutes_param(r->minutes_documentation),
                                  DB_TEXT(r->correction_reason),
                                  DB_TEXT(r->version_by),
                                  DB_INT64(r->version_at),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO note_versions (note_id, version, at, channel, kind, text,"
                   " sensitive, minutes_consultation, minutes_documentation, correction_reason,"
                   " created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                   p);
}

enum db_status
db_note_set_version(struct db *db, const char *jobcenter_id, const char *id, int64_t version,
                    int64_t at)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_INT64(version),
                                  DB_INT64(at), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE notes SET version = $3, at = $4"
                   " WHERE id = $1 AND jobcenter_id = $2 AND version = $3 - 1",
                   p);
}

#define NOTE_COLS(o)                                                                               \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->case_id), DB_COL_INT64(&(o)->current_version),          \
        DB_COL_STR(&(o)->created_by), DB_COL_STR(&(o)->created_by_name),                           \
        DB_COL_INT64(&(o)->created_at), DB_COL_INT64(&(o)->version), DB_COL_INT64(&(o)->at),       \
        DB_COL_STR(&(o)->channel), DB_COL_STR(&(o)->kind), DB_COL_STR(&(o)->text),                 \
        DB_COL_STR(&(o)->correction_reason), DB_COL_INT64(&(o)->sensitive),                        \
        DB_COL_INT64(&(o)->minutes_consultation), DB_COL_INT64(&(o)->minutes_documentation),       \
        DB_COL_STR(&(o)->version_by), DB_COL_STR(&(o)->version_by_name),                           \
        DB_COL_INT64(&(o)->version_at)

#define NOTE_SELECT                                                                                \
    "SELECT n.id, n.case_id, n.version, n.created_by, a.display_name, n.created_at,"               \
    " v.version, v.at, v.channel, v.kind, v.text, v.correction_reason, v.sensitive,"               \
    " COALESCE(v.minutes_consultation, -1), COALESCE(v.minutes_documentation, -1),"                \
    " v.created_by, b.display_name, v.created_at"                                                  \
    " FROM notes n JOIN note_versions v ON v.note_id = n.id"                                       \
    " LEFT JOIN users a ON a.id = n.created_by"                                                    \
    " LEFT JOIN users b ON b.id = v.created_by"

enum db_status
db_note_get(struct db *db, const char *jobcenter_id, const char *id, struct note_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { NOTE_COLS(out), DB_COL_END };
    return db_query_one(db,
                        NOTE_SELECT " WHERE n.id = $1 AND n.jobcenter_id = $2"
                                    " AND v.version = n.version",
                        p, c);
}

enum db_status
db_note_versions(struct db *db, const char *jobcenter_id, const char *id, struct note_row *out,
                 bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { NOTE_COLS(out), DB_COL_END };
    return db_query_each(db,
                         NOTE_SELECT " WHERE n.id = $1 AND n.jobcenter_id = $2"
                                     " ORDER BY v.version",
                         p, c, row, user);
}

enum db_status
db_notes_list(struct db *db, const char *jobcenter_id, const char *case_id, int64_t before_at,
              const char *before_id, int64_t limit, struct note_row *out, bool (*row)(void *),
              void *user)
{
    const struct db_param p[] = { DB_TEXT(case_id),
                                  DB_TEXT(jobcenter_id),
                                  DB_INT64(before_at),
                                  DB_TEXT(before_id ? before_id : ""),
                                  DB_INT64(before_id ? 1 : 0),
                                  DB_INT64(limit),
                                  DB_PARAM_END };
    const struct db_column c[] = { NOTE_COLS(out), DB_COL_END };
    return db_query_each(db,
                         NOTE_SELECT " WHERE n.case_id = $1 AND n.jobcenter_id = $2"
                                     " AND v.version = n.version"
                                     " AND ($5 = 0 OR n.at < $3 OR (n.at = $3 AND n.id < $4))"
                                     " ORDER BY n.at DESC, n.id DESC LIMIT $6",
                         p, c, row, user);
}

enum db_status
db_note_last_channel(struct db *db, const char *jobcenter_id, const char *case_id, char **channel)
{
    const struct db_param p[] = { DB_TEXT(case_id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(channel), DB_COL_END };
    return db_query_one(db,
                        "SELECT v.channel FROM notes n JOIN note_versions v"
                        " ON v.note_id = n.id AND v.version = n.version"
                        " WHERE n.case_id = $1 AND n.jobcenter_id = $2"
                        " ORDER BY n.at DESC, n.id DESC LIMIT 1",
                        p, c);
}

/* ---- text templates ---- */

enum db_status
db_text_template_insert(struct db *db, const char *jobcenter_id, const struct text_template_row *t)
{
    const struct db_param p[] = { DB_TEXT(t->id),          DB_TEXT(jobcenter_id),
                                  DB_TEXT(t->owner_id),    DB_TEXT(t->title),
                                  DB_TEXT(t->body),        DB_TEXT(t->created_by),
                                  DB_INT64(t->created_at), DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO text_templates (id, jobcenter_id, owner_id, title, body,"
                   " created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   p);
}

#define TEMPLATE_COLS(o)                                                                           \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->owner_id), DB_COL_STR(&(o)->title),                     \
        DB_COL_STR(&(o)->body), DB_COL_STR(&(o)->created_by), DB_COL_INT64(&(o)->created_at)

enum db_status
db_text_templates_list(struct db *db, const char *jobcenter_id, const char *owner_id,
                       struct text_template_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(owner_id), DB_PARAM_END };
    const struct db_column c[] = { TEMPLATE_COLS(out), DB_COL_END };
    return db_query_each(db,
                         "SELECT id, owner_id, title, body, created_by, created_at"
                         " FROM text_templates WHERE jobcenter_id = $1 AND deleted_at IS NULL"
                         " AND (owner_id IS NULL OR owner_id = $2)"
                         " ORDER BY CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END, title, id",
                         p, c, row, user);
}

enum db_status
db_text_template_get(struct db *db, const char *jobcenter_id, const char *id,
                     struct text_template_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { TEMPLATE_COLS(out), DB_COL_END };
    return db_query_one(db,
                        "SELECT id, owner_id, title, body, created_by, created_at"
                        " FROM text_templates WHERE id = $1 AND jobcenter_id = $2"
                        " AND deleted_at IS NULL",
                        p, c);
}

enum db_status
db_text_template_delete(struct db *db, const char *jobcenter_id, const char *id, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "UPDATE text_templates SET deleted_at = $3"
                   " WHERE id = $1 AND jobcenter_id = $2 AND deleted_at IS NULL",
                   p);
}
