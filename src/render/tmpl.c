/*
 * render/tmpl.c — the template engine of tmpl.h: a compiler from template
 * text to a flat node list, and a renderer that walks it over a json_t view.
 *
 * Compiling. The compiler reads the literal text of a template through a
 * small HTML tokenizer (a subset of the WHATWG state machine: text, tags,
 * attribute names and values, comments, <script>/<style> raw text), so at
 * every {{tag}} it knows where in the HTML the tag stands. That position
 * decides the escaper once, at compile time, and refuses the positions where
 * no escaper is enough (see html_refusal()). A section must end in the same
 * HTML position as it starts, so rendering its body any number of times
 * leaves the tokenizer where the compiler thought it was; every template
 * must end in text, because partials are only included from text.
 *
 * The compiled form of one template is an array of nodes in document order.
 * A section node records the index just past its body, so the tree is
 * implicit and rendering needs no parsing and no allocation: text runs,
 * NUL-separated name segments and msgids all live in one pool per template.
 *
 * Tag syntax decided here (beyond tmpl.h): whitespace just inside the braces
 * and after a sigil is ignored ({{ a.b }}, {{# a }}, {{> nav.html }}); names
 * are "." or dot-separated segments of A-Z a-z 0-9 _ -; partial names may
 * also hold . and /. {{_ text}} needs whitespace (or nothing) after the "_";
 * its msgid is the text with surrounding whitespace trimmed, inner text kept
 * as written. {{! }} may stand anywhere and span lines. There is no way to
 * change delimiters and no mustache "standalone line" trimming: all literal
 * text is output as written. Sections nest at most TMPL_MAX_NESTING deep
 * within one template. Tags are also refused inside HTML comments (use
 * {{! }}), right after "<" or "</", and in on* event-handler attributes
 * (script context, like <script>).
 *
 * Rendering. The context stack is a linked list of frames on the C stack.
 * Partials nest at most TMPL_MAX_PARTIAL_DEPTH deep; a deeper include renders
 * nothing, which ends recursive templates whose data does not. Because
 * lookup walks outwards, a section in a recursive partial also finds its
 * name in an outer context (a tree leaf without "kids" repeats its parent's
 * kids), so one render may expand at most TMPL_MAX_EXPANSIONS section bodies
 * and partials; past that budget they render nothing. This bounds a runaway
 * template to a fraction of a second of work instead of hanging its thread; real
 * pages stay far below it.
 */
#include "render/tmpl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "render/html.h"

#define TMPL_MAX_NESTING       64
#define TMPL_MAX_PARTIAL_DEPTH 16
#define TMPL_MAX_EXPANSIONS    1000000

enum node_kind {
    NODE_TEXT,      /* off/len: bytes in the pool */
    NODE_VAR,       /* off: first name segment; len: segment count (0 = ".") */
    NODE_RAW,       /* like NODE_VAR, output unescaped */
    NODE_SECTION,   /* like NODE_VAR; aux: index just past the body */
    NODE_INVERTED,  /* like NODE_SECTION */
    NODE_PARTIAL,   /* off: template name; aux: index in the set */
    NODE_TRANSLATE, /* off: msgid */
};

enum esc {
    ESC_TEXT,
    ESC_ATTR,
    ESC_URL,
    ESC_URL_LOCAL, /* a whole URL: only a local path, see html_url_local() */
};

struct node {
    unsigned char kind;
    unsigned char esc;
    unsigned line;
    size_t off;
    size_t len;
    size_t aux;
};

struct tmpl {
    char *name;
    struct node *nodes;
    size_t n_nodes;
    char *pool;
};

struct tmpl_set {
    struct tmpl *tmpls;
    size_t n;
    const struct tmpl **by_name; /* sorted by name, for bsearch */
};

/* ---------------------------------------------------------------- HTML state */

