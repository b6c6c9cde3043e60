/* core/plans.c — (being written) */
#include "core/core.h"
