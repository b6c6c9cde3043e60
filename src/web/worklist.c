/* web/worklist.c — the start page: what is due, each row with the one
 * action that settles it. Roles without a caseload get the case list. */
#include <stdlib.h>
#include <string.h>

#include "core/search.h"
#include "core/worklist.h"
#include "util/date.h"
#include "web/web.h"

struct action {
    const char *kind, *label, *what, *href; /* href: printf pattern over case id or object id */
    bool on_object;
};

/* What is due, the label of the button, and where it goes. */
static const struct action actions[] = {
    { "activation", "Activate", "Referral waits for the first meeting", "/cases/%s", false },
    { "appointment", "View", "Appointment", "/appointments/%s?return=/", true },
    { "attendance", "Document", "Appointment took place", NULL, false },
    { "review", "Review", "Continuation review due", "/cases/%s/review?return=/", false },
    { "plan_review", "Review plan", "Plan review due", "/cases/%s/plan/new", false },
    { "plan_missing", "Agree plan", "No cooperation plan yet", "/cases/%s/plan/new", false },
    { "step", "Update step", "Plan step due", "/cases/%s/plan", false },
    { "limit", "Decide", "Maximum duration reached", "/cases/%s/review?return=/", false },
    { "unreached", "Try to reach", "Client not reached", "/cases/%s/notes/new?return=/", false },
    { "closure", "Close case", "Closure decided in the review", "/cases/%s/close", false },
    { NULL, NULL, NULL, NULL, false },
};

/* What the start page says after a form that came from it was saved. */
static const char *const saved_messages[][2] = {
    { "note", "The contact note is saved." },
    { "attendance", "The attendance is recorded." },
    { "review", "The continuation review is recorded." },
    { NULL, NULL },
};

/* The texts of one kind, translated once per page. */
struct labels {
    json_t *label, *what;
};

/* The view of one row: due, client, what, and the action that settles it. */
static json_t *
row_view(struct request *req, const struct worklist_item *it, struct labels *labels,
         json_t **client, const char **client_case, json_t *second_label)
{
    const struct action *a = actions;
    while (a->kind && strcmp(a->kind, it->kind) != 0)
        a++;
    if (!a->kind)
        return NULL;
    struct labels *l = &labels[a - actions];
    if (!l->label) {
        l->label = json_string(http_tr(req, a->label));
        l->what = json_string(http_tr(req, a->what));
    }
    if (!*client_case || strcmp(*client_case, it->case_id) != 0) {
        json_decref(*client);
        *client = json_object();
        json_object_set_new_nocheck(*client, "first_name", json_string(it->first_name));
        json_object_set_new_nocheck(*client, "last_name", json_string(it->last_name));
        json_object_set_new_nocheck(*client, "customer_number", json_string(it->customer_number));
        *client_case = it->case_id;
    }
    json_t *o = json_object();
    struct date d;
    char due[11] = "";
    if (date_parse(it->due, &d))
        date_format_de(d, due);
    json_object_set_new_nocheck(o, "due_de", json_string_nocheck(due));
    json_object_set_new_nocheck(o, "case_id", json_string_nocheck(it->case_id));
    json_object_set_new_nocheck(o, "client", json_incref(*client));
    if (it->deputy)
        json_object_set_new_nocheck(o, "deputy", json_true());
    json_object_set_new_nocheck(o, "what", json_incref(l->what));
    json_object_set_new_nocheck(o, "action_label", json_incref(l->label));
    /* ids are plain ASCII (util/id.h): the links need no UTF-8 check */
    char href[160];
    int n;
    if (strcmp(it->kind, "attendance") == 0) {
        /* documenting the consultation settles the attendance; a no-show is recorded on the
           appointment */
        n = snprintf(href, sizeof href, "/cases/%s/notes/new?appointment=%s&return=/", it->case_id,
                     it->object_id);
        char second[96];
        int m = snprintf(second, sizeof second, "/appointments/%s?return=/", it->object_id);
        json_object_set_new_nocheck(o, "second_href",
                                    m > 0 && (size_t)m < sizeof second
                                        ? json_stringn_nocheck(second, (size_t)m)
                                        : json_string(""));
        json_object_set_new_nocheck(o, "second_label", json_incref(second_label));
    } else {
        n = snprintf(href, sizeof href, a->href, a->on_object ? it->object_id : it->case_id);
    }
    json_object_set_new_nocheck(
        o, "href",
        n > 0 && (size_t)n < sizeof href ? json_stringn_nocheck(href, (size_t)n) : json_string(""));
    if (it->start_at) {
        struct date day;
        int h, m;
        instant_berlin_parts(it->start_at / 1000000, &day, &h, &m);
        json_object_set_new_nocheck(
            o, "detail",
            json_string(arena_printf(&req->arena, "%02d:%02d %s", h, m, http_tr(req, "o'clock"))));
    } else if (it->title) {
        json_object_set_new_nocheck(o, "detail", json_string(it->title));
    }
    return o;
}

