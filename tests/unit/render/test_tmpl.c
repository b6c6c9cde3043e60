/*
 * tests/unit/render/test_tmpl.c — the template engine of render/tmpl.h:
 * context-dependent escaping, sections, partials, translations, raw output,
 * and the compile errors that keep values out of unsafe HTML positions.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/tmpl.h"

/* ------------------------------------------------------------------ helpers */

static struct tmpl_set *
compile_ok(const struct tmpl_source *src, size_t n, const char *const *raw_allow)
{
    char err[256] = "";
    struct tmpl_set *set = tmpl_set_new(src, n, raw_allow, err, sizeof err);
    if (!set)
        fail_msg("unexpected compile error: %s", err);
    assert_string_equal(err, "");
    return set;
}

/* Compile the single template "t.html" with TEXT and render it with the
 * JSON view VIEW_JSON (NULL: no view); returns the output, caller frees. */
static char *
render1(const char *text, const char *view_json)
{
    const struct tmpl_source src[] = { { "t.html", text, strlen(text) } };
    struct tmpl_set *set = compile_ok(src, 1, NULL);
    json_t *view = NULL;
    if (view_json) {
        json_error_t jerr;
        view = json_loads(view_json, JSON_DECODE_ANY, &jerr);
        if (!view)
            fail_msg("bad test JSON: %s", jerr.text);
    }
    struct buf out = BUF_INIT;
    assert_true(tmpl_render(set, &out, "t.html", view, NULL, NULL));
    json_decref(view);
    tmpl_set_free(set);
    return buf_steal(&out);
}

static void
assert_renders(const char *text, const char *view_json, const char *want)
{
    char *got = render1(text, view_json);
    assert_string_equal(got, want);
    free(got);
}

/* Compiling the sources must fail with exactly the error WANT. */
static void
assert_set_error(const struct tmpl_source *src, size_t n, const char *const *raw_allow,
                 const char *want)
{
    char err[256] = "";
    struct tmpl_set *set = tmpl_set_new(src, n, raw_allow, err, sizeof err);
    if (set) {
        tmpl_set_free(set);
        fail_msg("compiled, expected error: %s", want);
    }
    assert_string_equal(err, want);
}

/* Compiling "t.html" with TEXT must fail with an error that starts with
 * WANT_PREFIX (file and line) and contains WANT_PART. */
static void
assert_compile_error(const char *text, const char *want_prefix, const char *want_part)
{
    const struct tmpl_source src[] = { { "t.html", text, strlen(text) } };
    char err[256] = "";
    struct tmpl_set *set = tmpl_set_new(src, 1, NULL, err, sizeof err);
    if (set) {
        tmpl_set_free(set);
        fail_msg("compiled, expected error for: %s", text);
    }
    if (strncmp(err, want_prefix, strlen(want_prefix)) != 0 || !strstr(err, want_part))
        fail_msg("error \"%s\" lacks \"%s\" … \"%s\"", err, want_prefix, want_part);
}

/* --------------------------------------------------------------- variables */

static void
variable_in_text_is_html_escaped(void **state)
{
    (void)state;
    assert_renders("<p>{{name}}</p>", "{\"name\": \"<b>Tom & 'Jerry' \\\"x\\\"</b>\"}",
                   "<p>&lt;b&gt;Tom &amp; &#39;Jerry&#39; &quot;x&quot;&lt;/b&gt;</p>");
}

static void
variable_in_quoted_attribute_is_attribute_escaped(void **state)
{
    (void)state;
    assert_renders("<p title=\"{{t}}\">x</p>", "{\"t\": \"\\\"><script>\"}",
                   "<p title=\"&quot;&gt;&lt;script&gt;\">x</p>");
    assert_renders("<p title='{{t}}'>{{t}}</p>", "{\"t\": \"it's\"}",
                   "<p title='it&#39;s'>it&#39;s</p>");
    /* an attribute whose name merely contains "href" is not a URL */
    assert_renders("<p data-href=\"{{t}}\">", "{\"t\": \"a/b\"}", "<p data-href=\"a/b\">");
}

