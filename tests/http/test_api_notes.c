/*
 * tests/http/test_api_notes.c — contact notes and text templates over the
 * API and the pages: POST/GET /cases/{id}/notes, GET /notes/{id}, POST
 * /notes/{id}/corrections, GET/POST/DELETE /text-templates, and the pages
 * /cases/{id}/notes/new, /notes/{id}, /text-templates. Every refusal stores
 * nothing; every read or write of a note leaves exactly one audit entry;
 * sensitive text (Art. 9) is withheld unless asked for, and the asking is
 * logged; a correction keeps the version before it.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const users[] = { "fm1", "fm2", "fm4", "tl1", "admin", NULL };

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    for (const char *const *u = users; *u; u++)
        h_token(h, *u); /* sign in once, before any snapshot */
    return 0;
}

/* An instant SECONDS from now as RFC 3339 UTC (a buffer rotating among 8). */
static const char *
instant(long seconds)
{
    static char buf[8][32];
    static int i;
    char *s = buf[i++ % 8];
    time_t t = time(NULL) + seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(s, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return s;
}

static const char *
active_case(struct harness *h, const char *user)
{
    return h_sql_str(h,
                     "SELECT id FROM cases WHERE case_manager_id=%Q AND status='active'"
                     " ORDER BY id LIMIT 1",
                     h_user_id(h, user));
}

/* Another active case of USER than the first one. */
static const char *
second_active_case(struct harness *h, const char *user)
{
    return h_sql_str(h,
                     "SELECT id FROM cases WHERE case_manager_id=%Q AND status='active'"
                     " ORDER BY id LIMIT 1 OFFSET 1",
                     h_user_id(h, user));
}

static const char *
closed_case(struct harness *h, const char *user)
{
    return h_sql_str(h, "SELECT id FROM cases WHERE case_manager_id=%Q AND status='closed' LIMIT 1",
                     h_user_id(h, user));
}

static json_t *
note_body(const char *kind, const char *text)
{
    return json_pack("{s:s,s:s,s:s,s:s,s:i}", "at", instant(-60), "channel", "phone", "kind", kind,
                     "text", text, "minutes_consultation", 20);
}

/* Create a note on CASE_ID as USER; its id. */
static const char *
new_note(struct harness *h, const char *user, const char *case_id, json_t *body)
{
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", case_id), h_token(h, user), body);
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

static long long
audit_count(struct harness *h)
{
    return h_count(h, "SELECT count(*) FROM audit");
}

static const char *
last_audit_detail(struct harness *h)
{
    return h_sql_str(h, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1");
}

/* ---- create and read ---- */

static void
create_answers_the_note_and_is_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = active_case(h, "fm1");
    long long audit = audit_count(h);
    json_t *b = note_body("consultation", "Bewerbungsunterlagen besprochen.");
    json_object_set_new(b, "minutes_documentation", json_integer(5));
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "note.create", "fm1");
    assert_string_equal(h_jstr(r->json, "case_id"), kase);
    assert_string_equal(h_jstr(r->json, "channel"), "phone");
    assert_string_equal(h_jstr(r->json, "kind"), "consultation");
    assert_string_equal(h_jstr(r->json, "text"), "Bewerbungsunterlagen besprochen.");
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 1);
    assert_int_equal(json_integer_value(h_jget(r->json, "minutes_consultation")), 20);
    assert_int_equal(json_integer_value(h_jget(r->json, "minutes_documentation")), 5);
    assert_true(json_is_false(h_jget(r->json, "sensitive")));
    assert_true(json_is_false(h_jget(r->json, "corrected")));
    assert_string_equal(h_jstr(r->json, "created_by"), h_user_id(h, "fm1"));
    assert_non_null(h_jstr(r->json, "created_by_name"));
    const char *at = h_jstr(r->json, "at");
    assert_non_null(at);
    assert_int_equal(at[strlen(at) - 1], 'Z');
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);

    audit = audit_count(h);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s", id), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    assert_int_equal(json_array_size(h_jget(r->json, "versions")), 1);
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "versions"), 0), "text"),
                        "Bewerbungsunterlagen besprochen.");
    h_free(r);
}

