import WinnowCore

/// Spherical k-means on unit vectors (similarity is the dot product): k-means++ seeding from a
/// seeded generator, then Lloyd's iterations, each assigning every vector to its most similar
/// centroid (one matrix product) and moving each centroid to the normalised mean of its
/// members, until no assignment changes. The same vectors and seed give the same centroids.
struct KMeans {
    let dimension: Int
    let method: SemanticSettings.Similarity

    /// `k` centroids (k·d numbers) for the `vectors` (n·d numbers, n ≥ k).
    func train(_ vectors: [Float], k: Int, iterations: Int, seed: UInt64) -> [Float] {
        let d = dimension, n = vectors.count / d
        var centroids = seedCentroids(vectors, k: k, seed: seed)
        var assignment = [Int](repeating: -1, count: n)
        for _ in 0..<iterations {
            let next = assign(vectors, to: centroids)
            if next == assignment { break }
            assignment = next
            var sums = [Float](repeating: 0, count: k * d)
            var counts = [Int](repeating: 0, count: k)
            for i in 0..<n {
                counts[assignment[i]] += 1
                for j in 0..<d { sums[assignment[i] * d + j] += vectors[i * d + j] }
            }
            sums.withUnsafeMutableBufferPointer { s in
                for c in 0..<k where counts[c] > 0 {
                    let row = UnsafeMutableBufferPointer(rebasing: s[(c * d)..<((c + 1) * d)])
                    // An emptied cluster keeps its centroid; a zero mean cannot be a direction.
                    if SimilarityMatrix.normalize(row) { for j in 0..<d { centroids[c * d + j] = row[j] } }
                }
            }
        }
        return centroids
    }

    /// The most similar centroid of each vector (the first of equals).
    func assign(_ vectors: [Float], to centroids: [Float]) -> [Int] {
        let d = dimension, n = vectors.count / d, k = centroids.count / d
        guard n > 0 else { return [] }
        // In blocks of rows, so the n·k similarities never all exist at once.
        let block = max(1, min(n, (1 << 22) / max(1, k)))
        var result = [Int](repeating: 0, count: n)
        var similarities = [Float](repeating: 0, count: block * k)
        vectors.withUnsafeBufferPointer { x in
            centroids.withUnsafeBufferPointer { c in
                similarities.withUnsafeMutableBufferPointer { s in
                    var start = 0
                    while start < n {
                        let rows = min(block, n - start)
                        SimilarityMatrix.multiply(UnsafeBufferPointer(rebasing: x[(start * d)..<((start + rows) * d)]), rows: rows,
                                                  c, rows: k, dimension: d, into: s, using: method)
                        for r in 0..<rows {
                            var best = 0
                            for j in 1..<k where s[r * k + j] > s[r * k + best] { best = j }
                            result[start + r] = best
                        }
                        start += rows
                    }
                }
            }
        }
        return result
    }

    /// k-means++ for cosine distance: the first centroid at random, each next one a vector
    /// drawn with probability proportional to its squared distance (1 − similarity) to the
    /// nearest centroid so far.
    private func seedCentroids(_ vectors: [Float], k: Int, seed: UInt64) -> [Float] {
        let d = dimension, n = vectors.count / d
        var random = SplitMix64(seed: seed)
        var chosen = [random.below(n)]
        var nearest = [Float](repeating: .infinity, count: n)
        while chosen.count < k {
            let last = chosen[chosen.count - 1]
            var total = 0.0
            for i in 0..<n {
                var dot: Float = 0
                for j in 0..<d { dot += vectors[i * d + j] * vectors[last * d + j] }
                let distance = max(0, 1 - dot)
                nearest[i] = min(nearest[i], distance * distance)
                total += Double(nearest[i])
            }
            guard total > 0 else {
                // Fewer distinct directions than k: take the next vectors in order.
                chosen.append((chosen.count) % n)
                continue
            }
            var target = random.unit() * total
            var pick = n - 1
            for i in 0..<n {
                target -= Double(nearest[i])
                if target < 0 { pick = i; break }
            }
            chosen.append(pick)
        }
        return chosen.flatMap { vectors[($0 * d)..<(($0 + 1) * d)] }
    }
}
