/* util/id.c — opaque ids; see id.h. */
#include "util/id.h"

#include <string.h>

#include "util/crypto.h"

static const char b32[] = "0123456789abcdefghjkmnpqrstvwxyz"; /* Crockford, lower case */

static void
id_encode(const char *prefix, const unsigned char raw[13], char out[ID_MAX])
{
    size_t n = strlen(prefix);
    if (n > 4)
        n = 4;
    memcpy(out, prefix, n);
    out[n++] = '_';
    /* the first 100 of the 104 bits, five at a time */
    for (int i = 0; i < 20; i++) {
        int bit = i * 5;
        unsigned v = (unsigned)raw[bit / 8] << 8 | raw[bit / 8 + 1];
        out[n++] = b32[(v >> (11 - bit % 8)) & 31];
    }
    out[n] = '\0';
}

void
id_new(const char *prefix, char out[ID_MAX])
{
    unsigned char raw[13];
    random_bytes(raw, sizeof raw);
    id_encode(prefix, raw, out);
}

bool
id_valid(const char *s)
{
    const char *u = strchr(s, '_');
    if (!u || u == s || u - s > 4)
        return false;
    for (const char *p = s; p < u; p++)
        if (*p < 'a' || *p > 'z')
            return false;
    const char *t = u + 1;
    size_t n = 0;
    for (; t[n]; n++)
        if (!strchr(b32, t[n]))
            return false;
    return n == 20;
}

uint64_t
prng_next(struct prng *p)
{
    uint64_t z = (p->state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

uint32_t
prng_below(struct prng *p, uint32_t n)
{
    return (uint32_t)(((prng_next(p) >> 32) * (uint64_t)n) >> 32);
}

void
id_from_prng(struct prng *p, const char *prefix, char out[ID_MAX])
{
    unsigned char raw[13];
    uint64_t a = prng_next(p), b = prng_next(p);
    memcpy(raw, &a, 8);
    memcpy(raw + 8, &b, 5);
    id_encode(prefix, raw, out);
}
