#ifndef PALISADE_CLIBFUZZER_H
#define PALISADE_CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

/// libFuzzer's driver (compiler-rt FuzzerInterface.h), linked in by `-sanitize=fuzzer`. SwiftPM links each executable
/// with `--defsym main=<Target>_main`, so each fuzzer defines that function and hands its arguments to the driver.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
