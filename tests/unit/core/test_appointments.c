/*
 * tests/unit/core/test_appointments.c — the rules of the case's appointments:
 * the next working day (the form's default), the 4-week window of
 * invitations with a legal-consequences notice, the start's bounds (one
 * day back, two years ahead, not before the case started), the purpose
 * that a notice requires, and the counting of failed contacts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/appointments.h"
#include "core/cases.h"
#include "core/clients.h"
#include "fixture.h"

/* ---- pure rules ---- */

static void
next_working_day_skips_the_weekend(void **state)
{
    (void)state;
    struct {
        struct date from, want;
    } cases[] = {
        { { 2026, 11, 23 }, { 2026, 11, 24 } }, /* Monday → Tuesday */
        { { 2026, 11, 26 }, { 2026, 11, 27 } }, /* Thursday → Friday */
        { { 2026, 11, 27 }, { 2026, 11, 30 } }, /* Friday → Monday */
        { { 2026, 11, 28 }, { 2026, 11, 30 } }, /* Saturday → Monday */
        { { 2026, 11, 29 }, { 2026, 11, 30 } }, /* Sunday → Monday */
        { { 2027, 12, 31 }, { 2028, 1, 3 } },   /* Friday at the year's end */
        { { 2028, 2, 28 }, { 2028, 2, 29 } },   /* Monday → leap day */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_int_equal(date_cmp(appointments_next_working_day(cases[i].from), cases[i].want), 0);
}

static void
window_counts_the_fullest_four_weeks_around_a_day(void **state)
{
    (void)state;
    int64_t base = date_to_days((struct date){ 2026, 11, 2 });
    int64_t days[] = { base, base + 7, base + 14, base + 21 };
    /* all four within 28 days (day 0 .. day 27) */
    assert_int_equal(appointments_max_in_window(days, 4, base + 21, 28), 4);
    assert_int_equal(appointments_max_in_window(days, 4, base, 28), 4);
    /* 28 days apart is no longer "within 4 weeks" */
    int64_t apart[] = { base, base + 28 };
    assert_int_equal(appointments_max_in_window(apart, 2, base + 28, 28), 1);
    int64_t near[] = { base, base + 27 };
    assert_int_equal(appointments_max_in_window(near, 2, base + 27, 28), 2);
    /* a window must hold the day: far-away invitations do not count */
    int64_t spread[] = { base, base + 10, base + 20, base + 60, base + 61 };
    assert_int_equal(appointments_max_in_window(spread, 5, base + 20, 28), 3);
    assert_int_equal(appointments_max_in_window(spread, 5, base + 61, 28), 2);
    /* the day itself need not be an invitation */
    assert_int_equal(appointments_max_in_window(spread, 5, base + 40, 28), 2);
    assert_int_equal(appointments_max_in_window(NULL, 0, base, 28), 0);
    /* order does not matter; the same day twice counts twice */
    int64_t mixed[] = { base + 20, base, base + 20, base + 5 };
    assert_int_equal(appointments_max_in_window(mixed, 4, base + 5, 28), 4);
}

/* ---- input ---- */

static void
input_checks_topics_and_leaves_the_rest_to_the_table(void **state)
{
    (void)state;
    struct arena arena = ARENA_INIT;
    struct appointment_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *ok = json_pack("{s:s,s:i,s:s,s:[s],s:b,s:s}", "start", "2026-11-25T09:30:00Z",
                           "minutes", 30, "channel", "phone", "topics", "Lebenslauf",
                           "legal_notice", 1, "purpose", "placement");
    assert_int_equal(appointments_input(ok, &in, &arena, &pb), CORE_OK);
    assert_string_equal(in.start, "2026-11-25T09:30:00Z");
    assert_true(in.minutes == 30);
    assert_int_equal(in.legal_notice, 1);
    assert_int_equal(json_array_size(in.topics), 1);
    assert_null(in.location);
    /* an unknown field is a 400, also next to topics */
    json_object_set_new(ok, "room", json_string("1"));
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_input(ok, &in, &arena, &pb), CORE_BAD_REQUEST);
    json_decref(ok);
    /* topics: not a list, a line break, too many */
    json_t *bad = json_pack("{s:s,s:i,s:s,s:s,s:b}", "start", "2026-11-25T09:30:00", "minutes", 30,
                            "channel", "phone", "topics", "Lebenslauf", "legal_notice", 0);
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_input(bad, &in, &arena, &pb), CORE_INVALID);
    assert_int_equal(pb.n_errors, 2); /* start without a zone, topics */
    json_object_set_new(bad, "topics", json_pack("[s]", "a\nb"));
    json_object_set_new(bad, "start", json_string("2026-11-25T09:30:00+01:00"));
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_input(bad, &in, &arena, &pb), CORE_INVALID);
    assert_int_equal(pb.n_errors, 1);
    assert_string_equal(pb.errors->field, "topics");
    json_t *many = json_array();
    for (int i = 0; i < 11; i++)
        json_array_append_new(many, json_string("x"));
    json_object_set_new(bad, "topics", many);
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_input(bad, &in, &arena, &pb), CORE_INVALID);
    json_array_remove(many, 0);
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_input(bad, &in, &arena, &pb), CORE_OK);
    json_decref(bad);
    arena_free(&arena);
}

