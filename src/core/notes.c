/* core/notes.c — (being written) */
#include "core/core.h"
