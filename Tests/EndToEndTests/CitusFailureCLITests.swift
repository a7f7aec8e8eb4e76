import Foundation
import PostgresStore
import Testing

/// Issue 16's failure proofs for what runs on PostgreSQL today (migrate, status, import), on the
/// real Citus cluster of `CitusCLITests` (these tests are in that suite, so they run one at a time
/// and may stop one of its workers): a password in the URL is never printed or stored.
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
}
