/* tests/unit/util/test_netaddr.c — trusted proxies and X-Forwarded-For. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "util/netaddr.h"

static const char *
client(const char *trusted, const char *peer, const char *xff)
{
    static char out[64];
    struct net_prefix p[NET_PREFIXES_MAX];
    size_t n = 99;
    assert_true(net_prefixes_parse(trusted, p, &n));
    net_client_address(p, n, peer, xff, out, sizeof out);
    return out;
}

static void
lists_parse_or_are_refused_whole(void **state)
{
    (void)state;
    struct net_prefix p[NET_PREFIXES_MAX];
    size_t n = 99;
    assert_true(net_prefixes_parse("", p, &n));
    assert_int_equal(n, 0);
    assert_true(net_prefixes_parse(" 10.0.0.0/8, 192.0.2.7 ::1  2001:db8::/32 ", p, &n));
    assert_int_equal(n, 4);
    assert_int_equal(p[0].bits, 8);
    assert_int_equal(p[1].bits, 32);
    assert_int_equal(p[2].bits, 128);
    assert_int_equal(p[3].bits, 32);
    static const char *const bad[] = { "10.0.0.0/33",   "::/129",        "10.0.0.1/",
                                       "10.0.0.1/x",    "localhost",     "10.0.0",
                                       "1.2.3.4 nginx", "10.0.0.0/0008", NULL };
    for (const char *const *b = bad; *b; b++) {
        n = 99;
        assert_false(net_prefixes_parse(*b, p, &n));
        assert_int_equal(n, 99); /* unchanged */
    }
    char many[33 * 12 + 1] = "";
    for (int i = 0; i < 33; i++) {
        char one[16];
        snprintf(one, sizeof one, "10.0.0.%d ", i);
        strcat(many, one);
    }
    assert_false(net_prefixes_parse(many, p, &n));
}

static void
prefixes_match_by_their_bits(void **state)
{
    (void)state;
    struct net_prefix p[NET_PREFIXES_MAX];
    size_t n;
    assert_true(net_prefixes_parse("10.1.0.0/15 2001:db8:ab00::/40", p, &n));
    assert_true(net_prefixes_match(p, n, "10.1.255.255"));
    assert_true(net_prefixes_match(p, n, "10.0.0.1"));
    assert_false(net_prefixes_match(p, n, "10.2.0.1"));
    assert_true(net_prefixes_match(p, n, "2001:db8:abff::1"));
    assert_false(net_prefixes_match(p, n, "2001:db8:ac00::1"));
    assert_true(net_prefixes_match(p, n, "::ffff:10.1.2.3")); /* IPv4 mapped into IPv6 */
    assert_false(net_prefixes_match(p, n, "not an address"));
    assert_false(net_prefixes_match(p, n, NULL));
}

static void
forwarded_for_is_believed_only_from_trusted_proxies(void **state)
{
    (void)state;
    /* no proxies: the header is anybody's claim */
    assert_string_equal(client("", "198.51.100.9", "203.0.113.5"), "198.51.100.9");
    /* a proxy that is not trusted */
    assert_string_equal(client("127.0.0.1", "198.51.100.9", "203.0.113.5"), "198.51.100.9");
    /* a trusted proxy: the nearest hop that is not a proxy */
    assert_string_equal(client("127.0.0.1", "127.0.0.1", "203.0.113.5"), "203.0.113.5");
    /* a forged entry left of the real one is not believed */
    assert_string_equal(client("127.0.0.1", "127.0.0.1", "1.2.3.4, 203.0.113.5"), "203.0.113.5");
    /* two proxies in a row */
    assert_string_equal(client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "203.0.113.5,10.1.1.1"),
                        "203.0.113.5");
    /* only proxies: the leftmost of them */
    assert_string_equal(client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "10.2.2.2, 10.1.1.1"),
                        "10.2.2.2");
    /* no header, or an empty one: the proxy itself */
    assert_string_equal(client("127.0.0.1", "127.0.0.1", NULL), "127.0.0.1");
    assert_string_equal(client("127.0.0.1", "127.0.0.1", " , "), "127.0.0.1");
    /* garbage stops the walk at the last trusted hop */
    assert_string_equal(
        client("127.0.0.1 10.0.0.0/8", "127.0.0.1", "203.0.113.5, unknown, 10.1.1.1"), "10.1.1.1");
    /* IPv6, written in canonical form; mapped IPv4 as IPv4 */
    assert_string_equal(client("::1", "::1", "2001:DB8:0:0::7"), "2001:db8::7");
    assert_string_equal(client("127.0.0.1", "::ffff:127.0.0.1", "203.0.113.5"), "203.0.113.5");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(lists_parse_or_are_refused_whole),
        cmocka_unit_test(prefixes_match_by_their_bits),
        cmocka_unit_test(forwarded_for_is_believed_only_from_trusted_proxies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
