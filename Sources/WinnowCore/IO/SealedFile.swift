/// A file one phase writes for a later one, sealed with its length and a checksum, so a later
/// phase never reads a truncated or damaged file as if it were whole: a disk filling up or a
/// task killed between write and rename is an error that names the file, not a silent loss.
///
/// Layout: the payload, then a 24-byte trailer: "WNSEALED" (8 bytes), the payload length
/// (UInt64 LE) and `ByteKeyTable.hash` of the payload (UInt64 LE).
public enum SealedFile {
    static let magic = Array("WNSEALED".utf8)
    static let trailerSize = 24

    /// Writes `payload` and its trailer atomically.
    public static func write(_ path: String, _ payload: [UInt8]) throws {
        var sealed = payload
        sealed.reserveCapacity(payload.count + trailerSize)
        var trailer = BinaryWriter()
        trailer.append(magic)
        trailer.scalar(UInt64(payload.count))
        trailer.scalar(payload.withUnsafeBytes { ByteKeyTable.hash($0) })
        sealed.append(contentsOf: trailer.bytes)
        try writeFileAtomically(path, sealed)
    }

    /// A reader over the payload, after checking the trailer; throws naming the file if the
    /// length or checksum does not match.
    public static func read(_ path: String) throws -> BinaryReader {
        var reader = try BinaryReader(path: path)
        let size = reader.bytes.count
        func damaged(_ why: String) -> WinnowError {
            .invalid("\(path): intermediate file is damaged (\(why)); redo the step with --from")
        }
        guard size >= trailerSize else { throw damaged("\(size) bytes, shorter than its trailer") }
        let trailer = UnsafeRawBufferPointer(rebasing: reader.bytes[(size - trailerSize)...])
        guard Array(trailer[0..<8]) == magic else { throw damaged("no trailer: truncated or not written by winnow") }
        let length = UInt64(littleEndian: trailer.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
        let checksum = UInt64(littleEndian: trailer.loadUnaligned(fromByteOffset: 16, as: UInt64.self))
        guard length == UInt64(size - trailerSize) else { throw damaged("trailer says \(length) bytes, file holds \(size - trailerSize)") }
        let payload = UnsafeRawBufferPointer(rebasing: reader.bytes[..<(size - trailerSize)])
        guard ByteKeyTable.hash(payload) == checksum else { throw damaged("checksum mismatch") }
        reader.limit(to: size - trailerSize)
        return reader
    }
}
