/* api/audit.c — GET /audit and GET /audit/verify, for the dpo role. */
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "core/audit.h"
#include "util/date.h"

static bool
instant_or_date(const char *s, int64_t *out_us, bool end)
{
    int64_t t;
    struct date d;
    if (instant_parse(s, &t)) {
        *out_us = t * 1000000;
        return true;
    }
    if (date_parse(s, &d)) {
        /* a date means that whole day in Berlin; the day's start at 00:00 UTC is close enough
           for a filter, and "to" includes the whole day */
        *out_us = (date_to_days(end ? date_add_days(d, 1) : d) * 86400) * 1000000;
        return true;
    }
    return false;
}

enum http_result
api_audit_list(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    if (!(req->actor.roles & ROLE_DPO)) {
        problem_set(&pb, CORE_FORBIDDEN, NULL, "Only data protection officers read the audit log.");
        return reply_problem(req, &pb);
    }
    struct audit_query q = { .case_id = http_query(req, "case_id"),
                             .actor_id = http_query(req, "actor_id"),
                             .client_id = http_query(req, "client_id") };
    const char *cursor;
    if (!api_paging(req, &q.limit, &cursor))
        return HTTP_DONE;
    if (cursor) {
        char *end;
        q.cursor = strtoll(cursor, &end, 10);
        if (*end || q.cursor <= 0)
            problem_field(&pb, &req->arena, "cursor", "is not a cursor of this list");
    }
    const char *from = http_query(req, "from"), *to = http_query(req, "to");
    if (from && !instant_or_date(from, &q.from_us, false))
        problem_field(&pb, &req->arena, "from", "must be a date or an RFC 3339 instant");
    if (to && !instant_or_date(to, &q.to_us, true))
        problem_field(&pb, &req->arena, "to", "must be a date or an RFC 3339 instant");
    if (pb.n_errors)
        return reply_problem(req, &pb);
    json_t *view = NULL;
    if (audit_list(&req->core, &q, &view, &pb) != CORE_OK) {
        json_decref(view);
        return reply_problem(req, &pb);
    }
    return reply_json(req, 200, view);
}

enum http_result
api_audit_verify(struct request *req)
{
    struct problem pb = PROBLEM_INIT;
    if (!(req->actor.roles & ROLE_DPO)) {
        problem_set(&pb, CORE_FORBIDDEN, NULL,
                    "Only data protection officers verify the audit log.");
        return reply_problem(req, &pb);
    }
    struct audit_verify v;
    if (audit_verify(req->core.db, &v) != CORE_OK) {
        problem_set(&pb, CORE_ERROR, NULL, NULL);
        return reply_problem(req, &pb);
    }
    /* checking the chain is itself recorded */
    const struct audit_entry e = { "audit.verify",
                                   "audit",
                                   NULL,
                                   NULL,
                                   NULL,
                                   PURPOSE_DPO_TASK,
                                   v.ok ? "chain intact" : "chain broken" };
    if (audit_record(&req->core, &e) != CORE_OK) {
        problem_set(&pb, CORE_ERROR, NULL, NULL);
        return reply_problem(req, &pb);
    }
    json_t *o = json_object();
    json_object_set_new(o, "ok", json_boolean(v.ok));
    json_object_set_new(o, "entries", json_integer(v.entries));
    json_object_set_new(o, "head", v.head[0] ? json_string(v.head) : json_null());
    if (!v.ok) {
        json_t *bad = json_object();
        json_object_set_new(bad, "seq", json_integer(v.first_bad));
        json_object_set_new(bad, "reason", json_string(v.reason));
        json_object_set_new(o, "first_bad", bad);
    }
    return reply_json(req, 200, o);
}
