/*
 * cmd/demo.c — `lotse demo`: a store filled with plausible synthetic data.
 * Two Jobcenters, the fixed demo users of the API contract, and N clients with cases,
 * spread so that no case manager holds more than 60 cases (fm1–fm3 in tl1's
 * team, fm4 in the other Jobcenter, fm5 onward in further teams of ten).
 * Everything comes from one seeded generator and a fixed reference date, so
 * the same seed gives the same data. All users share one password hash
 * (argon2id is deliberately slow; hashing it for thousands of demo users
 * would take minutes); real users each get their own salt.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/cases.h"
#include "core/deadlines.h"
#include "store/queries.h"
#include "util/crypto.h"
#include "util/date.h"
#include "util/id.h"

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
};

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
        struct client_row c = { .id = client_id,
                                .jobcenter_id = (char *)jc,
                                .customer_number = number,
                                .first_name = (char *)first,
                                .last_name = (char *)last,
                                .birth_date = birth,
                                .street = street,
                                .postcode = (char *)postcode,
                                .city = (char *)city,
                                .phone = has_phone ? phone : NULL,
                                .email = has_mail ? email : NULL,
                                .language = (char *)PICK(&d->rng, languages),
                                .created_at = d->now };
        if (!exec_ok(db_client_insert(d->db, &c)))
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
        bool referred = kind == 0, is_closed = kind == 9;
        struct case_row k = { .id = case_id,
                              .jobcenter_id = (char *)jc,
                              .client_id = client_id,
                              .case_manager_id = d->cm_ids[cm],
                              .status = referred    ? "referred"
                                        : is_closed ? "closed"
                                                    : "active",
                              .referral_source = prng_below(&d->rng, 10) < 8 ? "placement" : "self",
                              .referral_date = ref_s,
                              .referral_reason = (char *)PICK(&d->rng, reasons),
                              .consent_date = referred ? NULL : con_s,
                              .started_on = referred ? NULL : con_s,
                              .next_review_due = referred || is_closed ? NULL : rev_s,
                              .limit_date = referred ? NULL : lim_s,
                              .closed_on = is_closed ? closed_s : NULL,
                              .closure_reason = is_closed ? (char *)PICK(&d->rng, closures) : NULL,
                              .created_at = d->now };
        if (!exec_ok(db_case_insert(d->db, &k)))
            return false;
    }
    return true;
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
    struct demo d = { .db = db, .rng = { seed * 0x9e3779b97f4a7c15ULL + 1 }, .clients = clients };
    rules_default(&d.rules);
    d.n_cm = (clients + 59) / 60;
    if (d.n_cm < 4)
        d.n_cm = 4;
    d.cm_ids = calloc((size_t)d.n_cm, sizeof *d.cm_ids);
    if (!d.cm_ids || !password_hash(password, d.hash)) {
        fprintf(stderr, "lotse: out of memory\n");
        db_close(db);
        return 1;
    }
    d.now = date_to_days(demo_today) * 86400 * 1000000 + 8 * 3600 * 1000000LL;
    db_bulk_mode(db);
    bool ok = db_begin(db, true) >= 0 && add_staff(&d) && add_clients(&d);
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
    if (!ok)
        return 1;
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    printf("demo data written to %s in %.1f s: 2 Jobcenters, %ld case managers, %ld clients with "
           "cases (seed %llu)\n",
           url, secs, d.n_cm, clients, seed);
    printf("users: admin, tl1 (team lead), fm1 fm2 fm3 (case managers, tl1's team), fm4 (other "
           "Jobcenter), dpo1 (data protection), av1 (placement), an1 (analyst)%s\n",
           d.n_cm > 4 ? ", fm5 … in further teams" : "");
    printf("password for all demo users: %s\n", password);
    return 0;
}