static void
bad_input_is_one_422_with_every_field_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    const char *kase = active_case(h, "fm1");
    struct h_snap before;
    h_snap_take(h, &before);
    json_t *b =
        json_pack("{s:s,s:s,s:s,s:s,s:i,s:f}", "at", instant(3600), "channel", "fax", "kind",
                  "chat", "text", "   ", "minutes_consultation", 601, "minutes_documentation", 2.5);
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 422);
    EXPECT_ERRORS(r, "at", "channel", "kind", "text", "minutes_consultation",
                  "minutes_documentation");
    h_free(r);
    /* missing fields, a malformed instant, a text too long */
    char *big = malloc(20002);
    memset(big, 'x', 20001);
    big[20001] = '\0';
    b = json_pack("{s:s,s:s}", "at", "25.11.2026 10:00", "text", big);
    free(big);
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 422);
    EXPECT_ERRORS(r, "at", "channel", "kind", "text");
    h_free(r);
    /* before the case started */
    const char *started = h_sql_str(h, "SELECT started_on FROM cases WHERE id = %Q", kase);
    char at[32];
    snprintf(at, sizeof at, "%sT00:00:00Z", started); /* 01:00 or 02:00 in Berlin that day */
    b = note_body("other", "Vor dem Start");
    json_object_set_new(b, "at", json_string(at));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201); /* the start day itself is fine */
    h_free(r);
    h_snap_take(h, &before);
    b = note_body("other", "Vor dem Start");
    json_object_set_new(b, "at", json_string("2005-01-01T12:00:00Z"));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 422);
    EXPECT_ERRORS(r, "at");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* five minutes ahead is within the allowed clock skew */
    b = note_body("other", "Gleich");
    json_object_set_new(b, "at", json_string(instant(300)));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    h_free(r);
}

static void
unknown_field_is_400(void **state)
{
    struct harness *h = *state;
    const char *kase = active_case(h, "fm1");
    struct h_snap before;
    h_snap_take(h, &before);
    json_t *b = note_body("other", "Text");
    json_object_set_new(b, "mood", json_string("good"));
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), b);
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
closed_case_is_409_but_readable(void **state)
{
    struct harness *h = *state;
    const char *kase = closed_case(h, "fm1");
    assert_non_null(kase);
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase),
                              h_token(h, "fm1"), note_body("other", "Zu spät"));
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    long long audit = audit_count(h);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.list", "fm1");
    h_free(r);
}

static void
other_case_managers_and_jobcenters_are_refused(void **state)
{
    struct harness *h = *state;
    const char *kase = active_case(h, "fm1");
    const char *note = new_note(h, "fm1", kase, note_body("other", "Nur für fm1"));
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase),
                              h_token(h, "fm2"), note_body("other", "Fremd"));
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm4"),
               note_body("other", "Fremd"));
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm4"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s", note), h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s", note), h_token(h, "fm4"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    json_t *c = note_body("other", "Geändert");
    json_object_set_new(c, "reason", json_string("Tippfehler"));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/notes/%s/corrections", note), h_token(h, "fm2"), c);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    c = note_body("other", "Geändert");
    json_object_set_new(c, "reason", json_string("Tippfehler"));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/notes/%s/corrections", note), h_token(h, "fm4"), c);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", "/api/v1/notes/nt_aaaaaaaaaaaaaaaaaaaa", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- sensitive text ---- */

