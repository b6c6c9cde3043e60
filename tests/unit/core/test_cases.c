/*
 * tests/unit/core/test_cases.c — caseload rules and the case life cycle:
 * the cap (75 × FTE, rounded down, configurable), the least-loaded
 * assignment, the team lead's override with a reason, one open case per
 * client, activation and the deadlines that follow from the consent date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "core/audit.h"
#include "core/cases.h"
#include "core/clients.h"
#include "fixture.h"

static void
cap_is_scaled_by_fte_and_rounded_down(void **state)
{
    (void)state;
    assert_int_equal(cases_cap(75, 1000), 75);
    assert_int_equal(cases_cap(75, 500), 37);
    assert_int_equal(cases_cap(75, 800), 60);
    assert_int_equal(cases_cap(75, 333), 24);
    assert_int_equal(cases_cap(75, 0), 0);
    assert_int_equal(cases_cap(60, 750), 45);
}

/* Register a client as ACTOR and return its id (arena). */
static const char *
new_client(struct fixture *f, const struct actor *actor)
{
    struct core_ctx ctx = fixture_ctx(f, actor);
    return fixture_client(f, &ctx);
}

static enum core_result
open_case(struct fixture *f, const struct actor *actor, const char *client_id, const char *cm,
          const char *override, struct problem *pb, char *case_manager_out)
{
    struct core_ctx ctx = fixture_ctx(f, actor);
    struct case_input in = { .client_id = client_id,
                             .referral_source = "placement",
                             .referral_date = { 2026, 1, 10 },
                             .referral_reason = "Gründe",
                             .case_manager_id = cm,
                             .consent_date = DATE_NONE,
                             .override_reason = override };
    json_t *view = NULL;
    enum core_result r = cases_create(&ctx, &in, &view, pb);
    if (r == CORE_OK && case_manager_out)
        snprintf(case_manager_out, 32, "%s",
                 json_string_value(json_object_get(view, "case_manager_id")));
    json_decref(view);
    return r;
}

static void
cap_refuses_and_lead_overrides(void **state)
{
    struct fixture *f = *state;
    /* cm2 works half time: cap 37 at 75 per FTE; use a small cap for speed */
    struct problem pb = PROBLEM_INIT;
    for (int i = 0; i < 2; i++) {
        struct problem p = PROBLEM_INIT;
        assert_int_equal(open_case(f, &f->po, new_client(f, &f->po), "us_cm2", NULL, &p, NULL),
                         CORE_OK);
    }
    /* with 4 cases per FTE, half time gives a cap of 2: the third is refused */
    struct core_ctx ctx = fixture_ctx(f, &f->po);
    ctx.caseload_per_fte = 4;
    const char *client = new_client(f, &f->po);
    struct case_input in = { .client_id = client,
                             .referral_source = "placement",
                             .referral_date = { 2026, 1, 10 },
                             .referral_reason = "Gründe",
                             .case_manager_id = "us_cm2" };
    json_t *view = NULL;
    assert_int_equal(cases_create(&ctx, &in, &view, &pb), CORE_CONFLICT);
    assert_string_equal(pb.code, "caseload_full");
    assert_null(view);
    /* a placement officer may not override */
    struct problem pb2 = PROBLEM_INIT;
    in.override_reason = "Dringend";
    assert_int_equal(cases_create(&ctx, &in, &view, &pb2), CORE_INVALID);
    assert_string_equal(pb2.errors->field, "override_reason");
    /* the team lead may, with a reason, and the audit entry says so */
    struct core_ctx lead = fixture_ctx(f, &f->lead);
    lead.caseload_per_fte = 4;
    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(cases_create(&lead, &in, &view, &pb3), CORE_OK);
    json_decref(view);
    int64_t n = 0;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(f->db,
                                  "SELECT count(*) FROM audit WHERE action = 'case.create'"
                                  " AND detail = 'caseload cap overridden by team lead'",
                                  NULL, c),
                     DB_ONE_ROW);
    assert_int_equal(n, 1);
    assert_int_equal(db_query_one(f->db,
                                  "SELECT count(*) FROM cases WHERE override_reason = 'Dringend'",
                                  NULL, c),
                     DB_ONE_ROW);
    assert_int_equal(n, 1);
}

