/*
 * util/arena.h — a bump allocator for data that lives as long as one request.
 * Everything allocated from an arena is released at once by arena_free();
 * never free() a pointer that came from here. Allocation failure aborts.
 */
#ifndef LOTSE_UTIL_ARENA_H
#define LOTSE_UTIL_ARENA_H

#include <stddef.h>

struct arena_block;
struct arena {
    struct arena_block *head;
};

#define ARENA_INIT                                                                                 \
    {                                                                                              \
        NULL                                                                                       \
    }

/* N bytes, aligned for any type, zeroed. */
void *arena_alloc(struct arena *a, size_t n);
/* The same, not zeroed. */
void *arena_alloc_raw(struct arena *a, size_t n);
/* A copy of S (NULL stays NULL). */
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* printf into the arena. Only for trusted text and numbers. */
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void arena_free(struct arena *a);

#endif
