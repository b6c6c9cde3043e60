/*
 * web/assessments.c — the assessment pages: the current (or an older)
 * version, the form for a new version, and the changes between two versions.
 *
 * Sensitive parts (Art. 9: the capacity area's texts and the sensitive
 * notes) are collapsed: a page shows them only after the explicit link
 * (?sensitive=1), whose request the audit entry marks. The form is a read
 * too: without ?sensitive=1 it does not prefill existing sensitive content,
 * shows that it exists and will be kept, and posts sensitive_mode=keep; the
 * service then carries that content over from the current version unseen,
 * so saving without having loaded it never wipes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/assessments.h"
#include "core/input.h"
#include "util/date.h"
#include "web/web.h"

/* Display labels (msgids) in the order of the code lists of core/assessments.h. */
static const char *const area_labels[] = { "Qualification", "Capacity (health)", "Motivation",
                                           "Framework conditions", "Labour market" };
static const char *const area_hints[] = {
    "Schooling, vocational qualification, work experience, German language.",
    "Physical and mental health, addiction, resilience. Special category of personal data "
    "(Art. 9 GDPR).",
    "Own goals, initiative, self-efficacy.",
    "Childcare, care of relatives, housing, debts, mobility, legal status.",
    "Demand for the target job in the region.",
};
static const char *const severity_labels[] = { "No need for action", "Low", "Medium", "High" };
static const char *const severity_badges[] = { "kern-badge--success", "kern-badge--info",
                                               "kern-badge--warning", "kern-badge--danger" };
static const char *const topic_labels[] = {
    "Childcare", "Care of relatives", "Housing",  "Debts",
    "Mobility",  "Legal status",      "Language", "Family"
};
static const char *const profile_labels[] = {
    "Market profile (MP)",      "Activation profile (AP)",    "Support profile (FP)",
    "Development profile (EP)", "Stabilisation profile (SP)", "Assistance profile (UP)"
};

static int
code_index(const char *const *list, const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

static const char *
profile_label(struct request *req, const char *code)
{
    int i = code_index(assessment_profiles, code);
    return i < 0 ? NULL : http_tr(req, profile_labels[i]);
}

/* "25.11.2026, 10:30" for an RFC 3339 instant (in place). */
static void
de_instant(json_t *obj, const char *key)
{
    int64_t t;
    json_t *v = json_object_get(obj, key);
    if (json_is_string(v) && instant_parse(json_string_value(v), &t)) {
        char s[18];
        instant_format_berlin(t, s);
        json_object_set_new(obj, key, json_string(s));
    }
}

/* Query ?NAME as a version number; 0 when absent; -1 when malformed. */
static int64_t
query_number(struct request *req, const char *name)
{
    const char *s = http_query(req, name);
    if (!s || !s[0])
        return 0;
    char *end;
    long long v = s[0] >= '0' && s[0] <= '9' ? strtoll(s, &end, 10) : -1;
    return v < 1 || v > 1000000000 || *end ? -1 : v;
}

static bool
query_flag(struct request *req, const char *name)
{
    const char *s = http_query(req, name);
    return s && (strcmp(s, "1") == 0 || strcmp(s, "true") == 0);
}

/* Topic labels of a JSON array of codes, joined by ", " (arena). */
static const char *
topics_label(struct request *req, const json_t *codes)
{
    char *out = arena_strdup(&req->arena, "");
    size_t i;
    json_t *c;
    json_array_foreach(codes, i, c)
    {
        int t = code_index(assessment_topic_codes, json_string_value(c));
        if (t >= 0)
            out = arena_printf(&req->arena, "%s%s%s", out, out[0] ? ", " : "",
                               http_tr(req, topic_labels[t]));
    }
    return out;
}

/* Labels and flags for the templates on a version view (in place). */
static void
decorate_assessment(struct request *req, json_t *a)
{
    const char *p = json_string_value(json_object_get(a, "profile"));
    const char *pd = json_string_value(json_object_get(a, "profile_derived"));
    json_object_set_new(a, "profile_label", core_json_text(profile_label(req, p)));
    json_object_set_new(a, "profile_derived_label", core_json_text(profile_label(req, pd)));
    json_object_set_new(a, "profile_overridden", json_boolean(p && pd && strcmp(p, pd) != 0));
    de_instant(a, "created_at");
    bool included = json_is_true(json_object_get(a, "sensitive_included"));
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(a, "areas"), i, o)
    {
        int k = code_index(assessment_area_names, json_string_value(json_object_get(o, "area")));
        int s = assessment_severity_rank(json_string_value(json_object_get(o, "severity")));
        if (k < 0 || s < 0)
            continue;
        json_object_set_new(o, "label", json_string(http_tr(req, area_labels[k])));
        json_object_set_new(o, "severity_label", json_string(http_tr(req, severity_labels[s])));
        json_object_set_new(o, "badge", json_string(severity_badges[s]));
        bool withheld = json_is_true(json_object_get(o, "sensitive")) && !included;
        json_object_set_new(o, "withheld", json_boolean(withheld));
        const char *tl = topics_label(req, json_object_get(o, "topics"));
        json_object_set_new(o, "topics_label", json_string(tl));
        json_object_set_new(o, "is_framework", json_boolean(k == AREA_FRAMEWORK));
    }
}

