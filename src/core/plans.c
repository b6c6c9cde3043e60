/*
 * core/plans.c — the cooperation plan; see plans.h.
 * core/input.c reads one object against a table and has no arrays of
 * objects, so the goals and their steps are walked here: each element is
 * read against its own table and its error paths are prefixed
 * ("goals[1].steps[0].due"), so a body's errors all come back in one 422.
 */
#include "core/plans.h"

#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/deadlines.h"
#include "store/queries.h"

const char *const plan_goal_kinds[] = { "job",     "health",   "language", "childcare",
                                        "housing", "finances", "other",    NULL };
const char *const plan_responsibles[] = { "client", "case_manager", "partner", NULL };
const char *const plan_step_statuses[] = { "open", "done", "dropped", NULL };
const char *const plan_review_outcomes[] = { "kept", "changed", "mediation_requested",
                                             "demand_issued", NULL };

static const struct field plan_top_fields[] = {
    { "agreed_on", F_DATE, offsetof(struct plan_input, agreed_on), true, 0, NULL, NULL, 0, 0,
      NULL },
    { "review_due", F_DATE, offsetof(struct plan_input, review_due), false, 0, NULL, NULL, 0, 0,
      NULL },
    { "review_outcome", F_ENUM, offsetof(struct plan_input, review_outcome), false, 0,
      plan_review_outcomes, NULL, 0, 0, NULL },
    FIELD_END,
};

static const struct field goal_fields[] = {
    { "kind", F_ENUM, offsetof(struct plan_goal_input, kind), false, 0, plan_goal_kinds, NULL, 0, 0,
      NULL },
    { "title", F_STRING, offsetof(struct plan_goal_input, title), true, PLAN_TITLE_MAX, NULL, NULL,
      0, 0, NULL },
    FIELD_END,
};

static const struct field step_fields[] = {
    { "title", F_STRING, offsetof(struct plan_step_input, title), true, PLAN_TITLE_MAX, NULL, NULL,
      0, 0, NULL },
    { "responsible", F_ENUM, offsetof(struct plan_step_input, responsible), true, 0,
      plan_responsibles, NULL, 0, 0, NULL },
    { "partner", F_STRING, offsetof(struct plan_step_input, partner), false, PLAN_PARTNER_MAX, NULL,
      NULL, 0, 0, NULL },
    { "due", F_DATE, offsetof(struct plan_step_input, due), true, 0, NULL, NULL, 0, 0, NULL },
    FIELD_END,
};

const struct field plan_step_update_fields[] = {
    { "status", F_ENUM, offsetof(struct plan_step_update, status), true, 0, plan_step_statuses,
      NULL, 0, 0, NULL },
    { "note", F_TEXT, offsetof(struct plan_step_update, note), false, PLAN_NOTE_MAX, NULL, NULL, 0,
      0, NULL },
    FIELD_END,
};

/* ---- reading the body ---- */

/* Read array element OBJ (path PREFIX) against FIELDS into OUT; the key SKIP
 * (a nested array, or NULL) is left to the caller. Unknown keys: 400. */
static enum core_result
read_element(const json_t *obj, const struct field *fields, const char *skip, void *out,
             const char *prefix, struct arena *arena, struct problem *pb)
{
    if (!json_is_object(obj)) {
        problem_field(pb, arena, prefix, "must be an object");
        return CORE_INVALID;
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const struct field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name && !(skip && strcmp(skip, key) == 0)) {
            pb->result = CORE_BAD_REQUEST;
            pb->detail = arena_printf(arena, "Unknown field: %s.%.64s", prefix, key);
            return CORE_BAD_REQUEST;
        }
    }
    json_t *copy = json_copy((json_t *)obj); /* shallow: the values stay shared with OBJ */
    if (skip)
        json_object_del(copy, skip);
    struct problem sub = PROBLEM_INIT;
    enum core_result r = input_read(copy, fields, out, arena, &sub);
    json_decref(copy);
    for (const struct field_error *e = sub.errors; e; e = e->next)
        problem_field(pb, arena, arena_printf(arena, "%s.%s", prefix, e->field), e->message);
    return r;
}

/* Check that V (path PATH) is an array of 1..MAX items; a field error otherwise. */
static bool
check_list(const json_t *v, const char *path, size_t max, const char *empty_msg,
           const char *long_msg, struct arena *arena, struct problem *pb)
{
    if (!v || json_is_null(v)) {
        problem_field(pb, arena, path, empty_msg);
        return false;
    }
    if (!json_is_array(v)) {
        problem_field(pb, arena, path, "must be a list");
        return false;
    }
    if (json_array_size(v) == 0) {
        problem_field(pb, arena, path, empty_msg);
        return false;
    }
    if (json_array_size(v) > max) {
        problem_field(pb, arena, path, long_msg);
        return false;
    }
    return true;
}

