/// How a Parquet value becomes JSON (the mapping docs/formats/parquet.md documents): numbers
/// stay numbers, strings strings; dates, times and timestamps become ISO 8601 text; decimals
/// exact number literals; UUIDs their usual text; bytes without a string type UTF-8 text when
/// valid, else base64.
extension ParquetSchemaNode {
    func json(_ values: ParquetColumnValues, _ i: Int) -> JSONValue {
        switch values.type {
        case .boolean:
            return .bool(values.booleans[i])
        case .int32:
            return integer(Int64(values.int32s[i]), bits: 32)
        case .int64:
            return integer(values.int64s[i], bits: 64)
        case .float:
            return JSONValue(Double(values.floats[i]))
        case .double:
            return JSONValue(values.doubles[i])
        case .int96:
            return values.bytes.data.withUnsafeBytes { data in
                let raw = UnsafeRawBufferPointer(rebasing: data[values.bytes.range(i)])
                let nanosOfDay = raw.loadUnaligned(as: Int64.self).littleEndian
                let julianDay = Int64(raw.loadUnaligned(fromByteOffset: 8, as: Int32.self).littleEndian)
                let (days, _) = (julianDay - 2_440_588).multipliedReportingOverflow(by: 86_400_000_000_000)
                return .string(ParquetTime.timestamp(days &+ nanosOfDay, unit: .nanos, utc: false))
            }
        case .byteArray, .fixedLenByteArray:
            return values.bytes.data.withUnsafeBytes { data in
                bytesValue(UnsafeRawBufferPointer(rebasing: data[values.bytes.range(i)]))
            }
        }
    }

    private func integer(_ v: Int64, bits: Int) -> JSONValue {
        switch logicalType {
        case let .integer(_, signed) where !signed:
            return .number(bits == 32 ? String(UInt32(truncatingIfNeeded: v)) : String(UInt64(bitPattern: v)))
        case let .decimal(scale, _) where ParquetDecimal.scales.contains(scale):
            return .number(ParquetDecimal.text(negative: v < 0, magnitude: v.magnitude.bigEndianBytes, scale: scale))
        case .date:
            return .string(ParquetTime.date(days: v))
        case let .time(unit, _):
            return .string(ParquetTime.time(v, unit: unit))
        case let .timestamp(unit, utc):
            return .string(ParquetTime.timestamp(v, unit: unit, utc: utc))
        default:
            return .number(String(v))
        }
    }

    private func bytesValue(_ raw: UnsafeRawBufferPointer) -> JSONValue {
        switch logicalType {
        case .string, .enumeration, .json:
            return .string(String(decoding: raw, as: UTF8.self))
        case let .decimal(scale, _) where raw.count <= ParquetDecimal.maxBytes && ParquetDecimal.scales.contains(scale):
            return .number(ParquetDecimal.text(twosComplement: raw, scale: scale))
        case .uuid where raw.count == 16:
            var text = ""
            for (k, b) in raw.enumerated() {
                if k == 4 || k == 6 || k == 8 || k == 10 { text += "-" }
                text += String(b >> 4, radix: 16) + String(b & 15, radix: 16)
            }
            return .string(text)
        case .float16 where raw.count == 2:
            return JSONValue(ParquetHalf.double(UInt16(raw[0]) | UInt16(raw[1]) << 8))
        case .interval where raw.count == 12:
            return .array((0..<3).map { JSONValue(Int(raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self).littleEndian)) })
        default:
            if UTF8Validation.firstInvalidOffset(raw) == nil { return .string(String(decoding: raw, as: UTF8.self)) }
            return .string(Base64.encode(Array(raw)))
        }
    }
}

private extension UInt64 {
    var bigEndianBytes: [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: self >> UInt64(56 - 8 * $0)) } }
}

/// Decimal values as exact number literals.
enum ParquetDecimal {
    /// Longer unscaled values (over 150 digits, past any precision Parquet writers use) are
    /// shown as bytes: the digit conversion is quadratic in the length.
    static let maxBytes = 64
    /// Scales a file may give; a damaged schema's larger one shows the unscaled value instead
    /// of a number with millions of zeros.
    static let scales = -1000...1000

