/* store/staff.c — Jobcenters, teams, users and tokens; see queries.h. */
#include "store/queries.h"

enum db_status
db_jobcenter_insert(struct db *db, const char *id, const char *name, int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(name), DB_INT64(now), DB_PARAM_END };
    return db_exec(db, "INSERT INTO jobcenters (id, name, created_at) VALUES ($1, $2, $3)", p);
}

enum db_status
db_jobcenter_count(struct db *db, int64_t *n)
{
    const struct db_column c[] = { DB_COL_INT64(n), DB_COL_END };
    return db_query_one(db, "SELECT count(*) FROM jobcenters", NULL, c);
}

enum db_status
db_team_insert(struct db *db, const char *id, const char *jobcenter_id, const char *name,
               int64_t now)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_TEXT(name), DB_INT64(now),
                                  DB_PARAM_END };
    return db_exec(
        db, "INSERT INTO teams (id, jobcenter_id, name, created_at) VALUES ($1, $2, $3, $4)", p);
}

enum db_status
db_team_get(struct db *db, const char *jobcenter_id, const char *id, char **name)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(name), DB_COL_END };
    return db_query_one(db, "SELECT name FROM teams WHERE id = $1 AND jobcenter_id = $2", p, c);
}

enum db_status
db_user_insert(struct db *db, const struct user_row *u)
{
    const struct db_param p[] = { DB_TEXT(u->id),           DB_TEXT(u->jobcenter_id),
                                  DB_TEXT(u->team_id),      DB_TEXT(u->username),
                                  DB_TEXT(u->display_name), DB_TEXT(u->password_hash),
                                  DB_INT64(u->roles),       DB_INT64(u->fte_milli),
                                  DB_INT64(u->created_at),  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO users (id, jobcenter_id, team_id, username, display_name,"
                   " password_hash, roles, fte_milli, active, created_at)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9)",
                   p);
}

#define USER_COLS(u)                                                                               \
    DB_COL_STR(&(u)->id), DB_COL_STR(&(u)->jobcenter_id), DB_COL_STR(&(u)->team_id),               \
        DB_COL_STR(&(u)->username), DB_COL_STR(&(u)->display_name),                                \
        DB_COL_STR(&(u)->password_hash), DB_COL_INT64(&(u)->roles), DB_COL_INT64(&(u)->fte_milli), \
        DB_COL_INT64(&(u)->active), DB_COL_INT64(&(u)->created_at)

enum db_status
db_user_by_username(struct db *db, const char *username, struct user_row *out)
{
    const struct db_param p[] = { DB_TEXT(username), DB_PARAM_END };
    const struct db_column c[] = { USER_COLS(out), DB_COL_END };
    return db_query_one(db,
                        "SELECT id, jobcenter_id, team_id, username, display_name, password_hash,"
                        " roles, fte_milli, active, created_at FROM users WHERE username = $1",
                        p, c);
}

enum db_status
db_user_by_id(struct db *db, const char *jobcenter_id, const char *id, struct user_row *out)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = { USER_COLS(out), DB_COL_END };
    return db_query_one(db,
                        "SELECT id, jobcenter_id, team_id, username, display_name, password_hash,"
                        " roles, fte_milli, active, created_at FROM users"
                        " WHERE id = $1 AND jobcenter_id = $2",
                        p, c);
}

enum db_status
db_user_set_password(struct db *db, const char *id, const char *hash)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(hash), DB_PARAM_END };
    return db_exec(db, "UPDATE users SET password_hash = $2 WHERE id = $1", p);
}

