/*
 * tests/http/test_api_appointments.c — the case's appointments over the API
 * and the pages: POST/GET /cases/{id}/appointments, GET/PATCH
 * /appointments/{id}; the new-appointment form, an appointment's page and
 * its attendance form. Refusals store nothing (400 unknown field, 403/404
 * by the access policy, 409 for a case that is not active, 422 listing
 * every bad field); every request leaves exactly one audit entry; a missed
 * appointment counts as a failed contact and an attended one resets the
 * count; the fourth invitation with a legal-consequences notice within 4
 * weeks is stored with a warning.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *const signed_in[] = { "fm1", "fm2", "fm4", "tl1", NULL };
static struct h_browser fm1;

static int
setup(void **state)
{
    struct harness *h = h_start(NULL);
    *state = h;
    if (!h)
        return -1;
    for (const char *const *u = signed_in; *u; u++)
        h_token(h, *u); /* sign in once, before any snapshot */
    h_sign_in(h, &fm1, "fm1");
    return 0;
}

/* ---- helpers ---- */

/* The instant SECONDS from now, RFC 3339 UTC (a buffer rotating among 8). */
static const char *
instant_in(long long seconds)
{
    static char ring[8][24];
    static int next;
    char *s = ring[next++ % 8];
    time_t t = time(NULL) + (time_t)seconds;
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(s, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return s;
}

enum { HOUR = 3600, DAY = 86400 };

/* A demo case of fm1 with STATUS; the N-th one (by id). */
static const char *
demo_case(struct harness *h, const char *user, const char *status, int n)
{
    const char *id = h_sql_str(h,
                               "SELECT id FROM cases WHERE case_manager_id = %Q AND status = %Q"
                               " ORDER BY id LIMIT 1 OFFSET %d",
                               h_user_id(h, user), status, n);
    assert_non_null(id);
    return id;
}

/* A new active case of fm1 (a new client, consent 20 days ago). */
static const char *
fresh_case(struct harness *h)
{
    static int seq;
    char number[16];
    seq++;
    snprintf(number, sizeof number, "800A%06d", seq % 1000000);
    json_t *c =
        json_pack("{s:s,s:s,s:s,s:s,s:{s:s,s:s,s:s}}", "customer_number", number, "first_name",
                  "Termina", "last_name", "Testperson", "birth_date", "1985-02-03", "address",
                  "street", "Weg 2", "postcode", "12043", "city", "Musterstadt");
    struct h_resp *r = h_apij(h, "POST", "/api/v1/clients", h_token(h, "fm1"), c);
    EXPECT_STATUS(r, 201);
    const char *client = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    json_t *k =
        json_pack("{s:s,s:{s:s,s:s,s:s},s:s}", "client_id", client, "referral", "source", "self",
                  "date", h_day(-30), "reason", "Termintest", "consent_date", h_day(-20));
    r = h_apij(h, "POST", "/api/v1/cases", h_token(h, "fm1"), k);
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

static json_t *
body_at(const char *start, bool legal_notice, const char *purpose)
{
    json_t *b = json_pack("{s:s,s:i,s:s,s:[s,s],s:b}", "start", start, "minutes", 45, "channel",
                          "in_person", "topics", "Lebenslauf mitbringen", "Bewerbungen besprechen",
                          "legal_notice", legal_notice);
    if (purpose)
        json_object_set_new(b, "purpose", json_string(purpose));
    return b;
}

/* A new appointment of case KASE starting at START; its id. */
static const char *
new_appointment(struct harness *h, const char *kase, const char *start, bool legal_notice)
{
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", kase), h_token(h, "fm1"),
               body_at(start, legal_notice, legal_notice ? "placement" : NULL));
    EXPECT_STATUS(r, 201);
    const char *id = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    return id;
}

static long long
failed_contacts(struct harness *h, const char *kase)
{
    return h_count(h, "SELECT failed_contacts FROM cases WHERE id = %Q", kase);
}

/* ---- POST /cases/{id}/appointments ---- */

static void
create_answers_the_view_and_is_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 0);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    const char *start = h_strdup(h, instant_in(3 * DAY));
    json_t *b = body_at(start, true, "vocational_guidance");
    json_object_set_new(b, "location", json_string("Raum 1.23"));
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", kase), h_token(h, "fm1"), b);
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.create", "fm1");
    assert_non_null(h_jstr(r->json, "id"));
    assert_string_equal(h_jstr(r->json, "case_id"), kase);
    assert_string_equal(h_jstr(r->json, "start"), start);
    assert_string_equal(h_jstr(r->json, "end"), instant_in(3 * DAY + 45 * 60));
    assert_int_equal(json_integer_value(h_jget(r->json, "minutes")), 45);
    assert_string_equal(h_jstr(r->json, "channel"), "in_person");
    assert_int_equal(json_array_size(h_jget(r->json, "topics")), 2);
    assert_string_equal(json_string_value(json_array_get(h_jget(r->json, "topics"), 1)),
                        "Bewerbungen besprechen");
    assert_true(json_is_true(h_jget(r->json, "legal_notice")));
    assert_string_equal(h_jstr(r->json, "purpose"), "vocational_guidance");
    assert_string_equal(h_jstr(r->json, "location"), "Raum 1.23");
    assert_true(json_is_null(h_jget(r->json, "attendance")));
    assert_true(json_is_null(h_jget(r->json, "attendance_at")));
    assert_string_equal(h_jstr(r->json, "created_by"), h_user_id(h, "fm1"));
    assert_non_null(h_jstr(r->json, "created_at"));
    assert_int_equal(json_array_size(h_jget(r->json, "warnings")), 0);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM appointments WHERE id = %Q AND case_id = %Q"
                             " AND legal_notice = 1 AND minutes = 45 AND topics = %Q",
                             h_jstr(r->json, "id"), kase,
                             "Lebenslauf mitbringen\nBewerbungen besprechen"),
                     1);
    h_free(r);

    /* topics and purpose are optional without a notice */
    json_t *minimal = json_pack("{s:s,s:i,s:s,s:b}", "start", instant_in(DAY), "minutes", 5,
                                "channel", "video", "legal_notice", 0);
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", kase), h_token(h, "fm1"),
               minimal);
    EXPECT_STATUS(r, 201);
    assert_int_equal(json_array_size(h_jget(r->json, "topics")), 0);
    assert_true(json_is_null(h_jget(r->json, "purpose")));
    h_free(r);
}