    /// A big-endian two's-complement integer (any length) scaled by 10^-scale.
    static func text(twosComplement raw: UnsafeRawBufferPointer, scale: Int) -> String {
        guard let first = raw.first else { return "0" }
        let negative = first & 0x80 != 0
        var magnitude = Array(raw)
        if negative {
            // Two's complement: invert and add one.
            var carry = true
            for k in stride(from: magnitude.count - 1, through: 0, by: -1) {
                magnitude[k] = ~magnitude[k]
                if carry { (magnitude[k], carry) = magnitude[k].addingReportingOverflow(1) }
            }
        }
        return text(negative: negative, magnitude: magnitude, scale: scale)
    }

    /// `magnitude` (big-endian, unsigned) scaled by 10^-scale, with the sign.
    static func text(negative: Bool, magnitude: [UInt8], scale: Int) -> String {
        var digits: [UInt8] = []
        var number = magnitude
        while number.contains(where: { $0 != 0 }) {
            var remainder = 0
            for k in number.indices {
                let value = remainder << 8 | Int(number[k])
                number[k] = UInt8(value / 10)
                remainder = value % 10
            }
            digits.append(UInt8(remainder) + 0x30)
        }
        if digits.isEmpty { digits = [0x30] }
        digits.reverse()
        var text = ""
        if scale > 0 {
            if digits.count <= scale { digits = [UInt8](repeating: 0x30, count: scale - digits.count + 1) + digits }
            let point = digits.count - scale
            text = String(decoding: digits[..<point], as: UTF8.self) + "." + String(decoding: digits[point...], as: UTF8.self)
        } else {
            text = String(decoding: digits, as: UTF8.self) + String(repeating: "0", count: -scale)
        }
        return (negative && digits.contains(where: { $0 != 0x30 }) ? "-" : "") + text
    }
}

/// Dates, times and timestamps as ISO 8601 text: the fraction has as many digits as the unit
/// (3, 6 or 9) and is left out when zero; a timestamp adjusted to UTC ends in `Z`.
enum ParquetTime {
    static func date(days: Int64) -> String {
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        // Wrapping: a damaged file's day count gives a wrong date, not a trap.
        let z = days &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return pad(year, 4) + "-" + pad(month, 2) + "-" + pad(day, 2)
    }

    static func perSecond(_ unit: ParquetTimeUnit) -> Int64 {
        switch unit {
        case .millis: 1_000
        case .micros: 1_000_000
        case .nanos: 1_000_000_000
        }
    }

    static func time(_ value: Int64, unit: ParquetTimeUnit) -> String {
        let scale = perSecond(unit)
        let seconds = value / scale, fraction = value % scale
        return pad(seconds / 3600, 2) + ":" + pad(seconds / 60 % 60, 2) + ":" + pad(seconds % 60, 2) + self.fraction(fraction, unit)
    }

    static func timestamp(_ value: Int64, unit: ParquetTimeUnit, utc: Bool) -> String {
        let perDay = perSecond(unit) * 86_400
        var days = value / perDay, rest = value % perDay
        if rest < 0 { days -= 1; rest += perDay }
        return date(days: days) + "T" + time(rest, unit: unit) + (utc ? "Z" : "")
    }

    private static func fraction(_ value: Int64, _ unit: ParquetTimeUnit) -> String {
        guard value != 0 else { return "" }
        let width = unit == .millis ? 3 : unit == .micros ? 6 : 9
        return "." + pad(value, width)
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let digits = String(v.magnitude)
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// IEEE 754 half precision (Parquet's FLOAT16) to Double.
enum ParquetHalf {
    static func double(_ bits: UInt16) -> Double {
        let sign: Double = bits & 0x8000 != 0 ? -1 : 1
        let exponent = Int(bits >> 10 & 0x1F), mantissa = Double(bits & 0x3FF)
        switch exponent {
        case 0: return sign * mantissa * 0x1p-24
        case 31: return mantissa == 0 ? sign * .infinity : .nan
        default: return sign * (1 + mantissa / 1024) * Double(sign: .plus, exponent: exponent - 15, significand: 1)
        }
    }
}
