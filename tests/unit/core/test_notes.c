/*
 * tests/unit/core/test_notes.c — the rules of contact notes and text
 * templates: the field table (every bad field at once, unknown fields
 * refused), the rule checks (`at` at most 10 minutes ahead and not before
 * the case started, whole minutes, a correction's reason), placeholder
 * filling, and on a store: a correction adds a version and keeps the old
 * one, whose row the store refuses to change.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "core/cases.h"
#include "core/clients.h"
#include "core/notes.h"
#include "fixture.h"
#include "util/date.h"

static bool
has_error(const struct problem *pb, const char *field)
{
    for (const struct field_error *e = pb->errors; e; e = e->next)
        if (strcmp(e->field, field) == 0)
            return true;
    return false;
}

/* ---- the field table ---- */

static void
field_table_lists_every_bad_field(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    json_t *body = json_pack("{s:s,s:s,s:s,s:s,s:i}", "at", "yesterday", "channel", "fax", "kind",
                             "consultation", "text", " \n ", "minutes_consultation", 601);
    struct note_input in;
    struct problem pb = PROBLEM_INIT;
    assert_int_equal(input_read(body, note_fields, &in, &a, &pb), CORE_INVALID);
    assert_true(has_error(&pb, "at"));
    assert_true(has_error(&pb, "channel"));
    assert_true(has_error(&pb, "text"));
    assert_true(has_error(&pb, "minutes_consultation"));
    assert_false(has_error(&pb, "kind"));
    assert_int_equal(pb.n_errors, 4);
    json_decref(body);

    body = json_pack("{s:s,s:s}", "text", "x", "colour", "red");
    struct problem pb2 = PROBLEM_INIT;
    assert_int_equal(input_read(body, note_fields, &in, &a, &pb2), CORE_BAD_REQUEST);
    json_decref(body);

    /* a correction needs a reason; a note does not know one */
    body = json_pack("{s:s,s:s,s:s,s:s}", "at", "2026-01-05T10:00:00Z", "channel", "phone", "kind",
                     "other", "text", "x");
    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(input_read(body, note_correction_fields, &in, &a, &pb3), CORE_INVALID);
    assert_true(has_error(&pb3, "reason"));
    json_object_set_new(body, "reason", json_string("Tippfehler"));
    struct problem pb4 = PROBLEM_INIT;
    assert_int_equal(input_read(body, note_fields, &in, &a, &pb4), CORE_BAD_REQUEST);
    json_decref(body);
    arena_free(&a);
}

/* ---- rule checks ---- */

static struct core_ctx
bare_ctx(struct arena *a, int64_t now_us)
{
    struct core_ctx c = { .arena = a, .now_us = now_us };
    return c;
}

static void
at_is_at_most_ten_minutes_ahead_and_not_before_the_start(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    int64_t now;
    assert_true(instant_parse("2026-03-10T12:00:00Z", &now));
    struct core_ctx ctx = bare_ctx(&a, now * 1000000);
    struct note_input in = { .channel = "phone",
                             .kind = "other",
                             .text = "x",
                             .minutes_consultation = NAN,
                             .minutes_documentation = NAN };
    struct date start = { 2026, 3, 1 };
    int64_t at;

    in.at = "2026-03-10T12:10:00Z"; /* exactly 10 minutes ahead */
    struct problem pb = PROBLEM_INIT;
    notes_check(&ctx, &in, start, false, &at, &pb);
    assert_int_equal(pb.n_errors, 0);
    assert_int_equal(at, (now + 600) * 1000000);

    in.at = "2026-03-10T12:10:01Z";
    struct problem pb2 = PROBLEM_INIT;
    notes_check(&ctx, &in, start, false, &at, &pb2);
    assert_true(has_error(&pb2, "at"));

    /* 23:30 UTC on 28 Feb is 00:30 on 1 Mar in Berlin: the start day itself */
    in.at = "2026-02-28T23:30:00Z";
    struct problem pb3 = PROBLEM_INIT;
    notes_check(&ctx, &in, start, false, &at, &pb3);
    assert_int_equal(pb3.n_errors, 0);
    in.at = "2026-02-28T22:30:00Z"; /* 23:30 on 28 Feb in Berlin */
    struct problem pb4 = PROBLEM_INIT;
    notes_check(&ctx, &in, start, false, &at, &pb4);
    assert_true(has_error(&pb4, "at"));
    /* no start known: no such check */
    struct problem pb5 = PROBLEM_INIT;
    notes_check(&ctx, &in, DATE_NONE, false, &at, &pb5);
    assert_int_equal(pb5.n_errors, 0);
    arena_free(&a);
}

static void
minutes_are_whole_and_a_reason_has_five_characters(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    struct core_ctx ctx = bare_ctx(&a, core_now_us());
    struct note_input in = {
        .at = NULL, .minutes_consultation = 2.5, .minutes_documentation = 30, .reason = "kurz"
    };
    int64_t at;
    struct problem pb = PROBLEM_INIT;
    notes_check(&ctx, &in, DATE_NONE, true, &at, &pb);
    assert_true(has_error(&pb, "minutes_consultation"));
    assert_false(has_error(&pb, "minutes_documentation"));
    assert_true(has_error(&pb, "reason"));
    assert_int_equal(at, 0);
    /* five characters (not bytes) are enough; a note has no reason to check */
    in.minutes_consultation = NAN;
    in.reason = "Übel";
    struct problem pb2 = PROBLEM_INIT;
    notes_check(&ctx, &in, DATE_NONE, true, &at, &pb2);
    assert_true(has_error(&pb2, "reason"));
    in.reason = "Änder";
    struct problem pb3 = PROBLEM_INIT;
    notes_check(&ctx, &in, DATE_NONE, true, &at, &pb3);
    assert_int_equal(pb3.n_errors, 0);
    in.reason = "x";
    struct problem pb4 = PROBLEM_INIT;
    notes_check(&ctx, &in, DATE_NONE, false, &at, &pb4);
    assert_int_equal(pb4.n_errors, 0);
    arena_free(&a);
}

