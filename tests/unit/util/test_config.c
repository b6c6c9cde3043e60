/*
 * tests/unit/util/test_config.c — the settings table through config.h:
 * defaults, INI files (errors name the line), environment, command line,
 * their precedence, masking of secrets, and that etc/lotse.ini documents
 * every key and loads to exactly the defaults. etc/lotse.ini is found
 * through LOTSE_TEST_SOURCE_ROOT (the repository root), set by Meson.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "util/config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { ERRLEN = 1024 };

static void
assert_contains(const char *haystack, const char *needle)
{
    if (!haystack)
        fail_msg("expected \"%s\" in NULL", needle);
    else if (!strstr(haystack, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, haystack);
}

static void
assert_lacks(const char *haystack, const char *needle)
{
    if (haystack && strstr(haystack, needle))
        fail_msg("did not expect \"%s\" in \"%s\"", needle, haystack);
}

/* Write TEXT to a fresh file under /tmp; its name goes to PATH (64 bytes). */
static void
write_temp(char path[64], const char *text)
{
    snprintf(path, 64, "/tmp/lotse-test-config-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    size_t n = strlen(text);
    assert_int_equal(write(fd, text, n), (ssize_t)n);
    assert_int_equal(close(fd), 0);
}

/* Load TEXT as an INI file into CFG; the temporary file is gone afterwards,
 * its name stays in PATH for checking messages. */
static bool
load_text(struct config *cfg, const char *text, char path[64], char *err)
{
    write_temp(path, text);
    bool ok = config_load_file(cfg, path, err, ERRLEN);
    unlink(path);
    return ok;
}

/* Every field of struct config, one by one. */
static void
assert_config_equal(const struct config *a, const struct config *b)
{
    assert_string_equal(a->listen, b->listen);
    assert_int_equal(a->threads, b->threads);
    assert_int_equal(a->max_connections, b->max_connections);
    assert_int_equal(a->connection_timeout, b->connection_timeout);
    assert_int_equal(a->request_timeout, b->request_timeout);
    assert_int_equal(a->max_header_bytes, b->max_header_bytes);
    assert_int_equal(a->max_body_bytes, b->max_body_bytes);
    assert_int_equal(a->tls, b->tls);
    assert_string_equal(a->static_dir, b->static_dir);
    assert_string_equal(a->trusted_proxies, b->trusted_proxies);
    assert_string_equal(a->db_url, b->db_url);
    assert_int_equal(a->busy_timeout_ms, b->busy_timeout_ms);
    assert_int_equal(a->audit_batch_max, b->audit_batch_max);
    assert_int_equal(a->audit_linger_us, b->audit_linger_us);
    assert_int_equal(a->idle_minutes, b->idle_minutes);
    assert_int_equal(a->absolute_hours, b->absolute_hours);
    assert_int_equal(a->token_hours, b->token_hours);
    assert_int_equal(a->login_max_failures, b->login_max_failures);
    assert_int_equal(a->login_window_seconds, b->login_window_seconds);
    assert_int_equal(a->hash_concurrency, b->hash_concurrency);
    assert_int_equal(a->interval_seconds, b->interval_seconds);
    assert_int_equal(a->caseload_per_fte, b->caseload_per_fte);
    assert_string_equal(a->default_language, b->default_language);
    assert_string_equal(a->locale_dir, b->locale_dir);
    assert_string_equal(a->log_level, b->log_level);
    assert_int_equal(a->access_log, b->access_log);
    /* a new key needs a line above */
    assert_int_equal(config_key_count(), 26);
}

static void
defaults_are_the_documented_values(void **state)
{
    (void)state;
    struct config cfg;
    memset(&cfg, 0xa5, sizeof cfg);
    config_defaults(&cfg);

    assert_string_equal(cfg.listen, "127.0.0.1:8080");
    assert_int_equal(cfg.threads, 4);
    assert_int_equal(cfg.max_connections, 1024);
    assert_int_equal(cfg.connection_timeout, 30);
    assert_int_equal(cfg.request_timeout, 30);
    assert_int_equal(cfg.max_header_bytes, 16384);
    assert_int_equal(cfg.max_body_bytes, 1048576);
    assert_false(cfg.tls);
    assert_string_equal(cfg.static_dir, "");
    assert_string_equal(cfg.trusted_proxies, "");
    assert_string_equal(cfg.db_url, "sqlite:var/lotse.db");
    assert_int_equal(cfg.busy_timeout_ms, 5000);
    assert_int_equal(cfg.audit_batch_max, 512);
    assert_int_equal(cfg.audit_linger_us, 300);
    assert_int_equal(cfg.idle_minutes, 30);
    assert_int_equal(cfg.absolute_hours, 12);
    assert_int_equal(cfg.token_hours, 24);
    assert_int_equal(cfg.login_max_failures, 5);
    assert_int_equal(cfg.login_window_seconds, 900);
    assert_int_equal(cfg.hash_concurrency, 2);
    assert_int_equal(cfg.interval_seconds, 60);
    assert_int_equal(cfg.caseload_per_fte, 75);
    assert_string_equal(cfg.default_language, "de");
    assert_string_equal(cfg.locale_dir, "");
    assert_string_equal(cfg.log_level, "info");
    assert_true(cfg.access_log);
}

static void
key_table_names_are_dotted_and_unique(void **state)
{
    (void)state;
    size_t n = config_key_count();
    assert_int_equal(n, 26);
    assert_string_equal(config_key_name(0), "server.listen");
    assert_string_equal(config_key_name(n - 1), "log.access_log");
    assert_null(config_key_name(n));
    for (size_t i = 0; i < n; i++) {
        const char *name = config_key_name(i);
        assert_non_null(strchr(name, '.'));
        for (size_t j = i + 1; j < n; j++)
            assert_string_not_equal(name, config_key_name(j));
    }
}

static void
file_overrides_several_keys(void **state)
{
    (void)state;
    struct config cfg, want;
    char path[64], err[ERRLEN] = "";
    config_defaults(&cfg);
    config_defaults(&want);

    bool ok = load_text(&cfg,
                        "; a comment\n"
                        "# another comment\n"
                        "[server]\n"
                        "listen = [::1]:0\n"
                        "threads=16\n"
                        "tls = yes   ; inline comment\n"
                        "static_dir = /srv/lotse/static\n"
                        "\n"
                        "[store]\n"
                        "db_url = postgresql://lotse@db.example:5432/lotse\n"
                        "busy_timeout_ms = 0\n"
                        "[ui]\n"
                        "default_language = en\n"
                        "[log]\n"
                        "log_level = debug\n"
                        "access_log = Off\n",
                        path, err);
    assert_true(ok);
    assert_string_equal(err, "");

    strcpy(want.listen, "[::1]:0");
    want.threads = 16;
    want.tls = true;
    strcpy(want.static_dir, "/srv/lotse/static");
    strcpy(want.db_url, "postgresql://lotse@db.example:5432/lotse");
    want.busy_timeout_ms = 0;
    strcpy(want.default_language, "en");
    strcpy(want.log_level, "debug");
    want.access_log = false;
    assert_config_equal(&cfg, &want);
}

static void
unknown_key_names_file_and_line(void **state)
{
    (void)state;
    struct config cfg;
    char path[64], err[ERRLEN], want[128];
    config_defaults(&cfg);

    assert_false(load_text(&cfg, "[server]\nthreads = 8\n\nthread = 9\n", path, err));
    snprintf(want, sizeof want, "%s:4: unknown key 'thread' in section [server]", path);
    assert_string_equal(err, want);
    /* nothing of a failed file is applied */
    assert_int_equal(cfg.threads, 4);

    assert_false(load_text(&cfg, "[server]\n[sever]\nthreads = 8\n", path, err));
    snprintf(want, sizeof want, "%s:3: unknown key 'threads' in section [sever]", path);
    assert_string_equal(err, want);

    assert_false(load_text(&cfg, "threads = 8\n", path, err));
    snprintf(want, sizeof want, "%s:1: key 'threads' outside any [section]", path);
    assert_string_equal(err, want);
}

static void
bad_values_name_key_value_and_line(void **state)
{
    (void)state;
    static const struct {
        const char *text;
        const char *message; /* after "PATH:" */
    } cases[] = {
        { "[server]\nthreads = 0\n", "2: bad value for server.threads: '0' (must be 1..64)" },
        { "[server]\n\nthreads = abc\n", "3: bad value for server.threads: 'abc' (must be 1..64)" },
        { "[server]\nthreads = 65\n", "2: bad value for server.threads: '65'" },
        { "[server]\nthreads = -1\n", "2: bad value for server.threads: '-1'" },
        { "[server]\nthreads = +4\n", "2: bad value for server.threads: '+4'" },
        { "[server]\nthreads = 4x\n", "2: bad value for server.threads: '4x'" },
        { "[server]\nthreads =\n", "2: bad value for server.threads: ''" },
        { "[server]\nmax_body_bytes = 99999999999999999999\n",
          "2: bad value for server.max_body_bytes: '99999999999999999999' (must be"
          " 1024..16777216)" },
        { "[server]\nmax_body_bytes = 4294967297\n",
          "2: bad value for server.max_body_bytes: '4294967297'" },
        { "[server]\nlisten = 127.0.0.1\n",
          "2: bad value for server.listen: '127.0.0.1' (must be HOST:PORT" },
        { "[server]\nthreads = 2\nlisten = 127.0.0.1:70000\n",
          "3: bad value for server.listen: '127.0.0.1:70000'" },
        { "[server]\nlisten = example.org:80\n", "2: bad value for server.listen" },
        { "[server]\nlisten = ::1:80\n", "2: bad value for server.listen" },
        { "[server]\nlisten = :80\n", "2: bad value for server.listen" },
        { "[store]\ndb_url = ftp://files.example/db\n",
          "2: bad value for store.db_url: 'ftp://files.example/db' (must be sqlite:PATH" },
        { "[store]\ndb_url = sqlite:\n", "2: bad value for store.db_url: 'sqlite:'" },
        { "[ui]\ndefault_language = fr\n",
          "2: bad value for ui.default_language: 'fr' (must be one of: de, en)" },
        { "[log]\nlog_level = trace\n",
          "2: bad value for log.log_level: 'trace' (must be one of: error, warn, info, debug)" },
        { "[log]\naccess_log = maybe\n",
          "2: bad value for log.access_log: 'maybe' (must be true/false, yes/no, on/off or 1/0)" },
        { "[server]\ntls = 2\n", "2: bad value for server.tls: '2'" },
        { "[server]\ntrusted_proxies = 127.0.0.1 proxy.local\n",
          "2: bad value for server.trusted_proxies: '127.0.0.1 proxy.local' (must be IPv4 or"
          " IPv6 addresses" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct config cfg;
        char path[64], err[ERRLEN], want[512];
        config_defaults(&cfg);
        assert_false(load_text(&cfg, cases[i].text, path, err));
        snprintf(want, sizeof want, "%s:%s", path, cases[i].message);
        assert_contains(err, want);
    }
}

static void
too_long_string_is_refused(void **state)
{
    (void)state;
    struct config cfg;
    char err[ERRLEN], path[64], text[256];
    char value[600];
    config_defaults(&cfg);

    memset(value, 'x', sizeof value - 1);
    value[sizeof value - 1] = '\0';
    assert_false(config_set(&cfg, "server.static_dir", value, CONFIG_CLI, err, sizeof err));
    assert_contains(err, "command line: bad value for server.static_dir: 'xxx");
    assert_contains(err, "...' (longer than 511 bytes)");
    assert_string_equal(cfg.static_dir, "");

    /* exactly the field's size minus the NUL fits */
    value[511] = '\0';
    assert_true(config_set(&cfg, "server.static_dir", value, CONFIG_CLI, err, sizeof err));
    assert_int_equal(strlen(cfg.static_dir), 511);

    assert_false(config_set(&cfg, "server.static_dir", "a\nb", CONFIG_CLI, err, sizeof err));
    assert_contains(err, "'a?b' (must not contain control characters)");

    /* a line longer than inih's buffer is an error, not two lines */
    memset(value, 'y', 300);
    value[300] = '\0';
    snprintf(text, sizeof text, "[server]\nstatic_dir = /%.200s\nthreads = 3\n", value);
    assert_false(load_text(&cfg, text, path, err));
    assert_contains(err, ":2: line too long");
    assert_int_equal(cfg.threads, 4);
}

static void
file_errors_missing_syntax_duplicate(void **state)
{
    (void)state;
    struct config cfg;
    char path[64], err[ERRLEN], want[256];
    config_defaults(&cfg);

    assert_false(config_load_file(&cfg, "/tmp/lotse-test-no-such-file.ini", err, sizeof err));
    assert_contains(err, "/tmp/lotse-test-no-such-file.ini");
    assert_contains(err, "No such file");

    assert_false(load_text(&cfg, "[server]\nthreads = 8\njust words\n", path, err));
    snprintf(want, sizeof want, "%s:3: syntax error", path);
    assert_contains(err, want);

    assert_false(load_text(&cfg, "[server\nthreads = 8\n", path, err));
    snprintf(want, sizeof want, "%s:1: syntax error", path);
    assert_contains(err, want);

    /* the first error wins, whatever kind it is */
    assert_false(load_text(&cfg, "[server]\nthreads = 0\nwords\n", path, err));
    snprintf(want, sizeof want, "%s:2: bad value for server.threads", path);
    assert_contains(err, want);
    assert_false(load_text(&cfg, "[server]\nwords\nthreads = 0\n", path, err));
    snprintf(want, sizeof want, "%s:2: syntax error", path);
    assert_contains(err, want);

    assert_false(load_text(&cfg, "[server]\nthreads = 8\n[server]\nthreads = 9\n", path, err));
    snprintf(want, sizeof want, "%s:4: server.threads is set again (first on line 2)", path);
    assert_string_equal(err, want);

    /* inih would treat an indented line as a continuation of the value */
    assert_false(load_text(&cfg, "[server]\nthreads = 8\n  9\n", path, err));
    snprintf(want, sizeof want, "%s:3: indented line continues server.threads from line 2", path);
    assert_contains(err, want);

    assert_int_equal(cfg.threads, 4);
    assert_false(config_load_file(&cfg, "/tmp", err, sizeof err));
    assert_contains(err, "/tmp");
}

static void
listen_forms(void **state)
{
    (void)state;
    static const char *const good[] = {
        "127.0.0.1:8080", "0.0.0.0:0",        "localhost:65535",   "[::1]:443",
        "[::]:8080",      "[2001:db8::1]:80", "255.255.255.255:1",
    };
    static const char *const bad[] = {
        "127.0.0.1",     "127.0.0.1:",    "127.0.0.1:65536",
        "127.0.0.1:-1",  "127.0.0.1:+80", "127.0.0.1:80x",
        "256.0.0.1:80",  "1.2.3:80",      "01.2.3.4:80",
        "[::1]80",       "[::1]",         "[]:80",
        "[nonsense]:80", "::1:80",        "example.org:80",
        "LOCALHOST:80",  ":80",           "",
        "127.0.0.1 :80",
    };
    struct config cfg;
    char err[ERRLEN];
    config_defaults(&cfg);
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (!config_set(&cfg, "server.listen", good[i], CONFIG_CLI, err, sizeof err))
            fail_msg("%s refused: %s", good[i], err);
        assert_string_equal(cfg.listen, good[i]);
    }
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        if (config_set(&cfg, "server.listen", bad[i], CONFIG_CLI, err, sizeof err))
            fail_msg("%s accepted", bad[i]);
    }

    char host[64];
    unsigned port;
    assert_true(config_listen_parse("[::1]:8080", host, sizeof host, &port));
    assert_string_equal(host, "::1");
    assert_int_equal(port, 8080);
    assert_true(config_listen_parse("localhost:0", host, sizeof host, &port));
    assert_string_equal(host, "localhost");
    assert_int_equal(port, 0);
}

