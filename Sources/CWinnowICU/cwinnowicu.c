#include "cwinnowicu.h"
#include <unicode/ubrk.h>
#include <unicode/utypes.h>

cwinnow_word_breaker *cwinnow_word_breaker_open(const char **error_name) {
    UErrorCode status = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(UBRK_WORD, "", NULL, 0, &status);
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        return NULL;
    }
    return (cwinnow_word_breaker *)it;
}

void cwinnow_word_breaker_close(cwinnow_word_breaker *breaker) {
    if (breaker) ubrk_close((UBreakIterator *)breaker);
}

int cwinnow_word_breaker_set_text(cwinnow_word_breaker *breaker, const uint16_t *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    ubrk_setText((UBreakIterator *)breaker, (const UChar *)text, length, &status);
    if (U_FAILURE(status)) return -1;
    ubrk_first((UBreakIterator *)breaker);
    return 0;
}

int32_t cwinnow_word_breaker_next(cwinnow_word_breaker *breaker, int *is_word) {
    int32_t end = ubrk_next((UBreakIterator *)breaker);
    if (end == UBRK_DONE) return -1;
    /* Rule statuses below UBRK_WORD_NONE_LIMIT (100) mark spaces and punctuation. */
    *is_word = ubrk_getRuleStatus((UBreakIterator *)breaker) >= UBRK_WORD_NONE_LIMIT;
    return end;
}
