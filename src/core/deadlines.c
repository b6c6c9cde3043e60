/* core/deadlines.c — deadlines and limits of a case; see deadlines.h. */
#include "core/deadlines.h"

#include <string.h>

#include "core/audit.h"
#include "store/queries.h"

const struct rule_def rule_defs[RULE_COUNT] = {
    [RULE_CONTINUATION_MONTHS] = { "continuation_months", "UNCERTAIN",
                                   "local instruction (Fortführungsprüfung)", 6, 1, 12, true },
    [RULE_LIMIT_MONTHS] = { "limit_months", "UNCERTAIN", "local instruction (Höchstdauer)", 24, 6,
                            60, true },
    [RULE_PLAN_REVIEW_MONTHS] = { "plan_review_months", "LAW?", "§ 15 Abs. 3 SGB II", 6, 6, 6,
                                  false },
    [RULE_AFTERCARE_MONTHS] = { "aftercare_months", "LAW", "§ 16g Abs. 2 SGB II", 6, 6, 6, false },
    [RULE_UNREACHED_AFTER] = { "unreached_after", "POLICY", "local practice", 3, 1, 10, true },
};

void
rules_default(struct rules *r)
{
    for (int i = 0; i < RULE_COUNT; i++)
        r->v[i] = rule_defs[i].def;
}

enum rule_id
rule_by_key(const char *key)
{
    for (int i = 0; i < RULE_COUNT; i++)
        if (key && strcmp(rule_defs[i].key, key) == 0)
            return (enum rule_id)i;
    return RULE_COUNT;
}

struct load {
    struct rule_row row;
    struct rules *r;
};

static bool
load_row(void *user)
{
    struct load *l = user;
    enum rule_id id = rule_by_key(l->row.rule);
    /* only local rules, only within their bounds: a stray row cannot move the law */
    if (id < RULE_COUNT && rule_defs[id].local && l->row.value >= rule_defs[id].min &&
        l->row.value <= rule_defs[id].max)
        l->r->v[id] = (int)l->row.value;
    return true;
}

enum core_result
rules_load(struct db *db, const char *jobcenter_id, struct rules *r)
{
    rules_default(r);
    struct load l = { .r = r };
    return db_rules_list(db, jobcenter_id, &l.row, load_row, &l) < 0 ? CORE_ERROR : CORE_OK;
}

struct date
deadline_today(const struct core_ctx *ctx)
{
    return date_today_berlin((time_t)(ctx->now_us / 1000000));
}

struct date
deadline_first_review(const struct rules *r, struct date started_on)
{
    return date_add_months(started_on, r->v[RULE_CONTINUATION_MONTHS]);
}

struct date
deadline_next_review(const struct rules *r, struct date reviewed_on)
{
    return date_add_months(reviewed_on, r->v[RULE_CONTINUATION_MONTHS]);
}

struct date
deadline_limit(const struct rules *r, struct date started_on)
{
    return date_add_months(started_on, r->v[RULE_LIMIT_MONTHS]);
}

struct date
deadline_plan_review(const struct rules *r, struct date agreed_on)
{
    return date_add_months(agreed_on, r->v[RULE_PLAN_REVIEW_MONTHS]);
}

struct date
deadline_aftercare_end(const struct rules *r, struct date start)
{
    /* "up to n months after": the day before the same day n months later */
    return date_add_days(date_add_months(start, r->v[RULE_AFTERCARE_MONTHS]), -1);
}

bool
deadline_unreached(const struct rules *r, int failed_contacts)
{
    return failed_contacts >= r->v[RULE_UNREACHED_AFTER];
}

bool
deadline_limit_reached(struct date limit, struct date today)
{
    return !date_is_none(limit) && date_cmp(today, limit) >= 0;
}

json_t *
rules_view(const struct rules *r)
{
    json_t *items = json_array();
    for (int i = 0; i < RULE_COUNT; i++) {
        const struct rule_def *d = &rule_defs[i];
        json_t *o = json_object();
        json_object_set_new(o, "key", json_string(d->key));
        json_object_set_new(o, "value", json_integer(r->v[i]));
        json_object_set_new(o, "default", json_integer(d->def));
        json_object_set_new(o, "min", json_integer(d->min));
        json_object_set_new(o, "max", json_integer(d->max));
        json_object_set_new(o, "mark", json_string(d->mark));
        json_object_set_new(o, "basis", json_string(d->basis));
        json_object_set_new(o, "local", json_boolean(d->local));
        json_array_append_new(items, o);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    return v;
}

const struct field rule_value_fields[] = {
    { "value", F_NUMBER, offsetof(struct rule_value_input, value), true, 0, NULL, NULL, 0, 1000,
      NULL },
    FIELD_END,
};

enum core_result
rules_get(struct core_ctx *ctx, json_t **view, struct problem *pb)
{
    struct rules r;
    if (rules_load(ctx->db, ctx->actor->jobcenter_id, &r) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = rules_view(&r);
    return CORE_OK;
}

enum core_result
rules_set(struct core_ctx *ctx, const char *key, const struct rule_value_input *in, json_t **view,
          struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & ROLE_ADMIN))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Only admins set the local rules.");
    enum rule_id id = rule_by_key(key);
    if (id == RULE_COUNT)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such rule.");
    const struct rule_def *d = &rule_defs[id];
    if (!d->local)
        return problem_set(pb, CORE_CONFLICT, "rule_is_law",
                           "This rule is law and cannot be changed locally.");
    if (pb->n_errors)
        return CORE_INVALID;
    double v = in->value;
    if (v != (double)(int)v || v < d->min || v > d->max) {
        problem_field(
            pb, ctx->arena, "value",
            arena_printf(ctx->arena, "must be a whole number from %d to %d", d->min, d->max));
        return CORE_INVALID;
    }
    if (db_rule_set(ctx->db, a->jobcenter_id, d->key, (int64_t)v, a->id, ctx->now_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "rule.set",
                                   "rule",
                                   d->key,
                                   NULL,
                                   NULL,
                                   PURPOSE_STAFF_ADMIN,
                                   arena_printf(ctx->arena, "%s = %d", d->key, (int)v) };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return rules_get(ctx, view, pb);
}