static void
db_url_and_bool_forms(void **state)
{
    (void)state;
    static const char *const good_urls[] = {
        "sqlite:var/lotse.db", "sqlite:/var/lib/lotse/lotse.db",        "sqlite::memory:",
        "postgresql://",       "postgresql://lotse:pw@localhost/lotse", "postgres://db/lotse",
    };
    static const char *const bad_urls[] = {
        "sqlite:", "sqlite", "ftp://x", "mysql://u@h/db", "postgresql:/x", "", "SQLITE:x",
    };
    static const struct {
        const char *text;
        bool value;
    } bools[] = {
        { "true", true }, { "false", false }, { "yes", true }, { "no", false },  { "on", true },
        { "off", false }, { "1", true },      { "0", false },  { "TRUE", true }, { "No", false },
    };
    struct config cfg;
    char err[ERRLEN];
    config_defaults(&cfg);
    for (size_t i = 0; i < sizeof good_urls / sizeof good_urls[0]; i++) {
        if (!config_set(&cfg, "store.db_url", good_urls[i], CONFIG_CLI, err, sizeof err))
            fail_msg("%s refused: %s", good_urls[i], err);
    }
    for (size_t i = 0; i < sizeof bad_urls / sizeof bad_urls[0]; i++) {
        if (config_set(&cfg, "store.db_url", bad_urls[i], CONFIG_CLI, err, sizeof err))
            fail_msg("%s accepted", bad_urls[i]);
    }
    for (size_t i = 0; i < sizeof bools / sizeof bools[0]; i++) {
        cfg.tls = !bools[i].value;
        assert_true(config_set(&cfg, "server.tls", bools[i].text, CONFIG_CLI, err, sizeof err));
        assert_int_equal(cfg.tls, bools[i].value);
    }
    assert_false(config_set(&cfg, "server.tls", "", CONFIG_CLI, err, sizeof err));
    assert_false(config_set(&cfg, "server.tls", "y", CONFIG_CLI, err, sizeof err));
}