enum hstate {
    H_TEXT,
    H_TAG_OPEN,     /* after "<" */
    H_END_TAG_OPEN, /* after "</" */
    H_TAG_NAME,
    H_BEFORE_ATTR_NAME,
    H_ATTR_NAME,
    H_AFTER_ATTR_NAME,
    H_BEFORE_ATTR_VALUE, /* after "=" */
    H_ATTR_DQ,
    H_ATTR_SQ,
    H_ATTR_UNQ,
    H_MARKUP_DECL, /* after "<!" */
    H_MARKUP_DASH, /* after "<!-" */
    H_COMMENT,
    H_BOGUS,   /* <!DOCTYPE …>, <?…>, </ …>: until ">" */
    H_RAWTEXT, /* content of <script> or <style> */
};

#define HNAME_MAX 16

struct html_state {
    enum hstate st;
    bool end_tag;          /* the current tag is an end tag */
    bool url_attr;         /* the current attribute is href/src/action/formaction */
    bool value_empty;      /* nothing written into the current attribute value yet */
    bool event_attr;       /* the current attribute is on* */
    unsigned char tag_len; /* HNAME_MAX + 1 when too long to matter */
    unsigned char attr_len;
    unsigned char raw_match; /* progress through "</name" in H_RAWTEXT */
    unsigned char dashes;    /* consecutive "-" in H_COMMENT */
    bool bang;               /* "--!" seen in H_COMMENT */
    char tag[HNAME_MAX];     /* lowercase */
    char attr[HNAME_MAX];
};

static bool
is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static bool
is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static unsigned char
to_lower(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c - 'A' + 'a') : c;
}

static void
hname_add(char *name, unsigned char *len, unsigned char c)
{
    if (*len < HNAME_MAX)
        name[*len] = (char)to_lower(c);
    if (*len <= HNAME_MAX)
        (*len)++;
}

static bool
hname_is(const char *name, unsigned char len, const char *want)
{
    size_t n = strlen(want);
    return len == n && memcmp(name, want, n) == 0;
}

static void
html_attr_start(struct html_state *h, unsigned char c)
{
    h->st = H_ATTR_NAME;
    h->attr_len = 0;
    hname_add(h->attr, &h->attr_len, c);
}

static void
html_attr_value_start(struct html_state *h, enum hstate st)
{
    h->st = st;
    h->url_attr = hname_is(h->attr, h->attr_len, "href") || hname_is(h->attr, h->attr_len, "src") ||
                  hname_is(h->attr, h->attr_len, "action") ||
                  hname_is(h->attr, h->attr_len, "formaction");
    h->value_empty = true;
    h->event_attr = h->attr_len >= 2 && h->attr[0] == 'o' && h->attr[1] == 'n';
}

static void
html_tag_end(struct html_state *h)
{
    if (!h->end_tag &&
        (hname_is(h->tag, h->tag_len, "script") || hname_is(h->tag, h->tag_len, "style"))) {
        h->st = H_RAWTEXT;
        h->raw_match = 0;
    } else {
        h->st = H_TEXT;
    }
}