static void
variable_in_url_attribute_is_percent_encoded(void **state)
{
    (void)state;
    assert_renders("<a href=\"/cases/{{id}}\">x</a>", "{\"id\": \"../x?y=1&z\\\"\"}",
                   "<a href=\"/cases/..%2Fx%3Fy%3D1%26z%22\">x</a>");
    assert_renders("<a class=\"c\" HREF='/s?q={{q}}'>{{q}}</a>", "{\"q\": \"a b\"}",
                   "<a class=\"c\" HREF='/s?q=a%20b'>a b</a>");
    assert_renders("<img alt=\"{{q}}\" src=\"/i/{{q}}\">", "{\"q\": \"a/b\"}",
                   "<img alt=\"a/b\" src=\"/i/a%2Fb\">");
    assert_renders("<form action=\"/f/{{q}}\"><button formaction=\"/g/{{q}}\">", "{\"q\": \"j:k\"}",
                   "<form action=\"/f/j%3Ak\"><button formaction=\"/g/j%3Ak\">");
    /* a whole-URL value is a path of this site, or nothing: never a javascript: link,
       never another host */
    assert_renders("<a href=\"{{u}}\">", "{\"u\": \"javascript:alert(1)\"}", "<a href=\"#\">");
    assert_renders("<a href=\"{{u}}\">", "{\"u\": \"//evil.example/x\"}", "<a href=\"#\">");
    assert_renders("<a href=\"{{u}}\">", "{\"u\": \"/\\\\evil.example\"}", "<a href=\"#\">");
    assert_renders("<a href='{{u}}'>", "{\"u\": \"\"}", "<a href='#'>");
    /* a local path keeps its structure; quotes, spaces and markup are encoded */
    assert_renders("<a href=\"{{u}}\">", "{\"u\": \"/cases/cs_1/review?return=/&x=a b\\\"<\"}",
                   "<a href=\"/cases/cs_1/review?return=/&amp;x=a%20b%22%3C\">");
    /* after a section tag the value is still empty; after text or a variable it is not */
    assert_renders("<a href=\"{{#u}}{{u}}{{/u}}\">", "{\"u\": \"/a?b=c\"}", "<a href=\"/a?b=c\">");
    assert_renders("<a href=\"{{a}}{{b}}\">", "{\"a\": \"/x\", \"b\": \"/y?z\"}",
                   "<a href=\"/x%2Fy%3Fz\">");
}

static void
whitespace_inside_braces_is_ignored(void **state)
{
    (void)state;
    assert_renders("{{ x }}|{{\ta.b\n}}|{{# l }}{{ . }}{{/ l }}|{{^ n }}no{{/n}}",
                   "{\"x\": 1, \"a\": {\"b\": 2}, \"l\": [3, 4]}", "1|2|34|no");
}

static void
values_render_by_type(void **state)
{
    (void)state;
    assert_renders("{{s}}|{{i}}|{{n}}|{{r}}|{{big}}|{{t}}|{{f}}|{{z}}|{{missing}}|{{o}}|{{a}}",
                   "{\"s\": \"x\", \"i\": 42, \"n\": -7, \"r\": 0.1, \"big\": 1e20, \"t\": true,"
                   " \"f\": false, \"z\": null, \"o\": {\"k\": 1}, \"a\": [1]}",
                   "x|42|-7|0.1|1e+20|true|||||");
    assert_renders("{{i}}", "{\"i\": 9007199254740993}", "9007199254740993");
}

static void
dotted_names_and_current_context(void **state)
{
    (void)state;
    const char *view = "{\"case\": {\"id\": \"C-1\", \"client\": {\"name\": \"Ada\"}}, "
                       "\"name\": \"outer\"}";
    assert_renders("{{case.id}} {{case.client.name}} {{case.nope.name}} {{case.id.x}}", view,
                   "C-1 Ada  ");
    /* once the first segment is found, the rest does not walk outwards */
    assert_renders("{{#case}}{{client.name}}/{{name}}/{{case.id}}{{/case}}", view, "Ada/outer/C-1");
    assert_renders("{{#case.client}}{{name}}{{/case.client}}", view, "Ada");
    assert_renders("[{{.}}]", "\"top\"", "[top]");
}

