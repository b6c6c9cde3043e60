/*
 * tests/unit/util/test_text.c — the search key of names: German umlauts
 * spelt out, marks of other Latin letters dropped, Cyrillic lowered, and
 * never a cut character when the output is short.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "util/text.h"

static void
expect_fold(const char *in, const char *want)
{
    char out[128];
    size_t n = text_fold(in, out, sizeof out);
    assert_string_equal(out, want);
    assert_int_equal(n, strlen(want));
}

static void
german_names_meet_in_every_spelling(void **state)
{
    (void)state;
    expect_fold("Müller", "mueller");
    expect_fold("MÜLLER", "mueller");
    expect_fold("Mueller", "mueller");
    expect_fold("Jürgen Groß", "juergen gross");
    expect_fold("ÄÖÜäöüß", "aeoeueaeoeuess");
    expect_fold("Heinz-Günter", "heinz-guenter");
}

static void
other_latin_letters_lose_their_marks(void **state)
{
    (void)state;
    expect_fold("Şahin", "sahin");
    expect_fold("ŞAHİN", "sahin");
    expect_fold("Łukasz Wójcik", "lukasz wojcik");
    expect_fold("Jérôme Ç", "jerome c");
    expect_fold("Ștefan Țurcanu", "stefan turcanu");
    expect_fold("Dvořák", "dvorak");
    expect_fold("Øster Ærø", "oster aero");
}

static void
cyrillic_is_lowered_and_the_rest_kept(void **state)
{
    (void)state;
    expect_fold("ОЛЕКСАНДР Шевченко", "олександр шевченко");
    expect_fold("Ёлкин", "ёлкин");
    expect_fold("محمد", "محمد");
    expect_fold("O'Neill 2×", "o'neill 2×");
    expect_fold("", "");
}

static void
short_output_never_cuts_a_character(void **state)
{
    (void)state;
    char out[4];
    /* "mü" → "mue" (3 bytes) fits exactly; one more would not */
    assert_int_equal(text_fold("Müx", out, sizeof out), 3);
    assert_string_equal(out, "mue");
    char small[3];
    assert_int_equal(text_fold("Ш", small, sizeof small), 2);
    assert_string_equal(small, "ш");
    assert_int_equal(text_fold("ШШ", small, sizeof small), 2);
    assert_int_equal(text_fold("ß", small, sizeof small), 2);
    assert_string_equal(small, "ss");
    char one[1];
    assert_int_equal(text_fold("abc", one, sizeof one), 0);
    assert_string_equal(one, "");
    /* ill-formed bytes are copied, not dropped */
    char bad[16];
    text_fold("a\xff"
              "b",
              bad, sizeof bad);
    assert_memory_equal(bad,
                        "a\xff"
                        "b",
                        4);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(german_names_meet_in_every_spelling),
        cmocka_unit_test(other_latin_letters_lose_their_marks),
        cmocka_unit_test(cyrillic_is_lowered_and_the_rest_kept),
        cmocka_unit_test(short_output_never_cuts_a_character),
    };
    return cmocka_run_group_tests_name("util/text", tests, NULL, NULL);
}
