#include "cicu.h"

#include <pthread.h>
#include <stdlib.h>
#include <unicode/unorm2.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>

static const UNormalizer2 *casefold;
static USpoofChecker *checker;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void setUp(void) {
    UErrorCode status = U_ZERO_ERROR;
    casefold = unorm2_getNFKCCasefoldInstance(&status);
    if (U_FAILURE(status)) casefold = NULL;
    status = U_ZERO_ERROR;
    checker = uspoof_open(&status);
    if (U_FAILURE(status)) checker = NULL;
}

int32_t palisade_nfkc_casefold(const char *input, int32_t length, char *output, int32_t capacity) {
    pthread_once(&once, setUp);
    if (casefold == NULL) return -1;
    UErrorCode status = U_ZERO_ERROR;
    int32_t units = 0;
    u_strFromUTF8(NULL, 0, &units, input, length, &status);
    if (status != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(status)) return -1;
    UChar *source = malloc(sizeof(UChar) * (size_t)(units + 1));
    if (source == NULL) return -1;
    status = U_ZERO_ERROR;
    u_strFromUTF8(source, units + 1, NULL, input, length, &status);
    if (U_FAILURE(status)) { free(source); return -1; }
    // Most text keeps its length; when folding expands it, ICU says by how much and the call is repeated.
    int32_t room = units + 16;
    UChar *folded = NULL;
    int32_t foldedLength = 0;
    for (int attempt = 0; attempt < 2; attempt++) {
        folded = malloc(sizeof(UChar) * (size_t)room);
        if (folded == NULL) { free(source); return -1; }
        status = U_ZERO_ERROR;
        foldedLength = unorm2_normalize(casefold, source, units, folded, room, &status);
        if (status != U_BUFFER_OVERFLOW_ERROR) break;
        free(folded);
        folded = NULL;
        room = foldedLength + 1;
    }
    free(source);
    if (folded == NULL || U_FAILURE(status)) { free(folded); return -1; }
    int32_t written = 0;
    status = U_ZERO_ERROR;
    u_strToUTF8(output, capacity, &written, folded, foldedLength, &status);
    free(folded);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return written;
    if (U_FAILURE(status)) return -1;
    return written;
}

int32_t palisade_confusable_skeleton(const char *input, int32_t length, char *output, int32_t capacity) {
    pthread_once(&once, setUp);
    if (checker == NULL) return -1;
    UErrorCode status = U_ZERO_ERROR;
    int32_t written = uspoof_getSkeletonUTF8(checker, 0, input, length, output, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return written;
    if (U_FAILURE(status)) return -1;
    return written;
}
