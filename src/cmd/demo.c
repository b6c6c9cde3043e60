/*
 * cmd/demo.c — `lotse demo`: a store filled with plausible synthetic data.
 * Two Jobcenters, the fixed demo users of the API contract, and N clients with cases,
 * spread so that no case manager holds more than 60 cases (fm1–fm3 in tl1's
 * team, fm4 in the other Jobcenter, fm5 onward in further teams of ten).
 * Active cases carry content: an assessment (70 %), a cooperation plan (75 %),
 * 1–4 contact notes, up to two appointments, and a few clients not reached
 * lately; fm1's first active case by id is the benchmarks' showcase with 200
 * notes and 10 plan versions (see "case content" below).
 * Everything comes from seeded generators and a fixed reference date, so
 * the same seed gives the same data. All users share one password hash
 * (argon2id is deliberately slow; hashing it for thousands of demo users
 * would take minutes); real users each get their own salt.
 */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/assessments.h"
#include "core/audit.h"
#include "core/cases.h"
#include "core/deadlines.h"
#include "core/worklist.h"
#include "store/queries.h"
#include "util/crypto.h"
#include "util/date.h"
#include "util/id.h"
#include "util/text.h"

static const char *const first_names[] = {
    "Anna",      "Maria",     "Sabine",  "Petra",  "Julia",  "Laura",    "Sarah",    "Lena",
    "Katharina", "Monika",    "Ayşe",    "Fatma",  "Elif",   "Olena",    "Iryna",    "Natalia",
    "Agnieszka", "Ioana",     "Amina",   "Mariam", "Thomas", "Michael",  "Andreas",  "Stefan",
    "Jan",       "Lukas",     "Daniel",  "Markus", "Sven",   "Jörg",     "Mehmet",   "Ahmet",
    "Mustafa",   "Oleksandr", "Dmytro",  "Piotr",  "Andrei", "Mohammed", "Omar",     "Yusuf",
    "Sandra",    "Nicole",    "Claudia", "Tobias", "Dennis", "Kevin",    "Jennifer", "Jessica",
    "Frank",     "Uwe",       "Birgit",  "Heike",  "René",   "Dirk",     "Nadine",   "Marcel",
    "Tanja",     "Björn"
};
static const char *const last_names[] = {
    "Müller",   "Schmidt", "Schneider", "Fischer",   "Weber",      "Meyer",      "Wagner",
    "Becker",   "Schulz",  "Hoffmann",  "Schäfer",   "Koch",       "Bauer",      "Richter",
    "Klein",    "Wolf",    "Schröder",  "Neumann",   "Schwarz",    "Zimmermann", "Braun",
    "Krüger",   "Hofmann", "Hartmann",  "Lange",     "Schmitt",    "Werner",     "Krause",
    "Meier",    "Lehmann", "Yılmaz",    "Kaya",      "Demir",      "Şahin",      "Çelik",
    "Kowalski", "Nowak",   "Popescu",   "Kovalenko", "Shevchenko", "Bondarenko", "Haddad",
    "Ahmadi",   "Öztürk",  "Jansen",    "Peters",    "Vogel",      "Friedrich",  "Keller",
    "Günther",  "Frank",   "Berger",    "Winkler",   "Roth",       "Beck",       "Lorenz",
    "Baumann",  "Franke",  "Albrecht",  "Ludwig"
};
static const char *const streets[] = {
    "Hauptstraße",    "Bahnhofstraße",   "Gartenstraße",  "Schulstraße",    "Dorfstraße",
    "Bergstraße",     "Lindenstraße",    "Kirchstraße",   "Waldstraße",     "Ringstraße",
    "Am Markt",       "Mühlenweg",       "Rosenweg",      "Birkenweg",      "Goethestraße",
    "Schillerstraße", "Friedrichstraße", "Feldweg",       "Wiesenstraße",   "Industriestraße",
    "Am Sportplatz",  "Uferstraße",      "Lessingstraße", "Beethovenstraße"
};
static const struct {
    const char *postcode, *city;
} places_a[] = { { "12043", "Musterstadt" },     { "12045", "Musterstadt" },
                 { "12047", "Musterstadt" },     { "12049", "Musterstadt" },
                 { "12051", "Musterstadt" },     { "12055", "Musterstadt-Süd" },
                 { "12057", "Musterstadt-Süd" }, { "12059", "Musterstadt-Nord" } },
  places_b[] = { { "34117", "Beispielhausen" },
                 { "34119", "Beispielhausen" },
                 { "34121", "Beispielhausen" },
                 { "34125", "Beispielhausen-Ost" } };
static const char *const reasons[] = { "Mehrere Handlungsbedarfe: Gesundheit und Kinderbetreuung",
                                       "Langzeitleistungsbezug, Schulden und Wohnungsprobleme",
                                       "Psychische Belastung, fehlender Berufsabschluss",
                                       "Suchtproblematik, Motivation zur Veränderung vorhanden",
                                       "Sprachförderung nötig, Anerkennung des Abschlusses offen",
                                       "Alleinerziehend, Kinderbetreuung ungeklärt",
                                       "Gesundheitliche Einschränkungen nach längerer Krankheit" };
static const char *const closures[] = {
    "integrated_employment", "integrated_apprenticeship", "goals_reached", "need_ended", "moved",
    "long_absence",          "consent_withdrawn"
};
static const char *const languages[] = {
    "de", "de", "de", "de", "tr", "uk", "ar", "ru", "pl", "ro"
};

#define PICK(p, arr) (arr)[prng_below((p), (uint32_t)(sizeof(arr) / sizeof((arr)[0])))]

/* The reference "today" of the demo data: fixed, so that a seed always gives the same data. */
static const struct date demo_today = { 2026, 11, 25 };

