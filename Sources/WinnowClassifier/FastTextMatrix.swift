import CLinux
import WinnowCore

/// A fastText weight matrix: dense float32 rows, or product-quantised rows (`.ftz`).
/// Arithmetic follows fastText's order of operations in float32, so scores match it closely.
protocol FastTextMatrix: AnyObject {
    var rows: Int { get }
    var cols: Int { get }
    func dot(row: Int, _ vector: UnsafePointer<Float>) -> Float
    /// vector += scale · row
    func add(row: Int, scaled scale: Float, to vector: UnsafeMutablePointer<Float>)
    /// vector += the given rows, in order (the hidden layer's sum, its hot loop).
    func sum(rows: [Int32], into vector: UnsafeMutablePointer<Float>)
    func write(_ w: inout BinaryWriter)
}

/// Rows of float32 in one allocation that training threads update in place without locks
/// (fastText's Hogwild), so it is a class over raw memory.
final class DenseMatrix: FastTextMatrix, @unchecked Sendable {
    let rows: Int
    let cols: Int
    let data: UnsafeMutablePointer<Float>
    /// The mapped file the rows live in, when they were not copied.
    private let mapping: AnyObject?

    init(rows: Int, cols: Int) {
        self.rows = rows
        self.cols = cols
        data = .allocate(capacity: max(1, rows * cols))
        data.initialize(repeating: 0, count: max(1, rows * cols))
        mapping = nil
    }

    /// Rows read in place from a mapped file (copy-on-write, so training may still update them).
    private init(rows: Int, cols: Int, mappedAt data: UnsafeMutablePointer<Float>, owner: AnyObject) {
        self.rows = rows
        self.cols = cols
        self.data = data
        mapping = owner
    }

    deinit { if mapping == nil { data.deallocate() } }

    static func read(_ r: inout BinaryReader, what: String) throws -> DenseMatrix {
        let rowsAt = r.offset
        let m = try r.int64("\(what) rows"), n = try r.int64("\(what) columns")
        // Checked before multiplying: both counts come from the file.
        let (floats, overflow) = m.multipliedReportingOverflow(by: n)
        guard m >= 0, n >= 0, !overflow, floats <= Int64(r.remaining / 4) else {
            throw WinnowError.invalid("\(r.path): \(what) of \(m) rows × \(n) columns (read at byte offset \(rowsAt)) does not fit in the \(r.remaining) bytes left (damaged or truncated file?)")
        }
        let values = try r.raw(Int(floats) * 4, what)
        guard let start = values.baseAddress, Int(bitPattern: start) % MemoryLayout<Float>.alignment == 0, m * n > 0 else {
            // Unaligned in the file (the dictionary before it has any length): copy.
            let matrix = DenseMatrix(rows: Int(m), cols: Int(n))
            if let start = values.baseAddress { memcpy(matrix.data, start, values.count) }
            return matrix
        }
        return DenseMatrix(rows: Int(m), cols: Int(n),
                           mappedAt: UnsafeMutableRawPointer(mutating: start).assumingMemoryBound(to: Float.self), owner: r.storage)
    }

    func write(_ w: inout BinaryWriter) {
        w.scalar(Int64(rows))
        w.scalar(Int64(cols))
        w.float32s(UnsafeBufferPointer(start: data, count: rows * cols))
    }

    @inline(__always)
    func row(_ i: Int) -> UnsafeMutablePointer<Float> { data + i * cols }

    func dot(row i: Int, _ vector: UnsafePointer<Float>) -> Float {
        let r = row(i)
        var d: Float = 0
        for j in 0..<cols { d += r[j] * vector[j] }
        return d
    }

    /// vector += the given rows, in order, fetching rows ahead of use (the rows of a large
    /// model are scattered over gigabytes, so each is a trip to memory).
    func sum(rows ids: [Int32], into vector: UnsafeMutablePointer<Float>) {
        let lookahead = 4
        let lines = (cols * 4 + 63) / 64
        ids.withUnsafeBufferPointer { ids in
            for k in 0..<min(lookahead, ids.count) { prefetch(row: Int(ids[k]), lines: lines) }
            for k in 0..<ids.count {
                if k + lookahead < ids.count { prefetch(row: Int(ids[k + lookahead]), lines: lines) }
                let r = row(Int(ids[k]))
                for j in 0..<cols { vector[j] += r[j] }
            }
        }
    }

    @inline(__always)
    private func prefetch(row i: Int, lines: Int) {
        let start = UnsafeRawPointer(row(i))
        for line in 0..<lines { clinux_prefetch(start + line * 64) }
    }

