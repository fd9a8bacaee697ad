/// GPT-2's byte-to-character mapping, in which byte-level vocabularies are written in
/// tokenizer.json: printable Latin-1 bytes map to themselves, the other 68 bytes, in increasing
/// order, to U+0100 onwards (so space is `Ġ` and `\n` is `Ċ`).
public enum ByteLevelAlphabet {
    /// The character (code point) of each byte.
    public static let scalarOfByte: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var next: UInt32 = 0x100
        for byte in 0..<256 {
            if (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte) {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = next
                next += 1
            }
        }
        return table
    }()

    /// The byte of each mapped character (only 0...0x143 are mapped).
    static let byteOfScalar: [Int16] = {
        var table = [Int16](repeating: -1, count: 0x144)
        for (byte, scalar) in scalarOfByte.enumerated() { table[Int(scalar)] = Int16(byte) }
        return table
    }()

    /// `bytes` written in the alphabet, as a vocabulary string.
    public static func encode(_ bytes: some Sequence<UInt8>) -> String {
        var text = String.UnicodeScalarView()
        for byte in bytes { text.append(Unicode.Scalar(scalarOfByte[Int(byte)])!) }
        return String(text)
    }

    /// The bytes a vocabulary string stands for, or nil if it holds a character outside the
    /// alphabet.
    public static func decode(_ token: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.unicodeScalars.count)
        for scalar in token.unicodeScalars {
            guard scalar.value < 0x144, case let byte = byteOfScalar[Int(scalar.value)], byte >= 0 else { return nil }
            bytes.append(UInt8(byte))
        }
        return bytes
    }

    /// The 256 bytes in the order HF's trainer numbers its initial alphabet: by the code point
    /// of their mapped character.
    static var bytesInCodePointOrder: [UInt8] {
        (0..<256).map { UInt8($0) }.sorted { scalarOfByte[Int($0)] < scalarOfByte[Int($1)] }
    }
}