static void
env_overrides_file(void **state)
{
    (void)state;
    struct config cfg;
    char path[64], err[ERRLEN] = "";
    char *env[] = {
        "PATH=/usr/bin",
        "LOTSE_SERVER_THREADS=12",
        "LOTSE_STORE_DB_URL=sqlite:/tmp/x.db",
        "LOTSE_SESSION_LOGIN_WINDOW_SECONDS=60",
        NULL,
    };
    config_defaults(&cfg);
    assert_true(load_text(&cfg,
                          "[server]\nthreads = 8\nmax_connections = 10\n"
                          "[store]\ndb_url = sqlite:file.db\n",
                          path, err));
    assert_true(config_load_env(&cfg, env, err, sizeof err));
    assert_int_equal(cfg.threads, 12);
    assert_int_equal(cfg.max_connections, 10);
    assert_string_equal(cfg.db_url, "sqlite:/tmp/x.db");
    assert_int_equal(cfg.login_window_seconds, 60);
    assert_true(config_load_env(&cfg, NULL, err, sizeof err));
}

static void
env_errors_name_the_variable(void **state)
{
    (void)state;
    struct config cfg;
    char err[ERRLEN];
    char *unknown[] = { "LOTSE_SERVER_THREADS=12", "LOTSE_SERVER_THREAD=12", NULL };
    char *lower[] = { "LOTSE_server_threads=12", NULL };
    char *section_only[] = { "LOTSE_SERVER=1", NULL };
    char *bad[] = { "LOTSE_SERVER_THREADS=0", NULL };
    char *exempt[] = {
        "LOTSE_CONFIG=/etc/lotse.ini",
        "LOTSE_TEST_SOURCE_ROOT=/src",
        "LOTSE_TEST_DB=sqlite:x",
        "LOTSE_DEMO_SEED=42",
        "LOTSEX=1",
        "lotse_server_threads=7",
        "NOT_LOTSE_X=1",
        NULL,
    };
    config_defaults(&cfg);

    assert_false(config_load_env(&cfg, unknown, err, sizeof err));
    assert_contains(err, "LOTSE_SERVER_THREAD:");
    assert_contains(err, "unknown setting");
    assert_int_equal(cfg.threads, 4); /* all or nothing */

    assert_false(config_load_env(&cfg, lower, err, sizeof err));
    assert_contains(err, "LOTSE_server_threads");
    assert_false(config_load_env(&cfg, section_only, err, sizeof err));
    assert_contains(err, "LOTSE_SERVER:");

    assert_false(config_load_env(&cfg, bad, err, sizeof err));
    assert_string_equal(err, "environment variable LOTSE_SERVER_THREADS: bad value for"
                             " server.threads: '0' (must be 1..64)");

    assert_true(config_load_env(&cfg, exempt, err, sizeof err));
    assert_int_equal(cfg.threads, 4);
}

