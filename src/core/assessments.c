/*
 * core/assessments.c — the assessment (Potenzialanalyse); see assessments.h.
 * Versions are immutable: a save inserts the next version with all five
 * areas (absent ones as severity none with empty texts), so two versions
 * compare area by area without gaps.
 */
#include "core/assessments.h"

#include <stdio.h>
#include <math.h>
#include <string.h>

#include "core/audit.h"
#include "core/caseref.h"
#include "core/input.h"
#include "store/queries.h"
#include "util/date.h"

const char *const assessment_area_names[] = { "qualification", "capacity",      "motivation",
                                              "framework",     "labour_market", NULL };
const char *const assessment_severities[] = { "none", "low", "medium", "high", NULL };
const char *const assessment_profiles[] = { "MP", "AP", "FP", "EP", "SP", "UP", NULL };
const char *const assessment_topic_codes[] = { "childcare", "care",     "housing",
                                               "debts",     "mobility", "legal_status",
                                               "language",  "family",   NULL };

#define N_TOPICS 8

/* The detail of an audit entry that showed special categories. */
#define SENSITIVE_SHOWN "sensitive content shown (Art. 9)"

static int
index_of(const char *const *list, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

int
assessment_severity_rank(const char *severity)
{
    return index_of(assessment_severities, severity);
}

bool
assessment_area_sensitive(int area)
{
    return area == AREA_CAPACITY;
}

/* A relevant need: medium or high (see assessments.h). */
static bool
relevant(int rank)
{
    return rank >= 2;
}

const char *
assessment_derive_profile(const char *const severity[ASSESSMENT_AREAS])
{
    int rank[ASSESSMENT_AREAS];
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        int r = assessment_severity_rank(severity[i]);
        rank[i] = r < 0 ? 0 : r;
    }
    /* labour_market does not count */
    static const int counted[] = { AREA_QUALIFICATION, AREA_CAPACITY, AREA_MOTIVATION,
                                   AREA_FRAMEWORK };
    int n = 0;
    for (size_t i = 0; i < sizeof counted / sizeof counted[0]; i++)
        n += relevant(rank[counted[i]]);
    if (n == 0)
        return "MP";
    if (n == 1)
        return relevant(rank[AREA_MOTIVATION]) ? "AP" : "FP";
    /* complex: the main need among qualification, capacity, framework; the
       earlier area wins a tie (strictly greater replaces) */
    static const int person[] = { AREA_QUALIFICATION, AREA_CAPACITY, AREA_FRAMEWORK };
    static const char *const group[] = { "EP", "SP", "UP" };
    int best = 0;
    for (int i = 1; i < 3; i++)
        if (rank[person[i]] > rank[person[best]])
            best = i;
    return group[best];
}

const char *
assessment_topics_text(struct arena *arena, unsigned topics)
{
    char buf[128];
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_TOPICS; i++)
        if (topics & (1u << i))
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%s%s", len ? "," : "",
                                    assessment_topic_codes[i]);
    return arena_strdup(arena, buf);
}

unsigned
assessment_topics_parse(const char *text)
{
    unsigned set = 0;
    if (!text)
        return 0;
    const char *p = text;
    while (*p) {
        const char *end = strchr(p, ',');
        size_t n = end ? (size_t)(end - p) : strlen(p);
        for (int i = 0; i < N_TOPICS; i++)
            if (strlen(assessment_topic_codes[i]) == n &&
                strncmp(assessment_topic_codes[i], p, n) == 0)
                set |= 1u << i;
        p += n;
        if (*p == ',')
            p++;
    }
    return set;
}

static json_t *
topics_json(unsigned topics)
{
    json_t *a = json_array();
    for (int i = 0; i < N_TOPICS; i++)
        if (topics & (1u << i))
            json_array_append_new(a, json_string(assessment_topic_codes[i]));
    return a;
}

/* ---- input ---- */

struct top_input {
    const char *profile, *sensitive_notes;
    double base_version;
};

