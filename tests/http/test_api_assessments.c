/*
 * tests/http/test_api_assessments.c — the case's assessment (Potenzialanalyse)
 * over the API and the pages: PUT stores versions with the derived or a
 * given profile and sets the case's profile; GET shows the current or an
 * older version; versions and diff; every refusal stores nothing; every
 * request leaves exactly one audit entry; the capacity texts and the
 * sensitive notes (Art. 9) never leave the server unless asked for, and
 * such a request is marked in its audit entry. Pages: collapsed sensitive
 * parts, the edit form that keeps sensitive content it never showed, the
 * error page that keeps the input, CSRF.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Secrets that must never be in a response without ?sensitive=true. */
#define SECRET_HEALTH   "Suchterkrankung-Geheim-7731"
#define SECRET_STRENGTH "Reha-Erfolg-Geheim-4412"
#define SECRET_NOTES    "Psychiatrie-Notiz-Geheim-9920"

static struct h_browser fm1;

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    static const char *const users[] = { "fm1", "fm2", "fm4", "tl1", NULL };
    for (const char *const *u = users; *u; u++)
        h_token(h, *u);
    h_sign_in(h, &fm1, "fm1");
    return 0;
}

/* A new active case of fm1, without an assessment; the same N
 * gives the same case. */
static const char *
active_case(struct harness *h, int n)
{
    static const char *made[32]; /* the same N gives the same case within a run */
    assert_true(n >= 0 && n < 32);
    if (!made[n])
        made[n] = h_new_active_case(h, "fm1");
    return made[n];
}

/* A full first version: needs in qualification (high), capacity (medium)
 * and framework (medium) → EP; secrets in the capacity area and the notes. */
static json_t *
body_v1(void)
{
    return json_pack("{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s},{s:s,s:s},{s:s,s:s,s:s,s:[s,s]},"
                     "{s:s,s:s}],s:s}",
                     "areas", "area", "qualification", "strengths", "Staplerschein", "needs",
                     "Kein Berufsabschluss", "severity", "high", "area", "capacity", "strengths",
                     SECRET_STRENGTH, "needs", SECRET_HEALTH, "severity", "medium", "area",
                     "motivation", "severity", "low", "area", "framework", "needs",
                     "Kinderbetreuung fehlt", "severity", "medium", "topics", "childcare",
                     "housing", "area", "labour_market", "severity", "high", "sensitive_notes",
                     SECRET_NOTES);
}

static void
expect_no_secrets(const struct h_resp *r)
{
    assert_null(strstr(r->body, SECRET_HEALTH));
    assert_null(strstr(r->body, SECRET_STRENGTH));
    assert_null(strstr(r->body, SECRET_NOTES));
}

static const char *
last_audit_detail(struct harness *h)
{
    const char *d = h_sql_str(h, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1");
    return d ? d : "";
}

/* PUT BODY on case ID as fm1, expecting 200; the response. */
static struct h_resp *
put_ok(struct harness *h, const char *id, json_t *body)
{
    struct h_resp *r =
        h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), body);
    EXPECT_STATUS(r, 200);
    return r;
}

/* ---- PUT ---- */

