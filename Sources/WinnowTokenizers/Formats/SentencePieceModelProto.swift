import WinnowCore

/// What a sentencepiece `.model` file (a proto2 `ModelProto`, src/sentencepiece_model.proto)
/// holds: what encoding and decoding need, and the training options (`trainer_spec`) as they
/// are on the wire, so a model is written back with them.
struct SentencePieceModelProto: Sendable {
    /// `ModelProto.SentencePiece.Type`.
    enum PieceType: UInt64, Sendable {
        case normal = 1, unknown, control, userDefined, unused, byte
    }

    struct Piece: Sendable {
        var bytes: [UInt8] = []
        var score: Float = 0
        var type = PieceType.normal
    }

    /// `TrainerSpec.ModelType`.
    enum ModelType: UInt64, Sendable {
        case unigram = 1, bpe, word, char
    }

    /// `NormalizerSpec`, with proto2's defaults.
    struct Normalizer: Sendable {
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
    /// Every field of `trainer_spec` in file order (the ones above are read from these).
    var trainerSpec: [(number: Int, value: ProtobufValue)] = []

    init() {}

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
            let value = try reader.value(field)
            trainerSpec.append((field.number, value))
            switch (field.number, value) {
            case let (3, .varint(raw)):
                guard let type = ModelType(rawValue: raw) else { throw reader.error("model_type \(raw) is not one of 1…4", at: field.offset) }
                modelType = type
            case let (24, .varint(raw)): treatWhitespaceAsSuffix = raw != 0
            case let (35, .varint(raw)): byteFallback = raw != 0
            case let (44, .bytes(surface)): unknownSurface = surface
            case (3, _), (24, _), (35, _), (44, _):
                throw reader.error("field \(field.number) has the wrong wire type", at: field.offset)
            default: break
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

extension SentencePieceModelProto {
    /// The `.model` bytes: pieces, then `trainer_spec` as recorded, then `normalizer_spec`
    /// (every field written, so no reader relies on proto2 defaults).
    func serialized() -> [UInt8] {
        var out = ProtobufWriter()
        for piece in pieces {
            var message = ProtobufWriter()
            message.field(1, .bytes(piece.bytes))
            message.float(2, piece.score)
            if piece.type != .normal { message.field(3, .varint(piece.type.rawValue)) }
            out.message(1, message)
        }
        var trainer = ProtobufWriter()
        for field in trainerSpec { trainer.field(field.number, field.value) }
        out.message(2, trainer)
        var spec = ProtobufWriter()
        spec.string(1, normalizer.name)
        if !normalizer.charsMap.isEmpty { spec.field(2, .bytes(normalizer.charsMap)) }
        spec.bool(3, normalizer.addDummyPrefix)
        spec.bool(4, normalizer.removeExtraWhitespaces)
        spec.bool(5, normalizer.escapeWhitespaces)
        out.message(3, spec)
        return out.bytes
    }
}
