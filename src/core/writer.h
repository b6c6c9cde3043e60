/*
 * core/writer.h — the single writer: every write of the running server goes
 * through one thread with its own connection. Jobs queue up; the writer takes
 * up to a batch of them, runs each in a savepoint of one transaction and
 * commits the batch once (group commit). Only after the commit does it call
 * each job's DONE, so nothing is acknowledged before it is durable. A full
 * queue blocks the submitter; no job is ever dropped.
 */
#ifndef LOTSE_CORE_WRITER_H
#define LOTSE_CORE_WRITER_H

#include <stdbool.h>
#include <stddef.h>

#include "store/store.h"

enum job_result {
    JOB_KEEP = 0,    /* keep what RUN wrote */
    JOB_REFUSED = 1, /* a domain refusal: roll back RUN's writes, the batch goes on */
    JOB_FAILED = -1, /* an error: roll back RUN's writes, the batch goes on */
};

struct write_job {
    /* Runs on the writer thread inside the batch transaction. */
    enum job_result (*run)(struct db *db, void *arg);
    /* Runs on the writer thread after the commit (COMMITTED true) or after
     * the batch failed; RESULT is what RUN returned (JOB_FAILED when the
     * commit failed). Must not block: resume a connection, signal a waiter. */
    void (*done)(void *arg, enum job_result result, bool committed);
    void *arg;
    /* RUN only appends audit entries, which nothing but a store error can
     * refuse: it runs without a savepoint of its own (on PostgreSQL two
     * round trips fewer, and no subtransaction), and should it fail, the
     * whole batch fails with it. */
    bool append_only;
    struct write_job *next; /* the writer's: queue link */
    enum job_result result; /* the writer's: what RUN returned */
};

struct writer;

/* Start the writer thread on a new connection to URL. NULL with ERR on failure. */
struct writer *writer_start(const char *url, size_t batch_max, unsigned linger_us, char *err,
                            size_t errlen);
/* Queue JOB (owned by the caller until DONE ran). Blocks while the queue is full. */
void writer_submit(struct writer *w, struct write_job *job);
/* Run JOB and wait for its DONE: for callers that may block (command line, tests). */
enum job_result writer_run_sync(struct writer *w, enum job_result (*run)(struct db *, void *),
                                void *arg, bool *committed);
/* Finish every queued job and stop the thread. Jobs submitted afterwards
 * fail at once (their DONE runs in writer_submit with committed false).
 * The writer stays valid until writer_free(), which closes the connection. */
void writer_stop(struct writer *w);
void writer_free(struct writer *w);

/* Without a writer thread (command-line tools): run one job in its own
 * transaction on DB, with the same savepoint and retry semantics. */
enum job_result writer_run_inline(struct db *db, enum job_result (*run)(struct db *, void *),
                                  void *arg, bool *committed);

/* Counters for /metrics. */
struct writer_stats {
    unsigned long long batches, jobs, failed_commits;
    unsigned long long checkpoints; /* passive WAL checkpoints by the checkpoint thread */
    size_t queued;
};
void writer_get_stats(struct writer *w, struct writer_stats *out);

#endif
