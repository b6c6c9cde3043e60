/* store/brake.c — the sign-in brake's counters and key; see brake.h. */
#include "store/queries.h"

enum db_status
db_brake_key(struct db *db, unsigned char secret[BRAKE_KEY_BYTES])
{
    size_t len = 0;
    const struct db_column c[] = { DB_COL_BLOB(secret, BRAKE_KEY_BYTES, &len), DB_COL_END };
    enum db_status st =
        db_query_one(db, "SELECT secret FROM signin_brake_key WHERE id = 1", NULL, c);
    if (st == DB_ONE_ROW && len != BRAKE_KEY_BYTES)
        return DB_HARD_ERROR; /* the CHECK of the table forbids it */
    return st;
}

enum db_status
db_brake_key_insert(struct db *db, const unsigned char secret[BRAKE_KEY_BYTES], int64_t now)
{
    const struct db_param p[] = { DB_BLOB(secret, BRAKE_KEY_BYTES), DB_INT64(now), DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO signin_brake_key (id, secret, created_at) VALUES (1, $1, $2)"
                   " ON CONFLICT (id) DO NOTHING",
                   p);
}

enum db_status
db_brake_get(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES], struct brake_row *out)
{
    const struct db_param p[] = { DB_BLOB(digest, BRAKE_DIGEST_BYTES), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&out->window_start), DB_COL_INT64(&out->attempts),
                                   DB_COL_INT64(&out->in_flight), DB_COL_END };
    return db_query_one(db,
                        "SELECT window_start, attempts, in_flight FROM signin_brake"
                        " WHERE digest = $1",
                        p, c);
}

enum db_status
db_brake_put(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES],
             const struct brake_row *row)
{
    const struct db_param p[] = { DB_BLOB(digest, BRAKE_DIGEST_BYTES), DB_INT64(row->window_start),
                                  DB_INT64(row->attempts), DB_INT64(row->in_flight), DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO signin_brake (digest, window_start, attempts, in_flight)"
                   " VALUES ($1, $2, $3, $4) ON CONFLICT (digest) DO UPDATE SET"
                   " window_start = excluded.window_start, attempts = excluded.attempts,"
                   " in_flight = excluded.in_flight",
                   p);
}

enum db_status
db_brake_delete(struct db *db, const unsigned char digest[BRAKE_DIGEST_BYTES])
{
    const struct db_param p[] = { DB_BLOB(digest, BRAKE_DIGEST_BYTES), DB_PARAM_END };
    return db_exec(db, "DELETE FROM signin_brake WHERE digest = $1", p);
}

enum db_status
db_brake_delete_expired(struct db *db, int64_t started_before, int64_t *deleted)
{
    const struct db_param p[] = { DB_INT64(started_before), DB_PARAM_END };
    enum db_status st = db_exec(db, "DELETE FROM signin_brake WHERE window_start <= $1", p);
    *deleted = st >= 0 ? db_changes(db) : 0;
    return st;
}