static void
sensitive_text_is_withheld_unless_asked_and_the_asking_is_logged(void **state)
{
    struct harness *h = *state;
    const char *kase = second_active_case(h, "fm1");
    json_t *b = note_body("consultation", "Suchtberatung begonnen.");
    json_object_set_new(b, "sensitive", json_true());
    const char *note = new_note(h, "fm1", kase, b);

    long long audit = audit_count(h);
    struct h_resp *r =
        h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes", kase), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.list", "fm1");
    assert_null(strstr(r->body, "Suchtberatung"));
    json_t *first = json_array_get(h_jget(r->json, "items"), 0);
    assert_string_equal(h_jstr(first, "id"), note);
    assert_true(json_is_null(h_jget(first, "text")));
    assert_true(json_is_true(h_jget(first, "sensitive")));
    const char *detail = last_audit_detail(h);
    assert_true(!detail || !strstr(detail, "sensitive"));
    h_free(r);

    audit = audit_count(h);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes?sensitive=true", kase),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.list", "fm1");
    assert_non_null(strstr(r->body, "Suchtberatung"));
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    h_free(r);

    audit = audit_count(h);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s", note), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    assert_null(strstr(r->body, "Suchtberatung"));
    h_free(r);
    audit = audit_count(h);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s?sensitive=true", note), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    assert_string_equal(h_jstr(r->json, "text"), "Suchtberatung begonnen.");
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s?sensitive=maybe", note), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 422);
    h_free(r);
}

/* ---- corrections ---- */

static void
correction_adds_a_version_and_keeps_the_history(void **state)
{
    struct harness *h = *state;
    const char *kase = active_case(h, "fm1");
    const char *note = new_note(h, "fm1", kase, note_body("consultation", "Ursprünglicher Text"));
    struct h_snap before;
    h_snap_take(h, &before);
    /* no reason, a reason too short */
    struct h_resp *r = h_apij(h, "POST", h_printf(h, "/api/v1/notes/%s/corrections", note),
                              h_token(h, "fm1"), note_body("consultation", "Neu"));
    EXPECT_STATUS(r, 422);
    EXPECT_ERRORS(r, "reason");
    h_free(r);
    json_t *c = note_body("consultation", "");
    json_object_set_new(c, "reason", json_string("kurz"));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/notes/%s/corrections", note), h_token(h, "fm1"), c);
    EXPECT_STATUS(r, 422);
    EXPECT_ERRORS(r, "reason", "text");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    long long audit = audit_count(h);
    c = note_body("consultation", "Berichtigter Text");
    json_object_set_new(c, "reason", json_string("Falsches Datum des Termins"));
    r = h_apij(h, "POST", h_printf(h, "/api/v1/notes/%s/corrections", note), h_token(h, "fm1"), c);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "note.correct", "fm1");
    assert_int_equal(json_integer_value(h_jget(r->json, "version")), 2);
    assert_true(json_is_true(h_jget(r->json, "corrected")));
    assert_string_equal(h_jstr(r->json, "text"), "Berichtigter Text");
    assert_string_equal(h_jstr(r->json, "id"), note);
    h_free(r);

    r = h_api(h, "GET", h_printf(h, "/api/v1/notes/%s", note), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    json_t *v = h_jget(r->json, "versions");
    assert_int_equal(json_array_size(v), 2);
    assert_string_equal(h_jstr(json_array_get(v, 0), "text"), "Ursprünglicher Text");
    assert_true(json_is_null(h_jget(json_array_get(v, 0), "correction_reason")));
    assert_string_equal(h_jstr(json_array_get(v, 1), "text"), "Berichtigter Text");
    assert_string_equal(h_jstr(json_array_get(v, 1), "correction_reason"),
                        "Falsches Datum des Termins");
    assert_string_equal(h_jstr(json_array_get(v, 1), "created_by"), h_user_id(h, "fm1"));
    h_free(r);
    /* the store holds both versions; the list shows the note once */
    assert_int_equal(h_count(h, "SELECT count(*) FROM note_versions WHERE note_id = %Q", note), 2);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes?limit=500", kase), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    int seen = 0;
    size_t i;
    json_t *item;
    json_array_foreach(h_jget(r->json, "items"), i, item)
    {
        if (strcmp(h_jstr(item, "id"), note) == 0) {
            seen++;
            assert_string_equal(h_jstr(item, "text"), "Berichtigter Text");
        }
    }
    assert_int_equal(seen, 1);
    h_free(r);
}

