#include "cwinnowicu.h"
#include <unicode/ubrk.h>
#include <unicode/unorm2.h>
#include <unicode/uregex.h>
#include <unicode/utypes.h>
#include <unicode/uscript.h>
#include <unicode/ucsdet.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <string.h>

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

cwinnow_regex *cwinnow_regex_open(const uint16_t *pattern, int32_t length, const char **error_name, int32_t *error_offset) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError parse;
    URegularExpression *re = uregex_open((const UChar *)pattern, length, 0, &parse, &status);
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        if (error_offset) *error_offset = parse.offset;
        return NULL;
    }
    return (cwinnow_regex *)re;
}

void cwinnow_regex_close(cwinnow_regex *regex) {
    if (regex) uregex_close((URegularExpression *)regex);
}

int cwinnow_regex_set_text(cwinnow_regex *regex, const uint16_t *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    uregex_setText((URegularExpression *)regex, (const UChar *)text, length, &status);
    return U_FAILURE(status) ? -1 : 0;
}

int cwinnow_regex_find_next(cwinnow_regex *regex, int32_t *start, int32_t *end) {
    UErrorCode status = U_ZERO_ERROR;
    URegularExpression *re = (URegularExpression *)regex;
    if (!uregex_findNext(re, &status)) return U_FAILURE(status) ? -1 : 0;
    *start = uregex_start(re, 0, &status);
    *end = uregex_end(re, 0, &status);
    return U_FAILURE(status) ? -1 : 1;
}

int32_t cwinnow_normalize(int form, const uint16_t *source, int32_t length, uint16_t *dest, int32_t capacity,
                          const char **error_name) {
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2 *normalizer;
    switch (form) {
    case 0: normalizer = unorm2_getNFCInstance(&status); break;
    case 1: normalizer = unorm2_getNFDInstance(&status); break;
    case 2: normalizer = unorm2_getNFKCInstance(&status); break;
    default: normalizer = unorm2_getNFKDInstance(&status); break;
    }
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        return -1;
    }
    int32_t needed = unorm2_normalize(normalizer, (const UChar *)source, length, (UChar *)dest, capacity, &status);
    if (status == U_BUFFER_OVERFLOW_ERROR) return needed;
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        return -1;
    }
    return needed;
}

int32_t cwinnow_script(uint32_t code_point) {
    UErrorCode status = U_ZERO_ERROR;
    UScriptCode script = uscript_getScript((UChar32)code_point, &status);
    return U_FAILURE(status) ? -1 : (int32_t)script;
}

int32_t cwinnow_detect_charset(const uint8_t *bytes, int32_t length, char *name, int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    UCharsetDetector *detector = ucsdet_open(&status);
    if (U_FAILURE(status)) return -1;
    ucsdet_setText(detector, (const char *)bytes, length, &status);
    const UCharsetMatch *match = U_SUCCESS(status) ? ucsdet_detect(detector, &status) : NULL;
    int32_t confidence = -1;
    if (match && U_SUCCESS(status)) {
        const char *found = ucsdet_getName(match, &status);
        int32_t level = ucsdet_getConfidence(match, &status);
        if (found && U_SUCCESS(status) && (int32_t)strlen(found) < capacity) {
            strcpy(name, found);
            confidence = level;
        }
    }
    ucsdet_close(detector);
    return confidence;
}

/* Substitutes U+FFFD for bytes that do not decode, as ICU's own substitute callback does, and
   counts them. */
static void count_and_substitute(const void *context, UConverterToUnicodeArgs *args, const char *units,
                                 int32_t length, UConverterCallbackReason reason, UErrorCode *error) {
    if (reason == UCNV_UNASSIGNED || reason == UCNV_ILLEGAL || reason == UCNV_IRREGULAR) {
        *(int32_t *)context += length > 0 ? length : 1;
    }
    UCNV_TO_U_CALLBACK_SUBSTITUTE(NULL, args, units, length, reason, error);
}

int32_t cwinnow_convert_to_utf8(const char *charset, const uint8_t *source, int32_t length, uint8_t *dest,
                                int32_t capacity, int32_t *replaced, const char **error_name) {
    UErrorCode status = U_ZERO_ERROR;
    UConverter *converter = ucnv_open(charset, &status);
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        return -1;
    }
    *replaced = 0;
    ucnv_setToUCallBack(converter, count_and_substitute, replaced, NULL, NULL, &status);
    int32_t needed = U_SUCCESS(status)
        ? ucnv_toAlgorithmic(UCNV_UTF8, converter, (char *)dest, capacity, (const char *)source, length, &status)
        : -1;
    ucnv_close(converter);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return needed;
    if (U_FAILURE(status)) {
        if (error_name) *error_name = u_errorName(status);
        return -1;
    }
    return needed;
}
