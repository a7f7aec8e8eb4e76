import Foundation
import PostgresStore
import SQLiteStore
import Testing

/// Cohort retention on both engines: one generated shop (returns and guests included) imported
/// into a SQLite file and into the Citus cluster of `CitusCLITests`, then `sql/retention.sql` on
/// SQLite and `sql/postgres/retention.sql` on Citus with the same named parameters over as-ofs,
/// --since/--until windows, a country, a list of users, periods, metrics, both cohort kinds and
/// purchases or events (of any type or one) as activity: the same columns and the same rows in
/// the same order, every integer exactly. And `lifecycle retention` on a URL prints what it
/// prints on the file.
extension CitusCLITests {
    @Test func retentionOnCitusReturnsSQLitesRowsOverAMatrixOfOptions() throws {
        let (work, file, url) = try shopOnBothEngines("lc_retention_conformance", users: 400, seed: 31)
        defer { withExtendedLifetime(work) {} }  // its directory holds the file
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let country = try #require(try sqlite.scalar("""
            SELECT country FROM users WHERE country IS NOT NULL GROUP BY country ORDER BY count(*) DESC, country LIMIT 1
            """).string)
        let someUsers = try sqlite.query("SELECT id FROM users ORDER BY id LIMIT 60").compactMap { $0[0].int64 }
        let asOfs: [String?] = [nil, "2011-03-15 12:00:00", "2011-07-01 00:00:00", "2012-06-01 00:00:00"]
        let windows: [[String: String]] = [[:], ["since": "2011-02-01 00:00:00"], ["until": "2011-06-01 00:00:00"],
                                           ["since": "2011-03-10 00:00:00", "until": "2011-09-20 00:00:00"], ["country": country],
                                           ["since": "2011-01-15 00:00:00", "country": country],
                                           ["users": "[" + someUsers.map(String.init).joined(separator: ",") + "]"]]
        // (:max_offset is left to the CLI test: bound as text here, SQLite would compare an integer
        // with text, which is always less, and filter nothing.)
        var compared = 0, withMoney = 0, recurring = 0, fromEvents = 0
        func compare(_ values: [String: String?]) throws {
            let onSQLite = try run("retention", values, sqlite: sqlite)
            let onCitus = try run("retention", values, postgres: db)
            let label = "retention \(values.compactMapValues { $0 }.sorted { $0.key < $1.key })"
            if !onSQLite.rows.isEmpty { #expect(onCitus.columns == onSQLite.columns, "\(label): columns") }
            #expect(onCitus.rows.count == onSQLite.rows.count, "\(label): \(onCitus.rows.count) rows on Citus, \(onSQLite.rows.count) on SQLite")
            if let index = zip(onCitus.rows, onSQLite.rows).enumerated().first(where: { _, pair in pair.0 != pair.1 })?.offset {
                Issue.record("\(label): row \(index) differs\n  Citus:  \(onCitus.rows[index])\n  SQLite: \(onSQLite.rows[index])")
            }
            compared += onSQLite.rows.count
            if values["cohort"] == "recurring" { recurring += onSQLite.rows.count }
            if values["activity"] == "events" { fromEvents += onSQLite.rows.count }
            withMoney += onSQLite.rows.filter { $0.count > 7 && $0[7] != .null }.count
        }
        func question(period: String, metric: String, asOf: String?, window: [String: String],
                      cohort: String = "first-purchase", activity: String = "orders", eventType: String? = nil) -> [String: String?] {
            var values: [String: String?] = ["as_of": asOf, "period": period, "cohort": cohort, "activity": activity,
                                             "event_type": eventType, "metric": metric, "since": nil, "until": nil, "country": nil,
                                             "users": nil, "max_offset": nil]
            for (key, value) in window { values[key] = value }
            return values
        }
        // First-purchase cohorts of purchases over the whole matrix.
        for period in ["month", "week", "day"] {
            for metric in ["users", "orders", "revenue"] {
                for asOf in asOfs {
                    for window in windows where period == "month" || metric == "users" || window.isEmpty {
                        try compare(question(period: period, metric: metric, asOf: asOf, window: window))
                    }
                }
            }
        }
        // Recurring cohorts and events as activity on a few of its points (each question costs
        // Citus about a second of planning over 32 shards, so not the whole matrix again).
        for period in ["month", "week", "day"] {
            for window in [windows[0], windows[4]] {
                try compare(question(period: period, metric: "users", asOf: nil, window: window, cohort: "recurring"))
            }
            try compare(question(period: period, metric: "revenue", asOf: asOfs[2], window: windows[0], cohort: "recurring"))
            for window in [windows[0], windows[3]] {
                try compare(question(period: period, metric: "users", asOf: nil, window: window, activity: "events"))
            }
            try compare(question(period: period, metric: "users", asOf: asOfs[1], window: windows[6], cohort: "recurring",
                                 activity: "events", eventType: "view"))
        }
        // Not vacuous: many cells, some with the orders and revenue columns filled.
        #expect(compared > 5_000, "only \(compared) rows compared")
        #expect(withMoney > 500, "only \(withMoney) rows with orders and revenue")
        #expect(recurring > 1_000 && fromEvents > 1_000, "recurring: \(recurring) rows, events: \(fromEvents) rows")
        // The per-customer part runs as tasks on the workers.
        let text = try String(contentsOf: Self.sqlFolder.appendingPathComponent("postgres/retention.sql"), encoding: .utf8)
        let defaults: [String: PGValue] = ["as_of": .null, "period": .null, "cohort": .null, "activity": .null, "event_type": .null,
                                           "metric": .null, "since": .null, "until": .null, "country": .null, "users": .null,
                                           "max_offset": .null, "zone": .null]
        let plan = try db.query("EXPLAIN " + text, named: defaults).compactMap { $0[0].string }.joined(separator: "\n")
        #expect(plan.contains("Custom Scan (Citus Adaptive)") && plan.contains("Task Count: 32"), "\(plan)")
        // The cells are added up in the shard tasks: the coordinator only combines their partial
        // sums per (cohort, offset), it is not sent a row per customer and period.
        #expect(plan.contains("Group Key: remote_scan.c, remote_scan.k"), "\(plan)")
    }

    @Test func lifecycleRetentionOnCitusPrintsWhatItPrintsOnSQLite() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "250", "--seed", "32", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase("lc_retention_cli", citus: true)
        let file = work.path("shop.db")
        for command in [["users", "shop/users.csv"],
                        ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"],
                        ["events", "shop/events.csv"]] {
            #expect(try importCounts(command + ["--db", url], in: work) == (try importCounts(command + ["--db", file], in: work)))
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let country = try #require(try sqlite.scalar(
            "SELECT country FROM users WHERE country IS NOT NULL GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").string)
        let variants: [[String]] = [
            [], ["--as-of", "2011-07-01"], ["--as-of", "2011-09-15T12:00:00Z", "--since", "2011-02-01"],
            ["--since", "2011-03-01", "--until", "2011-08-01"], ["--country", country], ["--max-offset", "4", "--curve"],
            ["--mode", "unbounded"], ["--metric", "revenue"], ["--metric", "orders", "--country", country],
            ["--period", "week", "--as-of", "2011-05-01"], ["--period", "day", "--as-of", "2011-02-01"],
            ["--cohort", "recurring"], ["--cohort", "recurring", "--period", "week", "--metric", "revenue"],
            ["--activity", "events"], ["--activity", "events", "--event-type", "view", "--cohort", "recurring", "--mode", "unbounded"],
            // Breakdowns: the same groups in the same order, each group's answer as on the file.
            ["--by", "country"], ["--by", "country", "--curve", "--period", "week"],
            ["--by", "rfm-segment", "--as-of", "2011-10-01", "--metric", "revenue"],
            // Reporting zones: local periods and as-ofs (half-hour offsets and both DST rules).
            ["--timezone", "Europe/Paris"], ["--timezone", "America/New_York", "--period", "week", "--as-of", "2011-10-01"],
            ["--timezone", "Asia/Kolkata", "--period", "day", "--cohort", "recurring", "--activity", "events", "--since", "2011-11-20"],
        ]
        for variant in variants {
            // (A breakdown asks once per group: its text formats are left to the file's tests.)
            for format in variant.contains("--by") ? ["json", "csv"] : ["json", "csv", "markdown"] {
                let onSQLite = try Binary.run(["retention"] + variant + ["--format", format, "--db", file], directory: work.url)
                let onCitus = try Binary.run(["retention"] + variant + ["--format", format, "--db", url], directory: work.url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(variant) \(format): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(onCitus.stdout == onSQLite.stdout, "\(variant) --format \(format) prints otherwise on Citus")
                #expect(onCitus.stderr == onSQLite.stderr, "\(variant) --format \(format)")
                #expect(!onSQLite.stdout.isEmpty)
            }
        }
        // An event type the warehouse lacks is refused alike, with the types it holds.
        let absent = ["retention", "--activity", "events", "--event-type", "no_such_type"]
        let absentOnSQLite = try Binary.run(absent + ["--db", file], directory: work.url)
        let absentOnCitus = try Binary.run(absent + ["--db", url], directory: work.url)
        #expect(absentOnSQLite.status != 0 && absentOnCitus.status != 0)
        let refusal = try #require(absentOnSQLite.stderr.range(of: "--event-type 'no_such_type': no events of that type (types held: ")
            .map { String(absentOnSQLite.stderr[$0.lowerBound...]) }, "\(absentOnSQLite.stderr)")
        #expect(absentOnCitus.stderr.contains(refusal.trimmingCharacters(in: .whitespacesAndNewlines)), "\(absentOnCitus.stderr)")
    }
}
