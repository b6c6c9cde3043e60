/*
 * tests/unit/util/test_date.c — calendar dates and instants through date.h:
 * strict parsing, German forms, month arithmetic at month ends (the domain rules
 * section 4), day numbers, and Berlin wall-clock dates around midnight and
 * the DST changes. date_init() runs once before the tests.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/date.h"

#include <string.h>

static struct date
mk(int y, int m, int d)
{
    return (struct date){ y, m, d };
}

static void
assert_date(struct date got, int y, int m, int d)
{
    if (got.y != y || got.m != m || got.d != d)
        fail_msg("got %04d-%02d-%02d, want %04d-%02d-%02d", got.y, got.m, got.d, y, m, d);
}

/* "YYYY-MM-DD" into a date; the test fails when it does not parse. */
static struct date
ymd(const char *s)
{
    struct date d;
    if (!date_parse(s, &d))
        fail_msg("date_parse refused %s", s);
    return d;
}

/* An RFC 3339 instant; the test fails when it does not parse. */
static int64_t
utc(const char *s)
{
    int64_t t;
    if (!instant_parse(s, &t))
        fail_msg("instant_parse refused %s", s);
    return t;
}

static void
parse_accepts_real_days_only(void **state)
{
    (void)state;
    struct date d;
    static const char *const good[] = {
        "2026-01-01", "2028-02-29", "2000-02-29", "1900-01-01",
        "2199-12-31", "2026-12-31", "2026-04-30",
    };
    static const char *const bad[] = {
        "2026-02-29", "1900-02-29",           "2100-02-29",  "2026-13-01",  "2026-00-10",
        "2026-04-31", "2026-01-00",           "2026-01-32",  "2026-1-01",   "2026-01-1",
        "26-01-01",   "2026-01-01x",          "2026-01-01 ", " 2026-01-01", "2026/01/01",
        "1899-12-31", "2200-01-01",           "0000-01-01",  "+026-01-01",  "2026-0a-01",
        "",           "2026-01-01T00:00:00Z", "20260101",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!date_parse(good[i], &d))
            fail_msg("%s refused", good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        d = mk(1, 1, 1);
        if (date_parse(bad[i], &d))
            fail_msg("%s accepted", bad[i]);
        assert_date(d, 1, 1, 1); /* OUT untouched on failure */
    }
    assert_true(date_parse("2028-02-29", &d));
    assert_date(d, 2028, 2, 29);
}

static void
valid_and_none(void **state)
{
    (void)state;
    assert_true(date_is_none(DATE_NONE));
    assert_false(date_valid(DATE_NONE));
    assert_false(date_is_none(mk(2026, 1, 1)));
    assert_true(date_valid(mk(2028, 2, 29)));
    assert_false(date_valid(mk(2026, 2, 29)));
    assert_false(date_valid(mk(2026, 6, 31)));
    assert_false(date_valid(mk(10000, 1, 1)));
    assert_true(date_valid(mk(1, 1, 1)));
}

static void
format_and_german_forms(void **state)
{
    (void)state;
    char out[11];
    struct date d;

    date_format(mk(2026, 3, 5), out);
    assert_string_equal(out, "2026-03-05");
    date_format_de(mk(2026, 3, 5), out);
    assert_string_equal(out, "05.03.2026");
    date_format(DATE_NONE, out);
    assert_string_equal(out, "");
    date_format_de(DATE_NONE, out);
    assert_string_equal(out, "");

    assert_true(date_parse_de("29.02.2028", &d));
    assert_date(d, 2028, 2, 29);
    assert_true(date_parse_de("31.12.2199", &d));
    assert_true(date_parse_de("01.01.1900", &d));
    static const char *const bad[] = {
        "29.02.2026", "1.2.2026",   "01.02.26",   "31.04.2026",  "01.13.2026",
        "00.01.2026", "01-02-2026", "2026-02-01", "01.02.2026 ", "01.02.20265",
        "31.12.1899", "01.01.2200", "",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (date_parse_de(bad[i], &d))
            fail_msg("%s accepted", bad[i]);
    }

    /* round trip in both forms over three years */
    for (struct date x = mk(2027, 1, 1); date_cmp(x, mk(2030, 1, 1)) < 0; x = date_add_days(x, 1)) {
        struct date back;
        date_format(x, out);
        assert_true(date_parse(out, &back));
        assert_int_equal(date_cmp(back, x), 0);
        date_format_de(x, out);
        assert_true(date_parse_de(out, &back));
        assert_int_equal(date_cmp(back, x), 0);
    }
}