/* Advance H over one byte of literal template text. */
static void
html_step(struct html_state *h, unsigned char c)
{
    switch (h->st) {
    case H_TEXT:
        if (c == '<')
            h->st = H_TAG_OPEN;
        break;
    case H_TAG_OPEN:
        if (is_alpha(c)) {
            h->st = H_TAG_NAME;
            h->end_tag = false;
            h->tag_len = 0;
            hname_add(h->tag, &h->tag_len, c);
        } else if (c == '/') {
            h->st = H_END_TAG_OPEN;
        } else if (c == '!') {
            h->st = H_MARKUP_DECL;
        } else if (c == '?') {
            h->st = H_BOGUS;
        } else {
            h->st = H_TEXT; /* "<" was text; C may open a tag itself */
            html_step(h, c);
        }
        break;
    case H_END_TAG_OPEN:
        if (is_alpha(c)) {
            h->st = H_TAG_NAME;
            h->end_tag = true;
            h->tag_len = 0;
            hname_add(h->tag, &h->tag_len, c);
        } else {
            h->st = c == '>' ? H_TEXT : H_BOGUS;
        }
        break;
    case H_TAG_NAME:
        if (is_ws(c) || c == '/')
            h->st = H_BEFORE_ATTR_NAME;
        else if (c == '>')
            html_tag_end(h);
        else
            hname_add(h->tag, &h->tag_len, c);
        break;
    case H_BEFORE_ATTR_NAME:
        if (c == '>')
            html_tag_end(h);
        else if (!is_ws(c) && c != '/')
            html_attr_start(h, c);
        break;
    case H_ATTR_NAME:
        if (is_ws(c))
            h->st = H_AFTER_ATTR_NAME;
        else if (c == '/')
            h->st = H_BEFORE_ATTR_NAME;
        else if (c == '=')
            h->st = H_BEFORE_ATTR_VALUE;
        else if (c == '>')
            html_tag_end(h);
        else
            hname_add(h->attr, &h->attr_len, c);
        break;
    case H_AFTER_ATTR_NAME:
        if (c == '/')
            h->st = H_BEFORE_ATTR_NAME;
        else if (c == '=')
            h->st = H_BEFORE_ATTR_VALUE;
        else if (c == '>')
            html_tag_end(h);
        else if (!is_ws(c))
            html_attr_start(h, c);
        break;
    case H_BEFORE_ATTR_VALUE:
        if (c == '"')
            html_attr_value_start(h, H_ATTR_DQ);
        else if (c == '\'')
            html_attr_value_start(h, H_ATTR_SQ);
        else if (c == '>')
            html_tag_end(h);
        else if (!is_ws(c))
            html_attr_value_start(h, H_ATTR_UNQ);
        break;
    case H_ATTR_DQ:
        if (c == '"')
            h->st = H_BEFORE_ATTR_NAME;
        h->value_empty = false;
        break;
    case H_ATTR_SQ:
        if (c == '\'')
            h->st = H_BEFORE_ATTR_NAME;
        h->value_empty = false;
        break;
    case H_ATTR_UNQ:
        if (is_ws(c))
            h->st = H_BEFORE_ATTR_NAME;
        else if (c == '>')
            html_tag_end(h);
        break;
    case H_MARKUP_DECL: h->st = c == '-' ? H_MARKUP_DASH : c == '>' ? H_TEXT : H_BOGUS; break;
    case H_MARKUP_DASH:
        if (c == '-') {
            h->st = H_COMMENT;
            h->dashes = 2; /* so "<!-->" and "<!--->" end at once */
            h->bang = false;
        } else {
            h->st = c == '>' ? H_TEXT : H_BOGUS;
        }
        break;
    case H_COMMENT:
        if (c == '-') {
            h->dashes = h->bang ? 1 : (unsigned char)(h->dashes < 2 ? h->dashes + 1 : 2);
            h->bang = false;
        } else if (c == '!' && h->dashes >= 2 && !h->bang) {
            h->bang = true;
        } else if (c == '>' && h->dashes >= 2) {
            h->st = H_TEXT; /* "-->" or "--!>" */
        } else {
            h->dashes = 0;
            h->bang = false;
        }
        break;
    case H_BOGUS:
        if (c == '>')
            h->st = H_TEXT;
        break;
    case H_RAWTEXT:
        if (h->raw_match == 0) {
            if (c == '<')
                h->raw_match = 1;
        } else if (h->raw_match == 1) {
            h->raw_match = c == '/' ? 2 : c == '<' ? 1 : 0;
        } else if ((size_t)h->raw_match - 2 < h->tag_len) {
            if (to_lower(c) == (unsigned char)h->tag[h->raw_match - 2])
                h->raw_match++;
            else
                h->raw_match = c == '<' ? 1 : 0;
        } else if (is_ws(c) || c == '/') {
            h->st = H_BEFORE_ATTR_NAME; /* inside "</script …" */
            h->end_tag = true;
        } else if (c == '>') {
            h->st = H_TEXT;
        } else {
            h->raw_match = c == '<' ? 1 : 0;
        }
        break;
    }
}