static void
set_overrides_env(void **state)
{
    (void)state;
    struct config cfg;
    char err[ERRLEN];
    char *env[] = { "LOTSE_LOG_LOG_LEVEL=warn", "LOTSE_UI_DEFAULT_LANGUAGE=en", NULL };
    config_defaults(&cfg);
    assert_true(config_load_env(&cfg, env, err, sizeof err));
    assert_string_equal(cfg.log_level, "warn");
    assert_true(config_set(&cfg, "log.log_level", "error", CONFIG_CLI, err, sizeof err));
    assert_string_equal(cfg.log_level, "error");
    assert_string_equal(cfg.default_language, "en");

    assert_false(config_set(&cfg, "log.nonsense", "1", CONFIG_CLI, err, sizeof err));
    assert_contains(err, "command line: unknown key 'log.nonsense'");
    assert_false(config_set(&cfg, "threads", "1", CONFIG_CLI, err, sizeof err));
    assert_contains(err, "unknown key 'threads'");
    assert_false(config_set(&cfg, "server.threads", "0", CONFIG_ENV, err, sizeof err));
    assert_contains(err, "environment: bad value for server.threads");
    assert_int_equal(cfg.threads, 4);
}

static void
precedence_cli_env_file_default(void **state)
{
    (void)state;
    struct config cfg;
    char path[64], err[ERRLEN];
    /* threads: file, env and CLI; max_connections: file and env;
     * idle_minutes: file only; token_hours: nobody */
    char *env[] = { "LOTSE_SERVER_THREADS=20", "LOTSE_SERVER_MAX_CONNECTIONS=200", NULL };

    config_defaults(&cfg);
    assert_true(load_text(&cfg,
                          "[server]\nthreads = 10\nmax_connections = 100\n"
                          "[session]\nidle_minutes = 10\n",
                          path, err));
    assert_true(config_load_env(&cfg, env, err, sizeof err));
    assert_true(config_set(&cfg, "server.threads", "30", CONFIG_CLI, err, sizeof err));

    assert_int_equal(cfg.threads, 30);
    assert_int_equal(cfg.max_connections, 200);
    assert_int_equal(cfg.idle_minutes, 10);
    assert_int_equal(cfg.token_hours, 24);
}

