/* web/common.c — form helpers shared by the pages; see web.h. */
#include <string.h>

#include "core/core.h"
#include "util/date.h"
#include "web/web.h"

static json_t *
lookup_parent(json_t *form, const char *dotted, const char **leaf)
{
    const char *dot = strchr(dotted, '.');
    if (!dot) {
        *leaf = dotted;
        return form;
    }
    char head[64];
    size_t n = (size_t)(dot - dotted);
    if (n >= sizeof head)
        return NULL;
    memcpy(head, dotted, n);
    head[n] = '\0';
    json_t *sub = json_object_get(form, head);
    return json_is_object(sub) ? lookup_parent(sub, dot + 1, leaf) : NULL;
}

void
web_form_date(json_t *form, const char *dotted_name)
{
    const char *leaf;
    json_t *parent = lookup_parent(form, dotted_name, &leaf);
    json_t *v = parent ? json_object_get(parent, leaf) : NULL;
    if (!json_is_string(v))
        return;
    struct date d;
    const char *s = json_string_value(v);
    if (date_parse_de(s, &d)) {
        char iso[11];
        date_format(d, iso);
        json_object_set_new(parent, leaf, json_string(iso));
    }
}

void
web_de_date(json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);
    struct date d;
    if (json_is_string(v) && date_parse(json_string_value(v), &d)) {
        char s[11];
        date_format_de(d, s);
        json_object_set_new(obj, key, json_string(s));
    }
}

const char *
web_return_to(struct request *req, const char *want, const char *case_id)
{
    if (!want)
        return NULL;
    if (strcmp(want, "/") == 0)
        return "/";
    if (case_id && strncmp(want, "/cases/", 7) == 0 && strcmp(want + 7, case_id) == 0)
        return arena_strdup(&req->arena, want);
    return NULL;
}

void
web_form_drop_empty(json_t *form)
{
    const char *key;
    json_t *v;
    void *tmp;
    json_object_foreach_safe(form, tmp, key, v)
    {
        if (json_is_string(v) && json_string_length(v) == 0)
            json_object_del(form, key);
        else if (json_is_object(v))
            web_form_drop_empty(v);
    }
}

void
web_view_errors(struct request *req, json_t *view, const struct problem *pb)
{
    json_t *map = json_object(), *list = json_array();
    for (const struct field_error *e = pb->errors; e; e = e->next) {
        char key[128];
        size_t i = 0;
        for (; e->field[i] && i < sizeof key - 1; i++)
            key[i] = e->field[i] == '.' ? '_' : e->field[i];
        key[i] = '\0';
        const char *msg = http_tr(req, e->message);
        if (!json_object_get(map, key))
            json_object_set_new(map, key, json_string(msg));
        json_t *item = json_object();
        json_object_set_new(item, "anchor", json_string(key));
        json_object_set_new(item, "label", json_string(http_tr(req, e->field)));
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
    json_object_set_new(view, "errors", map);
    json_object_set_new(view, "error_list", list);
    json_object_set_new(view, "has_errors", json_boolean(json_array_size(list) > 0));
}

enum http_result
web_problem(struct request *req, const struct problem *pb)
{
    return reply_problem(req, pb);
}
