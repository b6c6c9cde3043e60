/* util/jsonmem.c — jansson's memory from the request arena; see jsonmem.h. */
#include "util/jsonmem.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>

/* In front of every block: where it came from. 16 bytes keep the block
 * aligned for any type. */
struct tag {
    uint64_t from;
    uint64_t pad;
};
#define FROM_HEAP  UINT64_C(0x6c6f747365686561)
#define FROM_ARENA UINT64_C(0x6c6f74736561726e)

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LOTSE_ASAN 1 /* clang */
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(LOTSE_ASAN)
enum { USE_ARENA = 0 };
#else
enum { USE_ARENA = 1 };
#endif

static _Thread_local struct arena *current;

static void *
jm_malloc(size_t n)
{
    struct tag *t;
    if (current) {
        t = arena_alloc_raw(current, sizeof *t + n);
        t->from = FROM_ARENA;
    } else {
        t = malloc(sizeof *t + n);
        if (!t)
            return NULL;
        t->from = FROM_HEAP;
    }
    return t + 1;
}

static void
jm_free(void *p)
{
    if (!p)
        return;
    struct tag *t = (struct tag *)p - 1;
    if (t->from == FROM_HEAP)
        free(t);
    else if (t->from != FROM_ARENA)
        abort(); /* not ours: memory is corrupt */
}

void
jsonmem_init(void)
{
    json_set_alloc_funcs(jm_malloc, jm_free);
}

void
jsonmem_use(struct arena *a)
{
    current = USE_ARENA ? a : NULL;
}
