import CZlib
import Foundation

/// Just enough of PNG to look at a browser's screenshot: 8-bit RGB or RGBA, not interlaced
/// (what Chromium writes), inflated with zlib and unfiltered.
struct PNGImage {
    let width: Int
    let height: Int
    let channels: Int
    let pixels: [UInt8]

    struct Unsupported: Error { let why: String }

    init(path: String) throws {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        guard data.count > 8, data[1] == 0x50, data[2] == 0x4E, data[3] == 0x47 else { throw Unsupported(why: "not a PNG") }
        func be32(_ at: Int) -> Int { Int(data[at]) << 24 | Int(data[at + 1]) << 16 | Int(data[at + 2]) << 8 | Int(data[at + 3]) }
        var at = 8, width = 0, height = 0, channels = 0
        var compressed: [UInt8] = []
        while at + 8 <= data.count {
            let length = be32(at)
            let type = String(decoding: data[(at + 4)..<(at + 8)], as: UTF8.self)
            let body = Array(data[(at + 8)..<(at + 8 + length)])
            if type == "IHDR" {
                width = be32(at + 8)
                height = be32(at + 12)
                guard body[8] == 8, body[12] == 0 else { throw Unsupported(why: "bit depth \(body[8]), interlace \(body[12])") }
                switch body[9] {
                case 2: channels = 3
                case 6: channels = 4
                default: throw Unsupported(why: "colour type \(body[9])")
                }
            } else if type == "IDAT" {
                compressed += body
            } else if type == "IEND" {
                break
            }
            at += 12 + length
        }
        let stride = width * channels
        var raw = [UInt8](repeating: 0, count: height * (stride + 1))
        var size = uLongf(raw.count)
        let status = raw.withUnsafeMutableBufferPointer { out in
            compressed.withUnsafeBufferPointer { uncompress(out.baseAddress, &size, $0.baseAddress, uLong($0.count)) }
        }
        guard status == Z_OK else { throw Unsupported(why: "zlib status \(status)") }
        var pixels = [UInt8](repeating: 0, count: height * stride)
        for y in 0..<height {
            let filter = raw[y * (stride + 1)]
            for x in 0..<stride {
                let value = Int(raw[y * (stride + 1) + 1 + x])
                let a = x >= channels ? Int(pixels[y * stride + x - channels]) : 0
                let b = y > 0 ? Int(pixels[(y - 1) * stride + x]) : 0
                let c = x >= channels && y > 0 ? Int(pixels[(y - 1) * stride + x - channels]) : 0
                let predicted: Int
                switch filter {
                case 1: predicted = a
                case 2: predicted = b
                case 3: predicted = (a + b) / 2
                case 4:
                    let p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c)
                    predicted = pa <= pb && pa <= pc ? a : pb <= pc ? b : c
                default: predicted = 0
                }
                pixels[y * stride + x] = UInt8((value + predicted) & 0xFF)
            }
        }
        self.width = width
        self.height = height
        self.channels = channels
        self.pixels = pixels
    }

    /// The share of pixels that are not white, and how many distinct colours there are.
    var inkAndColours: (ink: Double, colours: Int) {
        var ink = 0
        var colours: Set<UInt32> = []
        for p in Swift.stride(from: 0, to: pixels.count, by: channels) {
            let (r, g, b) = (pixels[p], pixels[p + 1], pixels[p + 2])
            if r < 240 || g < 240 || b < 240 { ink += 1 }
            if colours.count < 1000 { colours.insert(UInt32(r) << 16 | UInt32(g) << 8 | UInt32(b)) }
        }
        return (Double(ink) / Double(max(1, width * height)), colours.count)
    }
}
