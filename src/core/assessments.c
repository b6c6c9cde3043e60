/* core/assessments.c — (being written) */
#include "core/core.h"