static void
put_stores_version_1_with_derived_profile_and_withholds_sensitive_content(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 0);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = put_ok(h, id, body_v1());
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.update", "fm1");
    expect_no_secrets(r);
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 1);
    assert_string_equal(h_jstr(r->json, "profile"), "EP");
    assert_string_equal(h_jstr(r->json, "profile_derived"), "EP");
    assert_string_equal(h_jstr(r->json, "case_id"), id);
    assert_true(json_is_true(h_jget(r->json, "has_sensitive_notes")));
    assert_true(json_is_null(h_jget(r->json, "sensitive_notes")));
    json_t *areas = h_jget(r->json, "areas");
    assert_int_equal(json_array_size(areas), 5);
    json_t *cap = json_array_get(areas, 1);
    assert_string_equal(h_jstr(cap, "area"), "capacity");
    assert_true(json_is_null(h_jget(cap, "needs")));
    assert_true(json_is_null(h_jget(cap, "strengths")));
    assert_true(json_is_true(h_jget(cap, "sensitive")));
    assert_string_equal(h_jstr(cap, "severity"), "medium");
    json_t *fw = json_array_get(areas, 3);
    assert_string_equal(h_jstr(fw, "area"), "framework");
    assert_int_equal(json_array_size(h_jget(fw, "topics")), 2);
    assert_string_equal(h_jstr(json_array_get(areas, 0), "strengths"), "Staplerschein");
    h_free(r);
    /* stored: one version, five areas, the notes apart, the case's profile */
    assert_int_equal(h_count(h, "SELECT count(*) FROM assessments WHERE case_id = %Q", id), 1);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM assessment_areas r JOIN assessments a"
                             " ON a.id = r.assessment_id WHERE a.case_id = %Q",
                             id),
                     5);
    assert_string_equal(
        h_sql_str(h, "SELECT sensitive_notes FROM assessments WHERE case_id = %Q", id),
        SECRET_NOTES);
    assert_string_equal(h_sql_str(h,
                                  "SELECT r.topics FROM assessment_areas r JOIN assessments a"
                                  " ON a.id = r.assessment_id WHERE a.case_id = %Q"
                                  " AND r.area = 'framework'",
                                  id),
                        "childcare,housing");
    assert_int_equal(h_count(h,
                             "SELECT r.sensitive FROM assessment_areas r JOIN assessments a"
                             " ON a.id = r.assessment_id WHERE a.case_id = %Q"
                             " AND r.area = 'capacity'",
                             id),
                     1);
    assert_string_equal(h_sql_str(h, "SELECT profile FROM cases WHERE id = %Q", id), "EP");
}

static void
put_v2_with_explicit_profile_keeps_both_and_the_case_follows(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 1);
    h_free(put_ok(h, id, body_v1()));
    /* only motivation: derived AP; the case manager says SP */
    json_t *b = json_pack("{s:[{s:s,s:s,s:s}],s:s}", "areas", "area", "motivation", "severity",
                          "high", "needs", "Keine Eigeninitiative", "profile", "SP");
    struct h_resp *r = put_ok(h, id, b);
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 2);
    assert_string_equal(h_jstr(r->json, "profile"), "SP");
    assert_string_equal(h_jstr(r->json, "profile_derived"), "AP");
    /* absent areas: severity none, empty texts; but the special-category parts the body
       left out are kept, so that an update by someone who did not read them cannot wipe
       them */
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "areas"), 0), "severity"), "none");
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "areas"), 0), "strengths"), "");
    assert_true(json_is_true(h_jget(r->json, "has_sensitive_notes")));
    h_free(r);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM assessments a JOIN assessment_areas r ON"
                             " r.assessment_id = a.id WHERE a.case_id = %Q AND a.version = 2 AND"
                             " r.area = 'capacity' AND r.strengths <> ''",
                             id),
                     1);
    /* a stale base version is refused; an empty string clears the notes */
    b = json_pack("{s:[],s:i}", "areas", "base_version", 1);
    r = h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), b);
    EXPECT_PROBLEM(r, 409, "assessment_changed");
    h_free(r);
    b = json_pack("{s:[{s:s,s:s,s:s}],s:s,s:s,s:i}", "areas", "area", "motivation", "severity",
                  "high", "needs", "Keine Eigeninitiative", "profile", "SP", "sensitive_notes", "",
                  "base_version", 2);
    r = put_ok(h, id, b);
    assert_false(json_is_true(h_jget(r->json, "has_sensitive_notes")));
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT profile FROM cases WHERE id = %Q", id), "SP");
    /* without an explicit profile the derived one applies again */
    b = json_pack("{s:[{s:s,s:s}]}", "areas", "area", "motivation", "severity", "medium");
    r = put_ok(h, id, b);
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 4);
    assert_string_equal(h_jstr(r->json, "profile"), "AP");
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT profile FROM cases WHERE id = %Q", id), "AP");
    b = json_pack("{s:[]}", "areas");
    r = put_ok(h, id, b);
    assert_string_equal(h_jstr(r->json, "profile"), "MP");
    h_free(r);
    assert_string_equal(h_sql_str(h, "SELECT profile FROM cases WHERE id = %Q", id), "MP");
    assert_int_equal(h_count(h, "SELECT count(*) FROM assessments WHERE case_id = %Q", id), 5);
}

