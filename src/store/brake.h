/* store/brake.h — the sign-in brake's counters and its key (migration 0004,
 * used by core/auth.c); included by queries.h (see there). The store sees
 * only digests: core/auth.c computes them from user names and addresses
 * with the key, which it reads from here. */
#ifndef LOTSE_STORE_BRAKE_H
#define LOTSE_STORE_BRAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "store/store.h"

enum { BRAKE_KEY_BYTES = 32, BRAKE_DIGEST_BYTES = 16 };

/* The key of the digests: DB_ONE_ROW and SECRET, or DB_NO_ROWS when none
 * has been made yet. */
enum db_status db_brake_key(struct db *db, unsigned char secret[BRAKE_KEY_BYTES]);
/* Store SECRET as the key unless there is one already (then nothing
 * changes; read it with db_brake_key). A write. */
enum db_status db_brake_key_insert(struct db *db, const unsigned char secret[BRAKE_KEY_BYTES],
                                   int64_t now);

/* One counter: the window it counts in (its start, microseconds), the
 * attempts counted in that window and how many of them are still being
 * checked. */
struct brake_row {
    int64_t window_start, attempts, in_flight;
};
/* DB_ONE_ROW and OUT for DIGEST, or DB_NO_ROWS. */
enum db_status db_brake_get(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES],
                            struct brake_row *out);
/* Insert or replace the counter of DIGEST. A write. */
enum db_status db_brake_put(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES],
                            const struct brake_row *row);
/* Forget the counter of DIGEST. A write. */
enum db_status db_brake_delete(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES]);
/* Delete the counters whose window started at or before STARTED_BEFORE
 * (their window has ended); *DELETED how many. A write. */
enum db_status db_brake_delete_expired(struct db *db, int64_t started_before, int64_t *deleted);

#endif
