/// Charts drawn as inline SVG, so the run report is one self-contained file that opens anywhere
/// without a network or a script.
enum SVGChart {
    static let palette = ["#3b6ea5", "#e08a2c", "#4f9d69", "#b5485d", "#7d5ba6", "#8c8c3a"]

    /// Horizontal bars, one row per label and one bar per series (a legend above when there
    /// are several), each with its value written beside it.
    static func bars(_ rows: [(label: String, values: [Double])], series: [String], format: (Double) -> String) -> String {
        let barHeight = 14, gap = 6, labelWidth = 300, plotWidth = 420, valueWidth = 110
        let rowHeight = series.count * barHeight + gap * 2
        let legendHeight = series.count > 1 ? 22 : 0
        let height = legendHeight + rows.count * rowHeight + 4
        let maximum = max(rows.flatMap(\.values).max() ?? 0, 1e-12)
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(labelWidth + plotWidth + valueWidth)\" height=\"\(height)\" role=\"img\">"
        if series.count > 1 {
            for (k, name) in series.enumerated() {
                svg += "<rect x=\"\(labelWidth + k * 150)\" y=\"4\" width=\"12\" height=\"12\" fill=\"\(palette[k % palette.count])\"/>"
                svg += "<text x=\"\(labelWidth + k * 150 + 18)\" y=\"15\" font-size=\"12\">\(HTML.escape(name))</text>"
            }
        }
        for (r, row) in rows.enumerated() {
            let top = legendHeight + r * rowHeight + gap
            let label = row.label.count > 44 ? String(row.label.prefix(43)) + "…" : row.label
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(top + rowHeight / 2)\" font-size=\"12\" text-anchor=\"end\"><title>\(HTML.escape(row.label))</title>\(HTML.escape(label))</text>"
            for (k, value) in row.values.enumerated() {
                let y = top + k * barHeight
                let width = max(value > 0 ? 1 : 0, Int((value / maximum * Double(plotWidth)).rounded()))
                svg += "<rect x=\"\(labelWidth)\" y=\"\(y)\" width=\"\(width)\" height=\"\(barHeight - 2)\" fill=\"\(palette[k % palette.count])\"/>"
                svg += "<text x=\"\(labelWidth + width + 4)\" y=\"\(y + barHeight - 3)\" font-size=\"11\">\(HTML.escape(format(value)))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// A histogram of `values` in `bins` equal bins between their smallest and largest value.
    static func histogram(_ values: [Double], title: String, bins: Int = 20) -> String {
        let width = 300, height = 150, bottom = 118, left = 8
        guard let low = values.min(), let high = values.max() else { return "" }
        let span = high > low ? high - low : 1
        var counts = [Int](repeating: 0, count: bins)
        for v in values { counts[min(bins - 1, Int((v - low) / span * Double(bins)))] += 1 }
        let tallest = max(counts.max() ?? 1, 1)
        let barWidth = (width - 2 * left) / bins
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" role=\"img\">"
        svg += "<text x=\"\(left)\" y=\"14\" font-size=\"12\" font-weight=\"bold\">\(HTML.escape(title))</text>"
        for (k, count) in counts.enumerated() {
            let h = Int(Double(count) / Double(tallest) * Double(bottom - 24))
            svg += "<rect x=\"\(left + k * barWidth)\" y=\"\(bottom - h)\" width=\"\(barWidth - 1)\" height=\"\(h)\" fill=\"\(palette[0])\"><title>\(count)</title></rect>"
        }
        svg += "<line x1=\"\(left)\" y1=\"\(bottom)\" x2=\"\(width - left)\" y2=\"\(bottom)\" stroke=\"#888\"/>"
        svg += "<text x=\"\(left)\" y=\"\(bottom + 14)\" font-size=\"11\">\(HTML.number(low))</text>"
        svg += "<text x=\"\(width - left)\" y=\"\(bottom + 14)\" font-size=\"11\" text-anchor=\"end\">\(HTML.number(high))</text>"
        svg += "<text x=\"\(width / 2)\" y=\"\(bottom + 28)\" font-size=\"11\" text-anchor=\"middle\">\(values.count) documents</text>"
        return svg + "</svg>"
    }
}

/// Text for HTML: escaping, and numbers as people read them.
enum HTML {
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    /// Thousands separated by commas for whole numbers; three significant decimals otherwise.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 {
            let digits = String(Int64(abs(value)))
            var grouped = ""
            for (k, digit) in digits.enumerated() {
                if k > 0, (digits.count - k) % 3 == 0 { grouped += "," }
                grouped.append(digit)
            }
            return (value < 0 ? "-" : "") + grouped
        }
        let magnitude = abs(value)
        let decimals = magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3
        var scale = 1.0
        for _ in 0..<decimals { scale *= 10 }
        let rounded = (value * scale).rounded() / scale
        return "\(rounded)"
    }
}