/* Why a tag may not stand at H, or NULL when it may. */
static const char *
html_refusal(const struct html_state *h)
{
    switch (h->st) {
    case H_TEXT: return NULL;
    case H_ATTR_DQ:
    case H_ATTR_SQ: return h->event_attr ? "inside an event-handler attribute (script)" : NULL;
    case H_ATTR_UNQ:
    case H_BEFORE_ATTR_VALUE: return "in an unquoted attribute value (quote the value)";
    case H_TAG_OPEN:
    case H_END_TAG_OPEN:
    case H_TAG_NAME:
    case H_BEFORE_ATTR_NAME:
    case H_ATTR_NAME:
    case H_AFTER_ATTR_NAME: return "inside an HTML tag outside a quoted attribute value";
    case H_MARKUP_DECL:
    case H_MARKUP_DASH:
    case H_COMMENT:
    case H_BOGUS: return "inside an HTML comment or declaration (use {{! }})";
    case H_RAWTEXT:
        return hname_is(h->tag, h->tag_len, "style") ? "inside <style>" : "inside <script>";
    }
    return "in an unknown HTML position";
}

/* Whether rendering a section body that starts at A and ends at B leaves the
 * tokenizer where it started, whatever the number of repetitions. */
static bool
html_same_place(const struct html_state *a, const struct html_state *b)
{
    if (a->st != b->st)
        return false;
    if (a->st == H_TEXT)
        return true;
    /* inside a tag, its name decides what its ">" starts */
    return a->end_tag == b->end_tag && a->url_attr == b->url_attr &&
           a->event_attr == b->event_attr && a->tag_len == b->tag_len &&
           memcmp(a->tag, b->tag, a->tag_len < HNAME_MAX ? a->tag_len : HNAME_MAX) == 0;
}

/* ------------------------------------------------------------------ compiler */

struct open_section {
    size_t node;
    const char *name; /* as written in the source, trimmed */
    size_t name_len;
    unsigned line;
    struct html_state html;
};

struct compiler {
    const char *tname;
    bool allow_raw;
    struct node *nodes;
    size_t n_nodes;
    size_t cap_nodes;
    struct buf pool;
    bool text_open; /* the last node is text and may be extended */
    struct html_state html;
    struct open_section open[TMPL_MAX_NESTING];
    size_t n_open;
    char *err;
    size_t errlen;
};

static bool compile_error(struct compiler *cc, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static bool
compile_error(struct compiler *cc, unsigned line, const char *fmt, ...)
{
    char msg[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (cc->err && cc->errlen)
        snprintf(cc->err, cc->errlen, "%s:%u: %s", cc->tname, line, msg);
    return false;
}

static struct node *
add_node(struct compiler *cc, enum node_kind kind, unsigned line)
{
    if (cc->n_nodes == cc->cap_nodes) {
        size_t cap = cc->cap_nodes ? cc->cap_nodes * 2 : 16;
        struct node *p = realloc(cc->nodes, cap * sizeof *p);
        if (!p)
            abort();
        cc->nodes = p;
        cc->cap_nodes = cap;
    }
    struct node *n = &cc->nodes[cc->n_nodes++];
    memset(n, 0, sizeof *n);
    n->kind = (unsigned char)kind;
    n->line = line;
    cc->text_open = false;
    return n;
}

static void
add_text(struct compiler *cc, const char *p, size_t len, unsigned line)
{
    if (len == 0)
        return;
    if (cc->text_open) {
        cc->nodes[cc->n_nodes - 1].len += len;
    } else {
        struct node *n = add_node(cc, NODE_TEXT, line);
        n->off = cc->pool.len;
        n->len = len;
        cc->text_open = true;
    }
    buf_append(&cc->pool, p, len);
}

static bool
is_name_char(unsigned char c)
{
    return is_alpha(c) || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* Check the variable name P[0..LEN) and store it in the pool as NUL-separated
 * segments; sets N's off and len. */
static bool
store_name(struct compiler *cc, struct node *n, const char *p, size_t len)
{
    n->off = cc->pool.len;
    n->len = 0;
    if (len == 1 && p[0] == '.')
        return true;
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i < len && p[i] != '.') {
            if (!is_name_char((unsigned char)p[i]))
                return false;
            continue;
        }
        if (i == start)
            return false; /* empty segment */
        buf_append(&cc->pool, p + start, i - start);
        buf_putc(&cc->pool, '\0');
        n->len++;
        start = i + 1;
    }
    return true;
}

static bool
valid_partial_name(const char *p, size_t len)
{
    if (len == 0)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!is_name_char((unsigned char)p[i]) && p[i] != '.' && p[i] != '/')
            return false;
    return true;
}

