/* web/plans.c — (being written) */
#include "web/web.h"

enum http_result
web_plan_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_plan_form(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_plan_print(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_plan_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_plan_step_update(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}