/* config_print into a string; free() it. */
static char *
print_to_string(const struct config *cfg)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    assert_non_null(f);
    config_print(cfg, f);
    assert_int_equal(fclose(f), 0);
    return text;
}

static void
print_masks_postgresql_password(void **state)
{
    (void)state;
    struct config cfg;
    char err[ERRLEN];
    config_defaults(&cfg);

    assert_true(config_set(&cfg, "store.db_url",
                           "postgresql://lotse:s3cr%40t@db.example:5432/lotse", CONFIG_CLI, err,
                           sizeof err));
    char *text = print_to_string(&cfg);
    assert_contains(text, "\ndb_url = postgresql://lotse:***@db.example:5432/lotse\n");
    assert_lacks(text, "s3cr");
    free(text);

    assert_true(config_set(&cfg, "store.db_url",
                           "postgres://db/lotse?user=lotse&password=hunter2&sslmode=require",
                           CONFIG_CLI, err, sizeof err));
    text = print_to_string(&cfg);
    assert_contains(text, "db_url = postgres://db/lotse?user=lotse&password=***&sslmode=require\n");
    assert_lacks(text, "hunter2");
    free(text);

    /* an unencoded '@' or '/' in the password still stays hidden */
    assert_true(config_set(&cfg, "store.db_url", "postgresql://u:p/a@ss@db/lotse", CONFIG_CLI, err,
                           sizeof err));
    text = print_to_string(&cfg);
    assert_contains(text, "db_url = postgresql://u:***@db/lotse\n");
    free(text);

    /* without a password nothing is masked */
    assert_true(config_set(&cfg, "store.db_url", "postgresql://lotse@db/lotse", CONFIG_CLI, err,
                           sizeof err));
    text = print_to_string(&cfg);
    assert_contains(text, "db_url = postgresql://lotse@db/lotse\n");
    free(text);

    /* error messages mask it too */
    assert_false(config_set(&cfg, "store.db_url", "mysql://root:topsecret@db/x", CONFIG_CLI, err,
                            sizeof err));
    assert_contains(err, "'mysql://root:***@db/x'");
    assert_lacks(err, "topsecret");
}

