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

#endif
