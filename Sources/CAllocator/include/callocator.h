#ifndef CALLOCATOR_H
#define CALLOCATOR_H

/// Fixes glibc's mmap threshold at `bytes` (which also stops its dynamic raising) and the heap's trim threshold at
/// `trim_bytes`; returns 1 when both were accepted, 0 otherwise (or on a C library without mallopt).
int palisade_fix_allocator_thresholds(int bytes, int trim_bytes);

#endif
