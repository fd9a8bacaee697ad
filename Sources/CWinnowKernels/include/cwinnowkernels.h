#ifndef CWINNOWKERNELS_H
#define CWINNOWKERNELS_H
#include <stddef.h>
#include <stdint.h>

/* Hot loops that need the machine's vector width, which Swift code built for x86-64's baseline
   (SSE2) cannot use: each is compiled for several instruction sets and the best the CPU running
   it supports is picked when the program starts (GCC/clang function multi-versioning), so one
   binary is both portable and fast. */

/* MinHash: out[h] = min over j < n of ((shingles[j] * a[h] + b[h]) mod 2^64) mod (2^61 - 1),
   masked with `mask`, for h < k. n must be at least 1. */
void cwinnow_minhash(const uint64_t *shingles, size_t n, const uint64_t *a, const uint64_t *b, size_t k,
                     uint64_t mask, uint64_t *out);

#endif
