// Vectorscan (Hyperscan's portable fork), the rule prefilter's matcher. Its API is plain C: Swift calls it directly,
// except for scanning, which goes through `palisade_hs_scan` below.
#ifndef PALISADE_CVECTORSCAN_SHIM_H
#define PALISADE_CVECTORSCAN_SHIM_H
#include <hs/hs.h>
#include <stddef.h>

// Debian's Vectorscan 5.4.9 is built with a "fat" runtime that picks a scanner by CPU. Its AVX-512 and AVX2 scanners
// both miss matches: AVX-512 on texts over about 64 bytes (`w[ij]n` in 79 `a`s and " win"), AVX2 on texts of 18 to
// 34 bytes ending in a literal when another expression shares the database (`ok` at the end of 16 `x`s beside
// `#a+b`: one random text in five of that shape; see PrefilterTests). Its SSE4.2 ("corei7") scanner agreed with
// PCRE2 on 2.4 million random texts and databases where the AVX2 one missed 48. Where the library exports that
// scanner and the CPU has SSE4.2, databases are compiled for a platform without AVX2 or AVX-512
// (`palisade_hs_platform`) and scanned by it; elsewhere the library's own choice stands.
#pragma weak corei7_hs_scan
extern hs_error_t corei7_hs_scan(const hs_database_t *db, const char *data, unsigned int length, unsigned int flags,
                                 hs_scratch_t *scratch, match_event_handler onEvent, void *context);

static inline int palisade_hs_uses_sse42(void) {
    // Scans run on many threads: the decision is read and written atomically (deciding twice gives the same answer).
    static int decided = -1;
    int known = __atomic_load_n(&decided, __ATOMIC_RELAXED);
    if (known < 0) {
#if defined(__x86_64__) || defined(__i386__)
        known = (corei7_hs_scan != NULL) && __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("popcnt");
#else
        known = 0;
#endif
        __atomic_store_n(&decided, known, __ATOMIC_RELAXED);
    }
    return known;
}

/// The platform databases are compiled for: the host's, without AVX2 or AVX-512 when the SSE4.2 scanner is used.
static inline hs_error_t palisade_hs_platform(hs_platform_info_t *platform) {
    hs_error_t result = hs_populate_platform(platform);
    if (result == HS_SUCCESS && palisade_hs_uses_sse42()) {
        platform->cpu_features &= ~(unsigned long long)(HS_CPU_FEATURES_AVX2 | HS_CPU_FEATURES_AVX512 | HS_CPU_FEATURES_AVX512VBMI);
    }
    return result;
}

/// `hs_scan`, by the SSE4.2 scanner where it is used.
static inline hs_error_t palisade_hs_scan(const hs_database_t *db, const char *data, unsigned int length, unsigned int flags,
                                          hs_scratch_t *scratch, match_event_handler onEvent, void *context) {
    if (palisade_hs_uses_sse42()) return corei7_hs_scan(db, data, length, flags, scratch, onEvent, context);
    return hs_scan(db, data, length, flags, scratch, onEvent, context);
}
#endif
