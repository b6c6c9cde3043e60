/*
 * core/timeline.h — a case's history in one list (notes, appointments,
 * plan and assessment versions, reviews, transfers, integrations), newest
 * first and filterable by kind; and the case overview the case page shows:
 * the case, its key facts and its timeline, read as one audited access.
 */
#ifndef LOTSE_CORE_TIMELINE_H
#define LOTSE_CORE_TIMELINE_H

#include "core/core.h"

/* The kinds of events, for filters. */
extern const char *const timeline_kinds[];

enum { TIMELINE_LIMIT_DEFAULT = 200, TIMELINE_LIMIT_MAX = 1000 };
/* The case page shows the newest events; the whole history on request. */
enum { TIMELINE_PAGE = 50 };

/* *VIEW = {items:[{at,kind,id,date,...}]}; KIND NULL or one of
 * timeline_kinds (422 otherwise). Audited as "case.timeline". */
enum core_result timeline_get(struct core_ctx *ctx, const char *case_id, const char *kind,
                              int limit, json_t **view, struct problem *pb);

/* *VIEW = {case, timeline:[...], next_appointment, open_steps, overdue_steps}
 * for the case page; the same access as reading the case. Audited as
 * "case.read". */
/* LIMIT events at most; *VIEW has "more": true when there are older ones. */
enum core_result case_overview(struct core_ctx *ctx, const char *case_id, const char *kind,
                               int limit, json_t **view, struct problem *pb);

#endif
