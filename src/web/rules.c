/* web/rules.c — the deadline rules of the Jobcenter: every rule with its
 * mark (law or local policy) and source; an admin changes the local ones. */
#include <stdlib.h>
#include <string.h>

#include "core/deadlines.h"
#include "web/web.h"

static enum http_result
rules_page(struct request *req, const char *form_key, const char *typed,
           const struct problem *form_pb, unsigned status)
{
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    if (rules_get(&req->core, &v, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    bool admin = (req->actor.roles & ROLE_ADMIN) != 0;
    size_t i;
    json_t *r;
    json_array_foreach(json_object_get(v, "items"), i, r)
    {
        const char *key = json_string_value(json_object_get(r, "key"));
        json_object_set_new(r, "label",
                            json_string(http_tr(req, arena_printf(&req->arena, "rule.%s", key))));
        json_object_set_new(
            r, "mark_label",
            json_string(http_tr(req, arena_printf(&req->arena, "mark.%s",
                                                  json_string_value(json_object_get(r, "mark"))))));
        json_object_set_new(r, "editable",
                            json_boolean(admin && json_is_true(json_object_get(r, "local"))));
        if (form_key && strcmp(form_key, key) == 0) {
            json_object_set_new(r, "typed", json_string(typed ? typed : ""));
            if (form_pb) {
                json_t *tmp = json_object();
                web_view_errors(req, tmp, form_pb);
                json_object_set(r, "error",
                                json_object_get(json_object_get(tmp, "errors"), "value"));
                json_decref(tmp);
            }
        }
    }
    if (form_pb) {
        web_view_errors(req, v, form_pb);
        size_t k;
        json_t *item;
        json_array_foreach(json_object_get(v, "error_list"), k, item) json_object_set_new(
            item, "anchor", json_string(arena_printf(&req->arena, "value-%s", form_key)));
    }
    json_object_set_new(v, "title", json_string(http_tr(req, "Deadline rules")));
    return reply_page(req, status, "rules.html", v);
}

enum http_result
web_rules(struct request *req)
{
    return rules_page(req, NULL, NULL, NULL, 200);
}

struct rule_post {
    struct rule_value_input in;
    const char *key, *typed;
    json_t *view;
    struct problem pb;
};

static enum core_result
rule_run(struct core_ctx *ctx, void *arg)
{
    struct rule_post *p = arg;
    return rules_set(ctx, p->key, &p->in, &p->view, &p->pb);
}

static enum http_result
rule_done(struct request *req)
{
    struct rule_post *p = req->deferred_arg;
    json_decref(p->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, "/rules");
    if (p->pb.result == CORE_INVALID)
        return rules_page(req, p->key, p->typed, &p->pb, 422);
    if (p->pb.result == CORE_OK)
        problem_set(&p->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &p->pb);
}

enum http_result
web_rule_set(struct request *req)
{
    struct rule_post *p = arena_alloc(&req->arena, sizeof *p);
    p->key = req->args[0];
    const char *s = http_form(req, "value");
    p->typed = s ? arena_strdup(&req->arena, s) : "";
    char *end = NULL;
    long v = s ? strtol(s, &end, 10) : 0;
    if (!s || !s[0] || *end) {
        problem_field(&p->pb, &req->arena, "value", "must be a whole number");
        p->in.value = -1;
    } else {
        p->in.value = (double)v;
    }
    return http_write(req, rule_run, p, rule_done);
}
