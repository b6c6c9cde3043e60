/*
 * util/json_out.h — a jansson value as compact JSON text, straight into a
 * struct buf. The bytes are the same as json_dumps(v, JSON_COMPACT |
 * JSON_ENCODE_ANY) of jansson 2.14, several times faster: jansson decodes
 * every string character by character and hands each piece to a callback,
 * while json_out copies strings in runs and stops only at the bytes JSON
 * must escape (", \ and the control characters below 0x20). A 24 KB
 * worklist response otherwise spends most of its time in the dumper.
 */
#ifndef LOTSE_UTIL_JSON_OUT_H
#define LOTSE_UTIL_JSON_OUT_H

#include <jansson.h>

#include "util/buf.h"

/* Append V to B as compact JSON: objects in insertion order, "," and ":"
 * without spaces; in strings and keys " and \ escaped with a backslash,
 * \b \f \n \r \t as such, other bytes below 0x20 (NUL included, for strings
 * made with json_stringn) as \u00XX with upper-case hex; every other byte,
 * '/' and UTF-8 included, copied as it is. Integers in decimal; reals as
 * "%.17g" with a ".0" added when there is neither '.' nor 'e' and the
 * exponent without '+' or leading zeros (1e300 → "1.0000000000000001e300"),
 * always with '.' as the decimal point whatever the locale. Any value may be
 * at the top, not only an array or object. V is borrowed.
 *
 * V must be a tree, as every view the server builds is. jansson does not
 * forbid a container that holds itself through another; where json_dumps
 * would fail, json_out aborts (a broken invariant, like a NULL V), so it
 * never loops or recurses without end. Strings are taken to be valid UTF-8,
 * which jansson guarantees except for the _nocheck constructors: bytes that
 * json_dumps would refuse are copied. Allocation failure aborts (see buf.h). */
void json_out(struct buf *b, const json_t *v);

#endif
