/*
 * store/queries.h — the queries lotse runs, one function each, grouped one
 * file per resource (staff.c, clients.c, cases.c). Every query that touches
 * tenant data takes the Jobcenter id and has it in its WHERE. Strings in row
 * structs are copies in the connection's arena (db_set_arena), NULL for SQL
 * NULL. Results are enum db_status.
 */
#ifndef LOTSE_STORE_QUERIES_H
#define LOTSE_STORE_QUERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

/* ---- staff.c: Jobcenters, teams, users, tokens ---- */

struct user_row {
    char *id, *jobcenter_id, *team_id, *username, *display_name, *password_hash;
    int64_t roles, fte_milli, active, created_at;
};

enum db_status db_jobcenter_insert(struct db *db, const char *id, const char *name, int64_t now);
enum db_status db_jobcenter_count(struct db *db, int64_t *n);
enum db_status db_team_insert(struct db *db, const char *id, const char *jobcenter_id,
                              const char *name, int64_t now);
/* DB_ONE_ROW and *NAME when team ID exists in the Jobcenter. */
enum db_status db_team_get(struct db *db, const char *jobcenter_id, const char *id, char **name);
/* Teams whose id or name is KEY, in any Jobcenter (command line). */
struct team_row {
    char *id, *jobcenter_id, *name;
};
enum db_status db_team_find(struct db *db, const char *key, struct team_row *out,
                            bool (*row)(void *), void *user);
/* The Jobcenter whose id or name is KEY: DB_ONE_ROW and *ID (command line). */
enum db_status db_jobcenter_find(struct db *db, const char *key, char **id);
/* Jobcenters, oldest first (command line). */
enum db_status db_jobcenters(struct db *db, char **id, bool (*row)(void *), void *user);
enum db_status db_user_insert(struct db *db, const struct user_row *u);
enum db_status db_user_by_username(struct db *db, const char *username, struct user_row *out);
enum db_status db_user_by_id(struct db *db, const char *jobcenter_id, const char *id,
                             struct user_row *out);
enum db_status db_user_set_password(struct db *db, const char *id, const char *hash);

struct token_row {
    int64_t kind, created_at, last_seen_at, expires_at;
    char *csrf, *language;
};
enum db_status db_token_insert(struct db *db, const unsigned char digest[32], const char *user_id,
                               int kind, const char *csrf, const char *language, int64_t now,
                               int64_t expires_at);
/* The token with DIGEST if not revoked, with its user. */
enum db_status db_token_lookup(struct db *db, const unsigned char digest[32], struct token_row *tok,
                               struct user_row *user);
enum db_status db_token_touch(struct db *db, const unsigned char digest[32], int64_t now);
enum db_status db_token_revoke(struct db *db, const unsigned char digest[32], int64_t now);
enum db_status db_token_set_language(struct db *db, const unsigned char digest[32],
                                     const char *language);
/* Delete what can never be used again (the job loop, core/jobs.c): browser
 * sessions that expired at NOW or were last seen at or before IDLE_BEFORE,
 * and API tokens that expired at NOW; *SESSIONS and *TOKENS how many. A
 * write. */
enum db_status db_tokens_delete_expired(struct db *db, int64_t now, int64_t idle_before,
                                        int64_t *sessions, int64_t *tokens);

/* ---- clients.c ---- */

struct client_row {
    char *id, *jobcenter_id, *customer_number, *first_name, *last_name, *birth_date, *street,
        *postcode, *city, *phone, *email, *language, *created_by;
    int64_t created_at;
};

enum db_status db_client_insert(struct db *db, const struct client_row *c);
enum db_status db_client_get(struct db *db, const char *jobcenter_id, const char *id,
                             struct client_row *out);
/* Fill the search keys of clients stored before they existed (a step of
 * migration 0002, in its transaction). */
enum db_status db_clients_fill_keys(struct db *db);
/* DB_ONE_ROW and *ID when a client with CUSTOMER_NUMBER exists. */
enum db_status db_client_by_number(struct db *db, const char *jobcenter_id,
                                   const char *customer_number, char **id);

/* Clients of CASE_MANAGER_ID's cases (any status) whose customer number
 * starts with T1, or whose last or first name starts with T1 (and, when T2
 * is not NULL, also with T2), compared by their search keys (text_fold()
 * of util/text.h, stored with the client). */
struct search_row {
    char *case_id, *status, *client_id, *first_name, *last_name, *customer_number, *birth_date;
};
enum db_status db_client_search(struct db *db, const char *jobcenter_id,
                                const char *case_manager_id, const char *t1, const char *t2,
                                int64_t limit, struct search_row *out, bool (*row)(void *),
                                void *user);

