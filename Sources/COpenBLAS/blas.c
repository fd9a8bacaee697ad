#include "cwinnow_blas.h"
#include <cblas.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

/* The prototypes come from OpenBLAS's own cblas.h (libopenblas-dev), so a mismatch with the
   library's functions is a compile error, not a wrong call. */
static __typeof__(&cblas_sgemm) sgemm;
static const char *load_error;
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* Read by OpenBLAS's constructor as dlopen runs it: no thread pool. */
    setenv("OPENBLAS_NUM_THREADS", "1", 1);
    void *library = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        load_error = dlerror();
        return;
    }
    sgemm = (__typeof__(&cblas_sgemm))dlsym(library, "cblas_sgemm");
    __typeof__(&openblas_set_num_threads) set_threads =
        (__typeof__(&openblas_set_num_threads))dlsym(library, "openblas_set_num_threads");
    if (!sgemm || !set_threads) {
        sgemm = NULL;
        load_error = "libopenblas.so.0 has no cblas_sgemm or openblas_set_num_threads";
        return;
    }
    set_threads(1);
}

int cwinnow_blas_load(const char **error) {
    pthread_once(&once, load);
    if (sgemm) return 0;
    if (error) *error = load_error;
    return -1;
}

void cwinnow_blas_multiply_transposed(int m, int n, int d, const float *a, const float *b, float *c) {
    sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, d, 1.0f, a, d, b, d, 0.0f, c, n);
}