static void
trim(const char **p, size_t *len)
{
    while (*len && is_ws((unsigned char)**p)) {
        (*p)++;
        (*len)--;
    }
    while (*len && is_ws((unsigned char)(*p)[*len - 1]))
        (*len)--;
}

static enum esc
esc_for(const struct html_state *h)
{
    if (h->st == H_ATTR_DQ || h->st == H_ATTR_SQ)
        return !h->url_attr ? ESC_ATTR : h->value_empty ? ESC_URL_LOCAL : ESC_URL;
    return ESC_TEXT;
}

/* Compile one tag whose content (between the braces) is P[0..LEN). */
static bool
compile_tag(struct compiler *cc, const char *p, size_t len, bool triple, unsigned line)
{
    trim(&p, &len);
    char sigil = triple ? '{' : len ? p[0] : '\0';

    if (sigil == '!')
        return true;

    const char *where = html_refusal(&cc->html);
    if (where)
        return compile_error(cc, line, "{{%s%.*s%s}} not allowed %s", triple ? "{" : "",
                             (int)(len > 40 ? 40 : len), p, len > 40 ? "…" : "", where);

    if (triple) {
        if (!cc->allow_raw)
            return compile_error(cc, line, "raw output {{{%.*s}}} is not allowed in this template",
                                 (int)len, p);
        struct node *n = add_node(cc, NODE_RAW, line);
        if (!store_name(cc, n, p, len))
            return compile_error(cc, line, "invalid name '%.*s'", (int)len, p);
        return true;
    }

    const char *arg = p + 1;
    size_t arg_len = len ? len - 1 : 0;
    trim(&arg, &arg_len);

    switch (sigil) {
    case '#':
    case '^': {
        if (cc->n_open == TMPL_MAX_NESTING)
            return compile_error(cc, line, "sections nested deeper than %d", TMPL_MAX_NESTING);
        struct node *n = add_node(cc, sigil == '#' ? NODE_SECTION : NODE_INVERTED, line);
        if (!store_name(cc, n, arg, arg_len))
            return compile_error(cc, line, "invalid section name '%.*s'", (int)arg_len, arg);
        struct open_section *o = &cc->open[cc->n_open++];
        o->node = cc->n_nodes - 1;
        o->name = arg;
        o->name_len = arg_len;
        o->line = line;
        o->html = cc->html;
        return true;
    }
    case '/': {
        if (cc->n_open == 0)
            return compile_error(cc, line, "{{/%.*s}} closes no open section", (int)arg_len, arg);
        struct open_section *o = &cc->open[cc->n_open - 1];
        if (o->name_len != arg_len || memcmp(o->name, arg, arg_len) != 0)
            return compile_error(cc, line, "{{/%.*s}} does not match {{#%.*s}} of line %u",
                                 (int)arg_len, arg, (int)o->name_len, o->name, o->line);
        if (!html_same_place(&o->html, &cc->html))
            return compile_error(cc, line,
                                 "section '%.*s' of line %u ends in another HTML context "
                                 "than it starts",
                                 (int)arg_len, arg, o->line);
        cc->nodes[o->node].aux = cc->n_nodes;
        cc->n_open--;
        cc->text_open = false;
        return true;
    }
    case '>': {
        if (cc->html.st != H_TEXT)
            return compile_error(cc, line, "partial {{>%.*s}} must stand in text", (int)arg_len,
                                 arg);
        if (!valid_partial_name(arg, arg_len))
            return compile_error(cc, line, "invalid partial name '%.*s'", (int)arg_len, arg);
        struct node *n = add_node(cc, NODE_PARTIAL, line);
        n->off = cc->pool.len;
        buf_append(&cc->pool, arg, arg_len);
        buf_putc(&cc->pool, '\0');
        return true;
    }
    case '_':
        if (len == 1 || is_ws((unsigned char)p[1])) {
            if (arg_len == 0)
                return compile_error(cc, line, "empty msgid in {{_ }}");
            struct node *n = add_node(cc, NODE_TRANSLATE, line);
            n->esc = (unsigned char)esc_for(&cc->html);
            cc->html.value_empty = false;
            n->off = cc->pool.len;
            buf_append(&cc->pool, arg, arg_len);
            buf_putc(&cc->pool, '\0');
            return true;
        }
        break; /* a variable whose name starts with "_" */
    default: break;
    }

    struct node *n = add_node(cc, NODE_VAR, line);
    n->esc = (unsigned char)esc_for(&cc->html);
    cc->html.value_empty = false;
    if (len == 0 || !store_name(cc, n, p, len))
        return compile_error(cc, line, "invalid name '%.*s'", (int)len, p);
    return true;
}

