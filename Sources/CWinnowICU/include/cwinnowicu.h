#ifndef CWINNOWICU_H
#define CWINNOWICU_H
#include <stdint.h>

/* Winnow's window onto ICU. ICU's own headers stay inside cwinnowicu.c: exposing them to Swift
   clashes with the copy of ICU that Foundation carries (_FoundationICU declares the same types
   differently), and Debian's libicu exports only version-suffixed names (ubrk_open_72), which
   the C compiler resolves here through urename.h. Only plain C types cross this boundary. */

typedef struct cwinnow_word_breaker cwinnow_word_breaker;

/* A word-boundary iterator; NULL on failure, with ICU's error name in *error_name. */
cwinnow_word_breaker *cwinnow_word_breaker_open(const char **error_name);
void cwinnow_word_breaker_close(cwinnow_word_breaker *breaker);

/* Sets the UTF-16 text to segment; returns 0 on success. The text must outlive the iteration. */
int cwinnow_word_breaker_set_text(cwinnow_word_breaker *breaker, const uint16_t *text, int32_t length);

/* The next boundary after the current one, or -1 at the end. *is_word is set to 1 when the
   segment that ends there is a word (letters, numbers, kana or ideographs), 0 for spaces and
   punctuation. The first call returns the first boundary after 0. */
int32_t cwinnow_word_breaker_next(cwinnow_word_breaker *breaker, int *is_word);

/* A compiled ICU regular expression with its own match state (one per thread); NULL on a bad
   pattern, with ICU's error name and the UTF-16 offset of the problem. */
typedef struct cwinnow_regex cwinnow_regex;
cwinnow_regex *cwinnow_regex_open(const uint16_t *pattern, int32_t length, const char **error_name, int32_t *error_offset);
void cwinnow_regex_close(cwinnow_regex *regex);

/* Sets the UTF-16 text to search; returns 0 on success. The text must outlive the search. */
int cwinnow_regex_set_text(cwinnow_regex *regex, const uint16_t *text, int32_t length);

/* The next match: 1 with its UTF-16 range in [*start, *end), 0 when there is none, -1 on error. */
int cwinnow_regex_find_next(cwinnow_regex *regex, int32_t *start, int32_t *end);

/* Unicode normalisation of UTF-16 text: form 0 NFC, 1 NFD, 2 NFKC, 3 NFKD. Writes at most
   `capacity` units to `dest` and returns the length the result needs (call again with a larger
   buffer when it is more than `capacity`), or -1 with ICU's error name in *error_name. */
int32_t cwinnow_normalize(int form, const uint16_t *source, int32_t length, uint16_t *dest, int32_t capacity,
                          const char **error_name);

/* ICU's script code (UScriptCode) of a code point; -1 on error. */
int32_t cwinnow_script(uint32_t code_point);

/* The charset ICU's detector (ucsdet) finds most likely for `bytes`: its name
   written to `name` (NUL-terminated, at most `capacity` bytes) and its confidence 0-100; -1
   when there is no guess. */
int32_t cwinnow_detect_charset(const uint8_t *bytes, int32_t length, char *name, int32_t capacity);

/* Converts `length` bytes in `charset` to UTF-8 in `dest`. Bytes that do not decode become
   U+FFFD and are counted in *replaced. Returns the UTF-8 length (call again with a larger buffer
   when it is more than `capacity`), or -1 when ICU does not know the charset or fails, with
   ICU's error name in *error_name. */
int32_t cwinnow_convert_to_utf8(const char *charset, const uint8_t *source, int32_t length, uint8_t *dest,
                                int32_t capacity, int32_t *replaced, const char **error_name);

#endif
