/*
 * core/clients.h — the people in bFM (Kundinnen und Kunden): intake with a
 * duplicate check by customer number, and reading a client's master data,
 * which only those may who may open one of the client's cases.
 */
#ifndef LOTSE_CORE_CLIENTS_H
#define LOTSE_CORE_CLIENTS_H

#include "core/core.h"
#include "core/input.h"
#include "util/date.h"

struct client_input {
    const char *customer_number, *first_name, *last_name;
    struct date birth_date;
    const char *street, *postcode, *city;
    const char *phone, *email, *language;
};
extern const struct field client_fields[];

/* Write job. 409 "client_exists" when the customer number is taken. */
enum core_result clients_create(struct core_ctx *ctx, const struct client_input *in, json_t **view,
                                struct problem *pb);
enum core_result clients_get(struct core_ctx *ctx, const char *id, json_t **view,
                             struct problem *pb);
/* Exact match on the customer number: {items:[{id,customer_number}], next_cursor:null}. */
enum core_result clients_find(struct core_ctx *ctx, const char *customer_number, json_t **view,
                              struct problem *pb);

#endif