/* ---- the service over a store ---- */

/* 2026-11-25 12:00 in Berlin */
#define NOW_US (INT64_C(1795604400) * 1000000)

static struct core_ctx
ctx_at(struct fixture *f, const struct actor *a)
{
    struct core_ctx c = fixture_ctx(f, a);
    c.now_us = NOW_US;
    return c;
}

/* An active case of cm1 that started on CONSENT; its id (arena). */
static const char *
active_case(struct fixture *f, struct date consent)
{
    struct core_ctx ctx = ctx_at(f, &f->cm1);
    return fixture_active_case(f, &ctx, (struct date){ 2026, 1, 10 }, consent);
}

static enum core_result
create_at(struct fixture *f, const char *case_id, const char *start, int legal_notice,
          const char *purpose, struct problem *pb, const char **id)
{
    struct core_ctx ctx = ctx_at(f, &f->cm1);
    struct appointment_input in = { .start = start,
                                    .minutes = 30,
                                    .channel = "in_person",
                                    .legal_notice = legal_notice,
                                    .purpose = purpose };
    json_t *view = NULL;
    enum core_result r = appointments_create(&ctx, case_id, &in, &view, pb);
    if (r == CORE_OK && id)
        *id = arena_strdup(&f->arena, json_string_value(json_object_get(view, "id")));
    json_decref(view);
    return r;
}

static const char *
first_error(const struct problem *pb)
{
    return pb->errors ? pb->errors->field : "";
}

static void
start_lies_within_its_bounds(void **state)
{
    struct fixture *f = *state;
    const char *kase = active_case(f, (struct date){ 2026, 11, 25 });
    struct problem pb = PROBLEM_INIT;
    /* 21:00 Berlin the evening before: within a day, but before the case started */
    assert_int_equal(create_at(f, kase, "2026-11-24T20:00:00Z", 0, NULL, &pb, NULL), CORE_INVALID);
    assert_string_equal(first_error(&pb), "start");
    /* this morning is fine */
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, kase, "2026-11-25T07:00:00Z", 0, NULL, &pb, NULL), CORE_OK);

    const char *older = active_case(f, (struct date){ 2026, 10, 1 });
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, older, "2026-11-24T11:00:00Z", 0, NULL, &pb, NULL), CORE_OK);
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, older, "2026-11-24T10:59:59Z", 0, NULL, &pb, NULL), CORE_INVALID);
    assert_string_equal(first_error(&pb), "start");
    /* two years ahead: the same calendar day is the last allowed one */
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, older, "2028-11-25T20:00:00Z", 0, NULL, &pb, NULL), CORE_OK);
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, older, "2028-11-26T08:00:00Z", 0, NULL, &pb, NULL), CORE_INVALID);
    assert_string_equal(first_error(&pb), "start");
}