enum core_result
plans_read(const json_t *body, struct plan_input *in, struct arena *arena, struct problem *pb)
{
    memset(in, 0, sizeof *in);
    if (!json_is_object(body))
        return problem_set(pb, CORE_BAD_REQUEST, NULL, "The body must be a JSON object.");
    json_t *top = json_copy((json_t *)body); /* shallow */
    json_object_del(top, "goals");
    enum core_result r = input_read(top, plan_top_fields, in, arena, pb);
    json_decref(top);
    if (r == CORE_BAD_REQUEST)
        return r;
    const json_t *goals = json_object_get(body, "goals");
    if (!check_list(goals, "goals", PLAN_MAX_GOALS, "must contain at least one goal",
                    "must contain at most 10 goals", arena, pb))
        return pb->result;
    in->n_goals = json_array_size(goals);
    in->goals = arena_alloc(arena, in->n_goals * sizeof *in->goals);
    memset(in->goals, 0, in->n_goals * sizeof *in->goals);
    for (size_t i = 0; i < in->n_goals; i++) {
        struct plan_goal_input *g = &in->goals[i];
        const json_t *gj = json_array_get(goals, i);
        const char *gpath = arena_printf(arena, "goals[%zu]", i);
        if (read_element(gj, goal_fields, "steps", g, gpath, arena, pb) == CORE_BAD_REQUEST)
            return CORE_BAD_REQUEST;
        if (!json_is_object(gj))
            continue;
        if (!g->kind)
            g->kind = "job";
        const json_t *steps = json_object_get(gj, "steps");
        const char *spath = arena_printf(arena, "%s.steps", gpath);
        if (!check_list(steps, spath, PLAN_MAX_STEPS, "must contain at least one step",
                        "must contain at most 20 steps", arena, pb))
            continue;
        g->n_steps = json_array_size(steps);
        g->steps = arena_alloc(arena, g->n_steps * sizeof *g->steps);
        memset(g->steps, 0, g->n_steps * sizeof *g->steps);
        for (size_t j = 0; j < g->n_steps; j++) {
            const char *path = arena_printf(arena, "%s[%zu]", spath, j);
            if (read_element(json_array_get(steps, j), step_fields, NULL, &g->steps[j], path, arena,
                             pb) == CORE_BAD_REQUEST)
                return CORE_BAD_REQUEST;
        }
    }
    return pb->result == CORE_OK ? CORE_OK : pb->result;
}

void
plans_check(const struct plan_input *in, struct date today, struct date started_on,
            struct date prev_agreed, bool has_plan, struct date latest_review, struct arena *arena,
            struct problem *pb)
{
    struct date agreed = in->agreed_on;
    bool have_agreed = !date_is_none(agreed);
    if (have_agreed) {
        if (date_cmp(agreed, today) > 0)
            problem_field(pb, arena, "agreed_on", "must not be in the future");
        else if (!date_is_none(started_on) && date_cmp(agreed, started_on) < 0)
            problem_field(pb, arena, "agreed_on", "must not be before the case started");
        else if (!date_is_none(prev_agreed) && date_cmp(agreed, prev_agreed) < 0)
            problem_field(pb, arena, "agreed_on",
                          "must not be before the day the current version was agreed");
    }
    if (have_agreed && !date_is_none(in->review_due)) {
        if (date_cmp(in->review_due, agreed) <= 0)
            problem_field(pb, arena, "review_due", "must be after the day the plan was agreed");
        else if (date_cmp(in->review_due, latest_review) > 0)
            problem_field(pb, arena, "review_due",
                          "must not be later than six months after the day the plan was agreed");
    }
    if (in->review_outcome && !has_plan)
        problem_field(pb, arena, "review_outcome",
                      "is given only when an existing plan is reviewed");
    if (!have_agreed)
        return;
    struct date last = date_add_months(agreed, 12 * PLAN_STEP_MAX_YEARS);
    for (size_t i = 0; i < in->n_goals; i++)
        for (size_t j = 0; j < in->goals[i].n_steps; j++) {
            struct date due = in->goals[i].steps[j].due;
            if (date_is_none(due))
                continue;
            const char *path = arena_printf(arena, "goals[%zu].steps[%zu].due", i, j);
            if (date_cmp(due, agreed) < 0)
                problem_field(pb, arena, path, "must not be before the day the plan was agreed");
            else if (date_cmp(due, last) > 0)
                problem_field(pb, arena, path,
                              "must not be later than three years after the day the plan was "
                              "agreed");
        }
}

