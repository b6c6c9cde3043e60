/*
 * util/date.c — calendar dates and instants; see date.h.
 * Civil dates are converted to and from day numbers by arithmetic on the
 * proleptic Gregorian calendar (the "days from civil" algorithm: years start
 * in March, so the leap day is the last day of its year), never by mktime().
 * Only the Berlin wall clock uses the C library: localtime_r() with TZ set by
 * date_init(). Formatting writes digits by hand, so no buffer can overflow.
 */
#include "util/date.h"

#include <stdlib.h>
#include <string.h>

enum { SECS_PER_DAY = 86400 };

static bool
is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

bool
date_valid(struct date d)
{
    return d.y >= 1 && d.y <= 9999 && d.m >= 1 && d.m <= 12 && d.d >= 1 &&
           d.d <= days_in_month(d.y, d.m);
}

bool
date_is_none(struct date d)
{
    return d.y == 0 && d.m == 0 && d.d == 0;
}

/* Floor division and modulo for a positive divisor. */
static int64_t
floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t
date_to_days(struct date d)
{
    int64_t y = d.m <= 2 ? d.y - 1 : d.y;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                         /* 0..399 */
    int64_t mp = d.m > 2 ? d.m - 3 : d.m + 9;            /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d.d - 1;          /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * 146097 + doe - 719468;
}

/* DATE_NONE for a day outside 0001-01-01 .. 9999-12-31. */
struct date
date_from_days(int64_t days)
{
    if (days < -719162 || days > 2932896)
        return DATE_NONE;
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;                                      /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                    /* 0..11 */
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    return (struct date){ (int)y, m, d };
}

int
date_cmp(struct date a, struct date b)
{
    if (a.y != b.y)
        return a.y < b.y ? -1 : 1;
    if (a.m != b.m)
        return a.m < b.m ? -1 : 1;
    if (a.d != b.d)
        return a.d < b.d ? -1 : 1;
    return 0;
}

/* DATE_NONE or an invalid date in gives DATE_NONE out, and so does a result
 * outside the years 1..9999. */
struct date
date_add_days(struct date d, int n)
{
    if (!date_valid(d))
        return DATE_NONE;
    return date_from_days(date_to_days(d) + n);
}

/* Same rules for DATE_NONE, invalid dates and the year range as
 * date_add_days(). */
struct date
date_add_months(struct date d, int n)
{
    if (!date_valid(d))
        return DATE_NONE;
    int64_t months = (int64_t)d.y * 12 + (d.m - 1) + n;
    int64_t y = floor_div(months, 12);
    if (y < 1 || y > 9999)
        return DATE_NONE;
    struct date r = { (int)y, (int)(months - y * 12) + 1, 0 };
    int last = days_in_month(r.y, r.m);
    r.d = d.d < last ? d.d : last;
    return r;
}

/* --- text --------------------------------------------------------------- */

/* Read exactly N decimal digits at S into *OUT. */
static bool
read_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

/* Write V as exactly N digits at P (V must fit); returns P + N. */
static char *
put_digits(char *p, int v, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        p[i] = (char)('0' + v % 10);
        v /= 10;
    }
    return p + n;
}

/* The range date_parse() and friends accept. */
static bool
date_in_range(struct date d)
{
    return date_valid(d) && d.y >= 1900 && d.y <= 2199;
}

bool
date_parse(const char *s, struct date *out)
{
    struct date d;
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !read_digits(s, 4, &d.y) ||
        !read_digits(s + 5, 2, &d.m) || !read_digits(s + 8, 2, &d.d) || !date_in_range(d))
        return false;
    *out = d;
    return true;
}

bool
date_parse_de(const char *s, struct date *out)
{
    struct date d;
    if (strlen(s) != 10 || s[2] != '.' || s[5] != '.' || !read_digits(s, 2, &d.d) ||
        !read_digits(s + 3, 2, &d.m) || !read_digits(s + 6, 4, &d.y) || !date_in_range(d))
        return false;
    *out = d;
    return true;
}

/* Anything but a valid date (DATE_NONE included) formats as "". */
void
date_format(struct date d, char out[11])
{
    if (!date_valid(d)) {
        out[0] = '\0';
        return;
    }
    char *p = put_digits(out, d.y, 4);
    *p++ = '-';
    p = put_digits(p, d.m, 2);
    *p++ = '-';
    p = put_digits(p, d.d, 2);
    *p = '\0';
}

void
date_format_de(struct date d, char out[11])
{
    if (!date_valid(d)) {
        out[0] = '\0';
        return;
    }
    char *p = put_digits(out, d.d, 2);
    *p++ = '.';
    p = put_digits(p, d.m, 2);
    *p++ = '.';
    p = put_digits(p, d.y, 4);
    *p = '\0';
}

/* --- Berlin ------------------------------------------------------------- */

/* Broken-down Berlin time of T; false when the C library cannot say. */
static bool
berlin_tm(int64_t t, struct tm *tm)
{
    time_t tt = (time_t)t;
    if ((int64_t)tt != t)
        return false;
    return localtime_r(&tt, tm) != NULL;
}