static void
legal_notice_needs_a_purpose(void **state)
{
    struct fixture *f = *state;
    const char *kase = active_case(f, (struct date){ 2026, 10, 1 });
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(create_at(f, kase, "2026-11-30T09:00:00Z", 1, NULL, &pb, NULL), CORE_INVALID);
    assert_string_equal(first_error(&pb), "purpose");
    assert_int_equal(pb.n_errors, 1);
    static const char *const purposes[] = { "vocational_guidance", "placement",         "measures",
                                            "benefit_decision",    "entitlement_check", NULL };
    for (const char *const *p = purposes; *p; p++) {
        pb = (struct problem)PROBLEM_INIT;
        assert_int_equal(create_at(f, kase, "2026-12-30T09:00:00Z", 1, *p, &pb, NULL), CORE_OK);
    }
    /* without a notice a purpose may be given or not */
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(create_at(f, kase, "2026-11-30T09:00:00Z", 0, NULL, &pb, NULL), CORE_OK);
}

static int64_t
failed(struct fixture *f, const char *case_id)
{
    struct case_row k;
    assert_int_equal(db_case_get(f->db, "jc_a", case_id, &k), DB_ONE_ROW);
    return k.failed_contacts;
}

static enum core_result
attend(struct fixture *f, const char *id, const char *value, struct problem *pb)
{
    struct core_ctx ctx = ctx_at(f, &f->cm1);
    struct attendance_input in = { value };
    json_t *view = NULL;
    enum core_result r = appointments_set_attendance(&ctx, id, &in, &view, pb);
    json_decref(view);
    return r;
}

static void
attendance_counts_failed_contacts(void **state)
{
    struct fixture *f = *state;
    const char *kase = active_case(f, (struct date){ 2026, 10, 1 });
    const char *past, *later;
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(create_at(f, kase, "2026-11-25T08:00:00Z", 1, "placement", &pb, &past),
                     CORE_OK);
    assert_int_equal(create_at(f, kase, "2026-11-26T08:00:00Z", 0, NULL, &pb, &later), CORE_OK);
    assert_int_equal(attend(f, later, "missed", &pb), CORE_INVALID);
    assert_string_equal(first_error(&pb), "attendance");
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(attend(f, past, "missed", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 1);
    assert_int_equal(attend(f, past, "missed", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 1);
    assert_int_equal(attend(f, past, "excused", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 0); /* a correction takes the failed contact back */
    assert_int_equal(attend(f, past, "missed", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 1); /* and back again: one no-show counts once */
    assert_int_equal(attend(f, past, "attended", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 0);
    assert_int_equal(attend(f, later, "cancelled", &pb), CORE_OK);
    assert_int_equal(failed(f, kase), 0);
    /* another case manager's appointment: refused */
    struct core_ctx other = ctx_at(f, &f->cm2);
    struct attendance_input in = { "cancelled" };
    json_t *view = NULL;
    pb = (struct problem)PROBLEM_INIT;
    assert_int_equal(appointments_set_attendance(&other, past, &in, &view, &pb), CORE_FORBIDDEN);
    assert_null(view);
}

int
main(void)
{
    date_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(next_working_day_skips_the_weekend),
        cmocka_unit_test(window_counts_the_fullest_four_weeks_around_a_day),
        cmocka_unit_test(input_checks_topics_and_leaves_the_rest_to_the_table),
        cmocka_unit_test_setup_teardown(start_lies_within_its_bounds, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(legal_notice_needs_a_purpose, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(attendance_counts_failed_contacts, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests_name("core/appointments", tests, NULL, NULL);
}