static const char *
find2(const char *p, const char *end, char c)
{
    for (; p + 1 < end; p++)
        if (p[0] == c && p[1] == c)
            return p;
    return NULL;
}

static unsigned
count_lines(const char *p, const char *end)
{
    unsigned n = 0;
    for (; p < end; p++)
        n += *p == '\n';
    return n;
}

/* Compile SRC into T; on failure T owns whatever was built so far. */
static bool
compile_template(struct compiler *cc, struct tmpl *t, const struct tmpl_source *src)
{
    const char *p = src->text ? src->text : "";
    const char *end = p + (src->text ? src->len : 0);
    unsigned line = 1;
    bool ok = true;

    while (ok && p < end) {
        const char *open = find2(p, end, '{');
        const char *stop = open ? open : end;
        const char *run = p;

        for (; p < stop; p++) {
            html_step(&cc->html, (unsigned char)*p);
            if (*p == '\n')
                line++;
        }
        add_text(cc, run, (size_t)(stop - run), line);
        if (!open)
            break;

        bool triple = open + 2 < end && open[2] == '{';
        const char *body = open + (triple ? 3 : 2);
        const char *close = find2(body, end, '}');
        if (triple)
            while (close && !(close + 2 < end && close[2] == '}'))
                close = find2(close + 1, end, '}');
        if (!close) {
            ok = compile_error(cc, line, "unterminated tag");
            break;
        }
        ok = compile_tag(cc, body, (size_t)(close - body), triple, line);
        line += count_lines(body, close);
        p = close + (triple ? 3 : 2);
    }
    if (ok && cc->n_open) {
        struct open_section *o = &cc->open[cc->n_open - 1];
        ok =
            compile_error(cc, o->line, "section '%.*s' is never closed", (int)o->name_len, o->name);
    }
    if (ok && cc->html.st != H_TEXT) {
        const char *where = html_refusal(&cc->html);
        ok = compile_error(cc, line, "template ends %s", where ? where : "inside an HTML tag");
    }
    t->nodes = cc->nodes;
    t->n_nodes = cc->n_nodes;
    t->pool = buf_steal(&cc->pool);
    return ok;
}

static int
cmp_tmpl_ptr(const void *a, const void *b)
{
    const struct tmpl *ta = *(const struct tmpl *const *)a;
    const struct tmpl *tb = *(const struct tmpl *const *)b;
    return strcmp(ta->name, tb->name);
}

static int
cmp_name_tmpl(const void *key, const void *elem)
{
    const struct tmpl *t = *(const struct tmpl *const *)elem;
    return strcmp((const char *)key, t->name);
}

static const struct tmpl *
find_tmpl(const struct tmpl_set *set, const char *name)
{
    const struct tmpl *const *hit =
        bsearch(name, set->by_name, set->n, sizeof *set->by_name, cmp_name_tmpl);
    return hit ? *hit : NULL;
}

