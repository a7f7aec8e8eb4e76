import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train recommendations`, `score` of a recommendations model and `recommend` on
    /// both engines: one generated shop on the SQLite file and on the Citus cluster, trained with
    /// the defaults, fewer neighbours and a co-purchase floor, and at an earlier as-of with a
    /// shorter holdout; the stored snapshots compared field by field (the weights' SHA-256
    /// included), the runs row by row, and `recommend` for a buyer, a customer with nothing
    /// bought and an unknown one.
    @Test func recommendationsTrainedAndScoredOnCitusAreSQLitesNeighboursAndLists() throws {
        let (work, file, url) = try shopOnBothEngines("lc_recommendations_conformance", users: 300, seed: 71, events: false)
        let trainings: [[String]] = [
            ["--promote"],
            ["--neighbours", "5", "--min-co-purchases", "2", "--count", "5"],
            ["--as-of", "2011-09-01", "--holdout", "60d", "--promote"],
        ]
        for options in trainings {
            let arguments = ["train", "recommendations", "--format", "json"] + options
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(options): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(Self.withoutFitSeconds(onCitus.stdout) == Self.withoutFitSeconds(onSQLite.stdout) && onSQLite.stdout.contains("hit rate@"),
                    "\(options) trains otherwise on Citus: \(onCitus.stdout)")
            #expect(onCitus.stderr == onSQLite.stderr, "\(options)")
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        try Self.expectSameRows("""
            SELECT id, name, kind, version, hyperparameters, training_as_of, training_window_start, training_window_end,
                   training_rows, data_fingerprint, metrics, weights_sha256
            FROM model_snapshots ORDER BY id
            """, sqlite: sqlite, citus: db, count: trainings.count)
        try Self.expectSameRows("SELECT name, alias, from_version, to_version, reason FROM model_alias_moves ORDER BY id", sqlite: sqlite, citus: db, count: 1)

        // Scoring: production, another version at another as-of, --top, and part of the
        // customers by a scope (only their rows of that run replaced).
        let country = try #require(try sqlite.query("SELECT country FROM users GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").first?[0].string)
        for arguments in [["score", "recommendations", "--format", "csv"], ["score", "recommendations@2", "--as-of", "2011-10-01", "--format", "csv"],
                          ["score", "recommendations", "--top", "4", "--format", "json"],
                          ["score", "recommendations@2", "--as-of", "2011-10-01", "--country", country, "--since", "2011-03-01", "--format", "csv"]] {
            try Self.expectSameAnswer(arguments, file: file, url: url, in: work, holding: "stock_code")
        }
        try Self.expectSameScoringRuns("recommendations", sqlite: sqlite, citus: db, orderBy: "snapshot_id, as_of, user_id, rank")
        let workers = try db.query("SELECT DISTINCT nodeport FROM citus_shards WHERE table_name = 'recommendations'::regclass AND shard_size > 0")
        #expect(workers.count == 2)

        // One customer at a time: a buyer (by production and by another version, from --since),
        // a customer who bought nothing (popularity), and an unknown id, refused alike.
        let buyer = try #require(try sqlite.query("""
            SELECT u.external_id FROM users u JOIN orders o ON o.user_id = u.id WHERE o.kind = 'purchase' GROUP BY u.id ORDER BY count(*) DESC, u.id LIMIT 1
            """).first?[0].string)
        let nonBuyer = try #require(try sqlite.query("""
            SELECT external_id FROM users WHERE id NOT IN (SELECT user_id FROM orders WHERE user_id IS NOT NULL) ORDER BY id LIMIT 1
            """).first?[0].string)
        for arguments in [["recommend", buyer], ["recommend", buyer, "--model", "recommendations@3", "--since", "2011-06-01", "--count", "3", "--format", "json"],
                          ["recommend", nonBuyer, "--format", "csv"], ["recommend", "no-such-customer"]] {
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onCitus.status == onSQLite.status, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) recommends otherwise on Citus: \(onCitus.stdout)")
            #expect(onCitus.stderr.replacingOccurrences(of: "Error: \(url): ", with: "Error: ") == onSQLite.stderr, "\(arguments)")
        }
        let explained = try Binary.run(["recommend", buyer, "--format", "csv", "--db", url], directory: work.url)
        #expect(explained.stdout.split(separator: "\n").count == 11 && explained.stdout.contains("("), "\(explained.stdout)")
        let pseudonyms = try Binary.run(["recommend", buyer, "--key-file", "key.txt", "--db", url], directory: work.url)
        #expect(pseudonyms.status != 0 && pseudonyms.stderr.contains("--key-file: pseudonymised warehouses are not supported on PostgreSQL yet"),
                "\(pseudonyms.stderr)")
    }

    /// `train recommendations` output without the neighbour computation's wall-clock seconds.
    static func withoutFitSeconds(_ json: String) -> String {
        json.replacingOccurrences(of: #""fit_seconds" ?: ?[0-9.e-]+"#, with: "\"fit_seconds\": …", options: .regularExpression)
            .replacingOccurrences(of: #"computed in [0-9]+\.[0-9]+ s"#, with: "computed in … s", options: .regularExpression)
    }
}
