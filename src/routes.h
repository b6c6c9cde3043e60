/* routes.h — the one route table (routes.c). */
#ifndef LOTSE_ROUTES_H
#define LOTSE_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route lotse_routes[];
extern const size_t lotse_n_routes;

#endif
