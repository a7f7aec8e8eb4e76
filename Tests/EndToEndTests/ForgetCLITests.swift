import Foundation
import SQLiteStore
import Testing
import Warehouse

/// `lifecycle forget` on a warehouse that has been through every command: nothing of the
/// customer is left but the erasure log's keyed hash, the kept totals equal a recomputation,
/// a dry run changes nothing, and re-importing the dumps does not bring her back.
@Suite struct ForgetCLITests {
    static let customer = "carol@example.com"

    static let orders = """
        InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
        900001,10143,SET OF 3 PINK REGENCY PAISLEY ANGEL DECORATION,2,2011-01-10 10:00:00,1.95,carol@example.com,United Kingdom
        900002,10143,SET OF 3 PINK REGENCY PAISLEY ANGEL DECORATION,3,2011-03-14 11:00:00,1.95,carol@example.com,United Kingdom
        900003,10672D,SET OF 4 EGG CUP MOROCCAN ROBOT IVORY,1,2011-05-20 12:00:00,0.83,carol@example.com,United Kingdom
        900004,10672D,SET OF 4 EGG CUP MOROCCAN ROBOT IVORY,many,2011-05-21 12:00:00,0.83,carol@example.com,United Kingdom

        """
    static let events = """
        event_id,user_id,occurred_at,type,product_id,value,properties
        c1,carol@example.com,2011-01-09T09:00:00Z,view,10143,,"{""email"":""carol@example.com"",""ip"":""203.0.113.7""}"
        c2,carol@example.com,2011-05-19T09:00:00Z,add_to_cart,10672D,,"{""email"":""carol@example.com"",""ip"":""203.0.113.7""}"
        c3,,2011-05-19T09:05:00Z,view,10672D,,"{""referred_by"":""Carol@Example.com""}"

        """
    static let users = "user_id,signed_up_at,country\ncarol@example.com,2010-12-24T08:00:00Z,United Kingdom\ncarol@example.com,not a date,Carol Secret\n"

    /// Runs a command on `w.db`, expecting success.
    @discardableResult
    static func lifecycle(_ arguments: [String], in work: WorkDirectory) throws -> Binary.Result {
        let result = try Binary.run(arguments + ["--db", "w.db"], directory: work.url)
        #expect(result.status == 0, "lifecycle \(arguments.joined(separator: " ")): \(result.stderr)")
        return result
    }

    /// The sample shop plus the customer's orders, events and user row, and every command run on them.
    static func warehouseThroughEveryCommand() throws -> WorkDirectory {
        let work = try WorkDirectory()
        let demo = try Binary.run(["demo", "--users", "300", "--db", "w.db"], directory: work.url)
        #expect(demo.status == 0, "\(demo.stderr)")
        try orders.write(toFile: work.path("carol-orders.csv"), atomically: true, encoding: .utf8)
        try events.write(toFile: work.path("carol-events.csv"), atomically: true, encoding: .utf8)
        try users.write(toFile: work.path("carol-users.csv"), atomically: true, encoding: .utf8)
        try lifecycle(["import", "users", "carol-users.csv"], in: work)
        try lifecycle(["import", "orders", "carol-orders.csv", "--format", "online-retail", "--timezone", "Europe/London"], in: work)
        try lifecycle(["import", "events", "carol-events.csv"], in: work)
        for command in [["features", "build"], ["features", "build", "--as-of", "2011-06-01"], ["train", "churn"], ["train", "clv"],
                        ["train", "segments"], ["train", "recommendations"], ["score", "churn"], ["score", "clv"],
                        ["score", "segments"], ["score", "recommendations"], ["rfm", "--save"],
                        ["rfm", "--save", "--as-of", "2011-06-01"], ["report", "--out", "report.html"]] {
            try lifecycle(command, in: work)
        }
        return work
    }

