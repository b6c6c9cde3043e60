/* api/notes.c — POST/GET /cases/{id}/notes, GET /notes/{id}, POST
 * /notes/{id}/corrections, and the text templates GET/POST /text-templates,
 * DELETE /text-templates/{id}. */
#include <string.h>

#include "api/api.h"
#include "core/notes.h"

struct note_write {
    struct api_write w;
    struct note_input in;
};

static enum core_result
note_insert(struct core_ctx *ctx, void *arg)
{
    struct note_write *c = arg;
    return notes_create(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_note_create(struct request *req)
{
    struct note_write *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, note_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    c->w.id = req->args[0];
    return http_write(req, note_insert, c, api_reply_created);
}

/* ?sensitive=true asks for the text of sensitive notes (logged). */
static bool
want_sensitive(struct request *req, bool *out)
{
    const char *s = http_query(req, "sensitive");
    *out = false;
    if (!s || strcmp(s, "false") == 0)
        return true;
    if (strcmp(s, "true") == 0) {
        *out = true;
        return true;
    }
    struct problem pb = PROBLEM_INIT;
    problem_field(&pb, &req->arena, "sensitive", "must be true or false");
    reply_problem(req, &pb);
    return false;
}

enum http_result
api_note_list(struct request *req)
{
    struct note_list_query q = { 0 };
    if (!api_paging(req, &q.limit, &q.cursor) || !want_sensitive(req, &q.show_sensitive))
        return HTTP_DONE;
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (notes_list(&req->core, req->args[0], &q, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

enum http_result
api_note_show(struct request *req)
{
    bool show;
    if (!want_sensitive(req, &show))
        return HTTP_DONE;
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (notes_get(&req->core, req->args[0], show, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

static enum core_result
note_correct(struct core_ctx *ctx, void *arg)
{
    struct note_write *c = arg;
    return notes_correct(ctx, c->w.id, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_note_correct(struct request *req)
{
    struct note_write *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, note_correction_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    c->w.id = req->args[0];
    return http_write(req, note_correct, c, api_reply_created);
}

enum http_result
api_template_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (text_templates_list(&req->core, &view, &pb) != CORE_OK)
        return reply_problem(req, &pb);
    return reply_json(req, 200, view);
}

struct template_write {
    struct api_write w;
    struct text_template_input in;
};

static enum core_result
template_insert(struct core_ctx *ctx, void *arg)
{
    struct template_write *c = arg;
    return text_templates_create(ctx, &c->in, &c->w.view, &c->w.pb);
}

enum http_result
api_template_create(struct request *req)
{
    struct template_write *c = arena_alloc(&req->arena, sizeof *c);
    if (!api_input_collect(req, text_template_fields, &c->in, &c->w.pb))
        return HTTP_DONE;
    return http_write(req, template_insert, c, api_reply_created);
}

static enum core_result
template_remove(struct core_ctx *ctx, void *arg)
{
    struct api_write *w = arg;
    return text_templates_delete(ctx, w->id, &w->pb);
}

enum http_result
api_template_delete(struct request *req)
{
    struct api_write *w = arena_alloc(&req->arena, sizeof *w);
    w->id = req->args[0];
    return http_write(req, template_remove, w, api_reply_no_content);
}
