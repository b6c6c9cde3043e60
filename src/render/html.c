/*
 * render/html.c — the escapers of html.h: the only code that turns untrusted
 * bytes into HTML. Text and attribute values get the same five entities;
 * a URL argument is percent-encoded first and then passes through the same
 * path, so every byte that leaves here has been looked at by escape_markup().
 *
 * Invalid UTF-8 is replaced by U+FFFD following the WHATWG decoder (the
 * "maximal subpart" practice of Unicode): each byte that cannot start a
 * sequence, and each truncated or ill-formed prefix of a sequence, becomes
 * one U+FFFD. Overlong forms, surrogates (U+D800..U+DFFF) and code points
 * above U+10FFFF are ill-formed by the byte ranges checked below.
 */
#include "render/html.h"

#include <stddef.h>
#include <string.h>

#define REPLACEMENT "\xEF\xBF\xBD"

/* The length of the valid UTF-8 sequence starting at S (S[0] >= 0x80), or 0
 * when it is ill-formed; then *BAD is the number of bytes that make up the
 * ill-formed prefix to replace by one U+FFFD (at least 1). Never reads past
 * a NUL, because NUL is outside every continuation range. */
static size_t
utf8_sequence(const unsigned char *s, size_t *bad)
{
    unsigned char lo = 0x80, hi = 0xBF;
    size_t need;
    unsigned char c = s[0];

    if (c >= 0xC2 && c <= 0xDF) {
        need = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 2;
        if (c == 0xE0)
            lo = 0xA0; /* no overlong 3-byte forms */
        else if (c == 0xED)
            hi = 0x9F; /* no surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 3;
        if (c == 0xF0)
            lo = 0x90; /* no overlong 4-byte forms */
        else if (c == 0xF4)
            hi = 0x8F; /* nothing above U+10FFFF */
    } else {
        *bad = 1; /* 0x80..0xC1 (continuation, overlong lead), 0xF5..0xFF */
        return 0;
    }
    for (size_t k = 1; k <= need; k++) {
        if (s[k] < lo || s[k] > hi) {
            *bad = k;
            return 0;
        }
        lo = 0x80;
        hi = 0xBF;
    }
    return need + 1;
}

/* Append the NUL-terminated S with & < > " ' turned into entities and
 * ill-formed UTF-8 into U+FFFD. Safe runs are copied in one append. */
static void
escape_markup(struct buf *out, const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    const unsigned char *run = s;

    for (;;) {
        unsigned char c = *s;
        const char *ent;
        size_t ent_len;

        if (c == '\0')
            break;
        if (c >= 0x80) {
            size_t bad = 0;
            size_t n = utf8_sequence(s, &bad);
            if (n) {
                s += n;
                continue;
            }
            buf_append(out, (const char *)run, (size_t)(s - run));
            buf_append(out, REPLACEMENT, sizeof REPLACEMENT - 1);
            s += bad;
            run = s;
            continue;
        }
        switch (c) {
        case '&':
            ent = "&amp;";
            ent_len = 5;
            break;
        case '<':
            ent = "&lt;";
            ent_len = 4;
            break;
        case '>':
            ent = "&gt;";
            ent_len = 4;
            break;
        case '"':
            ent = "&quot;";
            ent_len = 6;
            break;
        case '\'':
            ent = "&#39;";
            ent_len = 5;
            break;
        default: s++; continue;
        }
        buf_append(out, (const char *)run, (size_t)(s - run));
        buf_append(out, ent, ent_len);
        s++;
        run = s;
    }
    buf_append(out, (const char *)run, (size_t)(s - run));
}

void
html_text(struct buf *out, const char *s)
{
    escape_markup(out, s);
}

void
html_attr(struct buf *out, const char *s)
{
    escape_markup(out, s);
}

static int
is_unreserved(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

void
html_url_arg(struct buf *out, const char *str)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    char chunk[256];
    size_t n = 0;

    /* Encode into a small stack chunk and hand each chunk to the markup
     * escaper; the chunk holds only unreserved bytes and %XX, so the
     * escaper passes it through unchanged, but nothing skips it. */
    for (; *s; s++) {
        if (n + 4 > sizeof chunk) {
            chunk[n] = '\0';
            escape_markup(out, chunk);
            n = 0;
        }
        if (is_unreserved(*s)) {
            chunk[n++] = (char)*s;
        } else {
            chunk[n++] = '%';
            chunk[n++] = hex[*s >> 4];
            chunk[n++] = hex[*s & 0x0F];
        }
    }
    chunk[n] = '\0';
    escape_markup(out, chunk);
}

void
html_url_local(struct buf *out, const char *str)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *s = (const unsigned char *)str;
    /* a path of this site: "/…", never "//host" or "/\host", never a scheme */
    if (s[0] != '/' || s[1] == '/' || s[1] == '\\') {
        buf_append(out, "#", 1);
        return;
    }
    char chunk[256];
    size_t n = 0;
    for (; *s; s++) {
        if (n + 4 > sizeof chunk) {
            chunk[n] = '\0';
            escape_markup(out, chunk);
            n = 0;
        }
        /* the reserved characters a path and query are made of stay; the rest is encoded */
        if (is_unreserved(*s) || strchr("/?=&#%+:@!$,;", *s)) {
            chunk[n++] = (char)*s;
        } else {
            chunk[n++] = '%';
            chunk[n++] = hex[*s >> 4];
            chunk[n++] = hex[*s & 0x0F];
        }
    }
    chunk[n] = '\0';
    escape_markup(out, chunk);
}
