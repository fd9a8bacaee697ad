import CWinnowICU
import WinnowCore

/// Finds the words of a text with ICU's word-boundary rules, so that Chinese, Japanese and Thai
/// are split into words (by ICU's dictionaries) instead of counting as one giant token, and
/// punctuation and spaces are not words.
///
/// One segmenter per thread: it reuses its ICU iterator and buffers across documents.
public final class WordSegmenter {
    private let breaker: OpaquePointer
    private var utf16 = UTF16Text()

    public init() throws {
        var errorName: UnsafePointer<CChar>?
        guard let breaker = cwinnow_word_breaker_open(&errorName) else {
            throw WinnowError.invalid("ICU word break iterator: \(errorName.map { String(cString: $0) } ?? "unknown error")")
        }
        self.breaker = breaker
    }

    deinit { cwinnow_word_breaker_close(breaker) }

    /// Calls `body` with the UTF-8 byte range of every word of `text` (valid UTF-8).
    public func forEachWord(in text: [UInt8], _ body: (Range<Int>) -> Void) {
        text.withUnsafeBufferPointer { utf16.load($0) }
        let view = utf16
        view.units.withUnsafeBufferPointer { units in
            guard cwinnow_word_breaker_set_text(breaker, units.baseAddress, Int32(units.count)) == 0 else { return }
            var start = 0
            var isWord: Int32 = 0
            while case let end = Int(cwinnow_word_breaker_next(breaker, &isWord)), end >= 0 {
                if isWord != 0 { body(view.utf8Offset(start)..<view.utf8Offset(end)) }
                start = end
            }
            // The iterator points into `units`; detach it before the buffer can move.
            _ = cwinnow_word_breaker_set_text(breaker, nil, 0)
        }
    }

    public func wordCount(_ text: [UInt8]) -> Int {
        var count = 0
        forEachWord(in: text) { _ in count += 1 }
        return count
    }
}