    /// row += scale · vector (training updates).
    func addToRow(_ i: Int, _ vector: UnsafePointer<Float>, scaled scale: Float) {
        let r = row(i)
        for j in 0..<cols { r[j] += scale * vector[j] }
    }

    func add(row i: Int, scaled scale: Float, to vector: UnsafeMutablePointer<Float>) {
        let r = row(i)
        if scale == 1 {
            for j in 0..<cols { vector[j] += r[j] }
        } else {
            for j in 0..<cols { vector[j] += scale * r[j] }
        }
    }
}

/// fastText's product quantiser: each row is cut into sub-vectors of `dsub` values (the last
/// `lastdsub`), each replaced by one of 256 centroids.
struct ProductQuantizer {
    let dim: Int
    let nsubq: Int
    let dsub: Int
    let lastdsub: Int
    let centroids: [Float]
    static let ksub = 256

    static func read(_ r: inout BinaryReader) throws -> ProductQuantizer {
        let dim = Int(try r.int32("pq dim")), nsubq = Int(try r.int32("pq nsubq"))
        let dsub = Int(try r.int32("pq dsub")), lastdsub = Int(try r.int32("pq lastdsub"))
        guard dim > 0, nsubq > 0, dsub > 0, lastdsub > 0, (nsubq - 1) * dsub + lastdsub == dim else {
            throw r.error("implausible product quantiser (dim \(dim), nsubq \(nsubq), dsub \(dsub), lastdsub \(lastdsub))")
        }
        return ProductQuantizer(dim: dim, nsubq: nsubq, dsub: dsub, lastdsub: lastdsub,
                                centroids: try r.float32s(dim * ksub, "pq centroids"))
    }

    func write(_ w: inout BinaryWriter) {
        for value in [dim, nsubq, dsub, lastdsub] { w.scalar(Int32(value)) }
        centroids.withUnsafeBufferPointer { w.float32s($0) }
    }

    @inline(__always)
    func centroid(_ m: Int, _ code: UInt8) -> Int {
        m == nsubq - 1 ? m * ProductQuantizer.ksub * dsub + Int(code) * lastdsub : (m * ProductQuantizer.ksub + Int(code)) * dsub
    }

    func dot(_ codes: UnsafePointer<UInt8>, _ x: UnsafePointer<Float>, alpha: Float) -> Float {
        var result: Float = 0
        centroids.withUnsafeBufferPointer { c in
            for m in 0..<nsubq {
                let base = centroid(m, codes[m])
                let d = m == nsubq - 1 ? lastdsub : dsub
                for n in 0..<d { result += x[m * dsub + n] * c[base + n] }
            }
        }
        return result * alpha
    }

    func add(_ codes: UnsafePointer<UInt8>, to x: UnsafeMutablePointer<Float>, alpha: Float) {
        centroids.withUnsafeBufferPointer { add(codes, to: x, alpha: alpha, centroids: $0.baseAddress!) }
    }

    @inline(__always)
    func add(_ codes: UnsafePointer<UInt8>, to x: UnsafeMutablePointer<Float>, alpha: Float, centroids c: UnsafePointer<Float>) {
        if dsub == 2 {
            // The usual shape (fastText's default dsub): pairs, with no inner loop.
            for m in 0..<(nsubq - 1) {
                let base = (m * ProductQuantizer.ksub + Int(codes[m])) * 2
                x[2 * m] += alpha * c[base]
                x[2 * m + 1] += alpha * c[base + 1]
            }
        } else {
            for m in 0..<(nsubq - 1) {
                let base = (m * ProductQuantizer.ksub + Int(codes[m])) * dsub
                for n in 0..<dsub { x[m * dsub + n] += alpha * c[base + n] }
            }
        }
        let m = nsubq - 1
        let base = centroid(m, codes[m])
        for n in 0..<lastdsub { x[m * dsub + n] += alpha * c[base + n] }
    }
}

/// A product-quantised matrix, optionally with quantised row norms (`qnorm`).
final class QuantMatrix: FastTextMatrix {
    let rows: Int
    let cols: Int
    let codes: [UInt8]
    let pq: ProductQuantizer
    let normCodes: [UInt8]?
    let normQuantizer: ProductQuantizer?

    init(rows: Int, cols: Int, codes: [UInt8], pq: ProductQuantizer, normCodes: [UInt8]?, normQuantizer: ProductQuantizer?) {
        self.rows = rows
        self.cols = cols
        self.codes = codes
        self.pq = pq
        self.normCodes = normCodes
        self.normQuantizer = normQuantizer
    }

