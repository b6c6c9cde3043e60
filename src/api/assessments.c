/* api/assessments.c — (being written) */
#include "api/api.h"

enum http_result
api_assessment_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_assessment_put(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_assessment_versions(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_assessment_diff(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}
