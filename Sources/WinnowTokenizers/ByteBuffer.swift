/// A growable byte buffer written through a pointer. `Array.append` checks uniqueness and
/// capacity on every byte; the normalizer writes every byte of the text, so it reserves room for
/// a stretch once and then stores bytes directly.
final class ByteBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1 << 12) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    /// Appends a byte there is room for (see `reserve`).
    @inline(__always)
    func append(_ byte: UInt8) {
        base[count] = byte
        count += 1
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

    private func grow(to size: Int) {
        let bigger = max(size, capacity * 2)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = bigger
    }
}
