/*
 * web/plans.c — the cooperation plan pages: the current plan (and older
 * versions read-only) with buttons per step, the form for a new version,
 * and the plain-language view for the client to print.
 *
 * The form works without JavaScript: it has a fixed number of slots (the
 * goals and steps typed or carried over, one empty goal and two empty step
 * rows per goal); empty slots are ignored, and the "more" button renders
 * the typed input again with more slots instead of saving. Slots are flat
 * form names (g0_title, g0_kind, g0_s1_title, g0_s1_responsible,
 * g0_s1_partner, g0_s1_due) because forms only carry strings; they are
 * turned into the API's JSON shape and read by plans_read(), so the API and
 * the page validate alike. Error paths of the JSON ("goals[1].steps[0].due")
 * are mapped back to the slot that was typed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/input.h"
#include "core/plans.h"
#include "util/date.h"
#include "web/web.h"

enum { GOAL_SLOTS = PLAN_MAX_GOALS, STEP_SLOTS = PLAN_MAX_STEPS };

/* English msgids of the values shown on the pages. */
static const char *const kind_labels[] = {
    "Work and training",  "Health", "Language", "Childcare", "Housing",
    "Finances and debts", "Other",  NULL
};
static const char *const responsible_labels[] = { "The client", "Case management",
                                                  "Network partner", NULL };
static const char *const status_labels[] = { "to do", "done", "dropped", NULL };
static const char *const outcome_labels[] = { "Kept unchanged", "Changed",
                                              "Not agreed: mediation requested",
                                              "Not agreed: demand issued", NULL };

/* The label of VALUE among VALUES (parallel to LABELS), translated; VALUE itself if unknown. */
static const char *
label_of(struct request *req, const char *const *values, const char *const *labels,
         const char *value)
{
    if (!value)
        return "";
    for (size_t i = 0; values[i]; i++)
        if (strcmp(values[i], value) == 0)
            return http_tr(req, labels[i]);
    return value;
}

/* <option>s for a select: [{value, label, selected}]. */
static json_t *
options(struct request *req, const char *const *values, const char *const *labels,
        const char *selected)
{
    json_t *a = json_array();
    for (size_t i = 0; values[i]; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "value", json_string(values[i]));
        json_object_set_new(o, "label", json_string(http_tr(req, labels[i])));
        json_object_set_new(o, "selected",
                            json_boolean(selected && strcmp(selected, values[i]) == 0));
        json_array_append_new(a, o);
    }
    return a;
}

