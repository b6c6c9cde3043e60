/*
 * util/config.c — lotse's settings, declared once in settings[] below: section,
 * key, type, default, range or allowed values, secrecy and a one-line doc.
 * Every way of setting a value (defaults, INI file, environment, command line)
 * goes through setting_apply(), so all sources accept and refuse the same
 * text. Defaults are written as text and parsed like any other value; a
 * default the table's own validator refuses is a broken invariant (abort).
 *
 * Loading is all or nothing: a file or the environment is applied to a copy
 * and copied back only when every line or variable was good. The first error
 * wins and names its source (PATH:LINE, the variable, or the option).
 */
#include "util/config.h"

#include "util/buf.h"
#include "util/netaddr.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum setting_type {
    SET_STRING, /* free text (no control characters) plus an optional check */
    SET_PATH,   /* a file system path; "" where the doc says so */
    SET_UINT,   /* decimal digits only, min..max */
    SET_BOOL,   /* true/false, yes/no, on/off, 1/0 */
    SET_ENUM,   /* one of choices[], exactly */
};

enum setting_secret {
    SECRET_NONE,
    SECRET_ALL,          /* the whole value is printed as *** */
    SECRET_URL_PASSWORD, /* a URL whose password (user:PASSWORD@, ?password=) is *** */
};

/* Extra validation for a string value: NULL when fine, else what it must be. */
typedef const char *(*setting_check)(const char *value);

struct setting {
    const char *section;
    const char *key;
    const char *name; /* "section.key" */
    enum setting_type type;
    const char *def;            /* the default, as it would be written in the file */
    size_t offset;              /* into struct config */
    size_t size;                /* of the field (strings: including the NUL) */
    unsigned min, max;          /* SET_UINT */
    const char *const *choices; /* SET_ENUM, NULL-terminated */
    setting_check check;        /* SET_STRING, optional */
    enum setting_secret secret;
    const char *doc;
};

/* A compile-time check that struct config's FIELD has type T: a mismatch
 * makes an array of size -1. Adds 0 to the offset. */
#define FIELD_IS(field, T)                                                                         \
    (0 * sizeof(char[_Generic(((struct config *)0)->field, T : 1, default : -1)]))

/* The key is also the name of the field in struct config. */
#define FIELD(sec, key_, T)                                                                        \
    .section = #sec, .key = #key_, .name = #sec "." #key_,                                         \
    .offset = offsetof(struct config, key_) + FIELD_IS(key_, T),                                   \
    .size = sizeof(((struct config *)0)->key_)

#define SETTING_STR(sec, key_, def_, check_, secret_, doc_)                                        \
    {                                                                                              \
        FIELD(sec, key_, char *), .type = SET_STRING, .def = def_, .check = check_,                \
                                  .secret = secret_, .doc = doc_                                   \
    }
#define SETTING_PATH(sec, key_, def_, doc_)                                                        \
    {                                                                                              \
        FIELD(sec, key_, char *), .type = SET_PATH, .def = def_, .doc = doc_                       \
    }
#define SETTING_UINT(sec, key_, def_, min_, max_, doc_)                                            \
    {                                                                                              \
        FIELD(sec, key_, unsigned), .type = SET_UINT, .def = #def_, .min = min_, .max = max_,      \
                                    .doc = doc_                                                    \
    }
#define SETTING_BOOL(sec, key_, def_, doc_)                                                        \
    {                                                                                              \
        FIELD(sec, key_, bool), .type = SET_BOOL, .def = #def_, .doc = doc_                        \
    }
#define SETTING_ENUM(sec, key_, def_, choices_, doc_)                                              \
    {                                                                                              \
        FIELD(sec, key_, char *), .type = SET_ENUM, .def = def_, .choices = choices_, .doc = doc_  \
    }

static const char *check_listen(const char *value);
static const char *check_db_url(const char *value);
static const char *check_proxies(const char *value);

static const char *const languages[] = { "de", "en", NULL };
static const char *const log_levels[] = { "error", "warn", "info", "debug", NULL };