static void
create_lists_every_bad_field_and_stores_nothing(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 0);
    const char *path = h_printf(h, "/api/v1/cases/%s/appointments", kase);
    struct h_snap before;
    h_snap_take(h, &before);

    /* format errors */
    char long_text[260];
    memset(long_text, 'x', 201);
    long_text[201] = '\0';
    json_t *b = json_pack("{s:s,s:i,s:s,s:[s,s],s:s,s:s,s:s}", "start", "morgen um neun", "minutes",
                          3, "channel", "letter", "topics", "gut", "zwei\nZeilen", "legal_notice",
                          "yes", "purpose", "control", "location", long_text);
    struct h_resp *r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "start", "minutes", "channel", "topics", "legal_notice", "purpose",
                  "location");
    h_free(r);

    /* required fields */
    r = h_apij(h, "POST", path, h_token(h, "fm1"), json_object());
    EXPECT_ERRORS(r, "start", "minutes", "channel", "legal_notice");
    h_free(r);

    /* rule errors together with a format error: too far back, half a minute,
       a notice without a purpose, eleven topics */
    b = body_at(instant_in(-3 * DAY), true, NULL);
    json_object_set_new(b, "minutes", json_real(30.5));
    r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "start", "minutes", "purpose");
    h_free(r);
    b = body_at(instant_in(3 * 366 * DAY), false, NULL);
    json_t *topics = json_array();
    for (int i = 0; i < 11; i++)
        json_array_append_new(topics, json_string("Thema"));
    json_object_set_new(b, "topics", topics);
    r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "start", "topics");
    h_free(r);
    /* an empty topic and a topic of 201 characters */
    b = body_at(instant_in(DAY), false, NULL);
    json_object_set_new(b, "topics", json_pack("[s]", ""));
    r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "topics");
    h_free(r);
    b = body_at(instant_in(DAY), false, NULL);
    json_object_set_new(b, "topics", json_pack("[s]", long_text));
    r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_ERRORS(r, "topics");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
