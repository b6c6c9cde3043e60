/* core/reviews.c — continuation reviews, integrations and closure; see reviews.h. */
#include "core/reviews.h"

#include <stdio.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/deadlines.h"

static const char *const decisions[] = { "continue", "close", NULL };
static const char *const kinds[] = { "employment", "apprenticeship", "self_employment", NULL };
static const char *const subsidies[] = { "none",           "integration_subsidy",
                                         "start_up_grant", "sgb2_16e",
                                         "sgb2_16i",       NULL };

/* Domain rules, section 11. */
const char *const closure_reasons[] = {
    "integrated_employment",
    "integrated_apprenticeship",
    "integrated_self_employment",
    "need_ended",
    "goals_reached",
    "declined",
    "consent_withdrawn",
    "no_contact",
    "moved",
    "not_employable",
    "pension",
    "long_absence",
    "max_duration",
    "death",
    "other",
    NULL,
};

const struct field review_fields[] = {
    { "date", F_DATE, offsetof(struct review_input, date), true, 0, NULL, NULL, 0, 0, NULL },
    { "decision", F_ENUM, offsetof(struct review_input, decision), true, 0, decisions, NULL, 0, 0,
      NULL },
    { "justification", F_TEXT, offsetof(struct review_input, justification), true, 4000, NULL, NULL,
      0, 0, NULL },
    FIELD_END,
};

#define IF(name, type, member, req, allowed)                                                       \
    {                                                                                              \
        name, type, offsetof(struct integration_input, member), req, 0, allowed, NULL, 0, 0, NULL  \
    }
const struct field integration_fields[] = {
    IF("date", F_DATE, date, true, NULL),
    IF("kind", F_ENUM, kind, true, kinds),
    IF("subsidy", F_ENUM, subsidy, false, subsidies),
    FIELD_END,
};

#define CIF(name, type, member, req, allowed)                                                      \
    {                                                                                              \
        name, type, offsetof(struct close_input, integration.member), req, 0, allowed, NULL, 0, 0, \
            NULL                                                                                   \
    }
static const struct field close_integration_fields[] = {
    CIF("date", F_DATE, date, true, NULL),
    CIF("kind", F_ENUM, kind, false, kinds),
    CIF("subsidy", F_ENUM, subsidy, false, subsidies),
    FIELD_END,
};

const struct field close_fields[] = {
    { "date", F_DATE, offsetof(struct close_input, date), true, 0, NULL, NULL, 0, 0, NULL },
    { "reason", F_ENUM, offsetof(struct close_input, reason), true, 0, closure_reasons, NULL, 0, 0,
      NULL },
    { "justification", F_TEXT, offsetof(struct close_input, justification), false, 4000, NULL, NULL,
      0, 0, NULL },
    { "integration", F_OBJECT, 0, false, 0, NULL, close_integration_fields, 0, 0, NULL },
    FIELD_END,
};

/* Continuing past the maximum duration needs a justification of some substance. */
enum { LIMIT_JUSTIFICATION_MIN = 30 };

bool
closure_needs_justification(const char *reason)
{
    return reason && (strcmp(reason, "no_contact") == 0 || strcmp(reason, "other") == 0);
}

const char *
closure_integration_kind(const char *reason)
{
    static const char prefix[] = "integrated_";
    if (!reason || strncmp(reason, prefix, sizeof prefix - 1) != 0)
        return NULL;
    const char *kind = reason + sizeof prefix - 1;
    for (const char *const *k = kinds; *k; k++)
        if (strcmp(*k, kind) == 0)
            return *k;
    return NULL;
}

bool
integration_counts(const char *kind, const char *subsidy)
{
    bool known = false;
    for (const char *const *k = kinds; *k; k++)
        known = known || (kind && strcmp(*k, kind) == 0);
    /* publicly funded employment (§ 16i) is no integration (domain rules, section 8) */
    return known && !(subsidy && strcmp(subsidy, "sgb2_16i") == 0);
}

static struct date
date_of(const char *s)
{
    struct date d = DATE_NONE;
    if (s)
        date_parse(s, &d);
    return d;
}

static json_t *
review_view(const struct review_row *r)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(r->id));
    json_object_set_new(v, "case_id", json_string(r->case_id));
    json_object_set_new(v, "date", json_string(r->review_date));
    json_object_set_new(v, "decision", json_string(r->decision));
    json_object_set_new(v, "justification", json_string(r->justification));
    json_object_set_new(v, "beyond_limit", json_boolean(r->beyond_limit));
    json_object_set_new(v, "next_review_due", core_json_text(r->next_review_due));
    json_object_set_new(v, "created_by", core_json_text(r->created_by));
    json_object_set_new(v, "created_by_name", core_json_text(r->created_by_name));
    char at[21];
    instant_format_utc(r->created_at / 1000000, at);
    json_object_set_new(v, "created_at", json_string(at));
    return v;
}

