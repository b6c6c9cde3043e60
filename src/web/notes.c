/* web/notes.c — (being written) */
#include "web/web.h"

enum http_result
web_note_form(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_note_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_note_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_note_correct(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_templates(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_template_create(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}

enum http_result
web_template_delete(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    problem_set(&pb, CORE_ERROR, NULL, "not yet");
    return reply_problem(req, &pb);
}
