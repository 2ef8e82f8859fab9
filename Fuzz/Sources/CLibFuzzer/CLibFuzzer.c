// The header declares libFuzzer's driver; there is nothing to define here.
#include "CLibFuzzer.h"
