/* util/json_out.c — see json_out.h. */
#include "util/json_out.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where the text goes. Long runs of string bytes go to B with one
 * buf_append each; the short pieces between them (quotes, separators,
 * escapes, numbers, short strings) gather in TAIL and go out with the next
 * long run or at the end, so that `","` or `":"` costs one call, not three. */
struct out {
    struct buf *b;
    size_t n_tail;
    char tail[64];
};

/* The containers between the top and the value being written, innermost
 * first: a container that meets itself here is a cycle. */
struct path {
    const json_t *node;
    const struct path *up;
};

/* Whether a JSON string cannot hold byte C as it is. */
static inline int
byte_must_escape(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\';
}

#define ONES  0x0101010101010101ULL
#define HIGHS 0x8080808080808080ULL

/* Whether any of the eight bytes of W is below 0x20, '"' or '\'. Exact as
 * an answer for the whole word (the classic "has a byte less than n" and
 * "has a zero byte" tests), so a word without a hit is copied unseen. */
static inline int
word_must_escape(uint64_t w)
{
    uint64_t quote = w ^ (ONES * '"');
    uint64_t backslash = w ^ (ONES * '\\');
    uint64_t control = (w - ONES * 0x20) & ~w;
    uint64_t q = (quote - ONES) & ~quote;
    uint64_t bs = (backslash - ONES) & ~backslash;
    return ((control | q | bs) & HIGHS) != 0;
}

/* The length of the longest prefix of S[0..N) that needs no escape. */
static size_t
clean_run(const char *s, size_t n)
{
    size_t i = 0;
    while (i + 8 <= n) {
        uint64_t w;
        memcpy(&w, s + i, 8);
        if (word_must_escape(w))
            break;
        i += 8;
    }
    while (i < n && !byte_must_escape((unsigned char)s[i]))
        i++;
    return i;
}

static void
out_flush(struct out *o)
{
    if (o->n_tail) {
        buf_append(o->b, o->tail, o->n_tail);
        o->n_tail = 0;
    }
}

/* N short bytes at P: into the tail, or straight on when they do not fit. */
static inline void
out_bytes(struct out *o, const char *p, size_t n)
{
    if (n > sizeof o->tail - o->n_tail) {
        out_flush(o);
        if (n > sizeof o->tail) {
            buf_append(o->b, p, n);
            return;
        }
    }
    memcpy(o->tail + o->n_tail, p, n);
    o->n_tail += n;
}

static inline void
out_char(struct out *o, char c)
{
    if (o->n_tail == sizeof o->tail)
        out_flush(o);
    o->tail[o->n_tail++] = c;
}

/* A run of string bytes: a short one joins the tail (most strings of a view
 * are ids, dates and names), a longer one goes on with one buf_append. */
static inline void
out_run(struct out *o, const char *p, size_t n)
{
    if (n <= 32) {
        out_bytes(o, p, n);
        return;
    }
    out_flush(o);
    buf_append(o->b, p, n);
}

static void
put_escape(struct out *o, unsigned char c)
{
    static const char hex[] = "0123456789ABCDEF";
    char seq[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 0xF] };
    switch (c) {
    case '"': out_bytes(o, "\\\"", 2); return;
    case '\\': out_bytes(o, "\\\\", 2); return;
    case '\b': out_bytes(o, "\\b", 2); return;
    case '\f': out_bytes(o, "\\f", 2); return;
    case '\n': out_bytes(o, "\\n", 2); return;
    case '\r': out_bytes(o, "\\r", 2); return;
    case '\t': out_bytes(o, "\\t", 2); return;
    default: out_bytes(o, seq, sizeof seq); return;
    }
}

static void
put_string(struct out *o, const char *s, size_t n)
{
    const char *end = s + n;
    out_char(o, '"');
    while (s < end) {
        size_t run = clean_run(s, (size_t)(end - s));
        if (run) {
            out_run(o, s, run);
            s += run;
            if (s == end)
                break;
        }
        put_escape(o, (unsigned char)*s++);
    }
    out_char(o, '"');
}