static void
bad_input_is_one_422_listing_every_field_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 2);
    struct h_snap before;
    h_snap_take(h, &before);
    char *long_text = malloc(5002);
    memset(long_text, 'x', 5001);
    long_text[5001] = '\0';
    json_t *b = json_pack("{s:[{s:s,s:s},{s:s,s:s},{s:s,s:s},{s:s,s:s,s:s},{s:s,s:s,s:[s]},"
                          "{s:s,s:s,s:[s]}],s:s}",
                          "areas", "area", "qualification", "severity", "high", "area",
                          "qualification", "severity", "low", "area", "health", "severity", "low",
                          "area", "motivation", "severity", "extreme", "strengths", long_text,
                          "area", "capacity", "severity", "low", "topics", "housing", "area",
                          "framework", "severity", "low", "topics", "pets", "profile", "XX");
    free(long_text);
    struct h_resp *r =
        h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "areas[1].area", "areas[2].area", "areas[3].severity", "areas[3].strengths",
                  "areas[4].topics", "areas[5].topics", "profile");
    h_free(r);
    /* areas missing or not a list */
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), "{}");
    EXPECT_ERRORS(r, "areas");
    h_free(r);
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"),
              "{\"areas\":{\"area\":\"capacity\"}}");
    EXPECT_ERRORS(r, "areas");
    h_free(r);
    /* sensitive notes too long */
    char *notes = malloc(10002);
    memset(notes, 'y', 10001);
    notes[10001] = '\0';
    b = json_pack("{s:[],s:s}", "areas", "sensitive_notes", notes);
    free(notes);
    r = h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "sensitive_notes");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
unknown_fields_are_400_and_store_nothing(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 2);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id),
                             h_token(h, "fm1"), "{\"areas\":[],\"mood\":\"good\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"),
              "{\"areas\":[{\"area\":\"capacity\",\"severity\":\"low\",\"diagnosis\":\"x\"}]}");
    EXPECT_PROBLEM(r, 400, NULL);
    assert_non_null(strstr(h_jstr(r->json, "detail"), "areas[0].diagnosis"));
    h_free(r);
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), "[]");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
other_case_managers_get_403_break_glass_and_other_jobcenters_404(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 0); /* has version 1 */
    struct h_snap before;
    h_snap_take(h, &before);
    static const char *const suffixes[] = { "", "/versions", "/diff?from=1&to=1", "?sensitive=true",
                                            NULL };
    for (const char *const *s = suffixes; *s; s++) {
        char p[256];
        snprintf(p, sizeof p, "/api/v1/cases/%s/assessment%s", id, *s);
        struct h_resp *r = h_api(h, "GET", p, h_token(h, "fm2"), NULL);
        EXPECT_PROBLEM(r, 403, "break_glass_possible");
        expect_no_secrets(r);
        h_free(r);
        r = h_api(h, "GET", p, h_token(h, "fm4"), NULL);
        EXPECT_PROBLEM(r, 404, NULL);
        expect_no_secrets(r);
        h_free(r);
    }
    struct h_resp *r = h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id),
                              h_token(h, "fm2"), body_v1());
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm4"),
               body_v1());
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    /* refusal comes before validation: no field errors about someone else's case */
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm4"),
              "{\"areas\":[{\"area\":\"x\"}]}");
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_apij(h, "PUT", "/api/v1/cases/cs_doesnotexist/assessment", h_token(h, "fm1"), body_v1());
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
closed_case_is_409_for_put_and_still_readable(void **state)
{
    struct harness *h = *state;
    const char *id =
        h_sql_str(h,
                  "SELECT id FROM cases WHERE case_manager_id = %Q AND status = 'closed'"
                  " LIMIT 1",
                  h_user_id(h, "fm1"));
    assert_non_null(id);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_apij(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id),
                              h_token(h, "fm1"), body_v1());
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    /* the conflict comes before field errors too */
    r = h_api(h, "PUT", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"),
              "{\"areas\":[{\"area\":\"x\"}]}");
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* reads work on a closed case: it has no assessment */
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    assert_string_equal(h_jstr(r->json, "detail"), "No assessment yet.");
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    h_free(r);
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/versions", id), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 0);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.list", "fm1");
    h_free(r);
}