/* The tables the demo loads (db_load: COPY on PostgreSQL), parents first. */
#define TABLE(var, table, ...)                                                                     \
    static const char *const var##_columns[] = { __VA_ARGS__, NULL };                              \
    static const struct db_table var = { table, var##_columns }
TABLE(t_clients, "clients", "id", "jobcenter_id", "customer_number", "first_name", "last_name",
      "birth_date", "street", "postcode", "city", "phone", "email", "language", "created_at",
      "first_key", "last_key");
TABLE(t_cases, "cases", "id", "jobcenter_id", "client_id", "case_manager_id", "status",
      "referral_source", "referral_date", "referral_reason", "consent_date", "started_on",
      "next_review_due", "limit_date", "closed_on", "closure_reason", "plan_review_due", "profile",
      "failed_contacts", "last_contact_on", "created_at", "updated_at");
TABLE(t_assessments, "assessments", "id", "jobcenter_id", "case_id", "version", "profile",
      "profile_derived", "sensitive_notes", "created_by", "created_at");
TABLE(t_areas, "assessment_areas", "assessment_id", "area", "strengths", "needs", "severity",
      "topics", "sensitive");
TABLE(t_plans, "plans", "id", "jobcenter_id", "case_id", "version", "is_current", "agreed_on",
      "review_due", "review_outcome", "created_by", "created_at");
TABLE(t_goals, "plan_goals", "id", "plan_id", "position", "kind", "title");
TABLE(t_steps, "plan_steps", "id", "jobcenter_id", "case_id", "plan_id", "goal_id", "position",
      "title", "responsible", "partner", "due", "status", "status_changed_at", "status_changed_by");
TABLE(t_notes, "notes", "id", "jobcenter_id", "case_id", "version", "at", "created_by",
      "created_at");
TABLE(t_note_versions, "note_versions", "note_id", "version", "at", "channel", "kind", "text",
      "sensitive", "minutes_consultation", "minutes_documentation", "created_by", "created_at");
TABLE(t_appointments, "appointments", "id", "jobcenter_id", "case_id", "start_at", "minutes",
      "channel", "topics", "legal_notice", "purpose", "location", "attendance", "attendance_at",
      "attendance_by", "created_by", "created_at");
#undef TABLE

struct demo {
    struct db *db;
    struct prng rng;
    long clients;
    struct rules rules; /* the default deadlines */
    char hash[CRYPTO_PWHASH_STR];
    char jc_a[ID_MAX], jc_b[ID_MAX];
    char team_fm1[ID_MAX], team_b[ID_MAX], team_office[ID_MAX], team_av[ID_MAX];
    long n_cm; /* case managers: fm1 … fmN */
    char (*cm_ids)[ID_MAX];
    int64_t now;
    unsigned long long seed;
    struct content *content; /* scratch for one case's content */
    /* The active cases, whose content is written after all cases, in the order of
     * their ids (see add_content) */
    struct active_case {
        char case_id[ID_MAX];
        long i, cm;
        struct date started;
    } * active;
    long n_active, cap_active;
    char showcase_id[ID_MAX];
    int64_t n_notes, n_plans, n_assessments, n_appointments;
    uint64_t id_seq; /* see demo_id() */
};

/* An id for demo data: drawn from P like any demo id, then its first 8 characters
 * (40 bits) replaced by a running number, so that ids sort in the order they are
 * written. Every index on an id or on a case, plan or note id then grows at its end
 * instead of at random places: loading 1,000,000 clients with their content takes
 * about a third of the time (docs/performance.md). The ids keep the shape of all ids
 * (id_valid), and nothing may read meaning or order into them. */
static void
demo_id(struct demo *d, struct prng *p, const char *prefix, char out[ID_MAX])
{
    static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* util/id.c */
    id_from_prng(p, prefix, out);
    char *t = strchr(out, '_') + 1;
    uint64_t v = d->id_seq++;
    for (int k = 7; k >= 0; k--, v >>= 5)
        t[k] = b32[v & 31];
}

static bool
exec_ok(enum db_status st)
{
    return st >= 0;
}

static bool
add_user(struct demo *d, const char *username, const char *display, unsigned roles, const char *jc,
         const char *team, char out_id[ID_MAX])
{
    char id[ID_MAX];
    id_from_prng(&d->rng, "us", id);
    struct user_row u = { .id = id,
                          .jobcenter_id = (char *)jc,
                          .team_id = (char *)team,
                          .username = (char *)username,
                          .display_name = (char *)display,
                          .password_hash = d->hash,
                          .roles = roles,
                          .fte_milli = 1000,
                          .created_at = d->now };
    if (out_id)
        snprintf(out_id, ID_MAX, "%s", id);
    return exec_ok(db_user_insert(d->db, &u));
}

static bool
add_staff(struct demo *d)
{
    id_from_prng(&d->rng, "jc", d->jc_a);
    id_from_prng(&d->rng, "jc", d->jc_b);
    id_from_prng(&d->rng, "tm", d->team_fm1);
    id_from_prng(&d->rng, "tm", d->team_b);
    id_from_prng(&d->rng, "tm", d->team_office);
    id_from_prng(&d->rng, "tm", d->team_av);
    if (!exec_ok(db_jobcenter_insert(d->db, d->jc_a, "Jobcenter Musterstadt", d->now)) ||
        !exec_ok(db_jobcenter_insert(d->db, d->jc_b, "Jobcenter Beispielhausen", d->now)) ||
        !exec_ok(db_team_insert(d->db, d->team_fm1, d->jc_a, "Fallmanagement 1", d->now)) ||
        !exec_ok(db_team_insert(d->db, d->team_av, d->jc_a, "Arbeitsvermittlung", d->now)) ||
        !exec_ok(
            db_team_insert(d->db, d->team_office, d->jc_a, "Verwaltung und Datenschutz", d->now)) ||
        !exec_ok(db_team_insert(d->db, d->team_b, d->jc_b, "Fallmanagement", d->now)))
        return false;
    if (!add_user(d, "admin", "Administration", ROLE_ADMIN, d->jc_a, d->team_office, NULL) ||
        !add_user(d, "tl1", "Tanja Lehmann (Teamleitung)", ROLE_TEAM_LEAD, d->jc_a, d->team_fm1,
                  NULL) ||
        !add_user(d, "dpo1", "Dieter Peters (Datenschutz)", ROLE_DPO, d->jc_a, d->team_office,
                  NULL) ||
        !add_user(d, "av1", "Anke Vogel (Arbeitsvermittlung)", ROLE_PLACEMENT_OFFICER, d->jc_a,
                  d->team_av, NULL) ||
        !add_user(d, "an1", "Arne Neumann (Statistik)", ROLE_ANALYST, d->jc_a, d->team_office,
                  NULL))
        return false;
    static const char *const cm_names[] = { "Frauke Meyer", "Felix Mertens", "Fatma Aydın",
                                            "Florian Krause" };
    char team[ID_MAX] = "";
    for (long i = 0; i < d->n_cm; i++) {
        char username[32], display[64];
        snprintf(username, sizeof username, "fm%ld", i + 1);
        if (i < 4)
            snprintf(display, sizeof display, "%s", cm_names[i]);
        else
            snprintf(display, sizeof display, "Fallmanager/in %ld", i + 1);
        const char *jc = i == 3 ? d->jc_b : d->jc_a;
        const char *tm = i < 3 ? d->team_fm1 : i == 3 ? d->team_b : team;
        if (i >= 4 && (i - 4) % 10 == 0) {
            char name[48];
            id_from_prng(&d->rng, "tm", team);
            snprintf(name, sizeof name, "Fallmanagement %ld", 2 + (i - 4) / 10);
            if (!exec_ok(db_team_insert(d->db, team, d->jc_a, name, d->now)))
                return false;
        }
        if (!add_user(d, username, display, ROLE_CASE_MANAGER, jc, tm, d->cm_ids[i]))
            return false;
    }
    return true;
}

/* ---- case content: assessment, plan, notes, appointments ---------------------------------
 *
 * Active cases get content; referred cases none (before consent only referral data may be
 * kept), closed cases none (to keep `demo --clients 1000000` fast). The content of case
 * number I comes from its own generator, seeded from the seed and I, so it does not depend
 * on the order in which cases are written. Rows go through the store's insert functions, or
 * through the few statements below where a row needs columns those functions leave to a
 * later update (a step already done, an attendance already recorded, the case's own
 * summary columns): one statement per row, never a read.
 */

/* Area texts, per area in enum assessment_area order: strengths, then needs. */
static const char *const area_strengths[ASSESSMENT_AREAS][3] = {
    { "Hauptschulabschluss, mehrjährige Erfahrung als Helferin in der Gastronomie",
      "Abgeschlossene Ausbildung zum Maler und Lackierer",
      "Berufserfahrung in der Lagerlogistik, Staplerschein" },
    { "Körperlich belastbar, keine Einschränkungen bekannt",
      "Nimmt ärztliche Termine zuverlässig wahr", "Hat eine stabile Tagesstruktur aufgebaut" },
    { "Möchte für die Kinder ein Vorbild sein und eigenes Geld verdienen",
      "Kommt pünktlich und gut vorbereitet zu Terminen", "Hat selbst Stellenanzeigen mitgebracht" },
    { "Unterstützung durch die Familie bei der Kinderbetreuung",
      "Eigene Wohnung, Mietverhältnis gesichert", "Besitzt Führerschein Klasse B" },
    { "Gute Nachfrage nach Lagerhelfern in der Region", "Pflegeeinrichtungen suchen Hilfskräfte",
      "Einzelhandel in Musterstadt stellt regelmäßig ein" }
};
static const char *const area_needs[ASSESSMENT_AREAS][3] = {
    { "Kein Berufsabschluss, Anerkennung des ausländischen Abschlusses offen",
      "Deutschkenntnisse auf A2, für den Zielberuf B1 nötig",
      "Lange Zeit ohne Beschäftigung, Lücken im Lebenslauf" },
    { "Rückenbeschwerden, nur leichte Tätigkeiten möglich", "Psychische Belastung, in Behandlung",
      "Suchtmittelkonsum, Beratung wird erwogen" },
    { "Wenig Zutrauen in die eigenen Fähigkeiten nach vielen Absagen",
      "Termine werden teilweise nicht wahrgenommen", "Eigene Ziele noch unklar" },
    { "Kinderbetreuung für zwei Kinder nicht geklärt", "Mietschulden, Räumungsklage droht",
      "Keine Fahrmöglichkeit zu Arbeitsorten außerhalb der Stadt" },
    { "Wenig Angebote in Teilzeit für den Zielberuf", "Zielberuf regional kaum nachgefragt",
      "Schichtarbeit wegen Kinderbetreuung nicht möglich" }
};
/* framework topics, in the order of assessment_topic_codes */
static const char *const framework_topics[] = { "childcare",          "housing,debts", "debts",
                                                "childcare,mobility", "care,family",   "mobility" };

struct goal_def {
    const char *kind, *title;
    struct {
        const char *title, *responsible, *partner;
    } steps[3];
};
static const struct goal_def goal_defs[] = {
    { "job",
      "Aufnahme einer sozialversicherungspflichtigen Beschäftigung",
      { { "Bewerbungsunterlagen gemeinsam überarbeiten", "case_manager", NULL },
        { "Drei Bewerbungen im Monat schreiben und Nachweise vorlegen", "client", NULL },
        { "Vermittlungsvorschläge aus dem Stellenpool zusenden", "case_manager", NULL } } },
    { "job",
      "Teilzeitstelle im Einzelhandel finden",
      { { "Bewerbungstraining besuchen", "partner", "Bildungswerk Musterstadt" },
        { "Probearbeit bei einem Arbeitgeber vereinbaren", "case_manager", NULL },
        { "Eigenbemühungen monatlich nachweisen", "client", NULL } } },
    { "health",
      "Gesundheitliche Stabilisierung",
      { { "Termin beim Hausarzt wahrnehmen und Ergebnis mitteilen", "client", NULL },
        { "Begutachtung durch den Ärztlichen Dienst veranlassen", "case_manager", NULL },
        { "Teilnahme an der Gesundheitsgruppe", "partner", "Sozialpsychiatrischer Dienst" } } },
    { "language",
      "Deutschkenntnisse auf Niveau B1 verbessern",
      { { "Zum Integrationskurs anmelden", "client", NULL },
        { "Berufssprachkurs beim BAMF beantragen", "case_manager", NULL },
        { "Sprachstandstest ablegen", "partner", "Volkshochschule Musterstadt" } } },
    { "childcare",
      "Kinderbetreuung sicherstellen",
      { { "Kita-Platz beantragen", "client", NULL },
        { "Kontakt zur Kita-Servicestelle herstellen", "case_manager", NULL },
        { "Betreuungsplatz ab Monatsbeginn bestätigen", "partner",
          "Kita-Servicestelle der Stadt" } } },
    { "housing",
      "Wohnsituation sichern",
      { { "Mietrückstände mit dem Vermieter besprechen", "client", NULL },
        { "Übernahme der Mietschulden prüfen", "case_manager", NULL },
        { "Beratung zur Wohnungssicherung", "partner", "Fachstelle Wohnungsnotfälle" } } },
    { "finances",
      "Schuldenregulierung beginnen",
      { { "Unterlagen zu allen Gläubigern sammeln", "client", NULL },
        { "Termin bei der Schuldnerberatung vermitteln (§ 16a)", "case_manager", NULL },
        { "Erstgespräch in der Schuldnerberatung", "partner",
          "Schuldnerberatung der Diakonie" } } },
    { "other",
      "Mobilität verbessern",
      { { "Angebot einer Fahrschule einholen", "client", NULL },
        { "Förderung des Führerscheins prüfen", "case_manager", NULL },
        { "Sozialticket beantragen", "client", NULL } } },
};
enum { N_GOAL_DEFS = sizeof goal_defs / sizeof goal_defs[0] };

static const char *const note_consultation[] = {
    "Beratungsgespräch: Stand der Bewerbungen besprochen, zwei Absagen, eine Einladung zum "
    "Vorstellungsgespräch.",
    "Gespräch zur Kinderbetreuung; Kita-Platz ab dem nächsten Monat in Aussicht.",
    "Kooperationsplan gemeinsam durchgesehen; Schritte sind verstanden, nächster Termin "
    "vereinbart.",
    "Kundin berichtet vom ersten Termin bei der Schuldnerberatung; Unterlagen werden nachgereicht.",
    "Kunde hat sich beim Integrationskurs angemeldet; Beginn in drei Wochen.",
    "Lebenslauf überarbeitet und Anschreiben für den Einzelhandel vorbereitet.",
    "Rückmeldung zum Praktikum: gut angekommen, Arbeitgeber signalisiert Interesse.",
    "Vermittlungsvorschläge besprochen; Kunde bewirbt sich auf zwei Stellen im Lager.",
    "Gespräch über die Wohnsituation; Vermieter ist zu einer Ratenzahlung bereit.",
    "Stand der Eigenbemühungen geprüft: fünf Bewerbungen nachgewiesen.",
};
static const char *const note_attempt[] = {
    "Telefonisch nicht erreicht, Nachricht auf der Mailbox hinterlassen.",
    "Schriftliche Bitte um Rückmeldung versandt.",
    "Rückruf zugesagt, aber nicht erfolgt.",
};
static const char *const note_other[] = {
    "Unterlagen zur Anerkennung des Abschlusses eingegangen und zur Akte genommen.",
    "Rücksprache mit dem Bildungsträger zum Kursbeginn gehalten.",
    "Bescheinigung des Arbeitgebers über die Probearbeit eingegangen.",
};
static const char *const note_sensitive[] = {
    "Kundin berichtet von einer depressiven Episode; fachärztliche Behandlung läuft.",
    "Kunde spricht offen über den Alkoholkonsum; Termin bei der Suchtberatung gewünscht.",
};
static const char *const appointment_topics[] = {
    "Bewerbungsunterlagen", "Stand der Kinderbetreuung\nBewerbungen",
    "Kooperationsplan",     "Schuldnerberatung\nWohnung",
    "Sprachkurs",           ""
};

enum { NOTES_MAX = 200, PLANS_MAX = 10, APPTS_MAX = 2 };

struct content_step {
    char id[ID_MAX], due[11];
    int def; /* index into goal_defs[].steps */
    const char *status;
    int64_t changed_at;
};
struct content_goal {
    char id[ID_MAX];
    int def, n_steps;
    struct content_step steps[3];
};
struct content_plan {
    char id[ID_MAX], agreed[11], review_due[11];
    const char *outcome;
    int64_t created_at;
    int n_goals;
    struct content_goal goals[3];
};
struct content_note {
    char id[ID_MAX];
    int64_t at;
    const char *channel, *kind, *text;
    int sensitive, minutes_consultation, minutes_documentation;
};
struct content_appt {
    char id[ID_MAX];
    int64_t start_at;
    int minutes, legal_notice;
    const char *channel, *topics, *purpose, *location, *attendance;
};

/* Everything one case gets, decided before anything is written (the case row
 * carries the summary: plan review, profile, contacts). */
struct content {
    bool assessment;
    char assessment_id[ID_MAX];
    int64_t assessment_at;
    const char *severity[ASSESSMENT_AREAS], *strengths[ASSESSMENT_AREAS], *needs[ASSESSMENT_AREAS];
    const char *topics, *sensitive_notes, *profile;
    int n_plans;
    struct content_plan plans[PLANS_MAX];
    int n_notes;
    struct content_note notes[NOTES_MAX];
    int n_appts;
    struct content_appt appts[APPTS_MAX];
    /* the case's summary columns */
    char plan_review_due[11], last_contact_on[11];
    int failed_contacts;
};

/* The instant of HOUR:MINUTE Berlin time on day D, in microseconds. Summer time
 * (UTC+2) from the last Sunday of March to the last Sunday of October, else UTC+1;
 * computed here rather than with mktime() because the demo makes millions of them. */
static int64_t
demo_instant(struct date d, int hour, int minute)
{
    int64_t days = date_to_days(d);
    int offset = 1;
    if (d.m > 3 && d.m < 10)
        offset = 2;
    else if (d.m == 3 || d.m == 10) {
        struct date last = { d.y, d.m, 31 };
        int64_t ld = date_to_days(last);
        int64_t last_sunday = ld - ((ld + 4) % 7); /* 1970-01-01 was a Thursday */
        bool after = days > last_sunday || (days == last_sunday && hour >= 3);
        offset = (d.m == 3) == after ? 2 : 1;
    }
    return ((days * 86400) + (int64_t)(hour - offset) * 3600 + minute * 60) * 1000000;
}

static int
days_between(struct date a, struct date b)
{
    return (int)(date_to_days(b) - date_to_days(a));
}

/* Severity of an area: none 25 %, low 25 %, medium 30 %, high 20 %. */
static const char *
draw_severity(struct prng *r)
{
    uint32_t x = prng_below(r, 100);
    return x < 25 ? "none" : x < 50 ? "low" : x < 80 ? "medium" : "high";
}

/* One plan version agreed on AGREED: 1–3 goals of 1–3 steps, due 2 weeks to 5 months
 * after AGREED; a step due before today is mostly done, some are still open (overdue). */
static void
gen_plan(struct demo *d, struct prng *r, struct content_plan *p, struct date agreed,
         const struct rules *rules, int n_goals)
{
    demo_id(d, r, "pl", p->id);
    date_format(agreed, p->agreed);
    date_format(deadline_plan_review(rules, agreed), p->review_due);
    p->outcome = NULL;
    p->created_at = demo_instant(agreed, 10, 30);
    p->n_goals = n_goals;
    int first = (int)prng_below(r, N_GOAL_DEFS);
    for (int g = 0; g < n_goals; g++) {
        struct content_goal *goal = &p->goals[g];
        demo_id(d, r, "pg", goal->id);
        goal->def = (first + g * 3) % N_GOAL_DEFS;
        uint32_t x = prng_below(r, 100);
        goal->n_steps = x < 25 ? 1 : x < 70 ? 2 : 3;
        for (int s = 0; s < goal->n_steps; s++) {
            struct content_step *st = &goal->steps[s];
            demo_id(d, r, "ps", st->id);
            st->def = s;
            struct date due = date_add_days(agreed, 14 + (int)prng_below(r, 140));
            date_format(due, st->due);
            uint32_t y = prng_below(r, 100);
            bool past = date_cmp(due, demo_today) < 0;
            st->status = past ? (y < 60   ? "done"
                                 : y < 70 ? "dropped"
                                          : "open")
                              : (y < 15 ? "done" : "open");
            struct date changed = past ? due : date_add_days(agreed, 7);
            if (date_cmp(changed, demo_today) > 0)
                changed = demo_today;
            st->changed_at = strcmp(st->status, "open") ? demo_instant(changed, 11, 0) : 0;
        }
    }
}

static int
cmp_note_at(const void *a, const void *b)
{
    const struct content_note *x = a, *y = b;
    return x->at < y->at ? -1 : x->at > y->at;
}

/* Decide the content of an active case that started (consent) on STARTED. SHOWCASE: the
 * benchmark's case, with 200 notes and 10 plan versions. */
static void
gen_content(struct demo *d, struct prng *r, struct date started, bool in_b, bool showcase,
            struct content *c)
{
    int active_days = days_between(started, demo_today);
    c->n_plans = c->n_notes = c->n_appts = 0;
    c->plan_review_due[0] = c->last_contact_on[0] = '\0';
    c->failed_contacts = 0;
    c->profile = NULL;

    /* assessment: for 70 % (always for the showcase), 3–27 days after consent */
    c->assessment = showcase || prng_below(r, 100) < 70;
    if (c->assessment) {
        struct date at = date_add_days(started, 3 + (int)prng_below(r, 25));
        if (date_cmp(at, demo_today) > 0)
            at = demo_today;
        demo_id(d, r, "as", c->assessment_id);
        c->assessment_at = demo_instant(at, 9 + (int)prng_below(r, 7), 15);
        for (int i = 0; i < ASSESSMENT_AREAS; i++) {
            c->severity[i] = draw_severity(r);
            c->strengths[i] = area_strengths[i][prng_below(r, 3)];
            c->needs[i] = strcmp(c->severity[i], "none") ? area_needs[i][prng_below(r, 3)] : "";
        }
        c->topics = strcmp(c->severity[AREA_FRAMEWORK], "none") ? PICK(r, framework_topics) : "";
        c->sensitive_notes = !strcmp(c->severity[AREA_CAPACITY], "high") && prng_below(r, 3) == 0
                                 ? "Behandelnde Ärztin bestätigt eingeschränkte Belastbarkeit; "
                                   "Befund liegt in der Gesundheitsakte."
                                 : NULL;
        c->profile = assessment_derive_profile(c->severity);
    }

    /* cooperation plan: for 75 %, agreed 2–8 weeks after consent; a plan whose review is
     * more than two weeks overdue counts as reviewed and agreed again (older versions are
     * not written, except for the showcase) */
    if (showcase) {
        int span = active_days - 21 > 9 ? active_days - 21 : 9;
        c->n_plans = PLANS_MAX;
        for (int v = 0; v < PLANS_MAX; v++) {
            struct date agreed = date_add_days(started, 14 + span * v / (PLANS_MAX - 1));
            if (date_cmp(agreed, demo_today) > 0)
                agreed = demo_today;
            gen_plan(d, r, &c->plans[v], agreed, &d->rules, 2 + (int)prng_below(r, 2));
            if (v > 0)
                c->plans[v].outcome = v % 3 ? "changed" : "kept";
        }
    } else if (prng_below(r, 100) < 75) {
        struct date agreed = date_add_days(started, 14 + (int)prng_below(r, 43));
        struct date overdue = date_add_days(demo_today, -14);
        while (date_cmp(deadline_plan_review(&d->rules, agreed), overdue) < 0)
            agreed = deadline_plan_review(&d->rules, agreed);
        if (date_cmp(agreed, demo_today) < 0) {
            uint32_t x = prng_below(r, 100);
            gen_plan(d, r, &c->plans[0], agreed, &d->rules, x < 35 ? 1 : x < 80 ? 2 : 3);
            c->n_plans = 1;
        }
    }
    if (c->n_plans)
        memcpy(c->plan_review_due, c->plans[c->n_plans - 1].review_due, 11);

    /* notes: 1–4 (200 for the showcase) between consent and today; 4 % of the cases are
     * not reached lately: three failed contact attempts and a missed appointment */
    bool unreached = !showcase && active_days > 45 && prng_below(r, 100) < 4;
    int n = showcase ? NOTES_MAX : 1 + (int)prng_below(r, 4);
    int window = unreached ? active_days - 40 : active_days;
    for (int k = 0; k < n; k++) {
        struct content_note *nt = &c->notes[c->n_notes++];
        demo_id(d, r, "nt", nt->id);
        int day = showcase ? window * k / n : (int)prng_below(r, (uint32_t)window + 1);
        nt->at = demo_instant(date_add_days(started, day), 8 + (int)prng_below(r, 9),
                              (int)prng_below(r, 4) * 15);
        uint32_t x = prng_below(r, 100);
        nt->kind = x < 75 ? "consultation" : x < 90 ? "other" : "contact_attempt";
        nt->sensitive = 0;
        nt->minutes_consultation = nt->minutes_documentation = -1;
        if (!strcmp(nt->kind, "consultation")) {
            uint32_t ch = prng_below(r, 100);
            nt->channel = ch < 60 ? "in_person" : ch < 90 ? "phone" : "video";
            nt->sensitive = prng_below(r, 100) < 4;
            nt->text = nt->sensitive ? PICK(r, note_sensitive) : PICK(r, note_consultation);
            nt->minutes_consultation = 15 + 5 * (int)prng_below(r, 12);
            nt->minutes_documentation = 5 + 5 * (int)prng_below(r, 3);
        } else if (!strcmp(nt->kind, "other")) {
            nt->channel = prng_below(r, 2) ? "letter" : "email";
            nt->text = PICK(r, note_other);
        } else {
            nt->channel = prng_below(r, 3) ? "phone" : "letter";
            nt->text = PICK(r, note_attempt);
        }
    }
    if (unreached)
        for (int k = 0; k < 3; k++) {
            struct content_note *nt = &c->notes[c->n_notes++];
            demo_id(d, r, "nt", nt->id);
            nt->at = demo_instant(date_add_days(demo_today, -30 + 10 * k), 10 + k, 0);
            nt->kind = "contact_attempt";
            nt->channel = k == 1 ? "letter" : "phone";
            nt->text = note_attempt[k];
            nt->sensitive = 0;
            nt->minutes_consultation = nt->minutes_documentation = -1;
        }
    qsort(c->notes, (size_t)c->n_notes, sizeof c->notes[0], cmp_note_at);

    /* appointments: one in the coming 14 days for 30 %; one in the last 60 days for 50 %,
     * its attendance recorded (attended, excused, cancelled) or not yet (15 %); the
     * unreached clients missed their last one */
    const char *location =
        in_b ? "Jobcenter Beispielhausen, Zimmer 1.07" : "Jobcenter Musterstadt, Zimmer 2.14";
    bool past = unreached || prng_below(r, 100) < 50;
    if (past) {
        struct content_appt *a = &c->appts[c->n_appts++];
        demo_id(d, r, "ap", a->id);
        int back = unreached ? 5 : 1 + (int)prng_below(r, 60);
        if (back > active_days)
            back = active_days;
        a->start_at = demo_instant(date_add_days(demo_today, -back), 9 + (int)prng_below(r, 7),
                                   (int)prng_below(r, 2) * 30);
        a->minutes = 30 + 15 * (int)prng_below(r, 3);
        a->channel = prng_below(r, 4) ? "in_person" : "phone";
        a->location = strcmp(a->channel, "in_person") ? NULL : location;
        a->topics = PICK(r, appointment_topics);
        a->legal_notice = 0;
        a->purpose = NULL;
        uint32_t x = prng_below(r, 100);
        a->attendance = unreached ? "missed"
                        : x < 70  ? "attended"
                        : x < 80  ? "excused"
                        : x < 85  ? "cancelled"
                                  : NULL;
    }
    if (showcase || prng_below(r, 100) < 30) {
        struct content_appt *a = &c->appts[c->n_appts++];
        demo_id(d, r, "ap", a->id);
        a->start_at = demo_instant(date_add_days(demo_today, 1 + (int)prng_below(r, 14)),
                                   9 + (int)prng_below(r, 7), (int)prng_below(r, 4) * 15);
        a->minutes = 30 + 15 * (int)prng_below(r, 3);
        uint32_t ch = prng_below(r, 10);
        a->channel = ch < 7 ? "in_person" : ch < 9 ? "phone" : "video";
        a->location = strcmp(a->channel, "in_person") ? NULL : location;
        a->topics = PICK(r, appointment_topics);
        /* an invitation with a legal-consequences notice (§ 309 SGB III) for 10 % */
        a->legal_notice = prng_below(r, 10) == 0;
        a->purpose = a->legal_notice ? "vocational_guidance" : NULL;
        a->attendance = NULL;
    }

    /* contacts since the client was last reached, in time order */
    int64_t last_reached = 0;
    int failed = 0;
    int ai = 0;
    for (int k = 0; k <= c->n_notes; k++) {
        int64_t at = k < c->n_notes ? c->notes[k].at : INT64_MAX;
        for (; ai < c->n_appts && c->appts[ai].start_at < at && c->appts[ai].attendance; ai++) {
            if (!strcmp(c->appts[ai].attendance, "attended"))
                failed = 0, last_reached = c->appts[ai].start_at;
            else if (!strcmp(c->appts[ai].attendance, "missed"))
                failed++;
        }
        if (k == c->n_notes)
            break;
        if (!strcmp(c->notes[k].kind, "consultation"))
            failed = 0, last_reached = at;
        else if (!strcmp(c->notes[k].kind, "contact_attempt"))
            failed++;
    }
    c->failed_contacts = failed;
    if (last_reached)
        date_format(date_today_berlin((time_t)(last_reached / 1000000)), c->last_contact_on);
}

/* An optional number: a negative one is not given. */
static struct db_param
optional_int(int64_t v)
{
    return v >= 0 ? (struct db_param)DB_INT64(v) : (struct db_param)DB_NULL;
}

/* Write content C of case CASE_ID (Jobcenter JC, case manager CM). */
static bool
write_content(struct demo *d, const char *jc, const char *case_id, const char *cm,
              const struct content *c)
{
    struct db *db = d->db;
    if (c->assessment) {
        const struct db_param a[] = { DB_TEXT(c->assessment_id),
                                      DB_TEXT(jc),
                                      DB_TEXT(case_id),
                                      DB_INT64(1),
                                      DB_TEXT(c->profile),
                                      DB_TEXT(c->profile),
                                      DB_TEXT(c->sensitive_notes),
                                      DB_TEXT(cm),
                                      DB_INT64(c->assessment_at),
                                      DB_PARAM_END };
        if (!exec_ok(db_load(db, &t_assessments, a)))
            return false;
        for (int i = 0; i < ASSESSMENT_AREAS; i++) {
            const struct db_param ar[] = { DB_TEXT(c->assessment_id),
                                           DB_TEXT(assessment_area_names[i]),
                                           DB_TEXT(c->strengths[i]),
                                           DB_TEXT(c->needs[i]),
                                           DB_TEXT(c->severity[i]),
                                           DB_TEXT(i == AREA_FRAMEWORK ? c->topics : ""),
                                           DB_INT64(assessment_area_sensitive(i)),
                                           DB_PARAM_END };
            if (!exec_ok(db_load(db, &t_areas, ar)))
                return false;
        }
    }
    for (int v = 0; v < c->n_plans; v++) {
        const struct content_plan *p = &c->plans[v];
        const struct db_param pr[] = { DB_TEXT(p->id),
                                       DB_TEXT(jc),
                                       DB_TEXT(case_id),
                                       DB_INT64(v + 1),
                                       DB_INT64(v == c->n_plans - 1),
                                       DB_TEXT(p->agreed),
                                       DB_TEXT(p->review_due),
                                       DB_TEXT(p->outcome),
                                       DB_TEXT(cm),
                                       DB_INT64(p->created_at),
                                       DB_PARAM_END };
        if (!exec_ok(db_load(db, &t_plans, pr)))
            return false;
        for (int g = 0; g < p->n_goals; g++) {
            const struct content_goal *goal = &p->goals[g];
            const struct goal_def *def = &goal_defs[goal->def];
            const struct db_param gr[] = { DB_TEXT(goal->id),  DB_TEXT(p->id),      DB_INT64(g),
                                           DB_TEXT(def->kind), DB_TEXT(def->title), DB_PARAM_END };
            if (!exec_ok(db_load(db, &t_goals, gr)))
                return false;
            for (int s = 0; s < goal->n_steps; s++) {
                const struct content_step *st = &goal->steps[s];
                bool changed = st->changed_at != 0;
                const struct db_param sp[] = { DB_TEXT(st->id),
                                               DB_TEXT(jc),
                                               DB_TEXT(case_id),
                                               DB_TEXT(p->id),
                                               DB_TEXT(goal->id),
                                               DB_INT64(s),
                                               DB_TEXT(def->steps[st->def].title),
                                               DB_TEXT(def->steps[st->def].responsible),
                                               DB_TEXT(def->steps[st->def].partner),
                                               DB_TEXT(st->due),
                                               DB_TEXT(st->status),
                                               optional_int(changed ? st->changed_at : -1),
                                               DB_TEXT(changed ? cm : NULL),
                                               DB_PARAM_END };
                if (!exec_ok(db_load(db, &t_steps, sp)))
                    return false;
            }
        }
    }
    for (int k = 0; k < c->n_notes; k++) {
        const struct content_note *nt = &c->notes[k];
        int64_t written = nt->at + 10 * 60 * 1000000LL; /* documented 10 minutes later */
        const struct db_param n[] = {
            DB_TEXT(nt->id),  DB_TEXT(jc), DB_TEXT(case_id),  DB_INT64(1),
            DB_INT64(nt->at), DB_TEXT(cm), DB_INT64(written), DB_PARAM_END
        };
        const struct db_param nv[] = { DB_TEXT(nt->id),
                                       DB_INT64(1),
                                       DB_INT64(nt->at),
                                       DB_TEXT(nt->channel),
                                       DB_TEXT(nt->kind),
                                       DB_TEXT(nt->text),
                                       DB_INT64(nt->sensitive ? 1 : 0),
                                       optional_int(nt->minutes_consultation),
                                       optional_int(nt->minutes_documentation),
                                       DB_TEXT(cm),
                                       DB_INT64(written),
                                       DB_PARAM_END };
        if (!exec_ok(db_load(db, &t_notes, n)) || !exec_ok(db_load(db, &t_note_versions, nv)))
            return false;
    }
    for (int k = 0; k < c->n_appts; k++) {
        const struct content_appt *a = &c->appts[k];
        int64_t created = a->start_at - 14 * 86400 * 1000000LL; /* invited two weeks ahead */
        int64_t recorded = a->start_at + (int64_t)a->minutes * 60 * 1000000;
        const struct db_param ap[] = { DB_TEXT(a->id),
                                       DB_TEXT(jc),
                                       DB_TEXT(case_id),
                                       DB_INT64(a->start_at),
                                       DB_INT64(a->minutes),
                                       DB_TEXT(a->channel),
                                       DB_TEXT(a->topics),
                                       DB_INT64(a->legal_notice),
                                       DB_TEXT(a->purpose),
                                       DB_TEXT(a->location),
                                       DB_TEXT(a->attendance),
                                       optional_int(a->attendance ? recorded : -1),
                                       DB_TEXT(a->attendance ? cm : NULL),
                                       DB_TEXT(cm),
                                       DB_INT64(created < d->now ? created : d->now),
                                       DB_PARAM_END };
        if (!exec_ok(db_load(db, &t_appointments, ap)))
            return false;
    }
    return true;
}

/* The case's summary columns from C, for a case written before its content. */
static bool
update_case_summary(struct demo *d, const char *jc, const char *case_id, const struct content *c)
{
    const struct db_param p[] = { DB_TEXT(case_id),
                                  DB_TEXT(jc),
                                  DB_TEXT(c->plan_review_due[0] ? c->plan_review_due : NULL),
                                  DB_TEXT(c->profile),
                                  DB_INT64(c->failed_contacts),
                                  DB_TEXT(c->last_contact_on[0] ? c->last_contact_on : NULL),
                                  DB_PARAM_END };
    return exec_ok(db_exec(d->db,
                           "UPDATE cases SET plan_review_due = $3, profile = $4,"
                           " failed_contacts = $5, last_contact_on = $6"
                           " WHERE id = $1 AND jobcenter_id = $2",
                           p));
}

/* The generator of case number I's content: its own stream, so that content does not
 * depend on the order in which cases are written. */
static struct prng
content_rng(unsigned long long seed, long i)
{
    struct prng r = { (seed + 0x632be59bd9b4e019ULL) * 0xd1b54a32d192ed03ULL ^
                      ((uint64_t)i * 0x9e3779b97f4a7c15ULL) };
    prng_next(&r);
    return r;
}

static void
count_content(struct demo *d, const struct content *c)
{
    d->n_assessments += c->assessment;
    d->n_plans += c->n_plans;
    d->n_notes += c->n_notes;
    d->n_appointments += c->n_appts;
}

static int
cmp_active_id(const void *a, const void *b)
{
    return strcmp(((const struct active_case *)a)->case_id,
                  ((const struct active_case *)b)->case_id);
}

/* The content of the active cases, written after all cases and in the order of the case
 * ids: every index that starts with the case id (notes, plans, steps, appointments,
 * assessments) and the lookups of the case for its foreign keys then move forward through
 * the store instead of jumping at random, which makes loading 1,000,000 clients about
 * twice as fast. The case rows already carry their summary (the content is generated once
 * before, from the same per-case generator); the showcase, fm1's first active case by id,
 * gets its larger content here and its summary updated. */
static bool
add_content(struct demo *d)
{
    long show = -1;
    for (long k = 0; k < d->n_active; k++)
        if (d->active[k].cm == 0 &&
            (show < 0 || strcmp(d->active[k].case_id, d->active[show].case_id) < 0))
            show = k;
    if (show >= 0)
        snprintf(d->showcase_id, ID_MAX, "%s", d->active[show].case_id);
    qsort(d->active, (size_t)d->n_active, sizeof d->active[0], cmp_active_id);
    for (long k = 0; k < d->n_active; k++) {
        const struct active_case *a = &d->active[k];
        bool showcase = !strcmp(a->case_id, d->showcase_id);
        bool in_b = a->cm == 3;
        const char *jc = in_b ? d->jc_b : d->jc_a;
        struct prng cr = content_rng(d->seed, a->i);
        gen_content(d, &cr, a->started, in_b, showcase, d->content);
        if (!write_content(d, jc, a->case_id, d->cm_ids[a->cm], d->content) ||
            (showcase && !update_case_summary(d, jc, a->case_id, d->content)))
            return false;
        count_content(d, d->content);
    }
    return true;
}

static bool
add_clients(struct demo *d)
{
    for (long i = 0; i < d->clients; i++) {
        long cm = i % d->n_cm;
        bool in_b = cm == 3;
        const char *jc = in_b ? d->jc_b : d->jc_a;
        char client_id[ID_MAX], case_id[ID_MAX], number[16], birth[11], street[96], phone[24],
            email[96];
        id_from_prng(&d->rng, "cl", client_id);
        id_from_prng(&d->rng, "cs", case_id);
        snprintf(number, sizeof number, "%03ld%c%06ld", (i / 1000000) % 1000,
                 (char)('A' + prng_below(&d->rng, 26)), i % 1000000);
        const char *first = PICK(&d->rng, first_names);
        const char *last = PICK(&d->rng, last_names);
        struct date b = date_add_days((struct date){ 1962, 1, 1 }, (int)prng_below(&d->rng, 15700));
        date_format(b, birth);
        snprintf(street, sizeof street, "%s %u", PICK(&d->rng, streets),
                 1 + prng_below(&d->rng, 120));
        uint32_t pi = in_b ? prng_below(&d->rng, 4) : prng_below(&d->rng, 8);
        const char *postcode = in_b ? places_b[pi].postcode : places_a[pi].postcode;
        const char *city = in_b ? places_b[pi].city : places_a[pi].city;
        bool has_phone = prng_below(&d->rng, 10) < 7, has_mail = prng_below(&d->rng, 10) < 4;
        snprintf(phone, sizeof phone, "0%u %u", 151 + prng_below(&d->rng, 30),
                 1000000 + prng_below(&d->rng, 8999999));
        snprintf(email, sizeof email, "kunde%ld@example.org", i + 1);
        char first_key[512], last_key[512]; /* as store/clients.c */
        text_fold(first, first_key, sizeof first_key);
        text_fold(last, last_key, sizeof last_key);
        const struct db_param cp[] = { DB_TEXT(client_id),
                                       DB_TEXT(jc),
                                       DB_TEXT(number),
                                       DB_TEXT(first),
                                       DB_TEXT(last),
                                       DB_TEXT(birth),
                                       DB_TEXT(street),
                                       DB_TEXT(postcode),
                                       DB_TEXT(city),
                                       DB_TEXT(has_phone ? phone : NULL),
                                       DB_TEXT(has_mail ? email : NULL),
                                       DB_TEXT(PICK(&d->rng, languages)),
                                       DB_INT64(d->now),
                                       DB_TEXT(first_key),
                                       DB_TEXT(last_key),
                                       DB_PARAM_END };
        if (!exec_ok(db_load(d->db, &t_clients, cp)))
            return false;

        /* the case: 10 % referred, 10 % closed, the rest active */
        uint32_t kind = prng_below(&d->rng, 10);
        struct date referral = date_add_days(demo_today, -(int)(20 + prng_below(&d->rng, 700)));
        struct date consent = date_add_days(referral, (int)(3 + prng_below(&d->rng, 25)));
        if (date_cmp(consent, demo_today) > 0)
            consent = demo_today;
        char ref_s[11], con_s[11], rev_s[11], lim_s[11], closed_s[11];
        date_format(referral, ref_s);
        date_format(consent, con_s);
        /* reviews so far are assumed done: the next one is the first due from 2 weeks ago on */
        struct date review = deadline_first_review(&d->rules, consent);
        while (date_cmp(review, date_add_days(demo_today, -14)) < 0)
            review = deadline_next_review(&d->rules, review);
        date_format(review, rev_s);
        date_format(deadline_limit(&d->rules, consent), lim_s);
        struct date closed =
            date_add_days(consent, (int)prng_below(&d->rng, (uint32_t)(date_to_days(demo_today) -
                                                                       date_to_days(consent) + 1)));
        date_format(closed, closed_s);
        bool referred = kind == 0, is_closed = kind == 9, active = !referred && !is_closed;
        struct content *ct = d->content;
        if (active) {
            /* the summary of the content that add_content() writes; the ids drawn
             * here are not used, so the id sequence is put back */
            uint64_t seq = d->id_seq;
            struct prng cr = content_rng(d->seed, i);
            gen_content(d, &cr, consent, in_b, false, ct);
            d->id_seq = seq;
            if (d->n_active == d->cap_active) {
                size_t cap = d->cap_active ? 2 * (size_t)d->cap_active : 4096;
                struct active_case *grown = realloc(d->active, cap * sizeof *grown);
                if (!grown)
                    return false;
                d->active = grown;
                d->cap_active = (long)cap;
            }
            struct active_case *a = &d->active[d->n_active++];
            snprintf(a->case_id, ID_MAX, "%s", case_id);
            a->i = i;
            a->cm = cm;
            a->started = consent;
        }
        const char *source = prng_below(&d->rng, 10) < 8 ? "placement" : "self";
        const char *reason = PICK(&d->rng, reasons);
        const char *closure = is_closed ? PICK(&d->rng, closures) : NULL;
        const struct db_param kp[] = {
            DB_TEXT(case_id),
            DB_TEXT(jc),
            DB_TEXT(client_id),
            DB_TEXT(d->cm_ids[cm]),
            DB_TEXT(referred    ? "referred"
                    : is_closed ? "closed"
                                : "active"),
            DB_TEXT(source),
            DB_TEXT(ref_s),
            DB_TEXT(reason),
            DB_TEXT(referred ? NULL : con_s),
            DB_TEXT(referred ? NULL : con_s), /* started_on is the consent date */
            DB_TEXT(referred || is_closed ? NULL : rev_s),
            DB_TEXT(referred ? NULL : lim_s),
            DB_TEXT(is_closed ? closed_s : NULL),
            DB_TEXT(closure),
            DB_TEXT(active && ct->plan_review_due[0] ? ct->plan_review_due : NULL),
            DB_TEXT(active ? ct->profile : NULL),
            DB_INT64(active ? ct->failed_contacts : 0),
            DB_TEXT(active && ct->last_contact_on[0] ? ct->last_contact_on : NULL),
            DB_INT64(d->now),
            DB_INT64(d->now),
            DB_PARAM_END
        };
        if (!exec_ok(db_load(d->db, &t_cases, kp)))
            return false;
    }
    return add_content(d);
}

int
cmd_demo(int argc, char **argv)
{
    static const char usage[] =
        "usage: lotse demo --db URL [--clients N] [--seed S] [--password PW]\n";
    const char *url = "sqlite:var/lotse.db";
    const char *password = NULL;
    long clients = 200;
    unsigned long long seed = 1;
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { "clients", required_argument, NULL, 'n' },
                                          { "seed", required_argument, NULL, 's' },
                                          { "password", required_argument, NULL, 'p' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        char *end;
        switch (c) {
        case 'd': url = optarg; break;
        case 'p': password = optarg; break;
        case 'n':
            clients = strtol(optarg, &end, 10);
            if (*end || clients < 0 || clients > 100000000) {
                fprintf(stderr, "lotse: --clients must be a whole number from 0 to 100000000\n");
                return 2;
            }
            break;
        case 's':
            seed = strtoull(optarg, &end, 10);
            if (*end || !optarg[0]) {
                fprintf(stderr, "lotse: --seed must be a whole number\n");
                return 2;
            }
            break;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    char generated[24];
    if (!password) {
        unsigned char raw[12];
        random_bytes(raw, sizeof raw);
        static const char alphabet[] = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        for (size_t i = 0; i < sizeof raw; i++)
            generated[i] = alphabet[raw[i] % (sizeof alphabet - 1)];
        generated[sizeof raw] = '\0';
        password = generated;
    }
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    struct db *db = cmd_open_db(url, true);
    if (!db)
        return 1;
    int64_t n_jc = 0;
    if (db_jobcenter_count(db, &n_jc) < 0 || n_jc > 0) {
        fprintf(stderr,
                "lotse: the store %s is not empty; demo data goes only into an empty "
                "store (remove the file or use another --db)\n",
                url);
        db_close(db);
        return 1;
    }
    struct demo d = {
        .db = db, .rng = { seed * 0x9e3779b97f4a7c15ULL + 1 }, .clients = clients, .seed = seed
    };
    rules_default(&d.rules);
    d.n_cm = (clients + 59) / 60;
    if (d.n_cm < 4)
        d.n_cm = 4;
    d.cm_ids = calloc((size_t)d.n_cm, sizeof *d.cm_ids);
    d.content = malloc(sizeof *d.content);
    if (!d.cm_ids || !d.content || !password_hash(password, d.hash)) {
        fprintf(stderr, "lotse: out of memory\n");
        db_close(db);
        free(d.cm_ids);
        free(d.content);
        free(d.active);
        return 1;
    }
    d.now = date_to_days(demo_today) * 86400 * 1000000 + 8 * 3600 * 1000000LL;
    db_bulk_mode(db);
    int64_t wl_rows = 0, wl_wrong = 0;
    bool ok = db_begin(db, true) >= 0 && db_load_defer_foreign_keys(db) >= 0 && add_staff(&d) &&
              add_clients(&d) &&
              worklist_reconcile(db, WORKLIST_FILL, &wl_rows, &wl_wrong) == CORE_OK;
    if (ok) {
        struct arena arena = ARENA_INIT;
        struct core_ctx ctx = {
            .db = db, .arena = &arena, .in_write = true, .now_us = db_now_us()
        };
        char *detail = arena_printf(&arena, "demo data: %ld clients, seed %llu", clients, seed);
        const struct audit_entry e = { "demo.create", "store",        NULL,  NULL,
                                       NULL,          PURPOSE_SYSTEM, detail };
        ok = audit_record(&ctx, &e) == CORE_OK && db_commit(db) >= 0;
        arena_free(&arena);
    }
    if (!ok) {
        db_rollback(db);
        fprintf(stderr, "lotse: writing demo data failed; nothing was stored\n");
    }
    db_close(db);
    free(d.cm_ids);
    free(d.content);
    free(d.active);
    if (!ok)
        return 1;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("demo data written to %s in %.1f s: 2 Jobcenters, %ld case managers, %ld clients with "
           "cases (seed %llu)\n",
           url, secs, d.n_cm, clients, seed);
    printf("case content: %lld assessments, %lld plan versions, %lld notes, %lld appointments\n",
           (long long)d.n_assessments, (long long)d.n_plans, (long long)d.n_notes,
           (long long)d.n_appointments);
    if (d.showcase_id[0])
        printf("showcase case (fm1's first active case by id; the case with the most notes): %s"
               " with 200 notes and 10 plan versions\n",
               d.showcase_id);
    printf("users: admin, tl1 (team lead), fm1 fm2 fm3 (case managers, tl1's team), fm4 (other "
           "Jobcenter), dpo1 (data protection), av1 (placement), an1 (analyst)%s\n",
           d.n_cm > 4 ? ", fm5 … in further teams" : "");
    printf("password for all demo users: %s\n", password);
    return 0;
}
