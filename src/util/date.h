/*
 * util/date.h — calendar dates (Europe/Berlin) and instants (UTC).
 * Dates that the law counts are plain calendar dates; all deadline arithmetic
 * builds on date_add_months(). Instants are Unix seconds, shown in Berlin time.
 */
#ifndef LOTSE_UTIL_DATE_H
#define LOTSE_UTIL_DATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct date {
    int y, m, d; /* 1..9999, 1..12, 1..31; {0,0,0} means "no date" */
};

#define DATE_NONE ((struct date){ 0, 0, 0 })

bool date_valid(struct date d);
bool date_is_none(struct date d);
/* Strict YYYY-MM-DD, a real calendar day between 1900-01-01 and 2199-12-31. */
bool date_parse(const char *s, struct date *out);
/* Strict TT.MM.JJJJ (German form input), same range. */
bool date_parse_de(const char *s, struct date *out);
/* YYYY-MM-DD into OUT (11 bytes); "" for DATE_NONE (and any invalid date). */
void date_format(struct date d, char out[11]);
/* TT.MM.JJJJ into OUT (11 bytes); "" for DATE_NONE (and any invalid date). */
void date_format_de(struct date d, char out[11]);
/* Days since 1970-01-01 and back (proleptic Gregorian). date_from_days() gives
 * DATE_NONE outside 0001-01-01 .. 9999-12-31. */
int64_t date_to_days(struct date d);
struct date date_from_days(int64_t days);
/* <0, 0, >0 like strcmp. */
int date_cmp(struct date a, struct date b);
/* DATE_NONE (or an invalid date) in, or a result outside the years 1..9999,
 * gives DATE_NONE; the same holds for date_add_months(). */
struct date date_add_days(struct date d, int n);
/* Keeps the day number, or takes the month's last day if it does not exist
 * (2026-08-31 + 6 months = 2027-02-28). N may be negative. */
struct date date_add_months(struct date d, int n);
/* The calendar date in Europe/Berlin at instant NOW (needs date_init()). */
struct date date_today_berlin(time_t now);

/* Instants. "2026-11-25T09:30:00Z" into OUT (21 bytes); "" outside the
 * years 1..9999. */
void instant_format_utc(int64_t t, char out[21]);
/* Strict RFC 3339 with Z or an offset; false when malformed (OUT untouched).
 * YYYY-MM-DDTHH:MM:SS, an optional fraction (dropped: rounded down to the
 * second), then Z or +HH:MM / -HH:MM. T and Z may be lower case. The date must
 * be a real day in 1900..2199 as for date_parse(); leap seconds (:60) are
 * refused. */
bool instant_parse(const char *s, int64_t *out);
/* "25.11.2026, 10:30" in Europe/Berlin into OUT (18 bytes); needs
 * date_init(). "" when the instant cannot be shown. */
void instant_format_berlin(int64_t t, char out[18]);
/* "09:30" or "9:30" (24-hour clock) into *HOUR and *MINUTE. */
bool time_parse_hm(const char *s, int *hour, int *minute);
/* The instant (Unix seconds) of wall-clock time HOUR:MINUTE on D in
 * Europe/Berlin (needs date_init()). A time that does not exist (the hour
 * skipped when summer time starts) is taken one hour later; a time that
 * occurs twice (when it ends) is taken as mktime() resolves it. False for an
 * invalid date or time. */
bool instant_from_berlin(struct date d, int hour, int minute, int64_t *out);
/* The Berlin calendar date and wall-clock time of instant T. */
void instant_berlin_parts(int64_t t, struct date *d, int *hour, int *minute);
/* Set the process time zone to Europe/Berlin; call once at start, before threads.
 * Without tzdata it falls back to the POSIX rule CET-1CEST,M3.5.0,M10.5.0/3. */
void date_init(void);

#endif