static json_t *
page_base(struct request *req, json_t *page, const char *title)
{
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, title)));
    json_object_set(v, "case", json_object_get(page, "case"));
    return v;
}

static void
decorate_versions(struct request *req, json_t *items, int64_t shown)
{
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o)
    {
        de_instant(o, "created_at");
        const char *p = json_string_value(json_object_get(o, "profile"));
        json_object_set_new(o, "profile_label", core_json_text(profile_label(req, p)));
        json_object_set_new(
            o, "shown", json_boolean(json_integer_value(json_object_get(o, "version")) == shown));
        json_object_set_new(o, "latest", json_boolean(i == 0));
    }
}

/* Options for the two selects of the compare form (FROM and TO preselected). */
static json_t *
version_options(const json_t *items, int64_t selected)
{
    json_t *opts = json_array();
    size_t i;
    json_t *o;
    json_array_foreach(items, i, o)
    {
        int64_t n = json_integer_value(json_object_get(o, "version"));
        json_t *x = json_object();
        json_object_set_new(x, "value", json_integer(n));
        json_object_set_new(x, "selected", json_boolean(n == selected));
        json_array_append_new(opts, x);
    }
    return opts;
}

static enum http_result
bad_query(struct request *req, const char *field)
{
    struct problem pb = PROBLEM_INIT;
    problem_field(&pb, &req->arena, field, "must be a version number (a whole number from 1)");
    return reply_problem(req, &pb);
}

