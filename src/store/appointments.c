/* store/appointments.c — the case's appointments; see store/appointments.h. */
#include "store/queries.h"

enum db_status
db_appointment_insert(struct db *db, const struct appointment_row *r)
{
    const struct db_param p[] = {
        DB_TEXT(r->id),        DB_TEXT(r->jobcenter_id),  DB_TEXT(r->case_id),
        DB_INT64(r->start_at), DB_INT64(r->minutes),      DB_TEXT(r->channel),
        DB_TEXT(r->topics),    DB_INT64(r->legal_notice), DB_TEXT(r->purpose),
        DB_TEXT(r->location),  DB_TEXT(r->created_by),    DB_INT64(r->created_at),
        DB_PARAM_END
    };
    return db_exec(db,
                   "INSERT INTO appointments (id, jobcenter_id, case_id, start_at, minutes,"
                   " channel, topics, legal_notice, purpose, location, created_by, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
                   p);
}

#define APPOINTMENT_COLS(o)                                                                        \
    DB_COL_STR(&(o)->id), DB_COL_STR(&(o)->jobcenter_id), DB_COL_STR(&(o)->case_id),               \
        DB_COL_INT64(&(o)->start_at), DB_COL_INT64(&(o)->minutes), DB_COL_STR(&(o)->channel),      \
        DB_COL_STR(&(o)->topics), DB_COL_INT64(&(o)->legal_notice), DB_COL_STR(&(o)->purpose),     \
        DB_COL_STR(&(o)->location), DB_COL_STR(&(o)->attendance),                                  \
        DB_COL_INT64(&(o)->attendance_at), DB_COL_STR(&(o)->attendance_by),                        \
        DB_COL_STR(&(o)->created_by), DB_COL_INT64(&(o)->created_at)

#define APPOINTMENT_SELECT                                                                         \
    "SELECT id, jobcenter_id, case_id, start_at, minutes, channel, topics, legal_notice,"          \
    " purpose, location, attendance, attendance_at, attendance_by, created_by, created_at"         \
    " FROM appointments"

enum db_status
db_appointment_get(struct db *db, const char *jobcenter_id, const char *id,
                   struct appointment_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { APPOINTMENT_COLS(out), DB_COL_END };
    return db_query_one(db, APPOINTMENT_SELECT " WHERE id = $1 AND jobcenter_id = $2", p, c);
}

enum db_status
db_appointments_of_case(struct db *db, const char *jobcenter_id, const char *case_id,
                        int64_t after_start, const char *after_id, int64_t limit,
                        struct appointment_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id),
                                  DB_TEXT(case_id),
                                  DB_INT64(after_id ? 1 : 0),
                                  DB_INT64(after_start),
                                  DB_TEXT(after_id ? after_id : ""),
                                  DB_INT64(limit),
                                  DB_PARAM_END };
    const struct db_column c[] = { APPOINTMENT_COLS(out), DB_COL_END };
    return db_query_each(db,
                         APPOINTMENT_SELECT " WHERE jobcenter_id = $1 AND case_id = $2"
                                            " AND ($3 = 0 OR start_at < $4"
                                            " OR (start_at = $4 AND id < $5))"
                                            " ORDER BY start_at DESC, id DESC LIMIT $6",
                         p, c, row, user);
}

enum db_status
db_appointment_notice_starts(struct db *db, const char *jobcenter_id, const char *case_id,
                             int64_t *start, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(start), DB_COL_END };
    return db_query_each(db,
                         "SELECT start_at FROM appointments WHERE jobcenter_id = $1"
                         " AND case_id = $2 AND legal_notice = 1"
                         " AND (attendance IS NULL OR attendance <> 'cancelled')"
                         " ORDER BY start_at",
                         p, c, row, user);
}

enum db_status
db_appointment_set_attendance(struct db *db, const char *jobcenter_id, const char *id,
                              const char *attendance, int64_t at, const char *by)
{
    const struct db_param p[] = { DB_TEXT(id),  DB_TEXT(jobcenter_id), DB_TEXT(attendance),
                                  DB_INT64(at), DB_TEXT(by),           DB_PARAM_END };
    return db_exec(db,
                   "UPDATE appointments SET attendance = $3, attendance_at = $4,"
                   " attendance_by = $5 WHERE id = $1 AND jobcenter_id = $2",
                   p);
}