/* ---- contacts ---- */

static void
contact_attempts_count_and_a_consultation_resets(void **state)
{
    struct harness *h = *state;
    const char *kase = h_new_active_case(h, "fm1");
    long long n0 = h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase);
    assert_int_equal(n0, 0);
    new_note(h, "fm1", kase, note_body("contact_attempt", "Nicht erreicht"));
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), n0 + 1);
    new_note(h, "fm1", kase, note_body("contact_attempt", "Wieder nicht erreicht"));
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), n0 + 2);
    new_note(h, "fm1", kase, note_body("other", "Akte geprüft"));
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), n0 + 2);
    new_note(h, "fm1", kase, note_body("consultation", "Gespräch geführt"));
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), 0);
    assert_non_null(h_sql_str(h, "SELECT last_contact_on FROM cases WHERE id = %Q", kase));
    /* what counts is the time of the contact, not when it was written down: a consultation
       recorded late, dated before a failed attempt, leaves that attempt counted */
    json_t *b = note_body("contact_attempt", "Telefon, keine Antwort");
    json_object_set_new(b, "at", json_string(instant(120)));
    new_note(h, "fm1", kase, b);
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), 1);
    b = note_body("consultation", "Nachgetragen: kurzes Gespräch vorher");
    json_object_set_new(b, "at", json_string(instant(60)));
    new_note(h, "fm1", kase, b);
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), 1);
    b = note_body("consultation", "Rückruf, Termin vereinbart");
    json_object_set_new(b, "at", json_string(instant(180)));
    new_note(h, "fm1", kase, b);
    assert_int_equal(h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase), 0);
}

/* ---- the list ---- */

static void
list_is_newest_first_and_paged(void **state)
{
    struct harness *h = *state;
    /* a case without notes so far, whatever the demo data holds */
    const char *kase = h_new_active_case(h, "fm1");
    static const long ago[] = { -300, -200, -100 };
    const char *ids[3];
    for (int i = 0; i < 3; i++) {
        json_t *b = note_body("other", "Eintrag");
        json_object_set_new(b, "at", json_string(instant(ago[i])));
        ids[i] = new_note(h, "fm1", kase, b);
    }
    struct h_resp *r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes?limit=2", kase),
                             h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    json_t *items = h_jget(r->json, "items");
    assert_int_equal(json_array_size(items), 2);
    assert_string_equal(h_jstr(json_array_get(items, 0), "id"), ids[2]);
    assert_string_equal(h_jstr(json_array_get(items, 1), "id"), ids[1]);
    const char *cursor = h_jstr(r->json, "next_cursor");
    assert_non_null(cursor);
    char p[256], enc[128];
    h_urlencode(enc, sizeof enc, cursor);
    snprintf(p, sizeof p, "/api/v1/cases/%s/notes?limit=2&cursor=%s", kase, enc);
    h_free(r);
    r = h_api(h, "GET", p, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    items = h_jget(r->json, "items");
    assert_int_equal(json_array_size(items), 1);
    assert_string_equal(h_jstr(json_array_get(items, 0), "id"), ids[0]);
    assert_true(json_is_null(h_jget(r->json, "next_cursor")));
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/notes?cursor=nonsense", kase),
              h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 422);
    h_free(r);
}

/* ---- text templates ---- */

static const char *
new_template(struct harness *h, const char *user, const char *title, bool shared, long status)
{
    json_t *b = json_pack("{s:s,s:s,s:b}", "title", title, "body",
                          "Gespräch mit [Name] am [Datum] ([Fallmanager]).", "shared", shared);
    struct h_resp *r = h_apij(h, "POST", "/api/v1/text-templates", h_token(h, user), b);
    EXPECT_STATUS(r, status);
    const char *id = status == 201 ? h_strdup(h, h_jstr(r->json, "id")) : NULL;
    h_free(r);
    return id;
}