static const struct setting settings[] = {
    SETTING_STR(server, listen, "127.0.0.1:8080", check_listen, SECRET_NONE,
                "address and port to listen on (HOST:PORT; port 0 picks a free one)"),
    SETTING_UINT(server, threads, 4, 1, 64, "worker threads of the HTTP server"),
    SETTING_UINT(server, max_connections, 1024, 1, 100000,
                 "open connections at most; more are refused"),
    SETTING_UINT(server, connection_timeout, 30, 1, 3600,
                 "seconds of idleness before a connection is closed"),
    SETTING_UINT(server, request_timeout, 30, 1, 3600,
                 "seconds a request may take to arrive in full"),
    SETTING_UINT(server, max_header_bytes, 16384, 4096, 1048576,
                 "memory per connection for the request line and headers"),
    SETTING_UINT(server, max_body_bytes, 1048576, 1024, 16777216,
                 "largest request body accepted (larger: 413)"),
    SETTING_BOOL(server, tls, false,
                 "TLS is terminated in front of lotse: session cookies get Secure"),
    SETTING_PATH(server, static_dir, "",
                 "serve static files from this directory; empty: the embedded ones"),
    SETTING_STR(server, trusted_proxies, "", check_proxies, SECRET_NONE,
                "reverse proxies whose X-Forwarded-For is believed (addresses or prefixes)"),

    SETTING_STR(store, db_url, "sqlite:var/lotse.db", check_db_url, SECRET_URL_PASSWORD,
                "database: sqlite:PATH or postgresql://USER:PASSWORD@HOST:PORT/DB"),
    SETTING_UINT(store, busy_timeout_ms, 5000, 0, 60000,
                 "SQLite: milliseconds to wait for a lock before giving up"),
    SETTING_UINT(store, audit_batch_max, 512, 1, 10000,
                 "audit entries written in one group commit at most"),
    SETTING_UINT(store, audit_linger_us, 300, 0, 100000,
                 "microseconds the writer lets a batch grow while jobs keep arriving"),

    SETTING_UINT(session, idle_minutes, 30, 1, 1440,
                 "a browser session ends after this many idle minutes"),
    SETTING_UINT(session, absolute_hours, 12, 1, 168,
                 "a browser session ends this many hours after login"),
    SETTING_UINT(session, token_hours, 24, 1, 8760, "lifetime of an API token in hours"),
    SETTING_UINT(session, login_max_failures, 5, 1, 1000,
                 "failed logins per user or address within the window before 429"),
    SETTING_UINT(session, login_window_seconds, 900, 1, 86400,
                 "window for counting failed logins, and the lockout that follows"),
    SETTING_UINT(session, hash_concurrency, 2, 1, 16,
                 "password hashes (argon2id) computed at the same time at most"),

    SETTING_UINT(jobs, interval_seconds, 60, 1, 86400,
                 "seconds between runs of the periodic jobs (one server of a store runs them)"),

    SETTING_UINT(cases, caseload_per_fte, 75, 1, 1000,
                 "open cases per full-time case manager (Betreuungsschluessel)"),

    SETTING_ENUM(ui, default_language, "de", languages,
                 "language when the browser states no preference: de or en"),
    SETTING_PATH(ui, locale_dir, "",
                 "directory of the translations (lotse.mo); empty: the built-in default"),

    SETTING_ENUM(log, log_level, "info", log_levels,
                 "least important message logged: error, warn, info or debug"),
    SETTING_BOOL(log, access_log, true, "one line per request on stderr"),
};

enum { N_SETTINGS = sizeof settings / sizeof settings[0] };

static const char *const source_names[] = {
    [CONFIG_FILE] = "configuration file",
    [CONFIG_ENV] = "environment",
    [CONFIG_CLI] = "command line",
};

/* --- messages ----------------------------------------------------------- */

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
set_err(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || errlen == 0)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Append V to OUT with the password parts of a URL replaced by ***. It errs on
 * the side of hiding too much: the user information runs from "://" to the
 * last '@', so a password with an unencoded '/', '?' or '@' stays hidden. */
static void
mask_url(struct buf *out, const char *v)
{
    const char *scheme_end = strstr(v, "://");
    if (!scheme_end) {
        buf_puts(out, v);
        return;
    }
    const char *auth = scheme_end + 3;
    const char *at = strrchr(auth, '@');
    const char *rest = auth;
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        if (colon) {
            buf_append(out, v, (size_t)(colon + 1 - v));
            buf_puts(out, "***");
            rest = at;
        }
    }
    if (rest == auth)
        buf_append(out, v, (size_t)(auth - v));
    /* rest: from the '@' (or the host) on; hide any password=... parameter */
    const char *q = strchr(rest, '?');
    if (!q) {
        buf_puts(out, rest);
        return;
    }
    buf_append(out, rest, (size_t)(q - rest));
    const char *p = q;
    while (*p) {
        /* P is at '?' or '&', the start of a parameter */
        buf_putc(out, *p++);
        size_t n = strcspn(p, "&#");
        if (n >= 9 && strncmp(p, "password=", 9) == 0) {
            buf_puts(out, "password=***");
        } else {
            buf_append(out, p, n);
        }
        p += n;
        if (*p == '#') {
            buf_puts(out, p);
            break;
        }
    }
}

