import Foundation
import SQLiteStore

/// A saved RFM run (`rfm_snapshots`).
public struct RFMSnapshotInfo: Sendable, Equatable {
    public let id: Int64
    public let asOf: Int64
    public let createdAt: Int64
    /// "quantiles" or "bins".
    public let method: String
    public let users: Int
}

/// Segment migration between two snapshots: customers per (from segment, to segment).
public struct RFMTransitions: Sendable, Equatable {
    public struct Flow: Sendable, Equatable {
        public let from: String
        public let to: String
        public let users: Int
    }

    public let from: RFMSnapshotInfo
    public let to: RFMSnapshotInfo
    public let flows: [Flow]
    /// Segment names in display order; "(none)" last.
    public let segments: [String]
    /// Snapshots this call had to compute and save first.
    public let saved: [RFMSnapshotInfo]
    public let timeZone: TimeZone

    /// Customers who went from `from` to `to`.
    public func users(from: String, to: String) -> Int {
        flows.first { $0.from == from && $0.to == to }?.users ?? 0
    }
}

extension Warehouse {
    /// Saves the RFM scores of every customer as of the scope's as-of, replacing a snapshot with
    /// the same as-of. Snapshots cover all customers: a country or since filter is refused.
    @discardableResult
    public func saveRFMSnapshot(_ options: RFMOptions, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> RFMSnapshotInfo {
        if options.scope.country != nil || options.scope.since != nil {
            throw AnalyticsError.invalidOption(option: "--save", reason: "a snapshot covers every customer; drop --country and --since")
        }
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        if scope.currencyFiltered {
            throw AnalyticsError.invalidOption(option: "--save", reason: "a snapshot covers every customer, and the orders are in several currencies, "
                                               + "which are never added together; keep each currency in a warehouse of its own to save snapshots")
        }
        try useSegmentMap(options.segmentMap)
        let map = try segmentMap()
        let thresholds = try JSONSerialization.data(withJSONObject: [
            "recency": options.bins.recencyDays ?? [], "frequency": options.bins.frequency ?? [],
            "monetary_micros": options.bins.monetaryMicros ?? [],
        ], options: [.sortedKeys])
        let method = options.bins.isEmpty ? "quantiles" : "bins"
        let rollup = RFMRollup(map: map)
        let rows = try RFMScan(db: db, scope: scope, bins: options.bins).scores()
        return try db.transaction {
            try db.run("DELETE FROM rfm_snapshots WHERE as_of = ?", scope.asOf)
            try db.run("INSERT INTO rfm_snapshots (as_of, created_at, method, thresholds, segment_map, users) VALUES (?, ?, ?, ?, ?, ?)",
                       scope.asOf, now, method, String(decoding: thresholds, as: UTF8.self), map.json, rows.count)
            let id = db.lastInsertRowID
            let insert = try db.prepare("""
                INSERT INTO rfm_snapshot_users (snapshot_id, user_id, recency_days, frequency, monetary_micros, r, f, m, segment)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for row in rows {
                try insert.run([id, row.userID, row.recencyDays, row.frequency, row.monetaryMicros,
                                Int64(row.r), Int64(row.f), Int64(row.m), rollup.segment(r: row.r, f: row.f).segment])
            }
            return RFMSnapshotInfo(id: id, asOf: scope.asOf, createdAt: now, method: method, users: rows.count)
        }
    }

    /// The saved snapshots, oldest as-of first.
    public func rfmSnapshots() throws -> [RFMSnapshotInfo] {
        try db.query("SELECT id, as_of, created_at, method, users FROM rfm_snapshots ORDER BY as_of").map {
            RFMSnapshotInfo(id: $0[0].int64 ?? 0, asOf: $0[1].int64 ?? 0, createdAt: $0[2].int64 ?? 0,
                            method: $0[3].string ?? "", users: Int($0[4].int64 ?? 0))
        }
    }

    /// Segment migration from the snapshot as of `from` to the one as of the options' as-of
    /// (`sql/rfm_transitions.sql`). A snapshot that is not saved yet is computed with `options`
    /// (bins, segment map) and saved first.
    public func rfmTransitions(from: Int64, options: RFMOptions) throws -> RFMTransitions {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        guard from < scope.asOf else {
            throw AnalyticsError.invalidOption(option: "--compare", reason: "must be before as-of (\(scope.asOfText))")
        }
        var saved: [RFMSnapshotInfo] = []
        func snapshot(_ asOf: Int64) throws -> RFMSnapshotInfo {
            if let existing = try rfmSnapshots().first(where: { $0.asOf == asOf }) { return existing }
            var scoped = options
            scoped.scope.asOf = asOf
            let info = try saveRFMSnapshot(scoped)
            saved.append(info)
            return info
        }
        let first = try snapshot(from)
        let second = try snapshot(scope.asOf)
        var parameters = QueryParameters()
        parameters.set(instant: ":from_as_of", from)
        parameters.set(instant: ":to_as_of", scope.asOf)
        let flows = try NamedQuery("rfm_transitions").rows(in: db, parameters).map {
            RFMTransitions.Flow(from: $0.text("from_segment"), to: $0.text("to_segment"), users: Int($0.int("users")))
        }
        let order = try segmentMap().cells.sorted { $0.position < $1.position }.map(\.segment)
        var names: [String] = []
        for name in order + flows.flatMap({ [$0.from, $0.to] }) where name != "(none)" && !names.contains(name) { names.append(name) }
        return RFMTransitions(from: first, to: second, flows: flows, segments: names + ["(none)"], saved: saved, timeZone: scope.timeZone)
    }
}
