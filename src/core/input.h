/*
 * core/input.h — declarative validation of input. A table of fields says,
 * per field, its type, whether it is required, its maximum length, the
 * allowed values and an optional check. input_read() walks a JSON object
 * against the table: unknown fields are a 400, and every bad field is
 * collected into one 422 (problem_field), so a form can show them all at
 * once. Browser forms are turned into the same JSON shape first, so the API
 * and the pages validate with the same tables.
 */
#ifndef LOTSE_CORE_INPUT_H
#define LOTSE_CORE_INPUT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/core.h"
#include "util/date.h"

enum field_type {
    F_END = 0,
    F_STRING,     /* const char * (borrowed from the JSON value); NULL when absent */
    F_TEXT,       /* like F_STRING, but line breaks and tabs are allowed */
    F_DATE,       /* struct date; DATE_NONE when absent */
    F_ENUM,       /* const char *, one of ALLOWED */
    F_BOOL,       /* int: -1 absent, 0, 1 */
    F_NUMBER,     /* double, between MIN and MAX; NAN when absent */
    F_OBJECT,     /* nested table SUB, fields written at their own offsets */
    F_ENUM_ARRAY, /* json_t * (borrowed) array of distinct strings from ALLOWED, at least one */
};

struct field {
    const char *name;
    enum field_type type;
    size_t offset;
    bool required;
    size_t max_len;             /* characters, for strings */
    const char *const *allowed; /* NULL-terminated, for enums */
    const struct field *sub;    /* for F_OBJECT */
    double min, max;            /* for F_NUMBER */
    /* Extra check for strings: returns NULL when fine, else an English message. */
    const char *(*check)(const char *value);
};

#define FIELD_END                                                                                  \
    {                                                                                              \
        NULL, F_END, 0, false, 0, NULL, NULL, 0, 0, NULL                                           \
    }

/* Validate OBJ against FIELDS and fill OUT. PREFIX names the enclosing
 * object in field paths ("" at the top). Returns CORE_OK, CORE_BAD_REQUEST
 * (not an object, unknown field; PB->detail says which) or CORE_INVALID
 * (PB->errors lists every bad field). Strings in OUT borrow from OBJ. */
enum core_result input_read(const json_t *obj, const struct field *fields, void *out,
                            struct arena *arena, struct problem *pb);

/* Number of characters in a valid UTF-8 string. */
size_t utf8_length(const char *s);

/* Common checks. */
const char *check_customer_number(const char *s); /* 123A456789 */
const char *check_postcode(const char *s);        /* five digits */
const char *check_email(const char *s);
const char *check_phone(const char *s);
const char *check_username(const char *s);
const char *check_password(const char *s);

#endif
