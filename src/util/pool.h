/*
 * util/pool.h — a small fixed pool of threads for slow, CPU-bound work
 * (argon2id password hashing), so that it never occupies the HTTP threads
 * and never more than N such jobs run at once.
 */
#ifndef LOTSE_UTIL_POOL_H
#define LOTSE_UTIL_POOL_H

struct pool;

struct pool *pool_start(unsigned threads);
/* Queue FN(ARG), then DONE(ARG) on the same pool thread. Never blocks. */
void pool_submit(struct pool *p, void (*fn)(void *), void (*done)(void *), void *arg);
/* Finish queued work and join the threads; work submitted afterwards runs
 * in the submitting thread. The pool stays valid until pool_free(). */
void pool_stop(struct pool *p);
void pool_free(struct pool *p);

#endif
