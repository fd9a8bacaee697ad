/// A polynomial hash of a sequence of Unicode scalars, modulo 2^64, that can be combined:
/// hash(a + b) = hash(a) · B^len(b) + hash(b). Repetition statistics compare n-grams made by
/// joining words (with or without a separator) by these hashes instead of building the joined
/// strings; two different n-grams share a hash with probability about 2^-64.
public struct PolynomialHash: Hashable, Sendable {
    public var value: UInt64
    /// B^length.
    public var power: UInt64

    @inlinable public static var base: UInt64 { 0x100_0000_01B3 | 1 }

    public static let empty = PolynomialHash(value: 0, power: 1)

    @inlinable public init(value: UInt64, power: UInt64) {
        self.value = value
        self.power = power
    }

    /// Inlinable so that callers get it specialised for their collection type.
    @inlinable public init<S: Sequence>(_ scalars: S) where S.Element == Unicode.Scalar {
        var value: UInt64 = 0, power: UInt64 = 1
        for s in scalars {
            value = value &* PolynomialHash.base &+ UInt64(s.value) &+ 1
            power = power &* PolynomialHash.base
        }
        self.init(value: value, power: power)
    }

    /// The hash of `self` followed by `next`.
    @inlinable @inline(__always)
    public func appending(_ next: PolynomialHash) -> PolynomialHash {
        PolynomialHash(value: value &* next.power &+ next.value, power: power &* next.power)
    }

    public static func == (a: PolynomialHash, b: PolynomialHash) -> Bool { a.value == b.value && a.power == b.power }
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}
