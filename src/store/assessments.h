/* store/assessments.h — queries of the case's assessments; included by queries.h (see there). */
#ifndef LOTSE_STORE_ASSESSMENTS_H
#define LOTSE_STORE_ASSESSMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#endif
