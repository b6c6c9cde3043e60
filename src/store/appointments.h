/* store/appointments.h — queries of the case's appointments; included by queries.h (see there). */
#ifndef LOTSE_STORE_APPOINTMENTS_H
#define LOTSE_STORE_APPOINTMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* One appointment. Strings are arena copies (NULL for SQL NULL); instants
 * are microseconds since 1970 UTC. TOPICS holds the topics one per line
 * ("" when none): a topic never contains a line break. */
struct appointment_row {
    char *id, *jobcenter_id, *case_id, *channel, *topics, *purpose, *location, *attendance,
        *attendance_by, *created_by;
    int64_t start_at, minutes, legal_notice, attendance_at, created_at;
};

enum db_status db_appointment_insert(struct db *db, const struct appointment_row *r);
/* Appointment ID of JOBCENTER_ID. */
enum db_status db_appointment_get(struct db *db, const char *jobcenter_id, const char *id,
                                  struct appointment_row *out);
/* The appointments of case CASE_ID, latest start first (then id descending),
 * at most LIMIT; with AFTER_ID set, only those after the row (AFTER_START,
 * AFTER_ID) in that order (paging). */
enum db_status db_appointments_of_case(struct db *db, const char *jobcenter_id, const char *case_id,
                                       int64_t after_start, const char *after_id, int64_t limit,
                                       struct appointment_row *out, bool (*row)(void *),
                                       void *user);
/* The starts of case CASE_ID's invitations with a legal-consequences notice
 * that were not cancelled, into *START one row at a time. */
enum db_status db_appointment_notice_starts(struct db *db, const char *jobcenter_id,
                                            const char *case_id, int64_t *start,
                                            bool (*row)(void *), void *user);
/* Record ATTENDANCE of appointment ID (by user BY at instant AT). */
enum db_status db_appointment_set_attendance(struct db *db, const char *jobcenter_id,
                                             const char *id, const char *attendance, int64_t at,
                                             const char *by);

#endif