enum db_status
db_token_insert(struct db *db, const unsigned char digest[32], const char *user_id, int kind,
                const char *csrf, const char *language, int64_t now, int64_t expires_at)
{
    const struct db_param p[] = { DB_BLOB(digest, 32),  DB_TEXT(user_id),  DB_INT64(kind),
                                  DB_TEXT(csrf),        DB_TEXT(language), DB_INT64(now),
                                  DB_INT64(expires_at), DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO tokens (digest, user_id, kind, csrf, language, created_at,"
                   " last_seen_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
                   p);
}

enum db_status
db_token_lookup(struct db *db, const unsigned char digest[32], struct token_row *tok,
                struct user_row *u)
{
    const struct db_param p[] = { DB_BLOB(digest, 32), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_INT64(&tok->kind),
                                   DB_COL_INT64(&tok->created_at),
                                   DB_COL_INT64(&tok->last_seen_at),
                                   DB_COL_INT64(&tok->expires_at),
                                   DB_COL_STR(&tok->csrf),
                                   DB_COL_STR(&tok->language),
                                   USER_COLS(u),
                                   DB_COL_END };
    return db_query_one(db,
                        "SELECT t.kind, t.created_at, t.last_seen_at, t.expires_at, t.csrf,"
                        " t.language, u.id, u.jobcenter_id, u.team_id, u.username,"
                        " u.display_name, u.password_hash, u.roles, u.fte_milli, u.active,"
                        " u.created_at FROM tokens t JOIN users u ON u.id = t.user_id"
                        " WHERE t.digest = $1 AND t.revoked_at IS NULL",
                        p, c);
}

enum db_status
db_token_touch(struct db *db, const unsigned char digest[32], int64_t now)
{
    const struct db_param p[] = { DB_BLOB(digest, 32), DB_INT64(now), DB_PARAM_END };
    return db_exec(db, "UPDATE tokens SET last_seen_at = $2 WHERE digest = $1", p);
}

enum db_status
db_token_revoke(struct db *db, const unsigned char digest[32], int64_t now)
{
    const struct db_param p[] = { DB_BLOB(digest, 32), DB_INT64(now), DB_PARAM_END };
    return db_exec(db, "UPDATE tokens SET revoked_at = $2 WHERE digest = $1 AND revoked_at IS NULL",
                   p);
}

enum db_status
db_token_set_language(struct db *db, const unsigned char digest[32], const char *language)
{
    const struct db_param p[] = { DB_BLOB(digest, 32), DB_TEXT(language), DB_PARAM_END };
    return db_exec(db, "UPDATE tokens SET language = $2 WHERE digest = $1", p);
}

enum db_status
db_tokens_delete_expired(struct db *db, int64_t now, int64_t idle_before, int64_t *sessions,
                         int64_t *tokens)
{
    *sessions = *tokens = 0;
    const struct db_param p[] = { DB_INT64(now), DB_INT64(idle_before), DB_PARAM_END };
    enum db_status st = db_exec(db,
                                "DELETE FROM tokens WHERE kind = 2"
                                " AND (expires_at <= $1 OR last_seen_at <= $2)",
                                p);
    if (st < 0)
        return st;
    *sessions = db_changes(db);
    const struct db_param q[] = { DB_INT64(now), DB_PARAM_END };
    st = db_exec(db, "DELETE FROM tokens WHERE kind = 1 AND expires_at <= $1", q);
    if (st < 0)
        return st;
    *tokens = db_changes(db);
    return DB_NO_ROWS;
}

enum db_status
db_team_find(struct db *db, const char *key, struct team_row *out, bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(key), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->id), DB_COL_STR(&out->jobcenter_id),
                                   DB_COL_STR(&out->name), DB_COL_END };
    return db_query_each(db,
                         "SELECT id, jobcenter_id, name FROM teams WHERE id = $1 OR name = $1"
                         " ORDER BY created_at, id",
                         p, c, row, user);
}

enum db_status
db_jobcenters(struct db *db, char **id, bool (*row)(void *), void *user)
{
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_END };
    return db_query_each(db, "SELECT id FROM jobcenters ORDER BY created_at, id", NULL, c, row,
                         user);
}

enum db_status
db_jobcenter_find(struct db *db, const char *key, char **id)
{
    const struct db_param p[] = { DB_TEXT(key), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_END };
    return db_query_one(db, "SELECT id FROM jobcenters WHERE id = $1 OR name = $1", p, c);
}
