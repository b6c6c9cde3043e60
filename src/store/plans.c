/* store/plans.c — see store/plans.h. */
#include "store/queries.h"
