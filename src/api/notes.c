/* api/notes.c — (being written) */
#include "api/api.h"

enum http_result
api_note_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_note_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_note_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_note_correct(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_template_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_template_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
api_template_delete(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}
