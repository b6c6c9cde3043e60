/* store/clients.c — clients (the people in bFM); see queries.h. */
#include "store/queries.h"

/* The search key of a name: lower case with umlauts and ß spelt out, so
 * that "Müller", "mueller" and "MUELLER" meet. One SQL expression, used when
 * storing and when searching, so both sides always fold alike. (SQLite's
 * lower() folds ASCII only; PostgreSQL's follows the database's locale.) */
#define FOLD(x)                                                                                      \
    "lower(replace(replace(replace(replace(replace(replace(replace(" x ", 'Ä', 'ae'), 'Ö', 'oe')," \
    " 'Ü', 'ue'), 'ä', 'ae'), 'ö', 'oe'), 'ü', 'ue'), 'ß', 'ss'))"

enum db_status
db_client_insert(struct db *db, const struct client_row *c)
{
    const struct db_param p[] = {
        DB_TEXT(c->id),         DB_TEXT(c->jobcenter_id), DB_TEXT(c->customer_number),
        DB_TEXT(c->first_name), DB_TEXT(c->last_name),    DB_TEXT(c->birth_date),
        DB_TEXT(c->street),     DB_TEXT(c->postcode),     DB_TEXT(c->city),
        DB_TEXT(c->phone),      DB_TEXT(c->email),        DB_TEXT(c->language),
        DB_TEXT(c->created_by), DB_INT64(c->created_at),  DB_PARAM_END
    };
    return db_exec(db,
                   "INSERT INTO clients (id, jobcenter_id, customer_number, first_name,"
                   " last_name, birth_date, street, postcode, city, phone, email, language,"
                   " created_by, created_at, first_key, last_key)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, " FOLD(
                       "$4") ", " FOLD("$5") ")",
                   p);
}

enum db_status
db_client_get(struct db *db, const char *jobcenter_id, const char *id, struct client_row *o)
{
    const struct db_param p[] = { DB_TEXT(id), DB_TEXT(jobcenter_id), DB_PARAM_END };
    const struct db_column c[] = {
        DB_COL_STR(&o->id),         DB_COL_STR(&o->jobcenter_id), DB_COL_STR(&o->customer_number),
        DB_COL_STR(&o->first_name), DB_COL_STR(&o->last_name),    DB_COL_STR(&o->birth_date),
        DB_COL_STR(&o->street),     DB_COL_STR(&o->postcode),     DB_COL_STR(&o->city),
        DB_COL_STR(&o->phone),      DB_COL_STR(&o->email),        DB_COL_STR(&o->language),
        DB_COL_STR(&o->created_by), DB_COL_INT64(&o->created_at), DB_COL_END
    };
    return db_query_one(db,
                        "SELECT id, jobcenter_id, customer_number, first_name, last_name,"
                        " birth_date, street, postcode, city, phone, email, language, created_by,"
                        " created_at FROM clients WHERE id = $1 AND jobcenter_id = $2",
                        p, c);
}

enum db_status
db_client_by_number(struct db *db, const char *jobcenter_id, const char *customer_number, char **id)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(customer_number), DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(id), DB_COL_END };
    return db_query_one(
        db, "SELECT id FROM clients WHERE jobcenter_id = $1 AND customer_number = $2", p, c);
}

enum db_status
db_client_search(struct db *db, const char *jobcenter_id, const char *case_manager_id,
                 const char *t1, const char *t2, int64_t limit, struct search_row *out,
                 bool (*row)(void *), void *user)
{
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_TEXT(t1),
                                  DB_TEXT(t2),           DB_INT64(limit),          DB_PARAM_END };
    const struct db_column c[] = { DB_COL_STR(&out->case_id),    DB_COL_STR(&out->status),
                                   DB_COL_STR(&out->client_id),  DB_COL_STR(&out->first_name),
                                   DB_COL_STR(&out->last_name),  DB_COL_STR(&out->customer_number),
                                   DB_COL_STR(&out->birth_date), DB_COL_END };
    /* a customer number prefix, or one or two name prefixes (last or first name) */
    return db_query_each(
        db,
        "SELECT k.id, k.status, c.id, c.first_name, c.last_name, c.customer_number, c.birth_date"
        " FROM cases k JOIN clients c ON c.id = k.client_id"
        " WHERE k.jobcenter_id = $1 AND k.case_manager_id = $2"
        " AND (substr(c.customer_number, 1, length($3)) = upper($3)"
        "  OR ((substr(c.last_key, 1, length(" FOLD("$3") ")) = " FOLD(
            "$3") ""
                  "   OR substr(c.first_key, 1, length(" FOLD("$3") ")) = " FOLD(
                      "$3") ")"
                            "  AND ($4 IS NULL OR substr(c.last_key, 1, length(" FOLD(
                                "$4") ")) = " FOLD("$4") ""
                                                         "   OR substr(c.first_key, 1, "
                                                         "length(" FOLD("$4") ")) = " FOLD(
                                                             "$4") ")))"
                                                                   " ORDER BY c.last_key, "
                                                                   "c.first_key, k.status, k.id "
                                                                   "LIMIT $5",
        p, c, row, user);
}
