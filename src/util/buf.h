/*
 * util/buf.h — a growable byte string, the one string builder of lotse.
 * A struct buf starts as BUF_INIT (empty, no allocation). The contents are
 * always NUL-terminated once anything was appended; buf_cstr() never returns
 * NULL. Allocation failure aborts: it is treated as a broken invariant.
 */
#ifndef LOTSE_UTIL_BUF_H
#define LOTSE_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
    char *data;
    size_t len;
    size_t cap;
};

#define BUF_INIT                                                                                   \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Append N bytes from P. */
void buf_append(struct buf *b, const char *p, size_t n);
/* Append the NUL-terminated string S. */
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
/* Append printf-style. Only for numbers and trusted text; never for HTML or SQL. */
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Make room for N more bytes. */
void buf_reserve(struct buf *b, size_t n);
/* Contents as a C string ("" when empty); borrowed, valid until the next change. */
const char *buf_cstr(const struct buf *b);
/* Forget the contents, keep the allocation. */
void buf_reset(struct buf *b);
/* Hand the allocation to the caller (free() it); B is empty afterwards. */
char *buf_steal(struct buf *b);
void buf_free(struct buf *b);

#endif
