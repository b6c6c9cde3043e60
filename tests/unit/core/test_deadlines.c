/*
 * tests/unit/core/test_deadlines.c — the deadlines module: continuation
 * review, plan review, two-year limit, aftercare and "not reached", at month
 * ends, on 29 February and across the daylight-saving changes; local rules
 * of a Jobcenter within their bounds, and law that no row can move.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/deadlines.h"
#include "fixture.h"
#include "util/date.h"

static struct date
d(const char *s)
{
    struct date out;
    if (!date_parse(s, &out))
        fail_msg("bad date in test: %s", s);
    return out;
}

static void
expect_date(struct date got, const char *want)
{
    char s[11];
    date_format(got, s);
    assert_string_equal(s, want);
}

static void
defaults_follow_the_domain_rules(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    assert_int_equal(r.v[RULE_CONTINUATION_MONTHS], 6);
    assert_int_equal(r.v[RULE_LIMIT_MONTHS], 24);
    assert_int_equal(r.v[RULE_PLAN_REVIEW_MONTHS], 6);
    assert_int_equal(r.v[RULE_AFTERCARE_MONTHS], 6);
    /* law is built in; local policy is marked as such */
    assert_false(rule_defs[RULE_PLAN_REVIEW_MONTHS].local);
    assert_false(rule_defs[RULE_AFTERCARE_MONTHS].local);
    assert_true(rule_defs[RULE_CONTINUATION_MONTHS].local);
    assert_true(rule_defs[RULE_LIMIT_MONTHS].local);
    assert_string_equal(rule_defs[RULE_PLAN_REVIEW_MONTHS].mark, "LAW?");
    assert_int_equal(rule_by_key("limit_months"), RULE_LIMIT_MONTHS);
    assert_int_equal(rule_by_key("nonsense"), RULE_COUNT);
    assert_int_equal(rule_by_key(NULL), RULE_COUNT);
}

static void
six_months_at_month_ends(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    /* the domain example: 31 Aug + 6 months = 28/29 Feb */
    expect_date(deadline_first_review(&r, d("2026-08-31")), "2027-02-28");
    expect_date(deadline_first_review(&r, d("2027-08-31")), "2028-02-29");
    expect_date(deadline_plan_review(&r, d("2026-08-31")), "2027-02-28");
    expect_date(deadline_next_review(&r, d("2026-12-31")), "2027-06-30");
    expect_date(deadline_next_review(&r, d("2026-03-31")), "2026-09-30");
    expect_date(deadline_first_review(&r, d("2026-11-25")), "2027-05-25");
    /* across the year */
    expect_date(deadline_first_review(&r, d("2026-07-15")), "2027-01-15");
}

static void
two_year_limit_from_29_february(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    expect_date(deadline_limit(&r, d("2024-02-29")), "2026-02-28");
    expect_date(deadline_limit(&r, d("2026-11-25")), "2028-11-25");
    /* 4 years from a leap day lands on a leap day again */
    r.v[RULE_LIMIT_MONTHS] = 48;
    expect_date(deadline_limit(&r, d("2024-02-29")), "2028-02-29");
    /* reached on the day itself, not before */
    assert_false(deadline_limit_reached(d("2028-11-25"), d("2028-11-24")));
    assert_true(deadline_limit_reached(d("2028-11-25"), d("2028-11-25")));
    assert_true(deadline_limit_reached(d("2028-11-25"), d("2029-01-01")));
    assert_false(deadline_limit_reached(DATE_NONE, d("2029-01-01")));
}

static void
aftercare_ends_the_day_before_six_months(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    expect_date(deadline_aftercare_end(&r, d("2026-03-01")), "2026-08-31");
    expect_date(deadline_aftercare_end(&r, d("2026-08-31")), "2027-02-27");
    expect_date(deadline_aftercare_end(&r, d("2027-08-31")), "2028-02-28");
}

static void
unreached_after_the_configured_number(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    assert_false(deadline_unreached(&r, 0));
    assert_false(deadline_unreached(&r, 2));
    assert_true(deadline_unreached(&r, 3));
    r.v[RULE_UNREACHED_AFTER] = 5;
    assert_false(deadline_unreached(&r, 4));
    assert_true(deadline_unreached(&r, 5));
}

static void
today_is_the_berlin_calendar_day(void **state)
{
    (void)state;
    struct core_ctx c = { 0 };
    /* 2026-03-28T23:30:00Z is already 29 March in Berlin (UTC+1) */
    c.now_us = 1774740600LL * 1000000;
    expect_date(deadline_today(&c), "2026-03-29");
    /* 2026-10-24T22:30:00Z is 25 October 00:30 in Berlin (UTC+2) */
    c.now_us = 1792881000LL * 1000000;
    expect_date(deadline_today(&c), "2026-10-25");
    /* 2026-10-25T22:30:00Z is 25 October 23:30 (back on UTC+1) */
    c.now_us = 1792967400LL * 1000000;
    expect_date(deadline_today(&c), "2026-10-25");
}