/* ---- cases.c ---- */

struct case_row {
    char *id, *jobcenter_id, *client_id, *case_manager_id, *status, *referral_source,
        *referral_date, *referral_reason, *referred_by, *consent_date, *started_on,
        *next_review_due, *plan_review_due, *limit_date, *closed_on, *closure_reason, *profile,
        *override_reason, *previous_case_id, *closure_justification, *limit_justified_on,
        *last_contact_on;
    int64_t created_at, updated_at, closure_due, failed_contacts;
    /* joined */
    char *customer_number, *first_name, *last_name, *case_manager_team, *case_manager_name;
    char *sort_key; /* the list order: what is due first */
};

enum db_status db_case_insert(struct db *db, const struct case_row *c);
enum db_status db_case_get(struct db *db, const char *jobcenter_id, const char *id,
                           struct case_row *out);
enum db_status db_case_activate(struct db *db, const char *jobcenter_id, const char *id,
                                const char *consent_date, const char *next_review_due,
                                const char *limit_date, int64_t now);
/* The client's cases (all statuses), for the client access check. */
enum db_status db_cases_of_client(struct db *db, const char *jobcenter_id, const char *client_id,
                                  bool (*row)(void *), void *user, struct case_row *out);
/* DB_ONE_ROW when the client has a case that is not closed. */
enum db_status db_case_open_exists(struct db *db, const char *jobcenter_id, const char *client_id);

/* Case lists, ordered by sort_key, then id. Exactly one of CASE_MANAGER_ID,
 * TEAM_ID, REFERRED_BY is set; STATUS may be NULL; AFTER_KEY and AFTER are
 * the sort key and id of the last row of the previous page (or NULL). */
struct case_filter {
    const char *case_manager_id, *team_id, *referred_by, *status, *after_key, *after;
    int64_t limit;
};
enum db_status db_cases_list(struct db *db, const char *jobcenter_id, const struct case_filter *f,
                             struct case_row *out, bool (*row)(void *), void *user);

/* Open (not closed) cases of case manager USER_ID. */
enum db_status db_caseload(struct db *db, const char *jobcenter_id, const char *user_id,
                           int64_t *open);

/* Case managers of TEAM_ID (or of the whole Jobcenter when TEAM_ID is NULL)
 * with their FTE and open cases, least loaded first by open/FTE. */
struct load_row {
    char *user_id;
    int64_t fte_milli, open;
};
enum db_status db_case_managers_load(struct db *db, const char *jobcenter_id, const char *team_id,
                                     struct load_row *out, bool (*row)(void *), void *user);

/* DB_ONE_ROW when DEPUTY_ID deputises for USER_ID on DAY (YYYY-MM-DD). */
enum db_status db_deputy_active(struct db *db, const char *jobcenter_id, const char *deputy_id,
                                const char *user_id, const char *day);
/* The client's contacts on case ID: the instant of the last time they were
 * reached (a consultation note, an attended appointment; 0 when never) and
 * the failed contacts since (contact attempts, missed appointments). */
enum db_status db_case_contacts(struct db *db, const char *jobcenter_id, const char *id,
                                int64_t *last_reached_at, int64_t *failed);
enum db_status db_case_set_contacts(struct db *db, const char *jobcenter_id, const char *id,
                                    int64_t failed, const char *last_contact_on, int64_t now);
/* The current plan's review date (NULL: no plan). */
enum db_status db_case_set_plan_review(struct db *db, const char *jobcenter_id, const char *id,
                                       const char *due, int64_t now);
/* The profile group of the current assessment (NULL: none). */
enum db_status db_case_set_profile(struct db *db, const char *jobcenter_id, const char *id,
                                   const char *profile, int64_t now);

/* ---- reviews.c: continuation reviews, integrations, closure ---- */

struct review_row {
    char *id, *jobcenter_id, *case_id, *review_date, *decision, *justification, *next_review_due,
        *created_by, *created_by_name;
    int64_t beyond_limit, created_at;
};
enum db_status db_review_insert(struct db *db, const struct review_row *r);
/* The reviews of a case, newest first. */
enum db_status db_reviews_list(struct db *db, const char *jobcenter_id, const char *case_id,
                               struct review_row *out, bool (*row)(void *), void *user);
/* After a review: the next review date (NULL keeps it), whether the closure
 * is due, and (when not NULL) the day continuing past the limit was justified. */
