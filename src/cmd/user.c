/*
 * cmd/user.c — `lotse user add`: add a member of staff from the command
 * line (the first admin of an installation, typically). The password is read
 * from standard input so that it never appears in a process list.
 */
#include <getopt.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/cmd.h"
#include "core/audit.h"
#include "core/input.h"
#include "store/queries.h"
#include "core/writer.h"
#include "util/crypto.h"

struct add {
    const char *username, *display_name, *team_key, *jobcenter_key;
    bool created_jobcenter;
    unsigned roles;
    int fte_milli;
    char hash[CRYPTO_PWHASH_STR];
    struct arena arena;
    struct team_row team;
    char team_id[ID_MAX], jobcenter_id[ID_MAX];
    int n_teams, n_jcs;
    char *jc;
    char user_id[ID_MAX];
    const char *error;
};

static bool
team_row(void *user)
{
    struct add *a = user;
    a->n_teams++;
    snprintf(a->team_id, sizeof a->team_id, "%s", a->team.id);
    snprintf(a->jobcenter_id, sizeof a->jobcenter_id, "%s", a->team.jobcenter_id);
    return true;
}

static bool
jc_row(void *user)
{
    struct add *a = user;
    if (a->n_jcs++ == 0)
        snprintf(a->jobcenter_id, sizeof a->jobcenter_id, "%s", a->jc);
    return true;
}

static enum job_result
add_run(struct db *db, void *arg)
{
    struct add *a = arg;
    db_set_arena(db, &a->arena);
    if (a->team_key) {
        if (db_team_find(db, a->team_key, &a->team, team_row, a) < 0)
            return JOB_FAILED;
        if (a->n_teams != 1) {
            a->error = a->n_teams ? "the team name is ambiguous; give the team id" : "no such team";
            return JOB_REFUSED;
        }
    } else if (a->jobcenter_key) {
        /* the Jobcenter by id or name; a new name creates it (the first admin of an
           installation comes this way) */
        char *found = NULL;
        enum db_status jst = db_jobcenter_find(db, a->jobcenter_key, &found);
        if (jst < 0)
            return JOB_FAILED;
        if (jst == DB_ONE_ROW) {
            snprintf(a->jobcenter_id, sizeof a->jobcenter_id, "%s", found);
        } else {
            if (strlen(a->jobcenter_key) > 120) {
                a->error = "the Jobcenter's name is longer than 120 characters";
                return JOB_REFUSED;
            }
            id_new("jc", a->jobcenter_id);
            if (db_jobcenter_insert(db, a->jobcenter_id, a->jobcenter_key, db_now_us()) < 0)
                return JOB_FAILED;
            a->created_jobcenter = true;
        }
    } else {
        if (db_jobcenters(db, &a->jc, jc_row, a) < 0)
            return JOB_FAILED;
        if (a->n_jcs != 1) {
            a->error = a->n_jcs ? "several Jobcenters exist; name a --team or --jobcenter"
                                : "no Jobcenter exists yet: name one with --jobcenter NAME";
            return JOB_REFUSED;
        }
    }
    struct user_row existing;
    enum db_status st = db_user_by_username(db, a->username, &existing);
    if (st < 0)
        return JOB_FAILED;
    if (st == DB_ONE_ROW) {
        a->error = "the user name is taken";
        return JOB_REFUSED;
    }
    id_new("us", a->user_id);
    struct user_row u = { .id = a->user_id,
                          .jobcenter_id = a->jobcenter_id,
                          .team_id = a->team_key ? a->team_id : NULL,
                          .username = (char *)a->username,
                          .display_name = (char *)a->display_name,
                          .password_hash = a->hash,
                          .roles = a->roles,
                          .fte_milli = a->fte_milli,
                          .created_at = db_now_us() };
    if (db_user_insert(db, &u) < 0)
        return JOB_FAILED;
    /* command-line actions are recorded as the actor "system" of the Jobcenter */
    struct actor system = { .id = "system" };
    snprintf(system.jobcenter_id, sizeof system.jobcenter_id, "%s", a->jobcenter_id);
    struct core_ctx ctx = {
        .db = db, .arena = &a->arena, .actor = &system, .in_write = true, .now_us = db_now_us()
    };
    if (a->created_jobcenter) {
        const struct audit_entry j = {
            "jobcenter.create", "jobcenter",     a->jobcenter_id, NULL, NULL,
            PURPOSE_SYSTEM,     "lotse user add"
        };
        if (audit_record(&ctx, &j) != CORE_OK)
            return JOB_FAILED;
    }
    const struct audit_entry e = { "user.create", "user",         a->user_id,      NULL,
                                   NULL,          PURPOSE_SYSTEM, "lotse user add" };
    return audit_record(&ctx, &e) == CORE_OK ? JOB_KEEP : JOB_FAILED;
}

