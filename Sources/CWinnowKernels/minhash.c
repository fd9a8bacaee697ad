#include "cwinnowkernels.h"

/* The loop is written plainly and vectorised by the compiler for each target: with AVX-512
   (DQ) the 64-bit multiply and the unsigned minimum are single instructions, with AVX2 the
   multiply is three 32-bit ones. Values after the reduction are below 2^61, so the compare is
   exact in any lane width the compiler picks. */
__attribute__((target_clones("avx512dq", "avx2", "default")))
void cwinnow_minhash(const uint64_t *shingles, size_t n, const uint64_t *a, const uint64_t *b, size_t k,
                     uint64_t mask, uint64_t *out) {
    const uint64_t p = ((uint64_t)1 << 61) - 1;
    for (size_t h = 0; h < k; h++) out[h] = UINT64_MAX;
    for (size_t j = 0; j < n; j++) {
        const uint64_t x = shingles[j];
        for (size_t h = 0; h < k; h++) {
            uint64_t v = x * a[h] + b[h];
            v = (v & p) + (v >> 61);
            v = v >= p ? v - p : v;
            v &= mask;
            out[h] = v < out[h] ? v : out[h];
        }
    }
}
