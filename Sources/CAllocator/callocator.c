#include <stdlib.h>

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

int palisade_heap_usage(unsigned long long *in_use, unsigned long long *free_bytes, unsigned long long *mapped) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 info = mallinfo2();
    *in_use = (unsigned long long)info.uordblks + (unsigned long long)info.hblkhd;
    *free_bytes = (unsigned long long)info.fordblks;
    *mapped = (unsigned long long)info.hblkhd;
    return 1;
#else
    *in_use = 0;
    *free_bytes = 0;
    *mapped = 0;
    return 0;
#endif
}
