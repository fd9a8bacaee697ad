import WinnowCore

/// What a sentencepiece `.model` file (a proto2 `ModelProto`, src/sentencepiece_model.proto)
/// holds that encoding and decoding need; the training options it also records are skipped.
struct SentencePieceModelProto {
    /// `ModelProto.SentencePiece.Type`.
    enum PieceType: UInt64 {
        case normal = 1, unknown, control, userDefined, unused, byte
    }

    struct Piece {
        var bytes: [UInt8] = []
        var score: Float = 0
        var type = PieceType.normal
    }

    /// `TrainerSpec.ModelType`.
    enum ModelType: UInt64 {
        case unigram = 1, bpe, word, char
    }

    /// `NormalizerSpec`, with proto2's defaults.
    struct Normalizer {
        var name = ""
        /// The compiled rules (empty: no character mapping, whatever the name says).
        var charsMap: [UInt8] = []
        var addDummyPrefix = true
        var removeExtraWhitespaces = true
        var escapeWhitespaces = true
    }

    var pieces: [Piece] = []
    var modelType = ModelType.unigram
    var byteFallback = false
    var treatWhitespaceAsSuffix = false
    /// What decoding writes for the unknown piece (`TrainerSpec.unk_surface`, default " ⁇ ").
    var unknownSurface = Array(" \u{2047} ".utf8)
    var normalizer = Normalizer()
    /// The rules decoding would apply (`denormalizer_spec`); only their presence is read.
    var denormalizerRules = false

    /// Field numbers from sentencepiece_model.proto.
    init(bytes: [UInt8], path: String) throws {
        var reader = ProtobufReader(bytes: bytes, path: path, context: "ModelProto")
        while let field = try reader.next() {
            switch field.number {
            case 1:
                var message = try reader.message(field, context: "ModelProto.pieces[\(pieces.count)]")
                pieces.append(try Self.piece(&message))
            case 2:
                var message = try reader.message(field, context: "ModelProto.trainer_spec")
                try readTrainerSpec(&message)
            case 3:
                var message = try reader.message(field, context: "ModelProto.normalizer_spec")
                normalizer = try Self.normalizer(&message, merging: normalizer)
            case 5:
                var message = try reader.message(field, context: "ModelProto.denormalizer_spec")
                denormalizerRules = try !Self.normalizer(&message, merging: Normalizer()).charsMap.isEmpty
            default:
                try reader.skip(field)
            }
        }
    }

    private static func piece(_ reader: inout ProtobufReader) throws -> Piece {
        var piece = Piece()
        while let field = try reader.next() {
            switch field.number {
            case 1: piece.bytes = try reader.bytes(field)
            case 2: piece.score = try reader.float(field)
            case 3:
                let raw = try reader.uint64(field)
                guard let type = PieceType(rawValue: raw) else { throw reader.error("piece type \(raw) is not one of 1…6", at: field.offset) }
                piece.type = type
            default: try reader.skip(field)
            }
        }
        return piece
    }

    private mutating func readTrainerSpec(_ reader: inout ProtobufReader) throws {
        while let field = try reader.next() {
            switch field.number {
            case 3:
                let raw = try reader.uint64(field)
                guard let type = ModelType(rawValue: raw) else { throw reader.error("model_type \(raw) is not one of 1…4", at: field.offset) }
                modelType = type
            case 24: treatWhitespaceAsSuffix = try reader.bool(field)
            case 35: byteFallback = try reader.bool(field)
            case 44: unknownSurface = try reader.bytes(field)
            default: try reader.skip(field)
            }
        }
    }

    /// A message given twice is merged, field by field, as protobuf parsers do.
    private static func normalizer(_ reader: inout ProtobufReader, merging spec: Normalizer) throws -> Normalizer {
        var spec = spec
        while let field = try reader.next() {
            switch field.number {
            case 1: spec.name = String(decoding: try reader.bytes(field), as: UTF8.self)
            case 2: spec.charsMap = try reader.bytes(field)
            case 3: spec.addDummyPrefix = try reader.bool(field)
            case 4: spec.removeExtraWhitespaces = try reader.bool(field)
            case 5: spec.escapeWhitespaces = try reader.bool(field)
            default: try reader.skip(field)
            }
        }
        return spec
    }
}