/* ---- GET ---- */

static void
get_withholds_sensitive_content_unless_asked_and_audits_it(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 3);
    h_free(put_ok(h, id, body_v1()));
    h_free(put_ok(h, id,
                  json_pack("{s:[{s:s,s:s,s:s}]}", "areas", "area", "qualification", "severity",
                            "medium", "strengths", "Zweite Fassung")));

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment", id), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    assert_null(strstr(last_audit_detail(h), "sensitive"));
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 2);
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "areas"), 0), "strengths"),
                        "Zweite Fassung");
    h_free(r);

    /* version 1 without ?sensitive: the secrets stay on the server */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?version=1", id), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    expect_no_secrets(r);
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 1);
    assert_true(json_is_true(h_jget(r->json, "has_sensitive_notes")));
    assert_true(json_is_true(h_jget(r->json, "has_sensitive_content")));
    h_free(r);

    /* with ?sensitive=true they come, and the audit entry says so */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?version=1&sensitive=true", id),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    assert_string_equal(h_jstr(r->json, "sensitive_notes"), SECRET_NOTES);
    json_t *cap = json_array_get(h_jget(r->json, "areas"), 1);
    assert_string_equal(h_jstr(cap, "needs"), SECRET_HEALTH);
    assert_string_equal(h_jstr(cap, "strengths"), SECRET_STRENGTH);
    h_free(r);

    /* bad and unknown versions */
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?version=abc", id),
              h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "version");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?version=0", id), h_token(h, "fm1"),
              NULL);
    EXPECT_ERRORS(r, "version");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?sensitive=maybe", id),
              h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "sensitive");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment?version=9", id), h_token(h, "fm1"),
              NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    /* a case without any assessment */
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment", active_case(h, 9)),
              h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
}

static void
versions_are_listed_newest_first(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 4);
    h_free(put_ok(h, id, body_v1()));
    h_free(put_ok(h, id, json_pack("{s:[],s:s}", "areas", "profile", "UP")));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/versions", id),
                             h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.list", "fm1");
    json_t *items = h_jget(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_int_equal(json_integer_value(h_jget(json_array_get(items, 0), "version")), 2);
    assert_string_equal(h_jstr(json_array_get(items, 0), "profile"), "UP");
    assert_int_equal(json_integer_value(h_jget(json_array_get(items, 1), "version")), 1);
    assert_string_equal(h_jstr(json_array_get(items, 1), "created_by"), h_user_id(h, "fm1"));
    assert_non_null(h_jstr(json_array_get(items, 1), "created_at"));
    expect_no_secrets(r);
    h_free(r);
}

/* Does CHANGES hold {area, field}? (AREA NULL: the whole assessment) */
static json_t *
find_change(json_t *changes, const char *area, const char *field)
{
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
    {
        const char *a = h_jstr(c, "area");
        if (((!area && !a) || (area && a && strcmp(area, a) == 0)) &&
            strcmp(h_jstr(c, "field"), field) == 0)
            return c;
    }
    return NULL;
}

