/* core/team.c — transfers, deputies, caseloads; see team.h. */
#include "core/team.h"

#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/cases.h"

const struct field transfer_fields[] = {
    { "case_manager_id", F_STRING, offsetof(struct transfer_input, case_manager_id), true,
      ID_MAX - 1, NULL, NULL, 0, 0, NULL },
    { "reason", F_TEXT, offsetof(struct transfer_input, reason), true, 500, NULL, NULL, 0, 0,
      NULL },
    { "override_reason", F_TEXT, offsetof(struct transfer_input, override_reason), false, 500, NULL,
      NULL, 0, 0, NULL },
    FIELD_END,
};

const struct field deputy_fields[] = {
    { "deputy_id", F_STRING, offsetof(struct deputy_input, deputy_id), true, ID_MAX - 1, NULL, NULL,
      0, 0, NULL },
    { "from", F_DATE, offsetof(struct deputy_input, from), true, 0, NULL, NULL, 0, 0, NULL },
    { "until", F_DATE, offsetof(struct deputy_input, until), true, 0, NULL, NULL, 0, 0, NULL },
    FIELD_END,
};

/* A deputy period is at most a year; it may have begun at most a month ago. */
enum { DEPUTY_MAX_DAYS = 366, DEPUTY_PAST_DAYS = 31 };

/* The active case manager ID of the actor's Jobcenter into U, or an error at FIELD. */
static enum core_result
case_manager(struct core_ctx *ctx, const char *id, const char *field, struct user_row *u,
             struct problem *pb)
{
    enum db_status st = db_user_by_id(ctx->db, ctx->actor->jobcenter_id, id, u);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS || !(u->roles & ROLE_CASE_MANAGER) || !u->active) {
        problem_field(pb, ctx->arena, field, "is not a case manager of this Jobcenter");
        return CORE_INVALID;
    }
    return CORE_OK;
}

