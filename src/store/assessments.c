/* store/assessments.c — see store/assessments.h. */
#include "store/queries.h"
