#ifndef CWINNOW_BLAS_H
#define CWINNOW_BLAS_H

/* OpenBLAS, loaded when semantic dedup first multiplies matrices rather than linked into the
   program: a linked OpenBLAS starts a thread per core in every process of ours as it loads,
   and each thread spins for a while before it sleeps (about 0.1 s of a core per thread), which
   every task process paid for nothing. Loaded here with OPENBLAS_NUM_THREADS=1, it starts no
   threads at all; tasks already run one per core. */

/* Loads Debian's libopenblas.so.0 once; 0 on success, -1 with the loader's message in
   *error. Safe to call from several threads. */
int cwinnow_blas_load(const char **error);

/* c[i*n + j] = sum over k of a[i*d + k] * b[j*d + k]: the m×n product A·Bᵀ of row-major
   matrices, by OpenBLAS's sgemm. cwinnow_blas_load must have succeeded. */
void cwinnow_blas_multiply_transposed(int m, int n, int d, const float *a, const float *b, float *c);

#endif