unknown_field_or_no_object_is_400(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 0);
    const char *path = h_printf(h, "/api/v1/cases/%s/appointments", kase);
    struct h_snap before;
    h_snap_take(h, &before);
    json_t *b = body_at(instant_in(DAY), false, NULL);
    json_object_set_new(b, "room", json_string("1.23"));
    struct h_resp *r = h_apij(h, "POST", path, h_token(h, "fm1"), b);
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    r = h_api(h, "POST", path, h_token(h, "fm1"), "[1,2]");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
access_follows_the_case(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 0);
    const char *appt = new_appointment(h, kase, instant_in(2 * DAY), false);
    const char *foreign = demo_case(h, "fm4", "active", 0);
    struct h_snap before;
    h_snap_take(h, &before);
    const char *create = h_printf(h, "/api/v1/cases/%s/appointments", kase);
    const char *show = h_printf(h, "/api/v1/appointments/%s", appt);

    struct h_resp *r =
        h_apij(h, "POST", create, h_token(h, "fm2"), body_at(instant_in(DAY), false, NULL));
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", create, h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", show, h_token(h, "fm2"), NULL);
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "PATCH", show, h_token(h, "fm2"), "{\"attendance\":\"cancelled\"}");
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    /* another Jobcenter: as if there were nothing */
    r = h_apij(h, "POST", create, h_token(h, "fm4"), body_at(instant_in(DAY), false, NULL));
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "GET", show, h_token(h, "fm4"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "PATCH", show, h_token(h, "fm4"), "{\"attendance\":\"cancelled\"}");
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", foreign), h_token(h, "fm1"),
               body_at(instant_in(DAY), false, NULL));
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    /* no such case or appointment; a bad body does not reveal anything either */
    r = h_apij(h, "POST", "/api/v1/cases/cs_none/appointments", h_token(h, "fm1"),
               body_at(instant_in(DAY), false, NULL));
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_apij(h, "POST", create, h_token(h, "fm2"), json_object());
    EXPECT_PROBLEM(r, 403, "break_glass_possible");
    h_free(r);
    r = h_api(h, "GET", "/api/v1/appointments/ap_none", h_token(h, "fm1"), NULL);
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    r = h_api(h, "PATCH", "/api/v1/appointments/ap_none", h_token(h, "fm1"),
              "{\"attendance\":\"cancelled\"}");
    EXPECT_PROBLEM(r, 404, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
closed_or_referred_case_is_409(void **state)
{
    struct harness *h = *state;
    const char *closed = demo_case(h, "fm1", "closed", 0);
    const char *referred = h_sql_str(h,
                                     "SELECT id FROM cases WHERE case_manager_id = %Q AND status ="
                                     " 'referred' ORDER BY id LIMIT 1",
                                     h_user_id(h, "fm1"));
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", closed),
                              h_token(h, "fm1"), body_at(instant_in(DAY), false, NULL));
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    if (referred) {
        r = h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/appointments", referred),
                   h_token(h, "fm1"), body_at(instant_in(DAY), false, NULL));
        EXPECT_PROBLEM(r, 409, "case_not_active");
        h_free(r);
    }
    EXPECT_NOTHING_STORED(h, &before);
    /* reading a closed case's appointments is fine */
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "GET", h_printf(h, "/api/v1/cases/%s/appointments", closed), h_token(h, "fm1"),
              NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.list", "fm1");
    h_free(r);
}

/* ---- reads ---- */