static const char *
jstr(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

/* ---- the plan page and the print view ---- */

/* Labels, German dates and flags of a version's view for the templates. */
static void
decorate_plan(struct request *req, json_t *plan, const char *today, const char *cm_name,
              bool can_change)
{
    const char *outcome = jstr(plan, "review_outcome");
    if (outcome)
        json_object_set_new(
            plan, "outcome_label",
            json_string(label_of(req, plan_review_outcomes, outcome_labels, outcome)));
    web_de_date(plan, "agreed_on");
    web_de_date(plan, "review_due");
    size_t i, j;
    json_t *g, *s;
    int open_steps = 0;
    json_array_foreach(json_object_get(plan, "goals"), i, g)
    {
        json_object_set_new(
            g, "kind_label",
            json_string(label_of(req, plan_goal_kinds, kind_labels, jstr(g, "kind"))));
        json_object_set_new(g, "number", json_integer((json_int_t)i + 1));
        json_t *shown = json_array(); /* for the client: what was not dropped */
        json_array_foreach(json_object_get(g, "steps"), j, s)
        {
            const char *st = jstr(s, "status"), *who = jstr(s, "responsible");
            const char *due = jstr(s, "due");
            bool open = st && strcmp(st, "open") == 0;
            open_steps += open;
            json_object_set_new(s, "status_label",
                                json_string(label_of(req, plan_step_statuses, status_labels, st)));
            json_object_set_new(s, "is_open", json_boolean(open));
            json_object_set_new(s, "is_done", json_boolean(st && strcmp(st, "done") == 0));
            json_object_set_new(s, "is_dropped", json_boolean(st && strcmp(st, "dropped") == 0));
            json_object_set_new(s, "overdue",
                                json_boolean(open && due && today && strcmp(due, today) < 0));
            json_object_set_new(s, "can_change", json_boolean(can_change));
            json_object_set_new(
                s, "who_label",
                json_string(label_of(req, plan_responsibles, responsible_labels, who)));
            /* the print view speaks to the client */
            const char *you;
            if (who && strcmp(who, "client") == 0)
                you = http_tr(req, "You");
            else if (who && strcmp(who, "case_manager") == 0)
                you = cm_name ? arena_printf(&req->arena, "%s (%s)",
                                             http_tr(req, "Your case manager"), cm_name)
                              : http_tr(req, "Your case manager");
            else
                you = jstr(s, "partner") ? jstr(s, "partner") : http_tr(req, "Network partner");
            json_object_set_new(s, "who_client", json_string(you));
            web_de_date(s, "due");
            if (st && strcmp(st, "dropped") != 0)
                json_array_append(shown, s);
        }
        json_object_set_new(g, "client_steps", shown);
        json_object_set_new(g, "has_client_steps", json_boolean(json_array_size(shown) > 0));
    }
    json_object_set_new(plan, "open_steps", json_integer(open_steps));
}

static void
decorate_versions(struct request *req, json_t *versions, int64_t shown)
{
    size_t i;
    json_t *v;
    json_array_foreach(versions, i, v)
    {
        web_de_date(v, "agreed_on");
        web_de_date(v, "review_due");
        const char *outcome = jstr(v, "review_outcome");
        json_object_set_new(
            v, "outcome_label",
            json_string(outcome ? label_of(req, plan_review_outcomes, outcome_labels, outcome)
                                : http_tr(req, "First plan")));
        json_object_set_new(
            v, "is_shown",
            json_boolean(json_integer_value(json_object_get(v, "version")) == shown));
    }
}

/* ?version=N: 0 (the current one) when absent, -1 when malformed. */
static int64_t
version_param(struct request *req)
{
    const char *s = http_query(req, "version");
    if (!s || !s[0])
        return 0;
    char *end;
    long v = strtol(s, &end, 10);
    return (*end || v < 1 || v > 100000) ? -1 : (int64_t)v;
}

static enum http_result
plan_page(struct request *req, bool print)
{
    int64_t version = print ? 0 : version_param(req);
    struct problem pb = PROBLEM_INIT;
    if (version < 0) {
        problem_set(&pb, CORE_NOT_FOUND, NULL, "No such plan version.");
        return reply_problem(req, &pb);
    }
    json_t *v = NULL;
    if (plans_page(&req->core, req->args[0], version, print ? "plan.print" : "plan.read", &v,
                   &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *c = json_object_get(v, "case");
    json_t *plan = json_object_get(v, "plan");
    bool active = strcmp(jstr(c, "status"), "active") == 0;
    bool has_plan = json_is_object(plan);
    bool current = has_plan && json_is_true(json_object_get(plan, "is_current"));
    const char *cm_name = jstr(c, "case_manager_name");
    json_object_set_new(v, "title", json_string(http_tr(req, "Cooperation plan")));
    json_object_set_new(v, "case_name",
                        json_string(arena_printf(&req->arena, "%s %s", jstr(c, "first_name"),
                                                 jstr(c, "last_name"))));
    json_object_set_new(v, "has_plan", json_boolean(has_plan));
    json_object_set_new(v, "is_active", json_boolean(active));
    json_object_set_new(v, "viewing_old", json_boolean(has_plan && !current));
    json_object_set_new(v, "has_versions",
                        json_boolean(json_array_size(json_object_get(v, "versions")) > 1));
    if (has_plan) {
        decorate_plan(req, plan, jstr(v, "today"), cm_name, active && current);
        decorate_versions(req, json_object_get(v, "versions"),
                          json_integer_value(json_object_get(plan, "version")));
    }
    web_de_date(v, "today");
    return reply_page(req, 200, print ? "plan_print.html" : "plan.html", v);
}

enum http_result
web_plan_show(struct request *req)
{
    return plan_page(req, false);
}

enum http_result
web_plan_print(struct request *req)
{
    return plan_page(req, true);
}

/* ---- the form: slots ---- */

struct step_slot {
    const char *title, *responsible, *partner, *due;
};

struct goal_slot {
    const char *kind, *title;
    struct step_slot steps[STEP_SLOTS];
    int n_steps;
};

struct slots {
    const char *agreed_on, *review_due, *review_outcome;
    bool reviewing; /* a plan exists: this is a review with an outcome */
    struct goal_slot goals[GOAL_SLOTS];
    int n_goals;
    /* which slot each element of the JSON body came from */
    int goal_of[GOAL_SLOTS];
    int step_of[GOAL_SLOTS][STEP_SLOTS];
};

static bool
blank(const char *s)
{
    if (!s)
        return true;
    for (; *s; s++)
        if (*s != ' ' && *s != '\t')
            return false;
    return true;
}

static bool
step_empty(const struct step_slot *s)
{
    return blank(s->title) && blank(s->partner) && blank(s->due);
}

static bool
goal_empty(const struct goal_slot *g)
{
    if (!blank(g->title))
        return false;
    for (int j = 0; j < g->n_steps; j++)
        if (!step_empty(&g->steps[j]))
            return false;
    return true;
}

/* The slots of a typed form. Names outside the slots are ignored. */
static void
slots_from_form(struct slots *s, json_t *form)
{
    s->agreed_on = jstr(form, "agreed_on");
    s->review_due = jstr(form, "review_due");
    s->review_outcome = jstr(form, "review_outcome");
    s->reviewing = jstr(form, "reviewing") != NULL;
    const char *key;
    json_t *val;
    json_object_foreach(form, key, val)
    {
        const char *text = json_string_value(val);
        int gi, sj, n = 0;
        char leaf[16];
        if (sscanf(key, "g%d_s%d_%15[a-z]%n", &gi, &sj, leaf, &n) == 3 && !key[n]) {
            if (gi < 0 || gi >= GOAL_SLOTS || sj < 0 || sj >= STEP_SLOTS)
                continue;
            struct goal_slot *g = &s->goals[gi];
            struct step_slot *st = &g->steps[sj];
            if (strcmp(leaf, "title") == 0)
                st->title = text;
            else if (strcmp(leaf, "responsible") == 0)
                st->responsible = text;
            else if (strcmp(leaf, "partner") == 0)
                st->partner = text;
            else if (strcmp(leaf, "due") == 0)
                st->due = text;
            else
                continue;
            if (sj + 1 > g->n_steps)
                g->n_steps = sj + 1;
            if (gi + 1 > s->n_goals)
                s->n_goals = gi + 1;
        } else if (sscanf(key, "g%d_%15[a-z]%n", &gi, leaf, &n) == 2 && !key[n]) {
            if (gi < 0 || gi >= GOAL_SLOTS)
                continue;
            if (strcmp(leaf, "title") == 0)
                s->goals[gi].title = text;
            else if (strcmp(leaf, "kind") == 0)
                s->goals[gi].kind = text;
            else
                continue;
            if (gi + 1 > s->n_goals)
                s->n_goals = gi + 1;
        }
    }
}

/* The slots of the current version VIEW (a plan view or null): its goals
 * with their open steps; done and dropped steps stay in the old version. */
static void
slots_from_plan(struct request *req, struct slots *s, const json_t *plan)
{
    char today[11];
    date_format_de(date_today_berlin((time_t)(req->core.now_us / 1000000)), today);
    s->agreed_on = arena_strdup(&req->arena, today);
    s->reviewing = json_is_object(plan);
    s->review_outcome = s->reviewing ? "changed" : NULL;
    size_t i, j;
    json_t *g, *st;
    json_array_foreach(json_object_get(plan, "goals"), i, g)
    {
        if (s->n_goals == GOAL_SLOTS)
            break;
        struct goal_slot *slot = &s->goals[s->n_goals];
        json_array_foreach(json_object_get(g, "steps"), j, st)
        {
            if (slot->n_steps == STEP_SLOTS || strcmp(jstr(st, "status"), "open") != 0)
                continue;
            struct step_slot *ss = &slot->steps[slot->n_steps++];
            ss->title = jstr(st, "title");
            ss->responsible = jstr(st, "responsible");
            ss->partner = jstr(st, "partner");
            struct date d;
            char de[11] = "";
            if (date_parse(jstr(st, "due"), &d))
                date_format_de(d, de);
            ss->due = arena_strdup(&req->arena, de);
        }
        if (slot->n_steps == 0)
            continue; /* a goal with nothing left to do is not carried over */
        slot->kind = jstr(g, "kind");
        slot->title = jstr(g, "title");
        s->n_goals++;
    }
}

/* Room to type: two more step rows per goal, and one more empty goal. */
static void
slots_grow(struct slots *s)
{
    bool empty_goal = false;
    for (int i = 0; i < s->n_goals; i++)
        empty_goal = empty_goal || goal_empty(&s->goals[i]);
    if (!empty_goal && s->n_goals < GOAL_SLOTS)
        s->n_goals++;
    for (int i = 0; i < s->n_goals; i++) {
        struct goal_slot *g = &s->goals[i];
        g->n_steps = g->n_steps + 2 > STEP_SLOTS ? STEP_SLOTS : g->n_steps + 2;
    }
}

/* A typed German date as ISO when it parses, else as typed (validation reports it). */
static json_t *
date_json(const char *typed)
{
    struct date d;
    if (date_parse_de(typed, &d)) {
        char iso[11];
        date_format(d, iso);
        return json_string(iso);
    }
    return json_string(typed);
}

static void
set_text(json_t *obj, const char *key, const char *typed)
{
    if (!blank(typed))
        json_object_set_new(obj, key, json_string(typed));
}

/* The API's JSON body from the slots; empty slots are skipped. */
static json_t *
slots_body(struct slots *s)
{
    json_t *b = json_object();
    if (!blank(s->agreed_on))
        json_object_set_new(b, "agreed_on", date_json(s->agreed_on));
    if (!blank(s->review_due))
        json_object_set_new(b, "review_due", date_json(s->review_due));
    if (s->reviewing)
        set_text(b, "review_outcome", s->review_outcome);
    json_t *goals = json_array();
    for (int i = 0; i < s->n_goals; i++) {
        struct goal_slot *g = &s->goals[i];
        if (goal_empty(g))
            continue;
        s->goal_of[json_array_size(goals)] = i;
        json_t *gj = json_object();
        set_text(gj, "kind", g->kind);
        set_text(gj, "title", g->title);
        json_t *steps = json_array();
        for (int j = 0; j < g->n_steps; j++) {
            struct step_slot *st = &g->steps[j];
            if (step_empty(st))
                continue;
            s->step_of[json_array_size(goals)][json_array_size(steps)] = j;
            json_t *sj = json_object();
            set_text(sj, "title", st->title);
            set_text(sj, "responsible", st->responsible ? st->responsible : "client");
            set_text(sj, "partner", st->partner);
            if (!blank(st->due))
                json_object_set_new(sj, "due", date_json(st->due));
            json_array_append_new(steps, sj);
        }
        json_object_set_new(gj, "steps", steps);
        json_array_append_new(goals, gj);
    }
    json_object_set_new(b, "goals", goals);
    return b;
}

/* Error messages by element id ("agreed_on", "g0_title", "g1_s2_due",
 * "g0_steps", "goals") and the summary list, from PB's JSON paths. */
static void
map_errors(struct request *req, const struct slots *s, const struct problem *pb, json_t *errors,
           json_t *list)
{
    for (const struct field_error *e = pb->errors; e; e = e->next) {
        size_t gi, sj;
        int n = 0;
        char leaf[32];
        const char *anchor, *label;
        if (sscanf(e->field, "goals[%zu].steps[%zu].%31[a-z_]%n", &gi, &sj, leaf, &n) == 3 &&
            !e->field[n] && gi < GOAL_SLOTS && sj < STEP_SLOTS) {
            int g = s->goal_of[gi], st = s->step_of[gi][sj];
            anchor = arena_printf(&req->arena, "g%d_s%d_%s", g, st, leaf);
            label = arena_printf(&req->arena, "%s %d, %s %d: %s", http_tr(req, "Goal"), g + 1,
                                 http_tr(req, "Step"), st + 1,
                                 http_tr(req, arena_printf(&req->arena, "goals.steps.%s", leaf)));
        } else if (sscanf(e->field, "goals[%zu].%31[a-z_]%n", &gi, leaf, &n) == 2 && !e->field[n] &&
                   gi < GOAL_SLOTS) {
            int g = s->goal_of[gi];
            anchor = arena_printf(&req->arena, "g%d_%s", g, leaf);
            label = arena_printf(&req->arena, "%s %d: %s", http_tr(req, "Goal"), g + 1,
                                 http_tr(req, arena_printf(&req->arena, "goals.%s", leaf)));
        } else if (strncmp(e->field, "goals", 5) == 0) {
            anchor = "goals";
            label = http_tr(req, "goals");
        } else {
            anchor = e->field;
            label = http_tr(req, e->field);
        }
        const char *msg = http_tr(req, e->message);
        if (!json_object_get(errors, anchor))
            json_object_set_new(errors, anchor, json_string(msg));
        json_t *item = json_object();
        json_object_set_new(item, "anchor", json_string(anchor));
        json_object_set_new(item, "label", json_string(label));
        json_object_set_new(item, "message", json_string(msg));
        json_array_append_new(list, item);
    }
    if (!pb->errors && pb->detail) {
        json_t *item = json_object();
        json_object_set_new(item, "anchor", json_string("main"));
        json_object_set_new(item, "label", json_string(""));
        json_object_set_new(item, "message", json_string(http_tr(req, pb->detail)));
        json_array_append_new(list, item);
    }
}

/* The message for element ID, or null. */
static json_t *
error_of(json_t *errors, const char *id)
{
    json_t *m = json_object_get(errors, id);
    return m ? json_incref(m) : json_null();
}

/* The form page's view from the slots (and errors, when PB is given). */
static json_t *
form_view(struct request *req, const char *case_id, const struct slots *s, const struct problem *pb)
{
    json_t *errors = json_object(), *list = json_array();
    if (pb)
        map_errors(req, s, pb, errors, list);
    json_t *v = json_object();
    json_object_set_new(v, "title",
                        json_string(http_tr(req, s->reviewing ? "New version of the plan"
                                                              : "Agree a cooperation plan")));
    json_object_set_new(v, "case_id", json_string(case_id));
    json_object_set_new(v, "reviewing", json_boolean(s->reviewing));
    json_object_set_new(v, "agreed_on", json_string(s->agreed_on ? s->agreed_on : ""));
    json_object_set_new(v, "review_due", json_string(s->review_due ? s->review_due : ""));
    json_object_set_new(v, "outcome_options",
                        options(req, plan_review_outcomes, outcome_labels, s->review_outcome));
    json_t *goals = json_array();
    for (int i = 0; i < s->n_goals; i++) {
        const struct goal_slot *g = &s->goals[i];
        json_t *gv = json_object();
        json_object_set_new(gv, "gi", json_integer(i));
        json_object_set_new(gv, "number", json_integer(i + 1));
        json_object_set_new(gv, "title", json_string(g->title ? g->title : ""));
        json_object_set_new(gv, "kind_options",
                            options(req, plan_goal_kinds, kind_labels, g->kind ? g->kind : "job"));
        json_object_set_new(gv, "error_title",
                            error_of(errors, arena_printf(&req->arena, "g%d_title", i)));
        json_object_set_new(gv, "error_kind",
                            error_of(errors, arena_printf(&req->arena, "g%d_kind", i)));
        json_object_set_new(gv, "error_steps",
                            error_of(errors, arena_printf(&req->arena, "g%d_steps", i)));
        json_t *steps = json_array();
        for (int j = 0; j < g->n_steps; j++) {
            const struct step_slot *st = &g->steps[j];
            json_t *sv = json_object();
            json_object_set_new(sv, "gi", json_integer(i));
            json_object_set_new(sv, "si", json_integer(j));
            json_object_set_new(sv, "number", json_integer(j + 1));
            json_object_set_new(sv, "title", json_string(st->title ? st->title : ""));
            json_object_set_new(sv, "partner", json_string(st->partner ? st->partner : ""));
            json_object_set_new(sv, "due", json_string(st->due ? st->due : ""));
            json_object_set_new(sv, "responsible_options",
                                options(req, plan_responsibles, responsible_labels,
                                        st->responsible ? st->responsible : "client"));
            static const char *const leaves[] = { "title", "responsible", "partner", "due", NULL };
            for (const char *const *l = leaves; *l; l++) {
                const char *id = arena_printf(&req->arena, "g%d_s%d_%s", i, j, *l);
                json_object_set_new(sv, arena_printf(&req->arena, "error_%s", *l),
                                    error_of(errors, id));
            }
            json_array_append_new(steps, sv);
        }
        json_object_set_new(gv, "steps", steps);
        json_array_append_new(goals, gv);
    }
    json_object_set_new(v, "goals", goals);
    json_object_set_new(v, "errors", errors);
    json_object_set_new(v, "error_list", list);
    json_object_set_new(v, "has_errors", json_boolean(json_array_size(list) > 0));
    return v;
}

enum http_result
web_plan_form(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *page = NULL;
    if (plans_page(&req->core, req->args[0], 0, "plan.read", &page, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    const char *status = jstr(json_object_get(page, "case"), "status");
    if (strcmp(status, "active") != 0) {
        json_decref(page);
        problem_set(&pb, CORE_CONFLICT,
                    strcmp(status, "closed") == 0 ? "case_closed" : "case_not_active",
                    "A plan can be agreed only while the case is active.");
        return reply_problem(req, &pb);
    }
    struct slots *s = arena_alloc(&req->arena, sizeof *s);
    slots_from_plan(req, s, json_object_get(page, "plan"));
    slots_grow(s);
    json_t *v = form_view(req, req->args[0], s, NULL);
    json_decref(page); /* the slots borrow from it: keep it as long as the view is built */
    return reply_page(req, 200, "plan_form.html", v);
}

struct plan_post {
    struct plan_input in;
    struct slots *slots;
    const char *case_id;
    json_t *body; /* the JSON the input borrows from */
    json_t *view;
    struct problem pb;
};

static enum core_result
plan_post_run(struct core_ctx *ctx, void *arg)
{
    struct plan_post *p = arg;
    return plans_create(ctx, p->case_id, &p->in, &p->view, &p->pb);
}

static enum http_result
plan_post_done(struct request *req)
{
    struct plan_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, arena_printf(&req->arena, "/cases/%s/plan", p->case_id));
    if (p->pb.result == CORE_INVALID)
        return reply_page(req, 422, "plan_form.html", form_view(req, p->case_id, p->slots, &p->pb));
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_plan_create(struct request *req)
{
    struct plan_post *p = arena_alloc(&req->arena, sizeof *p);
    p->case_id = req->args[0];
    p->slots = arena_alloc(&req->arena, sizeof *p->slots);
    slots_from_form(p->slots, req->form); /* strings borrow from req->form */
    if (http_form(req, "more")) {
        slots_grow(p->slots);
        return reply_page(req, 200, "plan_form.html", form_view(req, p->case_id, p->slots, NULL));
    }
    p->body = slots_body(p->slots);
    json_object_set_new(req->form, "__body", p->body); /* lives as long as the request */
    if (plans_read(p->body, &p->in, &req->arena, &p->pb) == CORE_BAD_REQUEST)
        return reply_page(req, 400, "plan_form.html", form_view(req, p->case_id, p->slots, &p->pb));
    /* format errors go along: the service adds its rule errors, one page lists all */
    return http_write(req, plan_post_run, p, plan_post_done);
}

/* ---- a step's status ---- */

struct step_post {
    struct plan_step_update in;
    const char *id;
    json_t *view;
    struct problem pb;
};

static enum core_result
step_post_run(struct core_ctx *ctx, void *arg)
{
    struct step_post *p = arg;
    return plans_step_update(ctx, p->id, &p->in, &p->view, &p->pb);
}

static enum http_result
step_post_done(struct request *req)
{
    struct step_post *p = req->deferred_arg;
    if (req->deferred_result == CORE_OK) {
        const char *case_id = arena_strdup(&req->arena, jstr(p->view, "case_id"));
        json_decref(p->view);
        return reply_redirect(req, arena_printf(&req->arena, "/cases/%s/plan", case_id));
    }
    json_decref(p->view);
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_plan_step_update(struct request *req)
{
    struct step_post *p = arena_alloc(&req->arena, sizeof *p);
    p->id = req->args[0];
    json_t *fields = json_object();
    const char *status = http_form(req, "status"), *note = http_form(req, "note");
    if (status)
        json_object_set_new(fields, "status", json_string(status));
    if (note && note[0])
        json_object_set_new(fields, "note", json_string(note));
    json_object_set_new(req->form, "__fields", fields); /* lives as long as the request */
    if (input_read(fields, plan_step_update_fields, &p->in, &req->arena, &p->pb) != CORE_OK)
        return reply_problem(req, &p->pb);
    return http_write(req, step_post_run, p, step_post_done);
}
