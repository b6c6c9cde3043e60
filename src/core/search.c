/* core/search.c — finding one's own clients; see search.h. */
#include "core/search.h"

#include <ctype.h>
#include <string.h>

#include "core/audit.h"
#include "core/deadlines.h"
#include "core/input.h"
#include "store/queries.h"
#include "util/buf.h"

struct found {
    struct search_row r;
    json_t *items;
    bool deputy;
    char *user_id;
    char *users[17];
    size_t n_users;
};

static bool
found_row(void *user)
{
    struct found *f = user;
    if (json_array_size(f->items) >= SEARCH_LIMIT)
        return false;
    json_t *o = json_object(), *c = json_object();
    json_object_set_new(o, "case_id", json_string(f->r.case_id));
    json_object_set_new(o, "status", json_string(f->r.status));
    json_object_set_new(o, "deputy", json_boolean(f->deputy));
    json_object_set_new(c, "id", json_string(f->r.client_id));
    json_object_set_new(c, "first_name", json_string(f->r.first_name));
    json_object_set_new(c, "last_name", json_string(f->r.last_name));
    json_object_set_new(c, "customer_number", json_string(f->r.customer_number));
    json_object_set_new(c, "birth_date", json_string(f->r.birth_date));
    json_object_set_new(o, "client", c);
    json_array_append_new(f->items, o);
    return true;
}

static bool
user_row(void *user)
{
    struct found *f = user;
    if (f->n_users < 16)
        f->users[1 + f->n_users++] = f->user_id;
    return true;
}

enum core_result
search_clients(struct core_ctx *ctx, const char *q, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & ROLE_CASE_MANAGER))
        return problem_set(pb, CORE_FORBIDDEN, NULL, "Only case managers search their clients.");
    /* one or two words */
    char *words[3] = { NULL, NULL, NULL };
    int n = 0;
    if (q && utf8_length(q) <= 80) {
        char *copy = arena_strdup(ctx->arena, q), *save = NULL;
        for (char *s = strtok_r(copy, " \t", &save); s && n < 3; s = strtok_r(NULL, " \t", &save))
            words[n++] = s;
    }
    if (n == 0 || n > 2) {
        problem_field(pb, ctx->arena, "q",
                      "must be the beginning of a name (one or two words, at most 80 "
                      "characters) or of a customer number");
        return CORE_INVALID;
    }
    struct found f = { .items = json_array() };
    f.users[0] = (char *)a->id;
    char today[11];
    date_format(deadline_today(ctx), today);
    enum db_status st =
        db_deputised_users(ctx->db, a->jobcenter_id, a->id, today, &f.user_id, user_row, &f);
    for (size_t i = 0; st >= 0 && i <= f.n_users; i++) {
        f.deputy = i > 0;
        st = db_client_search(ctx->db, a->jobcenter_id, f.users[i], words[0], words[1],
                              SEARCH_LIMIT + 1, &f.r, found_row, &f);
    }
    if (st < 0) {
        json_decref(f.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    size_t count = json_array_size(f.items);
    json_object_set_new(v, "items", f.items);
    /* the search words are names: they stay out of the audit trail; the cases found are
       named, with deputy as the ground only when a deputised case was among them */
    struct buf ids = BUF_INIT;
    bool deputy = false;
    for (size_t i = 0; i < count; i++) {
        json_t *it = json_array_get(f.items, i);
        deputy = deputy || json_is_true(json_object_get(it, "deputy"));
        buf_printf(&ids, "%s%s", i ? "," : "", json_string_value(json_object_get(it, "case_id")));
    }
    const struct audit_entry e = { "client.search",
                                   "client_list",
                                   NULL,
                                   NULL,
                                   NULL,
                                   deputy ? PURPOSE_DEPUTY : PURPOSE_OWN_CASE,
                                   arena_printf(ctx->arena, "%zu results: %s", count,
                                                buf_cstr(&ids)) };
    enum core_result ar = audit_record(ctx, &e);
    buf_free(&ids);
    if (ar != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}