/* Append VALUE as it may be shown to people: secrets masked. */
static void
show_value(struct buf *out, const struct setting *s, const char *value)
{
    switch (s->secret) {
    case SECRET_ALL: buf_puts(out, "***"); break;
    case SECRET_URL_PASSWORD: mask_url(out, value); break;
    case SECRET_NONE: buf_puts(out, value); break;
    }
}

/* VALUE for an error message: masked, control characters as '?', cut at 80. */
static void
quote_value(struct buf *out, const struct setting *s, const char *value)
{
    struct buf shown = BUF_INIT;
    show_value(&shown, s, value);
    const char *v = buf_cstr(&shown);
    size_t n = strlen(v);
    size_t keep = n > 80 ? 77 : n;
    buf_putc(out, '\'');
    for (size_t i = 0; i < keep; i++) {
        unsigned char c = (unsigned char)v[i];
        buf_putc(out, c < 0x20 || c == 0x7f ? '?' : (char)c);
    }
    if (keep < n)
        buf_puts(out, "...");
    buf_putc(out, '\'');
    buf_free(&shown);
}

/* --- parsing values ----------------------------------------------------- */

/* Strict decimal: one or more digits, nothing else, no overflow of unsigned. */
static bool
parse_uint(const char *s, unsigned *out)
{
    if (!*s)
        return false;
    unsigned long long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        v = v * 10 + (unsigned)(*p - '0');
        if (v > UINT_MAX)
            return false;
    }
    *out = (unsigned)v;
    return true;
}

static bool
parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = { "true", "yes", "on", "1" };
    static const char *const no[] = { "false", "no", "off", "0" };
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return true;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return true;
        }
    }
    return false;
}

bool
config_listen_parse(const char *listen, char *host, size_t hostlen, unsigned *port)
{
    const char *colon;
    char tmp[64];
    size_t n;

    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':')
            return false;
        n = (size_t)(close - listen - 1);
        if (n == 0 || n >= sizeof tmp)
            return false;
        memcpy(tmp, listen + 1, n);
        tmp[n] = '\0';
        struct in6_addr a6;
        if (inet_pton(AF_INET6, tmp, &a6) != 1)
            return false;
        colon = close + 1;
    } else {
        colon = strrchr(listen, ':');
        if (!colon)
            return false;
        n = (size_t)(colon - listen);
        if (n == 0 || n >= sizeof tmp)
            return false;
        memcpy(tmp, listen, n);
        tmp[n] = '\0';
        struct in_addr a4;
        if (strcmp(tmp, "localhost") != 0 && inet_pton(AF_INET, tmp, &a4) != 1)
            return false;
    }
    unsigned p;
    if (!parse_uint(colon + 1, &p) || p > 65535)
        return false;
    if (host) {
        if (n >= hostlen)
            return false;
        memcpy(host, tmp, n + 1);
    }
    if (port)
        *port = p;
    return true;
}

static const char *
check_listen(const char *value)
{
    if (config_listen_parse(value, NULL, 0, NULL))
        return NULL;
    return "must be HOST:PORT with an IPv4 address, localhost or [IPv6] as HOST"
           " and a port 0..65535";
}

static const char *
check_proxies(const char *value)
{
    struct net_prefix p[NET_PREFIXES_MAX];
    size_t n;
    if (net_prefixes_parse(value, p, &n))
        return NULL;
    return "must be IPv4 or IPv6 addresses or ADDRESS/BITS prefixes, separated by spaces or"
           " commas, at most 32";
}

static const char *
check_db_url(const char *value)
{
    if (strncmp(value, "sqlite:", 7) == 0 && value[7] != '\0')
        return NULL;
    if (strncmp(value, "postgresql://", 13) == 0 || strncmp(value, "postgres://", 11) == 0)
        return NULL;
    return "must be sqlite:PATH, postgresql://... or postgres://...";
}

