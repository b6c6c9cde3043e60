/*
 * web/web.h — the browser pages, one file per resource. Handlers call the
 * same core services as api/ and render the same view models through
 * templates; forms are turned into the API's JSON shape and validated by
 * the same field tables, and on error the form comes back with every
 * message next to its field and the input kept.
 */
#ifndef LOTSE_WEB_WEB_H
#define LOTSE_WEB_WEB_H

#include "http/http.h"

struct field;

/* common.c */
/* Turn the German date field NAME ("TT.MM.JJJJ", or ISO) of FORM into ISO in
 * place; leaves an unparsable value as it is so that validation reports it. */
void web_form_date(json_t *form, const char *dotted_name);
/* A "YYYY-MM-DD" value under KEY of OBJ as "TT.MM.JJJJ", in place. */
void web_de_date(json_t *obj, const char *key);
/* Where a form may send the user back to: WANT when it is "/" (the start
 * page) or CASE_ID's page, else NULL; nothing else, so that no link can
 * lead elsewhere. */
const char *web_return_to(struct request *req, const char *want, const char *case_id);
/* Drop empty strings from FORM (optional fields left blank). */
void web_form_drop_empty(json_t *form);
/* A view's "errors" (field → translated message, dots as '_') and
 * "error_list" for the error summary, from PB; adds "title" prefix handling. */
void web_view_errors(struct request *req, json_t *view, const struct problem *pb);
/* The page for a refused read/write: 403/404/409/500 as a page. */
enum http_result web_problem(struct request *req, const struct problem *pb);

enum http_result web_login_form(struct request *req);
enum http_result web_login(struct request *req);
enum http_result web_logout(struct request *req);
enum http_result web_language(struct request *req);
enum http_result web_home(struct request *req);
enum http_result web_intake_form(struct request *req);
enum http_result web_intake(struct request *req);
enum http_result web_case_show(struct request *req);
enum http_result web_case_activate(struct request *req);
enum http_result web_case_reopen(struct request *req);
/* notes.c */
enum http_result web_note_form(struct request *req);
enum http_result web_note_create(struct request *req);
enum http_result web_note_show(struct request *req);
enum http_result web_note_correct(struct request *req);
enum http_result web_templates(struct request *req);
enum http_result web_template_create(struct request *req);
enum http_result web_template_delete(struct request *req);
/* appointments.c */
enum http_result web_appointment_form(struct request *req);
enum http_result web_appointment_create(struct request *req);
enum http_result web_appointment_show(struct request *req);
enum http_result web_appointment_attendance(struct request *req);
/* plans.c */
enum http_result web_plan_show(struct request *req);
enum http_result web_plan_form(struct request *req);
enum http_result web_plan_print(struct request *req);
enum http_result web_plan_create(struct request *req);
enum http_result web_plan_step_update(struct request *req);
/* assessments.c */
enum http_result web_assessment_show(struct request *req);
enum http_result web_assessment_form(struct request *req);
enum http_result web_assessment_save(struct request *req);
enum http_result web_assessment_diff(struct request *req);
/* rules.c */
enum http_result web_rules(struct request *req);
enum http_result web_rule_set(struct request *req);
/* team.c */
enum http_result web_team(struct request *req);
enum http_result web_deputy_create(struct request *req);
enum http_result web_deputy_revoke(struct request *req);
enum http_result web_transfer_form(struct request *req);
enum http_result web_transfer(struct request *req);
/* worklist.c */
enum http_result web_worklist(struct request *req);
enum http_result web_search(struct request *req);
/* reviews.c */
enum http_result web_review_form(struct request *req);
enum http_result web_review_create(struct request *req);
enum http_result web_close_form(struct request *req);
enum http_result web_close(struct request *req);
enum http_result web_static(struct request *req);

#endif
