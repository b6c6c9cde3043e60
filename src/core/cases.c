/*
 * core/cases.c — bFM cases; see cases.h.
 * Case status: referred -> active -> closed. Before activation (the
 * client's consent) only referral data exists (voluntariness, domain rules).
 */
#include "core/cases.h"

#include <stdio.h>
#include <string.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/caseref.h"
#include "core/deadlines.h"
#include "core/input.h"
#include "store/queries.h"

static const char *const sources[] = { "placement", "self", NULL };
static const char *const statuses[] = { "referred", "active", "closed", NULL };

static const struct field referral_fields[] = {
    { "source", F_ENUM, offsetof(struct case_input, referral_source), true, 0, sources, NULL, 0, 0,
      NULL },
    { "date", F_DATE, offsetof(struct case_input, referral_date), true, 0, NULL, NULL, 0, 0, NULL },
    { "reason", F_TEXT, offsetof(struct case_input, referral_reason), true, 2000, NULL, NULL, 0, 0,
      NULL },
    FIELD_END,
};

const struct field case_fields[] = {
    { "client_id", F_STRING, offsetof(struct case_input, client_id), true, ID_MAX - 1, NULL, NULL,
      0, 0, NULL },
    { "referral", F_OBJECT, 0, true, 0, NULL, referral_fields, 0, 0, NULL },
    { "case_manager_id", F_STRING, offsetof(struct case_input, case_manager_id), false, ID_MAX - 1,
      NULL, NULL, 0, 0, NULL },
    { "consent_date", F_DATE, offsetof(struct case_input, consent_date), false, 0, NULL, NULL, 0, 0,
      NULL },
    { "override_reason", F_TEXT, offsetof(struct case_input, override_reason), false, 500, NULL,
      NULL, 0, 0, NULL },
    FIELD_END,
};

const struct field activate_fields[] = {
    { "consent_date", F_DATE, offsetof(struct activate_input, consent_date), true, 0, NULL, NULL, 0,
      0, NULL },
    FIELD_END,
};

int64_t
cases_cap(unsigned per_fte, int64_t fte_milli)
{
    return (int64_t)per_fte * fte_milli / 1000; /* rounded down (domain rules) */
}

/* The full view (the API contract GET /cases/{id}). */
json_t *
case_view(const struct case_row *k)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(k->id));
    json_t *c = json_object();
    json_object_set_new(c, "id", json_string(k->client_id));
    json_object_set_new(c, "customer_number", json_string(k->customer_number));
    json_object_set_new(c, "first_name", json_string(k->first_name));
    json_object_set_new(c, "last_name", json_string(k->last_name));
    json_object_set_new(v, "client", c);
    json_object_set_new(v, "case_manager_id", core_json_text(k->case_manager_id));
    json_object_set_new(v, "case_manager_name", core_json_text(k->case_manager_name));
    json_object_set_new(v, "status", json_string(k->status));
    json_t *r = json_object();
    json_object_set_new(r, "source", json_string(k->referral_source));
    json_object_set_new(r, "date", json_string(k->referral_date));
    json_object_set_new(r, "reason", json_string(k->referral_reason));
    json_object_set_new(v, "referral", r);
    json_object_set_new(v, "consent_date", core_json_text(k->consent_date));
    json_object_set_new(v, "started_on", core_json_text(k->started_on));
    json_object_set_new(v, "next_review_due", core_json_text(k->next_review_due));
    json_object_set_new(v, "plan_review_due", core_json_text(k->plan_review_due));
    json_object_set_new(v, "limit_date", core_json_text(k->limit_date));
    json_object_set_new(v, "closed_on", core_json_text(k->closed_on));
    json_object_set_new(v, "closure_reason", core_json_text(k->closure_reason));
    json_object_set_new(v, "profile", core_json_text(k->profile));
    json_object_set_new(v, "closure_justification", core_json_text(k->closure_justification));
    json_object_set_new(v, "limit_justified_on", core_json_text(k->limit_justified_on));
    json_object_set_new(v, "closure_due", json_boolean(k->closure_due));
    json_object_set_new(v, "failed_contacts", json_integer(k->failed_contacts));
    json_object_set_new(v, "last_contact_on", core_json_text(k->last_contact_on));
    json_object_set_new(v, "previous_case_id", core_json_text(k->previous_case_id));
    return v;
}

