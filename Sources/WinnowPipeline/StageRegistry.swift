import WinnowCore
import WinnowClassifier
import WinnowDedup
import WinnowExtract
import WinnowFilters
import WinnowMix
import WinnowPack
import WinnowTokenizers

/// The stages a pipeline file may name. Adding a stage is one line here; the runner never
/// changes.
public struct StageRegistry: Sendable {
    public typealias Factory = @Sendable (SettingsReader) throws -> any Stage

    public var factories: [String: Factory]

    public var names: [String] { factories.keys.sorted() }

    public static let builtin = StageRegistry(factories: [
        FilterStage.name: { try FilterStage(settings: $0, loaders: RuleLoaders(classifiers: FastTextModel.loader)) },
        ScoreStage.name: { try ScoreStage(settings: $0) },
        TokenizerTrainStage.name: { try TokenizerTrainStage(settings: $0) },
        TokenizerEvaluateStage.name: { try TokenizerEvaluateStage(settings: $0) },
        TagStage.name: { try TagStage(settings: $0, classifiers: FastTextModel.loader) },
        MixStage.name: { try MixStage(settings: $0, loadTokenizer: { try TokenizerFiles.load(path: $0) }) },
        DedupStage.name: { try DedupStage(settings: $0, embedders: FastTextModel.embedderLoader) },
        PackStage.name: { try PackStage(settings: $0, loadTokenizer: { try TokenizerFiles.load(path: $0) }) },
        ExtractStage.name: { try ExtractStage(settings: $0) },
    ])
}
