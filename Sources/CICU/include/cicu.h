// ICU for Swift: Unicode normalisation (NFKC_Casefold) and confusable skeletons (Unicode TS #39, ICU's uspoof
// with its own confusables data). ICU renames every function with its version through macros Swift does not
// import; these plain functions are compiled against the installed headers instead.
#ifndef PALISADE_CICU_H
#define PALISADE_CICU_H

#include <stdint.h>

/// NFKC_Casefold of UTF-8 `input`: compatibility decomposition and composition, full case folding, and default
/// ignorable code points (zero-width characters, bidi controls, variation selectors) removed. Writes UTF-8 to
/// `output` and returns its length, which may exceed `capacity` (nothing usable was written: call again with a
/// buffer that large); -1 when ICU fails.
int32_t palisade_nfkc_casefold(const char *input, int32_t length, char *output, int32_t capacity);

/// The confusable skeleton (TS #39) of UTF-8 `input`, as ICU's uspoof_getSkeleton computes it. Same return
/// convention as palisade_nfkc_casefold.
int32_t palisade_confusable_skeleton(const char *input, int32_t length, char *output, int32_t capacity);

#endif
