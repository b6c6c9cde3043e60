/*
 * core/jobs.c — the periodic jobs and their lock; see jobs.h.
 * Why a lock rather than a chosen server: servers come and go (a restart, a
 * crash, a scaled-down deployment), and the one that holds the lock is
 * always one that is running. With PostgreSQL the lock is a session-level
 * advisory lock, which the server drops with the holder's connection; with
 * SQLite a file lock beside the store, which the kernel drops with the
 * holder's process (store/store.h).
 */
#include "core/jobs.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>

#include "core/audit.h"
#include "core/auth.h"
#include "util/arena.h"
#include "util/log.h"

struct jobs {
    struct db *db; /* for the lock only */
    struct writer *writer;
    unsigned interval_s;
    pthread_t thread;
    bool running; /* the thread has not been joined yet */
    pthread_mutex_t mu;
    pthread_cond_t wake;
    bool stopping;
    struct jobs_stats stats;
};

enum core_result
jobs_run_once(struct db *db, int64_t now_us, struct auth_expired *out)
{
    if (auth_delete_expired(db, now_us, out) != CORE_OK)
        return CORE_ERROR;
    if (out->sessions + out->tokens + out->brake_rows == 0)
        return CORE_OK; /* nothing changed: nothing to audit */
    struct arena arena = ARENA_INIT;
    struct core_ctx ctx = { .db = db, .arena = &arena, .in_write = true, .now_us = now_us };
    const struct audit_entry e = {
        "jobs.cleanup",
        "store",
        NULL,
        NULL,
        NULL,
        PURPOSE_SYSTEM,
        arena_printf(&arena,
                     "expired, deleted: %lld sessions, %lld API tokens, %lld sign-in brake "
                     "counters",
                     (long long)out->sessions, (long long)out->tokens, (long long)out->brake_rows),
    };
    enum core_result r = audit_record(&ctx, &e);
    arena_free(&arena);
    return r;
}

struct run {
    struct auth_expired counts;
    enum core_result result;
};

/* On the writer. */
static enum job_result
run_job(struct db *db, void *arg)
{
    struct run *r = arg;
    r->result = jobs_run_once(db, db_now_us(), &r->counts);
    return r->result == CORE_OK ? JOB_KEEP : JOB_FAILED;
}

static void
run(struct jobs *j)
{
    struct run r = { .result = CORE_ERROR };
    bool committed = false;
    enum job_result jr = writer_run_sync(j->writer, run_job, &r, &committed);
    bool ok = jr == JOB_KEEP && committed;
    pthread_mutex_lock(&j->mu);
    j->stats.runs++;
    if (ok) {
        j->stats.sessions_deleted += (unsigned long long)r.counts.sessions;
        j->stats.tokens_deleted += (unsigned long long)r.counts.tokens;
        j->stats.brake_rows_deleted += (unsigned long long)r.counts.brake_rows;
    } else {
        j->stats.failed_runs++;
    }
    pthread_mutex_unlock(&j->mu);
    if (!ok)
        log_warn("jobs: a run failed; the next one tries again");
}

static void *
jobs_main(void *arg)
{
    struct jobs *j = arg;
    prctl(PR_SET_NAME, "lotse-jobs", 0, 0, 0);
    bool was_held = false;
    pthread_mutex_lock(&j->mu);
    while (!j->stopping) {
        pthread_mutex_unlock(&j->mu);
        bool held = false;
        if (db_job_lock_try(j->db, &held) < 0)
            held = false; /* the store is not reachable: try again next time */
        if (held != was_held)
            log_info("jobs: this server %s the job lock", held ? "holds" : "no longer holds");
        was_held = held;
        pthread_mutex_lock(&j->mu);
        j->stats.lock_held = held;
        pthread_mutex_unlock(&j->mu);
        if (held)
            run(j);
        struct timespec until;
        clock_gettime(CLOCK_MONOTONIC, &until);
        until.tv_sec += j->interval_s;
        pthread_mutex_lock(&j->mu);
        while (!j->stopping && pthread_cond_timedwait(&j->wake, &j->mu, &until) != ETIMEDOUT)
            ;
    }
    j->stats.lock_held = false;
    pthread_mutex_unlock(&j->mu);
    db_job_lock_release(j->db);
    return NULL;
}

struct jobs *
jobs_start(const char *url, struct writer *w, unsigned interval_s, char *err, size_t errlen)
{
    struct db *db = db_open(url, err, errlen);
    if (!db)
        return NULL;
    struct jobs *j = calloc(1, sizeof *j);
    if (!j)
        abort();
    j->db = db;
    j->writer = w;
    j->interval_s = interval_s ? interval_s : 1;
    pthread_mutex_init(&j->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&j->wake, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&j->thread, NULL, jobs_main, j) != 0) {
        snprintf(err, errlen, "cannot start the jobs thread");
        pthread_mutex_destroy(&j->mu);
        pthread_cond_destroy(&j->wake);
        db_close(db);
        free(j);
        return NULL;
    }
    j->running = true;
    return j;
}

void
jobs_stop(struct jobs *j)
{
    if (!j)
        return;
    pthread_mutex_lock(&j->mu);
    j->stopping = true;
    pthread_cond_broadcast(&j->wake);
    pthread_mutex_unlock(&j->mu);
    if (j->running) {
        pthread_join(j->thread, NULL);
        j->running = false;
    }
    db_close(j->db);
    j->db = NULL;
}

void
jobs_free(struct jobs *j)
{
    if (!j)
        return;
    jobs_stop(j);
    pthread_mutex_destroy(&j->mu);
    pthread_cond_destroy(&j->wake);
    free(j);
}

void
jobs_get_stats(struct jobs *j, struct jobs_stats *out)
{
    pthread_mutex_lock(&j->mu);
    *out = j->stats;
    pthread_mutex_unlock(&j->mu);
}