static void
nested_context_lookup_walks_outwards(void **state)
{
    (void)state;
    assert_renders("{{#cases}}{{#client}}{{name}}@{{office}}:{{id}};{{/client}}{{/cases}}",
                   "{\"office\": \"Nord\", \"cases\": ["
                   "{\"id\": 1, \"client\": {\"name\": \"A\"}},"
                   "{\"id\": 2, \"client\": {\"name\": \"B\", \"office\": \"Süd\"}}]}",
                   "A@Nord:1;B@Süd:2;");
}

static void
null_view_renders_empty_values(void **state)
{
    (void)state;
    assert_renders("<p>{{a}}{{.}}{{#a}}x{{/a}}{{^a}}y{{/a}}</p>", NULL, "<p>y</p>");
}

/* ---------------------------------------------------------------- sections */

static void
section_over_array_of_objects(void **state)
{
    (void)state;
    assert_renders("<ul>{{#items}}<li id=\"i{{id}}\">{{title}}</li>{{/items}}</ul>",
                   "{\"items\": [{\"id\": 1, \"title\": \"a<\"}, {\"id\": 2, \"title\": \"b\"}]}",
                   "<ul><li id=\"i1\">a&lt;</li><li id=\"i2\">b</li></ul>");
}

static void
section_over_array_of_scalars(void **state)
{
    (void)state;
    assert_renders("{{#tags}}[{{.}}]{{/tags}}", "{\"tags\": [\"x&y\", 3, true, null]}",
                   "[x&amp;y][3][true][]");
    assert_renders("{{#m}}({{#.}}{{.}}{{/.}}){{/m}}", "{\"m\": [[1, 2], [3]]}", "(12)(3)");
}

static void
section_over_object_pushes_it(void **state)
{
    (void)state;
    assert_renders("{{#c}}{{a}}-{{b}}{{/c}}", "{\"b\": \"outer\", \"c\": {\"a\": \"inner\"}}",
                   "inner-outer");
    assert_renders("{{#c}}yes{{/c}}", "{\"c\": {}}", "yes");
}

static void
section_on_scalars_and_booleans(void **state)
{
    (void)state;
    assert_renders("{{#t}}T{{/t}}{{#f}}F{{/f}}", "{\"t\": true, \"f\": false}", "T");
    assert_renders("{{#s}}({{.}}){{/s}}", "{\"s\": \"str\"}", "(str)");
    assert_renders("{{#n}}{{.}}{{/n}}{{#r}}{{.}}{{/r}}", "{\"n\": 5, \"r\": 2.5}", "52.5");
}

static void
section_skipped_for_empty_values(void **state)
{
    (void)state;
    assert_renders("a{{#e}}1{{/e}}{{#z}}2{{/z}}{{#zr}}3{{/zr}}{{#l}}4{{/l}}{{#nul}}5{{/nul}}"
                   "{{#f}}6{{/f}}{{#missing}}7{{/missing}}b",
                   "{\"e\": \"\", \"z\": 0, \"zr\": 0.0, \"l\": [], \"nul\": null, \"f\": false}",
                   "ab");
}

static void
inverted_sections(void **state)
{
    (void)state;
    const char *tpl = "{{^v}}none{{/v}}";
    assert_renders(tpl, "{\"v\": []}", "none");
    assert_renders(tpl, "{\"v\": \"\"}", "none");
    assert_renders(tpl, "{\"v\": 0}", "none");
    assert_renders(tpl, "{\"v\": false}", "none");
    assert_renders(tpl, "{\"v\": null}", "none");
    assert_renders(tpl, "{}", "none");
    assert_renders(tpl, "{\"v\": [1]}", "");
    assert_renders(tpl, "{\"v\": true}", "");
    assert_renders(tpl, "{\"v\": \"x\"}", "");
    assert_renders(tpl, "{\"v\": {}}", "");
    assert_renders("{{#l}}{{.}}{{/l}}{{^l}}empty{{/l}}", "{\"l\": [1, 2]}", "12");
}

