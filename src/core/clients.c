/* core/clients.c — clients; see clients.h. */
#include "core/clients.h"

#include <stdio.h>
#include <string.h>

#include "core/access.h"
#include "core/audit.h"
#include "core/input.h"
#include "store/queries.h"

static const char *const languages[] = { "de", "en", "ar", "tr", "uk", "ru", "pl", "ro",
                                         "fa", "ku", "so", "ti", "fr", "es", "it", "bg",
                                         "sq", "sr", "hr", "el", "ps", "vi", "zh", NULL };

#define CF(name, type, member, req, max, chk)                                                      \
    {                                                                                              \
        name, type, offsetof(struct client_input, member), req, max, NULL, NULL, 0, 0, chk         \
    }

static const struct field address_fields[] = {
    CF("street", F_STRING, street, true, 120, NULL),
    CF("postcode", F_STRING, postcode, true, 5, check_postcode),
    CF("city", F_STRING, city, true, 80, NULL),
    FIELD_END,
};

const struct field client_fields[] = {
    CF("customer_number", F_STRING, customer_number, true, 10, check_customer_number),
    CF("first_name", F_STRING, first_name, true, 80, NULL),
    CF("last_name", F_STRING, last_name, true, 80, NULL),
    CF("birth_date", F_DATE, birth_date, true, 0, NULL),
    { "address", F_OBJECT, 0, true, 0, NULL, address_fields, 0, 0, NULL },
    CF("phone", F_STRING, phone, false, 40, check_phone),
    CF("email", F_STRING, email, false, 254, check_email),
    { "language", F_ENUM, offsetof(struct client_input, language), false, 0, languages, NULL, 0, 0,
      NULL },
    FIELD_END,
};

static json_t *
client_view(const struct client_row *c)
{
    json_t *v = json_object();
    json_object_set_new(v, "id", json_string(c->id));
    json_object_set_new(v, "customer_number", json_string(c->customer_number));
    json_object_set_new(v, "first_name", json_string(c->first_name));
    json_object_set_new(v, "last_name", json_string(c->last_name));
    json_object_set_new(v, "birth_date", json_string(c->birth_date));
    json_t *a = json_object();
    json_object_set_new(a, "street", json_string(c->street));
    json_object_set_new(a, "postcode", json_string(c->postcode));
    json_object_set_new(a, "city", json_string(c->city));
    json_object_set_new(v, "address", a);
    json_object_set_new(v, "phone", core_json_text(c->phone));
    json_object_set_new(v, "email", core_json_text(c->email));
    json_object_set_new(v, "language", core_json_text(c->language));
    return v;
}

enum core_result
clients_create(struct core_ctx *ctx, const struct client_input *in, json_t **view,
               struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & (ROLE_CASE_MANAGER | ROLE_PLACEMENT_OFFICER)))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only case managers and placement officers register clients.");
    struct date today = date_today_berlin((time_t)(ctx->now_us / 1000000));
    struct date youngest = date_add_months(today, -15 * 12);
    struct date oldest = date_add_months(today, -100 * 12);
    if (!date_is_none(in->birth_date)) { /* else its format error is listed already */
        if (date_cmp(in->birth_date, youngest) > 0)
            problem_field(pb, ctx->arena, "birth_date",
                          "must be at least 15 years ago (SGB II starts at 15)");
        else if (date_cmp(in->birth_date, oldest) < 0)
            problem_field(pb, ctx->arena, "birth_date", "must be less than 100 years ago");
    }
    if (pb->n_errors)
        return CORE_INVALID;
    char *existing = NULL;
    enum db_status st =
        db_client_by_number(ctx->db, a->jobcenter_id, in->customer_number, &existing);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_ONE_ROW)
        return problem_set(pb, CORE_CONFLICT, "client_exists",
                           "A client with this customer number is already registered.");
    char id[ID_MAX], birth[11];
    id_new("cl", id);
    date_format(in->birth_date, birth);
    struct client_row c = {
        .id = id,
        .jobcenter_id = (char *)a->jobcenter_id,
        .customer_number = (char *)in->customer_number,
        .first_name = (char *)in->first_name,
        .last_name = (char *)in->last_name,
        .birth_date = birth,
        .street = (char *)in->street,
        .postcode = (char *)in->postcode,
        .city = (char *)in->city,
        .phone = (char *)in->phone,
        .email = (char *)in->email,
        .language = (char *)in->language,
        .created_by = (char *)a->id,
        .created_at = ctx->now_us,
    };
    st = db_client_insert(ctx->db, &c);
    if (st == DB_CONSTRAINT)
        return problem_set(pb, CORE_CONFLICT, "client_exists",
                           "A client with this customer number is already registered.");
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    const struct audit_entry e = { "client.create", "client", id, NULL, id, PURPOSE_INTAKE, NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = client_view(&c);
    return CORE_OK;
}

