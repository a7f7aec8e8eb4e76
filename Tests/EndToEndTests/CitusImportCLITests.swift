import Foundation
import PostgresStore
import SQLiteStore
import Testing

/// `lifecycle import` into PostgreSQL on the real Citus cluster of `CitusCLITests` (these tests
/// are in that suite, so one cluster serves both and they run one at a time): the same counts,
/// rows and ledger as the SQLite importer for the same files, nothing added by a second import,
/// rejects kept with line and reason, `--strict`, and a SIGKILLed import resumed to exact counts.
extension CitusCLITests {
    /// ../shared/data beside the repository.
    static let sharedData = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared/data")

    static func shared(_ relative: String) -> String? {
        let path = sharedData.appendingPathComponent(relative).path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }

    static let onlineRetail = shared("online-retail/online_retail.csv.gz")
    static let cdnowMaster = shared("cdnow/CDNOW_master.txt")
    static let cdnowSample = shared("cdnow/CDNOW_sample.txt")

    /// The figures both engines must agree on, each one SQL text valid in both.
    static let figures = [
        "SELECT count(*) FROM users", "SELECT count(*) FROM products", "SELECT count(*) FROM orders",
        "SELECT count(*) FROM order_lines", "SELECT count(*) FROM events", "SELECT count(*) FROM import_rejects",
        "SELECT coalesce(sum(amount_micros), 0) FROM orders", "SELECT coalesce(sum(amount_micros), 0) FROM order_lines",
        "SELECT coalesce(sum(quantity), 0) FROM order_lines", "SELECT count(*) FROM order_lines WHERE occurrence > 1",
        "SELECT count(*) FROM orders WHERE user_id IS NULL", "SELECT count(*) FROM orders WHERE kind = 'return'",
        "SELECT coalesce(sum(line_count), 0) FROM orders", "SELECT coalesce(sum(item_count), 0) FROM orders",
        "SELECT coalesce(sum(ordered_at), 0) FROM orders", "SELECT coalesce(sum(line_at), 0) FROM order_lines",
        // Ids are given alike: users, products and orders numbered in the order the rows first name them.
        "SELECT coalesce(sum(user_id), 0) FROM orders", "SELECT coalesce(sum(product_id), 0) FROM order_lines",
        "SELECT coalesce(sum(user_id), 0) FROM events", "SELECT coalesce(sum(value_micros), 0) FROM events",
        "SELECT count(*) FROM users WHERE country IS NOT NULL", "SELECT coalesce(sum(signed_up_at), 0) FROM users",
        "SELECT count(*) FROM events WHERE properties IS NOT NULL", "SELECT coalesce(sum(line), 0) FROM import_rejects",
    ]

    static func sqliteFigures(_ path: String) throws -> [Int64] {
        let db = try Connection(path: path, mode: .readOnly)
        return try figures.map { try db.scalar($0).int64 ?? -1 }
    }

    static func postgresFigures(_ url: String) throws -> [Int64] {
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        return try figures.map { try db.scalar($0).int64 ?? -1 }
    }