static void
put_integer(struct out *o, json_int_t i)
{
    char tmp[24];
    char *p = tmp + sizeof tmp;
    unsigned long long u = i < 0 ? 0ULL - (unsigned long long)i : (unsigned long long)i;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (i < 0)
        *--p = '-';
    out_bytes(o, p, (size_t)(tmp + sizeof tmp - p));
}

/* jansson's jsonp_dtostr at its default precision, 17 digits. */
static void
put_real(struct out *o, double d)
{
    char tmp[40];
    int n = snprintf(tmp, sizeof tmp, "%.17g", d);
    if (n < 0 || (size_t)n >= sizeof tmp)
        abort(); /* cannot happen: at most 24 bytes for a finite double */
    char *e = NULL;
    for (char *p = tmp; *p; p++) {
        if (*p == 'e')
            e = p;
        else if ((*p < '0' || *p > '9') && *p != '-' && *p != '+')
            *p = '.'; /* the locale's decimal point, as jansson does */
    }
    if (!e) {
        out_bytes(o, tmp, (size_t)n);
        if (!memchr(tmp, '.', (size_t)n))
            out_bytes(o, ".0", 2);
        return;
    }
    /* mantissa and 'e', then the exponent without '+' and leading zeros */
    out_bytes(o, tmp, (size_t)(e + 1 - tmp));
    const char *x = e + 1;
    if (*x == '-')
        out_char(o, *x);
    if (*x == '-' || *x == '+')
        x++;
    while (*x == '0' && x[1])
        x++;
    out_bytes(o, x, strlen(x));
}

static void put_value(struct out *o, const json_t *v, const struct path *up);

static void
enter(const json_t *v, const struct path *up)
{
    for (const struct path *p = up; p; p = p->up) {
        if (p->node == v)
            abort(); /* a cycle: json_out takes a tree (json_out.h) */
    }
}

static void
put_array(struct out *o, const json_t *v, const struct path *up)
{
    const struct path here = { v, up };
    size_t n = json_array_size(v);
    enter(v, up);
    out_char(o, '[');
    for (size_t i = 0; i < n; i++) {
        if (i)
            out_char(o, ',');
        put_value(o, json_array_get(v, i), &here);
    }
    out_char(o, ']');
}

static void
put_object(struct out *o, const json_t *v, const struct path *up)
{
    const struct path here = { v, up };
    enter(v, up);
    out_char(o, '{');
    /* jansson's iterator API takes a non-const object but does not change it */
    json_t *obj = (json_t *)v;
    void *first = json_object_iter(obj);
    for (void *it = first; it; it = json_object_iter_next(obj, it)) {
        const char *key = json_object_iter_key(it);
#if JANSSON_VERSION_HEX >= 0x020e00
        size_t key_len = json_object_iter_key_len(it); /* keys may hold NUL since 2.14 */
#else
        size_t key_len = strlen(key);
#endif
        if (it != first)
            out_char(o, ',');
        put_string(o, key, key_len);
        out_char(o, ':');
        put_value(o, json_object_iter_value(it), &here);
    }
    out_char(o, '}');
}

static void
put_value(struct out *o, const json_t *v, const struct path *up)
{
    if (!v)
        abort(); /* json_dumps would fail; see json_out.h */
    switch (json_typeof(v)) {
    case JSON_OBJECT: put_object(o, v, up); return;
    case JSON_ARRAY: put_array(o, v, up); return;
    case JSON_STRING: put_string(o, json_string_value(v), json_string_length(v)); return;
    case JSON_INTEGER: put_integer(o, json_integer_value(v)); return;
    case JSON_REAL: put_real(o, json_real_value(v)); return;
    case JSON_TRUE: out_bytes(o, "true", 4); return;
    case JSON_FALSE: out_bytes(o, "false", 5); return;
    case JSON_NULL: out_bytes(o, "null", 4); return;
    }
    abort(); /* not a jansson type */
}

void
json_out(struct buf *b, const json_t *v)
{
    struct out o = { b, 0, { 0 } };
    put_value(&o, v, NULL);
    out_flush(&o);
}
