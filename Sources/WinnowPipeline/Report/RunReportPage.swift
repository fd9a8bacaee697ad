import WinnowCore

/// The run report as one HTML page: CSS and SVG inline, no script, no network.
extension RunReport {
    public var html: String {
        var body = header + stepTable + funnel + rejections + signals + composition + dedup + mixes + tokens + time
        body += "<footer>Written by winnow report from \(HTML.escape(workdir)); figures from the ledger, samples of up to 5,000 documents per step, and the stages' reports.</footer>"
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Winnow run report: \(HTML.escape(workdir))</title>
            <style>
            body { font-family: sans-serif; margin: 24px; color: #222; max-width: 1100px; }
            h1 { font-size: 22px; } h2 { font-size: 17px; margin-top: 28px; border-bottom: 1px solid #ccc; }
            table { border-collapse: collapse; font-size: 13px; } td, th { padding: 3px 8px; border-bottom: 1px solid #eee; text-align: right; }
            td:first-child, th:first-child, td.text { text-align: left; }
            .done { color: #2e7d32; } .unfinished { color: #b26a00; } .failed { color: #c62828; font-weight: bold; }
            .charts { display: flex; flex-wrap: wrap; gap: 12px; } .note { color: #666; font-size: 13px; }
            footer { margin-top: 32px; color: #888; font-size: 12px; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }

    private var header: String {
        let done = steps.filter(\.finished).count
        var out = "<h1>Winnow run report</h1><p>Workdir <code>\(HTML.escape(workdir))</code>: \(done) of \(steps.count) steps finished"
        if done < steps.count { out += " — <span class=\"unfinished\">a partial run: figures are of what has been written so far</span>" }
        if let first = steps.first, let last = steps.last(where: { $0.last.docsIn > 0 }) {
            out += ". \(HTML.number(Double(first.first.docsIn))) documents in, \(HTML.number(Double(last.last.docsKept))) out of the last step"
        }
        return out + ".</p>"
    }

    private var stepTable: String {
        var out = "<h2>Steps</h2><table><tr><th>step</th><th>stage</th><th>state</th><th>tasks</th><th>documents in</th><th>out</th><th>rejected</th><th>characters in</th><th>out</th><th>wall s</th><th>MB/s per task</th><th>peak memory per task</th></tr>"
        for step in steps {
            let failed = step.phases.contains { $0.failed > 0 }
            let state = step.finished ? "<span class=\"done\">done</span>" : failed ? "<span class=\"failed\">failed</span>"
                : step.started ? "<span class=\"unfinished\">unfinished</span>" : "<span class=\"unfinished\">not started</span>"
            let rate = step.taskSeconds > 0 ? HTML.number(Double(step.first.bytesIn) / 1e6 / step.taskSeconds) : "—"
            out += "<tr><td>\(HTML.escape(step.id))</td><td class=\"text\">\(HTML.escape(step.stage))</td><td class=\"text\">\(state)</td>"
            out += "<td>\(step.tasks.done)/\(step.tasks.total)</td><td>\(HTML.number(Double(step.first.docsIn)))</td><td>\(HTML.number(Double(step.last.docsKept)))</td>"
            out += "<td>\(HTML.number(Double(step.phases.reduce(0) { $0 + $1.totals.docsRejected })))</td>"
            out += "<td>\(HTML.number(Double(step.first.charsIn)))</td><td>\(HTML.number(Double(step.last.charsKept)))</td>"
            out += "<td>\(HTML.number((step.wall * 10).rounded() / 10))</td><td>\(rate)</td><td>\(ByteSize.describe(Int(step.peakMemory)))</td></tr>"
        }
        return out + "</table>"
    }

    /// The steps that read documents, in order.
    private var documentSteps: [Step] { steps.filter { $0.first.docsIn > 0 } }

    private var funnel: String {
        let rows = documentSteps
        guard !rows.isEmpty else { return "" }
        return "<h2>Funnel</h2><div class=\"charts\">"
            + SVGChart.bars(rows.map { ($0.id, [Double($0.first.docsIn), Double($0.last.docsKept)]) }, series: ["documents in", "kept"]) { HTML.number($0) }
            + SVGChart.bars(rows.map { ($0.id, [Double($0.first.charsIn), Double($0.last.charsKept)]) }, series: ["characters in", "kept"]) { HTML.number($0) }
            + "</div>"
    }

    private var rejections: String {
        let rows = steps.filter { !$0.rejected.isEmpty }
        guard !rows.isEmpty else { return "" }
        var out = "<h2>Rejection reasons</h2>"
        for step in rows {
            let top = step.rejected.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.prefix(12)
            out += "<h3>\(HTML.escape(step.id))</h3>" + SVGChart.bars(top.map { ($0.key, [Double($0.value)]) }, series: ["documents"]) { HTML.number($0) }
        }
        return out
    }

    /// Each score or quality signal from the first step whose documents carry it (output and
    /// rejected, so the distribution shows what a cut removed).
    private var signals: String {
        var seen: Set<String> = []
        var charts: [String] = []
        for step in steps {
            guard let sample = samples[step.id] else { continue }
            for (key, values) in sample.signals.sorted(by: { $0.key < $1.key }) where !seen.contains(key) && values.count >= 5 {
                seen.insert(key)
                charts.append(SVGChart.histogram(values, title: "\(key) (\(step.id))"))
            }
        }
        guard !charts.isEmpty else { return "" }
        return "<h2>Scores and quality signals</h2><div class=\"charts\">" + charts.prefix(24).joined() + "</div>"
    }

    private var composition: String {
        var out = ""
        for (title, key) in [("Languages", \DocumentSample.languages), ("Domains", \DocumentSample.domains)] {
            let having = steps.filter { !(samples[$0.id]?[keyPath: key].isEmpty ?? true) }
            guard let first = having.first, let last = having.last else { continue }
            let before = samples[first.id]![keyPath: key], after = samples[last.id]![keyPath: key]
            let share = { (counts: [String: Int], name: String) -> Double in
                100 * Double(counts[name] ?? 0) / Double(max(1, counts.values.reduce(0, +)))
            }
            let names = before.merging(after, uniquingKeysWith: +).sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }
                .prefix(12).map(\.key)
            out += "<h3>\(title): \(HTML.escape(first.id)) (output and rejects) and \(HTML.escape(last.id))</h3>"
            out += SVGChart.bars(names.map { ($0, [share(before, $0), share(after, $0)]) }, series: [first.id, last.id]) { HTML.number($0) + "%" }
        }
        return out.isEmpty ? "" : "<h2>Composition</h2><p class=\"note\">Shares of a sample of each step's documents.</p>" + out
    }

    private var dedup: String {
        var out = ""
        for step in steps where step.stage == "dedup" {
            let sizes = samples[step.id]?.clusterSizes ?? []
            guard !sizes.isEmpty else { continue }
            let buckets: [(String, ClosedRange<Int>)] = [("2", 2...2), ("3–4", 3...4), ("5–9", 5...9), ("10–99", 10...99), ("100+", 100...Int.max)]
            out += "<h3>\(HTML.escape(step.id)): \(HTML.number(Double(sizes.count))) clusters in the sample, largest \(sizes.max() ?? 0)</h3>"
            out += SVGChart.bars(buckets.map { name, range in (name + " documents", [Double(sizes.filter { range.contains($0) }.count)]) },
                                 series: ["clusters"]) { HTML.number($0) }
        }
        return out.isEmpty ? "" : "<h2>Duplicate clusters</h2>" + out
    }

    private var mixes: String {
        var out = ""
        for (step, report) in mixReports.sorted(by: { $0.key < $1.key }) {
            guard case let .object(phases)? = report["phases"] else { continue }
            for phase in phases.members {
                guard case let .object(p) = phase.value, case let .object(sources)? = p["sources"] else { continue }
                out += "<h3>\(HTML.escape(step)), phase \(HTML.escape(phase.key))</h3>"
                out += SVGChart.bars(sources.members.map { source -> (String, [Double]) in
                    guard case let .object(s) = source.value else { return (source.key, [0, 0]) }
                    return (source.key, [100 * (s["target_weight"]?.doubleValue ?? 0), 100 * (s["achieved_weight"]?.doubleValue ?? 0)])
                }, series: ["target", "achieved"]) { HTML.number($0) + "%" }
            }
        }
        return out.isEmpty ? "" : "<h2>Mix: target and achieved weights</h2>" + out
    }

    private var tokens: String {
        var out = ""
        for (step, report) in packReports.sorted(by: { $0.key < $1.key }) {
            let total = report["tokens"]?.doubleValue ?? 0
            out += "<h3>\(HTML.escape(step)): \(HTML.number(total)) tokens in \(HTML.number(report["documents"]?.doubleValue ?? 0)) documents</h3>"
            guard case let .object(phases)? = report["phases"] else { continue }
            var rows: [(String, [Double])] = []
            for phase in phases.members {
                guard case let .object(p) = phase.value, case let .object(values)? = p["by_value"] else { continue }
                for value in values.members {
                    guard case let .object(v) = value.value else { continue }
                    rows.append(("\(phase.key): \(value.key)", [v["tokens"]?.doubleValue ?? 0]))
                }
            }
            out += SVGChart.bars(rows, series: ["tokens"]) { HTML.number($0) }
        }
        return out.isEmpty ? "" : "<h2>Tokens</h2>" + out
    }

    private var time: String {
        guard !steps.isEmpty else { return "" }
        return "<h2>Time</h2><div class=\"charts\">"
            + SVGChart.bars(steps.map { ($0.id, [$0.wall]) }, series: ["wall seconds"]) { HTML.number($0) + " s" }
            + SVGChart.bars(steps.map { ($0.id, [$0.taskSeconds > 0 ? Double($0.first.bytesIn) / 1e6 / $0.taskSeconds : 0]) },
                            series: ["MB/s per task"]) { HTML.number($0) }
            + "</div>"
    }
}
