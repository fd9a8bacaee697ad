import WinnowCore

/// The mix report (`output/mix_report.json`): per phase and source, the target and achieved
/// amount and weight; per source, its size, the passes planned and achieved, whether the
/// epoch cap bit, and the most copies of one document.
struct MixReport {
    let plan: MixPlan
    let assigned: AssignedTally
    let measure: MixSettings.Measure

    var json: JSONValue {
        var phaseMembers: [JSONObject.Member] = []
        for (p, phase) in plan.phases.enumerated() {
            let targetTotal = plan.sources.reduce(0) { $0 + $1.targets[p] }
            let achievedTotal = plan.sources.reduce(0) { $0 + (assigned.cells[$1.name]?[p].size ?? 0) }
            let rows = plan.sources.map { source -> JSONObject.Member in
                let cell = assigned.cells[source.name]?[p] ?? AssignedTally.Cell()
                return .init(key: source.name, value: .object(JSONObject([
                    .init(key: "target", value: JSONValue(source.targets[p].rounded())),
                    .init(key: "achieved", value: JSONValue(cell.size)),
                    .init(key: "target_weight", value: JSONValue(targetTotal > 0 ? source.targets[p] / targetTotal : 0)),
                    .init(key: "achieved_weight", value: JSONValue(achievedTotal > 0 ? cell.size / achievedTotal : 0)),
                    .init(key: "documents", value: JSONValue(cell.copies)),
                ])))
            }
            phaseMembers.append(.init(key: phase, value: .object(JSONObject([
                .init(key: "target", value: JSONValue(targetTotal.rounded())),
                .init(key: "achieved", value: JSONValue(achievedTotal)),
                .init(key: "sources", value: .object(JSONObject(rows))),
            ]))))
        }
        let sourceRows = plan.sources.map { source -> JSONObject.Member in
            let used = (assigned.cells[source.name] ?? []).reduce(0) { $0 + $1.size }
            return .init(key: source.name, value: .object(JSONObject([
                .init(key: "available", value: JSONValue(source.available)),
                .init(key: "documents", value: JSONValue(source.documents)),
                .init(key: "epochs_planned", value: JSONValue(source.epochs)),
                .init(key: "epochs_achieved", value: JSONValue(source.available > 0 ? used / source.available : 0)),
                .init(key: "capped", value: .bool(source.capped)),
                .init(key: "max_copies_of_a_document", value: JSONValue(assigned.maxCopies[source.name] ?? 0)),
            ])))
        }
        return .object(JSONObject([
            .init(key: "measure", value: .string(measure.rawValue)),
            .init(key: "phases", value: .object(JSONObject(phaseMembers))),
            .init(key: "sources", value: .object(JSONObject(sourceRows))),
        ]))
    }
}
