import Foundation
import PostgresStore
import Testing

/// Issue 16's failure proofs for what runs on PostgreSQL today (migrate, status, import), on the
/// real Citus cluster of `CitusCLITests` (these tests are in that suite, so they run one at a time
/// and may stop one of its workers): a password in the URL is never printed or stored; a role
/// with only SELECT reads and is refused every write, with nothing written.
extension CitusCLITests {
    /// `url` with `password` added to its user.
    static func withPassword(_ url: String, user: String = "postgres", password: String) -> String {
        url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://\(user):\(password)@")
    }

    /// The base tables of the warehouse's schema on the coordinator.
    static func tables(_ db: PGConnection) throws -> [String] {
        try db.query("""
            SELECT table_name::text FROM information_schema.tables
            WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1
            """).compactMap { $0[0].string }
    }

    @Test func aPasswordInTheURLIsNeverPrintedOrStored() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "80", "--seed", "3", "--out", "shop"], directory: work.url).status == 0)
        let plain = try cluster.createDatabase("lc_password", citus: true)
        let url = Self.withPassword(plain, password: "s3cr3t-pw")
        let masked = Self.withPassword(plain, password: "***")
        // The cluster trusts local logins, so the password is sent nowhere; what matters is that the
        // client keeps it to itself: every output and every stored row is searched for it.
        var outputs: [String] = []
        for command in [["migrate"], ["import", "users", "shop/users.csv"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                        ["import", "events", "shop/events.csv", "--json"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "UTC"],  // refused: other options
                        ["status", "--format", "table"], ["status", "--format", "json"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status == (command.last == "UTC" ? 1 : 0), "\(command): \(result.stderr)")
            outputs.append(result.stdout + result.stderr)
        }
        #expect(outputs.allSatisfy { !$0.contains("s3cr3t-pw") }, "the password was printed")
        #expect(outputs[0].contains("\(masked): applied "), "\(outputs[0])")
        #expect(outputs[5].hasPrefix("\(masked): schema version"), "\(outputs[5])")

        let db = try PGConnection.open(PostgresLocation(url: plain))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE status = 'finished'").int64 == 3)
        #expect(try db.scalar("SELECT count(*) FROM users").int64 ?? 0 > 0)
        // The ledger's stored options, file names and errors hold no URL, let alone its password.
        for row in try db.query("SELECT options, file_name, coalesce(error, '') FROM imports") {
            let stored = row.values.compactMap(\.string).joined(separator: " ")
            #expect(!stored.contains("s3cr3t") && !stored.contains("postgresql://") && !stored.contains("lc_password"), "\(stored)")
        }
        let tables = try Self.tables(db)
        #expect(tables.contains("imports") && tables.contains("order_lines"))
        for table in tables {
            #expect(try db.scalar("SELECT count(*) FROM \(table) AS r WHERE strpos(r::text, 's3cr3t') > 0").int64 == 0,
                    "\(table) stores the password")
        }
    }

    @Test func aRoleWithOnlySelectRunsEveryReadCommandAndIsRefusedEveryWriteWithNothingWritten() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "80", "--seed", "4", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase("lc_readonly", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let orders = ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]
        for command in [["import", "users", "shop/users.csv"], orders, ["import", "events", "shop/events.csv"]] {
            let result = try Binary.run(command + ["--db", url], directory: work.url)
            #expect(result.status == 0, "\(command): \(result.stderr)")
        }
        try cluster.psql(database: "lc_readonly", "CREATE ROLE lc_reader LOGIN")
        try cluster.psql(database: "lc_readonly", "GRANT SELECT ON ALL TABLES IN SCHEMA public TO lc_reader")
        let reader = Self.withPassword(url, user: "lc_reader", password: "r3ad-only-pw")
        let maskedReader = Self.withPassword(url, user: "lc_reader", password: "***")

        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        func state() throws -> [String] {
            try Self.postgresFigures(url).map(String.init) + Self.tables(db) + db.query("""
                SELECT id::text || status || rows_read::text || coalesce(error, '') FROM imports ORDER BY id
                """).compactMap { $0[0].string } + db.query("SELECT version::text FROM schema_migrations ORDER BY 1").compactMap { $0[0].string }
        }
        let before = try state()

        // Reading: status, in every format, sees what the owner sees.
        let ownerStatus = try lifecycle(["status", "--db", url, "--format", "json"])
        for format in ["table", "json", "csv"] {
            let result = try lifecycle(["status", "--db", reader, "--format", format])
            #expect(result.status == 0, "status --format \(format) as a reader: \(result.stderr)")
            if format == "json" {
                #expect(result.stdout == ownerStatus.stdout.replacingOccurrences(of: url, with: maskedReader), "\(result.stdout)")
            }
        }

        // Writing: every command that writes is refused, naming the role and the permission.
        for command in [["migrate"], ["import", "users", "shop/users.csv"], orders, ["import", "events", "shop/events.csv"],
                        ["import", "orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "UTC", "--json"]] {
            let result = try Binary.run(command + ["--db", reader], directory: work.url)
            #expect(result.status != 0, "\(command) succeeded as a role with only SELECT")
            #expect(result.stderr.contains("PostgreSQL at \(maskedReader): permission denied: the role \"lc_reader\" may not do this"),
                    "\(command): \(result.stderr)")
            #expect(result.stderr.contains("permission denied for"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("SQLSTATE 42501"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains("a role with only SELECT can run the commands that read"), "\(command): \(result.stderr)")
            #expect(!(result.stdout + result.stderr).contains("r3ad-only-pw"))
            #expect(try state() == before, "\(command) as a reader changed the warehouse")
        }
    }
}
