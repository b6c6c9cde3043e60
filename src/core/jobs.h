/*
 * core/jobs.h — the periodic jobs of `lotse serve`, run by one server of a
 * store at a time. A thread tries to take the store's job lock
 * (db_job_lock_try(), on a connection of its own) every interval; while it
 * holds the lock it runs the jobs, as one write job through the writer:
 *   - delete expired or idle browser sessions and expired API tokens,
 *   - delete the sign-in brake's counters whose window has ended.
 * A run that deleted anything leaves one audit entry (action jobs.cleanup,
 * purpose system_job) with the counts and nothing else. When the holder ends
 * or loses its connection, its lock goes with it, and another server takes
 * it at its next try.
 */
#ifndef LOTSE_CORE_JOBS_H
#define LOTSE_CORE_JOBS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/core.h"
#include "core/writer.h"

struct jobs;

/* Start the thread, on a new connection to URL for the lock; runs go
 * through W (borrowed; stop the jobs before the writer). The first try is
 * at once, then every INTERVAL_S seconds. NULL with ERR when the connection
 * cannot be opened. */
struct jobs *jobs_start(const char *url, struct writer *w, unsigned interval_s, char *err,
                        size_t errlen);
/* Stop the thread (a run in progress finishes first), release the lock and
 * close the connection. J stays valid for jobs_get_stats() (the lock shown
 * as not held) until jobs_free(). NULL is fine for both. */
void jobs_stop(struct jobs *j);
void jobs_free(struct jobs *j);

/* For /metrics. */
struct jobs_stats {
    bool lock_held; /* this server holds the job lock (as of its last try) */
    unsigned long long runs, failed_runs;
    unsigned long long sessions_deleted, tokens_deleted, brake_rows_deleted;
};
void jobs_get_stats(struct jobs *j, struct jobs_stats *out);

/* One run of the jobs at NOW_US inside the write transaction of DB (a write
 * job body); OUT counts what was deleted. The audit entry is appended in the
 * same transaction. CORE_OK or CORE_ERROR. */
struct auth_expired;
enum core_result jobs_run_once(struct db *db, int64_t now_us, struct auth_expired *out);

#endif
