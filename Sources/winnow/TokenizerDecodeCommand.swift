import ArgumentParser
import WinnowCore
import WinnowPipeline
import WinnowTokenizers

struct DecodeIDs: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Decode ids (whitespace-separated, on standard input) to the exact bytes on standard output.")

    @OptionGroup var file: TokenizerFileOptions

    func run() throws {
        let tokenizer = try file.load()
        let text = String(decoding: try reportingErrors { try readFile("/dev/stdin") }, as: UTF8.self)
        let bytes = try reportingErrors {
            let ids = try text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "," }).map { word in
                guard let id = UInt32(word) else { throw WinnowError.invalid("'\(word)' is not a token id") }
                return id
            }
            return try tokenizer.decode(ids)
        }
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(1, raw.baseAddress! + offset, raw.count - offset)
                if n <= 0 { break }
                offset += n
            }
        }
    }
}
