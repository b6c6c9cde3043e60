/* cmd/cmd.h — the subcommands of the lotse binary, one file each. Each
 * takes the arguments after its name and returns the process exit code. */
#ifndef LOTSE_CMD_CMD_H
#define LOTSE_CMD_CMD_H

#include <stdbool.h>

int cmd_serve(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_audit(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);
int cmd_worklist(int argc, char **argv);
int cmd_import(int argc, char **argv);

/* Shared: open URL and check that the schema is current. On failure prints
 * why and returns NULL. */
struct db;
struct db *cmd_open_db(const char *url, bool migrate);

#endif
