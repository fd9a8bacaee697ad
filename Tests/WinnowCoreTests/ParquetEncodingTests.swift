import Testing
@testable import WinnowCore

/// The writer's two encodings, byte for byte against the format's definitions (parquet-format's
/// Encodings.md for the RLE/bit-packed hybrid, Thrift's compact protocol spec); whole files are
/// checked against pyarrow in ParquetWrittenFixtureTests.
@Suite struct ParquetEncodingTests {
    func rle(_ values: [UInt32], width: Int) -> [UInt8] {
        var out: [UInt8] = []
        values.withUnsafeBufferPointer { ParquetRLEEncoder.encode($0, bitWidth: width, into: &out) }
        return out
    }

    @Test func repeatedValuesBecomeOneRun() {
        // header = count << 1 (varint), then the value in ceil(width / 8) bytes
        #expect(rle([UInt32](repeating: 1, count: 10), width: 1) == [0x14, 0x01])
        #expect(rle([UInt32](repeating: 300, count: 200), width: 9) == [0x90, 0x03, 0x2C, 0x01])
        #expect(rle([UInt32](repeating: 0, count: 8), width: 0) == [0x10])
    }

    @Test func shortRunsAreBitPackedLeastSignificantBitFirst() {
        // one group of 8 values 0..7 at width 3: header (1 << 1) | 1, then Encodings.md's example bytes
        #expect(rle([0, 1, 2, 3, 4, 5, 6, 7], width: 3) == [0x03, 0x88, 0xC6, 0xFA])
        // a partial last group is padded with zeros
        #expect(rle([1, 0, 1], width: 1) == [0x03, 0x05])
    }

    @Test func literalsBeforeARunArePaddedToAGroupWithTheRunsValues() {
        // 3 literals + 13 sevens: the first 5 sevens complete a packed group, 8 sevens make the run
        let values: [UInt32] = [1, 2, 3] + [UInt32](repeating: 7, count: 13)
        #expect(rle(values, width: 3) == [0x03, 0xD1, 0xFE, 0xFF, 0x10, 0x07])
    }

    @Test func bitPackedRunsHoldAtMost63Groups() {
        let values = (0..<(64 * 8)).map { UInt32($0 % 2) }
        let out = rle(values, width: 1)
        #expect(out.count == 1 + 63 + 1 + 1)
        #expect(out[0] == 63 << 1 | 1 && out[64] == 1 << 1 | 1)
    }

    @Test func thriftCompactFieldsListsAndStructs() {
        var w = ThriftCompactWriter()
        w.i32(1, -1)               // delta 1, type i32 (5), zigzag(-1) = 1
        w.i64(2, 150)              // delta 1, type i64 (6), zigzag(150) = 300 = 0xAC 0x02
        w.string(20, "ab")         // delta 18 > 15: type byte, then the id as a zigzag varint (40)
        w.bool(21, true)           // bools live in the type nibble: 1 true
        w.i32List(22, [Int32](repeating: 0, count: 15)) // 15 elements: the long list header
        w.structure(23) { $0.i16(1, 3) }
        #expect(w.finish() == [0x15, 0x01, 0x16, 0xAC, 0x02, 0x08, 0x28, 0x02, 0x61, 0x62, 0x11,
                               0x19, 0xF5, 0x0F] + [UInt8](repeating: 0, count: 15) + [0x1C, 0x14, 0x06, 0x00, 0x00])
    }
}
