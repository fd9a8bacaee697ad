/// A fixed set of short strings, asked whether a run of scalars is one of them without building
/// a `String` for the question (the English rules ask it for most chunks that end in a period).
/// Strings are found by their `PolynomialHash` key, then compared scalar by scalar.
public struct ScalarStringSet: Sendable {
    private let members: [UInt64: [[Unicode.Scalar]]]
    /// The longest member's scalar count: longer runs are not looked up.
    public let maxLength: Int

    public init<S: Sequence>(_ strings: S) where S.Element == String {
        var members: [UInt64: [[Unicode.Scalar]]] = [:]
        var maxLength = 0
        for string in strings {
            let scalars = Array(string.unicodeScalars)
            members[PolynomialHash(scalars).key, default: []].append(scalars)
            maxLength = max(maxLength, scalars.count)
        }
        self.members = members
        self.maxLength = maxLength
    }

    public func contains(_ run: Slice<UnsafeBufferPointer<Unicode.Scalar>>) -> Bool {
        guard run.count <= maxLength, let candidates = members[PolynomialHash(run).key] else { return false }
        return candidates.contains { $0.elementsEqual(run) }
    }
}
