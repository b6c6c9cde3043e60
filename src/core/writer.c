/*
 * core/writer.c — the group-committing writer thread; see writer.h.
 * Why one thread: SQLite allows one writer at a time anyway, and a batch of
 * a few hundred small inserts costs about as much as one, so collecting the
 * writes of many requests into one transaction is what keeps audited reads
 * fast. While a batch commits, the next one gathers in the queue.
 */
#include "core/writer.h"

#include <pthread.h>
#include <sys/prctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "core/audit.h"
#include "util/log.h"

enum { QUEUE_LIMIT = 8192 };

struct writer {
    struct db *db;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t has_work;
    pthread_cond_t has_room;
    struct write_job *head, *tail;
    size_t queued;
    size_t batch_max;
    unsigned linger_us;
    bool stopping;
    bool closed; /* the thread has ended: new jobs fail at once */
    struct writer_stats stats;
    /* the checkpointer: copies the write-ahead logs back into the files on a
       connection of its own, so that commits of the writer seldom stop for it (and
       with them every request waiting for its audit entry) */
    struct db *ckpt_db;
    pthread_t ckpt_thread;
    bool ckpt_running;
};

/* How often the checkpointer looks: a batch of writes a few dozen times a second keeps
   the logs short without costing anything noticeable. */
enum { CHECKPOINT_EVERY_MS = 50 };

static void *
checkpointer_main(void *arg)
{
    struct writer *w = arg;
    prctl(PR_SET_NAME, "lotse-ckpt", 0, 0, 0);
    unsigned long long seen = 0;
    long long last_ms = 0;
    pthread_mutex_lock(&w->mu);
    while (!w->stopping) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += CHECKPOINT_EVERY_MS * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&w->has_room, &w->mu, &until);
        unsigned long long batches = w->stats.batches;
        struct timespec now;
        clock_gettime(CLOCK_MONOTONIC, &now);
        long long now_ms = (long long)now.tv_sec * 1000 + now.tv_nsec / 1000000;
        /* woken by every batch (has_room), but at most one checkpoint per period */
        if (w->stopping || batches == seen || now_ms - last_ms < CHECKPOINT_EVERY_MS)
            continue;
        seen = batches;
        last_ms = now_ms;
        pthread_mutex_unlock(&w->mu);
        bool ok = db_checkpoint(w->ckpt_db) >= 0;
        if (!ok)
            log_msg(LOG_WARN, "checkpoint of the write-ahead log failed; will try again");
        pthread_mutex_lock(&w->mu);
        if (ok)
            w->stats.checkpoints++;
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

static void
run_batch(struct writer *w, struct write_job *batch)
{
    enum db_status st = DB_RETRY;
    /* each attempt already waits up to the busy timeout for the lock */
    for (int attempt = 0; attempt < 3 && st == DB_RETRY; attempt++) {
        st = db_begin(w->db, true);
        if (st == DB_RETRY)
            usleep(2000);
    }
    bool ok = st >= 0, began = ok;
    audit_chain_begin(w->db);
    for (struct write_job *j = batch; j; j = j->next) {
        j->result = JOB_FAILED;
        if (ok && j->append_only) {
            j->result = j->run(w->db, j->arg);
            ok = j->result == JOB_KEEP;
            continue;
        }
        if (!ok || db_savepoint(w->db) < 0) {
            ok = false;
            continue;
        }
        j->result = j->run(w->db, j->arg);
        if (j->result == JOB_KEEP) {
            db_savepoint_release(w->db);
        } else {
            db_savepoint_rollback(w->db);
            audit_chain_forget(); /* the job's entries are gone again */
        }
    }
    audit_chain_end();
    bool committed = false;
    if (ok) {
        for (int attempt = 0; attempt < 3; attempt++) {
            st = db_commit(w->db);
            if (st != DB_RETRY)
                break;
            usleep(2000);
        }
        committed = st >= 0;
        if (!committed) {
            db_rollback(w->db);
            log_error("writer: commit of a batch failed; its jobs are refused");
        }
    } else {
        db_rollback(w->db);
        log_error(began ? "writer: appending audit entries failed; the batch is refused"
                        : "writer: could not begin a transaction");
    }
    pthread_mutex_lock(&w->mu);
    w->stats.batches++;
    if (!committed)
        w->stats.failed_commits++;
    pthread_mutex_unlock(&w->mu);
    for (struct write_job *j = batch; j;) {
        struct write_job *next = j->next; /* DONE may free J */
        j->done(j->arg, committed ? j->result : JOB_FAILED, committed);
        j = next;
    }
}

