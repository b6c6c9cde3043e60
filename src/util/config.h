/*
 * util/config.h — lotse's settings: one declarative table (config.c) with
 * name, type, default and validator. Precedence: command line, then
 * environment (LOTSE_<SECTION>_<KEY>, upper case), then the INI file, then
 * defaults. An unknown key or a bad value is an error that names the source
 * (file and line, variable or option); start-up stops on it.
 */
#ifndef LOTSE_UTIL_CONFIG_H
#define LOTSE_UTIL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct config {
    /* [server] */
    char listen[128];            /* HOST:PORT, port 0 = ephemeral */
    unsigned threads;            /* MHD pool threads, 1..64 */
    unsigned max_connections;    /* 1..100000 */
    unsigned connection_timeout; /* seconds of idleness before a connection is closed, 1..3600 */
    unsigned request_timeout;    /* seconds a request may take to arrive in full, 1..3600 */
    unsigned max_header_bytes;   /* MHD memory per connection for headers, 4096..1048576 */
    unsigned max_body_bytes;     /* 1024..16777216; the API contract says 1 MiB */
    bool tls;                    /* sessions cookies get Secure (TLS terminated in front) */
    char static_dir[512];        /* "" = serve embedded assets */
    char trusted_proxies[512];   /* util/netaddr.h: whose X-Forwarded-For is believed */
    /* [store] */
    char db_url[1024];        /* sqlite:PATH or postgresql://... */
    unsigned busy_timeout_ms; /* 0..60000 */
    unsigned audit_batch_max; /* entries per group commit, 1..10000 */
    unsigned audit_linger_us; /* how long the writer waits to fill a batch, 0..100000 */
    /* [session] */
    unsigned idle_minutes;         /* browser session idle timeout, 1..1440 */
    unsigned absolute_hours;       /* browser session absolute timeout, 1..168 */
    unsigned token_hours;          /* API token lifetime, 1..8760 */
    unsigned login_max_failures;   /* failures per user or address before 429, 1..1000 */
    unsigned login_window_seconds; /* window for counting failures and lockout, 1..86400 */
    unsigned hash_concurrency;     /* argon2id hashes at once, 1..16 */
    /* [jobs] */
    unsigned interval_seconds; /* between runs of the periodic jobs, 1..86400 */
    /* [cases] */
    unsigned caseload_per_fte; /* open cases per full-time case manager, 1..1000 */
    /* [ui] */
    char default_language[8]; /* de or en */
    char locale_dir[512];     /* where lotse.mo files are; "" = built-in default */
    /* [log] */
    char log_level[8]; /* error, warn, info, debug */
    bool access_log;   /* one line per request on stderr */
};

enum config_source { CONFIG_FILE, CONFIG_ENV, CONFIG_CLI };

/* Fill CFG with the defaults of the table. */
void config_defaults(struct config *cfg);

/* Read the INI file PATH into CFG. On error returns false and writes a
 * message that names PATH and the line into ERR (ERRLEN bytes). Loading is
 * all or nothing: on error CFG is unchanged. Setting a key twice is an error;
 * a line may be at most about 200 bytes (inih's buffer); longer values can
 * come from the environment. Setting values (all sources): unsigned numbers
 * are plain decimal digits; bools are true/false, yes/no, on/off, 1/0 in any
 * case; strings must fit their field and hold no control characters. */
bool config_load_file(struct config *cfg, const char *path, char *err, size_t errlen);

/* Apply LOTSE_<SECTION>_<KEY> variables from ENVP (NULL-terminated, like
 * environ). Unknown LOTSE_* variables are errors, except LOTSE_CONFIG and
 * LOTSE_TEST_* (and LOTSE_DEMO_*). On error returns false with ERR naming the
 * variable. The key part keeps its underscores: LOTSE_STORE_DB_URL. */
bool config_load_env(struct config *cfg, char *const *envp, char *err, size_t errlen);

/* Set one key "section.key" to VALUE as if from SOURCE (which only names the
 * source in the message). Precedence comes from the order of calls:
 * defaults, file, environment, then command line. On error CFG is unchanged. */
bool config_set(struct config *cfg, const char *dotted_key, const char *value,
                enum config_source source, char *err, size_t errlen);

/* Print every effective value as INI to OUT, secrets masked (the password of
 * a postgresql:// store.db_url shows as ***). */
void config_print(const struct config *cfg, FILE *out);

/* Split a valid server.listen value into HOST (IPv6 without brackets; HOSTLEN
 * bytes) and PORT. HOST and PORT may be NULL. False when LISTEN is not
 * HOST:PORT with HOST an IPv4 address, localhost or [IPv6], PORT 0..65535. */
bool config_listen_parse(const char *listen, char *host, size_t hostlen, unsigned *port);

/* Number of keys in the table, and the dotted name of key I (for tests). */
size_t config_key_count(void);
const char *config_key_name(size_t i);

#endif