enum core_result
team_transfer(struct core_ctx *ctx, const char *case_id, const struct transfer_input *in,
              json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & ROLE_TEAM_LEAD))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Only team leads transfer cases.");
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    /* a team lead may act on the cases of their own team (the status view's ground) */
    if (case_open(ctx, case_id, CASE_READ_STATUS, &ref, &refusal) != CORE_OK ||
        strcmp(ref.grant.purpose, PURPOSE_TEAM_LEAD) != 0) {
        if (refusal.result == CORE_OK)
            problem_set(&refusal, CORE_FORBIDDEN, NULL, "This case is not in your team.");
        *pb = refusal;
        return pb->result;
    }
    if (strcmp(ref.row.status, "closed") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_closed", "The case is closed.");
    struct user_row to;
    if (in->case_manager_id &&
        case_manager(ctx, in->case_manager_id, "case_manager_id", &to, pb) == CORE_ERROR)
        return CORE_ERROR;
    if (!pb->n_errors && in->case_manager_id && ref.row.case_manager_id &&
        strcmp(in->case_manager_id, ref.row.case_manager_id) == 0)
        problem_field(pb, ctx->arena, "case_manager_id", "already holds this case");
    if (pb->n_errors)
        return CORE_INVALID;
    int64_t open = 0;
    if (db_caseload(ctx->db, a->jobcenter_id, to.id, &open) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    bool full = open >= cases_cap(ctx->caseload_per_fte, to.fte_milli);
    if (full && !in->override_reason)
        return problem_set(pb, CORE_CONFLICT, "caseload_full",
                           "This case manager's caseload is full.");
    char id[ID_MAX];
    id_new("tr", id);
    struct transfer_row t = { .id = id,
                              .jobcenter_id = ref.row.jobcenter_id,
                              .case_id = ref.row.id,
                              .from_user_id = ref.row.case_manager_id,
                              .to_user_id = to.id,
                              .reason = (char *)in->reason,
                              .override_reason = full ? (char *)in->override_reason : NULL,
                              .created_by = (char *)a->id,
                              .created_at = ctx->now_us };
    if (db_case_reassign(ctx->db, ref.row.jobcenter_id, ref.row.id, to.id, ctx->now_us) < 0 ||
        db_changes(ctx->db) != 1 || db_transfer_insert(ctx->db, &t) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "case.transfer",
                                   "case",
                                   ref.row.id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   PURPOSE_TEAM_LEAD,
                                   full ? "caseload cap overridden by team lead" : NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct case_row k;
    if (db_case_get(ctx->db, ref.row.jobcenter_id, ref.row.id, &k) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = case_status_view(&k); /* a team lead sees no content */
    return CORE_OK;
}

static json_t *
deputy_view(const struct deputy_row *d)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(d->id));
    json_object_set_new(v, "user_id", json_string(d->user_id));
    json_object_set_new(v, "user_name", core_json_text(d->user_name));
    json_object_set_new(v, "deputy_id", json_string(d->deputy_id));
    json_object_set_new(v, "deputy_name", core_json_text(d->deputy_name));
    json_object_set_new(v, "from", json_string(d->from_date));
    json_object_set_new(v, "until", json_string(d->until_date));
    return v;
}

/* May the actor manage USER's deputies? A team lead for their team, an admin
 * for the Jobcenter. */
static enum core_result
may_manage(struct core_ctx *ctx, const struct user_row *u, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (a->roles & ROLE_ADMIN)
        return CORE_OK;
    if ((a->roles & ROLE_TEAM_LEAD) && u->team_id && strcmp(u->team_id, a->team_id) == 0)
        return CORE_OK;
    return problem_set(pb, CORE_FORBIDDEN, NULL,
                       "Deputies are set by the team lead of the team or an admin.");
}

enum core_result
team_deputy_create(struct core_ctx *ctx, const char *user_id, const struct deputy_input *in,
                   json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct user_row u;
    enum db_status st = db_user_by_id(ctx->db, a->jobcenter_id, user_id, &u);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct problem refusal = PROBLEM_INIT;
    if (st == DB_NO_ROWS) {
        *pb = refusal;
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such user.");
    }
    if (may_manage(ctx, &u, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    if (!(u.roles & ROLE_CASE_MANAGER)) {
        *pb = refusal;
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such case manager.");
    }
    struct user_row d;
    if (in->deputy_id) {
        if (case_manager(ctx, in->deputy_id, "deputy_id", &d, pb) == CORE_ERROR)
            return CORE_ERROR;
        if (strcmp(in->deputy_id, u.id) == 0)
            problem_field(pb, ctx->arena, "deputy_id", "cannot deputise for themselves");
        else if (strcmp(in->deputy_id, a->id) == 0)
            /* a team lead who is also a case manager would get content without break-glass */
            problem_field(pb, ctx->arena, "deputy_id", "you cannot name yourself as a deputy");
    }
    struct date today = date_today_berlin((time_t)(ctx->now_us / 1000000));
    if (!date_is_none(in->from) && !date_is_none(in->until)) {
        if (date_cmp(in->until, in->from) < 0)
            problem_field(pb, ctx->arena, "until", "must not be before from");
        else if (date_to_days(in->until) - date_to_days(in->from) >= DEPUTY_MAX_DAYS)
            problem_field(pb, ctx->arena, "until", "a deputy period is at most one year");
        if (date_cmp(in->until, today) < 0)
            problem_field(pb, ctx->arena, "until", "must not be in the past");
        if (date_cmp(in->from, date_add_days(today, -DEPUTY_PAST_DAYS)) < 0)
            problem_field(pb, ctx->arena, "from", "must not be more than a month ago");
    }
    if (pb->n_errors)
        return CORE_INVALID;
    char id[ID_MAX], from[11], until[11];
    id_new("dp", id);
    date_format(in->from, from);
    date_format(in->until, until);
    struct deputy_row row = { .id = id,
                              .jobcenter_id = (char *)a->jobcenter_id,
                              .user_id = u.id,
                              .deputy_id = d.id,
                              .from_date = from,
                              .until_date = until,
                              .created_by = (char *)a->id,
                              .created_at = ctx->now_us,
                              .deputy_name = d.display_name,
                              .user_name = u.display_name };
    if (db_deputy_insert(ctx->db, &row) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "deputy.create",
                                   "deputy",
                                   id,
                                   NULL,
                                   NULL,
                                   a->roles & ROLE_ADMIN ? PURPOSE_STAFF_ADMIN : PURPOSE_TEAM_LEAD,
                                   arena_printf(ctx->arena, "%s for %s, %s to %s", d.id, u.id, from,
                                                until) };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = deputy_view(&row);
    return CORE_OK;
}

enum core_result
team_deputy_revoke(struct core_ctx *ctx, const char *deputy_id, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct deputy_row d;
    enum db_status st = db_deputy_get(ctx->db, a->jobcenter_id, deputy_id, &d);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS || d.revoked_at)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such deputy.");
    struct user_row u;
    if (db_user_by_id(ctx->db, a->jobcenter_id, d.user_id, &u) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (may_manage(ctx, &u, pb) != CORE_OK)
        return pb->result;
    if (db_deputy_revoke(ctx->db, a->jobcenter_id, deputy_id, ctx->now_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "deputy.revoke",
                                   "deputy",
                                   deputy_id,
                                   NULL,
                                   NULL,
                                   a->roles & ROLE_ADMIN ? PURPOSE_STAFF_ADMIN : PURPOSE_TEAM_LEAD,
                                   NULL };
    return audit_record(ctx, &e) == CORE_OK ? CORE_OK : problem_set(pb, CORE_ERROR, NULL, NULL);
}

struct dep_list {
    struct deputy_row d;
    json_t *items;
};

static bool
dep_row(void *user)
{
    struct dep_list *l = user;
    json_array_append_new(l->items, deputy_view(&l->d));
    return true;
}

enum core_result
team_deputies(struct core_ctx *ctx, const char *user_id, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct user_row u;
    enum db_status st = db_user_by_id(ctx->db, a->jobcenter_id, user_id, &u);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such user.");
    /* the user themselves may see who stands in for them */
    if (strcmp(u.id, a->id) != 0 && may_manage(ctx, &u, pb) != CORE_OK)
        return pb->result;
    char today[11];
    date_format(date_today_berlin((time_t)(ctx->now_us / 1000000)), today);
    struct dep_list l = { .items = json_array() };
    if (db_deputies_of_user(ctx->db, a->jobcenter_id, u.id, today, &l.d, dep_row, &l) < 0) {
        json_decref(l.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", l.items);
    *view = v;
    return CORE_OK;
}

struct load_list {
    struct caseload_row r;
    struct core_ctx *ctx;
    json_t *items;
};

static bool
load_row(void *user)
{
    struct load_list *l = user;
    json_t *o = json_object();
    json_object_set_new(o, "user_id", json_string(l->r.user_id));
    json_object_set_new(o, "display_name", json_string(l->r.display_name));
    json_object_set_new(o, "team_id", core_json_text(l->r.team_id));
    json_object_set_new(o, "fte", json_real((double)l->r.fte_milli / 1000.0));
    json_object_set_new(o, "open", json_integer(l->r.open));
    json_object_set_new(o, "cap",
                        json_integer(cases_cap(l->ctx->caseload_per_fte, l->r.fte_milli)));
    json_array_append_new(l->items, o);
    return true;
}

enum core_result
team_caseloads(struct core_ctx *ctx, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & (ROLE_TEAM_LEAD | ROLE_ADMIN)))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Caseloads are for team leads.");
    struct load_list l = { .ctx = ctx, .items = json_array() };
    const char *team = (a->roles & ROLE_TEAM_LEAD) && a->team_id[0] ? a->team_id : NULL;
    if (db_caseloads(ctx->db, a->jobcenter_id, team, &l.r, load_row, &l) < 0) {
        json_decref(l.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", l.items);
    *view = v;
    return CORE_OK;
}

enum core_result
team_case_status(struct core_ctx *ctx, const char *case_id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_READ_STATUS, &ref, pb) != CORE_OK)
        return pb->result;
    const struct audit_entry e = {
        "case.read_status", "case", ref.row.id, ref.row.id, ref.row.client_id,
        ref.grant.purpose,  NULL
    };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = case_status_view(&ref.row);
    return CORE_OK;
}