static const struct field top_fields[] = {
    { "profile", F_ENUM, offsetof(struct top_input, profile), false, 0, assessment_profiles, NULL,
      0, 0, NULL },
    { "sensitive_notes", F_TEXT, offsetof(struct top_input, sensitive_notes), false,
      ASSESSMENT_NOTES_MAX, NULL, NULL, 0, 0, NULL },
    { "base_version", F_NUMBER, offsetof(struct top_input, base_version), false, 0, NULL, NULL, 0,
      1e9, NULL },
    FIELD_END,
};

struct area_input {
    const char *area, *strengths, *needs, *severity;
};

static const struct field area_fields[] = {
    { "area", F_ENUM, offsetof(struct area_input, area), true, 0, assessment_area_names, NULL, 0, 0,
      NULL },
    { "strengths", F_TEXT, offsetof(struct area_input, strengths), false, ASSESSMENT_TEXT_MAX, NULL,
      NULL, 0, 0, NULL },
    { "needs", F_TEXT, offsetof(struct area_input, needs), false, ASSESSMENT_TEXT_MAX, NULL, NULL,
      0, 0, NULL },
    { "severity", F_ENUM, offsetof(struct area_input, severity), true, 0, assessment_severities,
      NULL, 0, 0, NULL },
    FIELD_END,
};

/* Every key an area item may have (topics is read by hand). */
static const char *const area_keys[] = { "area", "strengths", "needs", "severity", "topics", NULL };

static void
data_empty(struct assessment_data *d)
{
    memset(d, 0, sizeof *d);
    d->sensitive_notes = "";
    for (int i = 0; i < ASSESSMENT_AREAS; i++)
        d->areas[i] = (struct assessment_area_data){ "", "", "none", 0 };
}

/* The topics of one area item: the set, or an error at PATH. */
static unsigned
read_topics(const json_t *tp, const char *path, struct arena *arena, struct problem *pb)
{
    if (!tp || json_is_null(tp))
        return 0;
    if (!json_is_array(tp)) {
        problem_field(pb, arena, path, "must be a list");
        return 0;
    }
    unsigned set = 0;
    size_t i;
    json_t *item;
    json_array_foreach(tp, i, item)
    {
        int t =
            json_is_string(item) ? index_of(assessment_topic_codes, json_string_value(item)) : -1;
        if (t < 0 || (set & (1u << t))) {
            problem_field(pb, arena, path, "contains a value that is not allowed or twice");
            return 0;
        }
        set |= 1u << t;
    }
    return set;
}

enum core_result
assessments_read_input(const json_t *body, struct assessment_input *in, struct arena *arena,
                       struct problem *pb)
{
    memset(in, 0, sizeof *in);
    in->base_version = -1;
    data_empty(&in->data);
    if (!json_is_object(body))
        return problem_set(pb, CORE_BAD_REQUEST, NULL, "The body must be a JSON object.");

    /* the plain fields through the table; "areas" is read below */
    struct top_input top;
    json_t *rest = json_copy((json_t *)body); /* shallow: the strings stay BODY's */
    json_object_del(rest, "areas");
    enum core_result r = input_read(rest, top_fields, &top, arena, pb);
    json_decref(rest);
    if (r == CORE_BAD_REQUEST)
        return r;
    in->data.profile = top.profile;
    if (top.sensitive_notes)
        in->data.sensitive_notes = top.sensitive_notes;
    /* special-category parts the body leaves out are kept as they are, so that an update
       by someone who did not read them cannot wipe them */
    in->keep_notes = !json_object_get(body, "sensitive_notes");
    in->keep_capacity_strengths = in->keep_capacity_needs = true;
    if (!isnan(top.base_version)) {
        if (top.base_version != (double)(int64_t)top.base_version)
            problem_field(pb, arena, "base_version", "must be a whole number");
        else
            in->base_version = (int64_t)top.base_version;
    }