enum db_status db_case_after_review(struct db *db, const char *jobcenter_id, const char *id,
                                    const char *next_review_due, bool closure_due,
                                    const char *limit_justified_on, int64_t now);

struct integration_row {
    char *id, *jobcenter_id, *case_id, *client_id, *start_date, *kind, *subsidy, *aftercare_until,
        *created_by;
    int64_t created_at;
};
enum db_status db_integration_insert(struct db *db, const struct integration_row *r);
enum db_status db_integrations_of_case(struct db *db, const char *jobcenter_id, const char *case_id,
                                       struct integration_row *out, bool (*row)(void *),
                                       void *user);

enum db_status db_case_close(struct db *db, const char *jobcenter_id, const char *id,
                             const char *closed_on, const char *reason, const char *justification,
                             int64_t now);
/* The newest closed case of CLIENT_ID: DB_ONE_ROW and *ID. */
enum db_status db_case_last_closed(struct db *db, const char *jobcenter_id, const char *client_id,
                                   char **id);
/* Open steps of the current plan: how many, and how many are due before DAY. */
enum db_status db_case_steps_open(struct db *db, const char *jobcenter_id, const char *case_id,
                                  const char *day, int64_t *open, int64_t *overdue);

/* ---- worklist.c: what is due, per case manager ----
 * The functions marked "maintenance" go over all Jobcenters: they serve
 * `lotse worklist`, migration 0003 and `lotse demo`, never a request. */

/* The users whom DEPUTY_ID deputises for on DAY. */
enum db_status db_deputised_users(struct db *db, const char *jobcenter_id, const char *deputy_id,
                                  const char *day, char **user_id, bool (*row)(void *), void *user);

struct wl_case_row {
    char *case_id, *jobcenter_id, *case_manager_id, *client_id, *first_name, *last_name,
        *customer_number, *status, *referral_date, *started_on, *next_review_due, *plan_review_due,
        *limit_date, *limit_justified_on;
    int64_t failed_contacts, closure_due;
};
/* Case CASE_ID with its client and dates, whatever its status. */
enum db_status db_worklist_case(struct db *db, const char *jobcenter_id, const char *case_id,
                                struct wl_case_row *out);

struct wl_appointment_row {
    char *case_id; /* only from db_worklist_manager_appointments() */
    char *id;
    int64_t start_at;
};
/* The appointments of CASE_ID without attendance, by start. */
enum db_status db_worklist_case_appointments(struct db *db, const char *jobcenter_id,
                                             const char *case_id, struct wl_appointment_row *out,
                                             bool (*row)(void *), void *user);

struct wl_step_row {
    char *case_id; /* only from db_worklist_manager_steps() */
    char *id, *title, *due;
};
/* The open steps of CASE_ID's current plan, by due date. */
enum db_status db_worklist_case_steps(struct db *db, const char *jobcenter_id, const char *case_id,
                                      struct wl_step_row *out, bool (*row)(void *), void *user);

/* A row of the read model (table worklist_cases). */
struct wl_row {
    char *jobcenter_id, *case_manager_id, *case_id, *client_id, *first_name, *last_name,
        *customer_number, *first_due, *items;
};
/* Replace the row of R->case_id with R, or add it. */
enum db_status db_worklist_put(struct db *db, const struct wl_row *r);
/* Add R with db_load(), its case having no row yet: for filling the read model afresh. */
enum db_status db_worklist_load(struct db *db, const struct wl_row *r);
/* Remove the row of CASE_ID (none is fine). */
enum db_status db_worklist_delete(struct db *db, const char *jobcenter_id, const char *case_id);
/* The rows of CASE_MANAGER_ID whose first item is due on or before UNTIL_DAY:
 * case, client, names, number and items (the other fields are left alone). */
enum db_status db_worklist_rows(struct db *db, const char *jobcenter_id,
                                const char *case_manager_id, const char *until_day,
                                struct wl_row *out, bool (*row)(void *), void *user);
/* The row of CASE_ID: DB_ONE_ROW or DB_NO_ROWS. */
enum db_status db_worklist_row(struct db *db, const char *jobcenter_id, const char *case_id,
                               struct wl_row *out);
/* Every case manager with open cases, by Jobcenter and case manager (maintenance, all
 * Jobcenters): the read model has rows for their open cases. */
enum db_status db_worklist_managers(struct db *db, char **jobcenter_id, char **case_manager_id,
                                    bool (*row)(void *), void *user);
/* What db_worklist_case() and the two functions after it read of one case, for all open
 * cases of CASE_MANAGER_ID at once: the cases by id; the appointments and steps by case,
 * each case's in the order of the functions for one case (maintenance). */