static void
diff_lists_exactly_the_changed_fields(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 5);
    h_free(put_ok(h, id, body_v1()));
    /* v2: qualification severity high→low, capacity needs changed (sensitive),
       framework topics changed, notes removed; the rest as in v1 */
    json_t *b = json_pack(
        "{s:[{s:s,s:s,s:s,s:s},{s:s,s:s,s:s,s:s},{s:s,s:s},{s:s,s:s,s:s,s:[s]},"
        "{s:s,s:s}],s:s}",
        "areas", "area", "qualification", "strengths", "Staplerschein", "needs",
        "Kein Berufsabschluss", "severity", "low", "area", "capacity", "strengths", SECRET_STRENGTH,
        "needs", "Therapie abgeschlossen", "severity", "medium", "area", "motivation", "severity",
        "low", "area", "framework", "needs", "Kinderbetreuung fehlt", "severity", "medium",
        "topics", "childcare", "area", "labour_market", "severity", "high", "sensitive_notes", "");
    h_free(put_ok(h, id, b));

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/diff?from=1&to=2", id),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.diff", "fm1");
    assert_null(strstr(last_audit_detail(h), "sensitive"));
    expect_no_secrets(r);
    assert_null(strstr(r->body, "Therapie abgeschlossen"));
    json_t *ch = h_jget(r->json, "changes");
    /* qualification severity, capacity needs, framework topics, sensitive notes;
       profile EP → SP (capacity is now the main need) in both profile fields */
    assert_int_equal(json_array_size(ch), 6);
    json_t *c = find_change(ch, "qualification", "severity");
    assert_non_null(c);
    assert_string_equal(h_jstr(c, "before"), "high");
    assert_string_equal(h_jstr(c, "after"), "low");
    c = find_change(ch, "capacity", "needs");
    assert_non_null(c);
    assert_true(json_is_true(h_jget(c, "sensitive")));
    assert_true(json_is_null(h_jget(c, "before")));
    c = find_change(ch, "framework", "topics");
    assert_non_null(c);
    assert_int_equal(json_array_size(h_jget(c, "before")), 2);
    assert_int_equal(json_array_size(h_jget(c, "after")), 1);
    assert_non_null(find_change(ch, NULL, "sensitive_notes"));
    c = find_change(ch, NULL, "profile");
    assert_non_null(c);
    assert_string_equal(h_jstr(c, "before"), "EP");
    assert_string_equal(h_jstr(c, "after"), "SP");
    assert_non_null(find_change(ch, NULL, "profile_derived"));
    assert_null(find_change(ch, "capacity", "strengths"));
    h_free(r);

    /* with ?sensitive=true the sensitive changes carry their content */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET",
              h_printf(h, "/api/v1/cases/%s/assessment/diff?from=1&to=2&sensitive=true", id),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.diff", "fm1");
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    c = find_change(h_jget(r->json, "changes"), "capacity", "needs");
    assert_string_equal(h_jstr(c, "before"), SECRET_HEALTH);
    assert_string_equal(h_jstr(c, "after"), "Therapie abgeschlossen");
    h_free(r);

    /* the same version: no changes; bad and unknown versions */
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/diff?from=2&to=2", id),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "changes")), 0);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/diff?to=x", id), h_token(h, "fm1"),
              NULL);
    EXPECT_ERRORS(r, "from", "to");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/assessment/diff?from=1&to=7", id),
              h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
}

/* ---- pages ---- */

static void
page_collapses_sensitive_parts_and_shows_them_on_request(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 6);
    h_free(put_ok(h, id, body_v1()));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/cases/%s/assessment", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    assert_null(strstr(last_audit_detail(h), "sensitive"));
    expect_no_secrets(r);
    assert_non_null(strstr(r->body, "Staplerschein"));
    assert_non_null(strstr(r->body, "sensitive=1"));
    assert_non_null(strstr(r->body, "/assessment/edit"));
    h_free(r);

    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment?version=1&sensitive=1", id),
                 fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    assert_non_null(strstr(r->body, SECRET_HEALTH));
    assert_non_null(strstr(r->body, SECRET_NOTES));
    h_free(r);

    /* another case manager: refused, nothing shown */
    struct h_browser fm2;
    h_sign_in(h, &fm2, "fm2");
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment?sensitive=1", id), fm2.cookies, NULL);
    EXPECT_STATUS(r, 403);
    expect_no_secrets(r);
    h_free(r);

    /* without an assessment: the explanation and the button */
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment", active_case(h, 9)), fm1.cookies,
                 NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "/assessment/edit"));
    h_free(r);
}