    /// Every table's rows, as text, for comparing whole warehouses.
    static func contents(_ db: Connection) throws -> [String: [String]] {
        var tables: [String: [String]] = [:]
        for name in try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").compactMap({ $0[0].string }) {
            tables[name] = try db.query("SELECT * FROM \"\(name)\"").map { row in "\(row.values)" }.sorted()
        }
        return tables
    }

    /// Where `needle` (text, without regard to ASCII case) occurs in any text or blob column of any table.
    static func occurrences(of needle: String, in db: Connection) throws -> [String] {
        var found: [String] = []
        for table in try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").compactMap({ $0[0].string }) {
            for column in try db.query("SELECT name FROM pragma_table_info(?)", table).compactMap({ $0[0].string }) {
                let hits = try db.scalar("""
                    SELECT count(*) FROM "\(table)"
                    WHERE (typeof("\(column)") = 'text' AND instr(lower("\(column)"), lower(?1)) > 0)
                       OR (typeof("\(column)") = 'blob' AND (instr("\(column)", CAST(?1 AS BLOB)) > 0
                                                            OR instr("\(column)", CAST(upper(?1) AS BLOB)) > 0))
                    """, needle).int64 ?? 0
                if hits > 0 { found.append("\(table).\(column) (\(hits) rows)") }
            }
        }
        return found
    }

    /// Columns that reference users (declared foreign keys, and any user_id) holding `id`.
    static func references(toUser id: Int64, in db: Connection) throws -> [String] {
        var found: [String] = []
        for table in try db.query("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").compactMap({ $0[0].string }) {
            var columns = Set(try db.query("SELECT \"from\" FROM pragma_foreign_key_list(?) WHERE \"table\" = 'users'", table).compactMap { $0[0].string })
            if try db.scalar("SELECT count(*) FROM pragma_table_info(?) WHERE name = 'user_id'", table).int64 == 1 { columns.insert("user_id") }
            if table == "users" { columns.insert("id") }
            for column in columns where try db.scalar("SELECT count(*) FROM \"\(table)\" WHERE \"\(column)\" = ?", id).int64 ?? 0 > 0 {
                found.append("\(table).\(column)")
            }
        }
        return found
    }

    @Test("the issue's test: after every command, forget leaves nothing of the customer but the log's keyed hash, and the totals reconcile")
    func forgetLeavesNothingButTheKeyedHash() throws {
        let work = try Self.warehouseThroughEveryCommand()
        let before = try Connection(path: work.path("w.db"), mode: .readOnly)
        let userID = try #require(try before.scalar("SELECT id FROM users WHERE external_id = ?", Self.customer).int64)
        let where_ = try Self.occurrences(of: Self.customer, in: before)
        #expect(where_ == ["import_rejects.raw (2 rows)", "users.external_id (1 rows)", "events.properties (3 rows)"], "\(where_)")
        #expect(try Self.references(toUser: userID, in: before).count >= 8)
        let revenue = try before.scalar("SELECT sum(amount_micros) FROM orders").int64 ?? 0
        let hers = try before.scalar("SELECT sum(amount_micros) FROM orders WHERE user_id = ?", userID).int64 ?? 0
        let unchanged = try Self.contents(before)

        // A dry run says what would go and changes nothing (not even the key).
        let dry = try Self.lifecycle(["forget", Self.customer, "--dry-run", "--format", "json"], in: work)
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let planned = try #require(plan["rows"] as? [String: Int])
        #expect(planned["orders"] == 3 && planned["order_lines"] == 3 && planned["events"] == 2 && planned["users"] == 1)
        #expect(planned["import_rejects"] == 2 && planned["other_events_properties"] == 1)
        #expect(planned["predictions"] ?? 0 >= 1 && planned["rfm_snapshot_users"] == 2 && planned["user_features"] == 2)
        #expect(try Self.contents(Connection(path: work.path("w.db"), mode: .readOnly)) == unchanged)

        let forget = try Self.lifecycle(["forget", Self.customer, "--format", "json"], in: work)
        let done = try #require(try JSONSerialization.jsonObject(with: Data(forget.stdout.utf8)) as? [String: Any])
        #expect(done["rows"] as? [String: Int] == planned)
        #expect((done["trained_models"] as? [String])?.contains("churn@4") == true)

        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        let key = try #require(try db.scalar("SELECT key FROM privacy_keys WHERE purpose = 'erasure'").bytes)
        let hash = KeyedHash(key: key).hex(Self.customer)
        #expect(try Self.occurrences(of: Self.customer, in: db) == [])
        #expect(try Self.occurrences(of: hash, in: db) == ["erasures.customer_hash (1 rows)"])
        #expect(try Self.references(toUser: userID, in: db) == [])

        // Not in the file's bytes either, once the log is copied back (secure_delete zeroes what the erasure freed).
        try Connection(path: work.path("w.db")).execute("PRAGMA wal_checkpoint(TRUNCATE)")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: work.path("w.db")))
        #expect(bytes.range(of: Data(Self.customer.utf8)) == nil)

        // Totals reconcile: the kept figures equal a recomputation from the orders left.
        #expect(try db.scalar("SELECT sum(amount_micros) FROM orders").int64 == revenue - hers)
        #expect(try db.query("SELECT user_id, first_purchase_at, last_purchase_at, purchase_orders, return_orders, net_micros FROM customer_totals ORDER BY user_id").map { "\($0.values)" }
                == db.query("""
                    SELECT user_id, min(CASE WHEN kind = 'purchase' THEN ordered_at END), max(CASE WHEN kind = 'purchase' THEN ordered_at END),
                           sum(kind = 'purchase'), sum(kind = 'return'), sum(amount_micros)
                    FROM orders WHERE user_id IS NOT NULL AND kind IN ('purchase', 'return')
                    GROUP BY user_id HAVING sum(kind = 'purchase') > 0 ORDER BY user_id
                    """).map { "\($0.values)" })
        #expect(try db.query("SELECT currency, orders FROM order_currencies ORDER BY currency").map { "\($0.values)" }
                == db.query("SELECT currency, count(*) FROM orders GROUP BY currency ORDER BY currency").map { "\($0.values)" })
        #expect(try db.scalar("""
            SELECT through_order_id = (SELECT max(id) FROM orders) AND orders_counted = (SELECT count(*) FROM orders) FROM customer_totals_state
            """).int64 == 1)
        #expect(try db.scalar("""
            SELECT count(*) FROM rfm_snapshots s WHERE users <> (SELECT count(*) FROM rfm_snapshot_users WHERE snapshot_id = s.id)
            """).int64 == 0)
        #expect(try db.scalar("""
            SELECT count(*) FROM feature_builds b WHERE users <> (SELECT count(*) FROM user_features WHERE as_of = b.as_of)
            """).int64 == 0)
        // RFM from the kept totals no longer holds her.
        let kept = try Self.lifecycle(["rfm", "--format", "csv"], in: work).stdout
        #expect(kept.contains("Champions"))
        #expect(!kept.contains(Self.customer))

        // The models that saw her are marked; they stay as they were.
        let models = try Self.lifecycle(["models", "list", "churn", "--format", "json"], in: work)
        let versions = try #require((try JSONSerialization.jsonObject(with: Data(models.stdout.utf8)) as? [String: Any])?["rows"] as? [[String: Any]])
        // churn@1–3 were trained (by the demo) before her rows were imported.
        #expect(versions.map { $0["trained_on_erased_data"] as? Bool } == [false, false, false, true])

        // Re-importing every dump does not bring her back: her rows are counted as erased.
        let again = try Self.lifecycle(["import", "orders", "carol-orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                                       in: work)
        #expect((again.stdout + again.stderr).contains("erased 3"))
        try Self.lifecycle(["import", "events", "carol-events.csv"], in: work)
        try Self.lifecycle(["import", "users", "carol-users.csv"], in: work)
        let after = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try Self.occurrences(of: Self.customer, in: after) == [])   // her rejected rows' raw text is not kept either
        #expect(try after.scalar("SELECT count(*) FROM users WHERE external_id = ?", Self.customer).int64 == 0)
        #expect(try after.query("SELECT kind, rows_read, rows_loaded, rows_duplicate, rows_rejected, rows_erased FROM imports ORDER BY id DESC LIMIT 3")
                .map { "\($0.values)" } == [
                    "\([SQLValue.text("users"), .integer(2), .integer(0), .integer(0), .integer(1), .integer(1)])",
                    "\([SQLValue.text("events"), .integer(3), .integer(0), .integer(1), .integer(0), .integer(2)])",
                    "\([SQLValue.text("orders"), .integer(4), .integer(0), .integer(0), .integer(1), .integer(3)])",
                ])
        let status = try Binary.run(["forget", Self.customer, "--db", "w.db"], directory: work.url)
        #expect(status.status == 0 && status.stdout.contains("erased before: \(Self.customer)"))
    }

    @Test("an id that is neither a customer nor erased before is named, and the exit status says so; the others are erased")
    func unknownIdsAreNamed() throws {
        let work = try WorkDirectory()
        try Self.orders.write(toFile: work.path("carol-orders.csv"), atomically: true, encoding: .utf8)
        try Self.lifecycle(["import", "orders", "carol-orders.csv", "--format", "online-retail", "--timezone", "Europe/London"], in: work)
        try "carol@example.com\r\n\r\nnobody@example.com\n".write(toFile: work.path("ids.txt"), atomically: true, encoding: .utf8)
        let result = try Binary.run(["forget", "--from", "ids.txt", "--db", "w.db"], directory: work.url)
        #expect(result.status == 1)
        #expect(result.stderr.contains("not found (no user with that id, and not erased before): nobody@example.com"))
        #expect(result.stdout.hasPrefix("erased 1 customer\n"))
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM orders").int64 == 0)
        #expect(try db.scalar("SELECT count(*) FROM erasures").int64 == 1)
    }

    @Test("forget in a pseudonymised warehouse takes source ids with the key (option or variable) and refuses another key; --log-absent logs an id with no data")
    func sourceIdsWithTheKeyAndAbsentIds() throws {
        let work = try WorkDirectory()
        try Data((0..<32).map { UInt8($0 * 7 + 1) }).write(to: work.url.appendingPathComponent("shop.key"))
        try Data((0..<32).map { UInt8($0 * 5 + 2) }).write(to: work.url.appendingPathComponent("other.key"))
        try Self.orders.write(toFile: work.path("carol-orders.csv"), atomically: true, encoding: .utf8)
        try Self.lifecycle(["privacy", "pseudonymise", "--key-file", "shop.key"], in: work)
        try Self.lifecycle(["import", "orders", "carol-orders.csv", "--format", "online-retail", "--timezone", "Europe/London",
                            "--key-file", "shop.key"], in: work)
        let wrong = try Binary.run(["forget", Self.customer, "--key-file", "other.key", "--db", "w.db"], directory: work.url)
        #expect(wrong.status != 0 && wrong.stderr.contains("fingerprint differs"), "\(wrong.stderr)")
        let erased = try Binary.run(["forget", Self.customer, "--db", "w.db"], directory: work.url,
                                    environment: ["LIFECYCLE_KEY_FILE": work.path("shop.key")])
        #expect(erased.status == 0 && erased.stdout.hasPrefix("erased 1 customer\n"), "\(erased.stderr)")
        let absent = try Binary.run(["forget", "dave@example.com", "--log-absent", "--key-file", "shop.key", "--db", "w.db"],
                                    directory: work.url)
        #expect(absent.status == 0 && absent.stdout.contains("logged with no data yet (later imports skip them): dave@example.com"),
                "\(absent.stdout) \(absent.stderr)")
        let db = try Connection(path: work.path("w.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM orders").int64 == 0)
        #expect(try db.scalar("SELECT count(*) FROM erasures").int64 == 2)
    }
}
