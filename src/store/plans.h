/* store/plans.h — queries of the case's plans; included by queries.h (see there). */
#ifndef LOTSE_STORE_PLANS_H
#define LOTSE_STORE_PLANS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#endif