/* Parse VALUE for S and store it in CFG. On failure leaves CFG alone and
 * writes what the value must be into WHY. */
static bool
setting_apply(const struct setting *s, struct config *cfg, const char *value, char *why,
              size_t whylen)
{
    char *field = (char *)cfg + s->offset;

    switch (s->type) {
    case SET_UINT: {
        unsigned v;
        if (!parse_uint(value, &v) || v < s->min || v > s->max) {
            set_err(why, whylen, "must be %u..%u", s->min, s->max);
            return false;
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case SET_BOOL: {
        bool v;
        if (!parse_bool(value, &v)) {
            set_err(why, whylen, "must be true/false, yes/no, on/off or 1/0");
            return false;
        }
        memcpy(field, &v, sizeof v);
        return true;
    }
    case SET_ENUM: {
        for (const char *const *c = s->choices; *c; c++) {
            if (strcmp(value, *c) == 0) {
                if (strlen(value) >= s->size)
                    abort(); /* a choice longer than its field: fix the table */
                memcpy(field, value, strlen(value) + 1);
                return true;
            }
        }
        struct buf list = BUF_INIT;
        for (const char *const *c = s->choices; *c; c++)
            buf_printf(&list, "%s%s", c == s->choices ? "" : ", ", *c);
        set_err(why, whylen, "must be one of: %s", buf_cstr(&list));
        buf_free(&list);
        return false;
    }
    case SET_STRING:
    case SET_PATH: {
        size_t n = strlen(value);
        if (n >= s->size) {
            set_err(why, whylen, "longer than %zu bytes", s->size - 1);
            return false;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)value[i];
            if (c < 0x20 || c == 0x7f) {
                set_err(why, whylen, "must not contain control characters");
                return false;
            }
        }
        const char *bad = s->check ? s->check(value) : NULL;
        if (bad) {
            set_err(why, whylen, "%s", bad);
            return false;
        }
        memcpy(field, value, n + 1);
        return true;
    }
    }
    abort();
}

/* Apply VALUE to S; on failure write "bad value for NAME: 'VALUE' (WHY)",
 * after PREFIX, into ERR. */
static bool
setting_apply_or_explain(const struct setting *s, struct config *cfg, const char *value,
                         const char *prefix, char *err, size_t errlen)
{
    char why[256];
    if (setting_apply(s, cfg, value, why, sizeof why))
        return true;
    struct buf q = BUF_INIT;
    quote_value(&q, s, value);
    set_err(err, errlen, "%s: bad value for %s: %s (%s)", prefix, s->name, buf_cstr(&q), why);
    buf_free(&q);
    return false;
}

static const struct setting *
setting_find(const char *section, const char *key)
{
    for (size_t i = 0; i < N_SETTINGS; i++) {
        if (strcmp(settings[i].section, section) == 0 && strcmp(settings[i].key, key) == 0)
            return &settings[i];
    }
    return NULL;
}

/* --- defaults ----------------------------------------------------------- */

void
config_defaults(struct config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    for (size_t i = 0; i < N_SETTINGS; i++) {
        char why[256];
        if (!setting_apply(&settings[i], cfg, settings[i].def, why, sizeof why)) {
            fprintf(stderr, "config: default of %s is invalid: %s\n", settings[i].name, why);
            abort();
        }
    }
}

/* --- INI file ----------------------------------------------------------- */

struct file_ctx {
    FILE *f;
    const char *path;
    struct config *cfg;
    int lineno;                /* of the line inih is working on */
    bool indented;             /* that line starts with blank space */
    int seen_line[N_SETTINGS]; /* where each key was set, 0 = not yet */
    int err_line;              /* of the first error we explained, 0 = none */
    char err[1024];
};

static void file_fail(struct file_ctx *ctx, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Record the first error, for the current line. */
static void
file_fail(struct file_ctx *ctx, const char *fmt, ...)
{
    if (ctx->err_line)
        return;
    ctx->err_line = ctx->lineno;
    int n = snprintf(ctx->err, sizeof ctx->err, "%s:%d: ", ctx->path, ctx->lineno);
    if (n < 0 || (size_t)n >= sizeof ctx->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ctx->err + n, sizeof ctx->err - (size_t)n, fmt, ap);
    va_end(ap);
}

/* The ini_reader: fgets() that counts lines (the Debian inih passes no line
 * number to the handler) and refuses lines longer than inih's buffer, which
 * inih would otherwise split into two lines. */
static char *
file_read_line(char *str, int num, void *stream)
{
    struct file_ctx *ctx = stream;

    if (!fgets(str, num, ctx->f))
        return NULL;
    ctx->lineno++;
    size_t len = strlen(str);
    if (num > 1 && len == (size_t)num - 1 && str[len - 1] != '\n') {
        /* the buffer is full: fine if only the line end is left */
        int c = getc(ctx->f);
        if (c == '\r') {
            c = getc(ctx->f);
            if (c != '\n' && c != EOF)
                c = 'x';
        }
        if (c != EOF && c != '\n') {
            while (c != EOF && c != '\n')
                c = getc(ctx->f);
            file_fail(ctx,
                      "line too long (at most %d bytes; set longer values in the"
                      " environment)",
                      num - 1);
            str[0] = '\0';
        }
    }
    ctx->indented = str[0] == ' ' || str[0] == '\t';
    return str;
}

static int
file_handle(void *user, const char *section, const char *name, const char *value)
{
    struct file_ctx *ctx = user;

    if (ctx->err_line)
        return 1; /* only the first error is reported; inih keeps its own first line */
    if (!section[0]) {
        file_fail(ctx, "key '%s' outside any [section]", name);
        return 0;
    }
    const struct setting *s = setting_find(section, name);
    if (!s) {
        file_fail(ctx, "unknown key '%s' in section [%s]", name, section);
        return 0;
    }
    size_t i = (size_t)(s - settings);
    if (ctx->seen_line[i]) {
        if (ctx->indented)
            file_fail(ctx,
                      "indented line continues %s from line %d; a value must fit on"
                      " one line",
                      s->name, ctx->seen_line[i]);
        else
            file_fail(ctx, "%s is set again (first on line %d)", s->name, ctx->seen_line[i]);
        return 0;
    }
    ctx->seen_line[i] = ctx->lineno;
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s:%d", ctx->path, ctx->lineno);
    char msg[sizeof ctx->err];
    if (!setting_apply_or_explain(s, ctx->cfg, value, prefix, msg, sizeof msg)) {
        ctx->err_line = ctx->lineno;
        memcpy(ctx->err, msg, sizeof msg);
        return 0;
    }
    return 1;
}

bool
config_load_file(struct config *cfg, const char *path, char *err, size_t errlen)
{
    struct config copy = *cfg;
    struct file_ctx ctx = { .path = path, .cfg = &copy };

    ctx.f = fopen(path, "r");
    if (!ctx.f) {
        set_err(err, errlen, "%s: cannot open configuration file: %s", path, strerror(errno));
        return false;
    }
    int rc = ini_parse_stream(file_read_line, &ctx, file_handle, &ctx);
    bool read_error = ferror(ctx.f) != 0;
    fclose(ctx.f);

    if (rc == -2) {
        set_err(err, errlen, "%s: out of memory while reading", path);
        return false;
    }
    if (read_error) {
        set_err(err, errlen, "%s: read error", path);
        return false;
    }
    if (rc > 0 && (!ctx.err_line || rc < ctx.err_line)) {
        /* a line inih could not parse; our handler never saw it */
        set_err(err, errlen,
                "%s:%d: syntax error (expected [section], key = value,"
                " or a comment starting with ; or #)",
                path, rc);
        return false;
    }
    if (ctx.err_line) {
        set_err(err, errlen, "%s", ctx.err);
        return false;
    }
    *cfg = copy;
    return true;
}

/* --- environment -------------------------------------------------------- */

/* Does NAME (LEN bytes) spell LOTSE_<SECTION>_<KEY> for S? */
static bool
env_name_matches(const struct setting *s, const char *name, size_t len)
{
    size_t ls = strlen(s->section), lk = strlen(s->key);
    if (len != 6 + ls + 1 + lk || strncmp(name, "LOTSE_", 6) != 0)
        return false;
    const char *p = name + 6;
    for (size_t i = 0; i < ls; i++) {
        if (p[i] != toupper((unsigned char)s->section[i]))
            return false;
    }
    p += ls;
    if (*p++ != '_')
        return false;
    for (size_t i = 0; i < lk; i++) {
        if (p[i] != toupper((unsigned char)s->key[i]))
            return false;
    }
    return true;
}

/* Variables that are not settings: LOTSE_CONFIG, LOTSE_TEST_*, LOTSE_DEMO_*,
 * and any LOTSE_X_… whose X is not a section of the table (tools and tests
 * use such names, e.g. LOTSE_BIN). A name that starts with a section's name
 * must be a key of it, so a misspelt key still stops start-up. */
static bool
env_is_exempt(const char *name, size_t len)
{
    if ((len == 12 && strncmp(name, "LOTSE_CONFIG", 12) == 0) ||
        strncmp(name, "LOTSE_TEST_", 11) == 0 || strncmp(name, "LOTSE_DEMO_", 11) == 0)
        return true;
    for (size_t i = 0; i < N_SETTINGS; i++) {
        const char *sec = settings[i].section;
        size_t n = strlen(sec);
        if (len >= 6 + n && (len == 6 + n || name[6 + n] == '_')) {
            bool same = true;
            for (size_t k = 0; k < n && same; k++)
                same = toupper((unsigned char)name[6 + k]) == toupper((unsigned char)sec[k]);
            if (same)
                return false;
        }
    }
    return true;
}

bool
config_load_env(struct config *cfg, char *const *envp, char *err, size_t errlen)
{
    struct config copy = *cfg;

    for (char *const *e = envp; e && *e; e++) {
        const char *entry = *e;
        if (strncmp(entry, "LOTSE_", 6) != 0)
            continue;
        const char *eq = strchr(entry, '=');
        if (!eq)
            continue;
        size_t len = (size_t)(eq - entry);
        if (env_is_exempt(entry, len))
            continue;
        const struct setting *s = NULL;
        for (size_t i = 0; i < N_SETTINGS && !s; i++) {
            if (env_name_matches(&settings[i], entry, len))
                s = &settings[i];
        }
        if (!s) {
            set_err(err, errlen,
                    "environment variable %.*s: unknown setting (expected"
                    " LOTSE_<SECTION>_<KEY> for a key of etc/lotse.ini)",
                    (int)len, entry);
            return false;
        }
        char prefix[128];
        snprintf(prefix, sizeof prefix, "environment variable %.*s", (int)len, entry);
        if (!setting_apply_or_explain(s, &copy, eq + 1, prefix, err, errlen))
            return false;
    }
    *cfg = copy;
    return true;
}

/* --- command line ------------------------------------------------------- */

bool
config_set(struct config *cfg, const char *dotted_key, const char *value, enum config_source source,
           char *err, size_t errlen)
{
    const char *prefix = source <= CONFIG_CLI ? source_names[source] : "setting";
    const struct setting *s = NULL;

    for (size_t i = 0; i < N_SETTINGS && !s; i++) {
        if (strcmp(settings[i].name, dotted_key) == 0)
            s = &settings[i];
    }
    if (!s) {
        set_err(err, errlen, "%s: unknown key '%s' (expected section.key, e.g. server.threads)",
                prefix, dotted_key);
        return false;
    }
    return setting_apply_or_explain(s, cfg, value, prefix, err, errlen);
}

/* --- output ------------------------------------------------------------- */

void
config_print(const struct config *cfg, FILE *out)
{
    const char *section = NULL;
    struct buf b = BUF_INIT;

    for (size_t i = 0; i < N_SETTINGS; i++) {
        const struct setting *s = &settings[i];
        const char *field = (const char *)cfg + s->offset;
        if (!section || strcmp(section, s->section) != 0) {
            buf_printf(&b, "%s[%s]\n", section ? "\n" : "", s->section);
            section = s->section;
        }
        buf_printf(&b, "%s = ", s->key);
        switch (s->type) {
        case SET_UINT: {
            unsigned v;
            memcpy(&v, field, sizeof v);
            buf_printf(&b, "%u", v);
            break;
        }
        case SET_BOOL: {
            bool v;
            memcpy(&v, field, sizeof v);
            buf_puts(&b, v ? "true" : "false");
            break;
        }
        case SET_ENUM:
        case SET_STRING:
        case SET_PATH: show_value(&b, s, field); break;
        }
        buf_putc(&b, '\n');
    }
    fputs(buf_cstr(&b), out);
    buf_free(&b);
}

size_t
config_key_count(void)
{
    return N_SETTINGS;
}

const char *
config_key_name(size_t i)
{
    return i < N_SETTINGS ? settings[i].name : NULL;
}
