import Glibc

/// How to reach S3 and sign for it, found the way the AWS CLI finds it: `AWS_ACCESS_KEY_ID`,
/// `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` first, else the profile (`AWS_PROFILE`, or
/// `default`) in `~/.aws/credentials` and `~/.aws/config` (`AWS_SHARED_CREDENTIALS_FILE`,
/// `AWS_CONFIG_FILE`); the region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile; a
/// custom endpoint (MinIO, SeaweedFS, Ceph, R2, GCS) from `AWS_ENDPOINT_URL_S3`,
/// `AWS_ENDPOINT_URL` or the profile's `endpoint_url`, addressed path-style unless the profile
/// says `addressing_style = virtual`. With no credentials at all, requests go unsigned (public
/// buckets). The secret is never part of a message: `description` names only the key id's end.
public struct S3Settings: Sendable, CustomStringConvertible {
    public struct Credentials: Sendable {
        public var accessKey: String
        public var secretKey: String
        public var sessionToken: String?
    }

    public var credentials: Credentials?
    public var region: String
    /// `scheme://host[:port]` without a trailing slash; nil for AWS itself.
    public var endpoint: String?
    public var pathStyle: Bool
    /// Where the credentials came from, for messages ("environment", "profile 'x'").
    public var credentialSource: String

    /// The settings of this process's environment, read once.
    public static let current: S3Settings = load(environment: processEnvironment())

    public static func load(environment env: [String: String]) -> S3Settings {
        let home = env["HOME"] ?? "/root"
        let profile = env["AWS_PROFILE"] ?? env["AWS_DEFAULT_PROFILE"] ?? "default"
        let credentialsFile = IniFile(path: env["AWS_SHARED_CREDENTIALS_FILE"] ?? "\(home)/.aws/credentials")
        let configFile = IniFile(path: env["AWS_CONFIG_FILE"] ?? "\(home)/.aws/config")
        let fromCredentials = credentialsFile.sections[profile] ?? [:]
        let fromConfig = configFile.sections[profile == "default" ? "default" : "profile \(profile)"] ?? [:]
        func setting(_ key: String) -> String? { fromCredentials[key] ?? fromConfig[key] }

        var credentials: Credentials?
        var source = "none (unsigned requests)"
        if let key = env["AWS_ACCESS_KEY_ID"], let secret = env["AWS_SECRET_ACCESS_KEY"], !key.isEmpty {
            credentials = Credentials(accessKey: key, secretKey: secret, sessionToken: env["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 })
            source = "environment"
        } else if let key = setting("aws_access_key_id"), let secret = setting("aws_secret_access_key") {
            credentials = Credentials(accessKey: key, secretKey: secret, sessionToken: setting("aws_session_token"))
            source = "profile '\(profile)'"
        }
        let region = env["AWS_REGION"] ?? env["AWS_DEFAULT_REGION"] ?? setting("region") ?? "us-east-1"
        var endpoint = env["AWS_ENDPOINT_URL_S3"] ?? env["AWS_ENDPOINT_URL"] ?? setting("s3.endpoint_url") ?? setting("endpoint_url")
        while endpoint?.hasSuffix("/") == true { endpoint?.removeLast() }
        let style = setting("s3.addressing_style") ?? setting("addressing_style")
        let pathStyle = style == "path" || (endpoint != nil && style != "virtual")
        return S3Settings(credentials: credentials, region: region, endpoint: endpoint, pathStyle: pathStyle, credentialSource: source)
    }

    /// The URL of `key` in `bucket` (`key` already percent-encoded), with `query` (sorted,
    /// encoded `name=value` pairs) when given.
    func url(bucket: String, encodedKey: String, query: String = "") -> String {
        let base: String
        if let endpoint {
            base = pathStyle ? "\(endpoint)/\(bucket)" : endpoint.replacingFirst("://", with: "://\(bucket).")
        } else if bucket.contains(".") {
            base = "https://s3.\(region).amazonaws.com/\(bucket)"
        } else {
            base = "https://\(bucket).s3.\(region).amazonaws.com"
        }
        return "\(base)/\(encodedKey)" + (query.isEmpty ? "" : "?\(query)")
    }

    public var description: String {
        let key = credentials.map { "access key …\($0.accessKey.suffix(4)) from \(credentialSource)" } ?? "no credentials"
        return "region \(region), endpoint \(endpoint ?? "AWS"), \(key)"
    }
}

/// An AWS-style INI file: `[section]` headers, `key = value` lines, and indented
/// `key = value` lines under a `name =` line read as `name.key` (the config's `s3 =` block).
struct IniFile {
    var sections: [String: [String: String]] = [:]

    init(path: String) {
        guard let bytes = try? readFile(path) else { return }
        var section = ""
        var block: String?
        for raw in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let indented = raw.first == " " || raw.first == "\t"
            let line = raw.trimmingSpaces
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("["), line.hasSuffix("]") {
                section = String(line.dropFirst().dropLast()).trimmingSpaces
                block = nil
                continue
            }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals]).trimmingSpaces.lowercased()
            let value = String(line[line.index(after: equals)...]).trimmingSpaces
            if indented, let block {
                sections[section, default: [:]]["\(block).\(key)"] = value
            } else if value.isEmpty {
                block = key
            } else {
                block = nil
                sections[section, default: [:]][key] = value
            }
        }
    }
}

/// The process's environment variables.
func processEnvironment() -> [String: String] {
    var result: [String: String] = [:]
    var entry = environ
    while let pointer = entry.pointee {
        let text = String(cString: pointer)
        if let equals = text.firstIndex(of: "=") {
            result[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        entry += 1
    }
    return result
}

extension StringProtocol {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }

    func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = self.firstRange(of: target) else { return String(self) }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
