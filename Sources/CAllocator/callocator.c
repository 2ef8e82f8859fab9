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
