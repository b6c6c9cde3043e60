/*
 * cmd/serve.c — `lotse serve`: configuration (command line > environment >
 * file > defaults), a schema check, then the HTTP server until SIGTERM.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "http/server.h"
#include "routes.h"
#include "store/store.h"
#include "util/config.h"
#include "util/log.h"

extern char **environ;

int
cmd_serve(int argc, char **argv)
{
    static const char usage[] = "usage: lotse serve [--config FILE] [--db URL] [--listen "
                                "HOST:PORT] [--set SECTION.KEY=VALUE]…"
                                " [--print-config]\n";
    struct config cfg;
    config_defaults(&cfg);
    const char *config_file = getenv("LOTSE_CONFIG");
    const char *db = NULL, *listen = NULL;
    bool print = false;
    char *sets[64];
    int n_sets = 0;
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' }, { "db", required_argument, NULL, 'd' },
        { "listen", required_argument, NULL, 'l' }, { "set", required_argument, NULL, 's' },
        { "print-config", no_argument, NULL, 'p' }, { NULL, 0, NULL, 0 }
    };
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config_file = optarg; break;
        case 'd': db = optarg; break;
        case 'l': listen = optarg; break;
        case 'p': print = true; break;
        case 's':
            if (n_sets == 64) {
                fputs("lotse: too many --set options\n", stderr);
                return 2;
            }
            sets[n_sets++] = optarg;
            break;
        default: fputs(usage, stderr); return 2;
        }
    }
    if (optind != argc) {
        fputs(usage, stderr);
        return 2;
    }
    char err[512] = "";
    if (config_file && !config_load_file(&cfg, config_file, err, sizeof err)) {
        fprintf(stderr, "lotse: %s\n", err);
        return 2;
    }
    if (!config_load_env(&cfg, environ, err, sizeof err)) {
        fprintf(stderr, "lotse: %s\n", err);
        return 2;
    }
    for (int i = 0; i < n_sets; i++) {
        char key[128];
        const char *eq = strchr(sets[i], '=');
        if (!eq || (size_t)(eq - sets[i]) >= sizeof key) {
            fprintf(stderr, "lotse: --set needs SECTION.KEY=VALUE, got '%s'\n", sets[i]);
            return 2;
        }
        memcpy(key, sets[i], (size_t)(eq - sets[i]));
        key[eq - sets[i]] = '\0';
        if (!config_set(&cfg, key, eq + 1, CONFIG_CLI, err, sizeof err)) {
            fprintf(stderr, "lotse: %s\n", err);
            return 2;
        }
    }
    if ((db && !config_set(&cfg, "store.db_url", db, CONFIG_CLI, err, sizeof err)) ||
        (listen && !config_set(&cfg, "server.listen", listen, CONFIG_CLI, err, sizeof err))) {
        fprintf(stderr, "lotse: %s\n", err);
        return 2;
    }
    if (print) {
        config_print(&cfg, stdout);
        return 0;
    }
    log_set_level(cfg.log_level);
    db_set_busy_timeout(cfg.busy_timeout_ms);

    /* the schema must be current: the server never changes it itself */
    struct db *check = cmd_open_db(cfg.db_url, false);
    if (!check)
        return 1;
    int pending = 0;
    enum db_status st = db_migrations_pending(check, &pending);
    db_close(check);
    if (st < 0 || pending > 0) {
        fprintf(stderr,
                "lotse: the store %s needs %d migration%s first; run: lotse migrate --db %s\n",
                cfg.db_url, pending, pending == 1 ? "" : "s", cfg.db_url);
        return 1;
    }
    struct server_setup setup = {
        .cfg = &cfg, .routes = lotse_routes, .n_routes = lotse_n_routes, .announce = true
    };
    return server_run(&setup);
}