    json_t *areas = json_object_get(body, "areas");
    if (!areas || json_is_null(areas)) {
        problem_field(pb, arena, "areas", "is required");
        return CORE_INVALID;
    }
    if (!json_is_array(areas)) {
        problem_field(pb, arena, "areas", "must be a list");
        return CORE_INVALID;
    }
    bool seen[ASSESSMENT_AREAS] = { false };
    size_t i;
    json_t *item;
    json_array_foreach(areas, i, item)
    {
        const char *prefix = arena_printf(arena, "areas[%zu]", i);
        if (!json_is_object(item)) {
            problem_field(pb, arena, prefix, "must be an object");
            continue;
        }
        const char *key;
        json_t *value;
        json_object_foreach(item, key, value)
        {
            if (index_of(area_keys, key) < 0) {
                pb->errors = pb->errors_tail = NULL;
                pb->n_errors = 0;
                pb->result = CORE_BAD_REQUEST;
                pb->detail = arena_printf(arena, "Unknown field: %s.%.64s", prefix, key);
                return CORE_BAD_REQUEST;
            }
        }
        json_t *fields = json_copy(item);
        json_object_del(fields, "topics");
        struct area_input a;
        struct problem sub = PROBLEM_INIT;
        input_read(fields, area_fields, &a, arena, &sub);
        json_decref(fields);
        for (const struct field_error *e = sub.errors; e; e = e->next)
            problem_field(pb, arena, arena_printf(arena, "%s.%s", prefix, e->field), e->message);
        int idx = index_of(assessment_area_names, a.area);
        if (idx >= 0 && seen[idx]) {
            problem_field(pb, arena, arena_printf(arena, "%s.area", prefix),
                          "names an area that occurs more than once");
            idx = -1;
        }
        const char *tpath = arena_printf(arena, "%s.topics", prefix);
        unsigned topics = read_topics(json_object_get(item, "topics"), tpath, arena, pb);
        if (topics && idx >= 0 && idx != AREA_FRAMEWORK) {
            problem_field(pb, arena, tpath, "only the framework conditions have topics");
            topics = 0;
        }
        if (idx < 0)
            continue;
        seen[idx] = true;
        struct assessment_area_data *d = &in->data.areas[idx];
        if (idx == AREA_CAPACITY) {
            in->keep_capacity_strengths = !json_object_get(item, "strengths");
            in->keep_capacity_needs = !json_object_get(item, "needs");
        }
        d->strengths = a.strengths ? a.strengths : "";
        d->needs = a.needs ? a.needs : "";
        d->severity = a.severity ? a.severity : "none";
        d->topics = topics;
    }
    return pb->n_errors ? CORE_INVALID : CORE_OK;
}

/* ---- loading a version ---- */

struct loaded {
    struct assessment_row row;
    struct assessment_data data;
    struct assessment_area_row area;
};

static bool
area_row(void *user)
{
    struct loaded *l = user;
    int i = index_of(assessment_area_names, l->area.area);
    if (i >= 0)
        l->data.areas[i] = (struct assessment_area_data){
            l->area.strengths ? l->area.strengths : "", l->area.needs ? l->area.needs : "",
            l->area.severity ? l->area.severity : "none", assessment_topics_parse(l->area.topics)
        };
    return true;
}

/* Version VERSION (0: current) of the case into L: DB_ONE_ROW, DB_NO_ROWS or < 0. */
static enum db_status
load_version(struct core_ctx *ctx, const struct case_ref *ref, int64_t version, struct loaded *l)
{
    memset(l, 0, sizeof *l);
    data_empty(&l->data);
    const char *jc = ref->row.jobcenter_id;
    enum db_status st = db_assessment_get(ctx->db, jc, ref->row.id, version, &l->row);
    if (st != DB_ONE_ROW)
        return st;
    l->data.version = l->row.version;
    l->data.profile = l->row.profile;
    l->data.profile_derived = l->row.profile_derived;
    l->data.sensitive_notes = l->row.sensitive_notes ? l->row.sensitive_notes : "";
    st = db_assessment_areas(ctx->db, jc, l->row.id, &l->area, area_row, l);
    return st < 0 ? st : DB_ONE_ROW;
}

static bool
has_sensitive_content(const struct assessment_data *d)
{
    const struct assessment_area_data *c = &d->areas[AREA_CAPACITY];
    return c->strengths[0] || c->needs[0] || d->sensitive_notes[0];
}

