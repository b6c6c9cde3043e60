/*
 * util/netaddr.h — who sent a request when it came through a reverse proxy.
 *
 * Behind a load balancer or TLS proxy every connection comes from the
 * proxy; the address of the client is in X-Forwarded-For, which anybody can
 * also send. So it is believed only as far as the chain of proxies the
 * operator named (server.trusted_proxies) reaches: from the right, the
 * first address that is not a trusted proxy is the client's.
 */
#ifndef LOTSE_UTIL_NETADDR_H
#define LOTSE_UTIL_NETADDR_H

#include <stdbool.h>
#include <stddef.h>

/* An address with a prefix length: 192.0.2.7 is 192.0.2.7/32. */
struct net_prefix {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    unsigned bits;
};

enum { NET_PREFIXES_MAX = 32 };

/* Parse LIST, addresses and ADDRESS/BITS separated by spaces or commas, into
 * OUT (at most NET_PREFIXES_MAX). False, with *N unchanged, when an entry is
 * not an IPv4 or IPv6 address or prefix, or there are too many. */
bool net_prefixes_parse(const char *list, struct net_prefix out[NET_PREFIXES_MAX], size_t *n);

/* Whether the address ADDRESS (text) lies in one of the N prefixes. An IPv4
 * address mapped into IPv6 (::ffff:192.0.2.7) counts as the IPv4 address. */
bool net_prefixes_match(const struct net_prefix *prefixes, size_t n, const char *address);

/* The client's address: PEER (the connection's address), unless PEER is a
 * trusted proxy and FORWARDED_FOR (the X-Forwarded-For header; NULL when
 * absent) names others; then its entries from the right, skipping trusted
 * proxies, up to the first that is not one, or the leftmost. An entry that
 * is not an address stops the walk at the last trusted hop before it.
 * Written into OUT (OUTLEN bytes, 46 are enough) in canonical form. */
void net_client_address(const struct net_prefix *trusted, size_t n, const char *peer,
                        const char *forwarded_for, char *out, size_t outlen);

#endif