static json_t *
integration_view(const struct integration_row *r)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(r->id));
    json_object_set_new(v, "case_id", json_string(r->case_id));
    json_object_set_new(v, "date", json_string(r->start_date));
    json_object_set_new(v, "kind", json_string(r->kind));
    json_object_set_new(v, "subsidy", json_string(r->subsidy));
    json_object_set_new(v, "counts", json_boolean(integration_counts(r->kind, r->subsidy)));
    json_object_set_new(v, "aftercare_until", core_json_text(r->aftercare_until));
    return v;
}

/* ---- continuation review ---- */

struct last_review {
    struct review_row r;
    bool found;
    char day[11];
};

static bool
last_review_row(void *user)
{
    struct last_review *l = user;
    l->found = true;
    return false; /* newest first: the first row is the last review */
}

static const char *
day_of(struct date d, char out[11])
{
    date_format(d, out);
    return out;
}

enum core_result
reviews_create(struct core_ctx *ctx, const char *case_id, const struct review_input *in,
               json_t **view, struct problem *pb)
{
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, &refusal) != CORE_OK ||
        case_require_active(&ref, &refusal) != CORE_OK) {
        *pb = refusal; /* a refusal outranks format errors */
        return pb->result;
    }
    struct rules rules;
    if (rules_load(ctx->db, ref.row.jobcenter_id, &rules) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct date started = date_of(ref.row.started_on), limit = date_of(ref.row.limit_date);
    bool beyond = false;
    struct date next = DATE_NONE;
    if (!date_is_none(in->date)) {
        if (date_cmp(in->date, ref.today) > 0)
            problem_field(pb, ctx->arena, "date", "must not be in the future");
        else if (!date_is_none(started) && date_cmp(in->date, started) < 0)
            problem_field(pb, ctx->arena, "date", "must not be before the case started");
        next = deadline_next_review(&rules, in->date);
        /* a review older than the last one would move the next date backwards */
        struct last_review lr = { .found = false };
        if (db_reviews_list(ctx->db, ref.row.jobcenter_id, ref.row.id, &lr.r, last_review_row,
                            &lr) < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (lr.found && strcmp(day_of(in->date, lr.day), lr.r.review_date) < 0)
            problem_field(pb, ctx->arena, "date", "must not be before the last review");
        /* going on past the limit before the next review needs its reasons in writing,
           once, unless a review already gave them */
        beyond = in->decision && strcmp(in->decision, "continue") == 0 && !date_is_none(limit) &&
                 date_cmp(next, limit) > 0 && !ref.row.limit_justified_on;
    }
    if (beyond && in->justification && utf8_length(in->justification) < LIMIT_JUSTIFICATION_MIN)
        problem_field(pb, ctx->arena, "justification",
                      "continuing past the maximum duration needs a written justification of at "
                      "least 30 characters");
    if (pb->n_errors)
        return CORE_INVALID;
    bool close = strcmp(in->decision, "close") == 0;
    char id[ID_MAX], day[11], next_s[11];
    id_new("rv", id);
    date_format(in->date, day);
    date_format(next, next_s);
    struct review_row r = { .id = id,
                            .jobcenter_id = ref.row.jobcenter_id,
                            .case_id = ref.row.id,
                            .review_date = day,
                            .decision = (char *)in->decision,
                            .justification = (char *)in->justification,
                            .beyond_limit = beyond,
                            .next_review_due = close ? NULL : next_s,
                            .created_by = (char *)ctx->actor->id,
                            .created_by_name = (char *)ctx->actor->display_name,
                            .created_at = ctx->now_us };
    if (db_review_insert(ctx->db, &r) < 0 ||
        db_case_after_review(ctx->db, ref.row.jobcenter_id, ref.row.id, close ? NULL : next_s,
                             close, beyond ? day : NULL, ctx->now_us) < 0 ||
        db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "case.review",
                                   "review",
                                   id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   close    ? "decision: close"
                                   : beyond ? "decision: continue past the limit"
                                            : "decision: continue" };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = review_view(&r);
    return CORE_OK;
}

struct list_state {
    struct review_row r;
    struct integration_row i;
    json_t *items;
};

static bool
review_row(void *user)
{
    struct list_state *s = user;
    json_array_append_new(s->items, review_view(&s->r));
    return true;
}

static bool
integration_row(void *user)
{
    struct list_state *s = user;
    json_array_append_new(s->items, integration_view(&s->i));
    return true;
}

enum core_result
reviews_list(struct core_ctx *ctx, const char *case_id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_READ, &ref, pb) != CORE_OK)
        return pb->result;
    struct list_state s = { .items = json_array() };
    enum db_status st =
        db_reviews_list(ctx->db, ref.row.jobcenter_id, ref.row.id, &s.r, review_row, &s);
    json_t *reviews = s.items;
    s.items = json_array();
    if (st >= 0)
        st = db_integrations_of_case(ctx->db, ref.row.jobcenter_id, ref.row.id, &s.i,
                                     integration_row, &s);
    json_t *v = json_object();
    json_object_set_new(v, "items", reviews);
    json_object_set_new(v, "integrations", s.items);
    if (st < 0) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const struct audit_entry e = {
        "review.list", "case", ref.row.id, ref.row.id, ref.row.client_id, ref.grant.purpose, NULL
    };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}

