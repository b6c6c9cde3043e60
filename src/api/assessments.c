/*
 * api/assessments.c — GET and PUT /cases/{id}/assessment, GET
 * /cases/{id}/assessment/versions and GET /cases/{id}/assessment/diff.
 * Sensitive content (Art. 9) only with ?sensitive=true.
 */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/assessments.h"

/* Query parameter NAME as a version number (1 … 1000000000) into *OUT; 0
 * when absent and not REQUIRED. A bad value adds a field error to PB. */
static void
query_version(struct request *req, const char *name, bool required, int64_t *out,
              struct problem *pb)
{
    const char *s = http_query(req, name);
    *out = 0;
    if (!s) {
        if (required)
            problem_field(pb, &req->arena, name, "is required");
        return;
    }
    char *end;
    long long v = s[0] >= '0' && s[0] <= '9' ? strtoll(s, &end, 10) : 0;
    if (v < 1 || v > 1000000000 || *end) {
        problem_field(pb, &req->arena, name, "must be a version number (a whole number from 1)");
        return;
    }
    *out = v;
}

/* ?sensitive=true|false (also 1|0); absent is false. */
static bool
query_sensitive(struct request *req, struct problem *pb)
{
    const char *s = http_query(req, "sensitive");
    if (!s || strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        return false;
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        return true;
    problem_field(pb, &req->arena, "sensitive", "must be true or false");
    return false;
}

enum http_result
api_assessment_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    int64_t version;
    query_version(req, "version", false, &version, &pb);
    bool sensitive = query_sensitive(req, &pb);
    if (pb.n_errors)
        return reply_problem(req, &pb);
    json_t *view = NULL;
    if (assessments_get(&req->core, req->args[0], version, sensitive, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct assessment_write {
    struct api_write w;
    struct assessment_input in;
};

static enum core_result
assessment_store(struct core_ctx *ctx, void *arg)
{
    struct assessment_write *c = arg;
    return assessments_put(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_assessment_put(struct request *req)
{
    struct assessment_write *c = arena_alloc(&req->arena, sizeof *c);
    /* format errors stay in the problem: the service answers them as one 422
       once the case is found, open to the caller and active */
    if (assessments_read_input(req->json, &c->in, &req->arena, &c->w.pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &c->w.pb);
    c->w.id = req->args[0];
    return http_write(req, assessment_store, c, api_reply_ok);
}

enum http_result
api_assessment_versions(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (assessments_versions(&req->core, req->args[0], &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_assessment_diff(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    int64_t from, to;
    query_version(req, "from", true, &from, &pb);
    query_version(req, "to", true, &to, &pb);
    bool sensitive = query_sensitive(req, &pb);
    if (pb.n_errors)
        return reply_problem(req, &pb);
    json_t *view = NULL;
    if (assessments_diff(&req->core, req->args[0], from, to, sensitive, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}