static bool
listed(struct harness *h, const char *user, const char *id)
{
    struct h_resp *r = h_api(h, "GET", "/api/v1/text-templates", h_token(h, user), NULL);
    EXPECT_STATUS(r, 200);
    bool found = false;
    size_t i;
    json_t *t;
    json_array_foreach(h_jget(r->json, "items"), i, t) found =
        found || strcmp(h_jstr(t, "id"), id) == 0;
    h_free(r);
    return found;
}

static void
templates_personal_and_shared(void **state)
{
    struct harness *h = *state;
    long long audit = audit_count(h);
    const char *own = new_template(h, "fm1", "Erstgespräch", false, 201);
    struct h_snap before;
    h_snap_take(h, &before);
    new_template(h, "fm1", "Geteilt von fm1", true, 403);
    new_template(h, "fm4", "", false, 422);
    struct h_resp *r = h_apij(h, "POST", "/api/v1/text-templates", h_token(h, "fm1"),
                              json_pack("{s:s,s:s,s:s}", "title", "x", "body", "y", "kind", "z"));
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    const char *shared = new_template(h, "tl1", "Kontaktversuch Telefon", true, 201);
    assert_int_equal(audit_count(h), audit); /* templates hold no client data */

    assert_true(listed(h, "fm1", own));
    assert_true(listed(h, "fm1", shared));
    assert_true(listed(h, "fm2", shared));
    assert_false(listed(h, "fm2", own));
    assert_false(listed(h, "fm4", shared)); /* another Jobcenter */

    h_snap_take(h, &before);
    r = h_api(h, "DELETE", h_printf(h, "/api/v1/text-templates/%s", own), h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "DELETE", h_printf(h, "/api/v1/text-templates/%s", shared), h_token(h, "fm1"),
              NULL);
    EXPECT_PROBLEM(r, 403, NULL);
    h_free(r);
    r = h_api(h, "DELETE", h_printf(h, "/api/v1/text-templates/%s", shared), h_token(h, "fm4"),
              NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    r = h_api(h, "DELETE", h_printf(h, "/api/v1/text-templates/%s", own), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 204);
    h_free(r);
    assert_false(listed(h, "fm1", own));
    r = h_api(h, "DELETE", h_printf(h, "/api/v1/text-templates/%s", shared), h_token(h, "tl1"),
              NULL);
    EXPECT_STATUS(r, 204);
    h_free(r);
    assert_false(listed(h, "fm1", shared));
}

/* ---- pages ---- */

static struct h_browser fm1;

static void
note_form_is_prefilled_and_audited(void **state)
{
    struct harness *h = *state;
    h_sign_in(h, &fm1, "fm1");
    const char *kase = active_case(h, "fm1");
    long long audit = audit_count(h);
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/cases/%s/notes/new", kase), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm1");
    char today[11];
    const char *iso = h_day(0);
    snprintf(today, sizeof today, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    assert_non_null(strstr(r->body, today));
    assert_non_null(strstr(r->body, "value=\"consultation\" checked"));
    /* the last note's channel (phone, from the tests above) */
    assert_non_null(strstr(r->body, "value=\"phone\" checked"));
    h_free(r);

    /* a template fills its placeholders */
    const char *tpl = new_template(h, "fm1", "Vorlage Seite", false, 201);
    char p[256];
    snprintf(p, sizeof p, "/cases/%s/notes/new?template=%s&return=/", kase, tpl);
    r = h_browse(h, "GET", p, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    const char *first =
        h_sql_str(h,
                  "SELECT c.first_name FROM clients c JOIN cases k ON k.client_id = c.id"
                  " WHERE k.id = %Q",
                  kase);
    char expect[256];
    snprintf(expect, sizeof expect, "Gespräch mit %s", first);
    assert_non_null(strstr(r->body, expect));
    assert_non_null(strstr(r->body, today));
    assert_null(strstr(r->body, "[Name]"));
    assert_non_null(strstr(r->body, "name=\"return\" value=\"/\""));
    h_free(r);
}

static void
note_form_posts_redirects_and_keeps_input_on_error(void **state)
{
    struct harness *h = *state;
    if (!fm1.csrf[0])
        h_sign_in(h, &fm1, "fm1");
    const char *kase = active_case(h, "fm1");
    const char *iso = h_day(0);
    char today[11];
    snprintf(today, sizeof today, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    struct h_snap before;
    h_snap_take(h, &before);
    long long notes = h_count(h, "SELECT count(*) FROM notes WHERE case_id = %Q", kase);
    /* no CSRF token */
    char *body = h_form(h, (const char *[]){ "date", today, "time", "00:01", "channel", "phone",
                                             "kind", "other", "text", "Ohne Token", NULL });
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/notes", kase), fm1.cookies, body);
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    /* bad input: the page again, with the input kept (a read of the case: audited) */
    long long audit = audit_count(h);
    body =
        h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", "31.02.2026", "time", "25:00",
                                    "channel", "phone", "kind", "other", "text",
                                    "Mein <getippter> Text", "minutes_consultation", "abc", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/notes", kase), fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "Mein &lt;getippter&gt; Text"));
    assert_non_null(strstr(r->body, "href=\"#date\""));
    assert_non_null(strstr(r->body, "href=\"#time\""));
    assert_non_null(strstr(r->body, "href=\"#minutes_consultation\""));
    assert_non_null(strstr(r->body, "value=\"31.02.2026\""));
    assert_non_null(strstr(r->body, "id=\"date-error\""));
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm1");
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM notes WHERE case_id = %Q", kase), notes);
    /* good input: to the case, or back to the start page */
    body =
        h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today, "time", "00:01", "channel",
                                    "in_person", "kind", "other", "text", "Über die Seite erfasst",
                                    "minutes_consultation", "15", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/notes", kase), fm1.cookies, body);
    h_expect_redirect(r, h_printf(h, "/cases/%s", kase));
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today, "time", "00:02", "channel",
                                       "in_person", "kind", "other", "text", "Von der Startseite",
                                       "return", "/", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/notes", kase), fm1.cookies, body);
    h_expect_redirect(r, "/?saved=note");
    h_free(r);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today, "time", "00:03", "channel",
                                       "in_person", "kind", "other", "text", "Fremdes Ziel",
                                       "return", "https://example.org/", NULL });
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/notes", kase), fm1.cookies, body);
    h_expect_redirect(r, h_printf(h, "/cases/%s", kase));
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM notes WHERE case_id = %Q", kase), notes + 3);
    assert_int_equal(h_count(h, "SELECT v.minutes_consultation FROM notes n JOIN note_versions v ON"
                                " v.note_id = n.id WHERE v.text = 'Über die Seite erfasst'"),
                     15);
}

static void
note_page_shows_history_and_takes_corrections(void **state)
{
    struct harness *h = *state;
    if (!fm1.csrf[0])
        h_sign_in(h, &fm1, "fm1");
    const char *kase = active_case(h, "fm1");
    json_t *b = note_body("consultation", "Gesundheitliche Einschränkung besprochen");
    json_object_set_new(b, "sensitive", json_true());
    const char *note = new_note(h, "fm1", kase, b);
    long long audit = audit_count(h);
    struct h_resp *r = h_browse(h, "GET", h_printf(h, "/notes/%s", note), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    assert_null(strstr(r->body, "Einschränkung besprochen"));
    assert_non_null(strstr(r->body, "?sensitive=1"));
    h_free(r);
    audit = audit_count(h);
    r = h_browse(h, "GET", h_printf(h, "/notes/%s?sensitive=1", note), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    assert_non_null(strstr(r->body, "Einschränkung besprochen"));
    assert_non_null(strstr(r->body, "action=\"/notes/"));
    assert_non_null(strstr(last_audit_detail(h), "sensitive"));
    h_free(r);

    const char *iso = h_day(0);
    char today[11];
    snprintf(today, sizeof today, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    audit = audit_count(h);
    char *body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today, "time", "00:05",
                                             "channel", "phone", "kind", "consultation", "text",
                                             "Neu gefasst", "sensitive", "1", "reason", "", NULL });
    r = h_browse(h, "POST", h_printf(h, "/notes/%s/corrections", note), fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "href=\"#reason\""));
    assert_non_null(strstr(r->body, "Neu gefasst"));
    assert_null(strstr(r->body, "Einschränkung besprochen")); /* still withheld */
    EXPECT_ONE_AUDIT(h, audit, r, "note.read", "fm1");
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM note_versions WHERE note_id = %Q", note), 1);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "date", today, "time", "00:05", "channel",
                                       "phone", "kind", "consultation", "text", "Neu gefasst",
                                       "sensitive", "1", "reason", "Uhrzeit war falsch", NULL });
    r = h_browse(h, "POST", h_printf(h, "/notes/%s/corrections", note), fm1.cookies, body);
    h_expect_redirect(r, h_printf(h, "/notes/%s", note));
    h_free(r);
    r = h_browse(h, "GET", h_printf(h, "/notes/%s?sensitive=1", note), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    assert_non_null(strstr(r->body, "Uhrzeit war falsch"));
    assert_non_null(strstr(r->body, "Einschränkung besprochen")); /* version 1 kept */
    assert_non_null(strstr(r->body, "Neu gefasst"));
    h_free(r);
}

