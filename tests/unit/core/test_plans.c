/*
 * tests/unit/core/test_plans.c — the rules of the cooperation plan: reading
 * the nested body (error paths, 400 for unknown fields, the default kind),
 * the date rules, the review date from the rules at month ends, and
 * versioning on a store (is_current moves, the case's plan_review_due
 * follows, steps of a superseded version do not change).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cases.h"
#include "core/clients.h"
#include "core/deadlines.h"
#include "core/plans.h"
#include "fixture.h"

static bool
has_error(const struct problem *pb, const char *field)
{
    for (const struct field_error *e = pb->errors; e; e = e->next)
        if (strcmp(e->field, field) == 0)
            return true;
    return false;
}

static void
review_is_due_six_months_later_at_month_ends(void **state)
{
    (void)state;
    struct rules r;
    rules_default(&r);
    struct date d = deadline_plan_review(&r, (struct date){ 2026, 8, 31 });
    assert_true(date_cmp(d, (struct date){ 2027, 2, 28 }) == 0);
    d = deadline_plan_review(&r, (struct date){ 2027, 8, 31 });
    assert_true(date_cmp(d, (struct date){ 2028, 2, 29 }) == 0);
    d = deadline_plan_review(&r, (struct date){ 2026, 3, 31 });
    assert_true(date_cmp(d, (struct date){ 2026, 9, 30 }) == 0);
    d = deadline_plan_review(&r, (struct date){ 2026, 11, 25 });
    assert_true(date_cmp(d, (struct date){ 2027, 5, 25 }) == 0);
}

static void
the_body_is_read_with_nested_paths(void **state)
{
    (void)state;
    struct arena a = { 0 };
    json_error_t err;
    json_t *b = json_loads("{\"agreed_on\":\"2026-11-02\",\"goals\":[{\"title\":\"Arbeit\","
                           "\"steps\":[{\"title\":\"A\",\"responsible\":\"client\","
                           "\"due\":\"2026-12-01\"},{\"title\":\"\",\"responsible\":\"x\","
                           "\"due\":\"1.12.2026\"}]},{\"kind\":\"health\",\"title\":\"G\"}]}",
                           0, &err);
    assert_non_null(b);
    struct plan_input in;
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(plans_read(b, &in, &a, &pb), CORE_INVALID);
    assert_int_equal(in.n_goals, 2);
    assert_string_equal(in.goals[0].kind, "job"); /* the default */
    assert_string_equal(in.goals[1].kind, "health");
    assert_true(has_error(&pb, "goals[0].steps[1].title"));
    assert_true(has_error(&pb, "goals[0].steps[1].responsible"));
    assert_true(has_error(&pb, "goals[0].steps[1].due"));
    assert_true(has_error(&pb, "goals[1].steps"));
    assert_false(has_error(&pb, "goals[0].steps[0].due"));
    assert_int_equal(pb.n_errors, 4);
    json_decref(b);

    /* unknown fields, also nested: 400 naming the path */
    b = json_loads("{\"agreed_on\":\"2026-11-02\",\"goals\":[{\"title\":\"Arbeit\","
                   "\"steps\":[{\"title\":\"A\",\"responsible\":\"client\",\"due\":\"2026-12-01\","
                   "\"status\":\"done\"}]}]}",
                   0, &err);
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(plans_read(b, &in, &a, &pb2), CORE_BAD_REQUEST);
    assert_non_null(strstr(pb2.detail, "goals[0].steps[0].status"));
    json_decref(b);

    /* no goals */
    b = json_loads("{\"agreed_on\":\"2026-11-02\",\"goals\":[]}", 0, &err);
    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(plans_read(b, &in, &a, &pb3), CORE_INVALID);
    assert_true(has_error(&pb3, "goals"));
    json_decref(b);
    arena_free(&a);
}

static void
date_rules_name_the_step(void **state)
{
    (void)state;
    struct arena a = { 0 };
    struct plan_step_input steps[2] = {
        { "A", "client", NULL, { 2026, 11, 1 } },
        { "B", "partner", "VHS", { 2029, 11, 3 } },
    };
    struct plan_goal_input goal = { "job", "Arbeit", steps, 2 };
    struct plan_input in = { .agreed_on = { 2026, 11, 2 },
                             .review_due = { 2027, 5, 3 },
                             .review_outcome = "kept",
                             .goals = &goal,
                             .n_goals = 1 };
    struct problem pb = PROBLEM_INIT;
    plans_check(&in, (struct date){ 2026, 11, 25 }, (struct date){ 2026, 1, 1 }, DATE_NONE, false,
                (struct date){ 2027, 5, 2 }, &a, &pb);
    assert_true(has_error(&pb, "goals[0].steps[0].due"));
    assert_true(has_error(&pb, "goals[0].steps[1].due")); /* more than three years */
    assert_true(has_error(&pb, "review_due"));
    assert_true(has_error(&pb, "review_outcome")); /* no plan to review */
    assert_int_equal(pb.n_errors, 4);

    /* the same within the rules */
    steps[0].due = (struct date){ 2026, 11, 2 };
    steps[1].due = (struct date){ 2029, 11, 2 };
    in.review_due = (struct date){ 2027, 5, 2 };
    struct problem ok = PROBLEM_INIT;
    plans_check(&in, (struct date){ 2026, 11, 25 }, (struct date){ 2026, 1, 1 },
                (struct date){ 2026, 6, 1 }, true, (struct date){ 2027, 5, 2 }, &a, &ok);
    assert_int_equal(ok.n_errors, 0);

    /* agreed in the future, before the case started, before the current version */
    struct problem pb2 = PROBLEM_INIT;
    in.agreed_on = (struct date){ 2026, 11, 26 };
    plans_check(&in, (struct date){ 2026, 11, 25 }, DATE_NONE, DATE_NONE, true,
                (struct date){ 2027, 5, 26 }, &a, &pb2);
    assert_true(has_error(&pb2, "agreed_on"));
    struct problem pb3 = PROBLEM_INIT;
    in.agreed_on = (struct date){ 2026, 5, 1 };
    plans_check(&in, (struct date){ 2026, 11, 25 }, DATE_NONE, (struct date){ 2026, 6, 1 }, true,
                (struct date){ 2026, 11, 1 }, &a, &pb3);
    assert_true(has_error(&pb3, "agreed_on"));
    arena_free(&a);
}

