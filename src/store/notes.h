/* store/notes.h — queries of the case's notes; included by queries.h (see there). */
#ifndef LOTSE_STORE_NOTES_H
#define LOTSE_STORE_NOTES_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

#endif