static void
print_is_ini_with_every_key_and_loads_back(void **state)
{
    (void)state;
    struct config cfg, back;
    char path[64], err[ERRLEN];
    config_defaults(&cfg);
    assert_true(config_set(&cfg, "server.threads", "7", CONFIG_CLI, err, sizeof err));
    assert_true(
        config_set(&cfg, "ui.locale_dir", "/usr/share/locale", CONFIG_CLI, err, sizeof err));
    assert_true(config_set(&cfg, "server.tls", "on", CONFIG_CLI, err, sizeof err));

    char *text = print_to_string(&cfg);
    assert_true(strncmp(text, "[server]\nlisten = 127.0.0.1:8080\nthreads = 7\n", 44) == 0);
    assert_contains(text, "\n\n[store]\n");
    assert_contains(text, "\ntls = true\n");
    assert_contains(text, "\nstatic_dir = \n");
    for (size_t i = 0; i < config_key_count(); i++) {
        const char *key = strchr(config_key_name(i), '.') + 1;
        char line[128];
        snprintf(line, sizeof line, "\n%s = ", key);
        assert_contains(text, line);
    }

    memset(&back, 0, sizeof back);
    bool ok = load_text(&back, text, path, err);
    free(text);
    assert_true(ok);
    assert_config_equal(&back, &cfg);
}

