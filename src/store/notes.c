/* store/notes.c — see store/notes.h. */
#include "store/queries.h"
