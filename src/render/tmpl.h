/*
 * render/tmpl.h — the template engine. Templates are HTML files with a small
 * mustache-like language, compiled once at start-up and rendered from a
 * jansson view model (the same json_t that the API returns):
 *
 *   {{name}} {{a.b}} {{.}}   a value, escaped for its context (see below)
 *   {{#name}}…{{/name}}      section: once per array item (item becomes the
 *                            context), once for an object (pushed as context),
 *                            once for true / non-empty string / non-zero number;
 *                            skipped for false, null, missing, "", 0, []
 *   {{^name}}…{{/name}}      inverted section: rendered when the section would be skipped
 *   {{>name}}                include another template of the set
 *   {{_ Some text}}          translated text (msgid = text up to }}), escaped for its context
 *   {{! comment}}            nothing
 *   {{{name}}}               raw output: refused at compile time unless the
 *                            template is on the set's raw allow-list
 *
 * Context: the compiler tracks where each tag stands in the HTML. In text it
 * uses html_text(); inside a quoted attribute value, html_attr(); inside a
 * quoted URL attribute (href, src, action, formaction), html_url_arg().
 * A tag in an unquoted attribute value, inside a tag but outside any value,
 * or inside <script>/<style> is a compile error. Lookup walks the context
 * stack outwards like mustache. Numbers render in plain notation.
 *
 * Details (see tmpl.c for the full list): whitespace inside the braces is
 * ignored ({{ a.b }}, {{# list }}); names are "." or dot-separated segments
 * of A-Z a-z 0-9 _ -. Values: strings as they are, integers in decimal, reals
 * with "%.15g", true as "true"; false, null, objects, arrays and missing
 * names render nothing. {{! }} may stand anywhere; every other tag is also
 * refused inside HTML comments, right after "<" or "</", and in on*
 * attributes. {{>x}} must stand in text, and every template must end in
 * text. A section must end in the same HTML context as it starts. Partials
 * nest at most 16 deep and one render expands at most 1000000 section bodies
 * and partials; beyond either limit they render nothing.
 */
#ifndef LOTSE_RENDER_TMPL_H
#define LOTSE_RENDER_TMPL_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

struct tmpl_source {
    const char *name; /* e.g. "case.html" */
    const char *text;
    size_t len;
};

struct tmpl_set;

/* Translate MSGID for the render in progress; returns a borrowed string. */
typedef const char *(*tmpl_translate_fn)(const char *msgid, void *user);

/* Compile N templates. RAW_ALLOW is a NULL-terminated list of template names
 * in which {{{x}}} is allowed (may be NULL). On error returns NULL and writes
 * "name:line: message" into ERR. The caller frees the set with tmpl_set_free(). */
struct tmpl_set *tmpl_set_new(const struct tmpl_source *sources, size_t n,
                              const char *const *raw_allow, char *err, size_t errlen);
void tmpl_set_free(struct tmpl_set *set);

/* Render template NAME with VIEW (borrowed) into OUT, appending. TRANSLATE
 * may be NULL (msgids are printed as they are). Returns false (OUT
 * unchanged) when NAME is unknown; rendering itself cannot fail. Thread-safe:
 * a compiled set is read-only. */
bool tmpl_render(const struct tmpl_set *set, struct buf *out, const char *name, const json_t *view,
                 tmpl_translate_fn translate, void *user);

/* Every msgid used in the set, for the translation check; calls FN once per
 * occurrence. */
void tmpl_each_msgid(const struct tmpl_set *set, void (*fn)(const char *msgid, void *user),
                     void *user);

#endif