enum db_status db_worklist_manager_cases(struct db *db, const char *jobcenter_id,
                                         const char *case_manager_id, struct wl_case_row *out,
                                         bool (*row)(void *), void *user);
enum db_status db_worklist_manager_appointments(struct db *db, const char *jobcenter_id,
                                                const char *case_manager_id,
                                                struct wl_appointment_row *out, bool (*row)(void *),
                                                void *user);
enum db_status db_worklist_manager_steps(struct db *db, const char *jobcenter_id,
                                         const char *case_manager_id, struct wl_step_row *out,
                                         bool (*row)(void *), void *user);
/* Remove every row of the read model (maintenance: before filling it afresh). */
enum db_status db_worklist_clear(struct db *db);
/* The rows whose case is not open with a case manager (closed, gone):
 * *JOBCENTER_ID and *CASE_ID each (maintenance, all Jobcenters). */
enum db_status db_worklist_stale(struct db *db, char **jobcenter_id, char **case_id,
                                 bool (*row)(void *), void *user);
/* The open cases of CLIENT_ID (those with worklist rows), *ID each. */
enum db_status db_worklist_client_cases(struct db *db, const char *jobcenter_id,
                                        const char *client_id, char **id, bool (*row)(void *),
                                        void *user);

/* ---- timeline.c: everything that happened on a case ---- */

struct timeline_row {
    int64_t at;      /* microseconds; the order */
    char *kind;      /* note, appointment, plan, assessment, review, transfer, integration */
    char *id, *day;  /* the object's id; a calendar date when the event has one */
    char *a, *b, *c; /* kind-specific: see store/timeline.c */
    int64_t n, flag; /* kind-specific numbers */
    char *by_name;
};
/* The events of CASE_ID, newest first; KIND NULL for all. At most LIMIT. */
enum db_status db_timeline(struct db *db, const char *jobcenter_id, const char *case_id,
                           const char *kind, int64_t limit, struct timeline_row *out,
                           bool (*row)(void *), void *user);

/* The next appointment of CASE_ID from FROM_US on that has no attendance yet. */
enum db_status db_next_appointment(struct db *db, const char *jobcenter_id, const char *case_id,
                                   int64_t from_us, char **id, int64_t *start_at);

/* ---- team.c: transfers, deputies, caseloads ---- */

struct transfer_row {
    char *id, *jobcenter_id, *case_id, *from_user_id, *to_user_id, *reason, *override_reason,
        *created_by;
    int64_t created_at;
};
enum db_status db_transfer_insert(struct db *db, const struct transfer_row *t);
/* Give open case ID to TO_USER_ID. */
enum db_status db_case_reassign(struct db *db, const char *jobcenter_id, const char *id,
                                const char *to_user_id, int64_t now);

struct deputy_row {
    char *id, *jobcenter_id, *user_id, *deputy_id, *from_date, *until_date, *created_by;
    int64_t created_at, revoked_at;
    char *deputy_name, *user_name; /* joined */
};
enum db_status db_deputy_insert(struct db *db, const struct deputy_row *d);
enum db_status db_deputy_get(struct db *db, const char *jobcenter_id, const char *id,
                             struct deputy_row *out);
/* Deputies of USER_ID whose period has not ended before DAY, oldest first. */
enum db_status db_deputies_of_user(struct db *db, const char *jobcenter_id, const char *user_id,
                                   const char *day, struct deputy_row *out, bool (*row)(void *),
                                   void *user);
enum db_status db_deputy_revoke(struct db *db, const char *jobcenter_id, const char *id,
                                int64_t now);

/* Case managers of TEAM_ID (NULL: of the Jobcenter) with their open cases. */
struct caseload_row {
    char *user_id, *display_name, *team_id;
    int64_t fte_milli, open;
};
enum db_status db_caseloads(struct db *db, const char *jobcenter_id, const char *team_id,
                            struct caseload_row *out, bool (*row)(void *), void *user);

/* ---- rules.c: local rules of a Jobcenter ---- */

struct rule_row {
    char *rule;
    int64_t value;
};
enum db_status db_rules_list(struct db *db, const char *jobcenter_id, struct rule_row *out,
                             bool (*row)(void *), void *user);
enum db_status db_rule_set(struct db *db, const char *jobcenter_id, const char *rule, int64_t value,
                           const char *by, int64_t now);

/* ---- one header per resource of the case's content ---- */
#include "store/assessments.h"
#include "store/appointments.h"
#include "store/brake.h"
#include "store/notes.h"
#include "store/plans.h"

#endif
