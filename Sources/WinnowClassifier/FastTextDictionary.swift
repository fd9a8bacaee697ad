import CLinux
import WinnowCore

/// The features of one line and the buffers used to find them, reused from line to line.
public final class LineFeatures {
    /// Feature ids: word ids, character n-gram buckets, word n-gram buckets.
    public internal(set) var words: [Int32] = []
    /// Label indices (0-based among labels).
    public internal(set) var labels: [Int32] = []
    var hashes: [Int32] = []
    /// Token byte ranges, their cache hashes, and their fastText hashes when computed ahead (an
    /// empty range is the end-of-line token).
    var tokens: [(start: Int, end: Int, cacheHash: UInt64, hash: UInt32?)] = []
    /// Optional only so that `features` can take it out for the call (see there).
    var cache: TokenFeatureCache? = TokenFeatureCache()
    /// The tokens' ids as they are found, before they become `words` (written without
    /// `Array.append`'s per-token checks and copy call).
    let tokenIDs = GrowableBuffer<Int32>(capacity: 1 << 10)

    public init() {}
}

/// fastText's dictionary: the vocabulary of words and labels, and the mapping from a line of
/// text to feature ids (word ids, character n-gram buckets, word n-gram buckets) exactly as
/// fastText computes them (`dictionary.cc`, methods.md §2.2).
public final class FastTextDictionary: Sendable {
    public enum EntryKind: Int8, Sendable { case word = 0, label = 1 }

    public struct Entry: Sendable {
        public var word: [UInt8]
        public var count: Int64
        public var kind: EntryKind
    }

    public let entries: [Entry]
    public let nwords: Int32
    public let nlabels: Int32
    /// Tokens in the training data (words, labels and end-of-line markers).
    public let ntokens: Int64
    /// fastText's pruned n-gram index (bucket → row), present in quantised models with a cutoff;
    /// nil when the model is not pruned. An empty index means no n-gram features at all.
    let pruneIndex: [Int32: Int32]?
    let bucket: Int32
    /// ⌈2^64 / bucket⌉, for `bucketOf`.
    private let bucketReciprocal: UInt64
    let minn: Int32
    let maxn: Int32
    let wordNgrams: Int32
    let labelPrefix: [UInt8]
    /// A slot of the open-addressing word table: the word's hash, id and where its bytes are,
    /// so a probe costs one cache line plus the bytes it compares.
    struct Slot {
        var hash: UInt32
        var id: Int32
        var start: UInt32
        var length: UInt32
        static let empty = Slot(hash: 0, id: -1, start: 0, length: 0)
    }

    private let table: [Slot]
    private let tableMask: Int
    /// All words' bytes back to back.
    private let wordBytes: [UInt8]

    static let endOfSentence = Array("</s>".utf8)
    static let beginOfWord: UInt8 = 0x3C // <
    static let endOfWord: UInt8 = 0x3E // >

    init(entries: [Entry], ntokens: Int64, pruneIndex: [Int32: Int32]?, args: FastTextArgs) {
        self.entries = entries
        nwords = Int32(entries.filter { $0.kind == .word }.count)
        nlabels = Int32(entries.count) - nwords
        self.ntokens = ntokens
        self.pruneIndex = pruneIndex
        prunedBuckets = pruneIndex.map { PrunedBuckets($0, buckets: Int(max(args.bucket, 0))) }
        bucket = args.bucket
        bucketReciprocal = args.bucket > 0 ? (UInt64.max / UInt64(args.bucket)) &+ 1 : 0
        minn = args.minn
        maxn = args.maxn
        wordNgrams = args.wordNgrams
        labelPrefix = Array(args.labelPrefix.utf8)
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        var table = [Slot](repeating: .empty, count: size)
        var bytes: [UInt8] = []
        for (i, entry) in entries.enumerated() {
            let h = FastTextDictionary.hash(entry.word)
            var slot = Int(h) & (size - 1)
            while table[slot].id != -1 { slot = (slot + 1) & (size - 1) }
            // Vocabularies hold millions of words, not gigabytes of them; 32-bit offsets suffice.
            table[slot] = Slot(hash: h, id: Int32(i), start: UInt32(truncatingIfNeeded: bytes.count), length: UInt32(entry.word.count))
            bytes.append(contentsOf: entry.word)
        }
        self.table = table
        tableMask = size - 1
        wordBytes = bytes
    }

