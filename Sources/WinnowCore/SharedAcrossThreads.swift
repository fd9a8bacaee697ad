/// A value handed to `DispatchQueue.concurrentPerform` workers that the compiler cannot prove
/// safe to share, typically a buffer pointer: the caller promises that the workers only read it,
/// or that each writes elements no other worker touches.
public struct SharedAcrossThreads<Value>: @unchecked Sendable {
    public let value: Value
    public init(_ value: Value) { self.value = value }
}