static void
least_loaded_case_manager_is_chosen(void **state)
{
    struct fixture *f = *state;
    char cm[32];
    struct problem pb = PROBLEM_INIT;
    /* cm1 (full time) gets two cases, cm2 (half time) one: loads 2/1.0 and 1/0.5 are equal,
       so the tie is broken by id (us_cm1 < us_cm2) */
    assert_int_equal(open_case(f, &f->po, new_client(f, &f->po), "us_cm1", NULL, &pb, NULL),
                     CORE_OK);
    assert_int_equal(open_case(f, &f->po, new_client(f, &f->po), "us_cm1", NULL, &pb, NULL),
                     CORE_OK);
    assert_int_equal(open_case(f, &f->po, new_client(f, &f->po), "us_cm2", NULL, &pb, NULL),
                     CORE_OK);
    /* the team lead in tm_1 assigns without naming anyone */
    assert_int_equal(open_case(f, &f->lead, new_client(f, &f->po), NULL, NULL, &pb, cm), CORE_OK);
    assert_string_equal(cm, "us_cm1");
    /* now cm1 has 3 (3.0 per FTE) and cm2 1 (2.0 per FTE): cm2 is next */
    assert_int_equal(open_case(f, &f->lead, new_client(f, &f->po), NULL, NULL, &pb, cm), CORE_OK);
    assert_string_equal(cm, "us_cm2");
}

static void
answer_shows_only_what_the_creator_may_read(void **state)
{
    struct fixture *f = *state;
    const char *client = new_client(f, &f->po);
    struct core_ctx ctx = fixture_ctx(f, &f->lead);
    struct case_input in = { .client_id = client,
                             .referral_source = "placement",
                             .referral_date = { 2026, 1, 10 },
                             .referral_reason = "Gründe",
                             .case_manager_id = "us_cm1" };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(cases_create(&ctx, &in, &view, &pb), CORE_OK);
    assert_null(json_object_get(view, "client")); /* no name for the team lead */
    assert_null(json_object_get(json_object_get(view, "referral"), "reason"));
    assert_string_equal(json_string_value(json_object_get(view, "status")), "referred");
    json_decref(view);
    /* the case manager who opens a case for themselves sees it all */
    struct core_ctx own = fixture_ctx(f, &f->cm1);
    in.client_id = new_client(f, &f->cm1);
    in.case_manager_id = NULL;
    assert_int_equal(cases_create(&own, &in, &view, &pb), CORE_OK);
    assert_non_null(json_object_get(view, "client"));
    json_decref(view);
}

static void
case_manager_opens_for_themselves(void **state)
{
    struct fixture *f = *state;
    char cm[32];
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(open_case(f, &f->cm2, new_client(f, &f->cm2), NULL, NULL, &pb, cm), CORE_OK);
    assert_string_equal(cm, "us_cm2");
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(open_case(f, &f->cm2, new_client(f, &f->cm2), "us_cm1", NULL, &pb2, NULL),
                     CORE_INVALID);
    assert_string_equal(pb2.errors->field, "case_manager_id");
}

static void
one_open_case_per_client(void **state)
{
    struct fixture *f = *state;
    const char *client = new_client(f, &f->cm1);
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(open_case(f, &f->cm1, client, NULL, NULL, &pb, NULL), CORE_OK);
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(open_case(f, &f->cm1, client, NULL, NULL, &pb2, NULL), CORE_CONFLICT);
    assert_string_equal(pb2.code, "open_case_exists");
}

