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

    /// The saved snapshots, oldest as-of first: one query text for both engines.
    static let listQuery = "SELECT id, as_of, created_at, method, users FROM rfm_snapshots ORDER BY as_of"

    /// One row of `listQuery`.
    init(row: some QueryRow) {
        self.init(id: row.int("id"), asOf: row.int("as_of"), createdAt: row.int("created_at"), method: row.text("method"),
                  users: Int(row.int("users")))
    }

    init(id: Int64, asOf: Int64, createdAt: Int64, method: String, users: Int) {
        self.id = id
        self.asOf = asOf
        self.createdAt = createdAt
        self.method = method
        self.users = users
    }
}

/// Segment migration between two snapshots: customers per (from segment, to segment).
public struct RFMTransitions: Sendable, Equatable {
    public struct Flow: Sendable, Equatable {
        public let from: String
        public let to: String
        public let users: Int

        /// A row of `rfm_transitions.sql` (either engine's).
        init(row: some QueryRow) {
            self.init(from: row.text("from_segment"), to: row.text("to_segment"), users: Int(row.int("users")))
        }

        init(from: String, to: String, users: Int) {
            self.from = from
            self.to = to
            self.users = users
        }
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

/// What saving and comparing snapshots means on either engine.
enum RFMSnapshotRules {
    /// A snapshot covers every customer: a country or since filter is refused.
    static func refuseScoped(_ options: RFMOptions) throws {
        if options.scope.country != nil || options.scope.since != nil {
            throw AnalyticsError.invalidOption(option: "--save", reason: "a snapshot covers every customer; drop --country and --since")
        }
    }

    /// The bins a snapshot was scored with, as stored (empty lists for quantiles).
    static func thresholds(_ bins: RFMBins) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: [
            "recency": bins.recencyDays ?? [], "frequency": bins.frequency ?? [], "monetary_micros": bins.monetaryMicros ?? [],
        ], options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// "quantiles" or "bins".
    static func method(_ bins: RFMBins) -> String { bins.isEmpty ? "quantiles" : "bins" }

    /// The snapshots of `from` and of `scope`'s as-of, each found among `existing` or computed
    /// with `options` and saved by `save` first (in that order), and the segment migration
    /// between them as `flows` reads it; segments in `map`'s display order, then any other
    /// name, "(none)" last.
    static func transitions(from: Int64, scope: ResolvedScope, options: RFMOptions, map: RFMSegmentMap,
                            existing: () throws -> [RFMSnapshotInfo], save: (RFMOptions) throws -> RFMSnapshotInfo,
                            flows: () throws -> [RFMTransitions.Flow]) throws -> RFMTransitions {
        guard from < scope.asOf else {
            throw AnalyticsError.invalidOption(option: "--compare", reason: "must be before as-of (\(scope.asOfText))")
        }
        var saved: [RFMSnapshotInfo] = []
        func snapshot(_ asOf: Int64) throws -> RFMSnapshotInfo {
            if let found = try existing().first(where: { $0.asOf == asOf }) { return found }
            var scoped = options
            scoped.scope.asOf = asOf
            let info = try save(scoped)
            saved.append(info)
            return info
        }
        let first = try snapshot(from)
        let second = try snapshot(scope.asOf)
        let flows = try flows()
        let order = map.cells.sorted { $0.position < $1.position }.map(\.segment)
        var names: [String] = []
        for name in order + flows.flatMap({ [$0.from, $0.to] }) where name != "(none)" && !names.contains(name) { names.append(name) }
        return RFMTransitions(from: first, to: second, flows: flows, segments: names + ["(none)"], saved: saved, timeZone: scope.timeZone)
    }
}

extension Warehouse {
    /// Saves the RFM scores of every customer as of the scope's as-of, replacing a snapshot with
    /// the same as-of. Snapshots cover all customers: a country or since filter is refused.
    @discardableResult
    public func saveRFMSnapshot(_ options: RFMOptions, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> RFMSnapshotInfo {
        try RFMSnapshotRules.refuseScoped(options)
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        if scope.currencyFiltered {
            throw AnalyticsError.invalidOption(option: "--save", reason: "a snapshot covers every customer, and the orders are in several currencies, "
                                               + "which are never added together; keep each currency in a warehouse of its own to save snapshots")
        }
        try useSegmentMap(options.segmentMap)
        let map = try segmentMap()
        let thresholds = try RFMSnapshotRules.thresholds(options.bins)
        let method = RFMSnapshotRules.method(options.bins)
        let rollup = RFMRollup(map: map)
        let rows = try RFMScan(db: db, scope: scope, bins: options.bins).scores()
        return try db.transaction {
            try db.run("DELETE FROM rfm_snapshots WHERE as_of = ?", scope.asOf)
            try db.run("INSERT INTO rfm_snapshots (as_of, created_at, method, thresholds, segment_map, users) VALUES (?, ?, ?, ?, ?, ?)",
                       scope.asOf, now, method, thresholds, map.json, rows.count)
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
        try db.query(RFMSnapshotInfo.listQuery).map(RFMSnapshotInfo.init(row:))
    }

    /// Segment migration from the snapshot as of `from` to the one as of the options' as-of
    /// (`sql/rfm_transitions.sql`). A snapshot that is not saved yet is computed with `options`
    /// (bins, segment map) and saved first.
    public func rfmTransitions(from: Int64, options: RFMOptions) throws -> RFMTransitions {
        let scope = try resolve(options.scope)
        defer { try? endCurrencyFilter() }
        return try RFMSnapshotRules.transitions(
            from: from, scope: scope, options: options, map: try options.segmentMap ?? segmentMap(), existing: rfmSnapshots,
            save: { try saveRFMSnapshot($0) },
            flows: {
                var parameters = QueryParameters()
                parameters.set(instant: ":from_as_of", from)
                parameters.set(instant: ":to_as_of", scope.asOf)
                return try NamedQuery("rfm_transitions").rows(in: db, parameters).map(RFMTransitions.Flow.init(row:))
            })
    }
}
