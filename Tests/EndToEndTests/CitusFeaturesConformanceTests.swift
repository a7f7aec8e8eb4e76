import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle features build` on both engines: one generated shop (users, orders with returns
    /// and guests, events with reviews) imported into a SQLite file and into the Citus cluster of
    /// `CitusCLITests` (this suite runs inside it), features built for several as-ofs and a
    /// schedule on both, then every `user_features` row compared (integers and text exactly,
    /// reals to 1e-9 relative), the commands' output compared in every format, a rebuild shown to
    /// change nothing, and the several-currencies refusal shown to be SQLite's.
    @Suite struct CitusFeaturesConformanceTests {
        let suite = CitusCLITests()

        /// The as-ofs built one by one (the default, an instant in the middle of a day, a date),
        /// and a monthly schedule.
        static let single: [[String]] = [[], ["--as-of", "2011-03-15T12:00:00Z"], ["--as-of", "2011-07-01"]]
        static let schedule = ["--from", "2011-09-01", "--to", "2011-11-01", "--every", "month"]

        @Test func featuresBuiltOnCitusAreSQLitesRowsForEveryAsOfAndARebuildChangesNothing() throws {
            let work = try WorkDirectory()
            #expect(try Binary.run(["generate", "--users", "300", "--seed", "51", "--out", "shop"], directory: work.url).status == 0)
            let url = try suite.cluster.createDatabase("lc_features_conformance", citus: true)
            let file = work.path("shop.db")
            for command in [["users", "shop/users.csv"], ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                            ["events", "shop/events.csv"]] {
                #expect(try suite.importCounts(command + ["--db", url], in: work) == (try suite.importCounts(command + ["--db", file], in: work)),
                        "\(command)")
            }

            // The commands print the same on both, in every format (but the seconds they took).
            for options in Self.single + [Self.schedule] {
                for format in [[], ["--format", "json"], ["--format", "csv"]] {
                    let arguments = ["features", "build"] + options + format
                    let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
                    let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
                    #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
                    #expect(Self.withoutSeconds(onCitus.stdout) == Self.withoutSeconds(onSQLite.stdout), "\(arguments) prints otherwise on Citus")
                    #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
                    #expect(!onSQLite.stdout.isEmpty)
                }
            }

            // Every row, every column.
            let sqlite = try Connection(path: file, mode: .readOnly)
            let db = try PGConnection.open(PostgresLocation(url: url))
            defer { try? db.close() }
            let rows = "SELECT * FROM user_features ORDER BY as_of, user_id"
            let onSQLite = try sqlite.query(rows).map { row in zip(row.columns, row.values.map(Self.value)).map { $0 } }
            let onCitus = try db.query(rows).map { row in zip(row.columns, row.values.map(Self.value)).map { $0 } }
            #expect(onCitus.count == onSQLite.count, "\(onCitus.count) rows on Citus, \(onSQLite.count) on SQLite")
            var mismatches = 0
            for (citusRow, sqliteRow) in zip(onCitus, onSQLite) where !Self.equal(citusRow, sqliteRow) {
                mismatches += 1
                if mismatches <= 3 { Issue.record("a row differs\n  Citus:  \(citusRow)\n  SQLite: \(sqliteRow)") }
            }
            #expect(mismatches == 0, "\(mismatches) rows differ")
            // Not vacuous: six as-ofs, many customers, every kind of feature filled somewhere.
            let asOfs = Set(onSQLite.compactMap { Self.column("as_of", $0) })
            #expect(asOfs.count == 6, "\(asOfs)")
            #expect(onSQLite.count > 1_000, "only \(onSQLite.count) rows compared")
            for (name, least) in [("returns_count", 50), ("sd_days_between_orders", 500), ("avg_review_score", 200), ("views_30d", 250),
                                  ("distinct_products", 1_000), ("days_since_last_event", 1_000), ("revenue_30d_micros", 250)] {
                let filled = onSQLite.filter { row in
                    switch Self.column(name, row) {
                    case .integer(let value)?: return value != 0
                    case .real?: return true
                    default: return false
                    }
                }.count
                #expect(filled >= least, "only \(filled) rows with \(name)")
            }
            let builds = "SELECT as_of, users, orders_before, events_before FROM feature_builds ORDER BY as_of"
            let buildsOnSQLite = try sqlite.query(builds).map { $0.values.map(Self.value) }
            #expect(try db.query(builds).map { $0.values.map(Self.value) } == buildsOnSQLite)
            #expect(buildsOnSQLite.count == 6)

            // A rebuild replaces an as-of's rows with the same rows: one build row per as-of still.
            let before = try db.query(rows).map { $0.values.map(Self.value) }
            for options in [["--as-of", "2011-07-01"], Self.schedule] {
                let again = try Binary.run(["features", "build"] + options + ["--db", url], directory: work.url)
                #expect(again.status == 0, "\(again.stderr)")
            }
            #expect(try db.query(rows).map { $0.values.map(Self.value) } == before, "a rebuild changed the rows")
            #expect(try db.query("SELECT as_of FROM feature_builds GROUP BY as_of HAVING count(*) > 1").isEmpty)
            #expect(try db.query(builds).map { $0.values.map(Self.value) } == buildsOnSQLite)

            // The query is per customer on the workers (32 shards), and so is the build's INSERT.
            let text = try String(contentsOf: CitusCLITests.sqlFolder.appendingPathComponent("postgres/user_features.sql"), encoding: .utf8)
            let plan = try db.query("EXPLAIN " + text, named: ["as_of": .integer(1_309_478_400)]).compactMap { $0[0].string }.joined(separator: "\n")
            #expect(plan.contains("Custom Scan (Citus Adaptive)") && plan.contains("Task Count: 32"), "\(plan)")
            let insert = "INSERT INTO user_features SELECT 1309478400, f.* FROM (\(PGConnection.statements(in: text)[0])\n) AS f"
            let insertPlan = try db.query("EXPLAIN " + insert, named: ["as_of": .integer(1_309_478_400)]).compactMap { $0[0].string }
                .joined(separator: "\n")
            #expect(insertPlan.contains("Task Count: 32") && !insertPlan.contains("INSERT/SELECT method"), "\(insertPlan)")
        }

        @Test func severalCurrenciesBeforeTheAsOfAreRefusedAsOnSQLiteAndOneIsBuilt() throws {
            let work = try WorkDirectory()
            let url = try suite.cluster.createDatabase("lc_features_currencies", citus: true)
            let file = work.path("shop.db")
            try """
                order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency
                G-1,2011-01-10T10:00:00Z,c1,P1,2,4.25,GBP
                G-2,2011-02-10T10:00:00Z,c1,P2,1,3.5,GBP
                G-3,2011-02-20T09:00:00Z,c2,P1,1,4.25,GBP
                E-1,2011-06-01T10:00:00Z,c3,P3,1,9.5,EUR
                """.write(toFile: work.path("orders.csv"), atomically: true, encoding: .utf8)
            for db in [file, url] {
                let imported = try Binary.run(["import", "orders", "orders.csv", "--db", db], directory: work.url)
                #expect(imported.status == 0, "\(imported.stderr)")
            }
            // Before June the customers' orders are all in pounds: built alike.
            for db in [file, url] {
                let built = try Binary.run(["features", "build", "--as-of", "2011-05-01", "--db", db], directory: work.url)
                #expect(built.status == 0 && built.stdout.hasPrefix("features as of 2011-05-01: 2 users in "), "\(db): \(built.stdout) \(built.stderr)")
            }
            // From June they are in two, and on the last day before any order the warehouse's two
            // are named: both refused with SQLite's words, nothing written.
            let several = "the orders in scope are in 2 currencies, EUR (1 order), GBP (3 orders), and amounts of different currencies "
                + "are never added together: pass --currency EUR or --currency GBP"
            for options in [[], ["--as-of", "2011-07-01"], ["--as-of", "2011-01-01"], Self.schedule] {
                for db in [file, url] {
                    let refused = try Binary.run(["features", "build"] + options + ["--db", db], directory: work.url)
                    #expect(refused.status != 0 && refused.stderr.contains(several), "\(options) on \(db): \(refused.stderr)")
                    #expect(refused.stdout.isEmpty)
                }
            }
            let db = try PGConnection.open(PostgresLocation(url: url))
            defer { try? db.close() }
            #expect(try db.query("SELECT as_of FROM feature_builds").compactMap { $0[0].int64 } == [1_304_208_000])
            #expect(try db.scalar("SELECT count(*) FROM user_features").int64 == 2)
        }

        @Test func aMoneyTotalBeyond64BitsIsRefusedByNameAndWritesNothing() throws {
            // Two orders of 5·10^18 micro-units: each fits a bigint, their sum does not. (SQLite's
            // import refuses them already, its kept customer totals overflowing; PostgreSQL keeps
            // none, so the build is where the sum is first taken.)
            let work = try WorkDirectory()
            let url = try suite.cluster.createDatabase("lc_features_overflow", citus: true)
            try """
                order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency
                B-1,2011-01-10T10:00:00Z,c1,P1,1,5000000000000,GBP
                B-2,2011-02-10T10:00:00Z,c1,P1,1,5000000000000,GBP
                """.write(toFile: work.path("orders.csv"), atomically: true, encoding: .utf8)
            #expect(try Binary.run(["import", "orders", "orders.csv", "--db", url], directory: work.url).status == 0)
            let refused = try Binary.run(["features", "build", "--db", url], directory: work.url)
            #expect(refused.status != 0 && refused.stderr.contains("features: integer overflow in a money total"), "\(refused.stderr)")
            let db = try PGConnection.open(PostgresLocation(url: url))
            defer { try? db.close() }
            #expect(try db.scalar("SELECT (SELECT count(*) FROM user_features) + (SELECT count(*) FROM feature_builds)").int64 == 0)
        }

        /// One stored value: both engines' integers, reals, text and NULL.
        enum Value: Hashable, CustomStringConvertible {
            case integer(Int64), real(Double), text(String), null

            var description: String {
                switch self {
                case .integer(let value): return "\(value)"
                case .real(let value): return "\(value)"
                case .text(let value): return "'\(value)'"
                case .null: return "NULL"
                }
            }
        }

        static func value(_ value: SQLValue) -> Value {
            switch value {
            case .integer(let integer): return .integer(integer)
            case .real(let real): return .real(real)
            case .text(let text): return .text(text)
            default: return .null
            }
        }

        static func value(_ value: PGValue) -> Value {
            switch value {
            case .integer(let integer): return .integer(integer)
            case .real(let real): return .real(real)
            case .text(let text): return .text(text)
            default: return .null
            }
        }

        static func column(_ name: String, _ row: [(String, Value)]) -> Value? {
            row.first { $0.0 == name }?.1
        }

        /// Same columns; integers, text and NULL exactly; reals to 1e-9 relative (the issue's
        /// rule for reals: the builds add the same doubles in the same order, but an engine may
        /// round a last bit otherwise, and nothing downstream can tell 1e-9 apart).
        static func equal(_ a: [(String, Value)], _ b: [(String, Value)]) -> Bool {
            guard a.map(\.0) == b.map(\.0) else { return false }
            return zip(a.map(\.1), b.map(\.1)).allSatisfy { x, y in
                if case .real(let p) = x, case .real(let q) = y { return abs(p - q) <= 1e-9 * max(abs(p), abs(q)) }
                return x == y
            }
        }

        /// The output with the seconds a build took blanked: in sentences, JSON and CSV.
        static func withoutSeconds(_ text: String) -> String {
            text.replacingOccurrences(of: #"in [0-9.]+ s"#, with: "in _ s", options: .regularExpression)
                .replacingOccurrences(of: #""seconds": ?[0-9.]+"#, with: #""seconds":_"#, options: .regularExpression)
                .replacingOccurrences(of: #",[0-9.]+\n"#, with: ",_\n", options: .regularExpression)
        }
    }
}