static bool
on_list(const char *const *list, const char *name)
{
    if (!list)
        return false;
    for (; *list; list++)
        if (strcmp(*list, name) == 0)
            return true;
    return false;
}

static char *
dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (!p)
        abort();
    memcpy(p, s, n);
    return p;
}

struct tmpl_set *
tmpl_set_new(const struct tmpl_source *sources, size_t n, const char *const *raw_allow, char *err,
             size_t errlen)
{
    struct tmpl_set *set = calloc(1, sizeof *set);
    if (!set)
        abort();
    set->tmpls = calloc(n ? n : 1, sizeof *set->tmpls);
    set->by_name = calloc(n ? n : 1, sizeof *set->by_name);
    if (!set->tmpls || !set->by_name)
        abort();
    if (err && errlen)
        err[0] = '\0';

    struct compiler *cc = malloc(sizeof *cc);
    if (!cc)
        abort();
    bool ok = true;
    for (size_t i = 0; ok && i < n; i++) {
        const char *name = sources[i].name ? sources[i].name : "(unnamed)";
        memset(cc, 0, sizeof *cc);
        cc->tname = name;
        cc->allow_raw = on_list(raw_allow, name);
        cc->html.st = H_TEXT;
        cc->err = err;
        cc->errlen = errlen;
        set->tmpls[i].name = dup_str(name);
        set->n = i + 1;
        ok = compile_template(cc, &set->tmpls[i], &sources[i]);
    }
    free(cc);

    if (ok) {
        for (size_t i = 0; i < n; i++)
            set->by_name[i] = &set->tmpls[i];
        qsort(set->by_name, n, sizeof *set->by_name, cmp_tmpl_ptr);
        for (size_t i = 1; ok && i < n; i++)
            if (strcmp(set->by_name[i - 1]->name, set->by_name[i]->name) == 0) {
                if (err && errlen)
                    snprintf(err, errlen, "%s:1: duplicate template name", set->by_name[i]->name);
                ok = false;
            }
    }
    /* Partials are resolved once every name is known. */
    for (size_t i = 0; ok && i < n; i++) {
        struct tmpl *t = &set->tmpls[i];
        for (size_t k = 0; ok && k < t->n_nodes; k++) {
            struct node *nd = &t->nodes[k];
            if (nd->kind != NODE_PARTIAL)
                continue;
            const struct tmpl *target = find_tmpl(set, t->pool + nd->off);
            if (!target) {
                if (err && errlen)
                    snprintf(err, errlen, "%s:%u: unknown partial '%s'", t->name, nd->line,
                             t->pool + nd->off);
                ok = false;
            } else {
                nd->aux = (size_t)(target - set->tmpls);
            }
        }
    }
    if (!ok) {
        tmpl_set_free(set);
        return NULL;
    }
    return set;
}

void
tmpl_set_free(struct tmpl_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++) {
        free(set->tmpls[i].name);
        free(set->tmpls[i].nodes);
        free(set->tmpls[i].pool);
    }
    free(set->tmpls);
    free(set->by_name);
    free(set);
}

/* ------------------------------------------------------------------ renderer */

struct frame {
    const json_t *value;
    const struct frame *up;
};

struct render {
    const struct tmpl_set *set;
    struct buf *out;
    tmpl_translate_fn translate;
    void *user;
    size_t budget; /* section bodies and partials still allowed */
};

static bool
spend(struct render *r)
{
    if (r->budget == 0)
        return false;
    r->budget--;
    return true;
}

/* The value of the name stored at SEG (NSEG segments) in context F: the
 * first segment is looked up in the innermost object that has it, the rest
 * inside that value only. NULL when missing. */
static const json_t *
lookup(const struct frame *f, const char *seg, size_t nseg)
{
    if (nseg == 0)
        return f->value;
    const json_t *v = NULL;
    for (; f && !v; f = f->up)
        if (json_is_object(f->value))
            v = json_object_get(f->value, seg);
    for (size_t i = 1; v && i < nseg; i++) {
        seg += strlen(seg) + 1;
        v = json_is_object(v) ? json_object_get(v, seg) : NULL;
    }
    return v;
}

