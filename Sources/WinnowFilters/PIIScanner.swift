import WinnowCore

/// Byte scanners for the addresses `rule: pii` replaces. Each finder, given a start position,
/// returns the end of a match there and whether it is to be replaced (a private IP address is
/// matched, so the scan goes past it as datatrove's does, but kept).
enum PIIScanner {
    typealias Finder = ([UInt8], Int) -> (end: Int, replace: Bool)?

    /// The text with every match replaced by the next placeholder in turn.
    static func replace(in text: [UInt8], find: Finder, placeholders: [String], count: inout Int, cycleFrom: Int = 0) -> [UInt8] {
        var out: [UInt8] = []
        var copied = 0
        var i = 0
        var used = cycleFrom
        while i < text.count {
            guard let match = find(text, i) else { i += 1; continue }
            if match.replace {
                out += text[copied..<i]
                out += placeholders[used % placeholders.count].utf8
                used += 1
                count += 1
                copied = match.end
            }
            i = max(match.end, i + 1)
        }
        if copied == 0 { return text }
        out += text[copied...]
        return out
    }

    // MARK: e-mail

    /// RFC 5322 atom characters (datatrove's local-part class).
    private static let atom: [Bool] = {
        var table = [Bool](repeating: false, count: 256)
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] = true }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] = true }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { table[Int(b)] = true }
        for b in "!#$%&'*+/=?^_`{|}~-".utf8 { table[Int(b)] = true }
        return table
    }()

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A)
    }

    /// A word character for `\b`: ASCII letters, digits, `_`, and any non-ASCII byte (most
    /// non-ASCII characters next to an address are letters).
    static func isWord(_ b: UInt8) -> Bool { isAlnum(b) || b == 0x5F || b >= 0x80 }

    /// An address starting at `i`: `\b`, local part (atoms separated by single dots), `@`, then
    /// as many `label.` as can be followed by a final label, labels starting and ending with a
    /// letter or digit.
    static func email(_ text: [UInt8], at i: Int) -> (end: Int, replace: Bool)? {
        guard atom[Int(text[i])] else { return nil }
        let before: Bool = i > 0 && isWord(text[i - 1])
        guard before != isWord(text[i]) else { return nil }
        var j = i
        while j < text.count, atom[Int(text[j])] || (text[j] == 0x2E && j > i && text[j - 1] != 0x2E) { j += 1 }
        guard j < text.count, text[j] == 0x40, text[j - 1] != 0x2E else { return nil }
        // Runs of label characters separated by single dots.
        var runs: [Range<Int>] = []
        var k = j + 1
        while k < text.count {
            let start = k
            while k < text.count, isAlnum(text[k]) || text[k] == 0x2D { k += 1 }
            if k == start { break }
            runs.append(start..<k)
            guard k < text.count, text[k] == 0x2E else { break }
            k += 1
        }
        func fullLabel(_ r: Range<Int>) -> Bool { isAlnum(text[r.lowerBound]) && isAlnum(text[r.upperBound - 1]) }
        var labels = 0
        while labels < runs.count - 1, fullLabel(runs[labels]) { labels += 1 }
        // The final label: the first run after the full ones that starts with a letter or digit,
        // cut after its last letter or digit.
        while labels >= 1 {
            let last = runs[labels]
            if isAlnum(text[last.lowerBound]) {
                var end = last.upperBound
                while !isAlnum(text[end - 1]) { end -= 1 }
                return (end, true)
            }
            labels -= 1
        }
        return nil
    }

    // MARK: IPv4

    /// Four octets at `i`, each tried as datatrove's alternation tries them
    /// (`25[0-5]|2[0-4][0-9]|[01]?[0-9][0-9]?`), backtracking to shorter octets when the rest
    /// does not match.
    static func ipv4(_ text: [UInt8], at i: Int, publicOnly: Bool) -> (end: Int, replace: Bool)? {
        var octets: [Int] = []
        guard let end = octetsMatch(text, i, &octets) else { return nil }
        // Python's ipaddress refuses octets with leading zeros (ambiguous: octal to some
        // parsers), so datatrove keeps such text as it is.
        var k = i
        for _ in 0..<4 {
            var n = 0
            while k + n < end, text[k + n] != 0x2E { n += 1 }
            if n > 1, text[k] == 0x30 { return (end, false) }
            k += n + 1
        }
        return (end, !publicOnly || isGlobalIPv4(octets))
    }

    private static func octetsMatch(_ text: [UInt8], _ i: Int, _ octets: inout [Int]) -> Int? {
        for length in octetLengths(text, i) {
            let value = text[i..<(i + length)].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            octets.append(value)
            let next = i + length
            if octets.count == 4 { return next }
            if next < text.count, text[next] == 0x2E, next + 1 < text.count, let end = octetsMatch(text, next + 1, &octets) {
                return end
            }
            octets.removeLast()
        }
        return nil
    }

    /// The lengths of the octets the alternation can match at `i`, in the order it tries them.
    private static func octetLengths(_ text: [UInt8], _ i: Int) -> [Int] {
        func digit(_ k: Int) -> UInt8? {
            guard k < text.count, text[k] >= 0x30, text[k] <= 0x39 else { return nil }
            return text[k] - 0x30
        }
        var lengths: [Int] = []
        guard let d0 = digit(i) else { return [] }
        if d0 == 2, let d1 = digit(i + 1), d1 == 5, let d2 = digit(i + 2), d2 <= 5 { lengths.append(3) }
        if d0 == 2, let d1 = digit(i + 1), d1 <= 4, digit(i + 2) != nil { lengths.append(3) }
        if d0 <= 1, digit(i + 1) != nil {
            lengths.append(digit(i + 2) != nil ? 3 : 2)
            if digit(i + 2) != nil { lengths.append(2) }
        }
        if digit(i + 1) != nil { lengths.append(2) }
        lengths.append(1)
        var seen: [Int] = []
        return lengths.filter { l in seen.contains(l) ? false : { seen.append(l); return true }() }
    }

    /// Python's `ipaddress.IPv4Address.is_global`: not in a private, shared, loopback,
    /// link-local, documentation, benchmarking or reserved range.
    static func isGlobalIPv4(_ o: [Int]) -> Bool {
        let a = o[0], b = o[1], c = o[2]
        switch a {
        case 0, 10, 127: return false
        case 100 where b >= 64 && b <= 127: return false
        case 169 where b == 254: return false
        case 172 where b >= 16 && b <= 31: return false
        case 192 where b == 168: return false
        case 192 where b == 0 && (c == 0 || c == 2): return false
        case 198 where b == 18 || b == 19: return false
        case 198 where b == 51 && c == 100: return false
        case 203 where b == 0 && c == 113: return false
        case 240...255: return false
        default: return true
        }
    }

    // MARK: IPv6

    /// An IPv6 address at `i`: the longest run of hex digits, colons and dots with at least two
    /// colons, not inside a word, that inet_pton accepts.
    static func ipv6(_ text: [UInt8], at i: Int, publicOnly: Bool) -> (end: Int, replace: Bool)? {
        func candidate(_ b: UInt8) -> Bool { isHex(b) || b == 0x3A || b == 0x2E }
        guard candidate(text[i]), text[i] != 0x2E else { return nil }
        if i > 0, isWord(text[i - 1]) || text[i - 1] == 0x3A || text[i - 1] == 0x2E { return nil }
        var end = i
        var colons = 0
        while end < text.count, candidate(text[end]), end - i < 45 {
            if text[end] == 0x3A { colons += 1 }
            end += 1
        }
        guard colons >= 2 else { return nil }
        if end < text.count, isWord(text[end]) { return nil }
        while end > i, text[end - 1] == 0x2E { end -= 1 }
        var address = in6_addr()
        let parsed = String(decoding: text[i..<end], as: UTF8.self).withCString { inet_pton(AF_INET6, $0, &address) }
        guard parsed == 1 else { return nil }
        let bytes = withUnsafeBytes(of: address) { Array($0) }
        return (end, !publicOnly || isGlobalIPv6(bytes))
    }

    static func isHex(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || ((b | 0x20) >= 0x61 && (b | 0x20) <= 0x66) }

    /// Python's `ipaddress.IPv6Address.is_global` for the common ranges: not unspecified,
    /// loopback, IPv4-mapped of a private address, discard (100::/64), IETF (2001::/23),
    /// documentation (2001:db8::/32), unique local (fc00::/7) or link-local (fe80::/10).
    static func isGlobalIPv6(_ b: [UInt8]) -> Bool {
        if b[0..<15].allSatisfy({ $0 == 0 }) { return false }
        if b[0..<10].allSatisfy({ $0 == 0 }), b[10] == 0xFF, b[11] == 0xFF { return isGlobalIPv4(b[12..<16].map(Int.init)) }
        if b[0] == 0x01, b[1] == 0x00, b[2..<8].allSatisfy({ $0 == 0 }) { return false }
        if b[0] == 0x20, b[1] == 0x01, b[2] <= 0x01 { return false }
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0x0D, b[3] == 0xB8 { return false }
        if b[0] & 0xFE == 0xFC { return false }
        if b[0] == 0xFE, b[1] & 0xC0 == 0x80 { return false }
        return true
    }
}
