/* util/text.c — see text.h. */
#include "util/text.h"

#include <string.h>

/* U+00C0..U+017F: the lower-case ASCII a letter stands for; NULL keeps it. */
static const char *const latin[] = {
    /* C0 */ "a",  "a", "a",  "a",  "ae", "a", "ae", "c",
    "e",           "e", "e",  "e",  "i",  "i", "i",  "i",
    /* D0 */ "d",  "n", "o",  "o",  "o",  "o", "oe", NULL,
    "o",           "u", "u",  "u",  "ue", "y", "th", "ss",
    /* E0 */ "a",  "a", "a",  "a",  "ae", "a", "ae", "c",
    "e",           "e", "e",  "e",  "i",  "i", "i",  "i",
    /* F0 */ "d",  "n", "o",  "o",  "o",  "o", "oe", NULL,
    "o",           "u", "u",  "u",  "ue", "y", "th", "y",
    /* 100 */ "a", "a", "a",  "a",  "a",  "a", "c",  "c",
    "c",           "c", "c",  "c",  "c",  "c", "d",  "d",
    /* 110 */ "d", "d", "e",  "e",  "e",  "e", "e",  "e",
    "e",           "e", "e",  "e",  "g",  "g", "g",  "g",
    /* 120 */ "g", "g", "g",  "g",  "h",  "h", "h",  "h",
    "i",           "i", "i",  "i",  "i",  "i", "i",  "i",
    /* 130 */ "i", "i", "ij", "ij", "j",  "j", "k",  "k",
    "k",           "l", "l",  "l",  "l",  "l", "l",  "l",
    /* 140 */ "l", "l", "l",  "n",  "n",  "n", "n",  "n",
    "n",           "n", "n",  "n",  "o",  "o", "o",  "o",
    /* 150 */ "o", "o", "oe", "oe", "r",  "r", "r",  "r",
    "r",           "r", "s",  "s",  "s",  "s", "s",  "s",
    /* 160 */ "s", "s", "t",  "t",  "t",  "t", "t",  "t",
    "u",           "u", "u",  "u",  "u",  "u", "u",  "u",
    /* 170 */ "u", "u", "u",  "u",  "w",  "w", "y",  "y",
    "y",           "z", "z",  "z",  "z",  "z", "z",  "s",
};

/* Decode one UTF-8 character at S: its code point and length, or 0 when ill-formed. */
static size_t
decode(const unsigned char *s, unsigned *cp)
{
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    }
    if ((s[0] & 0xe0) == 0xc0 && s[0] >= 0xc2 && (s[1] & 0xc0) == 0x80) {
        *cp = (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
        return 2;
    }
    if ((s[0] & 0xf0) == 0xe0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80) {
        *cp = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        return *cp >= 0x800 ? 3 : 0;
    }
    if ((s[0] & 0xf8) == 0xf0 && (s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 &&
        (s[3] & 0xc0) == 0x80) {
        *cp = (unsigned)(s[0] & 0x07) << 18 | (unsigned)(s[1] & 0x3f) << 12 |
              (unsigned)(s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        return *cp >= 0x10000 && *cp <= 0x10ffff ? 4 : 0;
    }
    return 0;
}

static size_t
encode(unsigned cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3f));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

size_t
text_fold(const char *in, char *out, size_t size)
{
    size_t o = 0;
    if (size == 0)
        return 0;
    for (const unsigned char *s = (const unsigned char *)in; *s;) {
        unsigned cp = 0;
        size_t n = decode(s, &cp);
        char piece[4];
        const char *put = piece;
        size_t len;
        if (n == 0) { /* ill-formed: the byte as it is */
            piece[0] = (char)*s;
            len = 1;
            n = 1;
        } else if (cp >= 'A' && cp <= 'Z') {
            piece[0] = (char)(cp - 'A' + 'a');
            len = 1;
        } else if (cp >= 0xc0 && cp <= 0x17f && latin[cp - 0xc0]) {
            put = latin[cp - 0xc0];
            len = strlen(put);
        } else if (cp >= 0x218 && cp <= 0x21b) { /* Romanian Ș ș Ț ț */
            put = cp < 0x21a ? "s" : "t";
            len = 1;
        } else if (cp >= 0x400 && cp <= 0x40f) { /* Cyrillic Ѐ…Џ */
            len = encode(cp + 0x50, piece);
        } else if (cp >= 0x410 && cp <= 0x42f) { /* Cyrillic А…Я */
            len = encode(cp + 0x20, piece);
        } else {
            len = encode(cp, piece);
        }
        if (o + len >= size)
            break; /* never a cut character */
        memcpy(out + o, put, len);
        o += len;
        s += n;
    }
    out[o] = '\0';
    return o;
}
