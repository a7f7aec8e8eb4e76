import Foundation
import PostgresStore
import Testing

/// `lifecycle migrate` and `status` on a real Citus cluster (coordinator + 2 workers), and the
/// PostgreSQL client under them. One cluster serves the suite; each test makes its own database.
@Suite(.serialized, .enabled(if: CitusCluster.postgresInstalled, CitusCluster.skipReason), .citusCluster)
struct CitusCLITests {
    var cluster: CitusCluster {
        get throws { try #require(CitusCluster.current, "the .citusCluster trait did not start a cluster") }
    }

    /// Runs the binary in a scratch directory (so a URL mistaken for a file name would show there).
    func lifecycle(_ arguments: [String]) throws -> Binary.Result {
        let work = try WorkDirectory()
        let result = try Binary.run(arguments, directory: work.url)
        let left = try FileManager.default.contentsOfDirectory(atPath: work.url.path)
        #expect(left.isEmpty, "a PostgreSQL command left files behind: \(left)")
        return result
    }

    @Test func theClusterIsCitusWithACoordinatorAndTwoWorkers() throws {
        let db = try PGConnection.open(PostgresLocation(url: try cluster.url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT citus_version()").string?.contains("Citus 13.2") == true)
        #expect(try db.scalar("SELECT count(*) FROM pg_dist_node WHERE isactive").int64 == 3)
        #expect(try db.scalar("SELECT count(*) FROM citus_get_active_worker_nodes()").int64 == 2)
    }

    @Test func migrateDistributesTheCustomerTablesByCustomerOverBothWorkers() throws {
        let url = try cluster.createDatabase("lc_distributed", citus: true)
        let migrated = try lifecycle(["migrate", "--db", url])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout == "\(url): applied 0001_warehouse_core, 0002_distribute_by_customer, 0003_events_and_readable_views, 0004_rfm_segment_map, 0005_user_features, 0006_drop_purchase_months, 0007_drop_rfm_tile_starts, 0008_model_registry, 0009_recommendations, 0010_rejects_retention, 0011_reporting_zone, 0012_rfm_snapshots; schema version 12\n")

        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let placement = Dictionary(uniqueKeysWithValues: try db.query("""
            SELECT logicalrelid::text AS name, partmethod::text AS method, colocationid,
                   coalesce(column_to_column_name(logicalrelid, partkey), '') AS column
            FROM pg_dist_partition
            """).map { ($0["name"].string ?? "", $0) })
        let customerTables = ["users": "id", "orders": "customer_key", "order_lines": "customer_key", "customer_totals": "user_id",
                              "events": "customer_key", "user_features": "user_id", "predictions": "user_id", "clv_predictions": "user_id",
                              "segment_assignments": "user_id", "recommendations": "user_id", "rfm_snapshot_users": "user_id"]
        for (table, column) in customerTables {
            #expect(placement[table]?["method"] == "h", "\(table) is not hash-distributed")
            #expect(placement[table]?["column"].string == column, "\(table) is not distributed by \(column)")
            #expect(placement[table]?["colocationid"] == placement["users"]?["colocationid"], "\(table) is not co-located with users")
            let ports = Set(try db.query("SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = $1::regclass",
                                         [.text(table)]).compactMap { $0[0].int64 })
            #expect(ports == Set(CitusCluster.workerPorts.map(Int64.init)), "\(table)'s shards are on \(ports), not on both workers")
        }
        for table in ["products", "imports", "customer_totals_state", "order_currencies", "rfm_segment_map",
                      "feature_builds", "feature_catalogue", "model_snapshots", "model_aliases", "model_alias_moves", "privacy_settings", "reporting_zone", "rfm_snapshots"] {
            #expect(placement[table]?["method"] == "n", "\(table) is not a reference table")
        }
        #expect(placement["user_keys"]?["column"].string == "external_id")
        #expect(placement["order_keys"]?["column"].string == "external_id")
        #expect(placement["event_keys"]?["column"].string == "external_id")
        #expect(placement["import_rejects"]?["column"].string == "import_id")

        // A customer's user row, orders and lines land on one worker: the same shard index.
        let node = "SELECT nodeport FROM citus_shards WHERE shardid = get_shard_id_for_distribution_column($1::regclass, $2::bigint)"
        for key: Int64 in [1, 42, 1_000_003] {
            let home = try db.scalar(node, [.text("users"), .integer(key)])
            for table in ["orders", "order_lines", "customer_totals", "events", "user_features"] {
                #expect(try db.scalar(node, [.text(table), .integer(key)]) == home, "\(table) of customer \(key) is elsewhere")
            }
        }
    }

    @Test func migrateTwiceChangesNothingAndSaysSo() throws {
        let url = try cluster.createDatabase("lc_twice", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let again = try lifecycle(["migrate", "--db", url])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout == "\(url): schema is up to date at version 12\n")
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM schema_migrations").int64 == 12)
        #expect(try db.scalar("SELECT count(*) FROM pg_dist_partition").int64 == 28)
    }

    @Test func twoMigrationsStartedTogetherTakeTurns() throws {
        let url = try cluster.createDatabase("lc_together", citus: true)
        let work = try WorkDirectory()
        let first = try Binary.start(["migrate", "--db", url], directory: work.url)
        let second = try Binary.start(["migrate", "--db", url], directory: work.url)
        first.waitUntilExit()
        second.waitUntilExit()
        #expect(first.terminationStatus == 0 && second.terminationStatus == 0)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM schema_migrations").int64 == 12)
        #expect(try db.scalar("SELECT count(*) FROM pg_dist_partition").int64 == 28)
    }

    @Test func anEditedMigrationIsRefusedNamingTheServer() throws {
        let url = try cluster.createDatabase("lc_edited", citus: false)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        try db.query("UPDATE schema_migrations SET checksum = 'feed' WHERE version = 1")
        for command in ["migrate", "status"] {
            let result = try lifecycle([command, "--db", url])
            #expect(result.status != 0)
            #expect(result.stderr.contains("\(url): migration 0001_warehouse_core was changed after it was applied"), "\(result.stderr)")
        }
    }

    @Test func statusOnCitusShowsTheEngineCountsAndImports() throws {
        let url = try cluster.createDatabase("lc_status", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        try db.query("""
            INSERT INTO imports (kind, format, file_name, status, started_at, finished_at, rows_read, rows_loaded)
            VALUES ('orders', 'csv', 'shop.csv', 'finished', 1700000000, 1700000001, 3, 3)
            """)
        try db.query("INSERT INTO users (id, external_id, import_id) VALUES (7, 'c7', 1), (8, 'c8', 1)")

        let table = try lifecycle(["status", "--db", url, "--format", "table"])
        #expect(table.status == 0, "\(table.stderr)")
        #expect(table.stdout.hasPrefix("\(url): schema version 12 (this build knows 12)\nEngine: PostgreSQL 15."))
        #expect(table.stdout.contains(", Citus 13.2"))
        #expect(table.stdout.contains("with 2 workers"))
        #expect(table.stdout.contains("shop.csv"))

        let json = try lifecycle(["status", "--db", url, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let rows = try #require(object["rows"] as? [[String: Any]])
        func value(_ section: String, _ name: String) -> Any? {
            rows.first { $0["section"] as? String == section && $0["name"] as? String == name }?["value"]
        }
        #expect(value("tables", "users") as? Int == 2)
        #expect(value("tables", "orders") as? Int == 0)
        #expect(value("warehouse", "schema_version") as? Int == 12)
        #expect((value("warehouse", "engine") as? String)?.contains("Citus") == true)
    }

    @Test func withoutCitusTheSameSchemaWorksOnOnePostgreSQLServer() throws {
        let url = try cluster.createDatabase("lc_plain", citus: false)
        let migrated = try lifecycle(["migrate", "--db", url])
        #expect(migrated.status == 0, "\(migrated.stderr)")
        #expect(migrated.stdout.hasSuffix("schema version 12\n"))
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM pg_extension WHERE extname = 'citus'").int64 == 0)
        #expect(try db.scalar("SELECT to_regclass('order_lines') IS NOT NULL").bool == true)
        let status = try lifecycle(["status", "--db", url, "--format", "table"])
        #expect(status.status == 0, "\(status.stderr)")
        #expect(status.stdout.contains("(no Citus: one server)"))
        let features = try lifecycle(["features", "build", "--as-of", "2011-06-01", "--db", url])
        #expect(features.status == 0 && features.stdout.hasPrefix("features as of 2011-06-01: 0 users in "), "\(features.stderr)")
        #expect(try db.scalar("SELECT count(*) FROM feature_builds").int64 == 1)
    }

    @Test func aMissingDatabaseIsAClearErrorWithThePasswordMasked() throws {
        let cluster = try cluster
        let url = "postgresql://postgres:hunter2@/no_such_db?host=\(cluster.directory)&port=\(CitusCluster.coordinatorPort)"
        let result = try lifecycle(["status", "--db", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("postgresql://postgres:***@/no_such_db?host=\(cluster.directory)"), "\(result.stderr)")
        #expect(result.stderr.contains("database \"no_such_db\" does not exist"), "\(result.stderr)")
        #expect(!result.stderr.contains("hunter2") && !result.stdout.contains("hunter2"))
    }

    @Test func aReadCommandRefusesADatabaseThatIsNotAWarehouse() throws {
        let url = try cluster.createDatabase("lc_empty", citus: false)
        let result = try lifecycle(["status", "--db", url])
        #expect(result.status != 0)
        #expect(result.stderr.contains("is not a lifecycle warehouse"), "\(result.stderr)")
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT to_regclass('schema_migrations') IS NULL").bool == true, "status changed the database")
    }

    @Test func theClientBindsParametersKeepsTypesAndRollsBack() throws {
        let url = try cluster.createDatabase("lc_client", citus: false)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        try db.execute(script: """
            CREATE TABLE t (id bigint PRIMARY KEY, name text, amount numeric, ok boolean, ratio double precision);
            -- a comment; with a semicolon
            INSERT INTO t VALUES (1, 'it''s; here', 12.345678, true, 0.5);
            """)
        let row = try #require(try db.query("SELECT id, name, amount, ok, ratio, NULL::text AS nothing FROM t WHERE id = :id AND name = :name",
                                            named: ["id": 1, "name": "it's; here"]).first)
        #expect(row["id"] == .integer(1))
        #expect(row["name"] == .text("it's; here"))
        #expect(row["amount"] == .numeric("12.345678"))
        #expect(row["ok"] == .bool(true))
        #expect(row["ratio"] == .real(0.5))
        #expect(row["nothing"] == .null)
        #expect(try db.scalar("SELECT $1::bigint * 2", [.integer(1 << 40)]) == .integer(1 << 41))

        struct Planned: Error {}
        #expect(throws: Planned.self) {
            try db.transaction {
                try db.query("INSERT INTO t (id) VALUES (2)")
                throw Planned()
            }
        }
        #expect(try db.scalar("SELECT count(*) FROM t").int64 == 1)
        let failure = #expect(throws: PostgresStoreError.self) { try db.query("INSERT INTO t (id) VALUES (1)") }
        #expect(failure?.sqlState == "23505")
        #expect(failure?.sql == "INSERT INTO t (id) VALUES (1)")
    }

    @Test func theClientStreamsRowsInOrderAndAHandlersErrorStopsTheStatement() throws {
        let url = try cluster.createDatabase("lc_stream", citus: false)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        var seen: [Int64] = []
        try db.forEachRow("SELECT n, n * 2 AS twice FROM generate_series(1, :last) AS s(n) ORDER BY n", named: ["last": 50_000]) { row in
            #expect(row["twice"].int64 == 2 * (row[0].int64 ?? 0))
            seen.append(row[0].int64 ?? 0)
        }
        #expect(seen == Array(1...50_000))

        // The handler's own error comes back unchanged, after the rows before it; the connection stays usable.
        struct Enough: Error, Equatable { let at: Int64 }
        var handled = 0
        #expect(throws: Enough(at: 3)) {
            try db.forEachRow("SELECT n FROM generate_series(1, 100000) AS s(n) ORDER BY n", named: [:]) { row in
                handled += 1
                if row[0].int64 == 3 { throw Enough(at: 3) }
            }
        }
        #expect(handled == 3)
        #expect(try db.scalar("SELECT 41 + 1").int64 == 42)
        let failure = #expect(throws: PostgresStoreError.self) { try db.forEachRow("SELECT 1 / 0", named: [:]) { _ in } }
        #expect(failure?.sqlState == "22012")
    }
}
