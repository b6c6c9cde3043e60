/*
 * tests/unit/core/test_assessments.c — the rules of the case's assessment:
 * the profile derivation (every group and the edge cases of the rule in
 * core/assessments.h), the diff of two versions, the topics' text form, the
 * input reading, and one store-backed round trip (versions, the case's
 * profile, sensitive content carried over unseen).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/assessments.h"
#include "core/cases.h"
#include "core/clients.h"
#include "fixture.h"
#include "util/date.h"

/* ---- the profile derivation ---- */

struct derivation {
    const char *q, *c, *m, *f, *l; /* severities in area order */
    const char *profile;
};

static void
derives_every_profile_group(void **state)
{
    (void)state;
    static const struct derivation table[] = {
        /* MP: no relevant need (none and low are not relevant) */
        { "none", "none", "none", "none", "none", "MP" },
        { "low", "low", "low", "low", "low", "MP" },
        /* labour_market never counts */
        { "none", "none", "none", "none", "high", "MP" },
        { "low", "none", "none", "none", "high", "MP" },
        /* AP: only motivation */
        { "none", "none", "medium", "none", "none", "AP" },
        { "low", "low", "high", "low", "high", "AP" },
        /* FP: exactly one of qualification, capacity, framework */
        { "high", "none", "none", "none", "none", "FP" },
        { "none", "medium", "low", "none", "none", "FP" },
        { "low", "none", "none", "high", "high", "FP" },
        /* EP/SP/UP: several areas, by the main need */
        { "high", "medium", "none", "none", "none", "EP" },
        { "medium", "high", "none", "none", "none", "SP" },
        { "medium", "none", "none", "high", "none", "UP" },
        /* motivation counts as one of several areas; the main need is still
           among qualification, capacity, framework */
        { "medium", "none", "high", "none", "none", "EP" },
        { "none", "none", "high", "medium", "none", "UP" },
        { "none", "medium", "medium", "none", "none", "SP" },
        /* ties: qualification before capacity before framework */
        { "high", "high", "none", "high", "none", "EP" },
        { "medium", "medium", "none", "none", "none", "EP" },
        { "none", "high", "none", "high", "none", "SP" },
        { "low", "medium", "none", "medium", "none", "SP" },
        /* a low severity is no main need even next to relevant ones */
        { "low", "none", "medium", "medium", "high", "UP" },
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        const struct derivation *d = &table[i];
        const char *sev[ASSESSMENT_AREAS] = { d->q, d->c, d->m, d->f, d->l };
        const char *got = assessment_derive_profile(sev);
        if (strcmp(got, d->profile) != 0)
            fail_msg("row %zu: %s %s %s %s %s gives %s, expected %s", i, d->q, d->c, d->m, d->f,
                     d->l, got, d->profile);
    }
}

static void
unknown_or_missing_severities_count_as_none(void **state)
{
    (void)state;
    const char *nothing[ASSESSMENT_AREAS] = { NULL, NULL, NULL, NULL, NULL };
    assert_string_equal(assessment_derive_profile(nothing), "MP");
    const char *odd[ASSESSMENT_AREAS] = { "extreme", NULL, "medium", "", "high" };
    assert_string_equal(assessment_derive_profile(odd), "AP");
    assert_int_equal(assessment_severity_rank("none"), 0);
    assert_int_equal(assessment_severity_rank("high"), 3);
    assert_int_equal(assessment_severity_rank("HIGH"), -1);
    assert_int_equal(assessment_severity_rank(NULL), -1);
}

/* ---- topics ---- */

static void
topics_round_trip_in_list_order(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    unsigned set = assessment_topics_parse("housing,childcare,nonsense,family");
    assert_string_equal(assessment_topics_text(&a, set), "childcare,housing,family");
    assert_int_equal(assessment_topics_parse(""), 0);
    assert_int_equal(assessment_topics_parse(NULL), 0);
    assert_string_equal(assessment_topics_text(&a, 0), "");
    unsigned all = assessment_topics_parse(
        "childcare,care,housing,debts,mobility,legal_status,language,family");
    assert_string_equal(assessment_topics_text(&a, all),
                        "childcare,care,housing,debts,mobility,legal_status,language,family");
    arena_free(&a);
}

