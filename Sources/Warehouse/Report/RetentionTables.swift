extension RetentionTriangle {
    /// What a cell shows, for headers and notes.
    var metricText: String {
        switch (options.metric, options.mode) {
        case (.users, .classic): return "customers active in cohort+k, over the cohort"
        case (.users, .unbounded): return "customers active in cohort+k or later, over the cohort"
        case (.orders, _): return "purchase orders in cohort+k, over those in period 0"
        case (.revenue, _): return "net revenue in cohort+k, over that in period 0"
        }
    }

    /// The triangle for people: cohort, size (and base), then one column per offset; an
    /// incomplete cell (its period not over at as-of) is marked "*".
    public func triangleTable() -> Table {
        let offsets = maxOffset
        var columns: [Column] = ["cohort", "users"]
        if options.metric == .orders { columns.append("orders k0") }
        if options.metric == .revenue { columns.append("revenue k0") }
        columns += (0...max(0, offsets)).map { Column("k\($0)") }
        let rows = cohorts.map { cohort -> [Cell] in
            var row: [Cell] = [.text(cohort.label), .count(cohort.users)]
            if options.metric == .orders { row.append(.integer(cohort.base)) }
            if options.metric == .revenue { row.append(.money(micros: cohort.base, currency: scope.currency)) }
            for k in 0...max(0, offsets) {
                guard let cell = cohort.cells.first(where: { $0.k == k }) else { row.append(.null); continue }
                row.append(cell.complete ? .shareOrNull(cell.share) : .marked(.shareOrNull(cell.share), "*"))
            }
            return row
        }
        return Table(columns: columns, rows: rows, notes: notes)
    }

    /// The triangle in long form for machines: one row per cohort and offset, with `complete`
    /// false where the period cohort+k is not over at as-of.
    public func longTable() -> Table {
        var rows: [[Cell]] = []
        longRows { rows.append($0) }
        return Table(columns: Self.longColumns, rows: rows, notes: notes)
    }

    /// The long table's rows one at a time, in its order, without holding them: what a machine
    /// format writes for a triangle too large to hold twice (600,000 cells for daily cohorts).
    public func longRows(_ body: ([Cell]) -> Void) {
        for cohort in cohorts {
            for cell in cohort.cells {
                body([.text(cohort.label), .date(cohort.start), .count(cohort.users), amount(cohort.base), .count(cell.k),
                      amount(cell.value), .shareOrNull(cell.share), .bool(cell.complete)])
            }
        }
    }

    /// The long table's columns.
    static let longColumns: [Column] = ["cohort", "cohort_start", "cohort_users", "base", "k", "value", "share", "complete"]

    /// A base or value: money for the revenue metric, else a count.
    private func amount(_ value: Int64) -> Cell {
        options.metric == .revenue ? .money(micros: value, currency: scope.currency) : .integer(value)
    }

    /// The retention curve: per offset, the cohorts that reached it and the mean shares.
    public func curveTable() -> Table {
        Table(columns: ["k", "cohorts", "weighted", "mean"],
              rows: curve.map { [.count($0.k), .count($0.cohorts), .shareOrNull($0.weighted), .shareOrNull($0.mean)] },
              notes: ["Curve: over the cohorts whose cohort+k is complete; weighted by cohort size, and the simple mean."])
    }

    /// What `retention` answers: the long triangle as rows and the curve beside it, or (`curve`)
    /// the curve as rows. `holdingRows: false` leaves the long rows out of the answer's table (its
    /// columns and notes stay), for a writer that takes them from ``longRows(_:)`` as it goes.
    public func answer(curveOnly: Bool = false, holdingRows: Bool = true) -> Answer {
        var parameters = scope.answerParameters
        parameters += [JSONMember("period", .string(options.period.rawValue)), JSONMember("mode", .string(options.mode.rawValue)),
                       JSONMember("metric", .string(options.metric.rawValue)), JSONMember("cohort", .string(options.cohort.rawValue)),
                       JSONMember("activity", .string(options.activity.rawValue)), JSONMember("event_type", cell: .textOrNull(options.eventType)),
                       JSONMember("max_offset", options.maxOffset.map { .integer(Int64($0)) } ?? .null)]
        if curveOnly {
            var table = curveTable()
            table.notes = notes + table.notes
            return Answer(question: "retention curve", parameters: parameters, asOf: scope.asOf, table: table,
                          details: [exclusions.member(currency: scope.currency)])
        }
        let rows = holdingRows ? longTable() : Table(columns: Self.longColumns, rows: [], notes: notes)
        return Answer(question: "retention", parameters: parameters, asOf: scope.asOf, table: rows,
                      sections: [Answer.Section(key: "curve", title: "", table: curveTable())],
                      details: [exclusions.member(currency: scope.currency)])
    }

    /// Scope, definitions and exclusions.
    public var notes: [String] {
        let cohortText = options.cohort == .firstPurchase ? "first-\(options.activity == .orders ? "purchase" : "activity")" : "recurring"
        var lines = ["\(options.period.rawValue.capitalized) \(cohortText) cohorts (\(scope.timeZoneName)), "
                     + "\(options.mode.rawValue) retention: \(metricText). As of \(scope.asOfText)"
                     + "\(scope.asOfIsDefault ? " (the day after the last order)" : "")"
                     + (scope.country.map { ", country \($0)" } ?? "") + "."]
        if cohorts.contains(where: { $0.cells.contains { !$0.complete } }) {
            lines.append("* the period cohort+k is not over at as-of: incomplete.")
        }
        if options.activity == .events {
            lines.append("Activity: events\(options.eventType.map { " of type \($0)" } ?? "") of known users.")
        }
        return lines + exclusions.notes
    }
}
