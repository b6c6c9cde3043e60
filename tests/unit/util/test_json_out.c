/*
 * tests/unit/util/test_json_out.c — json_out writes the very bytes of
 * json_dumps(v, JSON_COMPACT): every escape, NUL inside strings and keys,
 * UTF-8, numbers at their edges, any locale, and 2000 random trees that
 * also read back to equal values. A cycle stops the process, not a loop.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <locale.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "util/json_out.h"

/* json_out(V) equals jansson's compact dump, byte for byte. Takes V. */
static void
expect_same_take(json_t *v)
{
    assert_non_null(v);
    char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    assert_non_null(want);
    if (json_is_array(v) || json_is_object(v)) {
        /* what the server calls: containers need no JSON_ENCODE_ANY */
        char *plain = json_dumps(v, JSON_COMPACT);
        assert_non_null(plain);
        assert_string_equal(plain, want);
        free(plain);
    }
    struct buf b = BUF_INIT;
    json_out(&b, v);
    assert_string_equal(buf_cstr(&b), want);
    assert_int_equal(b.len, strlen(want)); /* no stray NUL in the output */
    buf_free(&b);
    free(want);
    json_decref(v);
}

/* json_out(V) is LITERAL as well as jansson's dump. Takes V. */
static void
expect_text_take(json_t *v, const char *literal)
{
    assert_non_null(v);
    struct buf b = BUF_INIT;
    json_out(&b, v);
    assert_string_equal(buf_cstr(&b), literal);
    buf_free(&b);
    expect_same_take(v);
}

static void
every_ascii_byte_is_escaped_as_jansson_does(void **state)
{
    (void)state;
    char all[127];
    for (int c = 1; c <= 0x7F; c++)
        all[c - 1] = (char)c;
    expect_same_take(json_stringn(all, sizeof all));
    /* each byte alone, and between clean text on both sides */
    for (int c = 1; c <= 0x7F; c++) {
        char one[1] = { (char)c };
        char mid[21] = "0123456789x0123456789";
        mid[10] = (char)c;
        expect_same_take(json_stringn(one, 1));
        expect_same_take(json_stringn(mid, sizeof mid));
    }
    expect_text_take(json_string("\"\\/\b\f\n\r\t\x01\x1f\x7f"),
                     "\"\\\"\\\\/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f\"");
}

static void
an_escape_is_found_at_every_position(void **state)
{
    (void)state;
    /* the scan reads eight bytes at a time: put each special byte at every
     * offset of strings up to three words long, next to bytes that differ
     * from the special ones only in the high bit */
    const char specials[] = { '"', '\\', '\0', '\n', '\x1f', '\x7f' };
    for (size_t len = 1; len <= 24; len++) {
        for (size_t at = 0; at < len; at++) {
            for (size_t k = 0; k < sizeof specials; k++) {
                char s[24];
                memset(s, 'a', len);
                s[at] = specials[k];
                expect_same_take(json_stringn(s, len));
            }
        }
    }
    /* ¢ = C2 A2 (0xA2 = '"' | 0x80), Ü = C3 9C, ܢ = DC A2 (0xDC = '\' | 0x80),
     * U+0080 = C2 80; none of them is escaped */
    const char *high = "¢Üܢ\xc2\x80¢Üܢ\xc2\x80¢Üܢ\xc2\x80";
    expect_text_take(json_string(high), "\"¢Üܢ\xc2\x80¢Üܢ\xc2\x80¢Üܢ\xc2\x80\"");
}

static void
strings_keep_nul_and_utf8(void **state)
{
    (void)state;
    expect_text_take(json_stringn("a\0b", 3), "\"a\\u0000b\"");
    expect_text_take(json_stringn("\0", 1), "\"\\u0000\"");
    expect_text_take(json_string("ä € 😀 /"), "\"ä € 😀 /\"");
    expect_text_take(json_string(""), "\"\"");
    char long_text[1000];
    memset(long_text, 'x', sizeof long_text - 1);
    long_text[sizeof long_text - 1] = '\0';
    long_text[500] = '"';
    expect_same_take(json_string(long_text));
}

