import WinnowCore
import Yams

/// Turns YAML into `ConfigNode`s (keeping line numbers) and back into a canonical text.
enum YAMLTree {
    static func parse(_ yaml: String, path: String) throws -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw WinnowError.config(path: path, line: yamlErrorLine(error), detail: "not valid YAML: \(error)")
        }
        guard let node else { throw WinnowError.config(path: path, line: nil, detail: "the file is empty") }
        return try convert(node, path: path)
    }

    private static func yamlErrorLine(_ error: YamlError) -> Int? {
        switch error {
        case let .scanner(_, _, mark, _), let .parser(_, _, mark, _), let .composer(_, _, mark, _):
            return mark.line
        default: return nil
        }
    }

    private static func convert(_ node: Node, path: String) throws -> ConfigNode {
        let line = node.mark?.line ?? 0
        switch node {
        case let .scalar(scalar):
            return ConfigNode(.scalar(scalar.string), line: line, file: path)
        case let .sequence(sequence):
            return ConfigNode(.sequence(try sequence.map { try convert($0, path: path) }), line: line, file: path)
        case let .mapping(mapping):
            let pairs = try mapping.map { pair -> (key: String, value: ConfigNode) in
                guard let key = pair.key.scalar?.string else {
                    throw WinnowError.config(path: path, line: pair.key.mark?.line, detail: "keys must be plain strings")
                }
                return (key, try convert(pair.value, path: path))
            }
            return ConfigNode(.mapping(pairs), line: line, file: path)
        case .alias:
            throw WinnowError.config(path: path, line: line, detail: "YAML aliases are not supported")
        }
    }

    /// A canonical text of a node (keys sorted), for fingerprints that ignore layout and comments;
    /// top-level keys in `leavingOut` (where a step runs, which changes no output) are left out.
    static func canonical(_ node: ConfigNode, leavingOut: Set<String> = []) -> String {
        switch node.value {
        case let .scalar(s): return "s\(s.utf8.count):\(s)"
        case let .sequence(items): return "[" + items.map { canonical($0) }.joined(separator: ",") + "]"
        case let .mapping(pairs):
            return "{" + pairs.filter { !leavingOut.contains($0.key) }.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(canonical($0.value))" }.joined(separator: ",") + "}"
        }
    }
}