static void
list_is_latest_first_paged_and_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *a = new_appointment(h, kase, instant_in(DAY), false);
    const char *b = new_appointment(h, kase, instant_in(5 * DAY), false);
    const char *c = new_appointment(h, kase, instant_in(-HOUR), false);
    const char *path = h_printf(h, "/api/v1/cases/%s/appointments", kase);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "GET", path, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.list", "fm1");
    json_t *items = h_jget(r->json, "items");
    assert_int_equal(json_array_size(items), 3);
    assert_string_equal(h_jstr(json_array_get(items, 0), "id"), b);
    assert_string_equal(h_jstr(json_array_get(items, 1), "id"), a);
    assert_string_equal(h_jstr(json_array_get(items, 2), "id"), c);
    assert_true(json_is_null(h_jget(r->json, "next_cursor")));
    h_free(r);

    char page[200];
    snprintf(page, sizeof page, "%s?limit=2", path);
    r = h_api(h, "GET", page, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 2);
    const char *cursor = h_strdup(h, h_jstr(r->json, "next_cursor"));
    assert_non_null(cursor);
    h_free(r);
    char enc[128];
    h_urlencode(enc, sizeof enc, cursor);
    snprintf(page, sizeof page, "%s?limit=2&cursor=%s", path, enc);
    r = h_api(h, "GET", page, h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "items")), 1);
    assert_string_equal(h_jstr(json_array_get(h_jget(r->json, "items"), 0), "id"), c);
    assert_true(json_is_null(h_jget(r->json, "next_cursor")));
    h_free(r);
    snprintf(page, sizeof page, "%s?cursor=nonsense", path);
    r = h_api(h, "GET", page, h_token(h, "fm1"), NULL);
    EXPECT_ERRORS(r, "cursor");
    h_free(r);
}

static void
show_is_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 1);
    const char *appt = new_appointment(h, kase, instant_in(DAY), true);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_api(h, "GET", h_printf(h, "/api/v1/appointments/%s", appt), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.read", "fm1");
    assert_string_equal(h_jstr(r->json, "id"), appt);
    assert_string_equal(h_jstr(r->json, "purpose"), "placement");
    assert_non_null(h_jget(r->json, "warnings"));
    h_free(r);
}

/* ---- PATCH /appointments/{id} ---- */

static void
attendance_before_the_start_is_refused_but_cancelling_is_not(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 2);
    const char *appt = new_appointment(h, kase, instant_in(2 * DAY), false);
    const char *path = h_printf(h, "/api/v1/appointments/%s", appt);
    struct h_snap before;
    h_snap_take(h, &before);
    static const char *const early[] = { "attended", "excused", "missed", NULL };
    for (const char *const *v = early; *v; v++) {
        struct h_resp *r =
            h_apij(h, "PATCH", path, h_token(h, "fm1"), json_pack("{s:s}", "attendance", *v));
        EXPECT_ERRORS(r, "attendance");
        h_free(r);
    }
    struct h_resp *r = h_api(h, "PATCH", path, h_token(h, "fm1"), "{\"attendance\":\"late\"}");
    EXPECT_ERRORS(r, "attendance");
    h_free(r);
    r = h_api(h, "PATCH", path, h_token(h, "fm1"), "{}");
    EXPECT_ERRORS(r, "attendance");
    h_free(r);
    r = h_api(h, "PATCH", path, h_token(h, "fm1"), "{\"attendance\":\"missed\",\"why\":\"x\"}");
    EXPECT_PROBLEM(r, 400, NULL);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    long long failed = failed_contacts(h, kase);
    r = h_api(h, "PATCH", path, h_token(h, "fm1"), "{\"attendance\":\"cancelled\"}");
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.attendance", "fm1");
    assert_string_equal(h_jstr(r->json, "attendance"), "cancelled");
    assert_non_null(h_jstr(r->json, "attendance_at"));
    assert_int_equal(failed_contacts(h, kase), failed);
    h_free(r);
}

