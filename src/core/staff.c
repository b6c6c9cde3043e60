/* core/staff.c — teams and users; see staff.h. */
#include "core/staff.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/input.h"

static const char *const role_names[] = {
    "case_manager", "team_lead", "placement_officer", "dpo", "admin", "analyst", NULL
};

const struct field user_fields[] = {
    { "username", F_STRING, offsetof(struct user_input, username), true, 64, NULL, NULL, 0, 0,
      check_username },
    { "display_name", F_STRING, offsetof(struct user_input, display_name), true, 120, NULL, NULL, 0,
      0, NULL },
    { "password", F_STRING, offsetof(struct user_input, password), true, 200, NULL, NULL, 0, 0,
      check_password },
    { "roles", F_ENUM_ARRAY, offsetof(struct user_input, roles), true, 0, role_names, NULL, 0, 0,
      NULL },
    { "team_id", F_STRING, offsetof(struct user_input, team_id), false, ID_MAX - 1, NULL, NULL, 0,
      0, NULL },
    { "fte", F_NUMBER, offsetof(struct user_input, fte), false, 0, NULL, NULL, 0.0, 1.0, NULL },
    FIELD_END,
};

const struct field team_fields[] = {
    { "name", F_STRING, offsetof(struct team_input, name), true, 120, NULL, NULL, 0, 0, NULL },
    FIELD_END,
};

void
staff_actor_from_row(struct actor *a, const struct user_row *u)
{
    memset(a, 0, sizeof *a);
    snprintf(a->id, sizeof a->id, "%s", u->id);
    snprintf(a->jobcenter_id, sizeof a->jobcenter_id, "%s", u->jobcenter_id);
    snprintf(a->team_id, sizeof a->team_id, "%s", u->team_id ? u->team_id : "");
    snprintf(a->username, sizeof a->username, "%s", u->username);
    snprintf(a->display_name, sizeof a->display_name, "%s", u->display_name);
    a->roles = (unsigned)u->roles;
    a->fte_milli = (int)u->fte_milli;
}

/* Staff rows keep "no team" as NULL or "": both are JSON null. */
static json_t *
nullable(const char *s)
{
    return core_json_text(s && s[0] ? s : NULL);
}

json_t *
staff_user_view(const struct user_row *u)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(u->id));
    json_object_set_new(v, "username", json_string(u->username));
    json_object_set_new(v, "display_name", json_string(u->display_name));
    json_object_set_new(v, "roles", roles_to_json((unsigned)u->roles));
    json_object_set_new(v, "team_id", nullable(u->team_id));
    json_object_set_new(v, "jobcenter_id", json_string(u->jobcenter_id));
    json_object_set_new(v, "fte", json_real((double)u->fte_milli / 1000.0));
    json_object_set_new(v, "active", json_boolean(u->active));
    return v;
}

json_t *
staff_me_view(const struct actor *a)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(a->id));
    json_object_set_new(v, "username", json_string(a->username));
    json_object_set_new(v, "display_name", json_string(a->display_name));
    json_object_set_new(v, "roles", roles_to_json(a->roles));
    json_object_set_new(v, "team_id", nullable(a->team_id));
    json_object_set_new(v, "jobcenter_id", json_string(a->jobcenter_id));
    json_object_set_new(v, "fte", json_real((double)a->fte_milli / 1000.0));
    return v;
}

enum core_result
staff_user_create(struct core_ctx *ctx, const struct user_input *in, const char *password_hash,
                  json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & ROLE_ADMIN))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Only administrators create users.");
    if (in->team_id) {
        char *name = NULL;
        enum db_status st = db_team_get(ctx->db, a->jobcenter_id, in->team_id, &name);
        if (st < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (st == DB_NO_ROWS)
            problem_field(pb, ctx->arena, "team_id", "is not a team of this Jobcenter");
    }
    struct user_row existing;
    enum db_status st =
        in->username ? db_user_by_username(ctx->db, in->username, &existing) : DB_NO_ROWS;
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_ONE_ROW)
        problem_field(pb, ctx->arena, "username", "is already taken");
    if (pb->n_errors)
        return CORE_INVALID;
    unsigned roles = 0;
    size_t i;
    json_t *r;
    json_array_foreach(in->roles, i, r) roles |= role_from_name(json_string_value(r));
    char id[ID_MAX];
    id_new("us", id);
    struct user_row u = {
        .id = id,
        .jobcenter_id = (char *)a->jobcenter_id,
        .team_id = (char *)in->team_id,
        .username = (char *)in->username,
        .display_name = (char *)in->display_name,
        .password_hash = (char *)password_hash,
        .roles = roles,
        .fte_milli = isnan(in->fte) ? 1000 : (int64_t)lround(in->fte * 1000.0),
        .active = 1,
        .created_at = ctx->now_us,
    };
    st = db_user_insert(ctx->db, &u);
    if (st == DB_CONSTRAINT) {
        problem_field(pb, ctx->arena, "username", "is already taken");
        return CORE_INVALID;
    }
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = {
        "user.create", "user", id, NULL, NULL, PURPOSE_STAFF_ADMIN, NULL
    };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = staff_user_view(&u);
    return CORE_OK;
}

enum core_result
staff_team_create(struct core_ctx *ctx, const struct team_input *in, json_t **view,
                  struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & ROLE_ADMIN))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Only administrators create teams.");
    if (pb->n_errors)
        return CORE_INVALID;
    char id[ID_MAX];
    id_new("tm", id);
    enum db_status st = db_team_insert(ctx->db, id, a->jobcenter_id, in->name, ctx->now_us);
    if (st == DB_CONSTRAINT) {
        problem_field(pb, ctx->arena, "name", "is already the name of a team");
        return CORE_INVALID;
    }
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = {
        "team.create", "team", id, NULL, NULL, PURPOSE_STAFF_ADMIN, NULL
    };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(id));
    json_object_set_new(v, "name", json_string(in->name));
    *view = v;
    return CORE_OK;
}

enum core_result
staff_user_get(struct core_ctx *ctx, const char *id, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & (ROLE_ADMIN | ROLE_TEAM_LEAD)))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "You may not read user records.");
    struct user_row u;
    enum db_status st = db_user_by_id(ctx->db, a->jobcenter_id, id, &u);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such user.");
    if (!(a->roles & ROLE_ADMIN) &&
        !(a->team_id[0] && u.team_id && strcmp(a->team_id, u.team_id) == 0))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "This user is not in your team.");
    const struct audit_entry e = {
        "user.read", "user", id,
        NULL,        NULL,   a->roles & ROLE_ADMIN ? PURPOSE_STAFF_ADMIN : PURPOSE_TEAM_LEAD,
        NULL
    };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = staff_user_view(&u);
    return CORE_OK;
}