/* Let a batch grow while jobs keep arriving: wait in short steps, and stop as
 * soon as a step brought nothing new, the batch is full, or LINGER_US have
 * passed. Under load this collects the requests that are just finishing; when
 * the server is quiet it costs one step (GATHER_STEP_US). Called and returns
 * with W->mu held. */
enum { GATHER_STEP_US = 40 };

static void
gather(struct writer *w)
{
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    size_t seen = w->queued;
    for (;;) {
        pthread_mutex_unlock(&w->mu);
        struct timespec step = { 0, GATHER_STEP_US * 1000 };
        nanosleep(&step, NULL);
        pthread_mutex_lock(&w->mu);
        clock_gettime(CLOCK_MONOTONIC, &now);
        long waited = (now.tv_sec - start.tv_sec) * 1000000 + (now.tv_nsec - start.tv_nsec) / 1000;
        if (w->queued == seen || w->queued >= w->batch_max || w->stopping ||
            waited >= (long)w->linger_us)
            return;
        seen = w->queued;
    }
}

static void *
writer_main(void *arg)
{
    struct writer *w = arg;
    prctl(PR_SET_TIMERSLACK, 1000UL); /* short sleeps in gather() should be short */
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->head && !w->stopping)
            pthread_cond_wait(&w->has_work, &w->mu);
        if (!w->head && w->stopping) {
            w->closed = true;
            pthread_mutex_unlock(&w->mu);
            break;
        }
        if (w->linger_us && w->queued < w->batch_max && !w->stopping)
            gather(w);
        struct write_job *batch = w->head, *last = w->head;
        size_t n = 1;
        while (last->next && n < w->batch_max) {
            last = last->next;
            n++;
        }
        w->head = last->next;
        if (!w->head)
            w->tail = NULL;
        last->next = NULL;
        w->queued -= n;
        w->stats.jobs += n;
        pthread_cond_broadcast(&w->has_room);
        pthread_mutex_unlock(&w->mu);
        run_batch(w, batch);
    }
    return NULL;
}

struct writer *
writer_start(const char *url, size_t batch_max, unsigned linger_us, char *err, size_t errlen)
{
    struct db *db = db_open_writer(url, err, errlen);
    if (!db)
        return NULL;
    struct writer *w = calloc(1, sizeof *w);
    if (!w)
        abort();
    w->db = db;
    w->batch_max = batch_max ? batch_max : 1;
    w->linger_us = linger_us;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->has_work, NULL);
    pthread_cond_init(&w->has_room, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
        snprintf(err, errlen, "cannot start the writer thread");
        db_close(db);
        free(w);
        return NULL;
    }
    /* checkpoints on a connection of their own. The writer's commits still checkpoint
       every 1000 pages (SQLite's default): only they can start the log afresh while
       writes keep coming, and by then the checkpointer has copied nearly everything, so
       that is quick */
    char cerr[256] = "";
    w->ckpt_db = db_open(url, cerr, sizeof cerr);
    if (w->ckpt_db && pthread_create(&w->ckpt_thread, NULL, checkpointer_main, w) == 0) {
        w->ckpt_running = true;
    } else {
        log_msg(LOG_WARN, "no checkpoint thread (%s); commits checkpoint themselves",
                cerr[0] ? cerr : "cannot start it");
        if (w->ckpt_db)
            db_close(w->ckpt_db);
        w->ckpt_db = NULL;
    }
    return w;
}

