import Testing
@testable import WinnowCore

/// The WARC reader on the committed samples (Scripts/samples/make_warc.py made them with warcio
/// from Debian documentation pages).
@Suite struct WARCReaderTests {
    let samples = "\(repoRoot)/Samples/warc"

    func read(_ path: String, maxRecordBytes: Int = 0) throws -> (docs: [Document], invalid: [InvalidLine], skipped: [String: Int], replaced: Int) {
        let reader = try ShardReader(path: path, maxRecordBytes: maxRecordBytes)
        var docs: [Document] = [], invalid: [InvalidLine] = []
        while let record = try reader.next() {
            switch record {
            case let .document(doc, _): docs.append(doc)
            case let .invalid(line): invalid.append(line)
            }
        }
        return (docs, invalid, reader.skippedRecords, reader.replacedBytes)
    }

    @Test func everyCompressionIsRecognisedAndReadsTheSame() throws {
        let plain = try read("\(samples)/small.warc")
        #expect(try ShardFormat.detect(path: "\(samples)/small.warc") == .warc(.none))
        #expect(try ShardFormat.detect(path: "\(samples)/small.warc.zst") == .warc(.zstd))
        #expect(try ShardFormat.detect(path: "\(samples)/small-whole.warc.gz") == .warc(.gzip))
        #expect(plain.docs.count == 3)
        #expect(plain.invalid.isEmpty)
        let perRecord = try read("\(samples)/debian.warc.gz").docs.prefix(3)
        for other in [try read("\(samples)/small.warc.zst").docs, try read("\(samples)/small-whole.warc.gz").docs, Array(perRecord)] {
            #expect(other.map(\.id) == plain.docs.map(\.id))
            #expect(other.map(\.text) == plain.docs.map(\.text))
        }
        let first = plain.docs[0]
        #expect(first.id.hasPrefix("<urn:uuid:"))
        #expect(first.metadata["url"] == .string("https://debian-handbook.info/browse/en-US/stable/apt.html"))
        #expect(first.metadata["date"] == .string("2026-12-07T04:00:00Z"))
        #expect(first.metadata["file_path"] == .string("\(samples)/small.warc"))
        #expect(first.textString.hasPrefix("<?xml"), "the text is the page's HTML, HTTP headers removed")
    }