static void
edit_form_is_prefilled_but_sensitive_parts_only_on_request(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 7);
    h_free(put_ok(h, id, body_v1()));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/cases/%s/assessment/edit", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    expect_no_secrets(r);
    assert_non_null(strstr(r->body, "Kein Berufsabschluss"));
    assert_non_null(strstr(r->body, "Kinderbetreuung fehlt"));
    assert_non_null(strstr(r->body, "value=\"keep\""));
    assert_non_null(strstr(r->body, "name=\"framework.topics.childcare\" type=\"checkbox\" "
                                    "value=\"1\" checked"));
    assert_non_null(strstr(r->body, "value=\"high\" checked"));
    h_free(r);

    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment/edit?sensitive=1", id), fm1.cookies,
                 NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.read", "fm1");
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    assert_non_null(strstr(r->body, SECRET_HEALTH));
    assert_non_null(strstr(r->body, SECRET_NOTES));
    assert_non_null(strstr(r->body, "value=\"edit\""));
    h_free(r);
}

static char *
save_form(struct harness *h, const char *csrf, const char *mode, const char *qual_strengths)
{
    const char *pairs[] = { csrf ? "_csrf" : "no_csrf",
                            csrf ? csrf : "none",
                            "sensitive_mode",
                            mode,
                            "qualification.strengths",
                            qual_strengths,
                            "qualification.needs",
                            "Kein Berufsabschluss",
                            "qualification.severity",
                            "high",
                            "capacity.severity",
                            "medium",
                            "motivation.severity",
                            "none",
                            "framework.severity",
                            "low",
                            "framework.topics.debts",
                            "1",
                            "labour_market.severity",
                            "none",
                            "profile",
                            "",
                            NULL };
    return h_form(h, pairs);
}

static void
saving_without_loading_keeps_the_sensitive_content(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 8);
    h_free(put_ok(h, id, body_v1()));
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/assessment", id), fm1.cookies,
                                save_form(h, fm1.csrf, "keep", "Gabelstapler, Lager"));
    h_expect_redirect(r, h_printf(h, "/cases/%s/assessment", id));
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.update", "fm1");
    h_free(r);
    assert_int_equal(h_count(h, "SELECT max(version) FROM assessments WHERE case_id = %Q", id), 2);
    const char *aid =
        h_sql_str(h, "SELECT id FROM assessments WHERE case_id = %Q AND version = 2", id);
    assert_string_equal(h_sql_str(h, "SELECT sensitive_notes FROM assessments WHERE id = %Q", aid),
                        SECRET_NOTES);
    assert_string_equal(h_sql_str(h,
                                  "SELECT needs FROM assessment_areas WHERE assessment_id = %Q"
                                  " AND area = 'capacity'",
                                  aid),
                        SECRET_HEALTH);
    assert_string_equal(h_sql_str(h,
                                  "SELECT strengths FROM assessment_areas WHERE assessment_id = %Q"
                                  " AND area = 'qualification'",
                                  aid),
                        "Gabelstapler, Lager");
    assert_string_equal(h_sql_str(h,
                                  "SELECT topics FROM assessment_areas WHERE assessment_id = %Q"
                                  " AND area = 'framework'",
                                  aid),
                        "debts");
    /* the derived profile: qualification high, capacity medium → EP */
    assert_string_equal(h_sql_str(h, "SELECT profile FROM cases WHERE id = %Q", id), "EP");

    /* in edit mode (the sensitive parts were loaded) empty fields clear them */
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/assessment", id), fm1.cookies,
                 save_form(h, fm1.csrf, "edit", "Gabelstapler"));
    h_expect_redirect(r, h_printf(h, "/cases/%s/assessment", id));
    h_free(r);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM assessments WHERE case_id = %Q AND version = 3"
                             " AND sensitive_notes IS NULL",
                             id),
                     1);
}

