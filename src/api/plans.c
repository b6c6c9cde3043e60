/* api/plans.c — (being written) */
#include "api/api.h"

enum http_result
api_plan_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_plan_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_plan_current(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_plan_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_plan_step_update(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}
