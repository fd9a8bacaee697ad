#include <sys/prctl.h>
#include <signal.h>
/* prctl is variadic, which Swift cannot call; this wrapper asks the kernel to send `sig` to
   the calling process when its parent dies, so task processes never outlive a killed runner. */
static inline int clinux_set_parent_death_signal(int sig) {
#ifdef PR_SET_PDEATHSIG
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0, 0, 0);
#else
    return -1;
#endif
}

/* Asks the CPU to start loading the cache line at p: gathering rows of a large embedding matrix
   is bound by memory latency, and fetching the next rows while summing this one hides it. */
static inline void clinux_prefetch(const void *p) { __builtin_prefetch(p, 0, 1); }

/* libFuzzer's driver, called by the fuzzing harness's main (Sources/winnow-fuzz); defined only
   in binaries linked with -sanitize=fuzzer, and referenced by nothing else. */
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
