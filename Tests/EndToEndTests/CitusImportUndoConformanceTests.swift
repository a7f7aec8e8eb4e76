import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle imports undo` on the server does what it does on the file: the same refusals
    /// (a later import's lines in its orders, users later orders use, a feature build after it,
    /// no such import, undone twice), the same dry run that changes nothing, the same removal,
    /// with the earlier orders a later import added lines to restored to exactly what a
    /// warehouse that never saw that import holds; and afterwards the same files load again in
    /// full (the server's key lookups forgot what went).
    @Test func importsUndoneOnCitusLeaveWhatTheyLeaveOnTheFile() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "120", "--seed", "7", "--out", "shop"], directory: work.url).status == 0)
        let orders = try String(contentsOfFile: work.path("shop/orders.csv"), encoding: .utf8)
        let lines = orders.split(separator: "\n").map(String.init)
        let header = lines[0], body = Array(lines.dropFirst())
        let half = body.count / 2
        // The first file leaves out every seventh line of its half; the second brings those
        // lines (so it adds lines to the first file's orders) and the other half.
        let first = body[..<half].enumerated().filter { $0.offset % 7 != 3 }.map(\.element)
        let second = body[..<half].enumerated().filter { $0.offset % 7 == 3 }.map(\.element) + body[half...]
        for (name, rows) in [("first.csv", first), ("second.csv", second)] {
            try ([header] + rows).joined(separator: "\n").appending("\n").write(toFile: work.path(name), atomically: true, encoding: .utf8)
        }
        let url = try cluster.createDatabase("lc_import_undo", citus: true)
        let file = work.path("shop.db"), reference = work.path("first-only.db")
        let ordersImport = ["--format", "online-retail", "--timezone", "UTC"]
        func both(_ arguments: [String]) throws -> [Binary.Result] {
            try [file, url].map { try Binary.run(arguments + ["--db", $0], directory: work.url) }
        }
        /// Expects the same exit status, standard output (holding `marker` when given) and
        /// standard error on both engines; instants in messages (when an import was undone) are
        /// masked, as the engines run a second or so apart.
        @discardableResult
        func expectSame(_ arguments: [String], status: Int32 = 0, holding marker: String? = nil) throws -> String {
            let results = try both(arguments)
            #expect(results.allSatisfy { $0.status == status }, "\(arguments): \(results.map(\.stderr))")
            #expect(results[1].stdout == results[0].stdout, "\(arguments): \(results.map(\.stdout))")
            if let marker { #expect(results[0].stdout.contains(marker), "\(arguments): \(results[0].stdout)") }
            let messages = results.map {
                $0.stderr.replacingOccurrences(of: #"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "INSTANT", options: .regularExpression)
            }
            #expect(messages[1] == messages[0], "\(arguments): \(messages)")
            return results[0].stdout
        }
        /// Imports on both engines; the summaries agree but for the time taken.
        func importBoth(_ arguments: [String]) throws {
            let results = try both(arguments)
            #expect(results.allSatisfy { $0.status == 0 }, "\(arguments): \(results.map(\.stderr))")
            let counts = results.map { $0.stderr.components(separatedBy: "; ").dropLast().joined(separator: "; ") }
            #expect(counts[1] == counts[0] && counts[0].contains("rejected 0"), "\(arguments): \(counts)")
        }
        for arguments in [["import", "users", "shop/users.csv"], ["import", "orders", "first.csv"] + ordersImport,
                          ["import", "orders", "second.csv"] + ordersImport, ["import", "events", "shop/events.csv"]] {
            try importBoth(arguments)
        }
        #expect(try Binary.run(["import", "orders", "first.csv"] + ordersImport + ["--db", reference], directory: work.url).status == 0)

        let sqlite = { try Connection(path: file, mode: .readOnly) }
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        // What an undo changes, by the source's ids (the engines number rows alike, but ids
        // are not the point); on the server, joins go by the distribution column.
        func state(server: Bool) -> [String] {
            let user = server ? "u.id = o.customer_key" : "u.id = o.user_id"
            let order = server ? "o.customer_key = l.customer_key AND o.id = l.order_id" : "o.id = l.order_id"
            return [
                "SELECT o.external_id, coalesce(u.external_id, ''), o.ordered_at, o.kind, o.currency, o.amount_micros, o.line_count, o.item_count FROM orders o LEFT JOIN users u ON \(user)",
                "SELECT o.external_id, l.line_key, l.occurrence, l.amount_micros, l.line_at FROM order_lines l JOIN orders o ON \(order)",
                "SELECT external_id, type, occurred_at FROM events", "SELECT external_id, coalesce(country, '') FROM users",
                "SELECT external_id FROM products", "SELECT id, CASE WHEN undone_at IS NULL THEN 0 ELSE 1 END FROM imports",
            ]
        }
        func rows(_ query: String, _ sqlite: Connection) throws -> [String] {
            try sqlite.query(query).map { $0.values.map(CitusFeaturesConformanceTests.value).description }.sorted()
        }
        func expectSameState(_ step: String) throws {
            let onFile = try sqlite()
            for (fileQuery, serverQuery) in zip(state(server: false), state(server: true)) {
                let expected = try rows(fileQuery, onFile)
                let actual = try db.query(serverQuery).map { $0.values.map(CitusFeaturesConformanceTests.value).description }.sorted()
                #expect(actual == expected, "\(step): \(serverQuery) differs (\(actual.count) rows on Citus, \(expected.count) on the file)")
            }
        }
        try expectSameState("after the imports")

        // Refused alike, changing nothing.
        try expectSame(["imports", "undo", "2"], status: 1)
        let laterLines = try Binary.run(["imports", "undo", "2", "--db", url], directory: work.url)
        #expect(laterLines.stderr.contains("cannot undo import 2: import 3 added lines to orders it created"), "\(laterLines.stderr)")
        let usedUsers = try Binary.run(["imports", "undo", "1", "--db", url], directory: work.url)
        #expect(usedUsers.status == 1 && usedUsers.stderr.contains("of the users it added are used by later orders, events or results"), "\(usedUsers.stderr)")
        try expectSame(["imports", "undo", "1"], status: 1)
        try expectSame(["imports", "undo", "99"], status: 1)
        try expectSameState("after the refusals")

        // A dry run says what would go and changes nothing; the undo removes it, alike.
        try expectSame(["imports", "undo", "3", "--dry-run"], holding: "(dry run: nothing changed)")
        try expectSameState("after the dry run")
        let undone = try expectSame(["imports", "undo", "3"], holding: "import 3 (orders, second.csv): removed ")
        #expect(!undone.contains("(restoring 0 earlier orders)") && undone.contains("earlier orders)"), "\(undone)")
        try expectSameState("after undoing the second file")
        // The first file's orders are back to what they were before the second file added lines.
        let ordersQuery = state(server: false)[0]
        #expect(try rows(ordersQuery, sqlite()) == rows(ordersQuery, Connection(path: reference, mode: .readOnly)),
                "undo did not restore the first file's orders")
        try expectSame(["imports", "undo", "3"], status: 1)
        try expectSame(["imports", "undo", "4"], holding: "import 4 (events, events.csv): removed 0 orders, 0 order lines")
        try expectSameState("after undoing the events")

        // The undone files load again in full (a key the server kept would make its rows
        // duplicates there), and the questions agree.
        try importBoth(["import", "orders", "second.csv"] + ordersImport)
        try importBoth(["import", "events", "shop/events.csv"])
        try expectSameState("after importing again")
        try expectSame(["rfm", "--users", "--format", "csv"], holding: "customer")

        // Features built after an import read its rows: refused alike.
        let features = try both(["features", "build", "--as-of", "2011-06-01"])
        #expect(features.allSatisfy { $0.status == 0 }, "\(features.map(\.stderr))")
        try expectSame(["imports", "undo", "5"], status: 1)
        let built = try Binary.run(["imports", "undo", "5", "--db", url], directory: work.url)
        #expect(built.stderr.contains("features built after it read its rows (as of 2011-06-01T00:00:00Z)"), "\(built.stderr)")
    }
}
