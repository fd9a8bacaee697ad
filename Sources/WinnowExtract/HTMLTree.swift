import CLibXML2
#if canImport(Glibc)
import Glibc
#endif

/// A page parsed by libxml2's HTML parser (the parser lxml, and so trafilatura, uses): forgiving
/// of any markup, it always gives a tree. The tree lives as long as this value.
final class HTMLTree {
    typealias Node = UnsafeMutablePointer<xmlNode>
    private let document: xmlDocPtr?

    /// Parses UTF-8 HTML. NUL bytes, which end libxml2's input early, become spaces first.
    init(html: [UInt8]) {
        var bytes = html
        if bytes.contains(0) {
            for i in bytes.indices where bytes[i] == 0 { bytes[i] = 0x20 }
        }
        let options = Int32(HTML_PARSE_RECOVER.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
            | HTML_PARSE_NONET.rawValue | HTML_PARSE_COMPACT.rawValue | HTML_PARSE_NODEFDTD.rawValue
            | XML_PARSE_HUGE.rawValue)
        document = bytes.withUnsafeBufferPointer { buffer in
            buffer.baseAddress.flatMap { base in
                base.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                    htmlReadMemory($0, Int32(clamping: buffer.count), nil, "UTF-8", options)
                }
            }
        }
    }

    deinit { if let document { xmlFreeDoc(document) } }

    var root: Node? { document.flatMap { xmlDocGetRootElement($0) } }

    /// Removes `node` and its subtree from the tree.
    func remove(_ node: Node) {
        xmlUnlinkNode(node)
        xmlFreeNode(node)
    }

    static func isElement(_ node: Node) -> Bool { node.pointee.type == XML_ELEMENT_NODE }
    static func isText(_ node: Node) -> Bool { node.pointee.type == XML_TEXT_NODE || node.pointee.type == XML_CDATA_SECTION_NODE }

    /// The element's name as libxml2 keeps it (lower case for HTML).
    static func name(_ node: Node) -> UnsafePointer<UInt8>? { node.pointee.name }

    /// The bytes of a text node.
    static func text(_ node: Node) -> UnsafeBufferPointer<UInt8> {
        guard let content = node.pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)))
    }

    /// The value of attribute `name` (ASCII, lower case), without copying when it is one text node.
    static func attribute(_ node: Node, _ name: StaticString) -> UnsafeBufferPointer<UInt8>? {
        var attr = node.pointee.properties
        while let a = attr {
            if let attrName = a.pointee.name, equal(attrName, name) {
                guard let value = a.pointee.children, let content = value.pointee.content else { return UnsafeBufferPointer(start: nil, count: 0) }
                return UnsafeBufferPointer(start: content, count: strlen(UnsafeRawPointer(content).assumingMemoryBound(to: CChar.self)))
            }
            attr = a.pointee.next
        }
        return nil
    }

    /// Whether a NUL-terminated name equals `literal`.
    static func equal(_ name: UnsafePointer<UInt8>, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        let p = literal.utf8Start
        for i in 0..<n where name[i] != p[i] { return false }
        return name[n] == 0
    }
}