/* ---- placeholders ---- */

static void
placeholders_are_filled_and_other_text_kept(void **state)
{
    (void)state;
    struct arena a = ARENA_INIT;
    const struct template_values v = { "Erika Mustermann", "05.03.2026", "Frau Berater" };
    assert_string_equal(
        text_template_fill(&a, "Gespräch mit [Name] am [Datum]; [Fallmanager].", &v),
        "Gespräch mit Erika Mustermann am 05.03.2026; Frau Berater.");
    assert_string_equal(text_template_fill(&a, "[Name][Name][Name]", &v),
                        "Erika MustermannErika MustermannErika Mustermann");
    assert_string_equal(text_template_fill(&a, "[name] [Unbekannt] [Name", &v),
                        "[name] [Unbekannt] [Name");
    assert_string_equal(text_template_fill(&a, "", &v), "");
    const struct template_values none = { NULL, "01.01.2026", NULL };
    assert_string_equal(text_template_fill(&a, "[Name] am [Datum] bei [Fallmanager]", &none),
                        "[Name] am 01.01.2026 bei [Fallmanager]");
    /* a body made only of the shortest placeholder grows the most */
    char body[6 * 50 + 1] = "";
    for (int i = 0; i < 50; i++)
        memcpy(body + 6 * i, "[Name]", 7);
    const char *out = text_template_fill(&a, body, &v);
    assert_int_equal(strlen(out), 50 * strlen("Erika Mustermann"));
    arena_free(&a);
}

/* ---- on a store ---- */

static const char *
active_case(struct fixture *f)
{
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    return fixture_active_case(f, &ctx, (struct date){ 2026, 1, 10 }, (struct date){ 2026, 1, 12 });
}

static void
correction_adds_a_version_and_the_old_one_cannot_change(void **state)
{
    struct fixture *f = *state;
    const char *kase = active_case(f);
    struct core_ctx ctx = fixture_ctx(f, &f->cm1);
    char at[21];
    instant_format_utc(ctx.now_us / 1000000 - 60, at);
    struct note_input in = { .at = at,
                             .channel = "phone",
                             .kind = "contact_attempt",
                             .text = "Nicht erreicht",
                             .sensitive = 1,
                             .minutes_consultation = NAN,
                             .minutes_documentation = 3 };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    assert_int_equal(notes_create(&ctx, kase, &in, &view, &pb), CORE_OK);
    const char *id = arena_strdup(&f->arena, json_string_value(json_object_get(view, "id")));
    assert_true(json_is_null(json_object_get(view, "minutes_consultation")));
    assert_int_equal(json_integer_value(json_object_get(view, "minutes_documentation")), 3);
    json_decref(view);

    /* another case manager may not correct it */
    struct core_ctx other = fixture_ctx(f, &f->cm2);
    in.kind = "consultation";
    in.text = "Doch erreicht";
    in.reason = "Rückruf kam noch";
    struct problem pb2 = PROBLEM_INIT;
    view = NULL;
    assert_int_equal(notes_correct(&other, id, &in, &view, &pb2), CORE_FORBIDDEN);
    assert_null(view);

    struct problem pb3 = PROBLEM_INIT;
    assert_int_equal(notes_correct(&ctx, id, &in, &view, &pb3), CORE_OK);
    assert_int_equal(json_integer_value(json_object_get(view, "version")), 2);
    json_decref(view);

    /* read without and with the sensitive text */
    view = NULL;
    struct problem pb4 = PROBLEM_INIT;
    assert_int_equal(notes_get(&ctx, id, false, &view, &pb4), CORE_OK);
    json_t *versions = json_object_get(view, "versions");
    assert_int_equal(json_array_size(versions), 2);
    assert_true(json_is_null(json_object_get(json_array_get(versions, 0), "text")));
    assert_true(json_is_null(json_object_get(view, "text")));
    json_decref(view);
    struct problem pb5 = PROBLEM_INIT;
    assert_int_equal(notes_get(&ctx, id, true, &view, &pb5), CORE_OK);
    versions = json_object_get(view, "versions");
    assert_string_equal(json_string_value(json_object_get(json_array_get(versions, 0), "text")),
                        "Nicht erreicht");
    assert_string_equal(json_string_value(json_object_get(view, "text")), "Doch erreicht");
    json_decref(view);

    /* the store refuses to change a version */
    const struct db_param p[] = { DB_TEXT(id), DB_PARAM_END };
    assert_true(db_exec(f->db, "UPDATE note_versions SET text = 'anders' WHERE note_id = $1", p) <
                0);
    /* the consultation reset the failed contact of the attempt */
    int64_t failed = -1;
    const struct db_param q[] = { DB_TEXT(kase), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&failed), DB_COL_END };
    assert_int_equal(db_query_one(f->db, "SELECT failed_contacts FROM cases WHERE id = $1", q, c),
                     DB_ONE_ROW);
    assert_int_equal(failed, 0);
}

int
main(void)
{
    date_init();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(field_table_lists_every_bad_field),
        cmocka_unit_test(at_is_at_most_ten_minutes_ahead_and_not_before_the_start),
        cmocka_unit_test(minutes_are_whole_and_a_reason_has_five_characters),
        cmocka_unit_test(placeholders_are_filled_and_other_text_kept),
        cmocka_unit_test_setup_teardown(correction_adds_a_version_and_the_old_one_cannot_change,
                                        fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests_name("core/notes", tests, NULL, NULL);
}
