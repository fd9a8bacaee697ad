/// The few things read from S3's XML answers (listings, upload ids, error codes): the text of
/// elements by name, entities decoded. S3's answers are flat enough that no tree is needed.
struct XMLScan {
    let text: String

    init(_ bytes: [UInt8]) { text = String(decoding: bytes, as: UTF8.self) }
    init(text: String) { self.text = text }

    /// The text of every `<name>…</name>`, in order.
    func all(_ name: String) -> [String] {
        var found: [String] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "<\(name)>") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstRange(of: "</\(name)>") else { break }
            found.append(Self.decode(rest[..<close.lowerBound]))
            rest = rest[close.upperBound...]
        }
        return found
    }

    func first(_ name: String) -> String? { all(name).first }

    /// Each `<name>…</name>` block as its own scan (a listing's `<Contents>`, `<Upload>`).
    func blocks(_ name: String) -> [XMLScan] {
        var found: [XMLScan] = []
        var rest = text[...]
        while let open = rest.firstRange(of: "<\(name)>") {
            rest = rest[open.upperBound...]
            guard let close = rest.firstRange(of: "</\(name)>") else { break }
            found.append(XMLScan(text: String(rest[..<close.lowerBound])))
            rest = rest[close.upperBound...]
        }
        return found
    }

    static func decode(_ text: Substring) -> String {
        guard text.contains("&") else { return String(text) }
        var out = ""
        var rest = text
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": out += "&"
            case "lt": out += "<"
            case "gt": out += ">"
            case "quot": out += "\""
            case "apos": out += "'"
            default:
                let number = entity.hasPrefix("#x") ? UInt32(entity.dropFirst(2), radix: 16) : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let number, let scalar = Unicode.Scalar(number) { out.unicodeScalars.append(scalar) } else { out += "&\(entity);" }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return out + rest
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
