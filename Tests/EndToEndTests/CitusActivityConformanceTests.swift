import Foundation
import PostgresStore
import SQLiteStore
import Testing

/// Activity and lifecycle on both engines: one generated shop (users, orders with returns and
/// guests, events) imported into a SQLite file and into the Citus cluster of `CitusCLITests`
/// (these tests are in that suite), then `lifecycle activity --format json` on the file and on
/// the server over a matrix of periods, activity sources and scopes (as-ofs, --since/--until
/// windows, a country): the same answer, byte for byte. One import, many questions, so the suite
/// stays quick; the SQL files are also compared row by row on a few cells, and the plan shows the
/// per-customer work on the workers.
extension CitusCLITests {
    @Test func activityOnCitusAnswersWhatItAnswersOnSQLiteOverAMatrixOfOptions() throws {
        let (work, file, url) = try shopOnBothEngines("lc_activity_conformance", users: 300, seed: 41, events: false)
        // Without events, activity from events is refused alike, not answered with empty periods.
        for db in [file, url] {
            let result = try Binary.run(["activity", "--activity", "events", "--db", db], directory: work.url)
            #expect(result.status != 0 && result.stderr.contains("the warehouse holds no events"), "\(db): \(result.stderr)")
        }
        let events = ["events", "shop/events.csv"]
        #expect(try importCounts(events + ["--db", url], in: work) == (try importCounts(events + ["--db", file], in: work)))

        let sqlite = try Connection(path: file, mode: .readOnly)
        // The most common country, and a small one (a few customers: many periods without any).
        let countries = try sqlite.query("""
            SELECT country FROM users WHERE country IS NOT NULL GROUP BY country ORDER BY count(*) DESC, country LIMIT 2
            """).compactMap { $0[0].string }
        try #require(countries.count == 2)
        let (country, small) = (countries[0], countries[1])
        let scopes: [[String]] = [
            [], ["--as-of", "2011-03-15T12:00:00Z"], ["--as-of", "2011-07-01", "--since", "2011-02-01"],
            ["--until", "2011-06-01"], ["--since", "2011-03-10", "--until", "2011-09-20"], ["--country", country],
            ["--since", "2011-01-15", "--until", "2011-11-01", "--country", small, "--as-of", "2011-10-01T06:00:00Z"],
            ["--since", "2011-12-20"],
        ]
        var rows = 0, eventRows = 0, weekly = 0
        var seconds = (sqlite: 0.0, citus: 0.0)
        for period in ["month", "week", "day"] {
            for source in ["both", "orders", "events"] {
                for scope in scopes {
                    let arguments = ["activity", "--period", period, "--activity", source] + scope + ["--format", "json"]
                    var started = Date()
                    let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
                    seconds.sqlite += Date().timeIntervalSince(started)
                    started = Date()
                    let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
                    seconds.citus += Date().timeIntervalSince(started)
                    #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
                    #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) answers otherwise on Citus")
                    #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
                    let answer = try JSONSerialization.jsonObject(with: Data(onSQLite.stdout.utf8)) as? [String: Any]
                    let answered = answer?["rows"] as? [[String: Any]] ?? []
                    rows += answered.count
                    if source == "events" { eventRows += answered.filter { ($0["active_users"] as? Int ?? 0) > 0 }.count }
                    weekly += answered.filter { ($0["avg_wau"] as? Double ?? 0) > 0 }.count
                }
            }
        }
        // Not vacuous: many periods compared, events counted on their own, the rolling WAU filled.
        #expect(rows > 2_000, "only \(rows) periods compared")
        #expect(eventRows > 100, "only \(eventRows) periods with users active by events")
        #expect(weekly > 20, "only \(weekly) months with a rolling WAU")
        print("activity over \(3 * 3 * scopes.count) questions (lifecycle run per question, debug build): "
              + "SQLite \(String(format: "%.2f", seconds.sqlite)) s, Citus \(String(format: "%.2f", seconds.citus)) s")

        // The SQL files themselves, row by row, on the questions' extremes.
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        for values: [String: String?] in [
            ["period": "month", "activity": "both", "as_of": nil, "since": nil, "until": nil, "country": nil],
            ["period": "week", "activity": "events", "as_of": "2011-08-01 00:00:00", "since": "2011-02-01 00:00:00", "until": nil, "country": small],
            ["period": "day", "activity": "orders", "as_of": nil, "since": "2011-05-01 00:00:00", "until": "2011-06-15 00:00:00", "country": nil],
        ] {
            let onSQLite = try run("activity", values, sqlite: sqlite)
            let onCitus = try run("activity", values, postgres: db)
            #expect(onCitus.columns == onSQLite.columns, "\(values): columns")
            #expect(onCitus.rows == onSQLite.rows, "\(values): rows differ")
            #expect(!onSQLite.rows.isEmpty)
        }
        // The per-customer parts run as tasks on the workers (32 shards).
        let text = try String(contentsOf: Self.sqlFolder.appendingPathComponent("postgres/activity.sql"), encoding: .utf8)
        let defaults: [String: PGValue] = ["as_of": .null, "period": .null, "activity": .null, "since": .null, "until": .null, "country": .null,
                                           "zone": .null]
        let plan = try db.query("EXPLAIN " + text, named: defaults).compactMap { $0[0].string }.joined(separator: "\n")
        #expect(plan.contains("Custom Scan (Citus Adaptive)") && plan.contains("Task Count: 32"), "\(plan)")

        // Reporting zones: local days, weeks and months, a local as-of. Not vacuous: at the same
        // instant, Kolkata's days hold other orders than UTC's.
        let daysAt = { (zone: String) -> NSArray? in
            let json = try Binary.run(["activity", "--timezone", zone, "--period", "day", "--as-of", "2011-11-01T00:00:00Z",
                                       "--format", "json", "--db", url], directory: work.url).stdout
            return (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["rows"] as? NSArray
        }
        let (kolkata, utc) = (try daysAt("Asia/Kolkata"), try daysAt("UTC"))
        #expect(kolkata != nil && utc != nil && kolkata != utc)
        for zone in ["Europe/Paris", "America/New_York", "Asia/Kolkata"] {
            for period in ["day", "week", "month"] {
                let arguments = ["activity", "--timezone", zone, "--period", period, "--as-of", "2011-11-01", "--format", "json"]
                let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
                let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) answers otherwise on Citus")
            }
        }
        // What a PostgreSQL warehouse cannot do yet is refused by name, not answered differently.
        let window = try Binary.run(["activity", "--since", "2011-05-01", "--until", "2011-04-01", "--db", url], directory: work.url)
        let windowOnFile = try Binary.run(["activity", "--since", "2011-05-01", "--until", "2011-04-01", "--db", file], directory: work.url)
        for result in [window, windowOnFile] {
            #expect(result.status != 0 && result.stderr.contains("--until: must be after --since"), "\(result.stderr)")
        }
        // A second currency: SQLite answers each with --currency; PostgreSQL refuses both ways.
        try "order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency\nEUR-1,2011-06-01T10:00:00Z,10001,P-EUR,1,9.5,EUR\n"
            .write(toFile: work.path("euro.csv"), atomically: true, encoding: .utf8)
        for db in [file, url] {
            #expect(try Binary.run(["import", "orders", "euro.csv", "--db", db], directory: work.url).status == 0)
        }
        #expect(try Binary.run(["activity", "--currency", "GBP", "--db", file], directory: work.url).status == 0)
        let chosen = try Binary.run(["activity", "--currency", "GBP", "--db", url], directory: work.url)
        #expect(chosen.status != 0 && chosen.stderr.contains("--currency: a warehouse of several currencies is not supported on PostgreSQL yet"),
                "\(chosen.stderr)")
        let several = try Binary.run(["activity", "--db", url], directory: work.url)
        #expect(several.status != 0 && several.stderr.contains("--currency EUR or --currency GBP"), "\(several.stderr)")
    }
}
