/// RFM results as answers: typed cells, so tables show percentages and grouped numbers and
/// machine formats write fractions and exact money (docs/OUTPUT.md, `rfm`).
extension RFMSummary {
    /// The segment summary, with thresholds and exclusions as notes.
    public func table() -> Table {
        let currency = scope.currency
        let rows = segments.map { segment -> [Cell] in
            [.text(segment.name), .count(segment.users), .share(segment.userShare),
             .real(segment.averageRecencyDays, decimals: 1), .real(segment.averageFrequency, decimals: 2),
             .money(micros: segment.averageMonetaryMicros, currency: currency), .money(micros: segment.revenueMicros, currency: currency),
             .shareOrNull(segment.revenueShare)]
        }
        return Table(columns: ["segment", "users", "share", "avg recency (days)", "avg frequency", "avg monetary", "revenue", "revenue share"],
                     rows: rows, notes: notes)
    }

    /// The summary as `rfm` answers it.
    public func answer() -> Answer {
        Answer(question: "rfm", parameters: scope.answerParameters + [JSONMember("segment_map", .string(segmentMapSource)), binsParameter],
               asOf: scope.asOf, table: table(), details: [exclusions.member(currency: scope.currency)])
    }

    /// `bins`: the fixed thresholds by measure (`recency_days` and `frequency` as integers,
    /// `monetary` as exact money), null where quintiles are used.
    var binsParameter: JSONMember {
        func edges(_ values: [Int64]?, money: Bool) -> JSONValue {
            values.map { .array($0.map { money ? Cell.money(micros: $0, currency: scope.currency).json : .integer($0) }) } ?? .null
        }
        return JSONMember("bins", .object([JSONMember("recency_days", edges(bins.recencyDays, money: false)),
                                           JSONMember("frequency", edges(bins.frequency, money: false)),
                                           JSONMember("monetary", edges(bins.monetaryMicros, money: true))]))
    }

    /// What the summary is about, the thresholds in use, and what was left out.
    public var notes: [String] {
        var lines = ["As of \(scope.asOfText)\(scope.asOfIsDefault ? " (the day after the last order)" : ""): "
                     + "\(Format.count(customers)) customers, net revenue \(Format.money(revenueMicros, currency: scope.currency))"
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
            line += "quintiles (ties in a fixed shuffle of customers): " + ranges.joined(separator: ", ")
        }
        return line
    }

    private func display(_ value: Int64, _ measure: RFMMeasure) -> String {
        measure == .monetary ? Format.money(value, currency: scope.currency) : Format.count(Int(value))
    }
}

extension Array where Element == RFMUser {
    /// Customers with their values, scores and segment (`rfm --users`). `holdingRows: false`
    /// leaves the rows out of the answer's table, for a writer that takes them from
    /// ``rows(currency:)`` as it goes (one row per customer: 326,916 at 10M order lines).
    public func answer(scope: ResolvedScope, segment: String?, holdingRows: Bool = true) -> Answer {
        var rows: [[Cell]] = []
        if holdingRows { self.rows(currency: scope.currency)({ rows.append($0) }) }
        return Answer(question: "rfm users", parameters: scope.answerParameters + [JSONMember("segment", cell: .textOrNull(segment))],
                      asOf: scope.asOf, table: Table(columns: Self.columns, rows: rows))
    }

    /// The answer's rows made one at a time, monetary values in `currency`.
    public func rows(currency: String?) -> RowProducer {
        { body in
            for user in self {
                body([.text(user.externalID), .textOrNull(user.country), .integer(user.recencyDays), .integer(user.frequency),
                      .money(micros: user.monetaryMicros, currency: currency), .count(user.r), .count(user.f), .count(user.m),
                      .text(user.segment)])
            }
        }
    }

    private static let columns: [Column] = ["customer", "country", "recency (days)", "frequency", "monetary", "R", "F", "M", "segment"]
}

extension RFMTransitions {
    /// The segment-to-segment matrix: one row per segment as of the first date, one column per
    /// segment as of the second, and totals.
    public func table() -> Table {
        let fromNames = segments.filter { name in flows.contains { $0.from == name } }
        let toNames = segments.filter { name in flows.contains { $0.to == name } }
        var rows = fromNames.map { from -> [Cell] in
            let counts = toNames.map { users(from: from, to: $0) }
            return [.text(from)] + counts.map(Cell.count) + [.count(counts.reduce(0, +))]
        }
        let columnTotals = toNames.map { to in flows.filter { $0.to == to }.reduce(0) { $0 + $1.users } }
        rows.append(["total"] + columnTotals.map(Cell.count) + [.count(columnTotals.reduce(0, +))])
        let stayed = flows.filter { $0.from == $0.to }.reduce(0) { $0 + $1.users }
        let total = flows.reduce(0) { $0 + $1.users }
        var notes = ["Rows: segment as of \(LocalText.instant(from.asOf, in: timeZone)); columns: as of \(LocalText.instant(to.asOf, in: timeZone)). "
                     + "\(Format.count(stayed)) of \(Format.count(total)) customers kept their segment; (none): not a customer yet."]
        for snapshot in saved {
            notes.append("Saved RFM snapshot as of \(LocalText.instant(snapshot.asOf, in: timeZone)) (\(Format.count(snapshot.users)) customers).")
        }
        return Table(columns: [Column("from \\ to", key: "from_segment")] + toNames.map { Column($0) } + ["total"], rows: rows, notes: notes)
    }

    /// The matrix as `rfm --compare` answers it: as of the later date, from the earlier one.
    public func answer() -> Answer {
        Answer(question: "rfm compare", parameters: [JSONMember("compare", .string(RegistryClock.iso(from.asOf))),
                                                     JSONMember("time_zone", .string(ReportingOffsets.isUTC(timeZone) ? "UTC" : timeZone.identifier))],
               asOf: to.asOf, table: table())
    }
}
