/*
 * tests/unit/core/fixture.h — a fresh migrated SQLite store in a temporary
 * directory, with one Jobcenter, a team and a few users, for the unit tests
 * of core services that need a store.
 */
#ifndef LOTSE_TEST_FIXTURE_H
#define LOTSE_TEST_FIXTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cases.h"
#include "core/clients.h"
#include "core/core.h"
#include "store/queries.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/crypto.h"

struct fixture {
    char dir[64];
    char url[128];
    char path[96];
    struct db *db;
    struct arena arena;
    struct actor cm1, cm2, lead, po, dpo;
};

static inline void
fixture_user(struct fixture *f, struct actor *a, const char *id, const char *name, unsigned roles,
             int fte_milli, const char *team)
{
    snprintf(a->id, sizeof a->id, "%s", id);
    snprintf(a->jobcenter_id, sizeof a->jobcenter_id, "jc_a");
    snprintf(a->team_id, sizeof a->team_id, "%s", team ? team : "");
    snprintf(a->username, sizeof a->username, "%s", name);
    snprintf(a->display_name, sizeof a->display_name, "%s", name);
    a->roles = roles;
    a->fte_milli = fte_milli;
    struct user_row u = { .id = (char *)id,
                          .jobcenter_id = "jc_a",
                          .team_id = (char *)team,
                          .username = (char *)name,
                          .display_name = (char *)name,
                          .password_hash = "x",
                          .roles = roles,
                          .fte_milli = fte_milli,
                          .created_at = 1 };
    if (db_user_insert(f->db, &u) < 0)
        abort();
}

static inline struct fixture *
fixture_new(void)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/lotse-unit-XXXXXX");
    if (!mkdtemp(f->dir))
        abort();
    snprintf(f->path, sizeof f->path, "%s/t.db", f->dir);
    snprintf(f->url, sizeof f->url, "sqlite:%s", f->path);
    char err[256];
    f->db = db_open(f->url, err, sizeof err);
    int applied = 0;
    if (!f->db || core_migrate(f->db, &applied, err, sizeof err) < 0) {
        fprintf(stderr, "fixture: %s\n", err);
        abort();
    }
    db_set_arena(f->db, &f->arena);
    if (db_jobcenter_insert(f->db, "jc_a", "Jobcenter A", 1) < 0 ||
        db_jobcenter_insert(f->db, "jc_b", "Jobcenter B", 1) < 0 ||
        db_team_insert(f->db, "tm_1", "jc_a", "Team 1", 1) < 0 ||
        db_team_insert(f->db, "tm_2", "jc_a", "Team 2", 1) < 0)
        abort();
    fixture_user(f, &f->cm1, "us_cm1", "cm1", ROLE_CASE_MANAGER, 1000, "tm_1");
    fixture_user(f, &f->cm2, "us_cm2", "cm2", ROLE_CASE_MANAGER, 500, "tm_1");
    fixture_user(f, &f->lead, "us_lead", "lead", ROLE_TEAM_LEAD, 1000, "tm_1");
    fixture_user(f, &f->po, "us_po", "po", ROLE_PLACEMENT_OFFICER, 1000, "tm_2");
    fixture_user(f, &f->dpo, "us_dpo", "dpo", ROLE_DPO, 1000, NULL);
    return f;
}

static inline void
fixture_free(struct fixture *f)
{
    char p[128];
    db_close(f->db);
    arena_free(&f->arena);
    unlink(f->path);
    snprintf(p, sizeof p, "%s-wal", f->path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", f->path);
    unlink(p);
    static const char *const audit_files[] = { "-audit", "-audit-wal", "-audit-shm" };
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", f->path, audit_files[i]);
        unlink(p);
    }
    rmdir(f->dir);
    free(f);
}

/* cmocka set-up and tear-down: a fresh fixture per test. */
static inline int
fixture_setup(void **state)
{
    *state = fixture_new();
    return 0;
}

static inline int
fixture_teardown(void **state)
{
    fixture_free(*state);
    return 0;
}

/* A context for ACTOR on the fixture's connection, as inside a write job. */
static inline struct core_ctx
fixture_ctx(struct fixture *f, const struct actor *actor)
{
    struct core_ctx c = { .db = f->db,
                          .arena = &f->arena,
                          .actor = actor,
                          .request_id = "req-test",
                          .in_write = true,
                          .caseload_per_fte = 75,
                          .now_us = db_now_us() };
    return c;
}

/* A new client registered by CTX's actor (a customer number of its own); its
 * id (in the fixture's arena). */
static inline const char *
fixture_client(struct fixture *f, struct core_ctx *ctx)
{
    static int seq;
    char number[16];
    snprintf(number, sizeof number, "123A%06d", ++seq);
    struct client_input in = { .customer_number = number,
                               .first_name = "Erika",
                               .last_name = "Mustermann",
                               .birth_date = { 1980, 5, 5 },
                               .street = "Weg 1",
                               .postcode = "12345",
                               .city = "Stadt" };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (clients_create(ctx, &in, &view, &pb) != CORE_OK)
        abort();
    const char *id = arena_strdup(&f->arena, json_string_value(json_object_get(view, "id")));
    json_decref(view);
    return id;
}

/* An active case of CTX's actor (a case manager) for a new client, referred
 * on REFERRAL and started on CONSENT; its id (in the fixture's arena). */
static inline const char *
fixture_active_case(struct fixture *f, struct core_ctx *ctx, struct date referral,
                    struct date consent)
{
    struct case_input in = { .client_id = fixture_client(f, ctx),
                             .referral_source = "self",
                             .referral_date = referral,
                             .referral_reason = "Gründe",
                             .consent_date = consent };
    struct problem pb = PROBLEM_INIT;
    json_t *view = NULL;
    if (cases_create(ctx, &in, &view, &pb) != CORE_OK)
        abort();
    const char *id = arena_strdup(&f->arena, json_string_value(json_object_get(view, "id")));
    json_decref(view);
    return id;
}

#endif
