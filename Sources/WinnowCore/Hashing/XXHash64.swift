/// XXH64 (Yann Collet's xxHash, 64-bit variant), written from its published specification
/// (github.com/Cyan4973/xxHash, doc/xxhash_spec.md). Two users: MinHash shingles, where
/// datatrove's default is `xxhash.xxh64_intdigest` (seed 0) and equal values are what makes
/// clusters equal, and the streaming checksum of sealed intermediate files, which is why it
/// can be fed in pieces.
public struct XXHash64 {
    @usableFromInline static let prime1: UInt64 = 0x9E37_79B1_85EB_CA87
    @usableFromInline static let prime2: UInt64 = 0xC2B2_AE3D_27D4_EB4F
    @usableFromInline static let prime3: UInt64 = 0x1656_67B1_9E37_79F9
    @usableFromInline static let prime4: UInt64 = 0x85EB_CA77_C2B2_AE63
    @usableFromInline static let prime5: UInt64 = 0x27D4_EB2F_1656_67C5

    private let seed: UInt64
    private var lanes: (UInt64, UInt64, UInt64, UInt64)
    /// Bytes not yet consumed as a 32-byte stripe.
    private var pending: [UInt8] = []
    private var total: UInt64 = 0

    public init(seed: UInt64 = 0) {
        self.seed = seed
        lanes = (seed &+ Self.prime1 &+ Self.prime2, seed &+ Self.prime2, seed, seed &- Self.prime1)
        pending.reserveCapacity(32)
    }

    /// The hash of `bytes` in one call.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64 = 0) -> UInt64 {
        let n = bytes.count
        guard let base = bytes.baseAddress else { return finish(seed &+ prime5, tail: bytes, total: 0) }
        var i = 0
        var h: UInt64
        if n >= 32 {
            var v1 = seed &+ prime1 &+ prime2, v2 = seed &+ prime2, v3 = seed, v4 = seed &- prime1
            while i + 32 <= n {
                v1 = round(v1, base.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
                v2 = round(v2, base.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian)
                v3 = round(v3, base.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).littleEndian)
                v4 = round(v4, base.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).littleEndian)
                i += 32
            }
            h = converge(v1, v2, v3, v4)
        } else {
            h = seed &+ prime5
        }
        return finish(h, tail: UnsafeRawBufferPointer(rebasing: bytes[i...]), total: UInt64(n))
    }

    public static func hash(_ bytes: [UInt8], seed: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { hash($0, seed: seed) }
    }

    /// Feeds more bytes.
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        total &+= UInt64(bytes.count)
        var input = bytes[...]
        if !pending.isEmpty {
            let take = min(32 - pending.count, input.count)
            pending.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard pending.count == 32 else { return }
            pending.withUnsafeBytes { consumeStripes(UnsafeRawBufferPointer($0)) }
            pending.removeAll(keepingCapacity: true)
        }
        let whole = input.count & ~31
        if whole > 0 { consumeStripes(UnsafeRawBufferPointer(rebasing: input.prefix(whole))) }
        pending.append(contentsOf: input.dropFirst(whole))
    }

    /// The hash of everything fed so far.
    public func finalize() -> UInt64 {
        let h = total >= 32 ? Self.converge(lanes.0, lanes.1, lanes.2, lanes.3) : seed &+ Self.prime5
        return pending.withUnsafeBytes { Self.finish(h, tail: $0, total: total) }
    }

    private mutating func consumeStripes(_ stripes: UnsafeRawBufferPointer) {
        var i = 0
        while i + 32 <= stripes.count {
            lanes.0 = Self.round(lanes.0, stripes.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
            lanes.1 = Self.round(lanes.1, stripes.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self).littleEndian)
            lanes.2 = Self.round(lanes.2, stripes.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self).littleEndian)
            lanes.3 = Self.round(lanes.3, stripes.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self).littleEndian)
            i += 32
        }
    }

    @inlinable @inline(__always)
    static func round(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        (acc &+ lane &* prime2).rotatedLeft(31) &* prime1
    }

    @inlinable @inline(__always)
    static func merge(_ acc: UInt64, _ lane: UInt64) -> UInt64 {
        ((acc ^ round(0, lane)) &* prime1) &+ prime4
    }

    @inlinable
    static func converge(_ v1: UInt64, _ v2: UInt64, _ v3: UInt64, _ v4: UInt64) -> UInt64 {
        var h = v1.rotatedLeft(1) &+ v2.rotatedLeft(7) &+ v3.rotatedLeft(12) &+ v4.rotatedLeft(18)
        h = merge(h, v1)
        h = merge(h, v2)
        h = merge(h, v3)
        return merge(h, v4)
    }

    /// Adds the length and the last (fewer than 32) bytes, then mixes.
    @inlinable
    static func finish(_ start: UInt64, tail: UnsafeRawBufferPointer, total: UInt64) -> UInt64 {
        var h = start &+ total
        var i = 0
        let n = tail.count
        while i + 8 <= n {
            h ^= round(0, tail.loadUnaligned(fromByteOffset: i, as: UInt64.self).littleEndian)
            h = h.rotatedLeft(27) &* prime1 &+ prime4
            i += 8
        }
        if i + 4 <= n {
            h ^= UInt64(tail.loadUnaligned(fromByteOffset: i, as: UInt32.self).littleEndian) &* prime1
            h = h.rotatedLeft(23) &* prime2 &+ prime3
            i += 4
        }
        while i < n {
            h ^= UInt64(tail[i]) &* prime5
            h = h.rotatedLeft(11) &* prime1
            i += 1
        }
        h ^= h >> 33
        h &*= prime2
        h ^= h >> 29
        h &*= prime3
        h ^= h >> 32
        return h
    }
}

extension UInt64 {
    @inlinable @inline(__always)
    func rotatedLeft(_ bits: UInt64) -> UInt64 { (self << bits) | (self >> (64 &- bits)) }
}
