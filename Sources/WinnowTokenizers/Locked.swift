import WinnowCore

/// A value shared by worker threads behind a mutex (the library does not use Foundation).
final class Locked<State>: @unchecked Sendable {
    private var state: State
    private var mutex = pthread_mutex_t()

    init(_ state: State) {
        self.state = state
        pthread_mutex_init(&mutex, nil)
    }

    deinit { pthread_mutex_destroy(&mutex) }

    func withLock<R>(_ body: (inout State) throws -> R) rethrows -> R {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body(&state)
    }
}

/// How many worker threads corpus-wide work uses: every online core.
public var availableCores: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