enum http_result
web_worklist(struct request *req)
{
    if (!(req->actor.roles & ROLE_CASE_MANAGER))
        return web_home(req);
    int days = WORKLIST_DAYS_DEFAULT;
    const char *q = http_query(req, "days");
    if (q) {
        char *end;
        long v = strtol(q, &end, 10);
        days = !q[0] || *end || v < 0 || v > WORKLIST_DAYS_MAX ? -1 : (int)v;
    }
    struct problem pb = PROBLEM_INIT;
    struct worklist wl;
    if (worklist_read(&req->core, days, &wl, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    /* what is due from today on comes first; what is overdue in a table of its own below */
    json_t *v = json_object(), *current = json_array(), *overdue = json_array();
    struct labels labels[sizeof actions / sizeof *actions] = { { NULL, NULL } };
    json_t *client = NULL, *second_label = json_string(http_tr(req, "Not attended or cancelled"));
    const char *client_case = NULL;
    for (size_t i = 0; i < wl.n; i++) {
        json_t *row = row_view(req, &wl.items[i], labels, &client, &client_case, second_label);
        if (row)
            json_array_append_new(wl.items[i].overdue ? overdue : current, row);
    }
    json_decref(client);
    json_decref(second_label);
    for (size_t k = 0; k < sizeof labels / sizeof *labels; k++) {
        json_decref(labels[k].label);
        json_decref(labels[k].what);
    }
    json_object_set_new(v, "title", json_string(http_tr(req, "Due now")));
    json_object_set_new(v, "has_current", json_boolean(json_array_size(current)));
    json_object_set_new(v, "has_overdue", json_boolean(json_array_size(overdue)));
    json_object_set_new(v, "overdue_count", json_integer((json_int_t)json_array_size(overdue)));
    json_object_set_new(v, "due_items", current);
    json_object_set_new(v, "overdue_items", overdue);
    const char *saved = http_query(req, "saved");
    for (size_t k = 0; saved && saved_messages[k][0]; k++)
        if (strcmp(saved, saved_messages[k][0]) == 0)
            json_object_set_new(v, "saved", json_string(http_tr(req, saved_messages[k][1])));
    struct date until;
    if (date_parse(wl.until, &until)) {
        char s[11];
        date_format_de(until, s);
        json_object_set_new(v, "until_de", json_string(s));
    }
    static const int choices[] = { 0, 7, 14, 30 };
    json_t *fl = json_array();
    for (size_t k = 0; k < sizeof choices / sizeof *choices; k++) {
        json_t *o = json_object();
        json_object_set_new(o, "days", json_integer(choices[k]));
        json_object_set_new(o, "label",
                            json_string(http_tr(req, choices[k] == 0    ? "today"
                                                     : choices[k] == 7  ? "7 days"
                                                     : choices[k] == 14 ? "14 days"
                                                                        : "30 days")));
        json_object_set_new(o, "current", json_boolean(choices[k] == days));
        json_array_append_new(fl, o);
    }
    json_object_set_new(v, "filters", fl);
    return reply_page(req, 200, "worklist.html", v);
}

enum http_result
web_search(struct request *req)
{
    const char *q = http_query(req, "q");
    struct problem pb = PROBLEM_INIT;
    json_t *v = NULL;
    if (!q) {
        v = json_object(); /* the empty form */
        json_object_set_new(v, "items", json_array());
    } else if (search_clients(&req->core, q, &v, &pb) != CORE_OK) {
        if (pb.result != CORE_INVALID)
            return reply_problem(req, &pb);
        v = json_object();
        web_view_errors(req, v, &pb);
        json_object_set_new(v, "items", json_array());
    }
    size_t i;
    json_t *item;
    json_array_foreach(json_object_get(v, "items"), i, item)
    {
        json_t *c = json_object_get(item, "client");
        struct date d;
        if (date_parse(json_string_value(json_object_get(c, "birth_date")), &d)) {
            char s[11];
            date_format_de(d, s);
            json_object_set_new(c, "birth_date", json_string(s));
        }
        json_object_set_new(
            item, "status_label",
            json_string(http_tr(req, json_string_value(json_object_get(item, "status")))));
    }
    json_object_set_new(v, "title", json_string(http_tr(req, "Find a client")));
    json_object_set_new(v, "q", json_string(q ? q : ""));
    json_object_set_new(v, "searched", json_boolean(q != NULL));
    json_object_set_new(v, "has_items", json_boolean(json_array_size(json_object_get(v, "items"))));
    return reply_page(req, json_is_true(json_object_get(v, "has_errors")) ? 422 : 200,
                      "search.html", v);
}