/* ---- the diff ---- */

static struct assessment_data
version(int64_t n)
{
    struct assessment_data d = {
        .version = n, .profile = "EP", .profile_derived = "EP", .sensitive_notes = ""
    };
    for (int i = 0; i < ASSESSMENT_AREAS; i++)
        d.areas[i] = (struct assessment_area_data){ "", "", "none", 0 };
    return d;
}

static json_t *
change(json_t *list, const char *area, const char *field)
{
    size_t i;
    json_t *c;
    json_array_foreach(list, i, c)
    {
        const char *a = json_string_value(json_object_get(c, "area"));
        if (((!area && !a) || (area && a && strcmp(a, area) == 0)) &&
            strcmp(json_string_value(json_object_get(c, "field")), field) == 0)
            return c;
    }
    return NULL;
}

static void
diff_lists_every_changed_field_and_nothing_else(void **state)
{
    (void)state;
    struct assessment_data a = version(1), b = version(2);
    json_t *d = assessment_diff(&a, &b, false);
    assert_int_equal(json_array_size(d), 0); /* the version number is no change */
    json_decref(d);

    b.areas[AREA_QUALIFICATION].severity = "high";
    b.areas[AREA_MOTIVATION].strengths = "Will arbeiten";
    b.areas[AREA_FRAMEWORK].topics = assessment_topics_parse("debts");
    b.areas[AREA_LABOUR_MARKET].needs = "Wenig Nachfrage";
    b.profile = "UP";
    d = assessment_diff(&a, &b, false);
    assert_int_equal(json_array_size(d), 5);
    json_t *c = change(d, "qualification", "severity");
    assert_string_equal(json_string_value(json_object_get(c, "before")), "none");
    assert_string_equal(json_string_value(json_object_get(c, "after")), "high");
    assert_false(json_is_true(json_object_get(c, "sensitive")));
    c = change(d, "framework", "topics");
    assert_int_equal(json_array_size(json_object_get(c, "before")), 0);
    assert_string_equal(json_string_value(json_array_get(json_object_get(c, "after"), 0)), "debts");
    assert_non_null(change(d, "motivation", "strengths"));
    assert_non_null(change(d, "labour_market", "needs"));
    c = change(d, NULL, "profile");
    assert_string_equal(json_string_value(json_object_get(c, "after")), "UP");
    assert_null(change(d, NULL, "profile_derived"));
    json_decref(d);
}

static void
diff_withholds_sensitive_content_unless_asked(void **state)
{
    (void)state;
    struct assessment_data a = version(1), b = version(2);
    a.areas[AREA_CAPACITY].needs = "Diagnose A";
    b.areas[AREA_CAPACITY].needs = "Diagnose B";
    b.areas[AREA_CAPACITY].severity = "high";
    a.sensitive_notes = "Notiz";
    json_t *d = assessment_diff(&a, &b, false);
    assert_int_equal(json_array_size(d), 3);
    json_t *c = change(d, "capacity", "needs");
    assert_true(json_is_true(json_object_get(c, "sensitive")));
    assert_true(json_is_null(json_object_get(c, "before")));
    assert_true(json_is_null(json_object_get(c, "after")));
    c = change(d, NULL, "sensitive_notes");
    assert_true(json_is_null(json_object_get(c, "before")));
    /* the capacity severity is not withheld: the profile depends on it */
    c = change(d, "capacity", "severity");
    assert_string_equal(json_string_value(json_object_get(c, "after")), "high");
    char *text = json_dumps(d, 0);
    assert_null(strstr(text, "Diagnose"));
    assert_null(strstr(text, "Notiz"));
    free(text);
    json_decref(d);

    d = assessment_diff(&a, &b, true);
    c = change(d, "capacity", "needs");
    assert_string_equal(json_string_value(json_object_get(c, "before")), "Diagnose A");
    assert_string_equal(json_string_value(json_object_get(c, "after")), "Diagnose B");
    c = change(d, NULL, "sensitive_notes");
    assert_string_equal(json_string_value(json_object_get(c, "before")), "Notiz");
    assert_string_equal(json_string_value(json_object_get(c, "after")), "");
    json_decref(d);
}