    /// fastText's word hash: 32-bit FNV-1a over the bytes taken as signed chars.
    @inline(__always)
    static func hash<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var h: UInt32 = 2_166_136_261
        for b in bytes { h = (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: b)))) &* 16_777_619 }
        return h
    }

    /// The id of a word or label, or -1.
    func id(of word: UnsafeBufferPointer<UInt8>, hash: UInt32) -> Int32 {
        table.withUnsafeBufferPointer { table in
            wordBytes.withUnsafeBufferPointer { bytes in
                var slot = Int(hash) & tableMask
                while true {
                    let entry = table[slot]
                    if entry.id < 0 { return -1 }
                    if entry.hash == hash, Int(entry.length) == word.count,
                       memcmp(bytes.baseAddress! + Int(entry.start), word.baseAddress!, word.count) == 0 {
                        return entry.id
                    }
                    slot = (slot + 1) & tableMask
                }
            }
        }
    }

    /// Starts loading the table slot a hash will probe, ahead of the lookup.
    @inline(__always)
    func prefetchSlot(_ hash: UInt32) {
        table.withUnsafeBufferPointer { clinux_prefetch($0.baseAddress! + (Int(hash) & tableMask)) }
    }

    public func label(_ index: Int32) -> String {
        String(decoding: entries[Int(nwords + index)].word, as: UTF8.self)
    }

    public var labels: [String] { (0..<nlabels).map(label) }

    public var labelCounts: [Int64] { entries[Int(nwords)...].map(\.count) }

    func isLabel(_ word: UnsafeBufferPointer<UInt8>) -> Bool {
        word.count >= labelPrefix.count && memcmp(word.baseAddress!, labelPrefix, labelPrefix.count) == 0
    }

    /// The pruned index in the form looked up per n-gram; nil when the model is not pruned.
    private let prunedBuckets: PrunedBuckets?

    @inline(__always)
    private func pushBucket(_ id: Int64, into features: inout [Int32]) {
        if id < 0 { return }
        if let prunedBuckets {
            guard id < Int64(bucket), let row = prunedBuckets.row(of: Int(id)) else { return }
            features.append(nwords + row)
        } else {
            features.append(nwords + Int32(id))
        }
    }

    /// Character n-gram buckets of `<word>`, n = minn…maxn counted in UTF-8 characters (read
    /// through the word with the `<` `>` padding implied, without building the padded copy).
    func appendSubwords(of word: UnsafeBufferPointer<UInt8>, into features: inout [Int32]) {
        guard maxn > 0, bucket > 0 else { return }
        let first = features.count
        appendBuckets(of: word, into: &features)
        // Then buckets → rows, read at random: the first pass has started loading every entry,
        // so these reads overlap instead of waiting one by one.
        if let prunedBuckets {
            var kept = first
            for k in first..<features.count {
                if let row = prunedBuckets.row(of: Int(features[k])) {
                    features[kept] = nwords + row
                    kept += 1
                }
            }
            features.removeLast(features.count - kept)
        } else {
            for k in first..<features.count { features[k] += nwords }
        }
    }

    /// The bucket of each character n-gram, prefetching its pruned-table entry.
    @inline(__always)
    private func appendBuckets(of word: UnsafeBufferPointer<UInt8>, into features: inout [Int32]) {
        let n = word.count + 2
        @inline(__always) func byte(_ i: Int) -> UInt8 {
            i == 0 ? FastTextDictionary.beginOfWord : (i == n - 1 ? FastTextDictionary.endOfWord : word[i - 1])
        }
        for i in 0..<n where byte(i) & 0xC0 != 0x80 {
            var h: UInt32 = 2_166_136_261
            var j = i
            var chars: Int32 = 1
            while j < n, chars <= maxn {
                h = (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte(j))))) &* 16_777_619
                j += 1
                while j < n, byte(j) & 0xC0 == 0x80 {
                    h = (h ^ UInt32(bitPattern: Int32(Int8(bitPattern: byte(j))))) &* 16_777_619
                    j += 1
                }
                if chars >= minn, !(chars == 1 && (i == 0 || j == n)) {
                    let bucket = bucketOf(h)
                    prunedBuckets?.prefetch(Int(bucket))
                    features.append(bucket)
                }
                chars += 1
            }
        }
    }

    /// The features and labels of one line, as fastText's `getLine` computes them: tokens split
    /// on ASCII white space and NUL, a newline becomes `</s>` (which ends the line), labels are
    /// tokens starting with the label prefix. Returns the number of tokens read. With
    /// `newlinesAsSpaces`, a newline separates tokens like a space (a whole document read as one
    /// line, as if its newlines had been replaced, without copying it).
    @discardableResult
    func features(of line: UnsafeBufferPointer<UInt8>, endOfLine: Bool, newlinesAsSpaces: Bool = false, into buffers: LineFeatures) -> Int {
        // Work on local arrays (moved out of the class and back, keeping their capacity): class
        // properties would pay a dynamic exclusivity check on every append.
        var words = buffers.words, labels = buffers.labels, hashes = buffers.hashes, tokenRanges = buffers.tokens
        var cache = buffers.cache.take()!
        let tokenIDs = buffers.tokenIDs
        buffers.words = []; buffers.labels = []; buffers.hashes = []; buffers.tokens = []
        defer {
            buffers.words = words; buffers.labels = labels; buffers.hashes = hashes; buffers.tokens = tokenRanges
            buffers.cache = cache
        }
        tokenIDs.count = 0
        words.removeAll(keepingCapacity: true)
        labels.removeAll(keepingCapacity: true)
        hashes.removeAll(keepingCapacity: true)
        tokenRanges.removeAll(keepingCapacity: true)
        cache.use(with: self)
        var tokens = 0
        // Pass 1 finds the tokens, hashes them and starts loading their cache slots; pass 2
        // handles them, loading cache entries a few tokens ahead — and for a token that is
        // probably not cached, its dictionary slot (vocabularies of millions of words miss the
        // processor's caches otherwise).
        var i = 0
        let n = line.count
        let endOfSentenceCacheHash = FastTextDictionary.endOfSentence.withUnsafeBytes { ByteKeyCache.hash($0) }
        while i < n {
            let b = line[i]
            if b == 0x0A, !newlinesAsSpaces {
                tokenRanges.append((i, i, endOfSentenceCacheHash, nil))
                break
            }
            if FastTextDictionary.isSeparator(b) { i += 1; continue }
            let start = i
            while i < n, !FastTextDictionary.isSeparator(line[i]) { i += 1 }
            let cacheHash = ByteKeyCache.hash(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(line)[start..<i]))
            cache.prefetchSlot(cacheHash)
            tokenRanges.append((start, i, cacheHash, nil))
        }
        var ended = false
        let ahead = 8
        for k in tokenRanges.indices {
            let next = k + ahead
            if next < tokenRanges.count, !cache.prefetchEntry(tokenRanges[next].cacheHash), tokenRanges[next].start < tokenRanges[next].end {
                let h = FastTextDictionary.hash(UnsafeBufferPointer(rebasing: line[tokenRanges[next].start..<tokenRanges[next].end]))
                prefetchSlot(h)
                tokenRanges[next].hash = h
            }
            let (start, end, cacheHash, hash) = tokenRanges[k]
            tokens += 1
            if start == end {
                FastTextDictionary.endOfSentence.withUnsafeBufferPointer {
                    add($0, cacheHash: cacheHash, hash: nil, cache: &cache, ids: tokenIDs, labels: &labels, hashes: &hashes)
                }
                ended = true
            } else {
                let token = UnsafeBufferPointer(rebasing: line[start..<end])
                add(token, cacheHash: cacheHash, hash: hash, cache: &cache, ids: tokenIDs, labels: &labels, hashes: &hashes)
                ended = FastTextDictionary.isEndOfSentence(token)
            }
            if ended { break }
        }
        if endOfLine, !ended {
            tokens += 1
            FastTextDictionary.endOfSentence.withUnsafeBufferPointer {
                add($0, cacheHash: endOfSentenceCacheHash, hash: nil, cache: &cache, ids: tokenIDs, labels: &labels, hashes: &hashes)
            }
        }
        words.append(contentsOf: tokenIDs.elements)
        appendWordNgrams(hashes, into: &words)
        return tokens
    }

    /// Appends one token's features: its ids to `wordIDs` and its hash to `hashes` if it is a word,
    /// its label index to `labels` if it is a label. (The buffers are parameters, not captures of
    /// a local function: captured variables would pay a dynamic exclusivity check per access.)
    @inline(__always)
    private func add(_ token: UnsafeBufferPointer<UInt8>, cacheHash: UInt64, hash: UInt32?, cache: inout TokenFeatureCache,
                     ids wordIDs: GrowableBuffer<Int32>, labels: inout [Int32], hashes: inout [Int32]) {
        cache.withEntry(token, hash: cacheHash, describe: { describe(token, hash: hash, into: &$0) }) { entry in
            entry[2...].withMemoryRebound(to: Int32.self) { ids in
                if entry[0] == TokenFeatureCache.Kind.word.rawValue {
                    wordIDs.append(contentsOf: ids)
                    hashes.append(Int32(bitPattern: entry[1]))
                } else {
                    labels.append(contentsOf: ids)
                }
            }
        }
    }

    /// A token's cache entry: `[kind, hash, word id (if known) and n-gram buckets | label index]`.
    private func describe(_ token: UnsafeBufferPointer<UInt8>, hash known: UInt32?, into entry: inout [UInt32]) {
        let h = known ?? FastTextDictionary.hash(token)
        let wid = id(of: token, hash: h)
        // Entries are words first, then labels (as fastText numbers them).
        let isWord = wid < 0 ? !isLabel(token) : wid < nwords
        entry.append(isWord ? TokenFeatureCache.Kind.word.rawValue : TokenFeatureCache.Kind.label.rawValue)
        entry.append(h)
        if isWord {
            var ids: [Int32] = wid >= 0 ? [wid] : []
            if maxn > 0, !FastTextDictionary.isEndOfSentence(token) { appendSubwords(of: token, into: &ids) }
            entry.append(contentsOf: ids.lazy.map { UInt32(bitPattern: $0) })
        } else if wid >= 0 {
            entry.append(UInt32(bitPattern: wid - nwords))
        }
    }

    /// `h % bucket` without a division (Lemire, Kaser and Kurz 2019, "Faster remainder by direct
    /// computation"; exact for every 32-bit h): a miss computes one per character n-gram.
    @inline(__always)
    private func bucketOf(_ h: UInt32) -> Int32 {
        Int32(truncatingIfNeeded: (bucketReciprocal &* UInt64(h)).multipliedFullWidth(by: UInt64(UInt32(bucket))).high)
    }

    /// Whether a token is `</s>`.
    @inline(__always)
    static func isEndOfSentence(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        token.count == 4 && token[0] == 0x3C && token[1] == 0x2F && token[2] == 0x73 && token[3] == 0x3E
    }

    @inline(__always)
    static func isSeparator(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 || b == 0x0B || b == 0x0C || b == 0x00
    }

    /// Word n-gram buckets (n = 2…wordNgrams) over the token hashes, sign-extended as fastText does.
    private func appendWordNgrams(_ hashes: [Int32], into features: inout [Int32]) {
        guard wordNgrams > 1, bucket > 0 else { return }
        for i in 0..<hashes.count {
            var h = UInt64(bitPattern: Int64(hashes[i]))
            var j = i + 1
            while j < hashes.count, j < i + Int(wordNgrams) {
                h = h &* 116_049_371 &+ UInt64(bitPattern: Int64(hashes[j]))
                pushBucket(Int64(h % UInt64(bucket)), into: &features)
                j += 1
            }
        }
    }

    // MARK: file format

    static func read(_ r: inout BinaryReader, args: FastTextArgs) throws -> FastTextDictionary {
        let size = try r.int32("dictionary size")
        let nwords = try r.int32("nwords")
        let nlabels = try r.int32("nlabels")
        let ntokens = try r.int64("ntokens")
        let pruneSize = try r.int64("pruneidx_size")
        guard size >= 0, nwords >= 0, nlabels >= 0, Int64(nwords) + Int64(nlabels) == Int64(size) else {
            throw r.error("implausible dictionary sizes (size \(size), nwords \(nwords), nlabels \(nlabels))")
        }
        // An entry takes at least 10 bytes (NUL, int64 count, type byte).
        var entries: [Entry] = []
        entries.reserveCapacity(try r.count(size, of: 10, "dictionary size"))
        for i in 0..<Int(size) {
            let word = Array(try r.cString("word \(i)"))
            let count = try r.int64("count of word \(i)")
            let rawKind = Int8(bitPattern: try r.uint8("type of word \(i)"))
            guard let kind = EntryKind(rawValue: rawKind) else { throw r.error("unknown entry type \(rawKind)") }
            entries.append(Entry(word: word, count: count, kind: kind))
        }
        var prune: [Int32: Int32]?
        if pruneSize >= 0 {
            var index: [Int32: Int32] = [:]
            for _ in 0..<(try r.count(pruneSize, of: 8, "pruneidx_size")) {
                let from = try r.int32("pruneidx key")
                index[from] = try r.int32("pruneidx value")
            }
            prune = index
        }
        return FastTextDictionary(entries: entries, ntokens: ntokens, pruneIndex: prune, args: args)
    }

    func write(_ w: inout BinaryWriter) {
        w.scalar(Int32(entries.count))
        w.scalar(nwords)
        w.scalar(nlabels)
        w.scalar(ntokens)
        w.scalar(Int64(pruneIndex.map { $0.count } ?? -1))
        for entry in entries {
            w.append(entry.word)
            w.scalar(UInt8(0))
            w.scalar(entry.count)
            w.scalar(UInt8(bitPattern: entry.kind.rawValue))
        }
        for (from, to) in (pruneIndex ?? [:]).sorted(by: { $0.key < $1.key }) {
            w.scalar(from)
            w.scalar(to)
        }
    }
}
