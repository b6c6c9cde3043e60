/*
 * core/search.h — a case manager finds their own clients (and those of
 * colleagues they deputise for) by the beginning of a name or of the
 * customer number. Nobody else's clients are searched.
 */
#ifndef LOTSE_CORE_SEARCH_H
#define LOTSE_CORE_SEARCH_H

#include "core/core.h"

enum { SEARCH_LIMIT = 50 };

/* *VIEW = {items:[{case_id,status,deputy,client:{id,first_name,last_name,
 * customer_number,birth_date}}]}. Q: 1..80 characters, at most two words. */
enum core_result search_clients(struct core_ctx *ctx, const char *q, json_t **view,
                                struct problem *pb);

#endif
