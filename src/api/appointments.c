/* api/appointments.c — POST, GET /cases/{id}/appointments, GET and PATCH /appointments/{id}. */
#include "api/api.h"
#include "core/appointments.h"
#include "core/input.h"

struct appointment_create {
    struct api_write w;
    struct appointment_input in;
};

static enum core_result
appointment_insert(struct core_ctx *ctx, void *arg)
{
    struct appointment_create *c = arg;
    return appointments_create(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_appointment_create(struct request *req)
{
    struct appointment_create *c = arena_alloc(&req->arena, sizeof *c);
    /* a 422 waits: the service adds its rule errors and one answer lists them all */
    if (appointments_input(req->json, &c->in, &req->arena, &c->w.pb) == CORE_BAD_REQUEST)
        return reply_problem(req, &c->w.pb);
    c->w.id = req->args[0];
    return http_write(req, appointment_insert, c, api_reply_created);
}

enum http_result
api_appointment_list(struct request *req)
{
    struct appointment_list_query q = { 0 };
    if (!api_paging(req, &q.limit, &q.cursor))
        return HTTP_DONE;
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (appointments_list(&req->core, req->args[0], &q, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_appointment_show(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (appointments_get(&req->core, req->args[0], &view, NULL, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct appointment_update {
    struct api_write w;
    struct attendance_input in;
};

static enum core_result
appointment_attendance(struct core_ctx *ctx, void *arg)
{
    struct appointment_update *u = arg;
    return appointments_set_attendance(ctx, u->w.id, &u->in, &u->w.view, &u->w.pb);
}

enum http_result
api_appointment_update(struct request *req)
{
    struct appointment_update *u = arena_alloc(&req->arena, sizeof *u);
    if (!api_input_collect(req, attendance_fields, &u->in, &u->w.pb))
        return HTTP_DONE;
    u->w.id = req->args[0];
    return http_write(req, appointment_attendance, u, api_reply_ok);
}
