import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train clv`, `score` and `models list` on both engines: one generated shop with a
    /// second currency, trained over a matrix of options (periods, calibration and holdout ends,
    /// an L2 penalty, promotion) on the SQLite file and on the Citus cluster, then every stored
    /// snapshot field that does not depend on the clock compared (the weights' SHA-256 included:
    /// the same parameters to the bit), the scoring runs compared row by row, and a snapshot
    /// changed behind the registry's back shown to be refused when loaded.
    @Test func lifetimeValueTrainedAndScoredOnCitusIsSQLitesModelAndScores() throws {
        let (work, file, url) = try shopOnBothEngines("lc_clv_conformance", users: 400, seed: 61, events: false)
        try "order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency\nEUR-1,2011-06-01T10:00:00Z,10001,P-EUR,1,9.5,EUR\n"
            .write(toFile: work.path("euro.csv"), atomically: true, encoding: .utf8)
        for db in [file, url] {
            #expect(try Binary.run(["import", "orders", "euro.csv", "--db", db], directory: work.url).status == 0)
        }

        // Two currencies and none chosen: both refuse with the same words, storing nothing.
        for db in [file, url] {
            let refused = try Binary.run(["train", "clv", "--db", db], directory: work.url)
            #expect(refused.status != 0 && refused.stderr.contains("pass --currency EUR or --currency GBP"), "\(db): \(refused.stderr)")
        }

        // A fit whose spend model has no finite mean: the same refusal on both, nothing stored.
        let refusedArguments = ["train", "clv", "--currency", "GBP", "--l2", "0.001"]
        let refusedOnSQLite = try Binary.run(refusedArguments + ["--db", file], directory: work.url)
        let refusedOnCitus = try Binary.run(refusedArguments + ["--db", url], directory: work.url)
        #expect(refusedOnSQLite.status != 0 && refusedOnSQLite.stderr.contains("the Gamma-Gamma fit gave q = "), "\(refusedOnSQLite.stderr)")
        #expect(refusedOnCitus.status != 0 && refusedOnCitus.stderr == refusedOnSQLite.stderr, "\(refusedOnCitus.stderr)")

        // The same fit, holdout check, version and promotion note on both.
        let trainings: [[String]] = [
            ["--observation-end", "2011-09-30", "--promote"],
            ["--period", "day", "--observation-end", "2011-06-30", "--holdout-end", "2011-09-30", "--promote"],
            ["--l2", "0.00001", "--months", "6", "--discount", "0.02", "--promote"],
            [],
        ]
        for options in trainings {
            let arguments = ["train", "clv", "--currency", "GBP", "--format", "json"] + options
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(options): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(options) trains otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(options)")
            #expect(onSQLite.stdout.contains("\"parameter\" : \"gamma\"") || onSQLite.stdout.contains("\"parameter\": \"gamma\""), "\(onSQLite.stdout)")
        }

        // The summary the models are fitted on: the same customers and values, to the micro-unit.
        for arguments in [["clv", "summary", "--currency", "GBP", "--format", "csv"],
                          ["clv", "summary", "--currency", "GBP", "--period", "day", "--observation-end", "2011-06-30", "--format", "json"]] {
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout && onSQLite.stdout.count > 1_000, "\(arguments) summarises otherwise on Citus")
        }

        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let snapshots = """
            SELECT id, name, kind, version, code_version, hyperparameters, training_as_of, training_window_start,
                   training_window_end, training_rows, data_fingerprint, metrics, weights_sha256, weights_format
            FROM model_snapshots ORDER BY id
            """
        let storedOnSQLite = try sqlite.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        #expect(storedOnSQLite.count == trainings.count)
        #expect(try db.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) } == storedOnSQLite)
        let aliases = "SELECT name, alias, from_version, to_version, reason FROM model_alias_moves ORDER BY id"
        let movesOnSQLite = try sqlite.query(aliases).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        #expect(!movesOnSQLite.isEmpty)
        #expect(try db.query(aliases).map { $0.values.map(CitusFeaturesConformanceTests.value) } == movesOnSQLite)

        // models list: the same table but for the creation times.
        let listOnSQLite = try Binary.run(["models", "list", "--format", "csv", "--db", file], directory: work.url)
        let listOnCitus = try Binary.run(["models", "list", "--format", "csv", "--db", url], directory: work.url)
        #expect(listOnSQLite.status == 0 && listOnCitus.status == 0, "\(listOnCitus.stderr)")
        #expect(Self.withoutColumn(3, listOnCitus.stdout) == Self.withoutColumn(3, listOnSQLite.stdout), "\(listOnCitus.stdout)")

        // Scoring: the same answer and the same stored rows, for production, a version at another
        // as-of, and the same run again (replaced, not added to).
        for arguments in [["score", "clv"], ["score", "clv@2", "--as-of", "2011-10-01"], ["score", "clv", "--top", "7"]] {
            for format in [["--format", "csv"], ["--format", "json"]] {
                let onSQLite = try Binary.run(arguments + format + ["--db", file], directory: work.url)
                let onCitus = try Binary.run(arguments + format + ["--db", url], directory: work.url)
                #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
                #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) scores otherwise on Citus")
                #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
            }
        }
        // Part of the customers: the summary of a scope, and scoring by a users file and by a
        // scope, which replaces only their rows of clv@2's run; its other rows stay.
        let listed = try sqlite.query("SELECT external_id FROM users ORDER BY id LIMIT 9").compactMap { $0[0].string }
        try (listed.joined(separator: "\n") + "\n").write(toFile: work.path("nine.txt"), atomically: true, encoding: .utf8)
        let country = try #require(try sqlite.query("SELECT country FROM users GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").first?[0].string)
        for arguments in [["clv", "summary", "--currency", "GBP", "--country", country, "--since", "2011-02-01"],
                          ["score", "clv@2", "--as-of", "2011-10-01", "--users", "nine.txt"],
                          ["score", "clv@2", "--as-of", "2011-10-01", "--country", country, "--until", "2011-06-01"]] {
            try Self.expectSameAnswer(arguments + ["--format", "json"], file: file, url: url, in: work, holding: "\"frequency\"")
        }
        for table in ["clv_predictions", "predictions"] {
            try Self.expectSameScoringRuns(table, sqlite: sqlite, citus: db)
        }
        #expect(try db.scalar("SELECT count(DISTINCT as_of) FROM clv_predictions").int64 == 2)

        // The runs sit with their customers on both workers; the registry is a copy on every node.
        let workers = try db.query("SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'clv_predictions'::regclass")
        #expect(workers.count == 2)
        #expect(try db.scalar("SELECT count(*) FROM pg_dist_partition WHERE logicalrelid = 'model_snapshots'::regclass AND partmethod = 'n'").int64 == 1)

        // A snapshot changed behind the registry's back is refused when it is loaded.
        try db.query("UPDATE model_snapshots SET metrics = '{}' WHERE version = 2")
        let tampered = try Binary.run(["score", "clv@2", "--db", url], directory: work.url)
        #expect(tampered.status != 0 && tampered.stderr.contains("clv@2") && tampered.stderr.contains("fails its checksum"), "\(tampered.stderr)")
    }

    /// Every row of a scoring run table on both engines, in key order: integers exactly, reals to
    /// 1e-9 relative, and more than 500 of them (so the comparison is not vacuous).
    static func expectSameScoringRuns(_ table: String, sqlite: Connection, citus: PGConnection,
                                      orderBy: String = "snapshot_id, as_of, user_id") throws {
        let rows = "SELECT * FROM \(table) ORDER BY \(orderBy)"
        let onSQLite = try sqlite.query(rows).map { row in zip(row.columns, row.values.map(CitusFeaturesConformanceTests.value)).map { $0 } }
        let onCitus = try citus.query(rows).map { row in zip(row.columns, row.values.map(CitusFeaturesConformanceTests.value)).map { $0 } }
        #expect(onCitus.count == onSQLite.count && onSQLite.count > 500, "\(table): \(onCitus.count) rows on Citus, \(onSQLite.count) on SQLite")
        let mismatches = zip(onCitus, onSQLite).filter { !CitusFeaturesConformanceTests.equal($0.0, $0.1) }
        #expect(mismatches.isEmpty, "\(table): \(mismatches.count) rows differ, first \(mismatches.first.map { "\($0)" } ?? "")")
    }

    /// CSV text without its `index`-th column (0-based); no field here holds a comma.
    static func withoutColumn(_ index: Int, _ csv: String) -> [[Substring]] {
        csv.split(whereSeparator: \.isNewline).map { line in
            var fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count > index { fields.remove(at: index) }
            return fields
        }
    }
}