enum http_result
web_assessment_show(struct request *req)
{
    int64_t version = query_number(req, "version");
    if (version < 0)
        return bad_query(req, "version");
    bool sensitive = query_flag(req, "sensitive");
    struct assessment_page_query q = { .version = version,
                                       .sensitive = sensitive,
                                       .purpose = "view" };
    struct problem pb = PROBLEM_INIT;
    json_t *page = NULL;
    if (assessments_page(&req->core, req->args[0], &q, &page, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *v = page_base(req, page, "Assessment");
    json_t *a = json_object_get(page, "assessment");
    json_t *items = json_object_get(page, "versions");
    int64_t shown = 0;
    if (json_is_object(a)) {
        decorate_assessment(req, a);
        shown = json_integer_value(json_object_get(a, "version"));
        json_object_set(v, "assessment", a);
    }
    decorate_versions(req, items, shown);
    size_t n = json_array_size(items);
    json_object_set(v, "versions", items);
    json_object_set_new(v, "has_versions", json_boolean(n > 0));
    json_object_set_new(v, "can_compare", json_boolean(n > 1));
    if (n > 1) {
        int64_t latest = json_integer_value(json_object_get(json_array_get(items, 0), "version"));
        json_object_set_new(v, "from_options", version_options(items, latest - 1));
        json_object_set_new(v, "to_options", version_options(items, latest));
    }
    json_object_set_new(v, "is_older",
                        json_boolean(n > 0 && shown &&
                                     shown != json_integer_value(json_object_get(
                                                  json_array_get(items, 0), "version"))));
    json_object_set_new(v, "sensitive_exists",
                        json_boolean(json_is_true(json_object_get(page, "sensitive_exists"))));
    json_decref(page);
    return reply_page(req, 200, "assessment.html", v);
}

/* ---- the form ---- */

/* The form's view from FORM (the browser's field names: "<area>.strengths",
 * "<area>.severity", "framework.topics.<code>", "profile", "sensitive_notes",
 * "sensitive_mode"). KEEP: the sensitive parts were withheld. */
static json_t *
form_view(struct request *req, const char *case_id, const json_t *form, bool keep,
          const struct problem *pb)
{
    json_t *v = json_object();
    json_object_set_new(v, "title", json_string(http_tr(req, "Update assessment")));
    json_t *k = json_object();
    json_object_set_new(k, "id", json_string(case_id));
    json_object_set_new(v, "case", k);
    json_object_set_new(v, "keep_sensitive", json_boolean(keep));
    json_object_set_new(v, "sensitive_mode", json_string(keep ? "keep" : "edit"));
    const char *base = json_string_value(json_object_get(form, "base_version"));
    json_object_set_new(v, "base_version", json_string(base ? base : "0"));
    json_t *errors = NULL;
    if (pb) {
        web_view_errors(req, v, pb);
        errors = json_object_get(v, "errors");
    }
    json_t *areas = json_array();
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        const char *name = assessment_area_names[i];
        json_t *f = json_object_get(form, name);
        json_t *o = json_object();
        json_object_set_new(o, "area", json_string(name));
        json_object_set_new(o, "label", json_string(http_tr(req, area_labels[i])));
        json_object_set_new(o, "hint", json_string(http_tr(req, area_hints[i])));
        bool withheld = keep && assessment_area_sensitive(i);
        json_object_set_new(o, "withheld", json_boolean(withheld));
        json_object_set_new(o, "sensitive", json_boolean(assessment_area_sensitive(i)));
        if (!withheld) {
            json_object_set(o, "strengths", json_object_get(f, "strengths"));
            json_object_set(o, "needs", json_object_get(f, "needs"));
        }
        const char *sev = json_string_value(json_object_get(f, "severity"));
        json_t *opts = json_array();
        for (int s = 0; assessment_severities[s]; s++) {
            json_t *x = json_object();
            json_object_set_new(x, "value", json_string(assessment_severities[s]));
            json_object_set_new(x, "label", json_string(http_tr(req, severity_labels[s])));
            json_object_set_new(
                x, "id",
                json_string(arena_printf(&req->arena, "%s_severity%s%s", name, s ? "_" : "",
                                         s ? assessment_severities[s] : "")));
            json_object_set_new(x, "checked",
                                json_boolean(sev && strcmp(sev, assessment_severities[s]) == 0));
            json_array_append_new(opts, x);
        }
        json_object_set_new(o, "severities", opts);
        if (i == AREA_FRAMEWORK) {
            json_t *chosen = json_object_get(f, "topics");
            json_t *topics = json_array();
            for (int t = 0; assessment_topic_codes[t]; t++) {
                json_t *x = json_object();
                const char *code = assessment_topic_codes[t];
                json_object_set_new(x, "code", json_string(code));
                json_object_set_new(x, "label", json_string(http_tr(req, topic_labels[t])));
                json_object_set_new(x, "checked",
                                    json_boolean(json_object_get(chosen, code) != NULL));
                json_array_append_new(topics, x);
            }
            json_object_set_new(o, "topics", topics);
            json_object_set_new(o, "is_framework", json_true());
        }
        static const char *const parts[] = { "strengths", "needs", "severity", "topics" };
        for (int p = 0; p < 4; p++) {
            const char *key = arena_printf(&req->arena, "%s_%s", name, parts[p]);
            json_t *msg = errors ? json_object_get(errors, key) : NULL;
            if (msg)
                json_object_set(o, arena_printf(&req->arena, "error_%s", parts[p]), msg);
        }
        json_array_append_new(areas, o);
    }
    json_object_set_new(v, "areas", areas);
    const char *profile = json_string_value(json_object_get(form, "profile"));
    json_t *popts = json_array();
    json_t *derive = json_object();
    json_object_set_new(derive, "value", json_string(""));
    json_object_set_new(derive, "label", json_string(http_tr(req, "Derive automatically")));
    json_object_set_new(derive, "selected", json_boolean(!profile || !profile[0]));
    json_array_append_new(popts, derive);
    for (int p = 0; assessment_profiles[p]; p++) {
        json_t *x = json_object();
        json_object_set_new(x, "value", json_string(assessment_profiles[p]));
        json_object_set_new(x, "label", json_string(http_tr(req, profile_labels[p])));
        json_object_set_new(x, "selected",
                            json_boolean(profile && strcmp(profile, assessment_profiles[p]) == 0));
        json_array_append_new(popts, x);
    }
    json_object_set_new(v, "profiles", popts);
    if (!keep)
        json_object_set(v, "sensitive_notes", json_object_get(form, "sensitive_notes"));
    return v;
}

/* The browser form's fields from a version view (the prefill). */
static json_t *
form_of_assessment(const json_t *a)
{
    json_t *form = json_object();
    if (!json_is_object(a)) {
        for (int i = 0; i < ASSESSMENT_AREAS; i++)
            json_object_set_new(form, assessment_area_names[i],
                                json_pack("{s:s}", "severity", "none"));
        return form;
    }
    size_t i;
    json_t *o;
    json_array_foreach(json_object_get(a, "areas"), i, o)
    {
        const char *name = json_string_value(json_object_get(o, "area"));
        if (!name)
            continue;
        json_t *f = json_object();
        json_t *s = json_object_get(o, "strengths"), *n = json_object_get(o, "needs");
        if (json_is_string(s))
            json_object_set(f, "strengths", s);
        if (json_is_string(n))
            json_object_set(f, "needs", n);
        json_object_set(f, "severity", json_object_get(o, "severity"));
        json_t *topics = json_object();
        size_t j;
        json_t *c;
        json_array_foreach(json_object_get(o, "topics"), j, c)
            json_object_set_new(topics, json_string_value(c), json_string("1"));
        json_object_set_new(f, "topics", topics);
        json_object_set_new(form, name, f);
    }
    /* an explicit profile is preselected; one equal to the derived one is
       left to the derivation, so that it follows the next change */
    const char *p = json_string_value(json_object_get(a, "profile"));
    const char *pd = json_string_value(json_object_get(a, "profile_derived"));
    if (p && (!pd || strcmp(p, pd) != 0))
        json_object_set_new(form, "profile", json_string(p));
    json_t *notes = json_object_get(a, "sensitive_notes");
    if (json_is_string(notes))
        json_object_set(form, "sensitive_notes", notes);
    return form;
}

enum http_result
web_assessment_form(struct request *req)
{
    bool sensitive = query_flag(req, "sensitive");
    struct assessment_page_query q = { .sensitive = sensitive, .purpose = "edit" };
    struct problem pb = PROBLEM_INIT;
    json_t *page = NULL;
    if (assessments_page(&req->core, req->args[0], &q, &page, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *k = json_object_get(page, "case");
    if (!json_is_true(json_object_get(k, "is_active"))) {
        bool closed = strcmp(json_string_value(json_object_get(k, "status")), "closed") == 0;
        json_decref(page);
        problem_set(&pb, CORE_CONFLICT, closed ? "case_closed" : "case_not_active",
                    closed ? "The case is closed; a closed case cannot be changed."
                           : "The case is not active yet: before the client's consent only the "
                             "referral is recorded.");
        return reply_problem(req, &pb);
    }
    bool keep = json_is_true(json_object_get(page, "sensitive_exists")) && !sensitive;
    json_t *form = form_of_assessment(json_object_get(page, "assessment"));
    /* the version this form is based on: saving over a newer one is refused */
    json_int_t base =
        json_integer_value(json_object_get(json_object_get(page, "assessment"), "version"));
    json_object_set_new(form, "base_version",
                        json_string(arena_printf(&req->arena, "%lld", (long long)base)));
    json_t *v = form_view(req, req->args[0], form, keep, NULL);
    json_object_set(v, "case", k);
    json_decref(form);
    json_decref(page);
    return reply_page(req, 200, "assessment_form.html", v);
}

struct save {
    const char *id;
    struct assessment_input in;
    json_t *typed; /* what the user sent, for the form on error */
    bool keep;
    json_t *view;
    struct problem pb;
};

static enum core_result
save_run(struct core_ctx *ctx, void *arg)
{
    struct save *s = arg;
    return assessments_put(ctx, s->id, &s->in, &s->view, &s->pb);
}

/* "areas[3].needs" → "framework.needs": the form names areas, not positions
 * (the body lists all five areas in their order). */
static const char *
form_field(struct request *req, const char *field)
{
    unsigned i;
    int n = 0;
    if (sscanf(field, "areas[%u]%n", &i, &n) == 1 && n > 0 && i < ASSESSMENT_AREAS)
        return arena_printf(&req->arena, "%s%s", assessment_area_names[i], field + n);
    return field;
}

static enum http_result
save_form_again(struct request *req, struct save *s, unsigned status)
{
    struct problem fp = PROBLEM_INIT;
    for (const struct field_error *e = s->pb.errors; e; e = e->next)
        problem_field(&fp, &req->arena, form_field(req, e->field), e->message);
    if (!fp.errors)
        fp = s->pb;
    json_t *v = form_view(req, s->id, s->typed, s->keep, &fp);
    return reply_page(req, status, "assessment_form.html", v);
}

static enum http_result
save_done(struct request *req)
{
    struct save *s = req->deferred_arg;
    json_decref(s->view);
    if (req->deferred_result == CORE_OK)
        return reply_redirect(req, arena_printf(&req->arena, "/cases/%s/assessment", s->id));
    if (s->pb.result == CORE_INVALID)
        return save_form_again(req, s, 422);
    if (s->pb.result == CORE_OK)
        problem_set(&s->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &s->pb);
}

/* S, or NULL when it holds nothing but white space. */
static json_t *
text_or_null(json_t *s)
{
    const char *p = json_string_value(s);
    if (!p)
        return NULL;
    for (; *p; p++)
        if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
            return s;
    return NULL;
}

enum http_result
web_assessment_save(struct request *req)
{
    struct save *s = arena_alloc(&req->arena, sizeof *s);
    s->id = req->args[0];
    json_t *form = req->form;
    const char *mode = http_form(req, "sensitive_mode");
    s->keep = mode && strcmp(mode, "keep") == 0;
    /* the API's shape: all five areas in their order */
    json_t *body = json_object(), *areas = json_array();
    for (int i = 0; i < ASSESSMENT_AREAS; i++) {
        const char *name = assessment_area_names[i];
        json_t *f = json_object_get(form, name);
        json_t *item = json_object();
        json_object_set_new(item, "area", json_string(name));
        if (!(s->keep && assessment_area_sensitive(i))) {
            /* what the form showed is what it sends, an emptied field too */
            json_t *t = text_or_null(json_object_get(f, "strengths"));
            json_object_set_new(item, "strengths", t ? json_incref(t) : json_string(""));
            t = text_or_null(json_object_get(f, "needs"));
            json_object_set_new(item, "needs", t ? json_incref(t) : json_string(""));
        }
        json_t *sev = json_object_get(f, "severity");
        if (json_is_string(sev))
            json_object_set(item, "severity", sev);
        json_t *topics = json_object_get(f, "topics");
        if (json_is_object(topics)) {
            json_t *list = json_array();
            const char *code;
            json_t *val;
            json_object_foreach(topics, code, val) json_array_append_new(list, json_string(code));
            json_object_set_new(item, "topics", list);
        }
        json_array_append_new(areas, item);
    }
    json_object_set_new(body, "areas", areas);
    const char *profile = http_form(req, "profile");
    if (profile && profile[0])
        json_object_set_new(body, "profile", json_string(profile));
    if (!s->keep) {
        json_t *notes = text_or_null(json_object_get(form, "sensitive_notes"));
        json_object_set_new(body, "sensitive_notes", notes ? json_incref(notes) : json_string(""));
    }
    const char *base = http_form(req, "base_version");
    char *end = NULL;
    long long bv = base ? strtoll(base, &end, 10) : -1;
    if (base && base[0] && !*end && bv >= 0)
        json_object_set_new(body, "base_version", json_integer(bv));
    /* the input borrows strings from BODY: keep it for the request */
    json_object_set_new(req->form, "__body", body);
    s->typed = form;
    enum core_result r = assessments_read_input(body, &s->in, &req->arena, &s->pb);
    s->in.keep_sensitive = s->keep;
    if (r == CORE_BAD_REQUEST)
        return save_form_again(req, s, 400);
    return http_write(req, save_run, s, save_done);
}

/* ---- the changes between two versions ---- */

static json_t *
diff_value(struct request *req, const char *field, json_t *value)
{
    if (json_is_null(value) || !value)
        return json_string("");
    if (strcmp(field, "severity") == 0) {
        int s = assessment_severity_rank(json_string_value(value));
        return json_string(s < 0 ? "" : http_tr(req, severity_labels[s]));
    }
    if (strcmp(field, "topics") == 0)
        return json_string(topics_label(req, value));
    if (strcmp(field, "profile") == 0 || strcmp(field, "profile_derived") == 0)
        return core_json_text(profile_label(req, json_string_value(value)));
    return json_incref(value);
}

static const char *
field_label(const char *field)
{
    static const char *const fields[][2] = {
        { "severity", "Severity" },
        { "strengths", "Strengths" },
        { "needs", "Needs for action" },
        { "topics", "Topics" },
        { "profile", "Profile group" },
        { "profile_derived", "Derived profile group" },
        { "sensitive_notes", "Sensitive notes" },
    };
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i][0], field) == 0)
            return fields[i][1];
    return field;
}

