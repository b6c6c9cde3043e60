/*
 * util/id.h — opaque identifiers and the deterministic generator behind
 * `lotse demo --seed`. An id is a short prefix naming the kind ("cl" client,
 * "cs" case, "us" user, "tm" team, "jc" Jobcenter) and 20 base32 characters
 * (100 random bits), e.g. "cs_7k2m…". Ids carry no meaning and no order.
 */
#ifndef LOTSE_UTIL_ID_H
#define LOTSE_UTIL_ID_H

#include <stdbool.h>
#include <stdint.h>

enum { ID_MAX = 32 };

/* A fresh random id with PREFIX (at most 4 characters) into OUT. */
void id_new(const char *prefix, char out[ID_MAX]);
/* True when S has the shape of an id (prefix, '_', 20 base32 characters). */
bool id_valid(const char *s);

/* splitmix64: a small, fast, deterministic generator for demo data. */
struct prng {
    uint64_t state;
};
uint64_t prng_next(struct prng *p);
/* Uniform in [0, n). */
uint32_t prng_below(struct prng *p, uint32_t n);
/* An id drawn from P instead of the system's random source. */
void id_from_prng(struct prng *p, const char *prefix, char out[ID_MAX]);

#endif