    /// A generated shop (`users` customers from `seed`) in a new work directory, imported into its
    /// `shop.db` and into a new Citus database `name` with the same counts on both: users, orders
    /// (online-retail, Europe/London) and, with `events`, events.
    func shopOnBothEngines(_ name: String, users: Int, seed: Int, events: Bool = true) throws -> (work: WorkDirectory, file: String, url: String) {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "\(users)", "--seed", "\(seed)", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase(name, citus: true)
        let file = work.path("shop.db")
        let commands = [["users", "shop/users.csv"], ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]]
            + (events ? [["events", "shop/events.csv"]] : [])
        for command in commands {
            #expect(try importCounts(command + ["--db", url], in: work) == (try importCounts(command + ["--db", file], in: work)), "\(command)")
        }
        return (work, file, url)
    }

    /// Runs `lifecycle import ... --json` and returns its one summary's counts.
    func importCounts(_ arguments: [String], in work: WorkDirectory) throws -> [String: Int] {
        let result = try Binary.run(["import"] + arguments + ["--json"], directory: work.url)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        let list = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]], "\(result.stdout)")
        let summary = try #require(list.first)
        var counts: [String: Int] = [:]
        for key in ["read", "loaded", "duplicates", "rejected", "orders_created", "guest_orders", "return_orders", "property_keys_dropped"] {
            counts[key] = summary[key] as? Int
        }
        #expect(counts["read"] == counts["loaded"]! + counts["duplicates"]! + counts["rejected"]!, "\(counts)")
        return counts
    }

    /// Imports each command's file into a new SQLite file and a new Citus database, twice, and
    /// checks both engines give the same counts and figures and that the second import adds nothing.
    func importIntoBoth(_ commands: [[String]], database: String, in work: WorkDirectory) throws -> (sqlite: String, postgres: String) {
        let url = try cluster.createDatabase(database, citus: true)
        let file = work.path("\(database).db")
        for command in commands {
            let onSQLite = try importCounts(command + ["--db", file], in: work)
            let onCitus = try importCounts(command + ["--db", url], in: work)
            #expect(onCitus == onSQLite, "\(command): Citus \(onCitus), SQLite \(onSQLite)")
        }
        let before = try Self.postgresFigures(url)
        #expect(before == (try Self.sqliteFigures(file)), "figures differ:\n\(Self.figures)")
        for command in commands {
            let again = try importCounts(command + ["--db", url], in: work)
            #expect(again["loaded"] == 0 && again["duplicates"]! + again["rejected"]! == again["read"]!, "\(command) again: \(again)")
        }
        #expect(try Self.postgresFigures(url).enumerated().filter { $0.offset != 5 && $0.offset != 23 }.map(\.element)
                == before.enumerated().filter { $0.offset != 5 && $0.offset != 23 }.map(\.element),
                "a second import changed the data")
        return (file, url)
    }

    @Test func aGeneratedShopImportsIntoCitusAsIntoSQLiteAndTwiceAddsNothing() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "300", "--seed", "5", "--out", "sample"], directory: work.url).status == 0)
        // Rows the importers must reject alike, with lines and reasons.
        var events = try String(contentsOfFile: work.path("sample/events.csv"), encoding: .utf8)
        let header = events.prefix { $0 != "\n" }
        events += "\(String(repeating: ",", count: header.filter { $0 == "," }.count - 1))\n"  // one field short
        events += "not-a-row\n"
        try events.write(toFile: work.path("events.csv"), atomically: true, encoding: .utf8)
        let (file, url) = try importIntoBoth([
            ["users", "sample/users.csv"],
            ["orders", "sample/orders.csv", "--format", "online-retail", "--timezone", "Europe/London", "--batch-size", "700"],
            ["events", "events.csv", "--batch-size", "900"],
        ], database: "lc_import_shop", in: work)
        // `imports list`: the same ledger on both engines, apart from when each import ran.
        let ledgers = try [file, url].map { db -> [NSDictionary] in
            let listed = try Binary.run(["imports", "list", "--format", "jsonl", "--db", db], directory: work.url)
            #expect(listed.status == 0, "\(listed.stderr)")
            return try listed.stdout.split(whereSeparator: \.isNewline).map { line in
                var row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                #expect(row["started_at"] is String && row["finished_at"] is String, "\(row)")
                row["started_at"] = nil
                row["finished_at"] = nil
                return row as NSDictionary
            }
        }
        // The server's ledger also holds the second run of each import, which added nothing.
        #expect(ledgers[0].count == 3 && Array(ledgers[1].prefix(3)) == ledgers[0], "\(ledgers)")
        #expect(ledgers[1].map { $0["rejected"] as? Int } == [0, 0, 2, 0, 0, 2], "\(ledgers[1])")
        #expect(ledgers[1].map { $0["loaded"] as? Int }.suffix(3) == [0, 0, 0], "\(ledgers[1])")
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM events").int64 ?? 0 > 1_000)
        // Each events import rejected the two bad rows again (the ledger keeps every run's rejects).
        #expect(try db.scalar("SELECT count(*) FROM import_rejects").int64 == 4)
        let rejects = try db.query("""
            SELECT line, reason FROM import_rejects WHERE import_id = (SELECT min(id) FROM imports WHERE kind = 'events') ORDER BY line
            """)
        #expect(rejects.count == 2)
        #expect(rejects.allSatisfy { !($0["reason"].string ?? "").isEmpty })
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE status = 'finished'").int64 == 6)
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE rows_read <> rows_loaded + rows_duplicate + rows_rejected").int64 == 0)
        // Every customer's events sit on her shard: the distributed tables hold rows on both workers.
        let ports = Set(try db.query("""
            SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'events'::regclass AND shard_size > 0
            """).compactMap { $0[0].int64 })
        #expect(ports.count == 2)
    }

    @Test func awkwardTextCurrenciesConflictsAndUserUpdatesLandAsOnSQLite() throws {
        let work = try WorkDirectory()
        // A description with a tab, a backslash, a quoted line break and a pound sign (COPY's text
        // format escapes the first three); the same line twice in one order (occurrence 2); two
        // currencies; a guest order; a line with only a total.
        let first = "order_id,ordered_at,customer_id,product_id,product_name,quantity,unit_price,amount,currency,country\n"
            + "A1,2024-03-01T10:00:00Z,u1,P1,\"tab\there \\ back\nslash £\",2,1.25,,EUR,FR\n"
            + "A1,2024-03-01T10:00:00Z,u1,P1,\"tab\there \\ back\nslash £\",2,1.25,,EUR,FR\n"
            + "A2,2024-03-02T11:00:00+01:00,,P2,plain,1,,9.999,USD,US\n"
            + "A3,2024-03-03 12:00:00,u2,P1,,3,0.5,,EUR,DE\n"
        // Another file: a line of A1 in another currency (rejected: A1 is stored in EUR), more of A3.
        let second = "order_id,ordered_at,customer_id,product_id,product_name,quantity,unit_price,amount,currency,country\n"
            + "A1,2024-03-01T10:05:00Z,u1,P3,other,1,3,,USD,FR\n"
            + "A3,2024-03-03 12:00:00,u2,P1,,3,0.5,,EUR,DE\n"
            + "A3,2024-03-03 12:30:00,u2,P4,new,1,7,,EUR,DE\n"
        let users1 = "user_id,signed_up_at,country\nu1,2024-01-01T00:00:00Z,\nu3,,\n"
        // The second users file gives u1 a country (an update) and repeats a row (a duplicate).
        let users2 = "user_id,signed_up_at,country\nu1,,DE\nu2,2023-05-05T00:00:00Z,\nu1,,DE\n"
        for (name, text) in [("first.csv", first), ("second.csv", second), ("users1.csv", users1), ("users2.csv", users2)] {
            try text.write(toFile: work.path(name), atomically: true, encoding: .utf8)
        }
        let (file, url) = try importIntoBoth([["users", "users1.csv"],
                                              ["orders", "first.csv", "--timezone", "Europe/Paris"],
                                              ["orders", "second.csv", "--timezone", "Europe/Paris", "--batch-size", "2"],
                                              ["users", "users2.csv"]], database: "lc_import_awkward", in: work)
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let descriptions = "SELECT description FROM order_lines WHERE description IS NOT NULL ORDER BY id"
        #expect(try db.query(descriptions).map { $0[0].string ?? "" } == (try sqlite.query(descriptions).map { $0[0].string ?? "" }))
        #expect(try db.scalar("SELECT description FROM order_lines WHERE occurrence = 2").string == "tab\there \\ back\nslash £")
        #expect(try db.scalar("SELECT count(*) FROM import_rejects WHERE reason LIKE '%stored in EUR%'").int64 == 2)
        #expect(try db.scalar("SELECT country || ' ' || signed_up_at FROM users WHERE external_id = 'u1'").string == "DE 1704067200")
        #expect(try db.scalar("SELECT string_agg(amount::text, ' ' ORDER BY order_ref) FROM orders_v").string == "5 9.999 8.5")
    }

    @Test(.enabled(if: onlineRetail != nil, "skipped: ../shared/data/online-retail/online_retail.csv.gz is not present"))
    func onlineRetailOnCitusHasSQLitesCountsRowsAndExactRevenue() throws {
        let work = try WorkDirectory()
        let (file, url) = try importIntoBoth([["orders", Self.onlineRetail!, "--format", "online-retail", "--timezone", "Europe/London"]],
                                          database: "lc_import_retail", in: work)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        // The README's figures, and the exact total (9,747,747.934) as numeric through the readable view.
        #expect(try db.scalar("SELECT count(*) FROM order_lines").int64 == 541_909)
        #expect(try db.scalar("SELECT count(*) FROM orders").int64 == 25_900)
        #expect(try db.scalar("SELECT sum(amount)::text FROM orders_v").string == "9747747.934")
        #expect(try db.scalar("SELECT sum(amount)::text FROM order_lines_v").string == "9747747.934")
        #expect(try db.scalar("""
            SELECT to_char(min(ordered_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') || ' ' ||
                   to_char(max(ordered_at) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') FROM orders_v
            """).string == "2010-12-01T08:26:00Z 2011-12-09T12:50:00Z")
        #expect(try db.scalar("SELECT pg_typeof(ordered_at)::text FROM orders_v LIMIT 1").string == "timestamp with time zone")

        // The questions on the real shop print the same on both engines: segments and customers,
        // cohorts by month, week and London day, activity and lifecycle.
        for question in [["rfm"], ["rfm", "--users", "--as-of", "2011-09-01"], ["retention"], ["retention", "--period", "week", "--metric", "revenue"],
                         ["retention", "--period", "day", "--timezone", "Europe/London", "--since", "2011-11-01"],
                         ["activity", "--period", "week"], ["activity", "--timezone", "Europe/London", "--country", "France"]] {
            let onSQLite = try Binary.run(question + ["--format", "json", "--db", file], directory: work.url)
            let onCitus = try Binary.run(question + ["--format", "json", "--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(question): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(question) answers otherwise on Citus")
            #expect(onSQLite.stdout.count > 1_000, "\(question): \(onSQLite.stdout.prefix(200))")
        }
    }

    @Test(.enabled(if: cdnowMaster != nil && cdnowSample != nil, "skipped: ../shared/data/cdnow is not present"))
    func cdnowMasterThenSampleOnCitusAsOnSQLite() throws {
        let work = try WorkDirectory()
        let (_, url) = try importIntoBoth([["orders", Self.cdnowMaster!, "--format", "cdnow", "--timezone", "UTC"],
                                           ["orders", Self.cdnowSample!, "--format", "cdnow", "--timezone", "UTC"]],
                                          database: "lc_import_cdnow", in: work)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        #expect(try db.scalar("SELECT count(*) FROM users").int64 == 23_570)
        #expect(try db.scalar("SELECT sum(amount)::text FROM orders_v").string == "2500315.63")
        #expect(try db.scalar("SELECT rows_duplicate FROM imports WHERE id = 2").int64 == 6_919)
    }

    @Test func strictStoresNothingAndNamesTheRowOnCitus() throws {
        let work = try WorkDirectory()
        let url = try cluster.createDatabase("lc_import_strict", citus: true)
        let dump = CrashSafetyTests.dump()
        try dump.write(toFile: work.path("dump.csv"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["import", "orders", "dump.csv", "--format", "online-retail", "--timezone", "Europe/London",
                                     "--strict", "--batch-size", "500", "--db", url], directory: work.url)
        #expect(result.status != 0)
        // The first bad row is data row 997, line 998 of the file.
        #expect(result.stderr.contains("dump.csv:998: "), "\(result.stderr)")
        #expect(result.stderr.contains("--strict: nothing from the file was stored"), "\(result.stderr)")
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        for table in ["orders", "order_lines", "users", "products"] {
            #expect(try db.scalar("SELECT count(*) FROM \(table)").int64 == 0, "\(table) kept rows of a --strict import that failed")
        }
        let ledger = try #require(try db.query("SELECT status, rows_read, rows_rejected, error FROM imports").first)
        #expect(ledger["status"].string == "failed")
        #expect(ledger["rows_read"].int64 == 1 && ledger["rows_rejected"].int64 == 1)
        #expect(try db.scalar("SELECT line FROM import_rejects").int64 == 998)

        // Without --strict the same file loads, with its 30 bad rows kept and counted.
        let loaded = try importCounts(["orders", "dump.csv", "--format", "online-retail", "--timezone", "Europe/London", "--db", url],
                                      in: work)
        #expect(loaded["read"] == 30_000 && loaded["rejected"] == 30)
    }

    @Test func aKilledImportIntoCitusResumesToTheCountsOfAnUninterruptedRun() throws {
        let work = try WorkDirectory()
        try CrashSafetyTests.dump().write(toFile: work.path("dump.csv"), atomically: true, encoding: .utf8)
        let command = ["orders", "dump.csv", "--format", "online-retail", "--timezone", "Europe/London", "--batch-size", "1000"]
        let reference = try cluster.createDatabase("lc_import_reference", citus: true)
        let expectedCounts = try importCounts(command + ["--db", reference], in: work)
        let expected = try Self.postgresFigures(reference)

        let url = try cluster.createDatabase("lc_import_killed", citus: true)
        #expect(try lifecycle(["migrate", "--db", url]).status == 0)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        var kills = 0
        for threshold: Int64 in [3_000, 11_000, 19_000] {
            let child = try Binary.start(["import"] + command + ["--db", url], directory: work.url)
            if Self.sigkill(child, whenImportHasRead: threshold, db: db) { kills += 1 }
            // The server finishes what the dead client's session was doing (a COMMIT it had sent
            // completes); its backend then ends. Only then is the state what a re-run will find.
            try Self.waitForOtherSessionsToEnd(db)
            // Whole batches only: what the ledger counts is exactly what is stored.
            guard let ledger = try db.query("SELECT rows_read, rows_loaded, rows_rejected FROM imports WHERE id = 1").first else { continue }
            #expect((ledger[0].int64 ?? 0) % 1_000 == 0, "a kill leaves whole batches only")
            #expect(try db.scalar("SELECT count(*) FROM order_lines").int64 == ledger[1].int64)
            #expect(try db.scalar("SELECT coalesce(sum(line_count), 0) FROM orders").int64 == ledger[1].int64)
            #expect(try db.scalar("SELECT count(*) FROM import_rejects").int64 == ledger[2].int64)
        }
        #expect(kills >= 2, "the import finished before most kill points")
        let resumed = try Binary.run(["import"] + command + ["--db", url], directory: work.url)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("resumed after"), "\(resumed.stderr)")
        let row = try #require(try db.query("""
            SELECT status, rows_read, rows_loaded, rows_duplicate, rows_rejected, orders_created, guest_orders, return_orders, resumed
            FROM imports WHERE id = 1
            """).first)
        #expect(row["status"].string == "finished")
        #expect(row["rows_read"].int64 == Int64(expectedCounts["read"]!))
        #expect(row["rows_loaded"].int64 == Int64(expectedCounts["loaded"]!))
        #expect(row["rows_duplicate"].int64 == Int64(expectedCounts["duplicates"]!))
        #expect(row["rows_rejected"].int64 == Int64(expectedCounts["rejected"]!))
        #expect(row["orders_created"].int64 == Int64(expectedCounts["orders_created"]!))
        #expect(row["guest_orders"].int64 == Int64(expectedCounts["guest_orders"]!))
        #expect(row["return_orders"].int64 == Int64(expectedCounts["return_orders"]!))
        #expect(row["resumed"].int64 == Int64(kills))
        #expect(try Self.postgresFigures(url) == expected)
        #expect(try db.scalar("SELECT count(*) FROM imports").int64 == 1)
    }

    /// Waits (up to a minute) until the killed import's session has ended: it holds the import
    /// lock (a session advisory lock) until its backend exits, which is after the server has
    /// finished the transaction the client left (a COMMIT it had sent completes, on every node).
    static func waitForOtherSessionsToEnd(_ db: PGConnection) throws {
        let key = PGValue.integer(0x6C63_2D69_6D70_6F72)  // PostgresImportLedger.lockKey
        for _ in 0..<6_000 {
            if try db.scalar("SELECT pg_try_advisory_lock($1)", [key]).bool == true {
                try db.query("SELECT pg_advisory_unlock($1)", [key])
                return
            }
            usleep(10_000)
        }
        Issue.record("the killed import's session did not end")
    }

    /// Sends `child` SIGKILL once the import has committed at least `threshold` rows, keeping it
    /// stopped between reads of its progress (as CrashSafetyTests does), so the kill lands part
    /// way and not after the end; returns whether SIGKILL ended it.
    static func sigkill(_ child: Process, whenImportHasRead threshold: Int64, db: PGConnection) -> Bool {
        let pid = child.processIdentifier
        while child.isRunning {
            kill(pid, SIGCONT)
            let read = (try? db.scalar("SELECT rows_read FROM imports WHERE id = 1"))?.int64
            kill(pid, SIGSTOP)
            if let read, read >= threshold {
                kill(pid, SIGKILL)
                break
            }
            kill(pid, SIGCONT)
            usleep(2_000)
        }
        child.waitUntilExit()
        return child.terminationReason == .uncaughtSignal && child.terminationStatus == SIGKILL
    }
}