static void
wall_clock_times_across_daylight_saving(void **state)
{
    (void)state;
    int64_t t;
    /* winter: 09:30 Berlin = 08:30 UTC */
    assert_true(instant_from_berlin(d("2026-11-25"), 9, 30, &t));
    char s[21];
    instant_format_utc(t, s);
    assert_string_equal(s, "2026-11-25T08:30:00Z");
    /* summer: 09:30 Berlin = 07:30 UTC */
    assert_true(instant_from_berlin(d("2026-07-01"), 9, 30, &t));
    instant_format_utc(t, s);
    assert_string_equal(s, "2026-07-01T07:30:00Z");
    /* the day summer time starts: 01:30 is still UTC+1, 03:30 already UTC+2 */
    assert_true(instant_from_berlin(d("2026-03-29"), 1, 30, &t));
    instant_format_utc(t, s);
    assert_string_equal(s, "2026-03-29T00:30:00Z");
    assert_true(instant_from_berlin(d("2026-03-29"), 3, 30, &t));
    instant_format_utc(t, s);
    assert_string_equal(s, "2026-03-29T01:30:00Z");
    /* and back: the parts of an instant */
    struct date day;
    int h, m;
    instant_berlin_parts(t, &day, &h, &m);
    expect_date(day, "2026-03-29");
    assert_int_equal(h, 3);
    assert_int_equal(m, 30);
    /* bad input */
    assert_false(instant_from_berlin(d("2026-03-29"), 24, 0, &t));
    assert_false(instant_from_berlin(d("2026-03-29"), 10, 60, &t));
    assert_false(instant_from_berlin(DATE_NONE, 10, 0, &t));
    assert_true(time_parse_hm("09:30", &h, &m) && h == 9 && m == 30);
    assert_true(time_parse_hm("9:05", &h, &m) && h == 9 && m == 5);
    assert_false(time_parse_hm("24:00", &h, &m));
    assert_false(time_parse_hm("9.30", &h, &m));
    assert_false(time_parse_hm("09:3", &h, &m));
    assert_false(time_parse_hm("", &h, &m));
}

static void
local_rules_apply_within_bounds_and_never_to_law(void **state)
{
    struct fixture *f = *state;
    struct rules r;
    assert_int_equal(rules_load(f->db, "jc_a", &r), CORE_OK);
    assert_int_equal(r.v[RULE_LIMIT_MONTHS], 24);
    assert_int_equal(db_rule_set(f->db, "jc_a", "limit_months", 36, NULL, 1), DB_NO_ROWS);
    assert_int_equal(db_rule_set(f->db, "jc_a", "continuation_months", 3, NULL, 1), DB_NO_ROWS);
    /* a row for a rule that is law, and one out of bounds, change nothing */
    assert_int_equal(db_rule_set(f->db, "jc_a", "plan_review_months", 12, NULL, 1), DB_NO_ROWS);
    assert_int_equal(db_rule_set(f->db, "jc_a", "unreached_after", 99, NULL, 1), DB_NO_ROWS);
    assert_int_equal(rules_load(f->db, "jc_a", &r), CORE_OK);
    assert_int_equal(r.v[RULE_LIMIT_MONTHS], 36);
    assert_int_equal(r.v[RULE_CONTINUATION_MONTHS], 3);
    assert_int_equal(r.v[RULE_PLAN_REVIEW_MONTHS], 6);
    assert_int_equal(r.v[RULE_UNREACHED_AFTER], 3);
    expect_date(deadline_first_review(&r, d("2026-11-30")), "2027-02-28");
    expect_date(deadline_limit(&r, d("2026-11-25")), "2029-11-25");
    /* setting it again replaces the value; another Jobcenter keeps the defaults */
    assert_int_equal(db_rule_set(f->db, "jc_a", "limit_months", 30, NULL, 2), DB_NO_ROWS);
    assert_int_equal(rules_load(f->db, "jc_a", &r), CORE_OK);
    assert_int_equal(r.v[RULE_LIMIT_MONTHS], 30);
    assert_int_equal(rules_load(f->db, "jc_b", &r), CORE_OK);
    assert_int_equal(r.v[RULE_LIMIT_MONTHS], 24);
}

int
main(void)
{
    date_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_follow_the_domain_rules),
        cmocka_unit_test(six_months_at_month_ends),
        cmocka_unit_test(two_year_limit_from_29_february),
        cmocka_unit_test(aftercare_ends_the_day_before_six_months),
        cmocka_unit_test(unreached_after_the_configured_number),
        cmocka_unit_test(today_is_the_berlin_calendar_day),
        cmocka_unit_test(wall_clock_times_across_daylight_saving),
        cmocka_unit_test_setup_teardown(local_rules_apply_within_bounds_and_never_to_law,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests_name("core/deadlines", tests, NULL, NULL);
}