static json_t *
instant_json(int64_t us)
{
    char s[21];
    instant_format_utc(us / 1000000, s);
    return json_string(s);
}

/* The view of one version (see assessments_get). */
static json_t *
version_view(const struct assessment_row *row, const struct assessment_data *d, bool sensitive)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(row->id));
    json_object_set_new(v, "case_id", json_string(row->case_id));
    json_object_set_new(v, "version", json_integer(d->version));
    json_object_set_new(v, "profile", core_json_text(d->profile));
    json_object_set_new(v, "profile_derived", core_json_text(d->profile_derived));
    json_t *areas = json_array();
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        const struct assessment_area_data *a = &d->areas[i];
        bool withheld = assessment_area_sensitive(i) && !sensitive;
        json_t *o = json_object();
        json_object_set_new(o, "area", json_string(assessment_area_names[i]));
        json_object_set_new(o, "strengths", withheld ? json_null() : json_string(a->strengths));
        json_object_set_new(o, "needs", withheld ? json_null() : json_string(a->needs));
        json_object_set_new(o, "severity", json_string(a->severity));
        json_object_set_new(o, "topics", topics_json(a->topics));
        json_object_set_new(o, "sensitive", json_boolean(assessment_area_sensitive(i)));
        json_array_append_new(areas, o);
    }
    json_object_set_new(v, "areas", areas);
    json_object_set_new(v, "sensitive_notes",
                        sensitive && d->sensitive_notes[0] ? json_string(d->sensitive_notes)
                                                           : json_null());
    json_object_set_new(v, "has_sensitive_notes", json_boolean(d->sensitive_notes[0] != '\0'));
    json_object_set_new(v, "has_sensitive_content", json_boolean(has_sensitive_content(d)));
    json_object_set_new(v, "sensitive_included", json_boolean(sensitive));
    json_object_set_new(v, "created_by", json_string(row->created_by));
    json_object_set_new(v, "created_by_name", core_json_text(row->created_by_name));
    json_object_set_new(v, "created_at", instant_json(row->created_at));
    return v;
}

/* ---- the diff ---- */

static void
add_change(json_t *list, const char *area, const char *field, json_t *before, json_t *after,
           bool sensitive, bool show)
{
    json_t *c = json_object();
    json_object_set_new(c, "area", core_json_text(area));
    json_object_set_new(c, "field", json_string(field));
    if (sensitive && !show) {
        json_decref(before);
        json_decref(after);
        before = json_null();
        after = json_null();
    }
    json_object_set_new(c, "before", before);
    json_object_set_new(c, "after", after);
    json_object_set_new(c, "sensitive", json_boolean(sensitive));
    json_array_append_new(list, c);
}

static bool
same(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

json_t *
assessment_diff(const struct assessment_data *from, const struct assessment_data *to,
                bool sensitive)
{
    json_t *list = json_array();
    if (!same(from->profile, to->profile))
        add_change(list, NULL, "profile", core_json_text(from->profile),
                   core_json_text(to->profile), false, sensitive);
    if (!same(from->profile_derived, to->profile_derived))
        add_change(list, NULL, "profile_derived", core_json_text(from->profile_derived),
                   core_json_text(to->profile_derived), false, sensitive);
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        const struct assessment_area_data *a = &from->areas[i], *b = &to->areas[i];
        const char *name = assessment_area_names[i];
        bool s = assessment_area_sensitive(i);
        if (!same(a->severity, b->severity))
            add_change(list, name, "severity", json_string(a->severity), json_string(b->severity),
                       false, sensitive);
        if (!same(a->strengths, b->strengths))
            add_change(list, name, "strengths", json_string(a->strengths),
                       json_string(b->strengths), s, sensitive);
        if (!same(a->needs, b->needs))
            add_change(list, name, "needs", json_string(a->needs), json_string(b->needs), s,
                       sensitive);
        if (a->topics != b->topics)
            add_change(list, name, "topics", topics_json(a->topics), topics_json(b->topics), false,
                       sensitive);
    }
    if (!same(from->sensitive_notes, to->sensitive_notes))
        add_change(list, NULL, "sensitive_notes", json_string(from->sensitive_notes),
                   json_string(to->sensitive_notes), true, sensitive);
    return list;
}

