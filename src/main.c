/* main.c — lotse's subcommands; each lives in cmd/. */
#include <stdio.h>
#include <string.h>

#include "cmd/cmd.h"
#include "lotse_config.h"
#include "util/crypto.h"
#include "util/date.h"
#include "util/jsonmem.h"

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
} commands[] = {
    { "serve", cmd_serve,
      "serve [--config FILE] [--db URL] [--listen HOST:PORT] [--print-config]" },
    { "migrate", cmd_migrate, "migrate --db URL" },
    { "demo", cmd_demo, "demo --db URL [--clients N] [--seed S] [--password PW]" },
    { "user", cmd_user,
      "user add --db URL --username U --role R [--team T] [--fte F] "
      "[--display-name NAME]  (password on standard input)" },
    { "audit", cmd_audit, "audit verify --db URL" },
    { "backup", cmd_backup, "backup --db URL FILE" },
    { "restore", cmd_restore, "restore --db postgresql://... FILE  (into an empty database)" },
    { "worklist", cmd_worklist, "worklist check|repair --db URL" },
    { "import", cmd_import,
      "import --db URL [--dry-run] [--jobcenter ID|NAME] [--config FILE] FILE.csv" },
};

static int
usage(FILE *out)
{
    fprintf(out, "lotse %s — case management for bFM in Jobcenters\nusage:\n", LOTSE_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  lotse %s\n", commands[i].usage);
    return out == stdout ? 0 : 2;
}

int
main(int argc, char **argv)
{
    if (argc < 2)
        return usage(stderr);
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)
        return usage(stdout);
    if (strcmp(argv[1], "--version") == 0) {
        printf("lotse %s\n", LOTSE_VERSION);
        return 0;
    }
    if (!crypto_init()) {
        fprintf(stderr, "lotse: libsodium could not be initialised\n");
        return 1;
    }
    date_init();
    jsonmem_init(); /* before any json_t */
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "lotse: unknown command '%s'\n", argv[1]);
    return usage(stderr);
}
