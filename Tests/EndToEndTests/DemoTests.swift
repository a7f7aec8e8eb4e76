import Foundation
import SQLiteStore
import Testing

/// `lifecycle demo` in an empty directory: every stage lands in the database it creates.
@Suite struct DemoTests {
    @Test func demoRunsEndToEndInAnEmptyDirectory() throws {
        let work = try WorkDirectory()
        let result = try Binary.run(["demo", "--users", "600"], directory: work.url)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("RFM segments"))
        #expect(result.stdout.contains("Monthly retention"))
        #expect(result.stdout.contains("The ten users most at risk"))
        #expect(result.stdout.contains("hit rate@10") && result.stdout.contains("vs popularity"))
        let db = try Connection(path: work.path("lifecycle.db"), mode: .readOnly)
        #expect(try db.scalar("SELECT count(*) FROM users").int64 == 600)
        #expect(try db.scalar("SELECT count(*) FROM imports WHERE status = 'finished'").int64 == 4)
        // Churn: one version per learner, in this order, all evaluated on the same holdout as-of,
        // and production on the one the promotion rule kept (each later version had to beat it).
        let kinds = try db.query("SELECT kind FROM model_snapshots WHERE name = 'churn' ORDER BY version").map { $0[0].string ?? "" }
        #expect(kinds == ["logistic_regression", "gradient_boosted_trees", "gru_sequence"])
        #expect(try db.scalar("""
            SELECT count(DISTINCT json_extract(hyperparameters, '$.evaluation_as_of')) FROM model_snapshots WHERE name = 'churn'
            """).int64 == 1)
        let production = try #require(try db.scalar(
            "SELECT version FROM model_aliases WHERE name = 'churn' AND alias = 'production'").int64)
        var lastPromoted: Int64 = 0
        for version in 1...3 {
            let line = try #require(result.stdout.split(separator: "\n").first { $0.contains("stored as churn@\(version)") })
            if line.contains("now production") { lastPromoted = Int64(version) } else { #expect(line.contains("production unchanged"), "\(line)") }
        }
        #expect(lastPromoted == production)
        #expect(result.stdout.contains("Every version and the recency baseline"))
        #expect(result.stdout.contains("under churn@\(production)"))
        #expect(try db.scalar("SELECT count(*) FROM predictions").int64 ?? 0 > 0)
        #expect(result.stdout.contains("7. Customer segments"))
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'segments' AND alias = 'production'").int64 == 1)
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'recommendations' AND alias = 'production'").int64 == 1)
        #expect(try db.scalar("SELECT count(*) FROM recommendations").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT count(*) FROM segment_assignments").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT count(*) FROM clv_predictions").int64 ?? 0 > 0)
        #expect(try db.scalar("SELECT version FROM model_aliases WHERE name = 'clv' AND alias = 'production'").int64 == 1)
        #expect(FileManager.default.fileExists(atPath: work.path("lifecycle-sample/report.html")))
    }
}
