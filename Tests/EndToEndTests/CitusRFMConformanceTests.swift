import Foundation
import PostgresStore
import SQLiteStore
import Testing

/// The RFM questions on both engines: one generated shop imported into a SQLite file and into the
/// Citus cluster of `CitusCLITests` (these tests are in that suite), then `sql/rfm_users.sql` and
/// `sql/rfm_summary.sql` on SQLite and their counterparts in `sql/postgres/` on Citus, with the
/// same named parameters over a matrix of as-ofs, look-back windows, countries, bins and
/// segments, must return the same columns and the same rows in the same order.
extension CitusCLITests {
    /// The repository's sql/ folder.
    static let sqlFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("sql")

    /// One cell, engine-neutral: integers and text exactly, reals as doubles.
    enum Cell: Equatable, CustomStringConvertible {
        case null, integer(Int64), real(Double), text(String)

        init(_ value: SQLValue) {
            switch value {
            case .null: self = .null
            case let .integer(number): self = .integer(number)
            case let .real(number): self = .real(number)
            case let .text(text): self = .text(text)
            case .blob: self = .text("<blob>")
            }
        }

        init(_ value: PGValue) {
            switch value {
            case .null: self = .null
            case let .integer(number): self = .integer(number)
            case let .real(number): self = .real(number)
            case let .text(text): self = .text(text)
            default: self = .text("unexpected \(value)")
            }
        }

        /// Equal, reals to 1e-9 relative: both engines divide the same exact integers in double
        /// precision, so they agree to the last bit in practice; the tolerance only keeps a
        /// reordered sum from failing the comparison.
        func matches(_ other: Cell) -> Bool {
            if case let .real(a) = self, case let .real(b) = other { return abs(a - b) <= 1e-9 * max(1, abs(a), abs(b)) }
            return self == other
        }

        var description: String {
            switch self {
            case .null: return "NULL"
            case let .integer(number): return "\(number)"
            case let .real(number): return "\(number)"
            case let .text(text): return "'\(text)'"
            }
        }
    }

