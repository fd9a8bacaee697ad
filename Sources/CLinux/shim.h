#include <sys/prctl.h>
#include <signal.h>
#include <malloc.h>
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

/* sync_file_range and syncfs need _GNU_SOURCE, which the Swift importer does not define. The
   first starts writing a file's dirty pages to the disk without waiting, so a later wait finds
   them on their way; the second waits for everything written to a filesystem (group commit). */
int sync_file_range(int fd, long long offset, long long nbytes, unsigned int flags);
int syncfs(int fd);
static inline int clinux_start_writeback(int fd) { return sync_file_range(fd, 0, 0, 2 /* SYNC_FILE_RANGE_WRITE */); }

/* libFuzzer's driver, called by the fuzzing harness's main (Sources/winnow-fuzz); defined only
   in binaries linked with -sanitize=fuzzer, and referenced by nothing else. */
#include <stdint.h>
#include <stddef.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
