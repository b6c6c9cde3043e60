/*
 * util/text.h — text helpers that do not depend on the process locale.
 */
#ifndef LOTSE_UTIL_TEXT_H
#define LOTSE_UTIL_TEXT_H

#include <stddef.h>

/* The search key of a name: lower case, German umlauts and ß spelt out (ä →
 * ae, ß → ss), other Latin letters without their marks (é → e, ş → s, ł →
 * l), Cyrillic capitals lowered; everything else as it is. So "Müller",
 * "MUELLER" and "mueller" meet, and "Sahin" finds "Şahin". The same rules on
 * every machine and with every store, because they are written here and not
 * taken from a locale or the database. IN is UTF-8 (ill-formed bytes are
 * copied as they are); OUT gets at most SIZE-1 bytes and a NUL, never a cut
 * character. Returns the length written. */
size_t text_fold(const char *in, char *out, size_t size);

#endif