void
writer_submit(struct writer *w, struct write_job *job)
{
    job->next = NULL;
    pthread_mutex_lock(&w->mu);
    while (w->queued >= QUEUE_LIMIT && !w->closed)
        pthread_cond_wait(&w->has_room, &w->mu);
    if (w->closed) { /* shutting down: refuse, so that nobody waits for ever */
        pthread_mutex_unlock(&w->mu);
        job->done(job->arg, JOB_FAILED, false);
        return;
    }
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    w->queued++;
    if (w->queued == 1 || w->queued >= w->batch_max)
        pthread_cond_signal(&w->has_work);
    pthread_mutex_unlock(&w->mu);
}

struct sync_wait {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool finished, committed;
    enum job_result result;
    enum job_result (*run)(struct db *, void *);
    void *arg;
};

static enum job_result
sync_run(struct db *db, void *arg)
{
    struct sync_wait *sw = arg;
    return sw->run(db, sw->arg);
}

static void
sync_done(void *arg, enum job_result result, bool committed)
{
    struct sync_wait *sw = arg;
    pthread_mutex_lock(&sw->mu);
    sw->finished = true;
    sw->result = result;
    sw->committed = committed;
    pthread_cond_signal(&sw->cv);
    pthread_mutex_unlock(&sw->mu);
}

enum job_result
writer_run_sync(struct writer *w, enum job_result (*run)(struct db *, void *), void *arg,
                bool *committed)
{
    struct sync_wait sw = { .run = run, .arg = arg };
    pthread_mutex_init(&sw.mu, NULL);
    pthread_cond_init(&sw.cv, NULL);
    struct write_job job = { .run = sync_run, .done = sync_done, .arg = &sw };
    writer_submit(w, &job);
    pthread_mutex_lock(&sw.mu);
    while (!sw.finished)
        pthread_cond_wait(&sw.cv, &sw.mu);
    pthread_mutex_unlock(&sw.mu);
    pthread_mutex_destroy(&sw.mu);
    pthread_cond_destroy(&sw.cv);
    if (committed)
        *committed = sw.committed;
    return sw.result;
}

void
writer_stop(struct writer *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stopping = true;
    pthread_cond_broadcast(&w->has_work);
    pthread_cond_broadcast(&w->has_room);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    if (w->ckpt_running) {
        pthread_join(w->ckpt_thread, NULL);
        w->ckpt_running = false;
        db_checkpoint(w->ckpt_db); /* leave short logs behind */
    }
}

void
writer_free(struct writer *w)
{
    if (!w)
        return;
    db_close(w->db);
    if (w->ckpt_db)
        db_close(w->ckpt_db);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->has_work);
    pthread_cond_destroy(&w->has_room);
    free(w);
}

struct inline_tx {
    enum job_result (*run)(struct db *, void *);
    void *arg;
    enum job_result result;
};

static enum db_status
inline_body(struct db *db, void *arg)
{
    struct inline_tx *t = arg;
    t->result = t->run(db, t->arg);
    /* a refusal or failure rolls back: report it as an error to db_run_tx */
    return t->result == JOB_KEEP ? DB_NO_ROWS : DB_HARD_ERROR;
}

enum job_result
writer_run_inline(struct db *db, enum job_result (*run)(struct db *, void *), void *arg,
                  bool *committed)
{
    struct inline_tx t = { .run = run, .arg = arg, .result = JOB_FAILED };
    enum db_status st = db_run_tx(db, true, inline_body, &t);
    if (committed)
        *committed = st >= 0;
    if (st < 0 && t.result == JOB_KEEP)
        t.result = JOB_FAILED; /* the commit itself failed */
    return t.result;
}

void
writer_get_stats(struct writer *w, struct writer_stats *out)
{
    pthread_mutex_lock(&w->mu);
    *out = w->stats;
    out->queued = w->queued;
    pthread_mutex_unlock(&w->mu);
}