/* What a team lead or the referring placement officer sees: no name, no content. */
json_t *
case_status_view(const struct case_row *k)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(k->id));
    json_object_set_new(v, "case_manager_id", core_json_text(k->case_manager_id));
    json_object_set_new(v, "case_manager_name", core_json_text(k->case_manager_name));
    json_object_set_new(v, "status", json_string(k->status));
    json_t *r = json_object();
    json_object_set_new(r, "source", json_string(k->referral_source));
    json_object_set_new(r, "date", json_string(k->referral_date));
    json_object_set_new(v, "referral", r);
    json_object_set_new(v, "started_on", core_json_text(k->started_on));
    json_object_set_new(v, "next_review_due", core_json_text(k->next_review_due));
    json_object_set_new(v, "limit_date", core_json_text(k->limit_date));
    json_object_set_new(v, "closed_on", core_json_text(k->closed_on));
    return v;
}

static struct case_facts
facts_of(const struct case_row *k)
{
    return (struct case_facts){ k->jobcenter_id, k->case_manager_id, k->case_manager_team,
                                k->referred_by, false };
}

enum core_result
case_open(struct core_ctx *ctx, const char *id, enum case_action action, struct case_ref *ref,
          struct problem *pb)
{
    const struct actor *a = ctx->actor;
    enum db_status st = db_case_get(ctx->db, a->jobcenter_id, id, &ref->row);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such case.");
    ref->today = deadline_today(ctx);
    struct case_facts f = facts_of(&ref->row);
    const char *cm = ref->row.case_manager_id;
    if ((a->roles & ROLE_CASE_MANAGER) && cm && strcmp(cm, a->id) != 0) {
        char day[11];
        date_format(ref->today, day);
        st = db_deputy_active(ctx->db, a->jobcenter_id, a->id, cm, day);
        if (st < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        f.deputy = st == DB_ONE_ROW;
    }
    ref->grant = access_case(a, &f, action);
    if (ref->grant.decision != ACCESS_ALLOW)
        return access_refuse(&ref->grant, pb);
    return CORE_OK;
}

enum core_result
case_require_active(const struct case_ref *ref, struct problem *pb)
{
    if (strcmp(ref->row.status, "closed") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_closed",
                           "The case is closed; a closed case cannot be changed.");
    if (strcmp(ref->row.status, "active") != 0)
        return problem_set(pb, CORE_CONFLICT, "case_not_active",
                           "The case is not active yet: before the client's consent only the "
                           "referral is recorded.");
    return CORE_OK;
}

enum core_result
case_record_contact(struct core_ctx *ctx, const struct case_ref *ref, bool reached, struct date on)
{
    (void)reached;
    (void)on;
    /* counted afresh from the notes and appointments, so that corrections and entries
       recorded late (a note dated last week) count as what they are */
    int64_t last = 0, failed = 0;
    if (db_case_contacts(ctx->db, ref->row.jobcenter_id, ref->row.id, &last, &failed) < 0)
        return CORE_ERROR;
    char day[11] = "";
    if (last) {
        struct date d;
        int h, m;
        instant_berlin_parts(last / 1000000, &d, &h, &m);
        date_format(d, day);
    }
    enum db_status st = db_case_set_contacts(ctx->db, ref->row.jobcenter_id, ref->row.id, failed,
                                             last ? day : NULL, ctx->now_us);
    return st < 0 ? CORE_ERROR : CORE_OK;
}

/* ---- assignment and the caseload cap ---- */

struct pick {
    struct load_row row;
    unsigned per_fte;
    char chosen[ID_MAX];
    bool any;
};

static bool
pick_row(void *user)
{
    struct pick *p = user;
    p->any = true;
    if (p->row.open < cases_cap(p->per_fte, p->row.fte_milli)) {
        snprintf(p->chosen, sizeof p->chosen, "%s", p->row.user_id);
        return false; /* rows come least loaded first */
    }
    return true;
}

/* Choose or check the case manager for a new case; fills CM_ID. */
static enum core_result
assign(struct core_ctx *ctx, const struct case_input *in, char cm_id[ID_MAX], const char **override,
       struct problem *pb)
{
    const struct actor *a = ctx->actor;
    bool lead = a->roles & ROLE_TEAM_LEAD;
    *override = NULL;
    if (in->override_reason && !lead) {
        problem_field(pb, ctx->arena, "override_reason",
                      "only a team lead may override the caseload cap");
        return CORE_INVALID;
    }
    const char *named = in->case_manager_id;
    if (!named && (a->roles & ROLE_CASE_MANAGER) && !lead)
        named = a->id; /* a case manager opens a case for themselves */
    if (named) {
        if ((a->roles & ROLE_CASE_MANAGER) &&
            !(a->roles & (ROLE_TEAM_LEAD | ROLE_PLACEMENT_OFFICER)) && strcmp(named, a->id) != 0) {
            problem_field(pb, ctx->arena, "case_manager_id",
                          "a case manager opens cases for themselves; a team lead assigns others");
            return CORE_INVALID;
        }
        struct user_row u;
        enum db_status st = db_user_by_id(ctx->db, a->jobcenter_id, named, &u);
        if (st < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (st == DB_NO_ROWS || !(u.roles & ROLE_CASE_MANAGER) || !u.active) {
            problem_field(pb, ctx->arena, "case_manager_id",
                          "is not a case manager of this Jobcenter");
            return CORE_INVALID;
        }
        int64_t open = 0;
        if (db_caseload(ctx->db, a->jobcenter_id, named, &open) < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (open >= cases_cap(ctx->caseload_per_fte, u.fte_milli)) {
            if (!in->override_reason)
                return problem_set(pb, CORE_CONFLICT, "caseload_full",
                                   "This case manager's caseload is full.");
            *override = in->override_reason;
        }
        snprintf(cm_id, ID_MAX, "%s", named);
        return CORE_OK;
    }
    /* nobody named: the least-loaded case manager of the caller's team, else of the Jobcenter */
    struct pick p = { .per_fte = ctx->caseload_per_fte };
    enum db_status st = db_case_managers_load(
        ctx->db, a->jobcenter_id, a->team_id[0] ? a->team_id : NULL, &p.row, pick_row, &p);
    if (st >= 0 && !p.chosen[0] && a->team_id[0]) /* the team is full or has nobody */
        st = db_case_managers_load(ctx->db, a->jobcenter_id, NULL, &p.row, pick_row, &p);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (!p.chosen[0])
        return problem_set(pb, CORE_CONFLICT, "caseload_full",
                           "Every case manager's caseload is full.");
    snprintf(cm_id, ID_MAX, "%s", p.chosen);
    return CORE_OK;
}

void
cases_check_dates(struct core_ctx *ctx, const struct case_input *in, struct problem *pb)
{
    struct date today = date_today_berlin((time_t)(ctx->now_us / 1000000));
    bool referral = !date_is_none(in->referral_date);
    if (referral && date_cmp(in->referral_date, today) > 0)
        problem_field(pb, ctx->arena, "referral.date", "must not be in the future");
    if (referral && date_cmp(in->referral_date, (struct date){ 2005, 1, 1 }) < 0)
        problem_field(pb, ctx->arena, "referral.date", "must not be before 2005");
    if (!date_is_none(in->consent_date)) {
        if (date_cmp(in->consent_date, today) > 0)
            problem_field(pb, ctx->arena, "consent_date", "must not be in the future");
        else if (referral && date_cmp(in->consent_date, in->referral_date) < 0)
            problem_field(pb, ctx->arena, "consent_date", "must not be before the referral date");
    }
}

enum core_result
cases_create(struct core_ctx *ctx, const struct case_input *in, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & (ROLE_CASE_MANAGER | ROLE_PLACEMENT_OFFICER | ROLE_TEAM_LEAD)))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only case managers, placement officers and team leads open cases.");
    cases_check_dates(ctx, in, pb);
    struct client_row c;
    if (in->client_id) {
        enum db_status cst = db_client_get(ctx->db, a->jobcenter_id, in->client_id, &c);
        if (cst < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (cst == DB_NO_ROWS)
            problem_field(pb, ctx->arena, "client_id", "is not a client of this Jobcenter");
    }
    if (pb->n_errors)
        return CORE_INVALID;
    enum db_status st;
    st = db_case_open_exists(ctx->db, a->jobcenter_id, in->client_id);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_ONE_ROW)
        return problem_set(pb, CORE_CONFLICT, "open_case_exists",
                           "This client already has an open case.");
    char cm_id[ID_MAX];
    const char *override = NULL;
    enum core_result r = assign(ctx, in, cm_id, &override, pb);
    if (r != CORE_OK)
        return r;

