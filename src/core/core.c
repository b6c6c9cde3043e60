/* core/core.c — roles and problems shared by all services; see core.h. */
#include "core/core.h"

#include <string.h>

#include "core/worklist.h"
#include "store/store.h"

static const struct {
    unsigned bit;
    const char *name;
} roles[] = {
    { ROLE_CASE_MANAGER, "case_manager" },
    { ROLE_TEAM_LEAD, "team_lead" },
    { ROLE_PLACEMENT_OFFICER, "placement_officer" },
    { ROLE_DPO, "dpo" },
    { ROLE_ADMIN, "admin" },
    { ROLE_ANALYST, "analyst" },
};

const char *
role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].bit == role)
            return roles[i].name;
    return NULL;
}

unsigned
role_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].bit;
    return 0;
}

json_t *
roles_to_json(unsigned bits)
{
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (bits & roles[i].bit)
            json_array_append_new(a, json_string(roles[i].name));
    return a;
}

enum core_result
problem_set(struct problem *pb, enum core_result result, const char *code, const char *detail)
{
    pb->result = result;
    pb->code = code;
    pb->detail = detail;
    if (result != CORE_INVALID) { /* a refusal replaces any field errors collected so far */
        pb->errors = pb->errors_tail = NULL;
        pb->n_errors = 0;
    }
    return result;
}

void
problem_field(struct problem *pb, struct arena *arena, const char *field, const char *message)
{
    struct field_error *e = arena_alloc(arena, sizeof *e);
    e->field = field;
    e->message = message;
    if (pb->errors_tail)
        pb->errors_tail->next = e;
    else
        pb->errors = e;
    pb->errors_tail = e;
    pb->n_errors++;
    pb->result = CORE_INVALID;
}

bool
core_store_unreachable(struct db *db)
{
    return db_unreachable(db);
}

bool
core_store_healthy(struct core_ctx *ctx)
{
    int64_t one = 0;
    const struct db_column c[] = { DB_COL_INT64(&one), DB_COL_END };
    return db_query_one(ctx->db, "SELECT 1", NULL, c) == DB_ONE_ROW && one == 1;
}

struct db *
core_db_open(const char *url, char *err, size_t errlen)
{
    struct db *db = db_open(url, err, errlen);
    if (db)
        db_protect(db);
    return db;
}

void
core_db_close(struct db *db)
{
    db_close(db);
}

void
core_db_use_arena(struct db *db, struct arena *arena)
{
    db_set_arena(db, arena);
}

int64_t
core_now_us(void)
{
    return db_now_us();
}

void
core_db_read_begin(struct db *db)
{
    if (!db_in_transaction(db))
        db_begin(db, false);
}

void
core_db_read_end(struct db *db)
{
    if (db_in_transaction(db))
        db_rollback(db); /* read only: nothing to commit */
}

json_t *
core_json_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

static bool
same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

void
core_touch(struct core_ctx *ctx, const char *jobcenter_id, const char *case_id,
           const char *client_id)
{
    if (!jobcenter_id || (!case_id && !client_id))
        return;
    for (struct core_touched *t = ctx->touched; t; t = t->next)
        if (same(t->case_id, case_id) && (case_id || same(t->client_id, client_id)) &&
            same(t->jobcenter_id, jobcenter_id))
            return;
    struct core_touched *t = arena_alloc(ctx->arena, sizeof *t);
    t->jobcenter_id = arena_strdup(ctx->arena, jobcenter_id);
    t->case_id = case_id ? arena_strdup(ctx->arena, case_id) : NULL;
    t->client_id = case_id || !client_id ? NULL : arena_strdup(ctx->arena, client_id);
    t->next = ctx->touched;
    ctx->touched = t;
}

static enum db_status
worklist_fill(struct db *db)
{
    int64_t rows, wrong;
    return worklist_reconcile(db, WORKLIST_FILL, &rows, &wrong) == CORE_OK ? DB_NO_ROWS
                                                                           : DB_HARD_ERROR;
}

enum db_status
core_migrate(struct db *db, int *applied, char *err, size_t errlen)
{
    static const struct db_migration_step steps[] = {
        { 3, worklist_fill }, /* 0003: the rows of the cases already stored */
    };
    return db_migrate_with(db, steps, sizeof steps / sizeof *steps, applied, err, errlen);
}
