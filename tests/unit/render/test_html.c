/*
 * tests/unit/render/test_html.c — the escapers of render/html.h: the five
 * markup characters, U+FFFD for every kind of ill-formed UTF-8, and URL
 * argument encoding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "render/html.h"

#define FFFD "\xEF\xBF\xBD"

typedef void (*escaper)(struct buf *out, const char *s);

static void
assert_escapes(escaper fn, const char *in, const char *want)
{
    struct buf b = BUF_INIT;

    fn(&b, in);
    assert_string_equal(buf_cstr(&b), want);
    assert_int_equal(b.len, strlen(want));
    buf_free(&b);
}

static void
text_escapes_all_five_markup_characters(void **state)
{
    (void)state;
    assert_escapes(html_text, "<b class='x'>Tom & \"Jerry\"</b>",
                   "&lt;b class=&#39;x&#39;&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;");
    assert_escapes(html_text, "&<>\"'", "&amp;&lt;&gt;&quot;&#39;");
}

static void
attr_escapes_all_five_markup_characters(void **state)
{
    (void)state;
    assert_escapes(html_attr, "\"><script>alert('x')</script>",
                   "&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    assert_escapes(html_attr, "'&'", "&#39;&amp;&#39;");
}

static void
plain_text_and_valid_utf8_pass_unchanged(void **state)
{
    (void)state;
    assert_escapes(html_text, "", "");
    assert_escapes(html_text, "Hallo Welt", "Hallo Welt");
    /* 2-, 3- and 4-byte sequences, and the largest code point U+10FFFF */
    assert_escapes(html_text, "Gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF",
                   "Gr\xC3\xBC\xC3\x9F \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF");
    /* the edges next to the surrogates, and U+FFFD itself */
    assert_escapes(html_attr, "\xED\x9F\xBF\xEE\x80\x80" FFFD, "\xED\x9F\xBF\xEE\x80\x80" FFFD);
}

static void
overlong_encodings_become_replacement(void **state)
{
    (void)state;
    assert_escapes(html_text,
                   "a\xC0\xAF"
                   "b",
                   "a" FFFD FFFD "b"); /* "/" as 2 bytes */
    assert_escapes(html_text, "\xC1\xBF", FFFD FFFD);
    assert_escapes(html_text, "\xE0\x80\xAF", FFFD FFFD FFFD);          /* "/" as 3 bytes */
    assert_escapes(html_text, "\xF0\x80\x80\xAF", FFFD FFFD FFFD FFFD); /* "/" as 4 bytes */
    /* an overlong "<" must not turn into markup */
    assert_escapes(html_attr, "\xC0\xBC", FFFD FFFD);
}

static void
lone_continuation_bytes_become_replacement(void **state)
{
    (void)state;
    assert_escapes(html_text, "\x80", FFFD);
    assert_escapes(html_text, "x\xBFy", "x" FFFD "y");
    assert_escapes(html_text, "\x80\x80<", FFFD FFFD "&lt;");
}

static void
truncated_sequences_become_one_replacement(void **state)
{
    (void)state;
    assert_escapes(html_text, "\xE2\x82", FFFD);      /* at the end */
    assert_escapes(html_text, "\xE2\x82x", FFFD "x"); /* before ASCII */
    assert_escapes(html_text, "\xF0\x9F\x98", FFFD);
    assert_escapes(html_text, "\xC3", FFFD);
    assert_escapes(html_text, "\xE2\x82<", FFFD "&lt;");        /* the "<" still escaped */
    assert_escapes(html_text, "\xC3\xC3\xBC", FFFD "\xC3\xBC"); /* next lead byte kept */
}

static void
surrogates_and_out_of_range_become_replacement(void **state)
{
    (void)state;
    assert_escapes(html_text, "\xED\xA0\x80", FFFD FFFD FFFD);          /* U+D800 */
    assert_escapes(html_text, "\xED\xBF\xBF", FFFD FFFD FFFD);          /* U+DFFF */
    assert_escapes(html_text, "\xF4\x90\x80\x80", FFFD FFFD FFFD FFFD); /* U+110000 */
    assert_escapes(html_text, "\xF5\x80\x80\x80", FFFD FFFD FFFD FFFD);
    assert_escapes(html_text, "\xFE\xFF", FFFD FFFD);
}

static void
nul_ends_the_string(void **state)
{
    (void)state;
    assert_escapes(html_text, "ab\0<c", "ab");
    assert_escapes(html_url_arg, "a b\0c", "a%20b");
}

static void
url_arg_percent_encodes_all_but_unreserved(void **state)
{
    (void)state;
    assert_escapes(html_url_arg, "a b/../?&=<x>", "a%20b%2F..%2F%3F%26%3D%3Cx%3E");
    assert_escapes(html_url_arg, "AZaz09-._~", "AZaz09-._~");
    assert_escapes(html_url_arg, "\"'#%+:;@", "%22%27%23%25%2B%3A%3B%40");
    assert_escapes(html_url_arg, "\xC3\xBC\xC0", "%C3%BC%C0"); /* bytes as they are */
    assert_escapes(html_url_arg, "javascript:alert(1)", "javascript%3Aalert%281%29");
    assert_escapes(html_url_arg, "", "");
}

static void
url_arg_handles_long_input(void **state)
{
    (void)state;
    struct buf in = BUF_INIT, want = BUF_INIT, got = BUF_INIT;

    for (int i = 0; i < 1000; i++) {
        buf_puts(&in, i % 3 ? "x" : "/");
        buf_puts(&want, i % 3 ? "x" : "%2F");
    }
    html_url_arg(&got, buf_cstr(&in));
    assert_string_equal(buf_cstr(&got), buf_cstr(&want));
    buf_free(&in);
    buf_free(&want);
    buf_free(&got);
}

static void
escapers_append(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;

    buf_puts(&b, "<p>");
    html_text(&b, "1 < 2");
    buf_puts(&b, " ");
    html_attr(&b, "\"");
    buf_puts(&b, " ");
    html_url_arg(&b, "a/b");
    assert_string_equal(buf_cstr(&b), "<p>1 &lt; 2 &quot; a%2Fb");
    buf_free(&b);
}

static void
literal_appends_string_literal(void **state)
{
    (void)state;
    struct buf b = BUF_INIT;

    html_literal(&b, "<br>");
    html_literal(&b, "");
    assert_string_equal(buf_cstr(&b), "<br>");
    assert_int_equal(b.len, 4);
    buf_free(&b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_escapes_all_five_markup_characters),
        cmocka_unit_test(attr_escapes_all_five_markup_characters),
        cmocka_unit_test(plain_text_and_valid_utf8_pass_unchanged),
        cmocka_unit_test(overlong_encodings_become_replacement),
        cmocka_unit_test(lone_continuation_bytes_become_replacement),
        cmocka_unit_test(truncated_sequences_become_one_replacement),
        cmocka_unit_test(surrogates_and_out_of_range_become_replacement),
        cmocka_unit_test(nul_ends_the_string),
        cmocka_unit_test(url_arg_percent_encodes_all_but_unreserved),
        cmocka_unit_test(url_arg_handles_long_input),
        cmocka_unit_test(escapers_append),
        cmocka_unit_test(literal_appends_string_literal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