int
cmd_user(int argc, char **argv)
{
    static const char usage[] = "usage: lotse user add --db URL --username U --role R[,R…] "
                                "[--team T | --jobcenter J] [--fte F] [--display-name NAME]\n"
                                "       (the password is read from standard input)\n";
    if (argc < 2 || strcmp(argv[1], "add") != 0) {
        fputs(usage, stderr);
        return 2;
    }
    struct add a = { .fte_milli = 1000 };
    const char *url = "sqlite:var/lotse.db";
    static const struct option opts[] = { { "db", required_argument, NULL, 'd' },
                                          { "username", required_argument, NULL, 'u' },
                                          { "role", required_argument, NULL, 'r' },
                                          { "team", required_argument, NULL, 't' },
                                          { "jobcenter", required_argument, NULL, 'j' },
                                          { "fte", required_argument, NULL, 'f' },
                                          { "display-name", required_argument, NULL, 'n' },
                                          { NULL, 0, NULL, 0 } };
    int c;
    optind = 1;
    while ((c = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': url = optarg; break;
        case 'u': a.username = optarg; break;
        case 't': a.team_key = optarg; break;
        case 'j': a.jobcenter_key = optarg; break;
        case 'n': a.display_name = optarg; break;
        case 'f': {
            char *end;
            double f = strtod(optarg, &end);
            if (*end || !(f > 0 && f <= 1)) {
                fprintf(stderr, "lotse: --fte must be a number above 0 and at most 1\n");
                return 2;
            }
            a.fte_milli = (int)lround(f * 1000);
            break;
        }
        case 'r': {
            char *list = strdup(optarg), *save = NULL;
            for (char *r = strtok_r(list, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
                unsigned bit = role_from_name(r);
                if (!bit) {
                    fprintf(stderr,
                            "lotse: unknown role '%s' (case_manager, team_lead, "
                            "placement_officer, dpo, admin, analyst)\n",
                            r);
                    free(list);
                    return 2;
                }
                a.roles |= bit;
            }
            free(list);
            break;
        }
        default: fputs(usage, stderr); return 2;
        }
    }
    const char *bad = !a.username                  ? "--username is required"
                      : check_username(a.username) ? check_username(a.username)
                      : !a.roles                   ? "--role is required"
                                                   : NULL;
    if (bad) {
        fprintf(stderr, "lotse: %s\n", bad);
        return 2;
    }
    if (!a.display_name)
        a.display_name = a.username;
    char pw[512];
    if (!fgets(pw, sizeof pw, stdin)) {
        fprintf(stderr, "lotse: no password on standard input\n");
        return 2;
    }
    pw[strcspn(pw, "\r\n")] = '\0';
    const char *weak = check_password(pw);
    if (weak) {
        fprintf(stderr, "lotse: the password %s\n", weak);
        sodium_memzero(pw, sizeof pw);
        return 2;
    }
    bool hashed = password_hash(pw, a.hash);
    sodium_memzero(pw, sizeof pw);
    if (!hashed) {
        fprintf(stderr, "lotse: hashing the password failed (out of memory?)\n");
        return 1;
    }
    struct db *db = cmd_open_db(url, true);
    if (!db)
        return 1;
    bool committed = false;
    enum job_result r = writer_run_inline(db, add_run, &a, &committed);
    db_close(db);
    arena_free(&a.arena);
    if (r != JOB_KEEP || !committed) {
        fprintf(stderr, "lotse: user not added: %s\n", a.error ? a.error : "store error");
        return 1;
    }
    printf("user %s added (id %s)\n", a.username, a.user_id);
    return 0;
}
