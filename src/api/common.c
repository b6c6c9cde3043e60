/* api/common.c — input reading and deferred-write answers shared by the handlers. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/input.h"

bool
api_input(struct request *req, const struct field *fields, void *out)
{
    struct problem pb = PROBLEM_INIT;
    if (input_read(req->json, fields, out, &req->arena, &pb) == CORE_OK)
        return true;
    reply_problem(req, &pb);
    return false;
}

bool
api_input_collect(struct request *req, const struct field *fields, void *out, struct problem *pb)
{
    if (input_read(req->json, fields, out, &req->arena, pb) != CORE_BAD_REQUEST)
        return true;
    reply_problem(req, pb);
    return false;
}

static enum http_result
reply_write(struct request *req, unsigned status)
{
    struct api_write *w = req->deferred_arg;
    if (req->deferred_result == CORE_OK)
        return reply_json(req, status, w->view);
    json_decref(w->view);
    if (w->pb.result == CORE_OK) /* e.g. the commit failed after the service succeeded */
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

enum http_result
api_reply_created(struct request *req)
{
    return reply_write(req, 201);
}

enum http_result
api_reply_ok(struct request *req)
{
    return reply_write(req, 200);
}

enum http_result
api_reply_no_content(struct request *req)
{
    struct api_write *w = req->deferred_arg;
    if (req->deferred_result == CORE_OK)
        return reply_bytes(req, 204, "text/plain", "", 0);
    if (w->pb.result == CORE_OK)
        problem_set(&w->pb, req->deferred_result, NULL, NULL);
    return reply_problem(req, &w->pb);
}

bool
api_paging(struct request *req, int *limit, const char **cursor)
{
    const char *l = http_query(req, "limit");
    *limit = 50;
    *cursor = http_query(req, "cursor");
    if (l) {
        char *end;
        long v = strtol(l, &end, 10);
        if (!l[0] || *end || v < 1 || v > 500) {
            struct problem pb = PROBLEM_INIT;
            problem_field(&pb, &req->arena, "limit", "must be a whole number from 1 to 500");
            reply_problem(req, &pb);
            return false;
        }
        *limit = (int)v;
    }
    if (*cursor && strlen(*cursor) > 64) {
        struct problem pb = PROBLEM_INIT;
        problem_field(&pb, &req->arena, "cursor", "is not a cursor of this list");
        reply_problem(req, &pb);
        return false;
    }
    return true;
}
