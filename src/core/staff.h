/*
 * core/staff.h — Jobcenters, teams and users (staff, not clients). Creating
 * staff is the admin's; a team lead may read the users of their team.
 */
#ifndef LOTSE_CORE_STAFF_H
#define LOTSE_CORE_STAFF_H

#include "core/core.h"
#include "core/input.h"
#include "store/queries.h"

struct user_input {
    const char *username, *display_name, *password, *team_id;
    json_t *roles; /* array of role names */
    double fte;    /* NAN when absent: 1.0 */
};
extern const struct field user_fields[];

struct team_input {
    const char *name;
};
extern const struct field team_fields[];

/* Write jobs (ctx->in_write). PASSWORD_HASH was computed off the writer
 * thread (argon2id is slow); *VIEW gets the user without any secret. */
enum core_result staff_user_create(struct core_ctx *ctx, const struct user_input *in,
                                   const char *password_hash, json_t **view, struct problem *pb);
enum core_result staff_team_create(struct core_ctx *ctx, const struct team_input *in, json_t **view,
                                   struct problem *pb);
/* Reads. */
enum core_result staff_user_get(struct core_ctx *ctx, const char *id, json_t **view,
                                struct problem *pb);
/* GET /me: the actor itself. */
json_t *staff_me_view(const struct actor *a);
/* The public view of a user row (never the hash). */
json_t *staff_user_view(const struct user_row *u);

/* Fill an actor from a user row. */
void staff_actor_from_row(struct actor *a, const struct user_row *u);

#endif