static void
sections_inside_attribute_values(void **state)
{
    (void)state;
    assert_renders("<p class=\"a{{#on}} on{{/on}}{{^on}} off{{/on}}\">", "{\"on\": true}",
                   "<p class=\"a on\">");
    assert_renders("<a href=\"/l?{{#q}}x={{.}}&amp;{{/q}}\">", "{\"q\": [\"1 2\", \"&\"]}",
                   "<a href=\"/l?x=1%202&amp;x=%26&amp;\">");
}

/* ------------------------------------------------------- partials and more */

static void
partials_are_included_with_the_context(void **state)
{
    (void)state;
    const char *page = "<main>{{#cases}}{{> row.html}}{{/cases}}</main>{{>footer.html}}";
    const char *row = "<tr><td>{{id}}</td><td>{{user}}</td></tr>";
    const char *footer = "<footer>{{user}}</footer>";
    const struct tmpl_source src[] = {
        { "page.html", page, strlen(page) },
        { "row.html", row, strlen(row) },
        { "footer.html", footer, strlen(footer) },
    };
    struct tmpl_set *set = compile_ok(src, 3, NULL);
    json_t *view = json_pack("{s:s, s:[{s:i}, {s:i, s:s}]}", "user", "u<1>", "cases", "id", 1, "id",
                             2, "user", "x");
    struct buf out = BUF_INIT;

    assert_true(tmpl_render(set, &out, "page.html", view, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "<main><tr><td>1</td><td>u&lt;1&gt;</td></tr>"
                                        "<tr><td>2</td><td>x</td></tr></main>"
                                        "<footer>u&lt;1&gt;</footer>");
    buf_reset(&out);
    assert_true(tmpl_render(set, &out, "row.html", view, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "<tr><td></td><td>u&lt;1&gt;</td></tr>");
    buf_free(&out);
    json_decref(view);
    tmpl_set_free(set);
}

static void
recursive_partials_follow_the_data_and_stop_at_depth_16(void **state)
{
    (void)state;
    const char *tree = "<li>{{name}}{{#kids}}<ul>{{>tree}}</ul>{{/kids}}</li>";
    const char *loop = "x{{>loop}}";
    const struct tmpl_source src[] = {
        { "tree", tree, strlen(tree) },
        { "loop", loop, strlen(loop) },
    };
    struct tmpl_set *set = compile_ok(src, 2, NULL);
    json_t *view = json_loads("{\"name\": \"a\", \"kids\": [{\"name\": \"b\", \"kids\": []},"
                              " {\"name\": \"c\", \"kids\": [{\"name\": \"d\", \"kids\": []}]}]}",
                              0, NULL);
    struct buf out = BUF_INIT;

    assert_true(tmpl_render(set, &out, "tree", view, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "<li>a<ul><li>b</li></ul><ul><li>c<ul><li>d</li></ul>"
                                        "</li></ul></li>");
    buf_reset(&out);
    assert_true(tmpl_render(set, &out, "loop", view, NULL, NULL));
    /* the template itself and 16 nested includes */
    assert_string_equal(buf_cstr(&out), "xxxxxxxxxxxxxxxxx");
    buf_free(&out);
    json_decref(view);
    tmpl_set_free(set);
}

static void
runaway_nesting_is_bounded(void **state)
{
    (void)state;
    struct buf text = BUF_INIT;
    json_t *view = json_pack("{s:[i, i]}", "l", 1, 2);

    for (int depth = 10; depth <= 24; depth += 14) {
        buf_reset(&text);
        for (int i = 0; i < depth; i++)
            buf_puts(&text, "{{#l}}");
        buf_puts(&text, "x");
        for (int i = 0; i < depth; i++)
            buf_puts(&text, "{{/l}}");
        const struct tmpl_source src[] = { { "n", text.data, text.len } };
        struct tmpl_set *set = compile_ok(src, 1, NULL);
        struct buf out = BUF_INIT;
        assert_true(tmpl_render(set, &out, "n", view, NULL, NULL));
        if (depth == 10)
            assert_int_equal(out.len, 1024); /* 2^10: all of it */
        else
            assert_in_range(out.len, 100000, 1000000); /* 2^24 cut short */
        buf_free(&out);
        tmpl_set_free(set);
    }
    json_decref(view);
    buf_free(&text);
}

static const char *
translate_de(const char *msgid, void *user)
{
    int *calls = user;
    (*calls)++;
    if (strcmp(msgid, "Open cases") == 0)
        return "Offene Fälle";
    if (strcmp(msgid, "Don't") == 0)
        return "Nicht <tun> & \"lassen\"";
    if (strcmp(msgid, "next") == 0)
        return "weiter/zurück";
    return NULL;
}

static void
collect_msgid(const char *msgid, void *user)
{
    struct buf *b = user;
    buf_puts(b, msgid);
    buf_putc(b, '|');
}

static void
translations_use_the_callback_and_the_context(void **state)
{
    (void)state;
    const char *text = "<h1>{{_ Open cases }}</h1><p title=\"{{_ Don't}}\">{{_ Don't}}</p>"
                       "<a href=\"/p/{{_ next}}\">{{_\n  Unknown  text \n}}</a>";
    const struct tmpl_source src[] = { { "t.html", text, strlen(text) } };
    struct tmpl_set *set = compile_ok(src, 1, NULL);
    struct buf out = BUF_INIT;
    int calls = 0;

    assert_true(tmpl_render(set, &out, "t.html", NULL, translate_de, &calls));
    assert_string_equal(buf_cstr(&out), "<h1>Offene Fälle</h1>"
                                        "<p title=\"Nicht &lt;tun&gt; &amp; &quot;lassen&quot;\">"
                                        "Nicht &lt;tun&gt; &amp; &quot;lassen&quot;</p>"
                                        "<a href=\"/p/weiter%2Fzur%C3%BCck\">Unknown  text</a>");
    assert_int_equal(calls, 5);

    buf_reset(&out);
    assert_true(tmpl_render(set, &out, "t.html", NULL, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "<h1>Open cases</h1><p title=\"Don&#39;t\">Don&#39;t</p>"
                                        "<a href=\"/p/next\">Unknown  text</a>");

    buf_reset(&out);
    tmpl_each_msgid(set, collect_msgid, &out);
    assert_string_equal(buf_cstr(&out), "Open cases|Don't|Don't|next|Unknown  text|");
    buf_free(&out);
    tmpl_set_free(set);
}

static void
comments_render_nothing(void **state)
{
    (void)state;
    assert_renders("a{{! a comment }}b{{!\n spans {{ lines\n}}c", "{}", "abc");
    /* a comment may stand anywhere, even where values may not */
    assert_renders("<p {{! note }}class=\"x\"><script>{{!x}}</script>", "{}",
                   "<p class=\"x\"><script></script>");
}

static void
html_structure_is_tracked(void **state)
{
    (void)state;
    /* doctype, comments, a closed script and a bare "<" leave text context */
    assert_renders("<!DOCTYPE html><!-- <p title=\" --><script>if (a<b) x = '</p>';</script >"
                   "<style>p{}</style><p>1 < 2 {{v}}</p>",
                   "{\"v\": \"<\"}",
                   "<!DOCTYPE html><!-- <p title=\" --><script>if (a<b) x = '</p>';</script >"
                   "<style>p{}</style><p>1 < 2 &lt;</p>");
    /* ">" inside a quoted value does not end the tag */
    assert_renders("<p title=\"a>b\" class='{{v}}'>", "{\"v\": \"x\"}",
                   "<p title=\"a>b\" class='x'>");
    /* <textarea> and <title> content is text */
    assert_renders("<title>{{v}}</title><textarea>{{v}}</textarea>", "{\"v\": \"</title>\"}",
                   "<title>&lt;/title&gt;</title><textarea>&lt;/title&gt;</textarea>");
}

static void
raw_output_only_on_the_allow_list(void **state)
{
    (void)state;
    const char *text = "<div>\n{{{body}}}</div>";
    const struct tmpl_source src[] = { { "layout.html", text, strlen(text) } };
    const char *const allow[] = { "layout.html", NULL };
    const char *const other[] = { "other.html", NULL };

    assert_set_error(src, 1, NULL,
                     "layout.html:2: raw output {{{body}}} is not allowed in this template");
    assert_set_error(src, 1, other,
                     "layout.html:2: raw output {{{body}}} is not allowed in this template");

    struct tmpl_set *set = compile_ok(src, 1, allow);
    json_t *view = json_pack("{s:s}", "body", "<b>bold</b>");
    struct buf out = BUF_INIT;
    assert_true(tmpl_render(set, &out, "layout.html", view, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "<div>\n<b>bold</b></div>");
    buf_free(&out);
    json_decref(view);
    tmpl_set_free(set);
}

/* ---------------------------------------------------------- compile errors */

static void
error_tag_inside_script_or_style(void **state)
{
    (void)state;
    assert_compile_error("<p>\n<script>var x = \"{{x}}\";</script>",
                         "t.html:2: ", "inside <script>");
    assert_compile_error("<SCRIPT type=\"module\">{{#a}}{{/a}}</SCRIPT>",
                         "t.html:1: ", "inside <script>");
    assert_compile_error("<style>\n\np { color: {{c}} }</style>", "t.html:3: ", "inside <style>");
    /* "</scriptx" does not end the script */
    assert_compile_error("<script></scriptx>{{x}}</script>", "t.html:1: ", "inside <script>");
    assert_compile_error("<p onclick=\"go('{{x}}')\">", "t.html:1: ", "event-handler");
}

static void
error_tag_in_unquoted_attribute(void **state)
{
    (void)state;
    assert_compile_error("<a href={{x}}>", "t.html:1: ", "unquoted attribute value");
    assert_compile_error("<p\nclass=a{{x}}>", "t.html:2: ", "unquoted attribute value");
}

static void
error_tag_inside_a_tag_outside_a_value(void **state)
{
    (void)state;
    assert_compile_error("<p {{x}}>", "t.html:1: ", "inside an HTML tag");
    assert_compile_error("<p class=\"a\" {{x}}>", "t.html:1: ", "inside an HTML tag");
    assert_compile_error("<input {{#c}}checked{{/c}}>", "t.html:1: ", "inside an HTML tag");
    assert_compile_error("<{{x}}>", "t.html:1: ", "inside an HTML tag");
    assert_compile_error("<p>\n\n</{{x}}>", "t.html:3: ", "inside an HTML tag");
    assert_compile_error("<p data-{{x}}=\"1\">", "t.html:1: ", "inside an HTML tag");
    assert_compile_error("<p title {{x}}>", "t.html:1: ", "inside an HTML tag");
}

static void
error_tag_inside_html_comment(void **state)
{
    (void)state;
    assert_compile_error("<!-- {{x}} -->", "t.html:1: ", "HTML comment");
    assert_compile_error("<!DOCTYPE {{x}}>", "t.html:1: ", "HTML comment");
}

static void
error_unbalanced_sections(void **state)
{
    (void)state;
    assert_compile_error("a\n{{#a}}\nb", "t.html:2: ", "section 'a' is never closed");
    assert_compile_error("{{#a}}{{#b}}\n{{/a}}{{/b}}", "t.html:2: ", "does not match {{#b}}");
    assert_compile_error("x\n\n{{/a}}", "t.html:3: ", "closes no open section");
    assert_compile_error("{{^a}}\n{{/ab}}", "t.html:2: ", "does not match");
    /* a section may not change the HTML context */
    assert_compile_error("{{#a}}<p title=\"{{/a}}\">", "t.html:1: ", "another HTML context");
    assert_compile_error("<p title=\"{{#a}}\" href=\"{{/a}}\">",
                         "t.html:1: ", "another HTML context");
}

static void
error_unknown_partial(void **state)
{
    (void)state;
    const char *a = "<p>\n{{#x}}\n{{> nav.html}}{{/x}}</p>";
    const char *b = "{{>a.html}}";
    const struct tmpl_source src[] = { { "a.html", a, strlen(a) }, { "b.html", b, strlen(b) } };
    assert_set_error(src, 2, NULL, "a.html:3: unknown partial 'nav.html'");

    const char *c = "<p title=\"{{>b.html}}\">";
    const struct tmpl_source src2[] = { { "b.html", b, strlen(b) }, { "c.html", c, strlen(c) } };
    assert_set_error(src2, 2, NULL, "c.html:1: partial {{>b.html}} must stand in text");
}

static void
error_malformed_tags(void **state)
{
    (void)state;
    assert_compile_error("ok\n{{name", "t.html:2: ", "unterminated tag");
    assert_compile_error("{{{raw}}", "t.html:1: ", "unterminated tag");
    assert_compile_error("{{a b}}", "t.html:1: ", "invalid name 'a b'");
    assert_compile_error("{{a..b}}", "t.html:1: ", "invalid name");
    assert_compile_error("{{}}", "t.html:1: ", "invalid name");
    assert_compile_error("{{&x}}", "t.html:1: ", "invalid name");
    assert_compile_error("{{_ }}", "t.html:1: ", "empty msgid");
    assert_compile_error("{{> }}", "t.html:1: ", "invalid partial name");
    assert_compile_error("<p>\n<a href=\"x", "t.html:2: ", "template ends");
    assert_compile_error("<script>", "t.html:1: ", "template ends inside <script>");
}

static void
error_duplicate_names(void **state)
{
    (void)state;
    const struct tmpl_source src[] = { { "a", "x", 1 }, { "a", "y", 1 } };
    assert_set_error(src, 2, NULL, "a:1: duplicate template name");
}

static void
error_reports_the_failing_template(void **state)
{
    (void)state;
    const char *good = "<p>{{x}}</p>";
    const char *bad = "1\n2\n3\n<script>{{x}}";
    const struct tmpl_source src[] = {
        { "good.html", good, strlen(good) },
        { "bad.html", bad, strlen(bad) },
    };
    assert_set_error(src, 2, NULL, "bad.html:4: {{x}} not allowed inside <script>");
}

/* ----------------------------------------------------------------- render */

static void
unknown_template_returns_false_and_leaves_out_alone(void **state)
{
    (void)state;
    const struct tmpl_source src[] = { { "a", "x", 1 } };
    struct tmpl_set *set = compile_ok(src, 1, NULL);
    struct buf out = BUF_INIT;

    buf_puts(&out, "before");
    assert_false(tmpl_render(set, &out, "b", NULL, NULL, NULL));
    assert_false(tmpl_render(set, &out, "", NULL, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "before");
    assert_true(tmpl_render(set, &out, "a", NULL, NULL, NULL));
    assert_string_equal(buf_cstr(&out), "beforex");
    buf_free(&out);
    tmpl_set_free(set);
}

static void
empty_set_and_empty_template(void **state)
{
    (void)state;
    char err[64] = "x";
    struct tmpl_set *set = tmpl_set_new(NULL, 0, NULL, err, sizeof err);
    struct buf out = BUF_INIT;
    assert_non_null(set);
    assert_false(tmpl_render(set, &out, "a", NULL, NULL, NULL));
    tmpl_set_free(set);
    tmpl_set_free(NULL);
    assert_renders("", "{}", "");
}

static void
large_template_renders_correctly(void **state)
{
    (void)state;
    struct buf text = BUF_INIT, want = BUF_INIT;
    json_t *rows = json_array();

    buf_puts(&text, "<table>\n");
    buf_puts(&want, "<table>\n");
    for (int i = 0; i < 2000; i++) {
        buf_printf(&text,
                   "<tr class=\"r%d\"><td>{{v%d}}</td><td><a href=\"/x/{{v%d}}\">%d</a>"
                   "</td></tr>\n",
                   i, i, i, i);
        buf_printf(&want,
                   "<tr class=\"r%d\"><td>&lt;%d&gt;</td><td><a href=\"/x/%%3C%d%%3E\">%d"
                   "</a></td></tr>\n",
                   i, i, i, i);
    }
    buf_puts(&text, "{{#rows}}<li>{{n}} {{title}}</li>\n{{/rows}}</table>\n");
    json_t *view = json_object();
    for (int i = 0; i < 2000; i++) {
        char key[16], val[16];
        snprintf(key, sizeof key, "v%d", i);
        snprintf(val, sizeof val, "<%d>", i);
        json_object_set_new(view, key, json_string(val));
        json_array_append_new(rows, json_pack("{s:i}", "n", i));
        buf_printf(&want, "<li>%d T&amp;C</li>\n", i);
    }
    buf_puts(&want, "</table>\n");
    json_object_set_new(view, "rows", rows);
    json_object_set_new(view, "title", json_string("T&C"));

    const struct tmpl_source src[] = { { "big.html", text.data, text.len } };
    struct tmpl_set *set = compile_ok(src, 1, NULL);
    struct buf out = BUF_INIT;
    assert_true(tmpl_render(set, &out, "big.html", view, NULL, NULL));
    assert_int_equal(out.len, want.len);
    assert_string_equal(buf_cstr(&out), buf_cstr(&want));

    /* the error line is right deep into a large template */
    buf_puts(&text, "<script>{{x}}</script>");
    const struct tmpl_source bad[] = { { "big.html", text.data, text.len } };
    assert_set_error(bad, 1, NULL, "big.html:2004: {{x}} not allowed inside <script>");

    tmpl_set_free(set);
    json_decref(view);
    buf_free(&out);
    buf_free(&text);
    buf_free(&want);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(variable_in_text_is_html_escaped),
        cmocka_unit_test(variable_in_quoted_attribute_is_attribute_escaped),
        cmocka_unit_test(variable_in_url_attribute_is_percent_encoded),
        cmocka_unit_test(whitespace_inside_braces_is_ignored),
        cmocka_unit_test(values_render_by_type),
        cmocka_unit_test(dotted_names_and_current_context),
        cmocka_unit_test(nested_context_lookup_walks_outwards),
        cmocka_unit_test(null_view_renders_empty_values),
        cmocka_unit_test(section_over_array_of_objects),
        cmocka_unit_test(section_over_array_of_scalars),
        cmocka_unit_test(section_over_object_pushes_it),
        cmocka_unit_test(section_on_scalars_and_booleans),
        cmocka_unit_test(section_skipped_for_empty_values),
        cmocka_unit_test(inverted_sections),
        cmocka_unit_test(sections_inside_attribute_values),
        cmocka_unit_test(partials_are_included_with_the_context),
        cmocka_unit_test(recursive_partials_follow_the_data_and_stop_at_depth_16),
        cmocka_unit_test(runaway_nesting_is_bounded),
        cmocka_unit_test(translations_use_the_callback_and_the_context),
        cmocka_unit_test(comments_render_nothing),
        cmocka_unit_test(html_structure_is_tracked),
        cmocka_unit_test(raw_output_only_on_the_allow_list),
        cmocka_unit_test(error_tag_inside_script_or_style),
        cmocka_unit_test(error_tag_in_unquoted_attribute),
        cmocka_unit_test(error_tag_inside_a_tag_outside_a_value),
        cmocka_unit_test(error_tag_inside_html_comment),
        cmocka_unit_test(error_unbalanced_sections),
        cmocka_unit_test(error_unknown_partial),
        cmocka_unit_test(error_malformed_tags),
        cmocka_unit_test(error_duplicate_names),
        cmocka_unit_test(error_reports_the_failing_template),
        cmocka_unit_test(unknown_template_returns_false_and_leaves_out_alone),
        cmocka_unit_test(empty_set_and_empty_template),
        cmocka_unit_test(large_template_renders_correctly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
