import Foundation

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
    /// incomplete cell (its period not over at as-of) ends with "*".
    public func triangleTable() -> Table {
        let offsets = maxOffset
        var columns = ["cohort", "users"]
        if options.metric == .orders { columns.append("orders k0") }
        if options.metric == .revenue { columns.append("revenue k0") }
        columns += (0...max(0, offsets)).map { "k\($0)" }
        let rows = cohorts.map { cohort -> [String] in
            var row = [cohort.label, String(cohort.users)]
            if options.metric == .orders { row.append(String(cohort.base)) }
            if options.metric == .revenue { row.append(ExactDecimal.format(cohort.base)) }
            for k in 0...max(0, offsets) {
                guard let cell = cohort.cells.first(where: { $0.k == k }) else { row.append(""); continue }
                row.append(Format.percent(cell.share) + (cell.complete ? "" : "*"))
            }
            return row
        }
        return Table(columns: columns, rows: rows, notes: notes, numericColumns: Set(1..<columns.count))
    }

    /// The triangle in long form for machines: one row per cohort and offset.
    public func longTable() -> Table {
        var rows: [[String]] = []
        for cohort in cohorts {
            for cell in cohort.cells {
                let value = options.metric == .revenue ? ExactDecimal.format(cell.value) : String(cell.value)
                let base = options.metric == .revenue ? ExactDecimal.format(cohort.base) : String(cohort.base)
                rows.append([cohort.label, cohort.start, String(cohort.users), base, String(cell.k), value,
                             Format.fixed(cell.share, decimals: 6), cell.complete ? "1" : "0"])
            }
        }
        return Table(columns: ["cohort", "cohort_start", "cohort_users", "base", "k", "value", "share", "complete"],
                     rows: rows, notes: notes, numericColumns: [2, 3, 4, 5, 6, 7])
    }

    /// The retention curve: per offset, the cohorts that reached it and the mean shares.
    public func curveTable(machine: Bool = false) -> Table {
        let share: (Double?) -> String = { machine ? Format.fixed($0, decimals: 6) : Format.percent($0) }
        return Table(columns: ["k", "cohorts", "weighted", "mean"],
                     rows: curve.map { [String($0.k), String($0.cohorts), share($0.weighted), share($0.mean)] },
                     notes: ["Curve: over the cohorts whose cohort+k is complete; weighted by cohort size, and the simple mean."],
                     numericColumns: [0, 1, 2, 3])
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

    /// The triangle and curve as one JSON document.
    public func json() -> String {
        let object: [String: Any] = [
            "as_of": UTCText.dateTime(scope.asOf) + "Z", "time_zone": scope.timeZoneName,
            "period": options.period.rawValue, "mode": options.mode.rawValue, "metric": options.metric.rawValue,
            "cohort_kind": options.cohort.rawValue, "activity": options.activity.rawValue,
            "cohorts": cohorts.map { cohort -> [String: Any] in
                ["cohort": cohort.label, "start": cohort.start, "users": cohort.users, "base": cohort.base,
                 "cells": cohort.cells.map { cell -> [String: Any] in
                     ["k": cell.k, "value": cell.value, "share": cell.share.map { $0 as Any } ?? NSNull(), "complete": cell.complete]
                 }]
            },
            "curve": curve.map { point -> [String: Any] in
                ["k": point.k, "cohorts": point.cohorts, "weighted": point.weighted.map { $0 as Any } ?? NSNull(),
                 "mean": point.mean.map { $0 as Any } ?? NSNull()]
            },
            "excluded": ["guest_orders": exclusions.guestOrders,
                         "guest_amount": exclusions.guestAmountsInSeveralCurrencies ? NSNull() : ExactDecimal.format(exclusions.guestAmountMicros) as Any],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