enum core_result
reviews_prepare(struct core_ctx *ctx, const char *case_id, bool for_closure, json_t **view,
                struct problem *pb)
{
    struct case_ref ref;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, pb) != CORE_OK)
        return pb->result;
    /* the form would be refused when sent: refuse it now, before anything is read */
    if (for_closure && strcmp(ref.row.status, "closed") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_closed", "The case is already closed.");
    if (!for_closure && case_require_active(&ref, pb) != CORE_OK)
        return pb->result;
    struct rules rules;
    if (rules_load(ctx->db, ref.row.jobcenter_id, &rules) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char today[11], next[11];
    date_format(ref.today, today);
    date_format(deadline_next_review(&rules, ref.today), next);
    int64_t open = 0, overdue = 0;
    if (db_case_steps_open(ctx->db, ref.row.jobcenter_id, ref.row.id, today, &open, &overdue) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct list_state s = { .items = json_array() };
    if (db_reviews_list(ctx->db, ref.row.jobcenter_id, ref.row.id, &s.r, review_row, &s) < 0) {
        json_decref(s.items);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    json_t *v = json_object();
    json_object_set_new(v, "case", case_view(&ref.row));
    json_object_set_new(v, "today", json_string(today));
    json_object_set_new(v, "next_review_if_continued", json_string(next));
    json_object_set_new(v, "open_steps", json_integer(open));
    json_object_set_new(v, "overdue_steps", json_integer(overdue));
    json_object_set_new(v, "last_review", json_incref(json_array_get(s.items, 0)));
    json_decref(s.items);
    struct date limit = date_of(ref.row.limit_date);
    bool beyond = !date_is_none(limit) &&
                  date_cmp(deadline_next_review(&rules, ref.today), limit) > 0 &&
                  !ref.row.limit_justified_on;
    json_object_set_new(v, "limit_needs_justification", json_boolean(beyond));
    json_object_set_new(v, "unreached",
                        json_boolean(deadline_unreached(&rules, (int)ref.row.failed_contacts)));
    const struct audit_entry e = { "case.read",       "case",
                                   ref.row.id,        ref.row.id,
                                   ref.row.client_id, ref.grant.purpose,
                                   "review form" };
    if (audit_record(ctx, &e) != CORE_OK) {
        json_decref(v);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    *view = v;
    return CORE_OK;
}

/* ---- integrations ---- */

/* Check an integration against the case (dates), adding errors under PREFIX. */
static void
check_integration(struct core_ctx *ctx, const struct case_ref *ref,
                  const struct integration_input *in, const char *prefix, struct problem *pb)
{
    if (date_is_none(in->date))
        return;
    const char *field = prefix[0] ? arena_printf(ctx->arena, "%s.date", prefix) : "date";
    struct date started = date_of(ref->row.started_on);
    if (!date_is_none(started) && date_cmp(in->date, started) < 0)
        problem_field(pb, ctx->arena, field, "must not be before the case started");
    else if (date_cmp(in->date, date_add_days(ref->today, 92)) > 0)
        problem_field(pb, ctx->arena, field, "must not be more than three months ahead");
}

static enum core_result
store_integration(struct core_ctx *ctx, const struct case_ref *ref,
                  const struct integration_input *in, struct integration_row *r, char id[ID_MAX],
                  char start[11], char aftercare[11])
{
    struct rules rules;
    if (rules_load(ctx->db, ref->row.jobcenter_id, &rules) != CORE_OK)
        return CORE_ERROR;
    id_new("ig", id);
    date_format(in->date, start);
    date_format(deadline_aftercare_end(&rules, in->date), aftercare);
    *r = (struct integration_row){ .id = id,
                                   .jobcenter_id = ref->row.jobcenter_id,
                                   .case_id = ref->row.id,
                                   .client_id = ref->row.client_id,
                                   .start_date = start,
                                   .kind = (char *)in->kind,
                                   .subsidy = (char *)(in->subsidy ? in->subsidy : "none"),
                                   .aftercare_until = aftercare,
                                   .created_by = (char *)ctx->actor->id,
                                   .created_at = ctx->now_us };
    return db_integration_insert(ctx->db, r) < 0 ? CORE_ERROR : CORE_OK;
}

enum core_result
integrations_create(struct core_ctx *ctx, const char *case_id, const struct integration_input *in,
                    json_t **view, struct problem *pb)
{
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, &refusal) != CORE_OK ||
        case_require_active(&ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    check_integration(ctx, &ref, in, "", pb);
    if (pb->n_errors)
        return CORE_INVALID;
    struct integration_row r;
    char id[ID_MAX], start[11], aftercare[11];
    if (store_integration(ctx, &ref, in, &r, id, start, aftercare) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "integration.create", "integration",     id,    ref.row.id,
                                   ref.row.client_id,    ref.grant.purpose, r.kind };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = integration_view(&r);
    return CORE_OK;
}

/* ---- closure ---- */

struct has_kind {
    struct integration_row row;
    const char *kind;
    bool found;
};

static bool
has_kind_row(void *user)
{
    struct has_kind *h = user;
    if (strcmp(h->row.kind, h->kind) == 0)
        h->found = true;
    return !h->found;
}

enum core_result
cases_close(struct core_ctx *ctx, const char *case_id, const struct close_input *in, json_t **view,
            struct problem *pb)
{
    struct case_ref ref;
    struct problem refusal = PROBLEM_INIT;
    if (case_open(ctx, case_id, CASE_WRITE, &ref, &refusal) != CORE_OK) {
        *pb = refusal;
        return pb->result;
    }
    if (strcmp(ref.row.status, "closed") == 0)
        return problem_set(pb, CORE_CONFLICT, "case_closed", "The case is already closed.");
    bool referred = strcmp(ref.row.status, "referred") == 0;
    if (!date_is_none(in->date)) {
        struct date since = date_of(referred ? ref.row.referral_date : ref.row.started_on);
        if (date_cmp(in->date, ref.today) > 0)
            problem_field(pb, ctx->arena, "date", "must not be in the future");
        else if (!date_is_none(since) && date_cmp(in->date, since) < 0)
            problem_field(pb, ctx->arena, "date",
                          referred ? "must not be before the referral date"
                                   : "must not be before the case started");
    }
    const char *reason = in->reason;
    if (reason && strcmp(reason, "declined") == 0 && !referred)
        problem_field(pb, ctx->arena, "reason",
                      "declined is only for a referral the client did not take up; use "
                      "consent_withdrawn for an active case");
    if (reason && closure_needs_justification(reason) && !in->justification)
        problem_field(pb, ctx->arena, "justification", "is required for this reason");
    const char *kind = closure_integration_kind(reason);
    bool with_integration = !date_is_none(in->integration.date);
    if (in->integration.kind && !with_integration && !pb->n_errors)
        problem_field(pb, ctx->arena, "integration.date", "is required");
    if (with_integration && !kind)
        problem_field(pb, ctx->arena, "integration",
                      "an integration is recorded only with an integration reason");
    if (with_integration && kind && in->integration.kind && strcmp(in->integration.kind, kind))
        problem_field(pb, ctx->arena, "integration.kind", "does not match the reason for closure");
    struct integration_input integ = in->integration;
    if (with_integration && kind) {
        integ.kind = kind;
        check_integration(ctx, &ref, &integ, "integration", pb);
    }
    if (kind && !with_integration && !pb->n_errors) {
        /* an integration reason needs the integration on record, now or before */
        struct has_kind h = { .kind = kind };
        if (db_integrations_of_case(ctx->db, ref.row.jobcenter_id, ref.row.id, &h.row, has_kind_row,
                                    &h) < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
        if (!h.found)
            problem_field(pb, ctx->arena, "integration.date",
                          "is required: record the start of the job or training");
    }
    if (pb->n_errors)
        return CORE_INVALID;
    char day[11];
    date_format(in->date, day);
    if (db_case_close(ctx->db, ref.row.jobcenter_id, ref.row.id, day, reason, in->justification,
                      ctx->now_us) < 0 ||
        db_changes(ctx->db) != 1)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (with_integration && kind) {
        struct integration_row r;
        char id[ID_MAX], start[11], aftercare[11];
        if (store_integration(ctx, &ref, &integ, &r, id, start, aftercare) != CORE_OK)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const struct audit_entry e = { "case.close",
                                   "case",
                                   ref.row.id,
                                   ref.row.id,
                                   ref.row.client_id,
                                   ref.grant.purpose,
                                   arena_printf(ctx->arena, "reason %s%s", reason,
                                                with_integration ? ", integration" : "") };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    struct case_row k;
    if (db_case_get(ctx->db, ref.row.jobcenter_id, ref.row.id, &k) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = case_view(&k);
    return CORE_OK;
}
