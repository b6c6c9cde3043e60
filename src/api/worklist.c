/* api/worklist.c — GET /worklist?days=N and GET /cases/{id}/timeline. */
#include <stdlib.h>

#include "api/api.h"
#include "core/search.h"
#include "core/timeline.h"
#include "core/worklist.h"

/* DAYS from the query: the default when absent, -1 when malformed. */
int
api_days(struct request *req)
{
    const char *s = http_query(req, "days");
    if (!s)
        return WORKLIST_DAYS_DEFAULT;
    char *end;
    long v = strtol(s, &end, 10);
    return !s[0] || *end || v < 0 || v > WORKLIST_DAYS_MAX ? -1 : (int)v;
}

enum http_result
api_worklist(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (worklist_get(&req->core, api_days(req), &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_case_timeline(struct request *req)
{
    int limit;
    const char *cursor;
    if (!api_paging(req, &limit, &cursor))
        return HTTP_DONE;
    if (!http_query(req, "limit"))
        limit = TIMELINE_LIMIT_DEFAULT;
    if (cursor) { /* the history comes in one piece of up to 500 events, newest first */
        struct problem pb = PROBLEM_INIT;
        problem_field(&pb, &req->arena, "cursor", "is not taken by this list; use limit");
        return reply_problem(req, &pb);
    }
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (timeline_get(&req->core, req->args[0], http_query(req, "kind"), limit, &view, &pb) !=
        CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_search(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (search_clients(&req->core, http_query(req, "q"), &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}
