// libpcre2-8 for Swift. PCRE2 names its functions and types through macros on the code unit width, which Swift
// does not import: Swift calls the `_8` names (pcre2_compile_8, pcre2_match_8, …) directly. The few constants
// defined by expressions rather than literals are wrapped here.
#ifndef PALISADE_CPCRE2_SHIM_H
#define PALISADE_CPCRE2_SHIM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/// PCRE2_ZERO_TERMINATED: the length that means "up to the NUL".
static inline PCRE2_SIZE palisade_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }

/// PCRE2_UNSET: an ovector entry of a group that did not take part in the match.
static inline PCRE2_SIZE palisade_pcre2_unset(void) { return PCRE2_UNSET; }

#endif
