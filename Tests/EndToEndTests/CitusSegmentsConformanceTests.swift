import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train segments` and `score` of a segments model on both engines: one generated
    /// shop on the SQLite file and on the Citus cluster, trained with a fixed k, by silhouette
    /// over a range, at an earlier as-of and with extra `user_features` columns (built on demand
    /// on both), then the stored snapshots compared field by field (the weights' SHA-256
    /// included) and the assignments row by row, all and part of the customers; then
    /// `lifecycle segments` prints the same on both.
    @Test func segmentsTrainedAndScoredOnCitusAreSQLitesClustersAndAssignments() throws {
        let (work, file, url) = try shopOnBothEngines("lc_segments_conformance", users: 300, seed: 62, events: false)
        let trainings: [[String]] = [
            ["--k", "4", "--seed", "7", "--promote"],
            ["--k-range", "2...5", "--restarts", "3"],
            ["--k", "3", "--as-of", "2011-06-01"],
            ["--k", "3", "--features", "tenure_days,orders_90d,return_share", "--as-of", "2011-09-01"],
        ]
        for options in trainings {
            let arguments = ["train", "segments", "--format", "json"] + options
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(options): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(options) clusters otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(options)")
            #expect(onSQLite.stdout.contains("mean_monetary"), "\(onSQLite.stdout)")
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let snapshots = """
            SELECT id, name, kind, version, hyperparameters, training_as_of, training_window_start, training_window_end,
                   training_rows, data_fingerprint, metrics, weights_sha256
            FROM model_snapshots ORDER BY id
            """
        let storedOnSQLite = try sqlite.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        #expect(storedOnSQLite.count == trainings.count)
        #expect(try db.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) } == storedOnSQLite)

        for arguments in [["score", "segments"], ["score", "segments@4", "--as-of", "2011-10-01"], ["score", "segments@2", "--top", "5"]] {
            let onSQLite = try Binary.run(arguments + ["--format", "csv", "--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--format", "csv", "--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) assigns otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
        }
        // Part of the customers: only their rows of segments@4's run are replaced.
        // Five customers who bought before the as-of and the last user, who did not (noted, not scored).
        let listed = try sqlite.query("""
            SELECT external_id FROM (SELECT id, external_id FROM users WHERE id IN (
                SELECT user_id FROM orders WHERE kind = 'purchase' AND ordered_at < unixepoch('2011-10-01')) ORDER BY id DESC LIMIT 5)
            UNION ALL SELECT external_id FROM (SELECT external_id FROM users ORDER BY id DESC LIMIT 1)
            """).compactMap { $0[0].string }
        try (listed.joined(separator: "\n") + "\n").write(toFile: work.path("six.txt"), atomically: true, encoding: .utf8)
        let country = try #require(try sqlite.query("SELECT country FROM users GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").first?[0].string)
        for arguments in [["score", "segments@4", "--as-of", "2011-10-01", "--users", "six.txt"],
                          ["score", "segments@4", "--as-of", "2011-10-01", "--country", country, "--since", "2011-04-01"]] {
            try Self.expectSameAnswer(arguments + ["--format", "json"], file: file, url: url, in: work, holding: "\"cluster\"")
        }
        try Self.expectSameScoringRuns("segment_assignments", sqlite: sqlite, citus: db)

        // `lifecycle segments`: the clusters' profiles and their overlap with the RFM segments,
        // for everyone and for a scope, in every format.
        for arguments in [["segments"], ["segments", "--model", "segments@4", "--as-of", "2011-10-01", "--format", "json"],
                          ["segments", "--country", country, "--format", "csv"], ["segments", "--format", "markdown"]] {
            try Self.expectSameAnswer(arguments, file: file, url: url, in: work, holding: "revenue")
        }
        let refused = try Binary.run(["segments", "--model", "segments@9", "--db", url], directory: work.url)
        #expect(refused.status != 0 && refused.stderr.contains("model 'segments' has no version 9"), "\(refused.stderr)")
        #expect(try db.scalar("SELECT count(DISTINCT cluster) FROM segment_assignments WHERE snapshot_id = 1").int64 == 4)
    }
}
