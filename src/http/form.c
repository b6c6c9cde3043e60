/*
 * http/form.c — browser form bodies (application/x-www-form-urlencoded),
 * decoded by libmicrohttpd's post processor into a JSON object of strings.
 * A name with dots ("address.street") becomes a nested object, so a form
 * and the JSON API are validated by the same field table. Repeated names
 * and invalid UTF-8 are refused.
 */
#include <microhttpd.h>
#include <string.h>

#include "http/internal.h"

struct form_state {
    struct request *req;
    json_t *root;
    struct buf value;
    char *key;
    bool bad;
};

static bool
valid_utf8(const char *s, size_t n)
{
    json_t *j = json_stringn(s, n);
    bool ok = j != NULL;
    json_decref(j);
    return ok;
}

static void
flush(struct form_state *st)
{
    if (!st->key)
        return;
    const char *v = buf_cstr(&st->value);
    if (!valid_utf8(v, st->value.len) || strlen(v) != st->value.len) {
        st->bad = true;
    } else {
        json_t *obj = st->root;
        char *k = st->key, *dot;
        int depth = 0;
        while ((dot = strchr(k, '.')) && depth++ < 3) {
            *dot = '\0';
            json_t *sub = json_object_get(obj, k);
            if (!sub) {
                sub = json_object();
                json_object_set_new(obj, k, sub);
            } else if (!json_is_object(sub)) {
                st->bad = true;
                break;
            }
            obj = sub;
            k = dot + 1;
        }
        if (!st->bad) {
            if (json_object_get(obj, k) || !k[0])
                st->bad = true;
            else
                json_object_set_new(obj, k, json_stringn(v, st->value.len));
        }
    }
    st->key = NULL;
    buf_reset(&st->value);
}

static enum MHD_Result
iterate(void *cls, enum MHD_ValueKind kind, const char *key, const char *filename,
        const char *content_type, const char *transfer_encoding, const char *data, uint64_t off,
        size_t size)
{
    (void)kind, (void)filename, (void)content_type, (void)transfer_encoding;
    struct form_state *st = cls;
    if (off == 0 || !st->key || strcmp(st->key, key) != 0) {
        flush(st);
        if (!valid_utf8(key, strlen(key))) {
            st->bad = true;
            return MHD_NO;
        }
        st->key = arena_strdup(&st->req->arena, key);
    }
    if (size)
        buf_append(&st->value, data, size);
    return MHD_YES;
}

bool
form_parse(struct request *req)
{
    struct form_state st = { .req = req, .root = json_object() };
    struct MHD_PostProcessor *pp = MHD_create_post_processor(req->conn, 16384, iterate, &st);
    if (!pp) {
        json_decref(st.root);
        return false;
    }
    enum MHD_Result r = MHD_YES;
    if (req->body.len)
        r = MHD_post_process(pp, req->body.data, req->body.len);
    MHD_destroy_post_processor(pp);
    flush(&st);
    buf_free(&st.value);
    if (r != MHD_YES || st.bad) {
        json_decref(st.root);
        return false;
    }
    req->form = st.root;
    return true;
}

const char *
http_form(struct request *req, const char *name)
{
    json_t *v = req->form ? json_object_get(req->form, name) : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}

bool
http_text_ok(const char *s)
{
    if (!s)
        return true;
    if (!valid_utf8(s, strlen(s)))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return false;
    return true;
}

const char *
http_query(struct request *req, const char *name)
{
    /* the pipeline refused the request already if any query text was bad */
    const char *v = MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
    return http_text_ok(v) ? v : NULL;
}

const char *
http_header_in(struct request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}
