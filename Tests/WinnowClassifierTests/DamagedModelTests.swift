import Foundation
import Testing
import WinnowCore
@testable import WinnowClassifier

/// Damaged fastText models (issue 22): every size or count read from the file is checked against
/// the bytes that remain before it is multiplied or allocated, so a damaged file is an error
/// naming the file, the field and the offset, never a trap.
@Suite struct DamagedModelTests {
    static let fixtures = String(#filePath.dropLast("DamagedModelTests.swift".count)) + "Fixtures"
    static let repository = String(#filePath.dropLast("Tests/WinnowClassifierTests/DamagedModelTests.swift".count))

    /// Loads `bytes` with the little-endian `value` written at `offset`; the error's text, or nil
    /// if the damaged model still loads.
    func load(_ bytes: [UInt8], setting value: Int64, width: Int, at offset: Int) throws -> String? {
        var damaged = bytes
        withUnsafeBytes(of: value.littleEndian) { for k in 0..<width { damaged[offset + k] = $0[k] } }
        let path = NSTemporaryDirectory() + "damaged-\(UUID().uuidString).bin"
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try FastTextModel(path: path)
            return nil
        } catch let error as WinnowError {
            #expect(error.description.hasPrefix(path))
            return error.description
        }
    }

    /// The reproduction: the input matrix's row count in preselect.bin set to 2^62.
    @Test func inputMatrixRowCountOf2To62() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.repository + "Pipelines/preselect/preselect.bin")))
        let message = try #require(try load(bytes, setting: 1 << 62, width: 8, at: 507525))
        #expect(message.contains("input matrix of 4611686018427387904 rows"))
        #expect(message.contains("byte offset 507525"))
    }

    /// Offsets of the header fields of a fastText file, found by walking it as the reader does.
    struct Layout {
        var dictionarySize = 64, nwords = 68, nlabels = 72, pruneSize = 84
        var pruneValues: [Int] = []
        var inputRows = 0, inputCodeSize = 0, outputRows = 0

        init(_ bytes: [UInt8]) {
            func int64(_ at: Int) -> Int64 { bytes[at..<at + 8].reversed().reduce(0) { $0 << 8 | Int64($1) } }
            func int32(_ at: Int) -> Int { Int(Int32(truncatingIfNeeded: int64(at) & 0xFFFF_FFFF)) }
            var at = 92
            for _ in 0..<int32(dictionarySize) { at = bytes[at...].firstIndex(of: 0)! + 1 + 9 }
            let prune = max(Int(int64(pruneSize)), 0)
            pruneValues = (0..<prune).map { at + 8 * $0 + 4 }
            at += 8 * prune
            let quantised = bytes[at] != 0
            at += 1
            if quantised {
                inputRows = at + 1
                inputCodeSize = at + 17
            } else {
                inputRows = at
                at += 16 + 4 * Int(int64(at)) * Int(int64(at + 8))
                outputRows = at + 1
            }
        }
    }

    @Test(arguments: ["softmax.bin", "pruned.ftz", "plain.ftz"])
    func extremeCountsAreErrors(fixture: String) throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + fixture)))
        let layout = Layout(bytes)
        var fields: [(offset: Int, width: Int)] = [(layout.dictionarySize, 4), (layout.nwords, 4), (layout.nlabels, 4), (layout.pruneSize, 8),
                                                   (layout.inputRows, 8), (layout.inputRows + 8, 8)]
        if layout.inputCodeSize > 0 { fields.append((layout.inputCodeSize, 4)) }
        if layout.outputRows > 0 { fields += [(layout.outputRows, 8), (layout.outputRows + 8, 8)] }
        fields += layout.pruneValues.prefix(3).map { ($0, 4) }
        for field in fields {
            // Values no field of these models may hold (a negative pruneidx_size is legal: "not pruned").
            let values: [Int64] = field.width == 4 ? [-1, Int64(Int32.max), Int64(Int32.min)] : [-1, 1 << 62, Int64.max, Int64(Int32.max)]
            for limited in values {
                let original = bytes[field.offset..<field.offset + field.width].reversed().reduce(Int64(0)) { $0 << 8 | Int64($1) }
                if original == (field.width == 4 ? limited & 0xFFFF_FFFF : limited) { continue }
                #expect(try load(bytes, setting: limited, width: field.width, at: field.offset) != nil,
                        "\(fixture): \(limited) at byte \(field.offset) (of \(original)) was accepted")
            }
        }
    }
}
