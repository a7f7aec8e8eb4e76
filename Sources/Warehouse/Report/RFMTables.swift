/// `Table`s of RFM results. Human formats (table, markdown) show percentages and grouped
/// numbers; machine formats (csv, json) show plain numbers and shares as fractions.
extension RFMSummary {
    /// The segment summary, with thresholds and exclusions as notes.
    public func table(machine: Bool = false) -> Table {
        let rows = segments.map { segment -> [String] in
            [segment.name, String(segment.users),
             machine ? Format.fixed(segment.userShare, decimals: 6) : Format.percent(segment.userShare),
             Format.fixed(segment.averageRecencyDays, decimals: 1), Format.fixed(segment.averageFrequency, decimals: 2),
             Format.money(segment.averageMonetaryMicros), ExactDecimal.format(segment.revenueMicros),
             machine ? Format.fixed(segment.revenueShare, decimals: 6) : Format.percent(segment.revenueShare)]
        }
        return Table(columns: ["segment", "users", "share", "avg recency (days)", "avg frequency", "avg monetary", "revenue", "revenue share"],
                     rows: rows, notes: notes, numericColumns: Set(1...7))
    }

    /// What the summary is about, the thresholds in use, and what was left out.
    public var notes: [String] {
        var lines = ["As of \(scope.asOfText)\(scope.asOfIsDefault ? " (the day after the last order)" : ""): "
                     + "\(Format.count(customers)) customers, net revenue \(ExactDecimal.format(revenueMicros))"
                     + (scope.country.map { ", country \($0)" } ?? "")
                     + (scope.since.map { ", orders from \(LocalText.instant($0, in: scope.timeZone))" } ?? "") + "."]
        for measure in RFMMeasure.allCases {
            lines.append(thresholdLine(measure))
        }
        if segmentMapSource != "standard" { lines.append("Segments from \(segmentMapSource).") }
        return lines + exclusions.notes
    }

    /// "R (days since the last purchase), quintiles: 1 = 233..373, ..." with the ranges found.
    public func thresholdLine(_ measure: RFMMeasure) -> String {
        let ranges = scores.filter { $0.measure == measure }.sorted { $0.score < $1.score }.map { range -> String in
            "\(range.score) = \(display(range.minimum, measure))..\(display(range.maximum, measure))"
        }
        var line = "\(measure.rawValue) (\(measure.unit)), "
        if let bins = bins.thresholds(measure) {
            let edges = bins.map { display($0, measure) }.joined(separator: ", ")
            line += measure == .recency ? "bins at \(edges) days (up to the first: 5)" : "bins at \(edges) (up to the first: 1)"
            line += "; found " + ranges.joined(separator: ", ")
        } else {
            line += "quintiles (ties by customer id): " + ranges.joined(separator: ", ")
        }
        return line
    }

    private func display(_ value: Int64, _ measure: RFMMeasure) -> String {
        measure == .monetary ? Format.money(value) : String(value)
    }
}

extension Array where Element == RFMUser {
    /// Customers with their values, scores and segment.
    public func table() -> Table {
        Table(columns: ["customer", "country", "recency (days)", "frequency", "monetary", "R", "F", "M", "segment"],
              rows: map { [$0.externalID, $0.country ?? "", String($0.recencyDays), String($0.frequency),
                           ExactDecimal.format($0.monetaryMicros), String($0.r), String($0.f), String($0.m), $0.segment] },
              numericColumns: [2, 3, 4, 5, 6, 7])
    }
}

extension RFMTransitions {
    /// The segment-to-segment matrix: one row per segment as of the first date, one column per
    /// segment as of the second, and totals.
    public func table() -> Table {
        let fromNames = segments.filter { name in flows.contains { $0.from == name } }
        let toNames = segments.filter { name in flows.contains { $0.to == name } }
        var rows = fromNames.map { from -> [String] in
            let counts = toNames.map { users(from: from, to: $0) }
            return [from] + counts.map(String.init) + [String(counts.reduce(0, +))]
        }
        let columnTotals = toNames.map { to in flows.filter { $0.to == to }.reduce(0) { $0 + $1.users } }
        rows.append(["total"] + columnTotals.map(String.init) + [String(columnTotals.reduce(0, +))])
        let stayed = flows.filter { $0.from == $0.to }.reduce(0) { $0 + $1.users }
        let total = flows.reduce(0) { $0 + $1.users }
        var notes = ["Rows: segment as of \(LocalText.instant(from.asOf, in: timeZone)); columns: as of \(LocalText.instant(to.asOf, in: timeZone)). "
                     + "\(Format.count(stayed)) of \(Format.count(total)) customers kept their segment; (none): not a customer yet."]
        for snapshot in saved {
            notes.append("Saved RFM snapshot as of \(LocalText.instant(snapshot.asOf, in: timeZone)) (\(Format.count(snapshot.users)) customers).")
        }
        return Table(columns: ["from \\ to"] + toNames + ["total"], rows: rows, notes: notes,
                     numericColumns: Set(1...(toNames.count + 1)))
    }
}