static void
missed_counts_a_failed_contact_and_attended_resets_it(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *first = new_appointment(h, kase, instant_in(-3 * HOUR), true);
    const char *second = new_appointment(h, kase, instant_in(-2 * HOUR), false);
    assert_int_equal(failed_contacts(h, kase), 0);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", first),
                             h_token(h, "fm1"), "{\"attendance\":\"missed\"}");
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.attendance", "fm1");
    assert_string_equal(h_jstr(r->json, "attendance"), "missed");
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 1);
    /* the same outcome again counts nothing */
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", first), h_token(h, "fm1"),
              "{\"attendance\":\"missed\"}");
    EXPECT_STATUS(r, 200);
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 1);
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", second), h_token(h, "fm1"),
              "{\"attendance\":\"missed\"}");
    EXPECT_STATUS(r, 200);
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 2);
    /* a correction to excused takes that failed contact back */
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", second), h_token(h, "fm1"),
              "{\"attendance\":\"excused\"}");
    EXPECT_STATUS(r, 200);
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 1);
    /* a correction to attended resets the count and is audited as a correction */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", first), h_token(h, "fm1"),
              "{\"attendance\":\"attended\"}");
    EXPECT_STATUS(r, 200);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.attendance", "fm1");
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 0);
    assert_string_equal(h_sql_str(h, "SELECT detail FROM audit ORDER BY seq DESC LIMIT 1"),
                        "attended (corrected from missed)");
    assert_non_null(h_sql_str(h, "SELECT last_contact_on FROM cases WHERE id = %Q", kase));
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM appointments WHERE id = %Q AND attendance ="
                             " 'attended' AND attendance_by = %Q",
                             first, h_user_id(h, "fm1")),
                     1);
    /* a no-show after the client was last reached counts; one before it would not */
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", second), h_token(h, "fm1"),
              "{\"attendance\":\"missed\"}");
    EXPECT_STATUS(r, 200);
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 1);
}

static void
closed_case_refuses_attendance(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *appt = new_appointment(h, kase, instant_in(-HOUR), false);
    struct h_resp *r =
        h_apij(h, "POST", h_printf(h, "/api/v1/cases/%s/close", kase), h_token(h, "fm1"),
               json_pack("{s:s,s:s}", "date", h_day(0), "reason", "need_ended"));
    EXPECT_STATUS(r, 200);
    h_free(r);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", appt), h_token(h, "fm1"),
              "{\"attendance\":\"missed\"}");
    EXPECT_PROBLEM(r, 409, "case_closed");
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

/* ---- the POLICY warning ---- */

static void
fourth_legal_notice_within_four_weeks_is_stored_with_a_warning(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *path = h_printf(h, "/api/v1/cases/%s/appointments", kase);
    static const int days[] = { 1, 8, 15 };
    for (int i = 0; i < 3; i++) {
        struct h_resp *r = h_apij(h, "POST", path, h_token(h, "fm1"),
                                  body_at(instant_in(days[i] * DAY), true, "placement"));
        EXPECT_STATUS(r, 201);
        assert_int_equal(json_array_size(h_jget(r->json, "warnings")), 0);
        h_free(r);
    }
    /* without a notice: no warning, whatever the number */
    struct h_resp *r =
        h_apij(h, "POST", path, h_token(h, "fm1"), body_at(instant_in(10 * DAY), false, NULL));
    EXPECT_STATUS(r, 201);
    assert_int_equal(json_array_size(h_jget(r->json, "warnings")), 0);
    h_free(r);
    /* far outside the window: none either */
    r = h_apij(h, "POST", path, h_token(h, "fm1"), body_at(instant_in(90 * DAY), true, "measures"));
    EXPECT_STATUS(r, 201);
    assert_int_equal(json_array_size(h_jget(r->json, "warnings")), 0);
    h_free(r);
    /* the fourth within 28 days */
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_apij(h, "POST", path, h_token(h, "fm1"),
               body_at(instant_in(22 * DAY), true, "entitlement_check"));
    EXPECT_STATUS(r, 201);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.create", "fm1");
    json_t *w = h_jget(r->json, "warnings");
    assert_int_equal(json_array_size(w), 1);
    assert_string_equal(h_jstr(json_array_get(w, 0), "code"), "many_legal_notices");
    assert_non_null(h_jstr(json_array_get(w, 0), "message"));
    const char *fourth = h_strdup(h, h_jstr(r->json, "id"));
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM appointments WHERE id = %Q", fourth), 1);
    /* cancelling one of them ends the warning */
    const char *first = h_sql_str(h,
                                  "SELECT id FROM appointments WHERE case_id = %Q AND"
                                  " legal_notice = 1 ORDER BY start_at LIMIT 1",
                                  kase);
    r = h_api(h, "PATCH", h_printf(h, "/api/v1/appointments/%s", first), h_token(h, "fm1"),
              "{\"attendance\":\"cancelled\"}");
    EXPECT_STATUS(r, 200);
    h_free(r);
    r = h_api(h, "GET", h_printf(h, "/api/v1/appointments/%s", fourth), h_token(h, "fm1"), NULL);
    EXPECT_STATUS(r, 200);
    assert_int_equal(json_array_size(h_jget(r->json, "warnings")), 0);
    h_free(r);
}