/* An active case of cm1 that started on 10.01.2025. */
static const char *
active_case(struct fixture *f)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    return fixture_active_case(f, &ctx, (struct date){ 2025, 1, 2 }, (struct date){ 2025, 1, 10 });
}

static json_t *
create(struct fixture *f, const char *case_id, struct date agreed, struct date due,
       enum core_result expect)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct plan_step_input steps[1] = { { "Bewerben", "client", NULL, due } };
    struct plan_goal_input goal = { "job", "Arbeit", steps, 1 };
    struct plan_input in = { .agreed_on = agreed, .goals = &goal, .n_goals = 1 };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(plans_create(&ctx, case_id, &in, &view, &pb), expect);
    return view;
}

static void
versions_move_the_current_flag(void **state)
{
    struct fixture *f = *state;
    const char *cs = active_case(f);
    json_t *v1 = create(f, cs, (struct date){ 2025, 8, 31 }, (struct date){ 2025, 12, 1 }, CORE_OK);
    assert_int_equal(json_integer_value(json_object_get(v1, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(v1, "review_due")), "2026-02-28");
    struct case_row k;
    assert_int_equal(db_case_get(f->db, "jc_a", cs, &k), DB_ONE_ROW);
    assert_string_equal(k.plan_review_due, "2026-02-28");
    const char *v1_id = arena_strdup(&f->arena, json_string_value(json_object_get(v1, "id")));
    const char *step_id = arena_strdup(
        &f->arena,
        json_string_value(json_object_get(
            json_array_get(
                json_object_get(json_array_get(json_object_get(v1, "goals"), 0), "steps"), 0),
            "id")));
    json_decref(v1);

    json_t *v2 = create(f, cs, (struct date){ 2026, 2, 27 }, (struct date){ 2026, 3, 1 }, CORE_OK);
    assert_int_equal(json_integer_value(json_object_get(v2, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(v2, "review_outcome")), "changed");
    assert_string_equal(json_string_value(json_object_get(v2, "review_due")), "2026-08-27");
    struct plan_row p;
    assert_int_equal(db_plan_get(f->db, "jc_a", v1_id, &p), DB_ONE_ROW);
    assert_int_equal(p.is_current, 0);
    assert_int_equal(db_plan_current(f->db, "jc_a", cs, &p), DB_ONE_ROW);
    assert_string_equal(p.id, json_string_value(json_object_get(v2, "id")));
    assert_int_equal(db_case_get(f->db, "jc_a", cs, &k), DB_ONE_ROW);
    assert_string_equal(k.plan_review_due, "2026-08-27");
    json_decref(v2);

    /* the old version's step is frozen */
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct plan_step_update up = { "done", NULL };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(plans_step_update(&ctx, step_id, &up, &view, &pb), CORE_CONFLICT);
    assert_string_equal(pb.code, "plan_superseded");

    /* a version may not be agreed before the current one */
    assert_null(
        create(f, cs, (struct date){ 2026, 2, 1 }, (struct date){ 2026, 3, 1 }, CORE_INVALID));
    /* nor may another case manager add one */
    struct core_ctx other = fixture_ctx(f, &f->cm2);
    struct plan_step_input steps[1] = { { "Bewerben", "client", NULL, { 2026, 3, 1 } } };
    struct plan_goal_input goal = { "job", "Arbeit", steps, 1 };
    struct plan_input in = { .agreed_on = { 2026, 2, 27 }, .goals = &goal, .n_goals = 1 };
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(plans_create(&other, cs, &in, &view, &pb2), CORE_FORBIDDEN);
    assert_int_equal(db_plan_next_version(f->db, "jc_a", cs, &p.version), DB_ONE_ROW);
    assert_int_equal(p.version, 3);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(review_is_due_six_months_later_at_month_ends),
        cmocka_unit_test(the_body_is_read_with_nested_paths),
        cmocka_unit_test(date_rules_name_the_step),
        cmocka_unit_test_setup_teardown(versions_move_the_current_flag, fixture_setup,
                                        fixture_teardown),
    };
    date_init();
    return cmocka_run_group_tests_name("core/plans", tests, NULL, NULL);
}
