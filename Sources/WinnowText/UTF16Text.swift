/// UTF-8 text as the UTF-16 ICU works on, remembering where each unit's scalar starts in the
/// UTF-8, so ICU's boundaries map back to byte offsets. Reused across texts (one per thread).
public struct UTF16Text {
    public private(set) var units: [UInt16] = []
    /// For each UTF-16 unit, the UTF-8 byte offset where its scalar starts.
    public private(set) var utf8Offsets: [Int32] = []
    /// The UTF-8 length of the text loaded last.
    public private(set) var utf8Count = 0

    public init() {}

    public mutating func load(_ text: UnsafeBufferPointer<UInt8>) {
        units.removeAll(keepingCapacity: true)
        utf8Offsets.removeAll(keepingCapacity: true)
        var offset = 0
        for scalar in String(decoding: text, as: UTF8.self).unicodeScalars {
            for unit in UTF16.encode(scalar)! {
                units.append(unit)
                utf8Offsets.append(Int32(offset))
            }
            offset += UTF8.width(scalar)
        }
        utf8Count = offset
    }

    /// The UTF-8 offset of UTF-16 offset `unit` (the end of the text past the last unit).
    public func utf8Offset(_ unit: Int) -> Int {
        unit < utf8Offsets.count ? Int(utf8Offsets[unit]) : utf8Count
    }
}
