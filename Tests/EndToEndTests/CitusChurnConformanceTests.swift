import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train churn` and `score` of churn models on both engines: one generated shop
    /// with events, trained with every learner (logistic regression, boosted trees, the sequence
    /// model) and other as-ofs, horizons and settings on the SQLite file and on the Citus cluster.
    /// The answers, the stored snapshots (data fingerprints and weights' SHA-256 included: the
    /// same inputs and parameters to the bit; the metrics but for the fit's wall-clock seconds),
    /// the alias moves, the features built on the way and every scoring run are compared; a
    /// second currency is then refused by both with the same words.
    @Test func churnTrainedAndScoredOnCitusIsSQLitesModelAndScores() throws {
        let (work, file, url) = try shopOnBothEngines("lc_churn_conformance", users: 600, seed: 67)

        let trainings: [[String]] = [
            ["--promote"],
            ["--model", "gbt", "--max-iterations", "25", "--min-samples-leaf", "10", "--seed", "3", "--promote"],
            ["--model", "sequence", "--sequence-period", "month", "--periods", "6", "--hidden-size", "4", "--max-epochs", "2", "--promote"],
            ["--as-of", "2011-06-01", "--horizon", "60d", "--evaluate-as-of", "2011-08-15", "--l2", "0.5"],
        ]
        for options in trainings {
            let arguments = ["train", "churn", "--format", "csv"] + options
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(options): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(options) trains otherwise on Citus")
            #expect(Self.withoutSeconds(onCitus.stderr) == Self.withoutSeconds(onSQLite.stderr), "\(options)")
            #expect(onSQLite.stdout.hasPrefix("metric,model,recency_baseline\nROC AUC,"), "\(onSQLite.stdout)")
        }

        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        let snapshots = """
            SELECT id, name, kind, version, code_version, hyperparameters, training_as_of, training_window_start,
                   training_window_end, training_rows, data_fingerprint, weights_sha256, weights_format
            FROM model_snapshots ORDER BY id
            """
        let storedOnSQLite = try sqlite.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        #expect(storedOnSQLite.count == trainings.count)
        #expect(try db.query(snapshots).map { $0.values.map(CitusFeaturesConformanceTests.value) } == storedOnSQLite)
        let metrics = "SELECT metrics FROM model_snapshots ORDER BY id"
        let metricsOnSQLite = try sqlite.query(metrics).map { Self.metricsWithoutTimings($0.values[0].string) }
        #expect(metricsOnSQLite.allSatisfy { $0["holdout"] != nil })
        #expect(try db.query(metrics).map { Self.metricsWithoutTimings($0.values[0].string) } == metricsOnSQLite)
        let aliases = "SELECT name, alias, from_version, to_version, reason FROM model_alias_moves ORDER BY id"
        let movesOnSQLite = try sqlite.query(aliases).map { $0.values.map(CitusFeaturesConformanceTests.value) }
        #expect(!movesOnSQLite.isEmpty)
        #expect(try db.query(aliases).map { $0.values.map(CitusFeaturesConformanceTests.value) } == movesOnSQLite)
        let builds = "SELECT as_of, users FROM feature_builds ORDER BY as_of"
        #expect(try db.query(builds).map { $0.values.map(CitusFeaturesConformanceTests.value) }
                == (try sqlite.query(builds).map { $0.values.map(CitusFeaturesConformanceTests.value) }))

        // Scoring by every kind: the same answer and the same stored rows, for production, the
        // sequence model at another as-of, and the same run again (replaced, not added to).
        for arguments in [["score", "churn"], ["score", "churn@3", "--as-of", "2011-10-01"], ["score", "churn@1"], ["score", "churn", "--top", "5"]] {
            let onSQLite = try Binary.run(arguments + ["--format", "csv", "--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--format", "csv", "--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) scores otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
        }
        // Part of the customers, by a users file and by a scope: the same answer, and only their
        // scores replaced in the run of churn@1, whose other rows stay.
        let listed = try sqlite.query("SELECT external_id FROM users ORDER BY id LIMIT 7").compactMap { $0[0].string }
        try (listed.joined(separator: "\n") + "\n").write(toFile: work.path("seven.txt"), atomically: true, encoding: .utf8)
        let country = try #require(try sqlite.query("SELECT country FROM users GROUP BY country ORDER BY count(*) DESC, country LIMIT 1").first?[0].string)
        for arguments in [["score", "churn@1", "--users", "seven.txt"], ["score", "churn@1", "--country", country, "--since", "2011-03-01"]] {
            let onSQLite = try Binary.run(arguments + ["--format", "json", "--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--format", "json", "--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout && onSQLite.stdout.contains("\"churn_probability\""), "\(arguments) scores otherwise on Citus")
            #expect(onCitus.stderr == onSQLite.stderr, "\(arguments)")
        }
        try Self.expectSameScoringRuns("predictions", sqlite: sqlite, citus: db)
        #expect(try db.scalar("SELECT count(DISTINCT (snapshot_id, as_of)) FROM predictions").int64 == 3)

        // Both queries are per customer on the workers (32 shards), with nothing planned apart.
        let queries: [(name: String, parameters: [String: PGValue])] = [
            ("churn_features", ["as_of": .integer(1_309_478_400), "horizon": .integer(7_776_000)]),
            ("churn_sequences", ["as_of": .integer(1_309_478_400), "period_seconds": .integer(604_800), "periods": .integer(24),
                                 "first_user": .integer(0), "last_user": .integer(.max)]),
        ]
        for query in queries {
            let text = try String(contentsOf: CitusCLITests.sqlFolder.appendingPathComponent("postgres/\(query.name).sql"), encoding: .utf8)
            let plan = try db.query("EXPLAIN " + text, named: query.parameters).compactMap { $0[0].string }.joined(separator: "\n")
            #expect(plan.contains("Custom Scan (Citus Adaptive)") && plan.contains("Task Count: 32") && !plan.contains("Subplan"),
                    "\(query.name): \(plan)")
        }

        // A satisfaction input that is not there is refused alike (satisfaction models have their
        // own conformance test).
        let refused = try [file, url].map { try Binary.run(["train", "churn", "--satisfaction", "satisfaction@1", "--db", $0], directory: work.url) }
        #expect(refused.allSatisfy { $0.status != 0 } && refused[0].stderr.contains("satisfaction"), "\(refused.map(\.stderr))")
        #expect(refused[1].stderr == refused[0].stderr, "\(refused.map(\.stderr))")

        // A second currency before the as-of: both refuse with the same words, storing nothing.
        try "order_id,ordered_at,customer_id,product_id,quantity,unit_price,currency\nEUR-1,2011-03-01T10:00:00Z,10001,P-EUR,1,9.5,EUR\n"
            .write(toFile: work.path("euro.csv"), atomically: true, encoding: .utf8)
        var refusals: [String] = []
        for db in [file, url] {
            #expect(try Binary.run(["import", "orders", "euro.csv", "--db", db], directory: work.url).status == 0)
            let refused = try Binary.run(["train", "churn", "--db", db], directory: work.url)
            #expect(refused.status != 0 && refused.stderr.contains("EUR") && refused.stderr.contains("GBP"), "\(db): \(refused.stderr)")
            refusals.append(refused.stderr)
        }
        // The server's refusal names the warehouse, as every error on PostgreSQL does.
        #expect(refusals[1] == "Error: \(url): " + refusals[0].dropFirst("Error: ".count), "\(refusals)")
        #expect(try db.scalar("SELECT count(*) FROM model_snapshots").int64 == Int64(trainings.count))
    }

    /// Text with every wall-clock figure ("0.26 s") written as "… s".
    static func withoutSeconds(_ text: String) -> String {
        text.replacingOccurrences(of: #"[0-9]+\.[0-9]+ s\b"#, with: "… s", options: .regularExpression)
    }

    /// A snapshot's metrics without the wall-clock figures of the fit, which differ run to run.
    static func metricsWithoutTimings(_ text: String?) -> [String: NSObject] {
        guard let data = text?.data(using: .utf8),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: NSObject] else { return [:] }
        object["training_seconds"] = nil
        object["scoring_seconds_per_100k"] = nil
        return object
    }
}
