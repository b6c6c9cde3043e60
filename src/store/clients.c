/* store/clients.c — clients (the people in bFM); see queries.h. */
#include "store/queries.h"

#include <string.h>

#include "util/arena.h"
#include "util/text.h"

/* Search keys hold up to 80 characters of a name, folded (util/text.h). */
enum { KEY_MAX = 512 };

enum db_status
db_client_insert(struct db *db, const struct client_row *c)
{
    char first_key[KEY_MAX], last_key[KEY_MAX];
    text_fold(c->first_name, first_key, sizeof first_key);
    text_fold(c->last_name, last_key, sizeof last_key);
    const struct db_param p[] = { DB_TEXT(c->id),
                                  DB_TEXT(c->jobcenter_id),
                                  DB_TEXT(c->customer_number),
                                  DB_TEXT(c->first_name),
                                  DB_TEXT(c->last_name),
                                  DB_TEXT(c->birth_date),
                                  DB_TEXT(c->street),
                                  DB_TEXT(c->postcode),
                                  DB_TEXT(c->city),
                                  DB_TEXT(c->phone),
                                  DB_TEXT(c->email),
                                  DB_TEXT(c->language),
                                  DB_TEXT(c->created_by),
                                  DB_INT64(c->created_at),
                                  DB_TEXT(first_key),
                                  DB_TEXT(last_key),
                                  DB_PARAM_END };
    return db_exec(db,
                   "INSERT INTO clients (id, jobcenter_id, customer_number, first_name,"
                   " last_name, birth_date, street, postcode, city, phone, email, language,"
                   " created_by, created_at, first_key, last_key)"
                   " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15,"
                   " $16)",
                   p);
}

struct unkeyed {
    char *id, *first_name, *last_name;
    char **ids, **firsts, **lasts;
    size_t n, cap;
    struct arena *arena;
};

static bool
unkeyed_row(void *user)
{
    struct unkeyed *u = user;
    if (u->n < u->cap) {
        u->ids[u->n] = arena_strdup(u->arena, u->id);
        u->firsts[u->n] = arena_strdup(u->arena, u->first_name);
        u->lasts[u->n] = arena_strdup(u->arena, u->last_name);
        u->n++;
    }
    return true;
}

enum db_status
db_clients_fill_keys(struct db *db)
{
    enum { BATCH = 1000 };
    struct arena arena = { 0 };
    struct arena *before = db_arena(db);
    enum db_status st = DB_NO_ROWS;
    for (;;) {
        arena_free(&arena); /* the previous batch's strings */
        db_set_arena(db, &arena);
        struct unkeyed u = { .cap = BATCH, .arena = &arena };
        u.ids = arena_alloc(&arena, BATCH * sizeof *u.ids);
        u.firsts = arena_alloc(&arena, BATCH * sizeof *u.firsts);
        u.lasts = arena_alloc(&arena, BATCH * sizeof *u.lasts);
        const struct db_param none[] = { DB_INT64(BATCH), DB_PARAM_END };
        const struct db_column c[] = { DB_COL_STR(&u.id), DB_COL_STR(&u.first_name),
                                       DB_COL_STR(&u.last_name), DB_COL_END };
        st = db_query_each(db,
                           "SELECT id, first_name, last_name FROM clients WHERE last_key IS NULL"
                           " ORDER BY id LIMIT $1",
                           none, c, unkeyed_row, &u);
        for (size_t i = 0; st >= 0 && i < u.n; i++) {
            char first_key[KEY_MAX], last_key[KEY_MAX];
            text_fold(u.firsts[i], first_key, sizeof first_key);
            text_fold(u.lasts[i], last_key, sizeof last_key);
            const struct db_param p[] = { DB_TEXT(u.ids[i]), DB_TEXT(first_key), DB_TEXT(last_key),
                                          DB_PARAM_END };
            st = db_exec(db, "UPDATE clients SET first_key = $2, last_key = $3 WHERE id = $1", p);
        }
        if (st < 0 || u.n < BATCH)
            break;
    }
    db_set_arena(db, before);
    arena_free(&arena);
    return st < 0 ? st : DB_NO_ROWS;
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
    char k1[KEY_MAX], k2[KEY_MAX];
    text_fold(t1, k1, sizeof k1);
    if (t2)
        text_fold(t2, k2, sizeof k2);
    const struct db_param p[] = { DB_TEXT(jobcenter_id), DB_TEXT(case_manager_id), DB_TEXT(t1),
                                  DB_TEXT(k1),           DB_TEXT(t2 ? k2 : NULL),  DB_INT64(limit),
                                  DB_PARAM_END };
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
        "  OR ((substr(c.last_key, 1, length($4)) = $4 OR substr(c.first_key, 1, length($4)) = $4)"
        "   AND ($5 IS NULL OR substr(c.last_key, 1, length($5)) = $5"
        "    OR substr(c.first_key, 1, length($5)) = $5)))"
        " ORDER BY c.last_key, c.first_key, k.status, k.id LIMIT $6",
        p, c, row, user);
}
