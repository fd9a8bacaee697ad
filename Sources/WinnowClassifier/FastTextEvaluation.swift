import WinnowCore

extension FastTextModel {
    /// Precision and recall at k over a labelled file, counted as fastText's `test` counts them:
    /// lines without a label or without a word are skipped.
    public struct TestResult: Sendable {
        public var examples = 0
        public var gold = 0
        public var predicted = 0
        public var correct = 0
        public var precision: Double { predicted == 0 ? 0 : Double(correct) / Double(predicted) }
        public var recall: Double { gold == 0 ? 0 : Double(correct) / Double(gold) }
    }

    public func test(path: String, k: Int, threshold: Float) throws -> TestResult {
        let scratch = Scratch(for: self)
        var result = TestResult()
        let lines = LineReader(source: try FileSource(path: path))
        while try lines.nextLine({ (line: UnsafeRawBufferPointer) -> Void in
            let features = scratch.line
            dictionary.features(of: line.assumingMemoryBound(to: UInt8.self), endOfLine: true, into: features)
            guard !features.labels.isEmpty, !features.words.isEmpty else { return }
            let predictions = predict(features: features.words, k: k, threshold: threshold, scratch: scratch)
            result.examples += 1
            result.gold += features.labels.count
            result.predicted += predictions.count
            result.correct += predictions.filter { features.labels.contains($0.label) }.count
        }) != nil {}
        return result
    }
}