    @Test func recordsThatAreNotPagesAreCountedByKind() throws {
        let all = try read("\(samples)/debian.warc.gz")
        #expect(all.docs.count == 84)
        #expect(all.invalid.isEmpty)
        #expect(all.skipped == ["WARC request record": 84, "WARC metadata record": 84, "WARC warcinfo record": 1,
                                "WARC response text/css": 1, "WARC response image/png": 1])
    }

    @Test func legacyCharsetsBecomeUTF8() throws {
        let docs = try read("\(samples)/debian.warc.gz").docs
        func page(_ locale: String) -> String {
            docs.first { $0.metadata["url"] == .string("https://debian-handbook.info/browse/\(locale)/stable/apt.html") }?.textString ?? ""
        }
        // Declared in the HTTP header, in a <meta> tag, or not at all (ICU's detector).
        #expect(page("de-DE").contains("Kapitel 6. Wartung und Aktualisierung: Die APT-Tools"))
        #expect(page("ja-JP").contains("第 6 章 メンテナンスと更新、APT ツール"))
        #expect(page("fr-FR").contains("Maintenance et mise à jour"))
        #expect(page("zh-CN").contains("维护和更新：APT 工具"))
        #expect(page("ru-RU").contains("Обслуживание и обновление: инструменты APT"))
        #expect(page("es-ES").contains("Mantenimiento y actualizaciones: las herramientas APT"))
        #expect(try read("\(samples)/debian.warc.gz").replaced == 0)
    }

    @Test func chunkedAndGzippedBodiesAreUndone() throws {
        let docs = try read("\(samples)/debian.warc.gz").docs
        let plain = docs.first { $0.metadata["url"] == .string("https://debian-handbook.info/browse/en-US/stable/sect.apt-get.html") }
        let coded = docs.first { $0.metadata["url"] == .string("https://debian-handbook.info/browse/en-US/testing/sect.apt-get.html") }
        #expect(plain != nil && plain?.text == coded?.text)
    }

    @Test func damageIsQuarantinedAndReadingGoesOn() throws {
        let result = try read("\(repoRoot)/Samples/broken/damaged.warc.gz")
        #expect(result.docs.count == 3)
        #expect(result.invalid.map(\.reason) == ["WARC: truncated record (WARC-Truncated: length)",
                                                 "WARC: record does not end where its Content-Length says",
                                                 "WARC: broken gzip member"])
        #expect(result.invalid.map(\.lineNumber) == [2, 3, 4])
    }

    @Test func recordsOverTheLimitAreReadPastNotHeld() throws {
        let result = try read("\(samples)/small.warc", maxRecordBytes: 20_000)
        #expect(result.docs.count == 1)
        #expect(result.invalid.map(\.reason) == ["WARC: record over max_doc_bytes", "WARC: record over max_doc_bytes"])
    }

    @Test func wetConversionRecordsAreText() throws {
        let result = try read("\(samples)/small.warc.wet.gz")
        #expect(result.docs.count == 3)
        #expect(result.docs[0].textString.hasPrefix("Chapter\u{A0}6.\u{A0}Maintenance and Updates: The APT Tools"))
        #expect(!result.docs[0].textString.contains("<div"))
    }

    @Test func charsetDeclarationsAndBadBytes() {
        func decode(_ bytes: [UInt8], _ declared: String? = nil) -> CharsetDecoder.Decoded {
            CharsetDecoder.decode(bytes[...], declared: declared)
        }
        let meta = Array("<html><head><meta charset=\"iso-8859-1\"></head><body>caf".utf8) + [0xE9]
        #expect(decode(meta).source == "meta")
        #expect(String(decoding: decode(meta).text, as: UTF8.self).hasSuffix("café"))
        let header = decode([0x63, 0x61, 0x66, 0xE9], "ISO-8859-1")
        #expect(header.source == "http" && header.text == Array("café".utf8))
        let bom = decode([0xEF, 0xBB, 0xBF, 0x61])
        #expect(bom.source == "bom" && bom.text == [0x61])
        let bad = decode(Array("ok ".utf8) + [0xFF, 0xC3] + Array(" end".utf8), "utf-8")
        #expect(bad.replacedBytes == 2)
        #expect(String(decoding: bad.text, as: UTF8.self) == "ok \u{FFFD}\u{FFFD} end")
        #expect(CharsetDecoder.charset(inContentType: "text/html; charset=\"Shift_JIS\"") == "shift_jis")
    }

    /// Mutated copies of a WARC file (bytes overwritten, cut short, lines duplicated) never
    /// throw and never crash: damage becomes invalid records.
    @Test func mutatedWARCsNeverFailTheRead() throws {
        let original = try readFile("\(samples)/small.warc")
        let dir = try temporaryDirectory("warc-fuzz")
        var rng = SplitMix64(seed: 27)
        for round in 0..<200 {
            var bytes = original
            switch round % 4 {
            case 0:
                for _ in 0..<8 { bytes[Int(rng.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: rng.next()) }
            case 1:
                bytes.removeLast(Int(rng.next() % UInt64(bytes.count)))
            case 2:
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes.insert(contentsOf: Array("WARC/1.0\r\nContent-Length: 99999999999999999999\r\n\r\n".utf8), at: at)
            default:
                let at = Int(rng.next() % UInt64(bytes.count))
                bytes.replaceSubrange(at..<min(bytes.count, at + 100), with: Array("Content-Length: -5\r\n\r\n".utf8))
            }
            let path = "\(dir)/m\(round).warc"
            try writeFileAtomically(path, bytes)
            _ = try read(path, maxRecordBytes: 1 << 20)
        }
    }
}