/* ---- pages ---- */

static void
form_is_prefilled_and_audited(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 3);
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/cases/%s/appointments/new", kase), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "case.read", "fm1");
    /* the next working day, German */
    (void)h_day(0); /* sets the zone to Berlin */
    int add = 1;
    for (;; add++) {
        time_t t = time(NULL) + (time_t)add * DAY;
        struct tm tm;
        localtime_r(&t, &tm);
        if (tm.tm_wday != 0 && tm.tm_wday != 6)
            break;
    }
    const char *iso = h_day(add);
    char want[64];
    snprintf(want, sizeof want, "value=\"%.2s.%.2s.%.4s\"", iso + 8, iso + 5, iso);
    assert_non_null(strstr(r->body, want));
    assert_non_null(strstr(r->body, "value=\"09:00\""));
    assert_non_null(strstr(r->body, "value=\"30\""));
    assert_non_null(strstr(r->body, "value=\"in_person\" checked"));
    assert_null(strstr(r->body, "name=\"legal_notice\" type=\"checkbox\" value=\"1\" checked"));
    assert_non_null(strstr(r->body, "<label class=\"kern-label\" for=\"purpose\">"));
    h_free(r);

    /* not for a colleague's case, nor a closed one */
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_browse(h, "GET",
                 h_printf(h, "/cases/%s/appointments/new", demo_case(h, "fm2", "active", 0)),
                 fm1.cookies, NULL);
    EXPECT_STATUS(r, 403);
    h_free(r);
    r = h_browse(h, "GET",
                 h_printf(h, "/cases/%s/appointments/new", demo_case(h, "fm1", "closed", 0)),
                 fm1.cookies, NULL);
    EXPECT_STATUS(r, 409);
    h_expect_html(r);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static const char *
de_date(struct harness *h, int days)
{
    const char *iso = h_day(days);
    char de[11];
    snprintf(de, sizeof de, "%.2s.%.2s.%.4s", iso + 8, iso + 5, iso);
    return h_strdup(h, de);
}

static void
form_creates_an_appointment(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *date = de_date(h, 4);
    const char *pairs[] = { "_csrf",
                            fm1.csrf,
                            "date",
                            date,
                            "time",
                            "10:30",
                            "minutes",
                            "60",
                            "channel",
                            "phone",
                            "location",
                            "Rückruf unter 030 1234",
                            "topics",
                            "Lebenslauf\r\n\r\n  Zeugnisse  \r\n",
                            "legal_notice",
                            "1",
                            "purpose",
                            "benefit_decision",
                            "return",
                            "/",
                            NULL };
    long long audit = h_count(h, "SELECT count(*) FROM audit");
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/appointments", kase), fm1.cookies,
                                h_form(h, pairs));
    EXPECT_STATUS(r, 303);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.create", "fm1");
    const char *id = h_sql_str(h, "SELECT id FROM appointments WHERE case_id = %Q", kase);
    assert_non_null(id);
    char loc[128];
    snprintf(loc, sizeof loc, "/appointments/%s?created=1&return=%%2F", id);
    h_expect_redirect(r, loc);
    h_free(r);
    assert_int_equal(h_count(h,
                             "SELECT count(*) FROM appointments WHERE id = %Q AND minutes = 60"
                             " AND channel = 'phone' AND legal_notice = 1 AND purpose ="
                             " 'benefit_decision' AND topics = %Q",
                             id, "Lebenslauf\nZeugnisse"),
                     1);
    /* 10:30 Berlin time on that day */
    struct tm tm = { 0 };
    const char *iso = h_day(4);
    tm.tm_year = atoi(iso) - 1900;
    tm.tm_mon = atoi(iso + 5) - 1;
    tm.tm_mday = atoi(iso + 8);
    tm.tm_hour = 10;
    tm.tm_min = 30;
    tm.tm_isdst = -1;
    long long want = (long long)mktime(&tm) * 1000000;
    assert_int_equal(h_count(h, "SELECT start_at FROM appointments WHERE id = %Q", id), want);

    /* the page after saving: success, the details, a way back to the start page */
    audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_browse(h, "GET", loc, fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.read", "fm1");
    assert_non_null(strstr(r->body, "kern-alert--success"));
    assert_non_null(strstr(r->body, "10:30"));
    assert_non_null(strstr(r->body, "Zeugnisse"));
    assert_non_null(strstr(r->body, "name=\"return\" value=\"/\""));
    h_free(r);
}

