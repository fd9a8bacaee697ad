/// An open-addressing hash table from byte strings to entry numbers, with the keys packed in one
/// arena. Swift's `Dictionary<[UInt8], _>` allocates an array per key and hashes with SipHash;
/// the word counter, the encoder's vocabulary and cache, the filters' token cache and fastText's
/// subword cache look up a short key for every piece of text, so that cost is theirs. Entries
/// are numbered in insertion order and never removed (a cache is cleared whole). The hot
/// methods are inlinable: they run in other modules' inner loops.
public struct ByteKeyTable: Sendable {
    public private(set) var arena: [UInt8] = []
    public private(set) var offsets: [Int] = [0]
    /// Slot → entry number + 1 (0 = empty); the entry's hash is kept to skip most compares.
    @usableFromInline var slots: [UInt32]
    @usableFromInline var slotHashes: [UInt32]
    @usableFromInline var mask: Int

    public init(capacity: Int = 1024) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [UInt32](repeating: 0, count: size)
        slotHashes = [UInt32](repeating: 0, count: size)
        mask = size - 1
    }

    @inlinable public var count: Int { offsets.count - 1 }

    public func key(_ entry: Int) -> ArraySlice<UInt8> { arena[offsets[entry]..<offsets[entry + 1]] }

    /// A fast 64-bit hash, eight bytes at a time.
    @inlinable @inline(__always)
    public static func hash(_ key: UnsafeBufferPointer<UInt8>) -> UInt64 { hash(UnsafeRawBufferPointer(key)) }

    /// `hash` of any memory's bytes (read as bytes, whatever type the memory holds).
    @inlinable @inline(__always)
    public static func hash(_ key: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(key.count)
        guard let raw = key.baseAddress else { return h }
        var i = 0
        let n = key.count
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(raw.load(fromByteOffset: i, as: UInt8.self)) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 29
        return h
    }

    /// The entry holding `key`, if any.
    @inlinable @inline(__always)
    public func find(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int? {
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        var slot = Int(truncatingIfNeeded: hash) & mask
        return arena.withUnsafeBufferPointer { keys -> Int? in
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                if slotHashes[slot] == tag {
                    let e = Int(entry - 1)
                    let start = offsets[e], length = offsets[e + 1] - start
                    if length == key.count, Self.equal(keys.baseAddress! + start, key.baseAddress, length) {
                        return e
                    }
                }
                slot = (slot + 1) & mask
            }
        }
    }

    @inlinable public func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? { find(key, hash: Self.hash(key)) }

    /// Compares short keys inline, eight bytes at a time (most pieces are a few bytes; a call to
    /// memcmp costs more than the compare).
    @inlinable @inline(__always)
    static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>?, _ count: Int) -> Bool {
        guard count > 0, let b else { return true }
        var i = 0
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b)
        while i + 8 <= count {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self) != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// A copy that shares no storage with this table, for a thread of its own: reading arrays
    /// shared between threads costs atomic reference counting on one cache line.
    public func privateCopy() -> ByteKeyTable {
        var copy = self
        copy.arena = arena.privateCopy()
        copy.offsets = offsets.privateCopy()
        copy.slots = slots.privateCopy()
        copy.slotHashes = slotHashes.privateCopy()
        return copy
    }

    public func find(_ key: [UInt8]) -> Int? { key.withUnsafeBufferPointer { find($0) } }

    /// The entry holding `key`, adding it (as entry `count`) if new. `inserted` says which.
    @inlinable @inline(__always)
    public mutating func insert(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> (entry: Int, inserted: Bool) {
        if let e = find(key, hash: hash) { return (e, false) }
        return (append(key, hash: hash), true)
    }

    /// Adds a key known to be absent, as entry `count`.
    @usableFromInline mutating func append(_ key: UnsafeBufferPointer<UInt8>, hash: UInt64) -> Int {
        if (count + 1) * 2 > slots.count { grow() }
        let e = count
        arena.append(contentsOf: key)
        offsets.append(arena.count)
        place(entry: e, hash: hash)
        return e
    }

    public mutating func insert(_ key: [UInt8]) -> (entry: Int, inserted: Bool) {
        key.withUnsafeBufferPointer { insert($0, hash: Self.hash($0)) }
    }

    public mutating func removeAll() {
        arena.removeAll(keepingCapacity: true)
        offsets = [0]
        for i in slots.indices { slots[i] = 0 }
    }

    mutating func place(entry: Int, hash: UInt64) {
        var slot = Int(truncatingIfNeeded: hash) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(entry + 1)
        slotHashes[slot] = UInt32(truncatingIfNeeded: hash >> 32)
    }

    mutating func grow() {
        let size = slots.count * 2
        slots = [UInt32](repeating: 0, count: size)
        slotHashes = [UInt32](repeating: 0, count: size)
        mask = size - 1
        for e in 0..<count {
            let h = arena.withUnsafeBufferPointer { keys in
                Self.hash(UnsafeBufferPointer(rebasing: keys[offsets[e]..<offsets[e + 1]]))
            }
            place(entry: e, hash: h)
        }
    }
}

extension Array where Element: BitwiseCopyable {
    /// The same elements in a buffer of their own.
    public func privateCopy() -> [Element] {
        [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            _ = withUnsafeBufferPointer { buffer.initialize(fromContentsOf: $0) }
            initialized = count
        }
    }
}