/* ---- views ---- */

static json_t *
instant_json(int64_t us)
{
    char s[21];
    instant_format_utc(us / 1000000, s);
    return json_string(s);
}

static json_t *
step_view(const struct plan_step_row *s)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(s->id));
    json_object_set_new(v, "title", json_string(s->title));
    json_object_set_new(v, "responsible", json_string(s->responsible));
    json_object_set_new(v, "partner", core_json_text(s->partner));
    json_object_set_new(v, "due", json_string(s->due));
    json_object_set_new(v, "status", json_string(s->status));
    json_object_set_new(v, "note", core_json_text(s->note));
    return v;
}

static json_t *
plan_summary(const struct plan_row *p)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(p->id));
    json_object_set_new(v, "version", json_integer(p->version));
    json_object_set_new(v, "is_current", json_boolean(p->is_current));
    json_object_set_new(v, "agreed_on", json_string(p->agreed_on));
    json_object_set_new(v, "review_due", json_string(p->review_due));
    json_object_set_new(v, "review_outcome", core_json_text(p->review_outcome));
    json_object_set_new(v, "created_at", instant_json(p->created_at));
    return v;
}

struct goals_state {
    struct plan_goal_row g;
    struct plan_step_row s;
    json_t *goals;
};

static bool
goal_row(void *user)
{
    struct goals_state *st = user;
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(st->g.id));
    json_object_set_new(v, "kind", json_string(st->g.kind));
    json_object_set_new(v, "title", json_string(st->g.title));
    json_object_set_new(v, "steps", json_array());
    json_array_append_new(st->goals, v);
    return true;
}

static bool
step_row(void *user)
{
    struct goals_state *st = user;
    size_t i;
    json_t *g;
    json_array_foreach(st->goals, i, g)
    {
        if (strcmp(json_string_value(json_object_get(g, "id")), st->s.goal_id) == 0) {
            json_array_append_new(json_object_get(g, "steps"), step_view(&st->s));
            break;
        }
    }
    return true;
}

/* The full view of version P, or NULL when the store fails. */
static json_t *
plan_view(struct core_ctx *ctx, const struct plan_row *p)
{
    struct goals_state st = { .goals = json_array() };
    const char *jc = ctx->actor->jobcenter_id;
    if (db_plan_goals(ctx->db, jc, p->id, &st.g, goal_row, &st) < 0 ||
        db_plan_steps(ctx->db, jc, p->id, &st.s, step_row, &st) < 0) {
        json_decref(st.goals);
        return NULL;
    }
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(p->id));
    json_object_set_new(v, "case_id", json_string(p->case_id));
    json_object_set_new(v, "version", json_integer(p->version));
    json_object_set_new(v, "is_current", json_boolean(p->is_current));
    json_object_set_new(v, "agreed_on", json_string(p->agreed_on));
    json_object_set_new(v, "review_due", json_string(p->review_due));
    json_object_set_new(v, "review_outcome", core_json_text(p->review_outcome));
    json_object_set_new(v, "created_by", json_string(p->created_by));
    json_object_set_new(v, "created_by_name", core_json_text(p->created_by_name));
    json_object_set_new(v, "created_at", instant_json(p->created_at));
    json_object_set_new(v, "goals", st.goals);
    return v;
}

