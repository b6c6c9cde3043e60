/*
 * render/html.h — the escapers: one per output context. Everything lotse
 * writes into HTML passes through one of these or is a string literal.
 */
#ifndef LOTSE_RENDER_HTML_H
#define LOTSE_RENDER_HTML_H

#include "util/buf.h"

/* Text content: escapes & < > " ' (all five) as &amp; &lt; &gt; &quot; &#39;.
 * Ill-formed UTF-8 (stray or truncated sequences, overlong forms, surrogates,
 * code points above U+10FFFF) becomes U+FFFD, one per maximal ill-formed
 * subpart as the WHATWG decoder does. S ends at its NUL. Appends to OUT. */
void html_text(struct buf *out, const char *s);
/* A quoted attribute value: the same set. */
void html_attr(struct buf *out, const char *s);
/* A value inside a URL (path segment or query value): percent-encodes every
 * byte except A-Z a-z 0-9 - . _ ~ (uppercase hex, bytes as they are, so
 * ill-formed UTF-8 survives as %XX), then attribute-escapes. */
void html_url_arg(struct buf *out, const char *s);

/* A whole URL (a variable at the start of href/src/action): only a path of
 * this site is written — it must start with one "/" (no "//host", no
 * scheme such as javascript:), else "#" is written instead. Bytes outside
 * the unreserved set and / ? = & # % + : @ ! $ , ; are percent-encoded; then
 * attribute-escaped (so & becomes &amp;). */
void html_url_local(struct buf *out, const char *s);

/* Raw markup: the "" forces a string literal, so a variable cannot get in. */
#define html_literal(out, lit) buf_append((out), "" lit, sizeof(lit) - 1)

#endif