struct client_access {
    const struct actor *actor;
    struct case_row row;
    const char *purpose;
    const char *case_id;
    bool any_case;
    bool denied_break_glass;
    char *deputised[16]; /* the case managers the actor deputises for today */
    size_t n_deputised;
    char *user_id;
};

static bool
deputised_row(void *user)
{
    struct client_access *ca = user;
    if (ca->n_deputised < 16)
        ca->deputised[ca->n_deputised++] = ca->user_id;
    return true;
}

static bool
client_case_row(void *user)
{
    struct client_access *ca = user;
    ca->any_case = true;
    bool deputy = false;
    for (size_t i = 0; i < ca->n_deputised && ca->row.case_manager_id; i++)
        deputy = deputy || strcmp(ca->deputised[i], ca->row.case_manager_id) == 0;
    const struct case_facts f = { ca->row.jobcenter_id, ca->row.case_manager_id,
                                  ca->row.case_manager_team, ca->row.referred_by, deputy };
    struct access_grant g = access_case(ca->actor, &f, CASE_READ);
    if (g.decision == ACCESS_ALLOW) {
        ca->purpose = g.purpose;
        ca->case_id = ca->row.id;
        return false;
    }
    if (g.break_glass_possible)
        ca->denied_break_glass = true;
    return true;
}

enum core_result
clients_get(struct core_ctx *ctx, const char *id, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    struct client_row c;
    enum db_status st = db_client_get(ctx->db, a->jobcenter_id, id, &c);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (st == DB_NO_ROWS)
        return problem_set(pb, CORE_NOT_FOUND, NULL, "No such client.");
    struct client_access ca = { .actor = a };
    if (a->roles & ROLE_CASE_MANAGER) {
        char today[11];
        date_format(date_today_berlin((time_t)(ctx->now_us / 1000000)), today);
        if (db_deputised_users(ctx->db, a->jobcenter_id, a->id, today, &ca.user_id, deputised_row,
                               &ca) < 0)
            return problem_set(pb, CORE_ERROR, NULL, NULL);
    }
    st = db_cases_of_client(ctx->db, a->jobcenter_id, id, client_case_row, &ca, &ca.row);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    if (!ca.purpose && !ca.any_case && c.created_by && strcmp(c.created_by, a->id) == 0)
        ca.purpose = PURPOSE_INTAKE; /* registered by the caller, no case yet */
    if (!ca.purpose)
        return problem_set(pb, CORE_FORBIDDEN,
                           ca.denied_break_glass ? "break_glass_possible" : NULL,
                           "You may not open this client's data.");
    const struct audit_entry e = { "client.read", "client", id, ca.case_id, id, ca.purpose, NULL };
    if (audit_record(ctx, &e) != CORE_OK)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    *view = client_view(&c);
    return CORE_OK;
}

enum core_result
clients_find(struct core_ctx *ctx, const char *customer_number, json_t **view, struct problem *pb)
{
    const struct actor *a = ctx->actor;
    if (!(a->roles & (ROLE_CASE_MANAGER | ROLE_PLACEMENT_OFFICER)))
        return problem_set(pb, CORE_FORBIDDEN, NULL,
                           "Only case managers and placement officers look up clients.");
    if (!customer_number || check_customer_number(customer_number)) {
        problem_field(pb, ctx->arena, "customer_number",
                      "must look like 123A456789 (three digits, a letter, six digits)");
        return CORE_INVALID;
    }
    char *id = NULL;
    enum db_status st = db_client_by_number(ctx->db, a->jobcenter_id, customer_number, &id);
    if (st < 0)
        return problem_set(pb, CORE_ERROR, NULL, NULL);
    json_t *items = json_array();
    if (st == DB_ONE_ROW) {
        json_t *o = json_object();
        json_object_set_new(o, "id", json_string(id));
        json_object_set_new(o, "customer_number", json_string(customer_number));
        json_array_append_new(items, o);
    }
    json_t *v = json_object();
    json_object_set_new(v, "items", items);
    json_object_set_new(v, "next_cursor", json_null());
    *view = v;
    const struct audit_entry e = { "client.lookup",
                                   "client",
                                   id,
                                   NULL,
                                   id,
                                   PURPOSE_INTAKE,
                                   st == DB_ONE_ROW ? "found" : "not found" };
    return audit_record(ctx, &e);
}
