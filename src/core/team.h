/*
 * core/team.h — a team lead's tools: transfer a case to another case
 * manager (the caseload cap applies; a reason is recorded), set deputies
 * (Vertretung: a colleague sees the absent case manager's cases from a day
 * to a day, and every access on that ground is audited as "deputy"), and
 * the team's caseloads.
 */
#ifndef LOTSE_CORE_TEAM_H
#define LOTSE_CORE_TEAM_H

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

struct transfer_input {
    const char *case_manager_id;
    const char *reason;
    const char *override_reason;
};
extern const struct field transfer_fields[];

struct deputy_input {
    const char *deputy_id;
    struct date from, until;
};
extern const struct field deputy_fields[];

/* Write jobs. */
enum core_result team_transfer(struct core_ctx *ctx, const char *case_id,
                               const struct transfer_input *in, json_t **view, struct problem *pb);
enum core_result team_deputy_create(struct core_ctx *ctx, const char *user_id,
                                    const struct deputy_input *in, json_t **view,
                                    struct problem *pb);
enum core_result team_deputy_revoke(struct core_ctx *ctx, const char *deputy_id,
                                    struct problem *pb);
/* Reads: USER_ID's current and coming deputies ({items}); the caseloads of
 * the caller's team ({items:[{user_id,display_name,open,cap,fte,deputies}]}). */
enum core_result team_deputies(struct core_ctx *ctx, const char *user_id, json_t **view,
                               struct problem *pb);
enum core_result team_caseloads(struct core_ctx *ctx, json_t **view, struct problem *pb);
/* The status view of a case (no name, no content) for whoever may see it:
 * the team lead of the team, the referring placement officer. */
enum core_result team_case_status(struct core_ctx *ctx, const char *case_id, json_t **view,
                                  struct problem *pb);

#endif