static enum core_result
audit_plan(struct core_ctx *ctx, const struct case_ref *ref, const char *action,
           const char *object_type, const char *object_id, const char *detail, struct problem *pb)
{
    const struct audit_entry e = { action,      object_type,        object_id,
                                   ref->row.id, ref->row.client_id, ref->grant.purpose,
                                   detail };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

/* ---- writes ---- */

static struct date
parse_or_none(const char *s)
{
    struct date d = DATE_NONE;
    if (s && !date_parse(s, &d))
        d = DATE_NONE;
    return d;
}

enum core_result
plans_create(struct core_ctx *ctx, const char *case_id, const struct plan_input *in, json_t **view,
             struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_WRITE, &ref, pb);
    if (r != CORE_OK)
        return r;
    if ((r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    const char *jc = ref.row.jobcenter_id;
    struct plan_row cur;
    enum db_status st = db_plan_current(ctx->db, jc, case_id, &cur);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    bool has_plan = st == DB_ONE_ROW;
    struct rules rules;
    if (rules_load(ctx->db, jc, &rules) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct date latest =
        date_is_none(in->agreed_on) ? DATE_NONE : deadline_plan_review(&rules, in->agreed_on);
    plans_check(in, ref.today, parse_or_none(ref.row.started_on),
                has_plan ? parse_or_none(cur.agreed_on) : DATE_NONE, has_plan, latest, ctx->arena,
                pb);
    if (pb->n_errors)
        return CORE_INVALID;

    int64_t version = 0;
    if (db_plan_next_version(ctx->db, jc, case_id, &version) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (has_plan && db_plan_clear_current(ctx->db, jc, case_id) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char id[ID_MAX], agreed[11], due[11];
    id_new("pl", id);
    date_format(in->agreed_on, agreed);
    date_format(date_is_none(in->review_due) ? latest : in->review_due, due);
    const char *outcome = in->review_outcome;
    if (!outcome && has_plan)
        outcome = "changed"; /* a later version without a stated outcome changed the plan */
    struct plan_row p = { .id = id,
                          .jobcenter_id = (char *)jc,
                          .case_id = (char *)case_id,
                          .agreed_on = agreed,
                          .review_due = due,
                          .review_outcome = (char *)outcome,
                          .created_by = (char *)ctx->actor->id,
                          .version = version,
                          .is_current = 1,
                          .created_at = ctx->now_us };
    st = db_plan_insert(ctx->db, &p);
    if (st == DB_CONSTRAINT) /* another version was stored at the same moment */
        return problem_set(pb, CORE_CONFLICT, "plan_changed",
                           "Another version of the plan was stored at the same time; reload it.");
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    for (size_t i = 0; i < in->n_goals; i++) {
        const struct plan_goal_input *g = &in->goals[i];
        char gid[ID_MAX];
        id_new("pg", gid);
        struct plan_goal_row gr = { .id = gid,
                                    .plan_id = id,
                                    .kind = (char *)g->kind,
                                    .title = (char *)g->title,
                                    .position = (int64_t)i };
        if (db_plan_goal_insert(ctx->db, jc, &gr) < 0 || db_changes(ctx->db) != 1)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        for (size_t j = 0; j < g->n_steps; j++) {
            const struct plan_step_input *s = &g->steps[j];
            char sid[ID_MAX], sdue[11];
            id_new("ps", sid);
            date_format(s->due, sdue);
            struct plan_step_row sr = { .id = sid,
                                        .jobcenter_id = (char *)jc,
                                        .case_id = (char *)case_id,
                                        .plan_id = id,
                                        .goal_id = gid,
                                        .title = (char *)s->title,
                                        .responsible = (char *)s->responsible,
                                        .partner = (char *)s->partner,
                                        .due = sdue,
                                        .position = (int64_t)j };
            if (db_plan_step_insert(ctx->db, &sr) < 0)
                return problem_set(pb, CORE_ERROR, NULL, NULL);
        }
    }
    if (db_case_set_plan_review(ctx->db, jc, case_id, due, ctx->now_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char detail[32];
    snprintf(detail, sizeof detail, "version %lld", (long long)version);
    if ((r = audit_plan(ctx, &ref, "plan.create", "plan", id, arena_strdup(ctx->arena, detail),
                        pb)) != CORE_OK)
        return r;
    struct plan_row stored;
    if (db_plan_get(ctx->db, jc, id, &stored) != DB_ONE_ROW || !(*view = plan_view(ctx, &stored)))
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

enum core_result
plans_step_update(struct core_ctx *ctx, const char *step_id, const struct plan_step_update *in,
                  json_t **view, struct problem *pb)
{
    const char *jc = ctx->actor->jobcenter_id;
    struct plan_step_row s;
    enum db_status st = db_plan_step_get(ctx->db, jc, step_id, &s);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such plan step.");
    struct case_ref ref;
    enum core_result r = case_open(ctx, s.case_id, CASE_WRITE, &ref, pb);
    if (r != CORE_OK)
        return r;
    if ((r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    if (!s.plan_is_current)
        return problem_set(pb, CORE_CONFLICT, "plan_superseded",
                           "This step belongs to an older version of the plan; only steps of the "
                           "current version change.");
    if (pb->n_errors)
        return CORE_INVALID;
    st = db_plan_step_update(ctx->db, jc, step_id, in->status, in->note, ctx->actor->id,
                             ctx->now_us);
    if (st < 0 || db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if ((r = audit_plan(ctx, &ref, "plan.step_update", "plan_step", step_id, in->status, pb)) !=
        CORE_OK)
        return r;
    if (db_plan_step_get(ctx->db, jc, step_id, &s) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    json_t *v = step_view(&s);
    json_object_set_new(v, "case_id", json_string(s.case_id));
    json_object_set_new(v, "plan_id", json_string(s.plan_id));
    json_object_set_new(v, "goal_id", json_string(s.goal_id));
    json_object_set_new(v, "status_changed_at", instant_json(s.status_changed_at));
    *view = v;
    return CORE_OK;
}

/* ---- reads ---- */

enum core_result
plans_current(struct core_ctx *ctx, const char *case_id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    struct plan_row p;
    enum db_status st = db_plan_current(ctx->db, ref.row.jobcenter_id, case_id, &p);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No plan yet.");
    json_t *v = plan_view(ctx, &p);
    if (!v)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if ((r = audit_plan(ctx, &ref, "plan.read", "plan", p.id, NULL, pb)) != CORE_OK) {
        json_decref(v);
        return r;
    }
    *view = v;
    return CORE_OK;
}

enum core_result
plans_get(struct core_ctx *ctx, const char *plan_id, json_t **view, struct problem *pb)
{
    struct plan_row p;
    enum db_status st = db_plan_get(ctx->db, ctx->actor->jobcenter_id, plan_id, &p);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such plan.");
    struct case_ref ref;
    enum core_result r = case_open(ctx, p.case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    json_t *v = plan_view(ctx, &p);
    if (!v)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if ((r = audit_plan(ctx, &ref, "plan.read", "plan", p.id, NULL, pb)) != CORE_OK) {
        json_decref(v);
        return r;
    }
    *view = v;
    return CORE_OK;
}

struct list_state {
    struct plan_row row;
    json_t *items;
};

static bool
list_row(void *user)
{
    struct list_state *st = user;
    json_array_append_new(st->items, plan_summary(&st->row));
    return true;
}

/* The case's versions as summaries, newest first; NULL when the store fails. */
static json_t *
versions_of(struct core_ctx *ctx, const struct case_ref *ref)
{
    struct list_state st = { .items = json_array() };
    if (db_plans_list(ctx->db, ref->row.jobcenter_id, ref->row.id, &st.row, list_row, &st) < 0) {
        json_decref(st.items);
        return NULL;
    }
    return st.items;
}

enum core_result
plans_list(struct core_ctx *ctx, const char *case_id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    json_t *items = versions_of(ctx, &ref);
    if (!items)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const char *detail = arena_printf(ctx->arena, "%zu versions", json_array_size(items));
    if ((r = audit_plan(ctx, &ref, "plan.list", "plan_list", NULL, detail, pb)) != CORE_OK) {
        json_decref(items);
        return r;
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    json_object_set_new(v, "next_cursor", json_null());
    *view = v;
    return CORE_OK;
}

enum core_result
plans_page(struct core_ctx *ctx, const char *case_id, int64_t version, const char *action,
           json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    const char *jc = ref.row.jobcenter_id;
    struct plan_row p;
    enum db_status st = version > 0 ? db_plan_by_version(ctx->db, jc, case_id, version, &p)
                                    : db_plan_current(ctx->db, jc, case_id, &p);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS && version > 0)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such plan version.");
    json_t *plan = st == DB_ONE_ROW ? plan_view(ctx, &p) : json_null();
    json_t *versions = versions_of(ctx, &ref);
    if (!plan || !versions) {
        json_decref(plan);
        json_decref(versions);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const struct case_row *k = &ref.row;
    json_t *c = json_object();
    json_object_set_new(c, "id", json_string(k->id));
    json_object_set_new(c, "status", json_string(k->status));
    json_object_set_new(c, "first_name", core_json_text(k->first_name));
    json_object_set_new(c, "last_name", core_json_text(k->last_name));
    json_object_set_new(c, "customer_number", core_json_text(k->customer_number));
    json_object_set_new(c, "case_manager_name", core_json_text(k->case_manager_name));
    json_object_set_new(c, "started_on", core_json_text(k->started_on));
    json_t *v = json_object();
    json_object_set_new(v, "case", c);
    json_object_set_new(v, "plan", plan);
    json_object_set_new(v, "versions", versions);
    char today[11];
    date_format(ref.today, today);
    json_object_set_new(v, "today", json_string(today));
    if ((r = audit_plan(ctx, &ref, action, "plan", st == DB_ONE_ROW ? p.id : NULL,
                        st == DB_ONE_ROW ? NULL : "no plan yet", pb)) != CORE_OK) {
        json_decref(v);
        return r;
    }
    *view = v;
    return CORE_OK;
}