static void
templates_page_lists_adds_and_deletes(void **state)
{
    struct harness *h = *state;
    if (!fm1.csrf[0])
        h_sign_in(h, &fm1, "fm1");
    struct h_resp *r = h_browse(h, "GET", "/text-templates", fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "[Fallmanager]"));
    assert_null(strstr(r->body, "name=\"shared\"")); /* only team leads share */
    h_free(r);
    struct h_snap before;
    h_snap_take(h, &before);
    char *body =
        h_form(h, (const char *[]){ "_csrf", fm1.csrf, "title", "", "body", "Inhalt", NULL });
    r = h_browse(h, "POST", "/text-templates", fm1.cookies, body);
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "href=\"#title\""));
    assert_non_null(strstr(r->body, "Inhalt"));
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, "title", "Seitenvorlage", "body",
                                       "Hallo [Name]", NULL });
    r = h_browse(h, "POST", "/text-templates", fm1.cookies, body);
    h_expect_redirect(r, "/text-templates");
    h_free(r);
    const char *id = h_sql_str(h, "SELECT id FROM text_templates WHERE title = 'Seitenvorlage'");
    assert_non_null(id);
    body = h_form(h, (const char *[]){ "_csrf", fm1.csrf, NULL });
    r = h_browse(h, "POST", h_printf(h, "/text-templates/%s/delete", id), fm1.cookies, body);
    h_expect_redirect(r, "/text-templates");
    h_free(r);
    assert_int_equal(
        h_count(h, "SELECT count(*) FROM text_templates WHERE id = %Q AND deleted_at IS NULL", id),
        0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_answers_the_note_and_is_audited),
        cmocka_unit_test(bad_input_is_one_422_with_every_field_and_stores_nothing),
        cmocka_unit_test(unknown_field_is_400),
        cmocka_unit_test(closed_case_is_409_but_readable),
        cmocka_unit_test(other_case_managers_and_jobcenters_are_refused),
        cmocka_unit_test(sensitive_text_is_withheld_unless_asked_and_the_asking_is_logged),
        cmocka_unit_test(correction_adds_a_version_and_keeps_the_history),
        cmocka_unit_test(contact_attempts_count_and_a_consultation_resets),
        cmocka_unit_test(list_is_newest_first_and_paged),
        cmocka_unit_test(templates_personal_and_shared),
        cmocka_unit_test(note_form_is_prefilled_and_audited),
        cmocka_unit_test(note_form_posts_redirects_and_keeps_input_on_error),
        cmocka_unit_test(note_page_shows_history_and_takes_corrections),
        cmocka_unit_test(templates_page_lists_adds_and_deletes),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed = cmocka_run_group_tests_name("http/api_notes", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