struct date
date_today_berlin(time_t now)
{
    struct tm tm;
    if (!berlin_tm((int64_t)now, &tm))
        return DATE_NONE;
    struct date d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    return date_valid(d) ? d : DATE_NONE;
}

/* "" when T is outside the years 1..9999. */
void
instant_format_berlin(int64_t t, char out[18])
{
    struct tm tm;
    out[0] = '\0';
    if (!berlin_tm(t, &tm))
        return;
    struct date d = { tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    if (!date_valid(d))
        return;
    date_format_de(d, out);
    char *p = out + 10;
    *p++ = ',';
    *p++ = ' ';
    p = put_digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = put_digits(p, tm.tm_min, 2);
    *p = '\0';
}

bool
time_parse_hm(const char *s, int *hour, int *minute)
{
    int h, m;
    size_t n = strlen(s);
    if (n == 4 && s[1] == ':' && read_digits(s, 1, &h) && read_digits(s + 2, 2, &m))
        ; /* 9:30 */
    else if (n != 5 || s[2] != ':' || !read_digits(s, 2, &h) || !read_digits(s + 3, 2, &m))
        return false;
    if (h > 23 || m > 59)
        return false;
    *hour = h;
    *minute = m;
    return true;
}

bool
instant_from_berlin(struct date d, int hour, int minute, int64_t *out)
{
    if (!date_in_range(d) || hour < 0 || hour > 23 || minute < 0 || minute > 59)
        return false;
    struct tm tm = { .tm_year = d.y - 1900,
                     .tm_mon = d.m - 1,
                     .tm_mday = d.d,
                     .tm_hour = hour,
                     .tm_min = minute,
                     .tm_isdst = -1 };
    time_t t = mktime(&tm); /* the process zone is Europe/Berlin (date_init) */
    if (t == (time_t)-1 && !(tm.tm_year == 69 && tm.tm_mon == 11 && tm.tm_mday == 31))
        return false;
    *out = (int64_t)t;
    return true;
}

void
instant_berlin_parts(int64_t t, struct date *d, int *hour, int *minute)
{
    struct tm tm;
    if (!berlin_tm(t, &tm)) {
        *d = DATE_NONE;
        *hour = *minute = 0;
        return;
    }
    *d = (struct date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
    *hour = tm.tm_hour;
    *minute = tm.tm_min;
}

/* The rules of Europe/Berlin since 1996, for a system without tzdata. */
static const char berlin_posix_tz[] = "CET-1CEST,M3.5.0,M10.5.0/3";

void
date_init(void)
{
    setenv("TZ", "Europe/Berlin", 1);
    tzset();
    /* Without /usr/share/zoneinfo glibc silently uses UTC. 2026-07-01T12:00Z
     * must be 14:00 in Berlin; if it is not, fall back to the POSIX rule. */
    struct tm tm;
    time_t probe = 1782907200;
    if (!localtime_r(&probe, &tm) || tm.tm_hour != 14) {
        setenv("TZ", berlin_posix_tz, 1);
        tzset();
    }
}

/* --- instants (UTC) ----------------------------------------------------- */

/* "" when T is outside the years 1..9999. */
void
instant_format_utc(int64_t t, char out[21])
{
    out[0] = '\0';
    /* 0001-01-01 .. 9999-12-31T23:59:59 */
    if (t < -62135596800 || t > 253402300799)
        return;
    int64_t days = floor_div(t, SECS_PER_DAY);
    int secs = (int)(t - days * SECS_PER_DAY);
    date_format(date_from_days(days), out);
    char *p = out + 10;
    *p++ = 'T';
    p = put_digits(p, secs / 3600, 2);
    *p++ = ':';
    p = put_digits(p, secs / 60 % 60, 2);
    *p++ = ':';
    p = put_digits(p, secs % 60, 2);
    *p++ = 'Z';
    *p = '\0';
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM).
 * T and Z may be lower case (RFC 3339 5.6). The date must be a real day in
 * 1900..2199 as for date_parse(); a leap second (:60) is refused, as Unix time
 * cannot hold it. The fraction is dropped (rounded down to the second). */
bool
instant_parse(const char *s, int64_t *out)
{
    struct date d;
    int hh, mm, ss;

    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't') ||
        s[13] != ':' || s[16] != ':')
        return false;
    if (!read_digits(s, 4, &d.y) || !read_digits(s + 5, 2, &d.m) || !read_digits(s + 8, 2, &d.d) ||
        !read_digits(s + 11, 2, &hh) || !read_digits(s + 14, 2, &mm) ||
        !read_digits(s + 17, 2, &ss))
        return false;
    if (!date_in_range(d) || hh > 23 || mm > 59 || ss > 59)
        return false;

    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return false;
        while (*p >= '0' && *p <= '9')
            p++;
    }

    int offset = 0;
    if ((*p == 'Z' || *p == 'z') && p[1] == '\0') {
        offset = 0;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh, om;
        if (!read_digits(p + 1, 2, &oh) || !read_digits(p + 4, 2, &om) || oh > 23 || om > 59)
            return false;
        offset = (oh * 60 + om) * 60;
        if (*p == '-')
            offset = -offset;
    } else {
        return false;
    }
    *out = date_to_days(d) * SECS_PER_DAY + hh * 3600 + mm * 60 + ss - offset;
    return true;
}
