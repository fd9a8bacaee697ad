/// A growable buffer of plain values written through a pointer. `Array.append` checks
/// uniqueness and capacity on every element and copies through a call; the hot writers here
/// (sentencepiece's normalizer, every byte of the text; fastText's features, a dozen ids for
/// every token) reserve room for a stretch once, then store directly.
public final class GrowableBuffer<Element: BitwiseCopyable> {
    public private(set) var base: UnsafeMutablePointer<Element>
    public private(set) var capacity: Int
    /// Elements written; lowering it drops the last ones.
    public var count = 0

    public init(capacity: Int = 1 << 12) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Makes room for `extra` more elements.
    @inlinable @inline(__always)
    public func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    /// Appends an element there is room for (see `reserve`).
    @inlinable @inline(__always)
    public func append(_ element: Element) {
        base[count] = element
        count += 1
    }

    /// Appends `elements`, making room first.
    @inlinable @inline(__always)
    public func append(contentsOf elements: UnsafeBufferPointer<Element>) {
        reserve(elements.count)
        var p = base + count
        for element in elements {
            p.initialize(to: element)
            p += 1
        }
        count += elements.count
    }

    @inlinable public var elements: UnsafeBufferPointer<Element> { UnsafeBufferPointer(start: base, count: count) }

    @usableFromInline func grow(to size: Int) {
        let bigger = max(size, capacity * 2)
        let fresh = UnsafeMutablePointer<Element>.allocate(capacity: bigger)
        fresh.update(from: base, count: count)
        base.deallocate()
        base = fresh
        capacity = bigger
    }
}