static void
containers_are_compact_and_in_insertion_order(void **state)
{
    (void)state;
    expect_text_take(json_object(), "{}");
    expect_text_take(json_array(), "[]");
    expect_text_take(json_pack("{s:i, s:s, s:[], s:{}}", "z", 1, "a", "b", "m", "c"),
                     "{\"z\":1,\"a\":\"b\",\"m\":[],\"c\":{}}");
    expect_text_take(json_pack("[[[[]]],{s:{s:[i,{}]}},[n,b,b]]", "a", "b", 2, 1, 0),
                     "[[[[]]],{\"a\":{\"b\":[2,{}]}},[null,true,false]]");
    /* one value twice in the tree is not a cycle */
    json_t *shared = json_pack("{s:s}", "k", "v");
    expect_same_take(json_pack("[O,O,{s:O}]", shared, shared, "x", shared));
    json_decref(shared);
}

static void
keys_are_escaped_like_strings(void **state)
{
    (void)state;
    json_t *o = json_object();
    json_object_set_new(o, "say \"hi\"", json_integer(1));
    json_object_set_new(o, "back\\slash", json_integer(2));
    json_object_set_new(o, "line\nbreak\x01", json_integer(3));
    json_object_set_new(o, "", json_integer(4));
    json_object_set_new(o, "Straße €", json_integer(5));
    json_object_setn_new(o, "nul\0key", 7, json_integer(6));
    expect_text_take(o, "{\"say \\\"hi\\\"\":1,\"back\\\\slash\":2,\"line\\nbreak\\u0001\":3,"
                        "\"\":4,\"Straße €\":5,\"nul\\u0000key\":6}");
}

static void
integers_and_literals(void **state)
{
    (void)state;
    expect_text_take(json_integer(0), "0");
    expect_text_take(json_integer(-1), "-1");
    expect_text_take(json_integer(42), "42");
    expect_text_take(json_integer(INT64_MAX), "9223372036854775807");
    expect_text_take(json_integer(INT64_MIN), "-9223372036854775808");
    expect_text_take(json_true(), "true");
    expect_text_take(json_false(), "false");
    expect_text_take(json_null(), "null");
}

static void
reals_are_formatted_as_jansson_does(void **state)
{
    (void)state;
    expect_text_take(json_real(0.0), "0.0");
    expect_text_take(json_real(-0.0), "-0.0");
    expect_text_take(json_real(1.0), "1.0");
    expect_text_take(json_real(-2.5), "-2.5");
    expect_text_take(json_real(0.1), "0.10000000000000001");
    expect_text_take(json_real(1e300), "1.0000000000000001e300");
    expect_text_take(json_real(1e-300), "1e-300");
    expect_text_take(json_real(1e-5), "1.0000000000000001e-5");
    expect_text_take(json_real(123456789.125), "123456789.125");
    expect_text_take(json_real(1e16), "10000000000000000.0");
    expect_text_take(json_real(1e17), "1e17");
    expect_same_take(json_real(5e-324));
    expect_same_take(json_real(-1.7976931348623157e308));
    expect_same_take(json_real(1.0 / 3.0));
}

static void
reals_use_a_point_in_any_locale(void **state)
{
    (void)state;
    if (!setlocale(LC_NUMERIC, "de_DE.UTF-8") && !setlocale(LC_NUMERIC, "de_DE.utf8")) {
        skip();
    }
    expect_text_take(json_real(-2.5), "-2.5");
    expect_text_take(json_real(0.1), "0.10000000000000001");
    expect_text_take(json_real(1e-5), "1.0000000000000001e-5");
}

/* Back to "C" even when the test above fails half way. */
static int
restore_locale(void **state)
{
    (void)state;
    setlocale(LC_NUMERIC, "C");
    return 0;
}

static void
output_is_appended(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;
    buf_puts(&b, "data: ");
    json_t *v = json_pack("{s:[i,s]}", "a", 1, "x\ty");
    json_out(&b, v);
    assert_string_equal(buf_cstr(&b), "data: {\"a\":[1,\"x\\ty\"]}");
    json_decref(v);
    buf_free(&b);
}

static void
a_cycle_aborts_instead_of_looping(void **state)
{
    (void)state;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        alarm(10); /* a loop would end in SIGALRM, not SIGABRT */
        json_t *a = json_array();
        json_t *b = json_object();
        json_array_append_new(a, json_integer(1));
        json_array_append(a, b);
        json_object_set(b, "back", a);
        struct buf out = BUF_INIT;
        json_out(&out, a);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
}

/* A small fixed generator, so every run and every libc builds the same trees. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
    uint64_t x = rng_state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return rng_state = x;
}

static unsigned
rng_below(unsigned n)
{
    return (unsigned)(rng() % n);
}

static size_t
put_utf8(char *out, uint32_t cp)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | cp >> 6);
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | cp >> 12);
        out[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | cp >> 18);
    out[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    out[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Mostly plain text, so that runs form; now and then any ASCII byte (NUL
 * only if ALLOW_NUL) or a character of two to four bytes. */
