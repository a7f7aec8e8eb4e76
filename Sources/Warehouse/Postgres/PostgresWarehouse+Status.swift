import PostgresStore

/// What the server is: PostgreSQL's version and, when the Citus extension is there, its version
/// and the worker nodes, and how each warehouse table is spread over them.
public struct PostgresEngine: Sendable, Equatable {
    public let serverVersion: String
    /// The Citus extension's version; nil on plain PostgreSQL.
    public let citusVersion: String?
    /// Active worker nodes (0 without Citus).
    public let workers: Int

    /// "PostgreSQL 15.18, Citus 13.2-1 with 2 workers" / "PostgreSQL 15.18 (no Citus: one server)".
    public var summary: String {
        guard let citusVersion else { return "PostgreSQL \(serverVersion) (no Citus: one server)" }
        return "PostgreSQL \(serverVersion), Citus \(citusVersion) with \(workers) \(workers == 1 ? "worker" : "workers")"
    }
}

extension PostgresWarehouse {
    /// The server's version, and Citus's with its active workers when installed.
    public func engine() throws -> PostgresEngine {
        let version = try db.scalar("SHOW server_version").string ?? "?"
        let citus = try db.scalar("SELECT extversion FROM pg_extension WHERE extname = 'citus'").string
        let workers = citus == nil ? 0 : Int(try db.scalar("SELECT count(*) FROM citus_get_active_worker_nodes()").int64 ?? 0)
        return PostgresEngine(serverVersion: version.split(separator: " ").first.map(String.init) ?? version,
                              citusVersion: citus, workers: workers)
    }

    /// Schema version, row counts and recent imports, as `Warehouse.status` gives them for a file.
    public func status(recent: Int = 5) throws -> WarehouseStatus {
        let migrator = try PostgresMigrator(db: db)
        var counts: [(String, Int)] = []
        for table in Warehouse.countedTables where try db.scalar("SELECT to_regclass($1) IS NOT NULL", [.text(table)]).bool == true {
            counts.append((table, Int(try db.scalar("SELECT count(*) FROM \(table)").int64 ?? 0)))
        }
        let imports = try db.query("""
            SELECT id, kind, format, file_name, CASE WHEN undone_at IS NOT NULL THEN 'undone' ELSE status END AS status, started_at,
                rows_read, rows_loaded, rows_duplicate, rows_rejected, pid, rows_erased
            FROM imports ORDER BY id DESC LIMIT $1
            """, [.integer(Int64(recent))]).map {
            let stored = $0[4].string ?? ""
            let status = stored == "running" && !Warehouse.processExists($0[10].int64) ? "interrupted" : stored
            return WarehouseStatus.RecentImport(id: $0[0].int64 ?? 0, kind: $0[1].string ?? "", format: $0[2].string ?? "",
                                                file: $0[3].string ?? "", status: status, startedAt: $0[5].int64 ?? 0,
                                                read: Int($0[6].int64 ?? 0), loaded: Int($0[7].int64 ?? 0),
                                                duplicate: Int($0[8].int64 ?? 0), rejected: Int($0[9].int64 ?? 0),
                                                erased: Int($0[11].int64 ?? 0))
        }
        let kept = try keptAnswers()
        let currencySQL = kept.current ? "SELECT currency, orders FROM order_currencies ORDER BY currency COLLATE \"C\""
            : "SELECT currency, count(*) AS orders FROM orders GROUP BY currency ORDER BY currency COLLATE \"C\""
        let currencies = try db.query(currencySQL).map {
            CurrencyCount(currency: $0["currency"].string ?? "", orders: Int($0["orders"].int64 ?? 0))
        }
        var status = WarehouseStatus(path: location.redacted, schemaVersion: try migrator.currentVersion(),
                                     knownVersion: migrator.latestVersion, tableCounts: counts, kept: kept,
                                     currencies: currencies, recentImports: imports)
        status.engine = try engine().summary
        return status
    }

    /// Whether the kept totals count every order, by the same test as SQLite's
    /// (`customer_totals_state` names the largest order id and the number of orders).
    private func keptAnswers() throws -> WarehouseStatus.KeptAnswers {
        let orders = try db.query("SELECT max(id) AS last, count(*) AS orders FROM orders")[0]
        guard let state = try db.query("SELECT through_order_id, orders_counted FROM customer_totals_state").first else {
            return WarehouseStatus.KeptAnswers(current: false)
        }
        return WarehouseStatus.KeptAnswers(current: state[0] == orders["last"] && state[1] == orders["orders"])
    }
}