/* ---- services ---- */

static enum core_result
audit(struct core_ctx *ctx, const struct case_ref *ref, const char *action, const char *object_id,
      const char *detail, struct problem *pb)
{
    const struct audit_entry e = { action,      "assessment",       object_id,
                                   ref->row.id, ref->row.client_id, ref->grant.purpose,
                                   detail };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    return CORE_OK;
}

enum core_result
assessments_put(struct core_ctx *ctx, const char *case_id, const struct assessment_input *in,
                json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_WRITE, &ref, pb);
    if (r != CORE_OK)
        return r;
    r = case_require_active(&ref, pb);
    if (r != CORE_OK)
        return r;
    if (pb->n_errors)
        return CORE_INVALID;

    const char *jc = ref.row.jobcenter_id;
    struct assessment_data d = in->data;
    int64_t kept_from = 0;
    struct loaded *cur = arena_alloc(ctx->arena, sizeof *cur);
    enum db_status cst = load_version(ctx, &ref, 0, cur);
    if (cst < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    /* a form or client that read version N saves over N only: someone else's newer version
       would be lost otherwise */
    int64_t current = cst == DB_ONE_ROW ? cur->data.version : 0;
    if (in->base_version >= 0 && in->base_version != current)
        return problem_set(pb, CORE_CONFLICT, "assessment_changed",
                           "The assessment was changed meanwhile; load it again.");
    if (cst == DB_ONE_ROW) {
        /* parts the form never showed or the body left out are carried over unchanged */
        bool all = in->keep_sensitive;
        if (all || in->keep_capacity_strengths)
            d.areas[AREA_CAPACITY].strengths = cur->data.areas[AREA_CAPACITY].strengths;
        if (all || in->keep_capacity_needs)
            d.areas[AREA_CAPACITY].needs = cur->data.areas[AREA_CAPACITY].needs;
        if (all || in->keep_notes)
            d.sensitive_notes = cur->data.sensitive_notes;
        if (all || in->keep_capacity_strengths || in->keep_capacity_needs || in->keep_notes)
            kept_from = cur->data.version;
    }
    const char *sev[ASSESSMENT_AREAS];
    for (int i = 0; i < ASSESSMENT_AREAS; i++)
        sev[i] = d.areas[i].severity;
    d.profile_derived = assessment_derive_profile(sev);
    if (!d.profile)
        d.profile = d.profile_derived;

    if (db_assessment_next_version(ctx->db, jc, ref.row.id, &d.version) != DB_ONE_ROW)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    char id[ID_MAX];
    id_new("as", id);
    struct assessment_row row = {
        .id = id,
        .jobcenter_id = (char *)jc,
        .case_id = ref.row.id,
        .version = d.version,
        .profile = (char *)d.profile,
        .profile_derived = (char *)d.profile_derived,
        .sensitive_notes = d.sensitive_notes[0] ? (char *)d.sensitive_notes : NULL,
        .created_by = (char *)ctx->actor->id,
        .created_by_name = (char *)ctx->actor->display_name,
        .created_at = ctx->now_us,
    };
    if (db_assessment_insert(ctx->db, &row) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        const struct assessment_area_data *a = &d.areas[i];
        const struct assessment_area_row ar = {
            .area = (char *)assessment_area_names[i],
            .strengths = (char *)a->strengths,
            .needs = (char *)a->needs,
            .severity = (char *)a->severity,
            .topics = (char *)assessment_topics_text(ctx->arena, a->topics),
            .sensitive = assessment_area_sensitive(i),
        };
        if (db_assessment_area_insert(ctx->db, jc, id, &ar) < 0 || db_changes(ctx->db) != 1)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    if (db_case_set_profile(ctx->db, jc, ref.row.id, d.profile, ctx->now_us) < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const char *detail =
        kept_from ? arena_printf(ctx->arena,
                                 "version %lld; sensitive content kept unseen from version %lld",
                                 (long long)d.version, (long long)kept_from)
                  : arena_printf(ctx->arena, "version %lld", (long long)d.version);
    r = audit(ctx, &ref, "assessment.update", id, detail, pb);
    if (r != CORE_OK)
        return r;
    *view = version_view(&row, &d, false);
    return CORE_OK;
}

static const char *
read_detail(struct core_ctx *ctx, const char *what, int64_t version, bool sensitive)
{
    return arena_printf(ctx->arena, "%s%sversion %lld%s", what ? what : "", what ? ", " : "",
                        (long long)version, sensitive ? "; " SENSITIVE_SHOWN : "");
}

enum core_result
assessments_get(struct core_ctx *ctx, const char *case_id, int64_t version, bool sensitive,
                json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    struct loaded *l = arena_alloc(ctx->arena, sizeof *l);
    enum db_status st = load_version(ctx, &ref, version, l);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS) {
        /* the case was opened: that access is recorded too */
        r = audit(ctx, &ref, "assessment.read", NULL,
                  version ? "no such version" : "no assessment yet", pb);
        if (r != CORE_OK)
            return r;
        return problem_set(pb, CORE_NOT_FOUND, NULL,
                           version ? "No such version." : "No assessment yet.");
    }
    r = audit(ctx, &ref, "assessment.read", l->row.id,
              read_detail(ctx, NULL, l->row.version, sensitive), pb);
    if (r != CORE_OK)
        return r;
    *view = version_view(&l->row, &l->data, sensitive);
    return CORE_OK;
}

struct versions_state {
    struct assessment_row row;
    json_t *items;
};

static bool
version_row(void *user)
{
    struct versions_state *s = user;
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer(s->row.version));
    json_object_set_new(o, "profile", core_json_text(s->row.profile));
    json_object_set_new(o, "profile_derived", core_json_text(s->row.profile_derived));
    json_object_set_new(o, "created_by", core_json_text(s->row.created_by));
    json_object_set_new(o, "created_by_name", core_json_text(s->row.created_by_name));
    json_object_set_new(o, "created_at", instant_json(s->row.created_at));
    json_array_append_new(s->items, o);
    return true;
}

