/* tests/unit/core/test_worklist.c — the worklist's read model: rows follow
 * the writes (worklist_sync), what depends on the moment of reading is
 * decided then, and the maintenance modes find and repair every kind of
 * drift. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/appointments.h"
#include "core/plans.h"
#include "core/worklist.h"
#include "fixture.h"
#include "util/date.h"

/* An active case of cm1 that started on 10.01.2025, its rows written. */
static const char *
active_case(struct fixture *f)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    const char *id =
        fixture_active_case(f, &ctx, (struct date){ 2025, 1, 2 }, (struct date){ 2025, 1, 10 });
    assert_int_equal(worklist_sync(&ctx), CORE_OK);
    return id;
}

static const struct worklist_item *
find(const struct worklist *wl, const char *kind, const char *title)
{
    for (size_t i = 0; i < wl->n; i++)
        if (strcmp(wl->items[i].kind, kind) == 0 &&
            (!title || (wl->items[i].title && strcmp(wl->items[i].title, title) == 0)))
            return &wl->items[i];
    return NULL;
}

static int64_t
wrong_rows(struct fixture *f)
{
    int64_t rows = 0, wrong = -1;
    assert_int_equal(worklist_reconcile(f->db, WORKLIST_CHECK, &rows, &wrong), CORE_OK);
    return wrong;
}

static void
steps_come_back_as_written_and_in_order(void **state)
{
    struct fixture *f = *state;
    const char *cs = active_case(f);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct date today = date_today_berlin(time(NULL));
    /* the packed row escapes backslash, TAB and LF: titles keep them */
    const char *odd = "Lebenslauf\\Anschreiben\t(2 Seiten)\nprüfen";
    struct plan_step_input steps[2] = { { odd, "client", NULL, date_add_days(today, 2) },
                                        { "Termin Schuldnerberatung", "partner", "SB Mitte",
                                          date_add_days(today, -3) } };
    struct plan_goal_input goal = { "job", "Arbeit", steps, 2 };
    struct plan_input in = { .agreed_on = date_add_days(today, -10), .goals = &goal, .n_goals = 1 };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(plans_create(&ctx, cs, &in, &view, &pb), CORE_OK);
    json_decref(view);
    assert_non_null(ctx.touched); /* the plan's audit entry named the case */
    assert_int_equal(worklist_sync(&ctx), CORE_OK);
    assert_null(ctx.touched);
    assert_int_equal(wrong_rows(f), 0);

    struct worklist wl;
    assert_int_equal(worklist_read(&ctx, 7, &wl, &pb), CORE_OK);
    const struct worklist_item *a = find(&wl, "step", odd);
    const struct worklist_item *b = find(&wl, "step", "Termin Schuldnerberatung");
    assert_non_null(a);
    assert_non_null(b);
    assert_false(a->overdue);
    assert_true(b->overdue);
    assert_true(b < a); /* by due date */
    assert_string_equal(a->case_id, cs);
    assert_string_equal(a->last_name, "Mustermann");
    /* the plan was agreed: no "plan missing" any more, the review is far off */
    assert_null(find(&wl, "plan_missing", NULL));
    assert_null(find(&wl, "plan_review", NULL));
    /* a window of 0 days keeps what is overdue and due today only */
    assert_int_equal(worklist_read(&ctx, 0, &wl, &pb), CORE_OK);
    assert_null(find(&wl, "step", odd));
    assert_non_null(find(&wl, "step", "Termin Schuldnerberatung"));
}

static void
an_appointment_turns_into_attendance_once_begun(void **state)
{
    struct fixture *f = *state;
    const char *cs = active_case(f);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    char start[21];
    int64_t in_an_hour = ctx.now_us / 1000000 + 3600;
    instant_format_utc(in_an_hour, start);
    struct appointment_input in = { .start = start,
                                    .minutes = 45,
                                    .channel = "in_person",
                                    .legal_notice = 0,
                                    .purpose = "vocational_guidance" };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(appointments_create(&ctx, cs, &in, &view, &pb), CORE_OK);
    const char *id = arena_strdup(&f->arena, json_string_value(json_object_get(view, "id")));
    json_decref(view);
    assert_int_equal(worklist_sync(&ctx), CORE_OK);

    struct worklist wl;
    assert_int_equal(worklist_read(&ctx, 7, &wl, &pb), CORE_OK);
    const struct worklist_item *it = find(&wl, "appointment", NULL);
    assert_non_null(it);
    assert_string_equal(it->object_id, id);
    assert_int_equal(it->start_at, in_an_hour * 1000000);
    assert_null(find(&wl, "attendance", NULL));

    /* two hours later the same row asks for the attendance: nothing was written meanwhile */
    ctx.now_us += 2 * 3600 * INT64_C(1000000);
    assert_int_equal(worklist_read(&ctx, 7, &wl, &pb), CORE_OK);
    assert_null(find(&wl, "appointment", NULL));
    it = find(&wl, "attendance", NULL);
    assert_non_null(it);
    assert_string_equal(it->object_id, id);
    assert_int_equal(wrong_rows(f), 0);
}

