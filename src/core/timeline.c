/* core/timeline.c — a case's history and overview; see timeline.h. */
#include "core/timeline.h"

#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"

const char *const timeline_kinds[] = { "note",     "appointment", "plan", "assessment", "review",
                                       "transfer", "integration", "case", NULL };

struct tl {
    struct timeline_row r;
    json_t *items;
};

static bool
tl_row(void *user)
{
    struct tl *t = user;
    const struct timeline_row *r = &t->r;
    json_t *o = json_object();
    char at[21];
    instant_format_utc(r->at / 1000000, at);
    json_object_set_new(o, "at", json_string(at));
    json_object_set_new(o, "kind", json_string(r->kind));
    json_object_set_new(o, "id", json_string(r->id));
    json_object_set_new(o, "date", core_json_text(r->day));
    json_object_set_new(o, "by", core_json_text(r->by_name));
    const char *k = r->kind;
    if (strcmp(k, "note") == 0) {
        json_object_set_new(o, "channel", core_json_text(r->a));
        json_object_set_new(o, "note_kind", core_json_text(r->b));
        json_object_set_new(o, "text", core_json_text(r->c));
        json_object_set_new(o, "version", json_integer(r->n));
        json_object_set_new(o, "sensitive", json_boolean(r->flag));
    } else if (strcmp(k, "appointment") == 0) {
        json_object_set_new(o, "channel", core_json_text(r->a));
        json_object_set_new(o, "attendance", core_json_text(r->b));
        json_object_set_new(o, "topics", core_json_text(r->c));
        json_object_set_new(o, "minutes", json_integer(r->n));
        json_object_set_new(o, "legal_notice", json_boolean(r->flag));
    } else if (strcmp(k, "plan") == 0) {
        json_object_set_new(o, "review_due", core_json_text(r->b));
        json_object_set_new(o, "review_outcome", core_json_text(r->c));
        json_object_set_new(o, "version", json_integer(r->n));
        json_object_set_new(o, "goals", json_integer(r->flag));
    } else if (strcmp(k, "assessment") == 0) {
        json_object_set_new(o, "profile", core_json_text(r->a));
        json_object_set_new(o, "version", json_integer(r->n));
    } else if (strcmp(k, "review") == 0) {
        json_object_set_new(o, "decision", core_json_text(r->a));
        json_object_set_new(o, "next_review_due", core_json_text(r->b));
        json_object_set_new(o, "justification", core_json_text(r->c));
        json_object_set_new(o, "beyond_limit", json_boolean(r->flag));
    } else if (strcmp(k, "transfer") == 0) {
        json_object_set_new(o, "from", core_json_text(r->a));
        json_object_set_new(o, "to", core_json_text(r->b));
        json_object_set_new(o, "reason", core_json_text(r->c));
    } else if (strcmp(k, "case") == 0) {
        json_object_set_new(o, "event", core_json_text(r->a));
        json_object_set_new(o, "reason", core_json_text(r->b));
        json_object_set_new(o, "justification", core_json_text(r->c));
    } else if (strcmp(k, "integration") == 0) {
        json_object_set_new(o, "integration_kind", core_json_text(r->a));
        json_object_set_new(o, "subsidy", core_json_text(r->b));
    }
    json_array_append_new(t->items, o);
    return true;
}

static bool
kind_ok(const char *kind)
{
    if (!kind)
        return true;
    for (const char *const *k = timeline_kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return true;
    return false;
}

static json_t *
load(struct core_ctx *ctx, const struct case_ref *ref, const char *kind, int limit)
{
    struct tl t = { .items = json_array() };
    if (db_timeline(ctx->db, ref->row.jobcenter_id, ref->row.id, kind, limit, &t.r, tl_row, &t) <
        0) {
        json_decref(t.items);
        return NULL;
    }
    return t.items;
}

enum core_result
timeline_get(struct core_ctx *ctx, const char *case_id, const char *kind, int limit, json_t **view,
             struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    if (!kind_ok(kind)) {
        problem_field(pb, ctx->arena, "kind",
                      "must be note, appointment, plan, assessment, review, transfer, "
                      "integration or case");
        return CORE_INVALID;
    }
    json_t *items = load(ctx, &ref, kind, limit);
    if (!items)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    const struct audit_entry e = {
        "case.timeline", "case", ref.row.id, ref.row.id, ref.row.client_id, ref.grant.purpose, kind
    };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}

enum core_result
case_overview(struct core_ctx *ctx, const char *case_id, const char *kind, int limit, json_t **view,
              struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    if (!kind_ok(kind))
        kind = NULL; /* a page filter that is not one shows everything */
    json_t *items = load(ctx, &ref, kind, limit + 1); /* one more: are there older ones? */
    if (!items)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    bool more = json_array_size(items) > (size_t)limit;
    if (more)
        json_array_remove(items, (size_t)limit);
    json_t *v = json_object();
    json_object_set_new(v, "case", case_view(&ref.row));
    json_object_set_new(v, "timeline", items);
    json_object_set_new(v, "more", json_boolean(more));
    char today[11];
    date_format(ref.today, today);
    int64_t open = 0, overdue = 0;
    char *appt_id = NULL;
    int64_t appt_at = 0;
    enum db_status st =
        db_case_steps_open(ctx->db, ref.row.jobcenter_id, ref.row.id, today, &open, &overdue);
    if (st >= 0)
        st = db_next_appointment(ctx->db, ref.row.jobcenter_id, ref.row.id, ctx->now_us, &appt_id,
                                 &appt_at);
    if (st < 0) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_object_set_new(v, "open_steps", json_integer(open));
    json_object_set_new(v, "overdue_steps", json_integer(overdue));
    if (st == DB_ONE_ROW) {
        json_t *a = json_object();
        char at[21];
        instant_format_utc(appt_at / 1000000, at);
        json_object_set_new(a, "id", json_string(appt_id));
        json_object_set_new(a, "start", json_string(at));
        json_object_set_new(v, "next_appointment", a);
    }
    json_object_set_new(v, "deputy", json_boolean(strcmp(ref.grant.purpose, PURPOSE_DEPUTY) == 0));
    const struct audit_entry e = {
        "case.read", "case", ref.row.id, ref.row.id, ref.row.client_id, ref.grant.purpose, NULL
    };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}
