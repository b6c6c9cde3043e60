/*
 * api/api.h — the JSON handlers of /api/v1 (the API contract), one file per resource.
 * Each reads its input through a field table, calls one core service and
 * answers with the service's view or its problem.
 */
#ifndef LOTSE_API_API_H
#define LOTSE_API_API_H

#include "core/input.h"
#include "http/http.h"

/* common.c */
/* Validate req->json against FIELDS into OUT; on failure the problem reply
 * is already set and false is returned. */
bool api_input(struct request *req, const struct field *fields, void *out);
/* Like api_input, but a 422 is not answered yet: its field errors stay in PB
 * so that the service adds its rule errors and one 422 lists them all. False
 * (reply set) only for a 400. */
bool api_input_collect(struct request *req, const struct field *fields, void *out,
                       struct problem *pb);
/* Answer a deferred write: 201/200 with req's view or the problem. */
enum http_result api_reply_created(struct request *req);
enum http_result api_reply_ok(struct request *req);
/* 204 without a body, or the problem (the deferred arg is a struct api_write). */
enum http_result api_reply_no_content(struct request *req);
/* limit and cursor query parameters; false (reply set) when malformed. */
bool api_paging(struct request *req, int *limit, const char **cursor);

/* The argument block of a deferred write handled by common.c. */
struct api_write {
    void *input;
    const char *id; /* path argument, if any */
    json_t *view;
    struct problem pb;
};

enum http_result api_token_create(struct request *req);
enum http_result api_token_delete(struct request *req);
enum http_result api_me(struct request *req);
enum http_result api_user_create(struct request *req);
enum http_result api_user_show(struct request *req);
enum http_result api_team_create(struct request *req);
enum http_result api_client_create(struct request *req);
enum http_result api_client_show(struct request *req);
enum http_result api_client_find(struct request *req);
enum http_result api_case_create(struct request *req);
enum http_result api_case_list(struct request *req);
enum http_result api_case_show(struct request *req);
enum http_result api_case_activate(struct request *req);
/* notes.c */
enum http_result api_note_create(struct request *req);
enum http_result api_note_list(struct request *req);
enum http_result api_note_show(struct request *req);
enum http_result api_note_correct(struct request *req);
enum http_result api_template_list(struct request *req);
enum http_result api_template_create(struct request *req);
enum http_result api_template_delete(struct request *req);
/* appointments.c */
enum http_result api_appointment_create(struct request *req);
enum http_result api_appointment_list(struct request *req);
enum http_result api_appointment_show(struct request *req);
enum http_result api_appointment_update(struct request *req);
/* plans.c */
enum http_result api_plan_create(struct request *req);
enum http_result api_plan_list(struct request *req);
enum http_result api_plan_current(struct request *req);
enum http_result api_plan_show(struct request *req);
enum http_result api_plan_step_update(struct request *req);
/* assessments.c */
enum http_result api_assessment_show(struct request *req);
enum http_result api_assessment_put(struct request *req);
enum http_result api_assessment_versions(struct request *req);
enum http_result api_assessment_diff(struct request *req);
/* rules.c */
enum http_result api_rules(struct request *req);
enum http_result api_rule_set(struct request *req);
/* team.c */
enum http_result api_case_transfer(struct request *req);
enum http_result api_deputy_create(struct request *req);
enum http_result api_deputy_list(struct request *req);
enum http_result api_deputy_delete(struct request *req);
enum http_result api_caseload(struct request *req);
/* worklist.c */
/* ?days=N: WORKLIST_DAYS_DEFAULT when absent, -1 when malformed. */
int api_days(struct request *req);
enum http_result api_worklist(struct request *req);
enum http_result api_case_timeline(struct request *req);
enum http_result api_search(struct request *req);
/* reviews.c */
enum http_result api_review_create(struct request *req);
enum http_result api_review_list(struct request *req);
enum http_result api_integration_create(struct request *req);
enum http_result api_case_close(struct request *req);
enum http_result api_audit_list(struct request *req);
enum http_result api_audit_verify(struct request *req);
enum http_result api_openapi(struct request *req);
enum http_result sys_healthz(struct request *req);
enum http_result sys_metrics(struct request *req);

#endif