static void
add_months_keeps_day_or_takes_month_end(void **state)
{
    (void)state;
    static const struct {
        const char *from;
        int months;
        const char *want;
    } cases[] = {
        { "2026-01-31", 1, "2026-02-28" },  { "2028-01-31", 1, "2028-02-29" },
        { "2026-08-31", 6, "2027-02-28" }, /* the domain rules: 31 Aug + 6 months */
        { "2027-08-31", 6, "2028-02-29" },  { "2026-04-30", 10, "2027-02-28" },
        { "2026-04-30", 1, "2026-05-30" },  { "2026-05-31", 1, "2026-06-30" },
        { "2026-03-31", 6, "2026-09-30" },  { "2026-01-15", 6, "2026-07-15" },
        { "2026-07-15", 6, "2027-01-15" },  { "2028-02-29", 12, "2029-02-28" },
        { "2028-02-29", 48, "2032-02-29" }, { "2026-03-01", 24, "2028-03-01" },
        { "2026-02-28", 24, "2028-02-28" }, { "2026-12-31", 24, "2028-12-31" },
        { "2027-02-28", 0, "2027-02-28" },  { "2026-12-15", 1, "2027-01-15" },
        { "2026-11-30", 3, "2027-02-28" },  { "2026-01-31", 25, "2028-02-29" },
        { "2100-01-31", 1, "2100-02-28" },  { "2000-01-31", 1, "2000-02-29" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct date got = date_add_months(ymd(cases[i].from), cases[i].months);
        char out[11];
        date_format(got, out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%s %+d months: got %s, want %s", cases[i].from, cases[i].months, out,
                     cases[i].want);
    }
}

static void
add_months_backwards(void **state)
{
    (void)state;
    assert_date(date_add_months(ymd("2027-02-28"), -6), 2026, 8, 28);
    assert_date(date_add_months(ymd("2026-03-31"), -1), 2026, 2, 28);
    assert_date(date_add_months(ymd("2028-03-31"), -1), 2028, 2, 29);
    assert_date(date_add_months(ymd("2026-01-15"), -1), 2025, 12, 15);
    assert_date(date_add_months(ymd("2026-01-31"), -13), 2024, 12, 31);
    assert_date(date_add_months(ymd("2029-02-28"), -12), 2028, 2, 28);
    assert_date(date_add_months(ymd("2026-12-31"), -24), 2024, 12, 31);
    assert_date(date_add_months(ymd("2026-05-31"), -3), 2026, 2, 28);
    assert_date(date_add_months(ymd("2026-01-01"), -120), 2016, 1, 1);
    /* there and back again keeps the day when it exists in both months */
    for (int n = -30; n <= 30; n++)
        assert_date(date_add_months(date_add_months(ymd("2026-06-15"), n), -n), 2026, 6, 15);
    /* none and out of range give none */
    assert_true(date_is_none(date_add_months(DATE_NONE, 1)));
    assert_true(date_is_none(date_add_months(mk(2026, 2, 30), 1)));
    assert_true(date_is_none(date_add_months(mk(1, 1, 1), -1)));
    assert_true(date_is_none(date_add_months(mk(9999, 12, 1), 1)));
}

static void
days_round_trip_over_a_wide_range(void **state)
{
    (void)state;
    assert_int_equal(date_to_days(mk(1970, 1, 1)), 0);
    assert_int_equal(date_to_days(mk(1969, 12, 31)), -1);
    assert_int_equal(date_to_days(mk(2026, 11, 25)), 20782);
    assert_int_equal(date_to_days(mk(1900, 1, 1)), -25567);
    assert_int_equal(date_to_days(mk(1, 1, 1)), -719162);
    assert_int_equal(date_to_days(mk(9999, 12, 31)), 2932896);
    assert_date(date_from_days(0), 1970, 1, 1);
    assert_date(date_from_days(20782), 2026, 11, 25);
    assert_true(date_is_none(date_from_days(-719163)));
    assert_true(date_is_none(date_from_days(2932897)));

    /* every day from 1600 to 2400: from_days inverts to_days, and the next
     * day number is the next calendar day, counted by hand */
    struct date d = mk(1600, 1, 1);
    int64_t n = date_to_days(d);
    while (d.y <= 2400) {
        struct date back = date_from_days(n);
        if (date_cmp(back, d) != 0)
            fail_msg("day %lld: got %d-%d-%d, want %d-%d-%d", (long long)n, back.y, back.m, back.d,
                     d.y, d.m, d.d);
        assert_int_equal(date_to_days(d), n);
        struct date next = { d.y, d.m, d.d + 1 };
        if (!date_valid(next))
            next = d.m == 12 ? mk(d.y + 1, 1, 1) : mk(d.y, d.m + 1, 1);
        assert_true(date_cmp(next, d) > 0);
        d = next;
        n++;
    }
    /* and the ends of the range */
    for (int64_t k = -719162; k < -719162 + 800; k++)
        assert_int_equal(date_to_days(date_from_days(k)), k);
    for (int64_t k = 2932896 - 800; k <= 2932896; k++)
        assert_int_equal(date_to_days(date_from_days(k)), k);
}

static void
add_days_across_year_ends(void **state)
{
    (void)state;
    assert_date(date_add_days(ymd("2026-12-31"), 1), 2027, 1, 1);
    assert_date(date_add_days(ymd("2027-01-01"), -1), 2026, 12, 31);
    assert_date(date_add_days(ymd("2028-02-28"), 1), 2028, 2, 29);
    assert_date(date_add_days(ymd("2028-02-28"), 2), 2028, 3, 1);
    assert_date(date_add_days(ymd("2026-02-28"), 1), 2026, 3, 1);
    assert_date(date_add_days(ymd("2028-01-01"), 366), 2029, 1, 1);
    assert_date(date_add_days(ymd("2026-12-20"), 14), 2027, 1, 3);
    assert_date(date_add_days(ymd("2027-01-03"), -14), 2026, 12, 20);
    assert_date(date_add_days(ymd("1999-12-31"), 1), 2000, 1, 1);
    assert_date(date_add_days(ymd("2026-01-01"), 0), 2026, 1, 1);
    assert_true(date_is_none(date_add_days(DATE_NONE, 1)));
    assert_true(date_is_none(date_add_days(mk(9999, 12, 31), 1)));
}

static void
cmp_orders_dates(void **state)
{
    (void)state;
    assert_true(date_cmp(ymd("2026-01-01"), ymd("2026-01-02")) < 0);
    assert_true(date_cmp(ymd("2026-02-01"), ymd("2026-01-31")) > 0);
    assert_true(date_cmp(ymd("2025-12-31"), ymd("2026-01-01")) < 0);
    assert_int_equal(date_cmp(ymd("2026-05-05"), ymd("2026-05-05")), 0);
}

static void
today_berlin_around_midnight_and_dst(void **state)
{
    (void)state;
    static const struct {
        const char *instant;
        const char *want;
    } cases[] = {
        /* winter: UTC+1 */
        { "2026-01-15T22:59:59Z", "2026-01-15" },
        { "2026-01-15T23:00:00Z", "2026-01-16" },
        { "2026-12-31T22:59:59Z", "2026-12-31" },
        { "2026-12-31T23:00:00Z", "2027-01-01" },
        /* the night clocks go forward: 29 March 2026, 02:00 CET -> 03:00 CEST */
        { "2026-03-28T22:59:59Z", "2026-03-28" },
        { "2026-03-28T23:30:00Z", "2026-03-29" },
        { "2026-03-29T21:59:59Z", "2026-03-29" },
        { "2026-03-29T22:00:00Z", "2026-03-30" },
        /* summer: UTC+2 */
        { "2026-07-01T21:59:59Z", "2026-07-01" },
        { "2026-07-01T22:00:00Z", "2026-07-02" },
        /* the night clocks go back: 25 October 2026, 03:00 CEST -> 02:00 CET */
        { "2026-10-24T21:59:59Z", "2026-10-24" },
        { "2026-10-24T22:30:00Z", "2026-10-25" },
        { "2026-10-25T22:59:59Z", "2026-10-25" },
        { "2026-10-25T23:00:00Z", "2026-10-26" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char out[11];
        date_format(date_today_berlin((time_t)utc(cases[i].instant)), out);
        if (strcmp(out, cases[i].want) != 0)
            fail_msg("%s: got %s, want %s", cases[i].instant, out, cases[i].want);
    }
}

static void
instant_parse_and_format_utc(void **state)
{
    (void)state;
    char out[21];
    int64_t t;

    assert_int_equal(utc("1970-01-01T00:00:00Z"), 0);
    assert_int_equal(utc("2026-11-25T09:30:00Z"), 1795599000);
    assert_int_equal(utc("2000-02-29T12:34:56Z"), 951827696);
    assert_int_equal(utc("1900-01-01T00:00:00Z"), -2208988800LL);
    assert_int_equal(utc("2199-12-31T23:59:59Z"), 7258118399LL);
    assert_int_equal(utc("1969-12-31T23:59:59Z"), -1);

    instant_format_utc(1795599000, out);
    assert_string_equal(out, "2026-11-25T09:30:00Z");
    instant_format_utc(-1, out);
    assert_string_equal(out, "1969-12-31T23:59:59Z");
    instant_format_utc(-2208988800LL, out);
    assert_string_equal(out, "1900-01-01T00:00:00Z");
    instant_format_utc(253402300800LL, out); /* year 10000 */
    assert_string_equal(out, "");

    /* round trip, every 7 hours 13 minutes 17 seconds over 50 years */
    for (t = utc("1990-01-01T00:00:00Z"); t < utc("2040-01-01T00:00:00Z"); t += 25997) {
        int64_t back;
        instant_format_utc(t, out);
        assert_true(instant_parse(out, &back));
        assert_int_equal(back, t);
    }

    /* offsets and fractions */
    assert_int_equal(utc("2026-11-25T10:30:00+01:00"), 1795599000);
    assert_int_equal(utc("2026-11-25T04:00:00-05:30"), 1795599000);
    assert_int_equal(utc("2026-11-26T00:30:00+15:00"), 1795599000);
    assert_int_equal(utc("2026-11-25T09:30:00-00:00"), 1795599000);
    assert_int_equal(utc("2026-11-25T09:30:00+00:00"), 1795599000);
    assert_int_equal(utc("2026-11-25T09:30:00.999Z"), 1795599000);
    assert_int_equal(utc("2026-11-25T09:30:00.0+00:00"), 1795599000);
    assert_int_equal(utc("2026-11-25T09:30:00.123456789Z"), 1795599000);
    assert_int_equal(utc("2026-11-25t09:30:00z"), 1795599000);
    assert_int_equal(utc("2027-01-01T00:30:00+01:00"), utc("2026-12-31T23:30:00Z"));

    static const char *const bad[] = {
        "2026-11-25T09:30:00",
        "2026-11-25 09:30:00Z",
        "2026-11-25T09:30Z",
        "2026-11-25T24:00:00Z",
        "2026-11-25T09:60:00Z",
        "2026-11-25T09:30:60Z",
        "2026-02-29T09:30:00Z",
        "2026-13-01T09:30:00Z",
        "2026-11-25T09:30:00.Z",
        "2026-11-25T09:30:00ZZ",
        "2026-11-25T09:30:00Z ",
        "2026-11-25T09:30:00+0100",
        "2026-11-25T09:30:00+01",
        "2026-11-25T09:30:00+24:00",
        "2026-11-25T09:30:00+01:60",
        "2026-11-25T9:30:00Z",
        "26-11-25T09:30:00Z",
        "1899-12-31T23:59:59Z",
        "2200-01-01T00:00:00Z",
        "2026-11-25T09:30:00+01:00x",
        "",
        "2026-11-25",
        "2026-11-25T09:30:00,5Z",
        "2026-11-25T09:30:00UTC",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        t = 42;
        if (instant_parse(bad[i], &t))
            fail_msg("%s accepted", bad[i]);
        assert_int_equal(t, 42);
    }
}

static void
instant_format_berlin_summer_and_winter(void **state)
{
    (void)state;
    char out[18];

    instant_format_berlin(utc("2026-11-25T09:30:00Z"), out);
    assert_string_equal(out, "25.11.2026, 10:30");
    instant_format_berlin(utc("2026-07-01T12:00:00Z"), out);
    assert_string_equal(out, "01.07.2026, 14:00");
    instant_format_berlin(utc("2026-12-31T23:05:00Z"), out);
    assert_string_equal(out, "01.01.2027, 00:05");
    /* the hour that does not exist, and the hour that happens twice */
    instant_format_berlin(utc("2026-03-29T00:59:00Z"), out);
    assert_string_equal(out, "29.03.2026, 01:59");
    instant_format_berlin(utc("2026-03-29T01:00:00Z"), out);
    assert_string_equal(out, "29.03.2026, 03:00");
    instant_format_berlin(utc("2026-10-25T00:30:00Z"), out);
    assert_string_equal(out, "25.10.2026, 02:30");
    instant_format_berlin(utc("2026-10-25T01:30:00Z"), out);
    assert_string_equal(out, "25.10.2026, 02:30");
    instant_format_berlin(utc("2026-10-25T02:00:00Z"), out);
    assert_string_equal(out, "25.10.2026, 03:00");
}

static int
setup(void **state)
{
    (void)state;
    date_init();
    return 0;
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_accepts_real_days_only),
        cmocka_unit_test(valid_and_none),
        cmocka_unit_test(format_and_german_forms),
        cmocka_unit_test(add_months_keeps_day_or_takes_month_end),
        cmocka_unit_test(add_months_backwards),
        cmocka_unit_test(days_round_trip_over_a_wide_range),
        cmocka_unit_test(add_days_across_year_ends),
        cmocka_unit_test(cmp_orders_dates),
        cmocka_unit_test(today_berlin_around_midnight_and_dst),
        cmocka_unit_test(instant_parse_and_format_utc),
        cmocka_unit_test(instant_format_berlin_summer_and_winter),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