static void
form_needs_the_csrf_token(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 3);
    const char *pairs[] = { "date", de_date(h, 4), "time",      "10:30", "minutes",
                            "30",   "channel",     "in_person", NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/appointments", kase), fm1.cookies,
                                h_form(h, pairs));
    EXPECT_STATUS(r, 403);
    h_free(r);
    const char *wrong[] = { "_csrf",   "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
                            "date",    de_date(h, 4),
                            "time",    "10:30",
                            "minutes", "30",
                            "channel", "in_person",
                            NULL };
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/appointments", kase), fm1.cookies,
                 h_form(h, wrong));
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);
}

static void
form_error_page_keeps_the_input(void **state)
{
    struct harness *h = *state;
    const char *kase = demo_case(h, "fm1", "active", 3);
    const char *pairs[] = { "_csrf",
                            fm1.csrf,
                            "date",
                            "31.02.2026",
                            "time",
                            "25:99",
                            "minutes",
                            "viele",
                            "channel",
                            "phone",
                            "location",
                            "Zimmer <b>7</b>",
                            "topics",
                            "Erstes Thema\nZweites Thema",
                            "legal_notice",
                            "1",
                            NULL };
    struct h_snap before;
    h_snap_take(h, &before);
    long long appointments =
        h_count(h, "SELECT count(*) FROM appointments WHERE case_id = %Q", kase);
    struct h_resp *r = h_browse(h, "POST", h_printf(h, "/cases/%s/appointments", kase), fm1.cookies,
                                h_form(h, pairs));
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    /* the page shows the client's name again: a read, audited once */
    EXPECT_ONE_AUDIT(h, before.audit, r, "case.read", "fm1");
    assert_int_equal(h_count(h, "SELECT count(*) FROM appointments WHERE case_id = %Q", kase),
                     appointments);
    assert_non_null(strstr(r->body, "lotse-error-summary"));
    assert_non_null(strstr(r->body, "href=\"#date\""));
    assert_non_null(strstr(r->body, "href=\"#time\""));
    assert_non_null(strstr(r->body, "href=\"#minutes\""));
    assert_non_null(strstr(r->body, "href=\"#purpose\""));
    assert_non_null(strstr(r->body, "id=\"date-error\""));
    assert_non_null(strstr(r->body, "value=\"31.02.2026\""));
    assert_non_null(strstr(r->body, "value=\"25:99\""));
    assert_non_null(strstr(r->body, "value=\"viele\""));
    assert_non_null(strstr(r->body, "value=\"phone\" checked"));
    assert_non_null(strstr(r->body, "Zimmer &lt;b&gt;7&lt;/b&gt;"));
    assert_null(strstr(r->body, "<b>7</b>"));
    assert_non_null(strstr(r->body, "Erstes Thema\nZweites Thema</textarea>"));
    assert_non_null(strstr(r->body, "value=\"1\" checked"));
    h_free(r);

    /* a time too far back is shown at the date field */
    const char *back[] = { "_csrf",   fm1.csrf, "date",    de_date(h, -5), "time", "09:00",
                           "minutes", "30",     "channel", "video",        NULL };
    r = h_browse(h, "POST", h_printf(h, "/cases/%s/appointments", kase), fm1.cookies,
                 h_form(h, back));
    EXPECT_STATUS(r, 422);
    assert_non_null(strstr(r->body, "id=\"date-error\""));
    h_free(r);
    assert_int_equal(h_count(h, "SELECT count(*) FROM appointments WHERE case_id = %Q", kase),
                     appointments);
}

