#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Fixes glibc's mmap threshold at `bytes` (which also stops its dynamic raising) and the heap's trim threshold at
/// `trim_bytes`; returns 1 when both were accepted, 0 otherwise (or on a C library without mallopt).
int palisade_fix_allocator_thresholds(int bytes, int trim_bytes);

/// Limits glibc to `arenas` malloc arenas (each thread otherwise may get its own, and each keeps its own free memory);
/// returns 1 when accepted.
int palisade_limit_allocator_arenas(int arenas);

/// Gives the free memory at the top of every malloc arena back to the system (glibc's malloc_trim); returns 1 when
/// some was released.
int palisade_trim_heap(void);

/// The C heap's bookkeeping (glibc's mallinfo2): bytes in use by live allocations, bytes free but kept by the
/// allocator, and bytes in blocks given their own mapping; all 0 on a C library without mallinfo2. Returns 1 when
/// the figures are real.
int palisade_heap_usage(unsigned long long *in_use, unsigned long long *free_bytes, unsigned long long *mapped);

#endif