    char id[ID_MAX], referral[11], consent[11] = "", review[11] = "", limit[11] = "";
    id_new("cs", id);
    date_format(in->referral_date, referral);
    bool active = !date_is_none(in->consent_date);
    if (active) {
        struct rules rules;
        if (rules_load(ctx->db, a->jobcenter_id, &rules) != CORE_OK)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        date_format(in->consent_date, consent);
        date_format(deadline_first_review(&rules, in->consent_date), review);
        date_format(deadline_limit(&rules, in->consent_date), limit);
    }
    /* a client who comes back gets a new case, linked to the one before */
    char *previous = NULL;
    if (db_case_last_closed(ctx->db, a->jobcenter_id, c.id, &previous) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct case_row k = {
        .id = id,
        .jobcenter_id = (char *)a->jobcenter_id,
        .client_id = c.id,
        .case_manager_id = cm_id,
        .status = active ? "active" : "referred",
        .referral_source = (char *)in->referral_source,
        .referral_date = referral,
        .referral_reason = (char *)in->referral_reason,
        .referred_by = (char *)a->id,
        .consent_date = active ? consent : NULL,
        .started_on = active ? consent : NULL,
        .next_review_due = active ? review : NULL,
        .limit_date = active ? limit : NULL,
        .override_reason = (char *) override,
        .previous_case_id = previous,
        .created_at = ctx->now_us,
    };
    st = db_case_insert(ctx->db, &k);
    if (st == DB_CONSTRAINT)
        return problem_set(pb, CORE_CONFLICT, "open_case_exists",
                           "This client already has an open case.");
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    bool own = strcmp(cm_id, a->id) == 0;
    const struct audit_entry e = { "case.create",
                                   "case",
                                   id,
                                   id,
                                   c.id,
                                   own ? PURPOSE_OWN_CASE : PURPOSE_INTAKE,
                                   override ? "caseload cap overridden by team lead" : NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    /* answer with the row as stored, joined with the client and case manager */
    struct case_row stored;
    if (db_case_get(ctx->db, a->jobcenter_id, id, &stored) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    /* the answer shows only what the caller may read: a team lead or a placement
       officer who opened the case for someone else gets the status view */
    const struct case_facts f = facts_of(&stored);
    struct access_grant g = access_case(a, &f, CASE_READ);
    *view = g.decision == ACCESS_ALLOW ? case_view(&stored) : case_status_view(&stored);
    return CORE_OK;
}

enum core_result
cases_activate(struct core_ctx *ctx, const char *id, const struct activate_input *in, json_t **view,
               struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, id, CASE_WRITE, &ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    struct case_row k = ref.row;
    const struct access_grant g = ref.grant;
    enum db_status st;
    if (strcmp(k.status, "closed") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_closed", "The case is closed.");
    if (strcmp(k.status, "active") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_active", "The case is already active.");
    struct date today = date_today_berlin((time_t)(ctx->now_us / 1000000)), referral;
    date_parse(k.referral_date, &referral);
    if (!date_is_none(in->consent_date)) {
        if (date_cmp(in->consent_date, today) > 0)
            problem_field(pb, ctx->arena, "consent_date", "must not be in the future");
        else if (date_cmp(in->consent_date, referral) < 0)
            problem_field(pb, ctx->arena, "consent_date", "must not be before the referral date");
    }
    if (pb->n_errors)
        return CORE_INVALID;
    struct rules rules;
    if (rules_load(ctx->db, a->jobcenter_id, &rules) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char consent[11], review[11], limit[11];
    date_format(in->consent_date, consent);
    date_format(deadline_first_review(&rules, in->consent_date), review);
    date_format(deadline_limit(&rules, in->consent_date), limit);
    st = db_case_activate(ctx->db, a->jobcenter_id, id, consent, review, limit, ctx->now_us);
    if (st < 0 || db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "case.activate", "case", id, id, k.client_id, g.purpose, NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (db_case_get(ctx->db, a->jobcenter_id, id, &k) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = case_view(&k);
    return CORE_OK;
}

enum core_result
cases_get(struct core_ctx *ctx, const char *id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    const struct audit_entry e = { "case.read",       "case", id, id, ref.row.client_id,
                                   ref.grant.purpose, NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = case_view(&ref.row);
    return CORE_OK;
}

struct list_state {
    struct case_row row;
    json_t *items;
    bool full_view;
    int n, limit;
    char last[ID_MAX + 24]; /* the next cursor: "<sort key>~<id>" */
};

static bool
list_row(void *user)
{
    struct list_state *s = user;
    if (s->n == s->limit) {
        s->n++;
        return false;
    }
    json_array_append_new(s->items, s->full_view ? case_view(&s->row) : case_status_view(&s->row));
    snprintf(s->last, sizeof s->last, "%s~%s", s->row.sort_key ? s->row.sort_key : "", s->row.id);
    s->n++;
    return true;
}

enum core_result
cases_list(struct core_ctx *ctx, const struct case_list_query *q, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (q->status) {
        bool ok = false;
        for (const char *const *s = statuses; *s; s++)
            ok = ok || strcmp(*s, q->status) == 0;
        if (!ok) {
            problem_field(pb, ctx->arena, "status", "must be referred, active or closed");
            return CORE_INVALID;
        }
    }
    struct case_filter f = { .status = q->status, .limit = q->limit + 1 };
    if (q->cursor) {
        const char *tilde = strrchr(q->cursor, '~');
        if (!tilde || tilde - q->cursor > 16) {
            problem_field(pb, ctx->arena, "cursor", "is not a cursor of this list");
            return CORE_INVALID;
        }
        f.after_key = arena_strndup(ctx->arena, q->cursor, (size_t)(tilde - q->cursor));
        f.after = tilde + 1;
    }
    bool full = false;
    const char *purpose = NULL;
    const char *who = q->assigned_to;
    bool me = !who || strcmp(who, "me") == 0 || strcmp(who, a->id) == 0;
    if (me && (a->roles & ROLE_CASE_MANAGER)) {
        f.case_manager_id = a->id;
        full = true;
        purpose = PURPOSE_OWN_CASE;
    } else if (me && (a->roles & ROLE_TEAM_LEAD) && a->team_id[0]) {
        f.team_id = a->team_id;
        purpose = PURPOSE_TEAM_LEAD;
    } else if (me && (a->roles & ROLE_PLACEMENT_OFFICER)) {
        f.referred_by = a->id;
        purpose = PURPOSE_INTAKE;
    } else if (!me && (a->roles & ROLE_TEAM_LEAD)) {
        struct user_row u;
        enum db_status st = db_user_by_id(ctx->db, a->jobcenter_id, who, &u);
        if (st < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (st == DB_NO_ROWS)
            return problem_set(pb, CORE_NOT_FOUND, NULL, "No such user.");
        if (!u.team_id || strcmp(u.team_id, a->team_id) != 0)
            return problem_set(pb, CORE_FORBIDDEN, NULL, "This user is not in your team.");
        f.case_manager_id = u.id;
        purpose = PURPOSE_TEAM_LEAD;
    } else {
        return problem_set(pb, CORE_FORBIDDEN, NULL, "You may not list these cases.");
    }
    struct list_state s = { .items = json_array(), .full_view = full, .limit = q->limit };
    enum db_status st = db_cases_list(ctx->db, a->jobcenter_id, &f, &s.row, list_row, &s);
    if (st < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", s.items);
    json_object_set_new(v, "next_cursor", s.n > s.limit ? json_string(s.last) : json_null());
    *view = v;
    char *detail = arena_printf(ctx->arena, "%d cases", s.n > s.limit ? s.limit : s.n);
    const struct audit_entry e = { "case.list", "case_list", NULL, NULL, NULL, purpose, detail };
    return audit_record(ctx, &e);
}

enum core_result
cases_reopen(struct core_ctx *ctx, const char *closed_id, struct case_input *in, json_t **view,
             struct problem *pb)
{
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, closed_id, CASE_READ, &ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    if (strcmp(ref.row.status, "closed") != 0)
        return problem_set(pb, CORE_CONFLICT, "open_case_exists",
                           "This client already has an open case.");
    in->client_id = ref.row.client_id;
    return cases_create(ctx, in, view, pb);
}