static void
put_escaped(struct buf *out, const char *s, unsigned char esc)
{
    switch (esc) {
    case ESC_ATTR: html_attr(out, s); break;
    case ESC_URL: html_url_arg(out, s); break;
    case ESC_URL_LOCAL: html_url_local(out, s); break;
    default: html_text(out, s); break;
    }
}

static void
put_value(struct buf *out, const json_t *v, unsigned char esc, bool raw)
{
    char num[64];
    const char *s;

    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_STRING: s = json_string_value(v); break;
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        s = num;
        break;
    case JSON_REAL:
        snprintf(num, sizeof num, "%.15g", json_real_value(v));
        s = num;
        break;
    case JSON_TRUE: s = "true"; break;
    default: return;
    }
    if (raw)
        buf_puts(out, s);
    else
        put_escaped(out, s, esc);
}

static bool
is_truthy(const json_t *v)
{
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_OBJECT:
    case JSON_TRUE: return true;
    case JSON_ARRAY: return json_array_size(v) > 0;
    case JSON_STRING: return json_string_length(v) > 0;
    case JSON_INTEGER: return json_integer_value(v) != 0;
    case JSON_REAL: return json_real_value(v) != 0.0;
    default: return false;
    }
}

static void
render_range(struct render *r, const struct tmpl *t, size_t i, size_t end, const struct frame *f,
             unsigned depth)
{
    while (i < end) {
        const struct node *n = &t->nodes[i];
        const char *str = t->pool + n->off;
        switch ((enum node_kind)n->kind) {
        case NODE_TEXT: buf_append(r->out, str, n->len); break;
        case NODE_VAR:
        case NODE_RAW:
            put_value(r->out, lookup(f, str, n->len), n->esc, n->kind == NODE_RAW);
            break;
        case NODE_SECTION:
        case NODE_INVERTED: {
            const json_t *v = lookup(f, str, n->len);
            bool truthy = is_truthy(v);
            if (n->kind == NODE_INVERTED) {
                if (!truthy && spend(r))
                    render_range(r, t, i + 1, n->aux, f, depth);
            } else if (truthy && json_is_array(v)) {
                for (size_t k = 0; k < json_array_size(v) && spend(r); k++) {
                    struct frame item = { json_array_get(v, k), f };
                    render_range(r, t, i + 1, n->aux, &item, depth);
                }
            } else if (truthy && spend(r)) {
                struct frame inner = { v, f };
                render_range(r, t, i + 1, n->aux, &inner, depth);
            }
            i = n->aux;
            continue;
        }
        case NODE_PARTIAL:
            if (depth < TMPL_MAX_PARTIAL_DEPTH && spend(r)) {
                const struct tmpl *p = &r->set->tmpls[n->aux];
                render_range(r, p, 0, p->n_nodes, f, depth + 1);
            }
            break;
        case NODE_TRANSLATE: {
            const char *s = r->translate ? r->translate(str, r->user) : NULL;
            put_escaped(r->out, s ? s : str, n->esc);
            break;
        }
        }
        i++;
    }
}

bool
tmpl_render(const struct tmpl_set *set, struct buf *out, const char *name, const json_t *view,
            tmpl_translate_fn translate, void *user)
{
    const struct tmpl *t = set && name ? find_tmpl(set, name) : NULL;
    if (!t)
        return false;
    struct render r = { set, out, translate, user, TMPL_MAX_EXPANSIONS };
    const struct frame root = { view, NULL };
    render_range(&r, t, 0, t->n_nodes, &root, 0);
    return true;
}

void
tmpl_each_msgid(const struct tmpl_set *set, void (*fn)(const char *msgid, void *user), void *user)
{
    for (size_t i = 0; i < set->n; i++) {
        const struct tmpl *t = &set->tmpls[i];
        for (size_t k = 0; k < t->n_nodes; k++)
            if (t->nodes[k].kind == NODE_TRANSLATE)
                fn(t->pool + t->nodes[k].off, user);
    }
}