static void
attendance_form_records_a_missed_appointment_in_two_clicks(void **state)
{
    struct harness *h = *state;
    const char *kase = fresh_case(h);
    const char *appt = new_appointment(h, kase, instant_in(-HOUR), true);
    const char *future = new_appointment(h, kase, instant_in(2 * DAY), false);
    /* the worklist links here */
    struct h_resp *r =
        h_browse(h, "GET", h_printf(h, "/appointments/%s?return=/", appt), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "value=\"missed\""));
    assert_non_null(strstr(r->body, "name=\"return\" value=\"/\""));
    h_free(r);
    /* a page for a future appointment offers only to cancel it */
    r = h_browse(h, "GET", h_printf(h, "/appointments/%s", future), fm1.cookies, NULL);
    EXPECT_STATUS(r, 200);
    h_expect_html(r);
    assert_null(strstr(r->body, "value=\"missed\""));
    assert_non_null(strstr(r->body, "value=\"cancelled\""));
    h_free(r);
    /* another return target than "/" or the case is ignored */
    r = h_browse(h, "GET", h_printf(h, "/appointments/%s?return=//evil.example", appt), fm1.cookies,
                 NULL);
    EXPECT_STATUS(r, 200);
    assert_null(strstr(r->body, "value=\"//evil.example\""));
    assert_null(strstr(r->body, "href=\"//evil.example\""));
    h_free(r);

    const char *path = h_printf(h, "/appointments/%s/attendance", appt);
    struct h_snap before;
    h_snap_take(h, &before);
    r = h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "attendance", "missed", "return", "/", NULL }));
    EXPECT_STATUS(r, 403);
    h_free(r);
    EXPECT_NOTHING_STORED(h, &before);

    long long audit = h_count(h, "SELECT count(*) FROM audit");
    r = h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, "attendance", "missed", "return",
                                             "/", NULL }));
    h_expect_redirect(r, "/?saved=attendance");
    EXPECT_ONE_AUDIT(h, audit, r, "appointment.attendance", "fm1");
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 1);

    /* without a choice: the page again with the error; a future appointment cannot be missed */
    r = h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, NULL }));
    EXPECT_STATUS(r, 422);
    h_expect_html(r);
    assert_non_null(strstr(r->body, "href=\"#attendance\""));
    h_free(r);
    r = h_browse(h, "POST", h_printf(h, "/appointments/%s/attendance", future), fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, "attendance", "missed", NULL }));
    EXPECT_STATUS(r, 422);
    assert_non_null(strstr(r->body, "id=\"attendance-error\""));
    h_free(r);
    /* without return: back to the appointment's page */
    r = h_browse(h, "POST", path, fm1.cookies,
                 h_form(h, (const char *[]){ "_csrf", fm1.csrf, "attendance", "attended", NULL }));
    h_expect_redirect(r, h_printf(h, "/appointments/%s?saved=1", appt));
    h_free(r);
    assert_int_equal(failed_contacts(h, kase), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(create_answers_the_view_and_is_audited),
        cmocka_unit_test(create_lists_every_bad_field_and_stores_nothing),
        cmocka_unit_test(unknown_field_or_no_object_is_400),
        cmocka_unit_test(access_follows_the_case),
        cmocka_unit_test(closed_or_referred_case_is_409),
        cmocka_unit_test(list_is_latest_first_paged_and_audited),
        cmocka_unit_test(show_is_audited),
        cmocka_unit_test(attendance_before_the_start_is_refused_but_cancelling_is_not),
        cmocka_unit_test(missed_counts_a_failed_contact_and_attended_resets_it),
        cmocka_unit_test(closed_case_refuses_attendance),
        cmocka_unit_test(fourth_legal_notice_within_four_weeks_is_stored_with_a_warning),
        cmocka_unit_test(form_is_prefilled_and_audited),
        cmocka_unit_test(form_creates_an_appointment),
        cmocka_unit_test(form_needs_the_csrf_token),
        cmocka_unit_test(form_error_page_keeps_the_input),
        cmocka_unit_test(attendance_form_records_a_missed_appointment_in_two_clicks),
        cmocka_unit_test(h_test_server_exits_cleanly),
    };
    int failed =
        cmocka_run_group_tests_name("http/api_appointments", tests, setup, h_group_teardown);
    return h_exit_code(failed);
}