static void
not_reached_follows_the_jobcenters_threshold(void **state)
{
    struct fixture *f = *state;
    const char *cs = active_case(f);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct date today = date_today_berlin(time(NULL));
    char day[11];
    date_format(today, day);
    assert_true(db_case_set_contacts(f->db, "jc_a", cs, 2, NULL, ctx.now_us) >= 0);
    core_touch(&ctx, "jc_a", cs, NULL);
    assert_int_equal(worklist_sync(&ctx), CORE_OK);
    struct worklist wl;
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(worklist_read(&ctx, 7, &wl, &pb), CORE_OK);
    assert_null(find(&wl, "unreached", NULL)); /* the default: after 3 */

    assert_true(db_case_set_contacts(f->db, "jc_a", cs, 3, NULL, ctx.now_us) >= 0);
    core_touch(&ctx, "jc_a", cs, NULL);
    assert_int_equal(worklist_sync(&ctx), CORE_OK);
    assert_int_equal(worklist_read(&ctx, 7, &wl, &pb), CORE_OK);
    const struct worklist_item *it = find(&wl, "unreached", NULL);
    assert_non_null(it);
    assert_string_equal(it->due, day); /* due whenever it is read */
}

static void
check_finds_changed_missing_and_left_over_rows(void **state)
{
    struct fixture *f = *state;
    const char *cs = active_case(f);
    const char *other = active_case(f);
    assert_int_equal(wrong_rows(f), 0);

    const struct db_param p[] = { DB_TEXT(cs), DB_PARAM_END };
    assert_true(db_exec(f->db, "UPDATE worklist_cases SET items = '' WHERE case_id = $1", p) >= 0);
    assert_int_equal(wrong_rows(f), 1);
    assert_true(db_exec(f->db, "DELETE FROM worklist_cases WHERE case_id = $1", p) >= 0);
    assert_int_equal(wrong_rows(f), 1);

    /* repair rewrites the one row that is missing and leaves the other alone */
    int64_t rows = 0, wrong = 0;
    assert_int_equal(worklist_reconcile(f->db, WORKLIST_REPAIR, &rows, &wrong), CORE_OK);
    assert_int_equal(rows, 2);
    assert_int_equal(wrong, 1);
    assert_int_equal(wrong_rows(f), 0);
    assert_false(db_in_transaction(f->db));

    /* a case closed behind the read model's back leaves its row over */
    const struct db_param q[] = { DB_TEXT(other), DB_PARAM_END };
    assert_true(db_exec(f->db,
                        "UPDATE cases SET status = 'closed', closed_on = '2026-01-01',"
                        " closure_reason = 'other' WHERE id = $1",
                        q) >= 0);
    assert_int_equal(wrong_rows(f), 1);
    assert_int_equal(worklist_reconcile(f->db, WORKLIST_REPAIR, &rows, &wrong), CORE_OK);
    assert_int_equal(rows, 1);
    assert_int_equal(wrong, 1);
    assert_int_equal(wrong_rows(f), 0);
    const struct db_column n[] = { DB_COL_INT64(&rows), DB_COL_END };
    assert_int_equal(db_query_one(f->db, "SELECT count(*) FROM worklist_cases", NULL, n),
                     DB_ONE_ROW);
    assert_int_equal(rows, 1);

    /* fill writes every row afresh inside the caller's transaction */
    assert_true(db_exec(f->db, "DELETE FROM worklist_cases", NULL) >= 0);
    assert_true(db_begin(f->db, true) >= 0);
    assert_int_equal(worklist_reconcile(f->db, WORKLIST_FILL, &rows, &wrong), CORE_OK);
    assert_true(db_commit(f->db) >= 0);
    assert_int_equal(rows, 1);
    assert_int_equal(wrong_rows(f), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(steps_come_back_as_written_and_in_order, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(an_appointment_turns_into_attendance_once_begun,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(not_reached_follows_the_jobcenters_threshold, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(check_finds_changed_missing_and_left_over_rows,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
