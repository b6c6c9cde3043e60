/* store/appointments.c — see store/appointments.h. */
#include "store/queries.h"