    static func read(_ r: inout BinaryReader, what: String) throws -> QuantMatrix {
        let qnorm = try r.uint8("\(what) qnorm flag") != 0
        let m = try r.int64("\(what) rows"), n = try r.int64("\(what) columns")
        let codesize = try r.int32("\(what) code size")
        let codes = Array(try r.raw(try r.count(codesize, of: 1, "\(what) code size"), "\(what) codes"))
        let pq = try ProductQuantizer.read(&r)
        // Checked before multiplying: the row count comes from the file.
        let (expectedCodes, overflow) = m.multipliedReportingOverflow(by: Int64(pq.nsubq))
        guard m >= 0, Int64(pq.dim) == n, !overflow, Int64(codesize) == expectedCodes else {
            throw r.error("\(what): \(codesize) codes do not fit \(m) rows of \(n) values in \(pq.nsubq) sub-vectors")
        }
        var normCodes: [UInt8]?
        var normQuantizer: ProductQuantizer?
        if qnorm {
            normCodes = Array(try r.raw(try r.count(m, of: 1, "\(what) rows (one norm code each)"), "\(what) norm codes"))
            normQuantizer = try ProductQuantizer.read(&r)
        }
        return QuantMatrix(rows: Int(m), cols: Int(n), codes: codes, pq: pq, normCodes: normCodes, normQuantizer: normQuantizer)
    }

    func norm(_ i: Int) -> Float {
        guard let normCodes, let normQuantizer else { return 1 }
        return normQuantizer.centroids[Int(normCodes[i])]
    }

    func dot(row i: Int, _ vector: UnsafePointer<Float>) -> Float {
        codes.withUnsafeBufferPointer { pq.dot($0.baseAddress! + pq.nsubq * i, vector, alpha: norm(i)) }
    }

    func add(row i: Int, scaled scale: Float, to vector: UnsafeMutablePointer<Float>) {
        codes.withUnsafeBufferPointer { pq.add($0.baseAddress! + pq.nsubq * i, to: vector, alpha: scale * norm(i)) }
    }

    /// Adds the rows to `vector`, one after another: each element gets the same additions in
    /// the same order as `add(row:scaled: 1, to:)` row by row, with the buffers opened once.
    func sum(rows: [Int32], into vector: UnsafeMutablePointer<Float>) {
        codes.withUnsafeBufferPointer { codes in
            pq.centroids.withUnsafeBufferPointer { c in
                if pq.dim == 16, pq.dsub == 2, pq.lastdsub == 2 {
                    return sum16(rows: rows, codes: codes.baseAddress!, centroids: c.baseAddress!, into: vector)
                }
                for row in rows {
                    let i = Int(row)
                    pq.add(codes.baseAddress! + pq.nsubq * i, to: vector, alpha: 1 * norm(i), centroids: c.baseAddress!)
                }
            }
        }
    }

    /// `sum` for 16 columns in 8 pairs (lid.176's shape), the sum kept in one vector register:
    /// each column still gets `x += alpha · c` per row in row order, so the result is the same.
    private func sum16(rows: [Int32], codes: UnsafePointer<UInt8>, centroids c: UnsafePointer<Float>, into vector: UnsafeMutablePointer<Float>) {
        let raw = UnsafeRawPointer(c)
        @inline(__always) func pair(_ m: Int, _ code: UInt8) -> SIMD2<Float> {
            raw.loadUnaligned(fromByteOffset: ((m * ProductQuantizer.ksub + Int(code)) * 2) * 4, as: SIMD2<Float>.self)
        }
        var x = UnsafeRawPointer(vector).loadUnaligned(as: SIMD16<Float>.self)
        for row in rows {
            let i = Int(row)
            let k = codes + 8 * i
            let low = SIMD8(lowHalf: SIMD4(lowHalf: pair(0, k[0]), highHalf: pair(1, k[1])), highHalf: SIMD4(lowHalf: pair(2, k[2]), highHalf: pair(3, k[3])))
            let high = SIMD8(lowHalf: SIMD4(lowHalf: pair(4, k[4]), highHalf: pair(5, k[5])), highHalf: SIMD4(lowHalf: pair(6, k[6]), highHalf: pair(7, k[7])))
            x += SIMD16(repeating: 1 * norm(i)) * SIMD16(lowHalf: low, highHalf: high)
        }
        UnsafeMutableRawPointer(vector).storeBytes(of: x, as: SIMD16<Float>.self)
    }

    func write(_ w: inout BinaryWriter) {
        w.scalar(UInt8(normCodes == nil ? 0 : 1))
        w.scalar(Int64(rows))
        w.scalar(Int64(cols))
        w.scalar(Int32(codes.count))
        w.append(codes)
        pq.write(&w)
        if let normCodes, let normQuantizer {
            w.append(normCodes)
            normQuantizer.write(&w)
        }
    }
}
