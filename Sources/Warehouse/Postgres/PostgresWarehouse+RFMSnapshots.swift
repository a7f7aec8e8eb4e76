import Foundation
import PostgresStore

/// `lifecycle rfm --save` and `--compare` on the server (migrations/postgres/0012): the same
/// snapshots and segment migration as on a file (`Warehouse.saveRFMSnapshot`,
/// `rfmTransitions`), by the same rules (`RFMSnapshotRules`). The customers' scores come from
/// `sql/postgres/rfm_users.sql` and go back through COPY into `rfm_snapshot_users`, which sits
/// with its customers on the workers; the comparison is `sql/postgres/rfm_transitions.sql`.
extension PostgresWarehouse {
    /// Saves the RFM scores of every customer as of the scope's as-of, replacing a snapshot with
    /// the same as-of, in one transaction.
    @discardableResult
    public func saveRFMSnapshot(_ options: RFMOptions, now: Int64 = Int64(Date().timeIntervalSince1970)) throws -> RFMSnapshotInfo {
        try RFMSnapshotRules.refuseScoped(options)
        let scope = try resolve(options.scope)
        let map = try options.segmentMap ?? storedSegmentMap()
        var parameters = rfmParameters(scope, options)
        parameters["segment"] = .null
        let scored = try postgresQuery("rfm_users", parameters)
        let method = RFMSnapshotRules.method(options.bins), thresholds = try RFMSnapshotRules.thresholds(options.bins)
        return try db.transaction {
            // Citus changes the reference table of runs after their distributed rows in one
            // transaction only over one connection per worker.
            try db.query("SELECT set_config('citus.multi_shard_modify_mode', 'sequential', true)")
            let asOf: [PGValue] = [.integer(scope.asOf)]
            try db.query("DELETE FROM rfm_snapshot_users WHERE snapshot_id IN (SELECT id FROM rfm_snapshots WHERE as_of = $1)", asOf)
            try db.query("DELETE FROM rfm_snapshots WHERE as_of = $1", asOf)
            // Numbered as SQLite numbers its rows: one past the largest id kept (read first: Citus
            // takes no subquery in an INSERT into a reference table; a writer racing for the
            // same id is refused by the primary key).
            let id = try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM rfm_snapshots").int64 ?? 1
            try db.query("""
                INSERT INTO rfm_snapshots (id, as_of, created_at, method, thresholds, segment_map, users) VALUES ($1, $2, $3, $4, $5, $6, $7)
                """, [.integer(id), .integer(scope.asOf), .integer(now), .text(method), .text(thresholds), .text(map.json), .integer(Int64(scored.count))])
            let columns = ["user_id", "recency_days", "frequency", "monetary_micros", "r", "f", "m"]
            var rows = PGCopyText()
            for row in scored {
                rows.integer(id)
                for column in columns { rows.integer(row[column].int64) }
                rows.text(row["segment"].string)
                rows.endRow()
            }
            if !rows.isEmpty { try db.copy(into: "rfm_snapshot_users", columns: ["snapshot_id"] + columns + ["segment"], rows) }
            return RFMSnapshotInfo(id: id, asOf: scope.asOf, createdAt: now, method: method, users: scored.count)
        }
    }

    /// The saved snapshots, oldest as-of first.
    public func rfmSnapshots() throws -> [RFMSnapshotInfo] {
        try db.query(RFMSnapshotInfo.listQuery).map(RFMSnapshotInfo.init(row:))
    }

    /// Segment migration from the snapshot as of `from` to the one as of the options' as-of; a
    /// snapshot not saved yet is computed with `options` and saved first.
    public func rfmTransitions(from: Int64, options: RFMOptions) throws -> RFMTransitions {
        let scope = try resolve(options.scope)
        return try RFMSnapshotRules.transitions(
            from: from, scope: scope, options: options, map: try options.segmentMap ?? storedSegmentMap(), existing: rfmSnapshots,
            save: { try saveRFMSnapshot($0) },
            flows: {
                try postgresQuery("rfm_transitions", ["from_as_of": .text(UTCText.dateTime(from)), "to_as_of": .text(UTCText.dateTime(scope.asOf))])
                    .map(RFMTransitions.Flow.init(row:))
            })
    }

    /// The standard grid the warehouse keeps (`rfm_segment_map`, a reference table).
    func storedSegmentMap() throws -> RFMSegmentMap {
        RFMSegmentMap(cells: try db.query(RFMSegmentMap.gridQuery).map(RFMSegmentMap.Cell.init(row:)), source: "standard")
    }
}