static size_t
random_text(char *out, size_t max_chars, int allow_nul)
{
    static const uint32_t wide[] = {
        0x80,  0xA2,   0xDC,   0xE4,   0xFF,   0x100,  0x15C,   0x722,   0x7FF,
        0x800, 0x20AC, 0xD7FF, 0xE000, 0xFFFD, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF,
    };
    size_t len = 0;
    size_t n = rng_below(8) == 0 ? rng_below((unsigned)max_chars + 1) : rng_below(24);
    for (size_t i = 0; i < n; i++) {
        unsigned pick = rng_below(10);
        uint32_t cp;
        if (pick < 6)
            cp = 0x20 + rng_below(0x5F); /* printable ASCII */
        else if (pick < 8)
            cp = rng_below(0x80);
        else
            cp = wide[rng_below(sizeof wide / sizeof wide[0])];
        if (cp == 0 && !allow_nul)
            cp = ' ';
        len += put_utf8(out + len, cp);
    }
    return len;
}

static json_t *
random_value(int depth)
{
    char text[4 * 200];
    unsigned kind = rng_below(depth >= 4 ? 6 : 8);
    switch (kind) {
    case 0: return json_null();
    case 1: return rng_below(2) ? json_true() : json_false();
    case 2: {
        static const json_int_t edges[] = { 0, -1, 1, INT64_MAX, INT64_MIN, 1000000 };
        if (rng_below(4) == 0)
            return json_integer(edges[rng_below(6)]);
        json_int_t x = (json_int_t)(rng() >> (1 + rng_below(63))); /* below 2^63 */
        return json_integer(rng_below(2) ? x : -x);
    }
    case 3: {
        double d;
        if (rng_below(2)) {
            uint64_t bits = rng();
            memcpy(&d, &bits, sizeof d); /* any finite double */
            if (d != d || d - d != 0)
                d = 0.5;
        } else {
            d = ((double)(rng() % 2000000) - 1000000.0) / (double)(1u << rng_below(12));
        }
        return json_real(d);
    }
    case 4:
    case 5: {
        size_t len = random_text(text, 200, 1);
        return json_stringn(text, len);
    }
    case 6: {
        json_t *a = json_array();
        unsigned n = rng_below(8);
        for (unsigned i = 0; i < n; i++)
            json_array_append_new(a, random_value(depth + 1));
        return a;
    }
    default: {
        json_t *o = json_object();
        unsigned n = rng_below(8);
        for (unsigned i = 0; i < n; i++) {
            /* json_loads refuses NUL in keys, so the round trip keeps them out */
            size_t len = random_text(text, 40, 0);
            json_object_setn_new(o, text, len, random_value(depth + 1));
        }
        return o;
    }
    }
}

static void
random_trees_match_and_read_back(void **state)
{
    (void)state;
    rng_state = 0x9e3779b97f4a7c15ULL;
    for (int i = 0; i < 2000; i++) {
        json_t *v = random_value(rng_below(3) ? 1 : 0);
        assert_non_null(v);
        struct buf b = BUF_INIT;
        json_out(&b, v);

        char *want = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
        assert_non_null(want);
        assert_int_equal(b.len, strlen(want));
        assert_memory_equal(b.data, want, b.len);
        free(want);

        json_error_t err;
        json_t *back = json_loadb(b.data, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
        if (!back)
            fail_msg("tree %d does not read back: %s", i, err.text);
        assert_true(json_equal(back, v));
        json_decref(back);
        json_decref(v);
        buf_free(&b);
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_ascii_byte_is_escaped_as_jansson_does),
        cmocka_unit_test(an_escape_is_found_at_every_position),
        cmocka_unit_test(strings_keep_nul_and_utf8),
        cmocka_unit_test(containers_are_compact_and_in_insertion_order),
        cmocka_unit_test(keys_are_escaped_like_strings),
        cmocka_unit_test(integers_and_literals),
        cmocka_unit_test(reals_are_formatted_as_jansson_does),
        cmocka_unit_test_teardown(reals_use_a_point_in_any_locale, restore_locale),
        cmocka_unit_test(output_is_appended),
        cmocka_unit_test(a_cycle_aborts_instead_of_looping),
        cmocka_unit_test(random_trees_match_and_read_back),
    };
    return cmocka_run_group_tests_name("util/json_out", tests, NULL, NULL);
}
