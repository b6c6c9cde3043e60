/*
 * util/jsonmem.h — where jansson's memory comes from. A page or an API
 * answer builds its view as thousands of small json_t values and drops them
 * all when the answer is written; from malloc and free that costs more than
 * the rest of the request. So while a thread handles a request, its jansson
 * allocations come from the request's arena and free() of them does
 * nothing: they go with the arena when the request ends. Everywhere else
 * (start-up, the writer thread, jobs, the command line) jansson uses malloc
 * as before. Each block carries a tag, so a value made on one side may be
 * freed on the other.
 *
 * The rule that follows: a json_t made while a request's arena is in use
 * must not outlive the request. Nothing in lotse keeps one longer.
 *
 * Under AddressSanitizer the arena is never used, so that the sanitizer
 * still sees every json_t's life.
 */
#ifndef LOTSE_UTIL_JSONMEM_H
#define LOTSE_UTIL_JSONMEM_H

#include "util/arena.h"

/* Route jansson's allocations through this module; before any json_t exists. */
void jsonmem_init(void);
/* This thread's jansson allocations come from A from now on (NULL: malloc). */
void jsonmem_use(struct arena *a);

#endif
