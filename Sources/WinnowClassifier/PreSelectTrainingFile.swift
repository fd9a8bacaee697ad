import WinnowCore

/// Writes PreSelect's fastText training file: `__label__1 text` for positives and
/// `__label__0 text` for negatives, line breaks in the text turned into spaces (as PreSelect's
/// training script does), in a seeded random order (SGD sees the classes mixed).
public enum PreSelectTrainingFile {
    public static func write(positives: [String], negatives: [String], texts: [String: [UInt8]], seed: UInt64,
                             to path: String) throws {
        var lines = positives.map { ("1", $0) } + negatives.map { ("0", $0) }
        var random = SplitMix64(seed: seed)
        lines.shuffle(using: &random)
        var out: [UInt8] = []
        for (label, id) in lines {
            out.append(contentsOf: "__label__\(label) ".utf8)
            for b in texts[id] ?? [] { out.append(b == 0x0A || b == 0x0D ? 0x20 : b) }
            out.append(0x0A)
        }
        try writeFileAtomically(path, out)
    }
}
