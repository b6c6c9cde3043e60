/* api/system.c — /healthz, /metrics and the OpenAPI document. */
#include <string.h>

#include "api/api.h"
#include "util/embedded.h"

enum http_result
sys_healthz(struct request *req)
{
    if (!core_store_healthy(&req->core)) {
        static const char down[] = "{\"status\":\"unavailable\"}";
        return reply_bytes(req, 503, "application/json", down, sizeof down - 1);
    }
    static const char ok[] = "{\"status\":\"ok\"}";
    return reply_bytes(req, 200, "application/json", ok, sizeof ok - 1);
}

enum http_result
sys_metrics(struct request *req)
{
    struct buf b = BUF_INIT;
    http_metrics_render(&b);
    reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    buf_free(&b);
    return HTTP_DONE;
}

enum http_result
api_openapi(struct request *req)
{
    const struct embedded_file *f = embedded_find(embedded_static, "openapi.json");
    if (!f) {
        struct problem pb = PROBLEM_INIT;
        problem_set(&pb, CORE_NOT_FOUND, NULL, NULL);
        return reply_problem(req, &pb);
    }
    http_header(req, "Cache-Control", "public, max-age=3600");
    return reply_bytes(req, 200, "application/json", f->data, f->len);
}
