import WinnowCore

/// Before any task runs: every `s3://` input and output bucket answers a listing with these
/// credentials, and every web input answers, so a missing bucket, a wrong key or a denied
/// request is one clear error at the start rather than a failure in every task.
enum StorageCheck {
    static func run(_ pipeline: Pipeline) throws {
        var checked: Set<String> = []
        let places = pipeline.input + pipeline.steps.compactMap(\.output)
        for place in places where StoragePath.isRemote(place) && checked.insert(place).inserted {
            switch StoragePath(place) {
            case let .s3(bucket, key):
                let prefix = key.firstIndex(where: { "*?[".contains($0) }).map { String(key[..<$0]) } ?? key
                try ObjectStore.checkAccess(bucket: bucket, prefix: prefix)
            case .web:
                _ = try ObjectStore.size(place)
            case .local:
                break
            }
        }
    }
}