/* ---- input ---- */

static bool
has_field(const struct problem *pb, const char *field)
{
    for (const struct field_error *e = pb->errors; e; e = e->next)
        if (strcmp(e->field, field) == 0)
            return true;
    return false;
}

static void
input_fills_absent_areas_and_collects_every_error(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct assessment_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *body = json_loads("{\"areas\":[{\"area\":\"framework\",\"severity\":\"medium\","
                              "\"topics\":[\"debts\",\"care\"],\"needs\":\"Schulden\"}],"
                              "\"profile\":\"UP\"}",
                              0, NULL);
    assert_int_equal(assessments_read_input(body, &in, &a, &pb), CORE_OK);
    assert_string_equal(in.data.profile, "UP");
    assert_string_equal(in.data.areas[AREA_FRAMEWORK].needs, "Schulden");
    assert_string_equal(in.data.areas[AREA_FRAMEWORK].strengths, "");
    assert_string_equal(assessment_topics_text(&a, in.data.areas[AREA_FRAMEWORK].topics),
                        "care,debts");
    assert_string_equal(in.data.areas[AREA_QUALIFICATION].severity, "none");
    assert_string_equal(in.data.sensitive_notes, "");
    assert_false(in.keep_sensitive);
    json_decref(body);

    struct problem pb2 = PROBLEM_INIT;
    body =
        json_loads("{\"areas\":[{\"area\":\"capacity\",\"severity\":\"low\"},"
                   "{\"area\":\"capacity\",\"severity\":\"low\"},"
                   "{\"area\":\"x\"},"
                   "{\"area\":\"motivation\",\"severity\":\"low\",\"topics\":[\"care\"]},"
                   "{\"area\":\"framework\",\"severity\":\"low\",\"topics\":[\"care\",\"care\"]},"
                   "7],\"profile\":\"ZZ\"}",
                   0, NULL);
    assert_int_equal(assessments_read_input(body, &in, &a, &pb2), CORE_INVALID);
    assert_true(has_field(&pb2, "areas[1].area"));
    assert_true(has_field(&pb2, "areas[2].area"));
    assert_true(has_field(&pb2, "areas[2].severity"));
    assert_true(has_field(&pb2, "areas[3].topics"));
    assert_true(has_field(&pb2, "areas[4].topics"));
    assert_true(has_field(&pb2, "areas[5]"));
    assert_true(has_field(&pb2, "profile"));
    assert_int_equal(pb2.n_errors, 7);
    json_decref(body);

    struct problem pb3 = PROBLEM_INIT;
    body =
        json_loads("{\"areas\":[{\"area\":\"capacity\",\"severity\":\"low\",\"x\":1}]}", 0, NULL);
    assert_int_equal(assessments_read_input(body, &in, &a, &pb3), CORE_BAD_REQUEST);
    assert_string_equal(pb3.detail, "Unknown field: areas[0].x");
    json_decref(body);
    arena_free(&a);
}

/* ---- with a store ---- */

/* An active case of cm1 (id in the fixture's arena). */
static const char *
active_case(struct fixture *f)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    return fixture_active_case(f, &ctx, (struct date){ 2026, 1, 10 }, (struct date){ 2026, 1, 12 });
}

static int64_t
count(struct fixture *f, const char *sql)
{
    int64_t n = -1;
    const struct db_column c[] = { DB_COL_INT64(&n), DB_COL_END };
    assert_int_equal(db_query_one(f->db, sql, NULL, c), DB_ONE_ROW);
    return n;
}

