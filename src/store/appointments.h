/* store/appointments.h — queries of the case's appointments; included by queries.h (see there). */
#ifndef LOTSE_STORE_APPOINTMENTS_H
#define LOTSE_STORE_APPOINTMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#endif
