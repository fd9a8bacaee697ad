import WinnowCore

/// `rule: pii`: replaces e-mail addresses and public IP addresses with placeholders, as
/// datatrove's `PIIFormatter` does at the end of FineWeb's recipe. It never rejects; in drop
/// mode it rewrites the text, and the replacements are counted (`pii_emails`, `pii_ips`) in the
/// document and in the step's counters.
///
/// What it matches follows datatrove's two regular expressions, scanned here over bytes: an
/// address is a local part of RFC 5322 atom characters and dots, `@`, then two or more
/// dot-separated host labels; an IPv4 address is four decimal octets of at most 255, found
/// anywhere (datatrove's pattern has no word boundaries), and replaced only if it is global (not
/// private, loopback, link-local, shared, reserved or documentation space). IPv6 addresses,
/// which datatrove does not look for, are replaced too when global, unless `ipv6: false`.
/// Placeholders cycle through datatrove's lists within each document.
public struct PIIRule: FilterRule {
    public static let name = "pii"

    public let emails: Bool
    public let ips: Bool
    public let ipv6: Bool
    public let publicOnly: Bool
    public let emailReplacements: [String]
    public let ipReplacements: [String]

    /// datatrove's placeholders: example.com/org addresses, and IPv4 addresses that answered no
    /// ping when its authors made the list.
    static let defaultEmails = ["email@example.com", "firstname.lastname@example.org"]
    static let defaultIPs = ["22.214.171.124", "126.96.36.199", "188.8.131.52", "184.108.40.206", "220.127.116.11", "18.104.22.168"]

    public init(emails: Bool = true, ips: Bool = true, ipv6: Bool = true, publicOnly: Bool = true) {
        self.emails = emails
        self.ips = ips
        self.ipv6 = ipv6
        self.publicOnly = publicOnly
        emailReplacements = Self.defaultEmails
        ipReplacements = Self.defaultIPs
    }

    public init(settings: SettingsReader, loaders: RuleLoaders) throws {
        emails = try settings.bool("emails", default: true)
        ips = try settings.bool("ips", default: true)
        ipv6 = try settings.bool("ipv6", default: true)
        publicOnly = try settings.bool("only_public_ips", default: true)
        emailReplacements = try settings.strings("email_replacement") ?? Self.defaultEmails
        ipReplacements = try settings.strings("ip_replacement") ?? Self.defaultIPs
        if emailReplacements.isEmpty { throw settings.error("email_replacement", "needs at least one placeholder") }
        if ipReplacements.isEmpty { throw settings.error("ip_replacement", "needs at least one placeholder") }
    }

    public var counters: [String] { ["pii_emails", "pii_ips"] }

    public func check(_ doc: Document, analysis: DocumentAnalysis, measured: inout JSONObject) -> RuleResult {
        var text = doc.text
        var emailCount = 0, ipCount = 0
        if emails {
            text = PIIScanner.replace(in: text, find: PIIScanner.email, placeholders: emailReplacements, count: &emailCount)
        }
        if ips {
            text = PIIScanner.replace(in: text, find: { PIIScanner.ipv4($0, at: $1, publicOnly: publicOnly) },
                                      placeholders: ipReplacements, count: &ipCount)
            if ipv6 {
                text = PIIScanner.replace(in: text, find: { PIIScanner.ipv6($0, at: $1, publicOnly: publicOnly) },
                                          placeholders: ipReplacements, count: &ipCount, cycleFrom: ipCount)
            }
        }
        measured["pii_emails"] = JSONValue(emailCount)
        measured["pii_ips"] = JSONValue(ipCount)
        return emailCount + ipCount == 0 ? .pass : .passRewritten(RewrittenText(utf8: text))
    }
}