static void
error_page_keeps_the_input_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 8);
    struct h_snap before;
    h_snap_take(h, &before);
    const char *pairs[] = { "_csrf",
                            fm1.csrf,
                            "sensitive_mode",
                            "edit",
                            "motivation.needs",
                            "Typed-Motivation-Text",
                            "qualification.severity",
                            "high",
                            "capacity.severity",
                            "none",
                            "framework.severity",
                            "low",
                            "framework.topics.housing",
                            "1",
                            "labour_market.severity",
                            "none",
                            "profile",
                            "SP",
                            NULL };
    const char *form = h_form(h, pairs);
    /* one text over the limit (longer than h_form's values may be) */
    size_t n = strlen(form);
    char *body = h_keep(h, malloc(n + 5100));
    memcpy(body, form, n);
    memcpy(body + n, "&qualification.strengths=", 25);
    memset(body + n + 25, 'z', 5001);
    body[n + 25 + 5001] = '\0';
    struct h_resp *r =
        h_browse(h, "POST", h_printf(h, "/cases/%s/assessment", id), fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "Typed-Motivation-Text"));             /* input kept */
    assert_non_null(strstr(r->body, "href=\"#qualification_strengths\"")); /* summary link */
    assert_non_null(strstr(r->body, "href=\"#motivation_severity\""));     /* missing radio */
    assert_non_null(strstr(r->body, "id=\"qualification_strengths-error\""));
    assert_non_null(strstr(r->body, "value=\"SP\" selected"));
    assert_non_null(strstr(r->body, "name=\"framework.topics.housing\" type=\"checkbox\" "
                                    "value=\"1\" checked"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
saving_needs_the_csrf_token(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 8);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/assessment", id), fm1.cookies,
                                save_form(h, NULL, "edit", "Ohne Token"));
    EXPECT_STATUS(r, 403);
    h_free(r);
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/assessment", id), fm1.cookies,
                 save_form(h, "wrong-token", "edit", "Falsches Token"));
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
diff_page_is_a_table_without_sensitive_content(void **state)
{
    struct harness *h = *state;
    const char *id = active_case(h, 5); /* versions 1 and 2 from the diff test */
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment/diff?from=1&to=2", id),
                                fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "assessment.diff", "fm1");
    expect_no_secrets(r);
    assert_null(strstr(r->body, "Therapie abgeschlossen"));
    assert_non_null(strstr(r->body, "<caption"));
    assert_non_null(strstr(r->body, "scope=\"col\""));
    assert_non_null(strstr(r->body, "sensitive=1"));
    h_free(r);
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment/diff?from=1&to=2&sensitive=1", id),
                 fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "Therapie abgeschlossen"));
    h_free(r);
    /* the view page offers the compare form */
    r = h_browse(h, "GET", h_printf(h, "/cases/%s/assessment", id), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    assert_non_null(strstr(r->body, "action=\"/cases/"));
    assert_non_null(strstr(r->body, "name=\"from\""));
    h_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(put_stores_version_1_with_derived_profile_and_withholds_sensitive_content),
        cmocka_unit_test(put_v2_with_explicit_profile_keeps_both_and_the_case_follows),
        cmocka_unit_test(bad_input_is_one_422_listing_every_field_and_stores_nothing),
        cmocka_unit_test(unknown_fields_are_400_and_store_nothing),
        cmocka_unit_test(other_case_managers_get_403_break_glass_and_other_jobcenters_404),
        cmocka_unit_test(closed_case_is_409_for_put_and_still_readable),
        cmocka_unit_test(get_withholds_sensitive_content_unless_asked_and_audits_it),
        cmocka_unit_test(versions_are_listed_newest_first),
        cmocka_unit_test(diff_lists_exactly_the_changed_fields),
        cmocka_unit_test(page_collapses_sensitive_parts_and_shows_them_on_request),
        cmocka_unit_test(edit_form_is_prefilled_but_sensitive_parts_only_on_request),
        cmocka_unit_test(saving_without_loading_keeps_the_sensitive_content),
        cmocka_unit_test(error_page_keeps_the_input_and_stores_nothing),
        cmocka_unit_test(saving_needs_the_csrf_token),
        cmocka_unit_test(diff_page_is_a_table_without_sensitive_content),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed =
        cmocka_run_group_tests_name("http/api_assessments", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