static void
bad_dates_are_refused_and_nothing_stored(void **state)
{
    struct fixture *f = *state;
    const char *client = new_client(f, &f->cm1);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct case_input in = { .client_id = client,
                             .referral_source = "self",
                             .referral_date = { 2099, 1, 1 },
                             .referral_reason = "x",
                             .consent_date = { 2020, 1, 1 } };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(cases_create(&ctx, &in, &view, &pb), CORE_INVALID);
    assert_int_equal(pb.n_errors, 2); /* referral in the future, consent before referral */
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    db_query_one(f->db, "SELECT count(*) FROM cases", NULL, c);
    assert_int_equal(n, 0);
}

static void
activation_sets_the_deadlines(void **state)
{
    struct fixture *f = *state;
    const char *client = new_client(f, &f->cm1);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct case_input in = { .client_id = client,
                             .referral_source = "self",
                             .referral_date = { 2025, 8, 20 },
                             .referral_reason = "x" };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(cases_create(&ctx, &in, &view, &pb), CORE_OK);
    assert_string_equal(json_string_value(json_object_get(view, "status")), "referred");
    char id[32];
    snprintf(id, sizeof id, "%s", json_string_value(json_object_get(view, "id")));
    json_decref(view);

    /* before the referral: refused */
    struct activate_input early = { { 2025, 8, 19 } };
    struct problem pb1 = PROBLEM_INIT;
    assert_int_equal(cases_activate(&ctx, id, &early, &view, &pb1), CORE_INVALID);
    /* another case manager: refused with break-glass possible */
    struct core_ctx other = fixture_ctx(f, &f->cm2);
    struct activate_input ok = { { 2025, 8, 31 } };
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(cases_activate(&other, id, &ok, &view, &pb2), CORE_FORBIDDEN);
    /* the owner: 31 Aug + 6 months = 28 Feb, + 24 months = 31 Aug */
    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(cases_activate(&ctx, id, &ok, &view, &pb3), CORE_OK);
    assert_string_equal(json_string_value(json_object_get(view, "status")), "active");
    assert_string_equal(json_string_value(json_object_get(view, "started_on")), "2025-08-31");
    assert_string_equal(json_string_value(json_object_get(view, "next_review_due")), "2026-02-28");
    assert_string_equal(json_string_value(json_object_get(view, "limit_date")), "2027-08-31");
    json_decref(view);
    /* twice: 409 */
    struct problem pb4 = PROBLEM_INIT;
    assert_int_equal(cases_activate(&ctx, id, &ok, &view, &pb4), CORE_CONFLICT);
    assert_string_equal(pb4.code, "case_active");
}

static void
reads_leave_one_pending_audit_entry(void **state)
{
    struct fixture *f = *state;
    const char *client = new_client(f, &f->cm1);
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(open_case(f, &f->cm1, client, NULL, NULL, &pb, NULL), CORE_OK);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    ctx.in_write = false;
    struct case_list_query q = { .limit = 10 };
    json_t *view = NULL;
    assert_int_equal(cases_list(&ctx, &q, &view, &pb), CORE_OK);
    assert_int_equal(json_array_size(json_object_get(view, "items")), 1);
    const char *id =
        json_string_value(json_object_get(json_array_get(json_object_get(view, "items"), 0), "id"));
    json_t *one = NULL;
    assert_int_equal(cases_get(&ctx, id, &one, &pb), CORE_OK);
    assert_int_equal(ctx.n_pending, 2); /* the list and the case */
    json_decref(one);
    json_decref(view);
    /* refused reads record nothing */
    struct core_ctx other = fixture_ctx(f, &f->cm2);
    other.in_write = false;
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(cases_get(&other, "cs_nonexistent", &one, &pb2), CORE_NOT_FOUND);
    assert_int_equal(other.n_pending, 0);
}

int
main(void)
{
    crypto_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cap_is_scaled_by_fte_and_rounded_down),
        cmocka_unit_test_setup_teardown(cap_refuses_and_lead_overrides, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(least_loaded_case_manager_is_chosen, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(case_manager_opens_for_themselves, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(answer_shows_only_what_the_creator_may_read, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(one_open_case_per_client, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(bad_dates_are_refused_and_nothing_stored, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(activation_sets_the_deadlines, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(reads_leave_one_pending_audit_entry, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
