import Foundation
import PostgresStore
import SQLiteStore
import Testing

extension CitusCLITests {
    /// `lifecycle train satisfaction`, `satisfaction`, `train churn --satisfaction` and the
    /// report's satisfaction section on both engines: one generated shop with events on the
    /// SQLite file and on the Citus cluster (the histories come from
    /// `sql/postgres/churn_sequences.sql` on the workers), two trainings (months by default;
    /// weeks at an earlier as-of with another penalty), their snapshots compared field by field
    /// (the weights' SHA-256 included, so the same parameters to the bit), the scores printed,
    /// a churn model fed by a satisfaction model, and the report's page.
    @Test func satisfactionTrainedAndScoredOnCitusIsSQLitesRecursion() throws {
        let (work, file, url) = try shopOnBothEngines("lc_satisfaction_conformance", users: 300, seed: 81)
        let trainings: [[String]] = [[], ["--period", "week", "--max-periods", "30", "--as-of", "2011-06-01", "--l2", "0.01"]]
        for options in trainings {
            let arguments = ["train", "satisfaction", "--format", "csv"] + options
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onSQLite.status == 0 && onCitus.status == 0, "\(options): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout && onSQLite.stdout.contains("w_state"), "\(options) trains otherwise on Citus: \(onCitus.stdout)")
            #expect(Self.withoutSeconds(onCitus.stderr) == Self.withoutSeconds(onSQLite.stderr), "\(options): \(onCitus.stderr)")
        }
        let sqlite = try Connection(path: file, mode: .readOnly)
        let db = try PGConnection.open(PostgresLocation(url: url))
        defer { try? db.close() }
        try Self.expectSameRows("""
            SELECT id, name, kind, version, hyperparameters, training_as_of, training_window_start, training_window_end,
                   training_rows, data_fingerprint, weights_sha256
            FROM model_snapshots ORDER BY id
            """, sqlite: sqlite, citus: db, count: trainings.count)
        let metrics = "SELECT metrics FROM model_snapshots ORDER BY id"
        #expect(try db.query(metrics).map { Self.metricsWithoutFitSeconds($0[0].string) }
                == (try sqlite.query(metrics).map { Self.metricsWithoutFitSeconds($0[0].string) }))

        // Scores: the least satisfied first, by each version, at another as-of, with --top.
        for arguments in [["satisfaction", "--format", "csv"], ["satisfaction", "--model", "satisfaction@2", "--as-of", "2011-10-01", "--format", "json"],
                          ["satisfaction", "--top", "5"], ["satisfaction", "--model", "satisfaction@9"]] {
            let onSQLite = try Binary.run(arguments + ["--db", file], directory: work.url)
            let onCitus = try Binary.run(arguments + ["--db", url], directory: work.url)
            #expect(onCitus.status == onSQLite.status, "\(arguments): \(onSQLite.stderr) \(onCitus.stderr)")
            #expect(onCitus.stdout == onSQLite.stdout, "\(arguments) scores otherwise on Citus")
            #expect(onCitus.stderr.replacingOccurrences(of: "Error: \(url): ", with: "Error: ") == onSQLite.stderr, "\(arguments)")
        }
        let scored = try Binary.run(["satisfaction", "--format", "csv", "--db", url], directory: work.url)
        #expect(scored.stdout.split(separator: "\n").count > 200, "\(scored.stdout.prefix(300))")

        // A churn model fed by satisfaction@2 (trained before its as-of): the same model.
        let churn = ["train", "churn", "--as-of", "2011-06-15", "--satisfaction", "satisfaction@2", "--format", "csv"]
        let churnOnSQLite = try Binary.run(churn + ["--db", file], directory: work.url)
        let churnOnCitus = try Binary.run(churn + ["--db", url], directory: work.url)
        #expect(churnOnSQLite.status == 0 && churnOnCitus.status == 0, "\(churnOnSQLite.stderr) \(churnOnCitus.stderr)")
        #expect(churnOnCitus.stdout == churnOnSQLite.stdout, "\(churnOnCitus.stdout)")
        let fedBy = try sqlite.query("SELECT hyperparameters FROM model_snapshots WHERE name = 'churn'").first?[0].string
        #expect(fedBy?.contains("satisfaction@2") == true, "\(fedBy ?? "no churn model")")
        try Self.expectSameRows("SELECT hyperparameters, data_fingerprint, weights_sha256 FROM model_snapshots WHERE name = 'churn'",
                                sqlite: sqlite, citus: db, count: 1)

        // The report's satisfaction section, drawn from the same scores.
        #expect(try Binary.run(["report", "--db", file, "--out", "file.html"], directory: work.url).status == 0)
        #expect(try Binary.run(["report", "--db", url, "--out", "citus.html"], directory: work.url).status == 0)
        func page(_ path: String, title: String) throws -> String {
            try String(contentsOfFile: work.path(path), encoding: .utf8)
                .replacingOccurrences(of: "Lifecycle report: \(title)", with: "Lifecycle report: TITLE")
                .replacingOccurrences(of: #"generated \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"#, with: "generated NOW", options: .regularExpression)
        }
        let fromFile = try page("file.html", title: "shop.db")
        #expect(fromFile.contains("<h2>Satisfaction (satisfaction@2)"), "no satisfaction section")
        #expect(try page("citus.html", title: "lc_satisfaction_conformance") == fromFile, "the page with a satisfaction model differs on Citus")
    }

    /// A satisfaction snapshot's metrics without the fit's wall-clock seconds.
    static func metricsWithoutFitSeconds(_ text: String?) -> NSDictionary {
        guard let data = text?.data(using: .utf8),
              var object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else { return [:] }
        if var training = object["training"] as? [String: Any] {
            training["seconds"] = nil
            object["training"] = training
        }
        return object as NSDictionary
    }
}
