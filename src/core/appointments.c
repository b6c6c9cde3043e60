/* core/appointments.c — (being written) */
#include "core/core.h"