enum http_result
web_assessment_diff(struct request *req)
{
    int64_t from = query_number(req, "from"), to = query_number(req, "to");
    struct problem pb = PROBLEM_INIT;
    if (from <= 0)
        problem_field(&pb, &req->arena, "from", "must be a version number (a whole number from 1)");
    if (to <= 0)
        problem_field(&pb, &req->arena, "to", "must be a version number (a whole number from 1)");
    if (pb.n_errors)
        return reply_problem(req, &pb);
    bool sensitive = query_flag(req, "sensitive");
    struct assessment_page_query q = {
        .sensitive = sensitive, .purpose = "view", .diff_from = from, .diff_to = to
    };
    json_t *page = NULL;
    if (assessments_page(&req->core, req->args[0], &q, &page, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    json_t *v = page_base(req, page, "Changes to the assessment");
    json_t *rows = json_array();
    bool withheld_any = false;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(json_object_get(page, "diff"), "changes"), i, c)
    {
        const char *area = json_string_value(json_object_get(c, "area"));
        const char *field = json_string_value(json_object_get(c, "field"));
        int k = code_index(assessment_area_names, area);
        bool withheld = json_is_true(json_object_get(c, "sensitive")) && !sensitive;
        withheld_any = withheld_any || withheld;
        json_t *o = json_object();
        json_object_set_new(
            o, "area_label",
            json_string(k < 0 ? http_tr(req, "Whole assessment") : http_tr(req, area_labels[k])));
        json_object_set_new(o, "field_label", json_string(http_tr(req, field_label(field))));
        json_object_set_new(o, "withheld", json_boolean(withheld));
        json_object_set_new(o, "before", diff_value(req, field, json_object_get(c, "before")));
        json_object_set_new(o, "after", diff_value(req, field, json_object_get(c, "after")));
        json_array_append_new(rows, o);
    }
    json_object_set_new(v, "has_changes", json_boolean(json_array_size(rows) > 0));
    json_object_set_new(v, "changes", rows);
    json_object_set_new(v, "from", json_integer(from));
    json_object_set_new(v, "to", json_integer(to));
    json_object_set_new(v, "withheld_any", json_boolean(withheld_any));
    json_object_set_new(v, "sensitive_included", json_boolean(sensitive));
    json_decref(page);
    return reply_page(req, 200, "assessment_diff.html", v);
}
