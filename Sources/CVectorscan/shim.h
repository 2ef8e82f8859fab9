// Vectorscan (Hyperscan's portable fork), the rule prefilter's literal matcher. Its API is plain C: Swift calls
// it directly.
#ifndef PALISADE_CVECTORSCAN_SHIM_H
#define PALISADE_CVECTORSCAN_SHIM_H
#include <hs/hs.h>
#endif
