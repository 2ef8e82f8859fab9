#include "callocator.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int palisade_fix_allocator_thresholds(int bytes, int trim_bytes) {
#if defined(__GLIBC__)
    return mallopt(M_MMAP_THRESHOLD, bytes) == 1 && mallopt(M_TRIM_THRESHOLD, trim_bytes) == 1;
#else
    (void)bytes;
    (void)trim_bytes;
    return 0;
#endif
}

int palisade_limit_allocator_arenas(int arenas) {
#if defined(__GLIBC__)
    return mallopt(M_ARENA_MAX, arenas) == 1;
#else
    (void)arenas;
    return 0;
#endif
}

int palisade_trim_heap(void) {
#if defined(__GLIBC__)
    return malloc_trim(0);
#else
    return 0;
#endif
}