/* The versions' list items of the case (new reference), or NULL on error. */
static json_t *
versions_list(struct core_ctx *ctx, const struct case_ref *ref)
{
    struct versions_state s = { .items = json_array() };
    if (db_assessment_versions(ctx->db, ref->row.jobcenter_id, ref->row.id, &s.row, version_row,
                               &s) < 0) {
        json_decref(s.items);
        return NULL;
    }
    return s.items;
}

enum core_result
assessments_versions(struct core_ctx *ctx, const char *case_id, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    json_t *items = versions_list(ctx, &ref);
    if (!items)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    r = audit(ctx, &ref, "assessment.list", NULL,
              arena_printf(ctx->arena, "%zu versions", json_array_size(items)), pb);
    if (r != CORE_OK) {
        json_decref(items);
        return r;
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    json_object_set_new(v, "next_cursor", json_null());
    *view = v;
    return CORE_OK;
}

/* The diff of versions FROM and TO of REF's case (new reference) into *OUT. */
static enum core_result
diff_of(struct core_ctx *ctx, const struct case_ref *ref, int64_t from, int64_t to, bool sensitive,
        json_t **out, struct problem *pb)
{
    struct loaded *a = arena_alloc(ctx->arena, sizeof *a);
    struct loaded *b = arena_alloc(ctx->arena, sizeof *b);
    enum db_status sa = load_version(ctx, ref, from, a);
    enum db_status sb = sa < 0 ? sa : load_version(ctx, ref, to, b);
    if (sa < 0 || sb < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (sa == DB_NO_ROWS || sb == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such version.");
    json_t *v = json_object();
    json_object_set_new(v, "from", json_integer(from));
    json_object_set_new(v, "to", json_integer(to));
    json_object_set_new(v, "changes", assessment_diff(&a->data, &b->data, sensitive));
    json_object_set_new(v, "sensitive_included", json_boolean(sensitive));
    *out = v;
    return CORE_OK;
}

static const char *
diff_detail(struct core_ctx *ctx, int64_t from, int64_t to, bool sensitive)
{
    return arena_printf(ctx->arena, "versions %lld and %lld%s", (long long)from, (long long)to,
                        sensitive ? "; " SENSITIVE_SHOWN : "");
}

enum core_result
assessments_diff(struct core_ctx *ctx, const char *case_id, int64_t from, int64_t to,
                 bool sensitive, json_t **view, struct problem *pb)
{
    struct case_ref ref;
    enum core_result r = case_open(ctx, case_id, CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    json_t *v = NULL;
    r = diff_of(ctx, &ref, from, to, sensitive, &v, pb);
    if (r != CORE_OK)
        return r;
    r = audit(ctx, &ref, "assessment.diff", NULL, diff_detail(ctx, from, to, sensitive), pb);
    if (r != CORE_OK) {
        json_decref(v);
        return r;
    }
    *view = v;
    return CORE_OK;
}

enum core_result
assessments_page(struct core_ctx *ctx, const char *case_id, const struct assessment_page_query *q,
                 json_t **view, struct problem *pb)
{
    struct case_ref ref;
    bool edit = q->purpose && strcmp(q->purpose, "edit") == 0;
    enum core_result r = case_open(ctx, case_id, edit ? CASE_WRITE : CASE_READ, &ref, pb);
    if (r != CORE_OK)
        return r;
    /* the edit form of a case that cannot be changed is refused before anything is read */
    if (edit && (r = case_require_active(&ref, pb)) != CORE_OK)
        return r;
    bool diff = q->diff_from > 0 && q->diff_to > 0;
    struct loaded *l = arena_alloc(ctx->arena, sizeof *l);
    enum db_status st = diff ? DB_NO_ROWS : load_version(ctx, &ref, q->version, l);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS && q->version && !diff)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such version.");
    json_t *d = NULL;
    if (diff) {
        r = diff_of(ctx, &ref, q->diff_from, q->diff_to, q->sensitive, &d, pb);
        if (r != CORE_OK)
            return r;
    }
    json_t *items = versions_list(ctx, &ref);
    if (!items) {
        json_decref(d);
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    const char *detail;
    if (diff)
        detail = diff_detail(ctx, q->diff_from, q->diff_to, q->sensitive);
    else if (st == DB_ONE_ROW)
        detail = read_detail(ctx, q->purpose, l->row.version, q->sensitive);
    else
        detail = arena_printf(ctx->arena, "%s, no assessment yet", q->purpose);
    r = audit(ctx, &ref, diff ? "assessment.diff" : "assessment.read",
              st == DB_ONE_ROW ? l->row.id : NULL, detail, pb);
    if (r != CORE_OK) {
        json_decref(d);
        json_decref(items);
        return r;
    }
    json_t *v = json_object();
    json_t *k = json_object();
    json_object_set_new(k, "id", json_string(ref.row.id));
    json_object_set_new(k, "status", json_string(ref.row.status));
    json_object_set_new(k, "is_active", json_boolean(strcmp(ref.row.status, "active") == 0));
    json_t *c = json_object();
    json_object_set_new(c, "first_name", core_json_text(ref.row.first_name));
    json_object_set_new(c, "last_name", core_json_text(ref.row.last_name));
    json_object_set_new(c, "customer_number", core_json_text(ref.row.customer_number));
    json_object_set_new(k, "client", c);
    json_object_set_new(v, "case", k);
    json_object_set_new(v, "assessment",
                        st == DB_ONE_ROW ? version_view(&l->row, &l->data, q->sensitive)
                                         : json_null());
    json_object_set_new(v, "sensitive_exists",
                        json_boolean(st == DB_ONE_ROW && has_sensitive_content(&l->data)));
    json_object_set_new(v, "versions", items);
    if (d)
        json_object_set_new(v, "diff", d);
    *view = v;
    return CORE_OK;
}