static void
versions_keep_unseen_sensitive_content_and_set_the_case_profile(void **state)
{
    struct fixture *f = *state;
    const char *id = active_case(f);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    struct assessment_input in;
    struct problem pb = PROBLEM_INIT;
    json_t *body = json_loads("{\"areas\":[{\"area\":\"capacity\",\"severity\":\"high\","
                              "\"needs\":\"Sucht\"},{\"area\":\"framework\",\"severity\":\"low\"}],"
                              "\"sensitive_notes\":\"Klinik\"}",
                              0, NULL);
    assert_int_equal(assessments_read_input(body, &in, &f->arena, &pb), CORE_OK);
    json_t *view = NULL;
    assert_int_equal(assessments_put(&ctx, id, &in, &view, &pb), CORE_OK);
    assert_int_equal(json_integer_value(json_object_get(view, "version")), 1);
    assert_string_equal(json_string_value(json_object_get(view, "profile")), "FP");
    json_decref(view);
    json_decref(body);

    /* version 2 from a form that never showed the sensitive parts */
    struct problem pb2 = PROBLEM_INIT;
    body = json_loads("{\"areas\":[{\"area\":\"capacity\",\"severity\":\"high\"},"
                      "{\"area\":\"qualification\",\"severity\":\"high\"}]}",
                      0, NULL);
    assert_int_equal(assessments_read_input(body, &in, &f->arena, &pb2), CORE_OK);
    in.keep_sensitive = true;
    assert_int_equal(assessments_put(&ctx, id, &in, &view, &pb2), CORE_OK);
    json_decref(view);
    json_decref(body);

    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(assessments_get(&ctx, id, 0, true, &view, &pb3), CORE_OK);
    assert_int_equal(json_integer_value(json_object_get(view, "version")), 2);
    assert_string_equal(json_string_value(json_object_get(view, "profile")), "EP");
    assert_string_equal(json_string_value(json_object_get(view, "sensitive_notes")), "Klinik");
    json_t *cap = json_array_get(json_object_get(view, "areas"), AREA_CAPACITY);
    assert_string_equal(json_string_value(json_object_get(cap, "needs")), "Sucht");
    json_decref(view);
    assert_int_equal(count(f, "SELECT count(*) FROM cases WHERE profile = 'EP'"), 1);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'assessment.update'"), 2);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'assessment.update'"
                              " AND detail LIKE '%kept unseen from version 1'"),
                     1);
    assert_int_equal(count(f, "SELECT count(*) FROM audit WHERE action = 'assessment.read'"
                              " AND detail LIKE '%sensitive%'"),
                     1);

    /* another case manager of the team: refused, nothing written */
    struct core_ctx other = fixture_ctx(f, &f->cm2);
    struct problem pb4 = PROBLEM_INIT;
    assert_int_equal(assessments_put(&other, id, &in, &view, &pb4), CORE_FORBIDDEN);
    assert_string_equal(pb4.code, "break_glass_possible");
    assert_int_equal(count(f, "SELECT count(*) FROM assessments"), 2);
}

int
main(void)
{
    crypto_init();
    date_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(derives_every_profile_group),
        cmocka_unit_test(unknown_or_missing_severities_count_as_none),
        cmocka_unit_test(topics_round_trip_in_list_order),
        cmocka_unit_test(diff_lists_every_changed_field_and_nothing_else),
        cmocka_unit_test(diff_withholds_sensitive_content_unless_asked),
        cmocka_unit_test(input_fills_absent_areas_and_collects_every_error),
        cmocka_unit_test_setup_teardown(
            versions_keep_unseen_sensitive_content_and_set_the_case_profile, fixture_setup,
            fixture_teardown),
    };
    return cmocka_run_group_tests_name("core/assessments", tests, NULL, NULL);
}