/* --- etc/lotse.ini ---------------------------------------------------- */

static char *
read_whole_file(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        fail_msg("cannot open %s", path);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, mem);
    fclose(f);
    assert_int_equal(fclose(mem), 0);
    return text;
}

static void
sample_path(char *path, size_t len)
{
    const char *root = getenv("LOTSE_TEST_SOURCE_ROOT");
    if (!root || !*root)
        fail_msg("LOTSE_TEST_SOURCE_ROOT is not set (the repository root)");
    snprintf(path, len, "%s/etc/lotse.ini", root);
}

static void
sample_file_loads_to_exactly_the_defaults(void **state)
{
    (void)state;
    char path[4096], err[ERRLEN] = "";
    struct config cfg, defaults;
    sample_path(path, sizeof path);

    memset(&cfg, 0, sizeof cfg);
    if (!config_load_file(&cfg, path, err, sizeof err))
        fail_msg("%s", err);
    config_defaults(&defaults);
    assert_config_equal(&cfg, &defaults);
}

static void
sample_file_documents_every_key(void **state)
{
    (void)state;
    char path[4096];
    sample_path(path, sizeof path);
    char *text = read_whole_file(path);
    size_t n = config_key_count();
    bool *found = calloc(n, sizeof *found);
    assert_non_null(found);

    /* collect "section.key" for every "key =" line, in its [section] */
    char section[64] = "";
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
        if (line[0] == '[') {
            char *end = strchr(line, ']');
            assert_non_null(end);
            snprintf(section, sizeof section, "%.*s", (int)(end - line - 1), line + 1);
            continue;
        }
        char *eq = strstr(line, " =");
        if (line[0] == ';' || line[0] == '#' || !eq)
            continue;
        char dotted[128];
        snprintf(dotted, sizeof dotted, "%s.%.*s", section, (int)(eq - line), line);
        for (size_t i = 0; i < n; i++) {
            if (strcmp(dotted, config_key_name(i)) == 0)
                found[i] = true;
        }
    }
    free(text);

    /* and the environment variable of every key is named */
    text = read_whole_file(path);
    for (size_t i = 0; i < n; i++) {
        const char *name = config_key_name(i);
        if (!found[i])
            fail_msg("etc/lotse.ini has no line \"%s =\"", name);
        char var[128] = "LOTSE_";
        size_t v = strlen(var);
        for (const char *p = name; *p && v + 1 < sizeof var; p++)
            var[v++] = *p == '.' ? '_' : (char)toupper((unsigned char)*p);
        var[v] = '\0';
        char needle[160];
        snprintf(needle, sizeof needle, "Environment: %s\n", var);
        assert_contains(text, needle);
    }
    free(text);
    free(found);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_are_the_documented_values),
        cmocka_unit_test(key_table_names_are_dotted_and_unique),
        cmocka_unit_test(file_overrides_several_keys),
        cmocka_unit_test(unknown_key_names_file_and_line),
        cmocka_unit_test(bad_values_name_key_value_and_line),
        cmocka_unit_test(too_long_string_is_refused),
        cmocka_unit_test(file_errors_missing_syntax_duplicate),
        cmocka_unit_test(listen_forms),
        cmocka_unit_test(db_url_and_bool_forms),
        cmocka_unit_test(env_overrides_file),
        cmocka_unit_test(env_errors_name_the_variable),
        cmocka_unit_test(set_overrides_env),
        cmocka_unit_test(precedence_cli_env_file_default),
        cmocka_unit_test(print_masks_postgresql_password),
        cmocka_unit_test(print_is_ini_with_every_key_and_loads_back),
        cmocka_unit_test(sample_file_loads_to_exactly_the_defaults),
        cmocka_unit_test(sample_file_documents_every_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
