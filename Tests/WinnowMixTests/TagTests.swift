import Foundation
import Testing
@testable import WinnowMix
import WinnowCore

/// MeCo prefixes and URL domain rules, checked by hand.
@Suite struct TagTests {
    @Test func mecoKeepsTheFullHostWithSubdomains() {
        var metadata = JSONObject()
        metadata["url"] = .string("https://en.wikipedia.org/wiki/Data?x=1")
        #expect(MeCoPrefix().prefix(for: metadata) == "URL: en.wikipedia.org\n\n")
        #expect(MeCoPrefix.host(of: "HTTP://Example.com:8080/a") == "Example.com:8080")
        #expect(MeCoPrefix.host(of: "example.org") == "example.org")
        #expect(MeCoPrefix.host(of: "https:///nothing") == nil)
        var full = MeCoPrefix()
        full.source = .url
        #expect(full.prefix(for: metadata) == "URL: https://en.wikipedia.org/wiki/Data?x=1\n\n")
        var topic = MeCoPrefix()
        topic.source = .value
        topic.field = "topic"
        topic.before = "Topic: "
        metadata["topic"] = .string("astronomy")
        #expect(topic.prefix(for: metadata) == "Topic: astronomy\n\n")
        #expect(MeCoPrefix().prefix(for: JSONObject()) == nil)
    }

    @Test func theMostSpecificDomainRuleWins() throws {
        let path = NSTemporaryDirectory() + "winnow-rules-\(UUID().uuidString).txt"
        try "# rules\ndebian.org Technology\ndebian.org/doc  Education\n.gov\tGovernment\n".write(toFile: path, atomically: true, encoding: .utf8)
        let rules = try DomainRules(path: path, labels: Set(TagStage.dataManDomains))
        #expect(rules.label(for: "https://www.debian.org/doc/manuals/") == "Education")
        #expect(rules.label(for: "https://www.debian.org/News/") == "Technology")
        #expect(rules.label(for: "http://user@data.census.gov:80/x") == "Government")
        #expect(rules.label(for: "https://notdebian.org/") == nil)
        #expect(rules.label(for: "https://example.com/") == nil)
    }

    @Test func anUnknownLabelNamesTheLine() throws {
        let path = NSTemporaryDirectory() + "winnow-rules-\(UUID().uuidString).txt"
        try "a.com Technology\nb.com Sports\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try DomainRules(path: path, labels: Set(TagStage.dataManDomains)) } throws: { "\($0)".contains("\(path):2:") }
    }
}
