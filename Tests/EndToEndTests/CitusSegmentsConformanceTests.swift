import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train segments` and `score` of a segments model on both engines: one generated
    /// shop on the SQLite file and on the Citus cluster, trained with a fixed k, by silhouette
    /// over a range, at an earlier as-of and with extra `user_features` columns (built on demand
    /// on both), then the stored snapshots compared field by field (the weights' SHA-256
    /// included) and the assignments row by row.
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
        try Self.expectSameScoringRuns("segment_assignments", sqlite: sqlite, citus: db)
        #expect(try db.scalar("SELECT count(DISTINCT cluster) FROM segment_assignments WHERE snapshot_id = 1").int64 == 4)
    }
}
