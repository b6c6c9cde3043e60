/*
 * routes.c — every URL lotse answers, and who may call it. The router
 * checks method, path, session or token, CSRF, content type and body size
 * before a handler runs; what a handler may then do to a case is decided by
 * core/access. A route without an auth requirement is refused at start-up.
 */
#include "routes.h"

#include "api/api.h"
#include "web/web.h"

/* The table reads best aligned, so the formatter leaves it alone. */
// clang-format off
const struct route lotse_routes[] = {
    /* method   pattern                              handler             auth           body */
    {"GET",    "/healthz",                           sys_healthz,        AUTH_NONE,     BODY_NONE},
    {"GET",    "/metrics",                           sys_metrics,        AUTH_NONE,     BODY_NONE},
    {"GET",    "/api/v1/openapi.json",               api_openapi,        AUTH_NONE,     BODY_NONE},
    {"POST",   "/api/v1/tokens",                     api_token_create,   AUTH_NONE,     BODY_JSON},
    {"DELETE", "/api/v1/tokens/current",             api_token_delete,   AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/me",                         api_me,             AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/users",                      api_user_create,    AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/users/{id}",                 api_user_show,      AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/teams",                      api_team_create,    AUTH_API,      BODY_JSON},
    {"POST",   "/api/v1/clients",                    api_client_create,  AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/clients",                    api_client_find,    AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/clients/{id}",               api_client_show,    AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/cases",                      api_case_create,    AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/cases",                      api_case_list,      AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/cases/{id}",                 api_case_show,      AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/cases/{id}/activate",        api_case_activate,  AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/search",                     api_search,         AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/worklist",                   api_worklist,       AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/cases/{id}/timeline",        api_case_timeline,  AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/cases/{id}/reviews",         api_review_create,  AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/reviews",         api_review_list,    AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/cases/{id}/integrations",    api_integration_create, AUTH_API,  BODY_JSON},
    {"POST",   "/api/v1/cases/{id}/close",           api_case_close,     AUTH_API,      BODY_JSON},
    {"POST",   "/api/v1/cases/{id}/notes",           api_note_create,    AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/notes",           api_note_list,      AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/notes/{id}",                 api_note_show,      AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/notes/{id}/corrections",     api_note_correct,   AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/text-templates",             api_template_list,  AUTH_API,      BODY_NONE},
    {"POST",   "/api/v1/text-templates",             api_template_create, AUTH_API,     BODY_JSON},
    {"DELETE", "/api/v1/text-templates/{id}",        api_template_delete, AUTH_API,     BODY_NONE},
    {"POST",   "/api/v1/cases/{id}/appointments",    api_appointment_create, AUTH_API,  BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/appointments",    api_appointment_list, AUTH_API,    BODY_NONE},
    {"GET",    "/api/v1/appointments/{id}",          api_appointment_show, AUTH_API,    BODY_NONE},
    {"PATCH",  "/api/v1/appointments/{id}",          api_appointment_update, AUTH_API,  BODY_JSON},
    {"POST",   "/api/v1/cases/{id}/plans",           api_plan_create,    AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/plans",           api_plan_list,      AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/cases/{id}/plans/current",   api_plan_current,   AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/plans/{id}",                 api_plan_show,      AUTH_API,      BODY_NONE},
    {"PATCH",  "/api/v1/plan-steps/{id}",            api_plan_step_update, AUTH_API,    BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/assessment",      api_assessment_show, AUTH_API,     BODY_NONE},
    {"PUT",    "/api/v1/cases/{id}/assessment",      api_assessment_put, AUTH_API,      BODY_JSON},
    {"GET",    "/api/v1/cases/{id}/assessment/versions", api_assessment_versions, AUTH_API, BODY_NONE},
    {"GET",    "/api/v1/cases/{id}/assessment/diff", api_assessment_diff, AUTH_API,     BODY_NONE},
    {"GET",    "/api/v1/audit",                      api_audit_list,     AUTH_API,      BODY_NONE},
    {"GET",    "/api/v1/audit/verify",               api_audit_verify,   AUTH_API,      BODY_NONE},

    {"GET",    "/login",                             web_login_form,     AUTH_WEB_PRE,  BODY_NONE},
    {"POST",   "/login",                             web_login,          AUTH_WEB_PRE,  BODY_FORM},
    {"POST",   "/logout",                            web_logout,         AUTH_WEB,      BODY_FORM},
    {"GET",    "/language",                          web_language,       AUTH_NONE,     BODY_NONE},
    {"GET",    "/",                                  web_worklist,       AUTH_WEB,      BODY_NONE},
    {"GET",    "/cases",                             web_home,           AUTH_WEB,      BODY_NONE},
    {"GET",    "/search",                            web_search,         AUTH_WEB,      BODY_NONE},
    {"GET",    "/intake",                            web_intake_form,    AUTH_WEB,      BODY_NONE},
    {"POST",   "/intake",                            web_intake,         AUTH_WEB,      BODY_FORM},
    {"GET",    "/cases/{id}",                        web_case_show,      AUTH_WEB,      BODY_NONE},
    {"POST",   "/cases/{id}/activate",               web_case_activate,  AUTH_WEB,      BODY_FORM},
    {"GET",    "/cases/{id}/review",                 web_review_form,    AUTH_WEB,      BODY_NONE},
    {"POST",   "/cases/{id}/review",                 web_review_create,  AUTH_WEB,      BODY_FORM},
    {"GET",    "/cases/{id}/close",                  web_close_form,     AUTH_WEB,      BODY_NONE},
    {"POST",   "/cases/{id}/close",                  web_close,          AUTH_WEB,      BODY_FORM},
    {"GET",    "/cases/{id}/notes/new",              web_note_form,      AUTH_WEB,      BODY_NONE},
    {"POST",   "/cases/{id}/notes",                  web_note_create,    AUTH_WEB,      BODY_FORM},
    {"GET",    "/notes/{id}",                        web_note_show,      AUTH_WEB,      BODY_NONE},
    {"POST",   "/notes/{id}/corrections",            web_note_correct,   AUTH_WEB,      BODY_FORM},
    {"GET",    "/text-templates",                    web_templates,      AUTH_WEB,      BODY_NONE},
    {"POST",   "/text-templates",                    web_template_create, AUTH_WEB,     BODY_FORM},
    {"POST",   "/text-templates/{id}/delete",        web_template_delete, AUTH_WEB,     BODY_FORM},
    {"GET",    "/cases/{id}/appointments/new",       web_appointment_form, AUTH_WEB,    BODY_NONE},
    {"POST",   "/cases/{id}/appointments",           web_appointment_create, AUTH_WEB,  BODY_FORM},
    {"GET",    "/appointments/{id}",                 web_appointment_show, AUTH_WEB,    BODY_NONE},
    {"POST",   "/appointments/{id}/attendance",      web_appointment_attendance, AUTH_WEB, BODY_FORM},
    {"GET",    "/cases/{id}/plan",                   web_plan_show,      AUTH_WEB,      BODY_NONE},
    {"GET",    "/cases/{id}/plan/new",               web_plan_form,      AUTH_WEB,      BODY_NONE},
    {"GET",    "/cases/{id}/plan/print",             web_plan_print,     AUTH_WEB,      BODY_NONE},
    {"POST",   "/cases/{id}/plans",                  web_plan_create,    AUTH_WEB,      BODY_FORM},
    {"POST",   "/plan-steps/{id}",                   web_plan_step_update, AUTH_WEB,    BODY_FORM},
    {"GET",    "/cases/{id}/assessment",             web_assessment_show, AUTH_WEB,     BODY_NONE},
    {"GET",    "/cases/{id}/assessment/edit",        web_assessment_form, AUTH_WEB,     BODY_NONE},
    {"POST",   "/cases/{id}/assessment",             web_assessment_save, AUTH_WEB,     BODY_FORM},
    {"GET",    "/cases/{id}/assessment/diff",        web_assessment_diff, AUTH_WEB,     BODY_NONE},
    {"GET",    "/static/{*}",                        web_static,         AUTH_NONE,     BODY_NONE},
};
// clang-format on

const size_t lotse_n_routes = sizeof lotse_routes / sizeof lotse_routes[0];