    @Test func rfmOnCitusReturnsSQLitesRowsOverAMatrixOfOptions() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "400", "--seed", "21", "--no-events", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase("lc_rfm_conformance", citus: true)
        let file = work.path("shop.db")
        for command in [["users", "shop/users.csv"],
                        ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]] {
            let onSQLite = try importCounts(command + ["--db", file], in: work)
            let onCitus = try importCounts(command + ["--db", url], in: work)
            #expect(onCitus == onSQLite, "\(command)")
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let country = try #require(try sqlite.scalar("""
            SELECT country FROM users WHERE country IS NOT NULL GROUP BY country ORDER BY count(*) DESC, country LIMIT 1
            """).string)

        let bins: [String: String] = ["recency_bins": "[30,90,180,365]", "frequency_bins": "[1,2,4,8]",
                                      "monetary_bins": "[20000000,100000000,400000000,1500000000]"]
        let asOfs: [String?] = [nil, "2011-03-15 12:00:00", "2011-07-01 00:00:00", "2011-12-01 00:00:00", "2012-06-01 00:00:00"]
        let variants: [[String: String]] = [[:], ["since": "2011-02-01 00:00:00"], ["country": country], bins,
                                            bins.merging(["since": "2011-01-15 00:00:00", "country": country]) { $1 },
                                            ["monetary_bins": bins["monetary_bins"]!]]
        var compared = 0
        for asOf in asOfs {
            for variant in variants {
                for (name, segments) in [("rfm_summary", [nil]), ("rfm_users", [nil, "At Risk", "Champions"])] as [(String, [String?])] {
                    for segment in segments {
                        var values: [String: String?] = ["as_of": asOf, "since": nil, "country": nil, "recency_bins": nil,
                                                         "frequency_bins": nil, "monetary_bins": nil]
                        for (key, value) in variant { values[key] = value }
                        if name == "rfm_users" { values["segment"] = segment }
                        let sqliteRows = try run(name, values, sqlite: sqlite)
                        let postgresRows = try run(name, values, postgres: db)
                        let label = "\(name) \(values.compactMapValues { $0 }.sorted { $0.key < $1.key })"
                        #expect(postgresRows.columns == sqliteRows.columns, "\(label): columns")
                        #expect(postgresRows.rows.count == sqliteRows.rows.count, "\(label): \(postgresRows.rows.count) rows on Citus, \(sqliteRows.rows.count) on SQLite")
                        if let index = zip(postgresRows.rows, sqliteRows.rows).enumerated().first(where: { _, pair in
                            pair.0.count != pair.1.count || zip(pair.0, pair.1).contains { !$0.matches($1) }
                        })?.offset {
                            Issue.record("\(label): row \(index) differs\n  Citus:  \(postgresRows.rows[index])\n  SQLite: \(sqliteRows.rows[index])")
                        }
                        compared += sqliteRows.rows.count
                    }
                }
            }
        }
        // The matrix is not vacuous: customers were scored and several segments named.
        #expect(compared > 5_000, "only \(compared) rows compared")
        let segments = try run("rfm_summary", ["as_of": nil, "since": nil, "country": nil, "recency_bins": nil, "frequency_bins": nil,
                                               "monetary_bins": nil], postgres: db).rows.filter { $0.first == .text("segment") }
        #expect(segments.count >= 5, "\(segments)")
    }

    @Test func lifecycleRFMOnCitusPrintsWhatItPrintsOnSQLite() throws {
        let work = try WorkDirectory()
        #expect(try Binary.run(["generate", "--users", "250", "--seed", "22", "--no-events", "--out", "shop"], directory: work.url).status == 0)
        let url = try cluster.createDatabase("lc_rfm_cli", citus: true)
        let file = work.path("shop.db")
        for command in [["users", "shop/users.csv"],
                        ["orders", "shop/orders.csv", "--format", "online-retail", "--timezone", "Europe/London"]] {
            #expect(try importCounts(command + ["--db", url], in: work) == (try importCounts(command + ["--db", file], in: work)))
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let country = try #require(try sqlite.scalar(
            "SELECT country FROM users WHERE country IS NOT NULL GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").string)
        let variants: [[String]] = [
            [], ["--as-of", "2011-07-01"], ["--as-of", "2011-09-15T12:00:00Z", "--since", "2011-02-01"], ["--country", country],
            ["--bins", "recency=30,90,180,365", "--bins", "frequency=1,2,4,8", "--bins", "monetary=20,100,400,1500"],
            ["--users"], ["--users", "--segment", "At Risk", "--as-of", "2011-10-01"], ["--users", "--country", country, "--since", "2011-03-01"],
            ["--by", "country"], ["--by", "country", "--as-of", "2011-07-01", "--since", "2011-02-01"],
            // A reporting zone: the default as-of is its midnight, dates are read in it.
            ["--timezone", "America/New_York"], ["--timezone", "Asia/Tokyo", "--as-of", "2011-07-01", "--users"],
            // A segment map file: its names (one with a comma and quotes) and their order.
            ["--segment-map", "map.csv"], ["--segment-map", "map.csv", "--users", "--segment", "Top"],
            ["--segment-map", "two.csv", "--users", "--as-of", "2011-07-01"], ["--by", "country", "--segment-map", "map.csv"],
        ]
        try "segment,cells\nTop,55 54 45 44\nMiddle,53 52 51 43 42 41 35 34 33 32 31 25 24 23\n\"Low, \"\"cold\"\"\",22 21 15 14 13 12 11\n"
            .write(toFile: work.path("map.csv"), atomically: true, encoding: .utf8)
        let cells = (1...5).flatMap { r in (1...5).map { "\(r)\($0)" } }
        try ("segment,cells\nLast first,\(cells.prefix(12).joined(separator: " "))\nThen,\(cells.dropFirst(12).joined(separator: "/"))\n")
            .write(toFile: work.path("two.csv"), atomically: true, encoding: .utf8)
        for variant in variants {
            // (A breakdown asks once per group: its text formats are left to the file's tests.)
            for format in variant.contains("--by") ? ["json", "csv"] : ["json", "csv", "table", "markdown"] {
                let onSQLite = try Binary.run(["rfm"] + variant + ["--format", format, "--db", file], directory: work.url)
                let onCitus = try Binary.run(["rfm"] + variant + ["--format", format, "--db", url], directory: work.url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(variant) \(format): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(onCitus.stdout == onSQLite.stdout, "\(variant) --format \(format) prints otherwise on Citus")
                #expect(onCitus.stderr == onSQLite.stderr, "\(variant) --format \(format)")
            }
        }
        // A map that leaves cells unnamed is refused alike.
        try "segment,cells\nBest,55\nWorst,11\n".write(toFile: work.path("partial.csv"), atomically: true, encoding: .utf8)
        let partial = try [file, url].map { try Binary.run(["rfm", "--segment-map", "partial.csv", "--db", $0], directory: work.url) }
        #expect(partial.allSatisfy { $0.status != 0 } && partial[1].stderr == partial[0].stderr && partial[0].stderr.contains("all 25 RF pairs are needed"),
                "\(partial.map(\.stderr))")
        // Snapshots: saved (and saved again, replacing one) and compared alike, a comparison saving
        // what it lacks first; the stored runs hold the same customers, scores and segments.
        for variant in [["--as-of", "2011-06-01", "--save"], ["--compare", "2011-06-01", "--format", "json"],
                        ["--compare", "2011-03-01", "--as-of", "2011-09-01", "--segment-map", "map.csv", "--format", "csv"],
                        ["--as-of", "2011-06-01", "--save", "--bins", "recency=30,90,180,365", "--format", "csv"],
                        ["--compare", "2011-06-01", "--as-of", "2011-09-01"]] {
            let onSQLite = try Binary.run(["rfm"] + variant + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(["rfm"] + variant + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(variant): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout && onSQLite.stdout.count > 100, "\(variant) prints otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(variant): \(onSQLite.stderr) | \(onCitus.stderr)")
        }
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let runs = "SELECT id, as_of, method, thresholds, segment_map, users FROM rfm_snapshots ORDER BY id"
        let runsOnFile = try sqlite.query(runs).map { $0.values.map(Cell.init) }
        let runsOnCitus = try db.query(runs).map { $0.values.map(Cell.init) }
        #expect(runsOnFile.count == 4 && runsOnCitus == runsOnFile, "\(runsOnCitus) \(runsOnFile)")
        let stored = """
            SELECT s.as_of, u.external_id, su.recency_days, su.frequency, su.monetary_micros, su.r, su.f, su.m, su.segment
            FROM rfm_snapshot_users su JOIN rfm_snapshots s ON s.id = su.snapshot_id JOIN users u ON u.id = su.user_id
            ORDER BY s.as_of, su.user_id
            """
        let storedOnFile = try sqlite.query(stored).map { $0.values.map(Cell.init) }
        let storedOnCitus = try db.query(stored).map { $0.values.map(Cell.init) }
        #expect(storedOnFile.count > 300 && storedOnCitus == storedOnFile, "\(storedOnFile.count) stored rows on the file, \(storedOnCitus.count) on Citus")
    }

    func run(_ name: String, _ values: [String: String?], sqlite: Connection) throws -> (columns: [String], rows: [[Cell]]) {
        let text = try String(contentsOf: Self.sqlFolder.appendingPathComponent("\(name).sql"), encoding: .utf8)
        var named: [String: any SQLBindable] = [:]
        for (key, value) in values { named[":\(key)"] = value.map(SQLValue.text) ?? SQLValue.null }
        let rows = try sqlite.query(text, named: named)
        return (rows.first?.columns ?? [], rows.map { $0.values.map(Cell.init) })
    }

    func run(_ name: String, _ values: [String: String?], postgres: PGConnection) throws -> (columns: [String], rows: [[Cell]]) {
        let text = try String(contentsOf: Self.sqlFolder.appendingPathComponent("postgres/\(name).sql"), encoding: .utf8)
        var named = values.mapValues { $0.map(PGValue.text) ?? .null }
        if named["zone"] == nil { named["zone"] = .null }  // sql/postgres/'s reporting zone; sql/'s is a table (UTC when empty)
        if name.hasPrefix("rfm_") {  // sql/postgres/'s segment map file (NULL: the stored grid); sql/'s is a table
            for key in ["map_r", "map_f", "map_segments", "map_positions"] where named[key] == nil { named[key] = .null }
        }
        let rows = try postgres.query(text, named: named)
        return (rows.first?.columns ?? [], rows.map { $0.values.map(Cell.init) })
    }
}
