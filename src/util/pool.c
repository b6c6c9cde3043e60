/* util/pool.c — fixed thread pool; see pool.h. */
#include "util/pool.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

struct pool_item {
    void (*fn)(void *);
    void (*done)(void *);
    void *arg;
    struct pool_item *next;
};

struct pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct pool_item *head, *tail;
    bool stopping;
    bool closed; /* the threads have ended: new work runs in the caller */
    unsigned n;
    pthread_t threads[];
};

static void *
pool_main(void *arg)
{
    struct pool *p = arg;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        while (!p->head && !p->stopping)
            pthread_cond_wait(&p->cv, &p->mu);
        struct pool_item *it = p->head;
        if (!it) {
            pthread_mutex_unlock(&p->mu);
            return NULL;
        }
        p->head = it->next;
        if (!p->head)
            p->tail = NULL;
        pthread_mutex_unlock(&p->mu);
        it->fn(it->arg);
        it->done(it->arg);
        free(it);
    }
}

struct pool *
pool_start(unsigned threads)
{
    struct pool *p = calloc(1, sizeof *p + threads * sizeof(pthread_t));
    if (!p)
        abort();
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    for (p->n = 0; p->n < threads; p->n++)
        if (pthread_create(&p->threads[p->n], NULL, pool_main, p) != 0)
            break;
    return p;
}

void
pool_submit(struct pool *p, void (*fn)(void *), void (*done)(void *), void *arg)
{
    struct pool_item *it = malloc(sizeof *it);
    if (!it)
        abort();
    *it = (struct pool_item){ fn, done, arg, NULL };
    pthread_mutex_lock(&p->mu);
    if (p->tail)
        p->tail->next = it;
    else
        p->head = it;
    p->tail = it;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

void
pool_stop(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    pthread_cond_broadcast(&p->cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->n; i++)
        pthread_join(p->threads[i], NULL);
    pthread_mutex_lock(&p->mu);
    p->closed = true;
    /* work queued after the threads saw the stop */
    struct pool_item *it = p->head;
    p->head = p->tail = NULL;
    pthread_mutex_unlock(&p->mu);
    while (it) {
        struct pool_item *next = it->next;
        it->fn(it->arg);
        it->done(it->arg);
        free(it);
        it = next;
    }
}

void
pool_free(struct pool *p)
{
    if (!p)
        return;
    pthread_mutex_destroy(&p->mu);
    pthread_cond_destroy(&p->cv);
    free(p);
}
