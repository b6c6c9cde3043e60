/* util/netaddr.c — see netaddr.h. */
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ADDRESS (text, no prefix) into FAMILY and 4 or 16 bytes; IPv4-mapped IPv6 as IPv4. */
static bool
parse_address(const char *text, size_t len, int *family, unsigned char addr[16])
{
    char s[INET6_ADDRSTRLEN];
    if (len == 0 || len >= sizeof s)
        return false;
    memcpy(s, text, len);
    s[len] = '\0';
    if (inet_pton(AF_INET, s, addr) == 1) {
        *family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, s, addr) != 1)
        return false;
    static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
    if (memcmp(addr, mapped, sizeof mapped) == 0) {
        memmove(addr, addr + 12, 4);
        *family = AF_INET;
    } else {
        *family = AF_INET6;
    }
    return true;
}

static bool
is_separator(char c)
{
    return c == ' ' || c == ',' || c == '\t';
}

bool
net_prefixes_parse(const char *list, struct net_prefix out[NET_PREFIXES_MAX], size_t *n)
{
    struct net_prefix got[NET_PREFIXES_MAX];
    size_t k = 0;
    const char *p = list;
    for (;;) {
        while (*p && is_separator(*p))
            p++;
        if (!*p)
            break;
        const char *start = p;
        while (*p && !is_separator(*p))
            p++;
        const char *slash = memchr(start, '/', (size_t)(p - start));
        const char *addr_end = slash ? slash : p;
        if (k == NET_PREFIXES_MAX)
            return false;
        struct net_prefix *x = &got[k];
        memset(x, 0, sizeof *x);
        if (!parse_address(start, (size_t)(addr_end - start), &x->family, x->addr))
            return false;
        unsigned max = x->family == AF_INET ? 32 : 128;
        x->bits = max;
        if (slash) {
            const char *d = slash + 1;
            if (d == p || p - d > 3)
                return false;
            unsigned bits = 0;
            for (; d < p; d++) {
                if (*d < '0' || *d > '9')
                    return false;
                bits = bits * 10 + (unsigned)(*d - '0');
            }
            if (bits > max)
                return false;
            x->bits = bits;
        }
        k++;
    }
    memcpy(out, got, k * sizeof *got);
    *n = k;
    return true;
}

static bool
in_prefix(const struct net_prefix *x, int family, const unsigned char addr[16])
{
    if (x->family != family)
        return false;
    unsigned full = x->bits / 8, rest = x->bits % 8;
    if (memcmp(x->addr, addr, full) != 0)
        return false;
    if (!rest)
        return true;
    unsigned char mask = (unsigned char)(0xff << (8 - rest));
    return (x->addr[full] & mask) == (addr[full] & mask);
}

static bool
match_bytes(const struct net_prefix *prefixes, size_t n, int family, const unsigned char addr[16])
{
    for (size_t i = 0; i < n; i++)
        if (in_prefix(&prefixes[i], family, addr))
            return true;
    return false;
}

bool
net_prefixes_match(const struct net_prefix *prefixes, size_t n, const char *address)
{
    int family;
    unsigned char addr[16];
    return address && parse_address(address, strlen(address), &family, addr) &&
           match_bytes(prefixes, n, family, addr);
}

static void
format_address(int family, const unsigned char addr[16], char *out, size_t outlen)
{
    char s[INET6_ADDRSTRLEN];
    if (!inet_ntop(family, addr, s, sizeof s))
        s[0] = '\0';
    snprintf(out, outlen, "%s", s);
}

void
net_client_address(const struct net_prefix *trusted, size_t n, const char *peer,
                   const char *forwarded_for, char *out, size_t outlen)
{
    int family;
    unsigned char addr[16];
    if (!peer || !parse_address(peer, strlen(peer), &family, addr)) {
        snprintf(out, outlen, "%s", peer ? peer : "");
        return;
    }
    /* from the right: the nearest hop first */
    const char *end = forwarded_for ? forwarded_for + strlen(forwarded_for) : NULL;
    while (end && match_bytes(trusted, n, family, addr)) {
        while (end > forwarded_for && is_separator(end[-1]))
            end--;
        if (end == forwarded_for)
            break; /* no more entries: the leftmost trusted hop it is */
        const char *start = end;
        while (start > forwarded_for && !is_separator(start[-1]))
            start--;
        int f;
        unsigned char a[16];
        if (!parse_address(start, (size_t)(end - start), &f, a))
            break; /* not an address: believe nothing further left */
        family = f;
        memcpy(addr, a, sizeof addr);
        end = start;
    }
    format_address(family, addr, out, outlen);
}
