/* core/input.c — table-driven input validation; see input.h. */
#include "core/input.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

size_t
utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        if (((unsigned char)*s & 0xc0) != 0x80)
            n++;
    return n;
}

static bool
has_control(const char *s, bool allow_lines)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == 0x7f)
            return true;
        if (*p < 0x20 && !(allow_lines && (*p == '\n' || *p == '\r' || *p == '\t')))
            return true;
    }
    return false;
}

static bool
only_space(const char *s)
{
    for (; *s; s++)
        if (!isspace((unsigned char)*s))
            return false;
    return true;
}

static const char *
path_of(struct arena *arena, const char *prefix, const char *name)
{
    return prefix[0] ? arena_printf(arena, "%s.%s", prefix, name) : name;
}

static bool
in_list(const char *const *allowed, const char *s)
{
    for (; *allowed; allowed++)
        if (strcmp(*allowed, s) == 0)
            return true;
    return false;
}

static enum core_result
read_fields(const json_t *obj, const struct field *fields, void *out, const char *prefix,
            struct arena *arena, struct problem *pb)
{
    if (!json_is_object(obj)) {
        if (prefix[0]) {
            problem_field(pb, arena, prefix, "must be an object");
            return CORE_INVALID;
        }
        return problem_set(pb, CORE_BAD_REQUEST, NULL, "The body must be a JSON object.");
    }
    const char *key;
    json_t *value;
    json_object_foreach((json_t *)obj, key, value)
    {
        const struct field *f = fields;
        while (f->name && strcmp(f->name, key) != 0)
            f++;
        if (!f->name) {
            pb->result = CORE_BAD_REQUEST;
            pb->detail = arena_printf(arena, "Unknown field: %.64s%s%.64s", prefix,
                                      prefix[0] ? "." : "", key);
            return CORE_BAD_REQUEST;
        }
    }
    for (const struct field *f = fields; f->name; f++) {
        json_t *v = json_object_get(obj, f->name);
        char *dst = (char *)out + f->offset;
        const char *path = path_of(arena, prefix, f->name);
        bool absent = !v || json_is_null(v);
        /* defaults for absent values */
        switch (f->type) {
        case F_STRING:
        case F_TEXT:
        case F_ENUM: *(const char **)dst = NULL; break;
        case F_DATE: *(struct date *)dst = DATE_NONE; break;
        case F_BOOL: *(int *)dst = -1; break;
        case F_NUMBER: *(double *)dst = NAN; break;
        case F_ENUM_ARRAY: *(json_t **)dst = NULL; break;
        default: break;
        }
        if (absent) {
            /* an optional object that is absent leaves its fields at their zero values */
            if (f->required)
                problem_field(pb, arena, path, "is required");
            continue;
        }
        switch (f->type) {
        case F_STRING:
        case F_TEXT:
        case F_ENUM:
        case F_DATE: {
            if (!json_is_string(v)) {
                problem_field(pb, arena, path, "must be a string");
                break;
            }
            const char *s = json_string_value(v);
            if (strlen(s) != json_string_length(v) || has_control(s, f->type == F_TEXT)) {
                problem_field(pb, arena, path, "must not contain control characters");
                break;
            }
            if (f->type == F_DATE) {
                if (!date_parse(s, (struct date *)dst))
                    problem_field(pb, arena, path, "must be a date YYYY-MM-DD");
                break;
            }
            if (f->type == F_ENUM) {
                if (!in_list(f->allowed, s))
                    problem_field(pb, arena, path, "is not one of the allowed values");
                else
                    *(const char **)dst = s;
                break;
            }
            if (f->max_len && utf8_length(s) > f->max_len) {
                problem_field(pb, arena, path,
                              arena_printf(arena, "must be at most %zu characters", f->max_len));
                break;
            }
            if ((f->required || s[0]) && only_space(s)) {
                problem_field(pb, arena, path, "must not be empty");
                break;
            }
            const char *msg = f->check && s[0] ? f->check(s) : NULL;
            if (msg) {
                problem_field(pb, arena, path, msg);
                break;
            }
            *(const char **)dst = s[0] || f->required ? s : NULL;
            break;
        }
        case F_BOOL:
            if (!json_is_boolean(v))
                problem_field(pb, arena, path, "must be true or false");
            else
                *(int *)dst = json_is_true(v);
            break;
        case F_NUMBER:
            if (!json_is_number(v)) {
                problem_field(pb, arena, path, "must be a number");
            } else {
                double d = json_number_value(v);
                if (!(d >= f->min && d <= f->max))
                    problem_field(pb, arena, path,
                                  arena_printf(arena, "must be between %g and %g", f->min, f->max));
                else
                    *(double *)dst = d;
            }
            break;
        case F_OBJECT: {
            enum core_result r = read_fields(v, f->sub, out, path, arena, pb);
            if (r == CORE_BAD_REQUEST)
                return r;
            break;
        }
        case F_ENUM_ARRAY: {
            if (!json_is_array(v) || json_array_size(v) == 0) {
                problem_field(pb, arena, path, "must be a non-empty list");
                break;
            }
            size_t i, j;
            json_t *item;
            bool ok = true;
            json_array_foreach(v, i, item)
            {
                if (!json_is_string(item) || !in_list(f->allowed, json_string_value(item)))
                    ok = false;
                for (j = 0; ok && j < i; j++)
                    if (json_equal(item, json_array_get(v, j)))
                        ok = false;
            }
            if (!ok)
                problem_field(pb, arena, path, "contains a value that is not allowed or twice");
            else
                *(json_t **)dst = v;
            break;
        }
        default: break;
        }
    }
    return pb->result == CORE_OK ? CORE_OK : pb->result;
}

enum core_result
input_read(const json_t *obj, const struct field *fields, void *out, struct arena *arena,
           struct problem *pb)
{
    return read_fields(obj, fields, out, "", arena, pb);
}

const char *
check_customer_number(const char *s)
{
    if (strlen(s) != 10)
        return "must look like 123A456789 (three digits, a letter, six digits)";
    for (int i = 0; i < 10; i++) {
        bool ok = i == 3 ? (s[i] >= 'A' && s[i] <= 'Z') : (s[i] >= '0' && s[i] <= '9');
        if (!ok)
            return "must look like 123A456789 (three digits, a letter, six digits)";
    }
    return NULL;
}

const char *
check_postcode(const char *s)
{
    if (strlen(s) != 5)
        return "must be five digits";
    for (int i = 0; i < 5; i++)
        if (s[i] < '0' || s[i] > '9')
            return "must be five digits";
    return NULL;
}

const char *
check_email(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !strchr(at, '.') || strchr(at + 1, '@') || strchr(s, ' ') ||
        at[1] == '.' || s[strlen(s) - 1] == '.')
        return "must be an e-mail address";
    return NULL;
}

const char *
check_phone(const char *s)
{
    int digits = 0;
    for (const char *p = s; *p; p++) {
        if (*p >= '0' && *p <= '9')
            digits++;
        else if (!strchr("+ /-()", *p))
            return "may contain only digits, spaces and + / - ( )";
    }
    return digits >= 3 ? NULL : "must contain a phone number";
}

const char *
check_username(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 64)
        return "must be 2 to 64 characters";
    for (const char *p = s; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' ||
              *p == '_'))
            return "may contain only lower-case letters, digits, . - _";
    return NULL;
}

const char *
check_password(const char *s)
{
    size_t n = utf8_length(s);
    if (n < 10)
        return "must be at least 10 characters";
    return NULL;
}
